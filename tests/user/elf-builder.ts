// Builds small RISC-V ELF64 images in memory for the user-mode tests, and
// assembles the few RV64I instructions the tests need.

export interface SegmentSpec {
  vaddr: number;
  /** PF_R=4, PF_W=2, PF_X=1. */
  flags: number;
  data: Uint8Array;
  /** Defaults to data.length; larger means a bss tail. */
  memsz?: number;
}

export interface ElfSpec {
  type?: number;
  machine?: number;
  entry: number;
  segments: SegmentSpec[];
  interp?: string;
}

const PAGE = 4096;

export function buildElf(spec: ElfSpec): Uint8Array {
  const phnum = spec.segments.length + (spec.interp ? 1 : 0);
  const headerEnd = 64 + phnum * 56;
  const interpBytes = spec.interp ? Buffer.from(spec.interp + '\0') : null;
  let cursor = headerEnd + (interpBytes?.length ?? 0);
  const placed = spec.segments.map((s) => {
    // File offset congruent to vaddr modulo the page size, after what came before.
    let off = cursor - (cursor % PAGE) + (s.vaddr % PAGE);
    if (off < cursor) off += PAGE;
    cursor = off + s.data.length;
    return { ...s, offset: off };
  });
  const out = new Uint8Array(cursor);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  dv.setUint16(16, spec.type ?? 2, true);
  dv.setUint16(18, spec.machine ?? 243, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(spec.entry), true);
  dv.setBigUint64(32, 64n, true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, phnum, true);
  let ph = 64;
  if (interpBytes) {
    dv.setUint32(ph, 3, true);
    dv.setUint32(ph + 4, 4, true);
    dv.setBigUint64(ph + 8, BigInt(headerEnd), true);
    dv.setBigUint64(ph + 32, BigInt(interpBytes.length), true);
    dv.setBigUint64(ph + 40, BigInt(interpBytes.length), true);
    out.set(interpBytes, headerEnd);
    ph += 56;
  }
  for (const s of placed) {
    dv.setUint32(ph, 1, true);
    dv.setUint32(ph + 4, s.flags, true);
    dv.setBigUint64(ph + 8, BigInt(s.offset), true);
    dv.setBigUint64(ph + 16, BigInt(s.vaddr), true);
    dv.setBigUint64(ph + 24, BigInt(s.vaddr), true);
    dv.setBigUint64(ph + 32, BigInt(s.data.length), true);
    dv.setBigUint64(ph + 40, BigInt(s.memsz ?? s.data.length), true);
    dv.setBigUint64(ph + 48, BigInt(PAGE), true);
    out.set(s.data, s.offset);
    ph += 56;
  }
  return out;
}

// --- a tiny RV64I assembler ---

export const addi = (rd: number, rs1: number, imm: number): number => (((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13) >>> 0;
export const li = (rd: number, imm: number): number => addi(rd, 0, imm);
export const auipc = (rd: number, imm20: number): number => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
/** sd rs2, imm(rs1) */
export const sd = (rs2: number, rs1: number, imm: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (3 << 12) | ((imm & 0x1f) << 7) | 0x23) >>> 0;
/** ld rd, imm(rs1) */
export const ld = (rd: number, rs1: number, imm: number): number => (((imm & 0xfff) << 20) | (rs1 << 15) | (3 << 12) | (rd << 7) | 0x03) >>> 0;
export const ECALL = 0x00000073;
export const EBREAK = 0x00100073;

export function code(words: number[], tail: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(words.length * 4 + tail.length);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w, true));
  out.set(tail, words.length * 4);
  return out;
}

export const A0 = 10, A1 = 11, A2 = 12, A7 = 17, SP = 2;

/** write(1, "hi\n", 3); exit(7) at 0x10000, as a static ET_EXEC image. */
export function helloElf(exitCode = 7): Uint8Array {
  const words = [
    auipc(A1, 0),
    addi(A1, A1, 9 * 4), // the message follows the 9 instructions
    li(A0, 1),
    li(A2, 3),
    li(A7, 64),
    ECALL,
    li(A0, exitCode),
    li(A7, 93),
    ECALL,
  ];
  return buildElf({ entry: 0x10000, segments: [{ vaddr: 0x10000, flags: 5, data: code(words, Buffer.from('hi\n')) }] });
}

export const add = (rd: number, rs1: number, rs2: number): number => ((rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33) >>> 0;
/** bne rs1, rs2, offset (bytes, even, within +-4 KiB). */
export const bne = (rs1: number, rs2: number, offset: number): number => {
  const imm = offset & 0x1fff;
  return ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (1 << 12) |
    (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;
};

/** exit((1 + 2 + ... + n) & 0xff), with a counted loop. */
export function sumLoopElf(n: number): Uint8Array {
  const T0 = 5;
  const words = [li(A0, 0), li(T0, n), add(A0, A0, T0), addi(T0, T0, -1), bne(T0, 0, -8), li(A7, 93), ECALL];
  return buildElf({ entry: 0x10000, segments: [{ vaddr: 0x10000, flags: 5, data: code(words) }] });
}
