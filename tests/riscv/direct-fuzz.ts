// Random RISC-V programs for the direct tier's differential test: the same
// program from the same state on the IR interpreter and on the direct tier
// must end in the same state (direct-differential.test.ts).
//
// A program is a run of segments, each a few random instructions and then a
// way out: a forward branch, jal, c.j, c.beqz/c.bnez, auipc + jalr, or none
// (falling into the next segment); the last ends in ecall. Jumps only go
// forward, so every program ends. Instructions are random instances of the
// decoder's own patterns: every instruction the direct tier runs itself,
// and some it leaves to snippets (floating point, CSRs, counter reads,
// illegal encodings). Registers x2, x8 and x9 keep pointers (into the data
// page, and into a read-only page for x9): random instructions never write
// them, and loads, stores and atomics use them as their base, so memory ops
// land on mapped pages often enough to get far into a program, and also
// fault (read-only page, page ends, misalignment) often enough to test that.

import { CompiledPattern } from '../../src/target/riscv/decode-spec.js';
import { ALL_PATTERNS, USER_DECODER } from '../../src/target/riscv/decoder.js';
import { DIRECT_OPS, Shape } from '../../src/target/riscv/direct/direct-ops.js';
import { PAGE_SIZE } from '../../src/memory/tlb-layout.js';
import { Insn, bType, iType, jType } from './rv-asm.js';
import { CODE, DATA, RODATA } from './rv-machine.js';

/** mulberry32: a small seeded generator, so a failing seed can be rerun. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const POINTER_REGS = [2, 8, 9];
const BLOCK_ENDERS = new Set(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu', 'jal', 'jalr', 'c.j', 'c.jr', 'c.jalr',
  'c.beqz', 'c.bnez', 'ecall', 'ebreak', 'c.ebreak', 'fence.i', 'c.addi16sp']);
/** Snippet instructions worth mixing in: floating point, CSRs (not `time`, which follows the host clock). */
const SNIPPET_NAMES = new Set(['fadd.d', 'fmul.s', 'fsub.d', 'fmv.x.d', 'fmv.d.x', 'fcvt.l.d', 'fcvt.d.l', 'fsgnj.d',
  'feq.d', 'fld', 'fsd', 'flw', 'fsw', 'c.fld', 'c.fsd', 'c.fldsp', 'c.fsdsp', 'fmadd.d', 'fclass.d', 'fmin.s',
  'csrrs', 'csrrw', 'csrrc', 'csrrsi', 'csrrwi', 'csrrci']);
/** CSRs the programs touch: fflags, frm, fcsr, cycle, instret (reads end the TB: the block counts must agree). */
const CSRS = [0x001, 0x002, 0x003, 0xc00, 0xc02];

function isMemory(p: CompiledPattern): boolean {
  const name = p.asm?.name ?? p.name;
  const shape = DIRECT_OPS.get(name)?.shape;
  return shape === Shape.Mem || shape === Shape.Atomic || /^f[ls][wd]$/.test(name);
}

const CANDIDATES: readonly CompiledPattern[] = ALL_PATTERNS.filter((p) => {
  if (BLOCK_ENDERS.has(p.name) || p.name.endsWith('.rsv') || p.name === 'c.illegal') return false;
  return (DIRECT_OPS.has(p.asm?.name ?? p.name) && p.fpRegs === undefined) || SNIPPET_NAMES.has(p.name);
});

/** Replace bits [lo, lo+len) of x. */
function setField(x: number, lo: number, len: number, v: number): number {
  const mask = ((1 << len) - 1) << lo;
  return ((x & ~mask) | ((v << lo) & mask)) >>> 0;
}

/** The base of a memory access: mostly a pointer into the data page (x8; sp, but not for RVC), sometimes into the read-only page (x9). */
function pointerBase(r: () => number): number {
  return r() % 16 === 0 ? 9 : 8;
}

/** A register that is not a pointer register, for destinations. */
function scratchReg(r: () => number): number {
  for (;;) {
    const reg = r() % 32;
    if (!POINTER_REGS.includes(reg)) return reg;
  }
}

/** A random instance of p whose registers respect the pointer-register rules, or null if the fix-ups broke its decoding. */
function instance(p: CompiledPattern, r: () => number): Insn | null {
  let x = (p.match | (r() & ~p.mask)) >>> 0;
  if (p.length === 2) x &= 0xffff;
  const name = p.name;
  if (p.length === 4) {
    if (isMemory(p)) x = setField(x, 15, 5, pointerBase(r));
    // Everything but a store writes rd (or ignores the field): keep the pointer registers.
    if (!/^(s[bhwd]|fs[wd])$/.test(name) && POINTER_REGS.includes((x >>> 7) & 31)) x = setField(x, 7, 5, scratchReg(r));
    if (name.startsWith('csr')) {
      // Counters are read-only: only a read (rs1 field 0) keeps them legal; now and then let it trap anyway.
      const writes = name.startsWith('csrrw');
      const csr = CSRS[r() % (writes && r() % 8 !== 0 ? 3 : CSRS.length)]!;
      x = setField(x, 20, 12, csr);
      if (csr >= 0xc00 && r() % 8 !== 0) x = setField(x, 15, 5, 0);
    }
    // A rounding-mode field: mostly valid modes (5 and 6 are reserved: illegal).
    if ((p.mask & (7 << 12)) === 0 && p.fpRegs !== undefined && !isMemory(p)) x = setField(x, 12, 3, [0, 1, 2, 3, 4, 7, 7, 7, 7, 7, 7, 5][r() % 12]!);
  } else {
    if (/^c\.(lw|ld|sw|sd|fld|fsd)$/.test(name)) x = setField(x, 7, 3, pointerBase(r) - 8); // base x8 or x9
    if (/^c\.(lw|ld|fld|addi4spn)$/.test(name)) x = setField(x, 2, 3, 2 + (r() % 6)); // rd' x10..x15
    if (/^c\.(sub|xor|or|and|subw|addw|srli|srai|andi)$/.test(name)) x = setField(x, 7, 3, 2 + (r() % 6));
    if (/^c\.(addi|addiw|li|lui|slli|lwsp|ldsp|mv|add|nop)$/.test(name) && POINTER_REGS.includes((x >>> 7) & 31)) {
      x = setField(x, 7, 5, 10 + (r() % 6));
    }
  }
  const decoded = USER_DECODER.decode(x);
  if (decoded === null || decoded.pattern.name !== p.name) return null;
  return p.length === 2 ? { half: x } : x;
}

/**
 * Instructions that give a register an edge value (low word zero, high word
 * a sign copy, all ones, zero, INT_MIN): random results seldom are, and the
 * corner cases of 32-bit and bit-counting ops are there.
 */
function shaper(r: () => number): Insn {
  const rd = scratchReg(r), rs = r() % 32;
  switch (r() % 6) {
    case 0: return iType(32, rs, 1, rd, 0x13); // slli rd, rs, 32
    case 1: return iType(0x400 | 32, rs, 5, rd, 0x13); // srai rd, rs, 32
    case 2: return iType(0, 0, 0, rd, 0x13); // li rd, 0
    case 3: return iType(-1, 0, 0, rd, 0x13); // li rd, -1
    case 4: return ((0x80000 << 12) | (rd << 7) | 0x37) >>> 0; // lui rd, 0x80000
    default: return iType(-1, rs, 4, rd, 0x13); // not rd, rs
  }
}

/**
 * The constant idioms the direct tier folds: lui + addi(w), auipc + addi
 * (into the same register or another), with upper immediates at the edges
 * where a 32-bit sum differs from a 64-bit one; and sometimes an instruction
 * in between that changes the register, so folding would be wrong.
 */
function constantIdiom(r: () => number): Insn[] {
  const rd = scratchReg(r), rd2 = r() % 2 ? rd : scratchReg(r), imm = (r() & 0xfff) - 0x800;
  const upperImm = [0x80000, 0x7ffff, 0xfffff, 0, r() & 0xfffff][r() % 5]!;
  const upper = (upperImm << 12) | (rd << 7) | (r() % 2 ? 0x37 : 0x17);
  const use = iType(imm, rd, 0, rd2, r() % 3 === 0 ? 0x1b : 0x13);
  return r() % 3 === 0 ? [upper >>> 0, iType(1, rd, 4, rd, 0x13) /* xori rd, rd, 1 */, use] : [upper >>> 0, use];
}

function randomInsn(r: () => number): Insn {
  // Now and then an encoding nobody defines: the illegal-instruction trap, through a snippet.
  if (r() % 301 === 0) return 0xffffffff;
  if (r() % 6 === 0) return shaper(r);
  for (;;) {
    const insn = instance(CANDIDATES[r() % CANDIDATES.length]!, r);
    if (insn !== null) return insn;
  }
}

type Ender = 'none' | 'branch' | 'c.branch' | 'jal' | 'c.j' | 'jalr';

interface Segment { body: Insn[]; ender: Ender; target: number; bits: number; rd: number }

const enderLength = (e: Ender): number => e === 'none' ? 0 : e === 'c.branch' || e === 'c.j' ? 2 : e === 'jalr' ? 8 : 4;
const insnLength = (i: Insn): number => typeof i === 'number' ? 4 : 2;

/** CB format (c.beqz / c.bnez): offset[8|4:3] in 12:10, [7:6|2:1|5] in 6:2. */
function cBranch(bnez: boolean, rs1p: number, off: number): Insn {
  const b = (i: number) => (off >> i) & 1;
  const h = ((bnez ? 7 : 6) << 13) | (b(8) << 12) | (b(4) << 11) | (b(3) << 10) | (rs1p << 7)
    | (b(7) << 6) | (b(6) << 5) | (b(2) << 4) | (b(1) << 3) | (b(5) << 2) | 1;
  return { half: h };
}

/** CJ format (c.j): offset[11|4|9:8|10|6|7|3:1|5] in 12:2. */
function cJump(off: number): Insn {
  const b = (i: number) => (off >> i) & 1;
  const h = (5 << 13) | (b(11) << 12) | (b(4) << 11) | (b(9) << 10) | (b(8) << 9) | (b(10) << 8) | (b(6) << 7)
    | (b(7) << 6) | (b(3) << 5) | (b(2) << 4) | (b(1) << 3) | (b(5) << 2) | 1;
  return { half: h };
}

/** A random program of `segments` segments, laid out from CODE. */
export function randomProgram(r: () => number, segments: number): Insn[] {
  const segs: Segment[] = [];
  for (let i = 0; i < segments; i++) {
    const body = Array.from({ length: r() % 7 }, () => r() % 12 === 0 ? constantIdiom(r) : [randomInsn(r)]).flat();
    const last = i === segments - 1;
    const enders: Ender[] = ['none', 'branch', 'c.branch', 'jal', 'c.j', 'jalr'];
    const ender: Ender = last ? 'none' : enders[r() % enders.length]!;
    // Short forms only to the next segment (always in range); others up to 3 segments ahead.
    const target = last ? i + 1 : ender === 'c.branch' || ender === 'c.j' ? i + 1 : Math.min(segments - 1, i + 1 + (r() % 3));
    // rd 5 is auipc's t0: the jalr ender's link then overwrites its base.
    segs.push({ body, ender, target, bits: r(), rd: [0, 1, 5, 10, 11, 12][r() % 6]! });
  }
  // Lay out: segment start addresses, then encode the ways out.
  const start: number[] = [];
  let at = CODE;
  for (const s of segs) {
    start.push(at);
    at += s.body.reduce((n: number, i) => n + insnLength(i), 0) + enderLength(s.ender);
  }
  start.push(at); // the final ecall
  const out: Insn[] = [];
  segs.forEach((s, i) => {
    out.push(...s.body);
    const here = start[i + 1]! - enderLength(s.ender);
    const off = start[s.target]! - here;
    const rs1 = (s.bits >>> 3) & 31, rs2 = (s.bits >>> 8) & 31;
    switch (s.ender) {
      case 'none': break;
      case 'branch': out.push(bType(off, rs2, rs1, [0, 1, 4, 5, 6, 7][s.bits % 6]!)); break;
      case 'c.branch': out.push(cBranch((s.bits & 1) === 1, (s.bits >>> 1) & 7, off)); break;
      case 'jal': out.push(jType(off, s.rd)); break;
      case 'c.j': out.push(cJump(off)); break;
      // jalr clears bit 0 of the target: an odd offset lands on the same instruction.
      case 'jalr': out.push(0x297 /* auipc t0, 0 */, iType(off + (s.bits & 1), 5, 0, s.rd, 0x67)); break;
    }
  });
  out.push(0x73); // ecall
  if (at + 4 > CODE + 2 * PAGE_SIZE) throw new Error('random program longer than the code pages');
  return out;
}

/** A random 64-bit register value: small, extreme or any. */
export function randomValue(r: () => number): bigint {
  const special = [0n, 1n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0x80000000n, 0xffffffffn, 0xffffffff80000000n];
  switch (r() % 4) {
    case 0: return special[r() % special.length]!;
    case 1: return BigInt(r() % 64);
    default: return (BigInt(r()) << 32n) | BigInt(r());
  }
}

/** The pointer each pointer register starts with. */
export function pointerValue(reg: number, r: () => number): bigint {
  if (reg === 9) return BigInt(RODATA + 2048);
  return BigInt(DATA + 2048 - 8 * (r() % 32));
}
