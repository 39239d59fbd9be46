// A tiny RISC-V assembler for tests: one encoder per format, and named
// instructions on top. Registers are numbers (x10 = a0).

export const R = { zero: 0, ra: 1, sp: 2, t0: 5, t1: 6, t2: 7, s0: 8, s1: 9, a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a5: 15 } as const;

const u = (x: number): number => x >>> 0;

export function rType(f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number {
  return u((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
}
export function iType(imm: number, rs1: number, f3: number, rd: number, op: number): number {
  return u(((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
}
export function sType(imm: number, rs2: number, rs1: number, f3: number, op: number): number {
  return u((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op);
}
export function bType(imm: number, rs2: number, rs1: number, f3: number): number {
  return u((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12)
    | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63);
}
export function jType(imm: number, rd: number): number {
  return u((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f);
}

export const addi = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 0, rd, 0x13);
export const lui = (rd: number, imm20: number) => u((imm20 << 12) | (rd << 7) | 0x37);
export const add = (rd: number, rs1: number, rs2: number) => rType(0, rs2, rs1, 0, rd, 0x33);
export const ld = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 3, rd, 0x03);
export const lw = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 2, rd, 0x03);
export const sd = (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 3, 0x23);
export const sw = (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 2, 0x23);
export const bne = (rs1: number, rs2: number, imm: number) => bType(imm, rs2, rs1, 1);
export const jal = (rd: number, imm: number) => jType(imm, rd);
export const jalr = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 0, rd, 0x67);
export const ecall = () => 0x73;
export const ebreak = () => 0x100073;
/** OP (0x33) / OP-32 (0x3b) register-register forms by funct7/funct3. */
export const op = (f7: number, f3: number, rd: number, rs1: number, rs2: number) => rType(f7, rs2, rs1, f3, rd, 0x33);
export const op32 = (f7: number, f3: number, rd: number, rs1: number, rs2: number) => rType(f7, rs2, rs1, f3, rd, 0x3b);
/** OP-IMM with the rs2 field fixed (Zbb unary ops): funct12 in imm. */
export const opImm = (imm: number, f3: number, rd: number, rs1: number) => iType(imm, rs1, f3, rd, 0x13);
export const opImm32 = (imm: number, f3: number, rd: number, rs1: number) => iType(imm, rs1, f3, rd, 0x1b);
export const amo = (funct5: number, f3: number, rd: number, rs1: number, rs2: number) => rType(funct5 << 2, rs2, rs1, f3, rd, 0x2f);
export const csr = (f3: number, rd: number, csrNum: number, rs1: number) => iType(csrNum, rs1, f3, rd, 0x73);
export const fp = (f7: number, rm: number, rd: number, rs1: number, rs2: number) => rType(f7, rs2, rs1, rm, rd, 0x53);
export const flw = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 2, rd, 0x07);
export const fld = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 3, rd, 0x07);
export const fsd = (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 3, 0x27);
/** A compressed halfword, written as a number: the program helper packs halfwords. */
export const c16 = (h: number) => ({ half: h & 0xffff });

export type Insn = number | { half: number };

/** Little-endian bytes of a program mixing 32-bit words and halfwords. */
export function assemble(insns: readonly Insn[]): Uint8Array {
  const bytes: number[] = [];
  for (const i of insns) {
    if (typeof i === 'number') bytes.push(i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, (i >>> 24) & 0xff);
    else bytes.push(i.half & 0xff, i.half >>> 8);
  }
  return Uint8Array.from(bytes);
}
