// Field extraction for every format of the decode spec, including the RVC
// immediate scrambles (RISC-V unprivileged ISA, chapter "C" Standard Extension,
// tables of compressed instruction formats). Compressed fields are expanded to
// the operands of the equivalent 32-bit instruction.

import { Fmt, InsnArgs } from './decode-spec.js';

/** bits [lo, lo+len) of x, unsigned. */
function bits(x: number, lo: number, len: number): number {
  return (x >>> lo) & ((1 << len) - 1);
}

/** Sign-extend the low `width` bits of x. */
function sext(x: number, width: number): number {
  const shift = 32 - width;
  return (x << shift) >> shift;
}

/** A compressed 3-bit register field names x8..x15. */
function creg(x: number, lo: number): number {
  return 8 + bits(x, lo, 3);
}

const SP = 2;
const RA = 1;

export function emptyArgs(): InsnArgs {
  return { rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, rm: 0, csr: 0, aq: 0, rl: 0 };
}

/** Fill `a` from instruction bits `x` laid out as `fmt`. */
export function extractArgs(fmt: Fmt, x: number, a: InsnArgs): void {
  const rd = bits(x, 7, 5), rs1 = bits(x, 15, 5), rs2 = bits(x, 20, 5);
  switch (fmt) {
    case Fmt.R:
      a.rd = rd; a.rs1 = rs1; a.rs2 = rs2; a.rm = bits(x, 12, 3);
      return;
    case Fmt.R2:
      a.rd = rd; a.rs1 = rs1; a.rm = bits(x, 12, 3);
      return;
    case Fmt.R4:
      a.rd = rd; a.rs1 = rs1; a.rs2 = rs2; a.rs3 = bits(x, 27, 5); a.rm = bits(x, 12, 3);
      return;
    case Fmt.I:
      a.rd = rd; a.rs1 = rs1; a.imm = x >> 20;
      return;
    case Fmt.S:
      a.rs1 = rs1; a.rs2 = rs2; a.imm = ((x >> 25) << 5) | bits(x, 7, 5);
      return;
    case Fmt.B:
      a.rs1 = rs1; a.rs2 = rs2;
      a.imm = ((x >> 31) << 12) | (bits(x, 7, 1) << 11) | (bits(x, 25, 6) << 5) | (bits(x, 8, 4) << 1);
      return;
    case Fmt.U:
      a.rd = rd; a.imm = x & ~0xfff;
      return;
    case Fmt.J:
      a.rd = rd;
      a.imm = ((x >> 31) << 20) | (bits(x, 12, 8) << 12) | (bits(x, 20, 1) << 11) | (bits(x, 21, 10) << 1);
      return;
    case Fmt.Sh:
      a.rd = rd; a.rs1 = rs1; a.imm = bits(x, 20, 6);
      return;
    case Fmt.ShW:
      a.rd = rd; a.rs1 = rs1; a.imm = bits(x, 20, 5);
      return;
    case Fmt.Csr:
      a.rd = rd; a.rs1 = rs1; a.csr = bits(x, 20, 12);
      return;
    case Fmt.CsrI:
      a.rd = rd; a.imm = rs1; a.csr = bits(x, 20, 12);
      return;
    case Fmt.Amo:
      a.rd = rd; a.rs1 = rs1; a.rs2 = rs2; a.aq = bits(x, 26, 1); a.rl = bits(x, 25, 1);
      return;
    case Fmt.Lr:
      a.rd = rd; a.rs1 = rs1; a.aq = bits(x, 26, 1); a.rl = bits(x, 25, 1);
      return;
    case Fmt.Fence:
      a.imm = bits(x, 20, 8);
      return;
    case Fmt.None:
    case Fmt.CNone:
      return;

    // --- compressed ---
    case Fmt.CIW: // c.addi4spn: nzuimm[5:4|9:6|2|3] in bits 12:5
      a.rd = creg(x, 2); a.rs1 = SP;
      a.imm = (bits(x, 11, 2) << 4) | (bits(x, 7, 4) << 6) | (bits(x, 6, 1) << 2) | (bits(x, 5, 1) << 3);
      return;
    case Fmt.CLW: // c.lw: uimm[5:3] in 12:10, [2] in 6, [6] in 5
      a.rd = creg(x, 2); a.rs1 = creg(x, 7);
      a.imm = (bits(x, 10, 3) << 3) | (bits(x, 6, 1) << 2) | (bits(x, 5, 1) << 6);
      return;
    case Fmt.CLD: // c.ld / c.fld: uimm[5:3] in 12:10, [7:6] in 6:5
      a.rd = creg(x, 2); a.rs1 = creg(x, 7);
      a.imm = (bits(x, 10, 3) << 3) | (bits(x, 5, 2) << 6);
      return;
    case Fmt.CSW:
      a.rs2 = creg(x, 2); a.rs1 = creg(x, 7);
      a.imm = (bits(x, 10, 3) << 3) | (bits(x, 6, 1) << 2) | (bits(x, 5, 1) << 6);
      return;
    case Fmt.CSD:
      a.rs2 = creg(x, 2); a.rs1 = creg(x, 7);
      a.imm = (bits(x, 10, 3) << 3) | (bits(x, 5, 2) << 6);
      return;
    case Fmt.CI: // c.addi, c.addiw: imm[5] in 12, [4:0] in 6:2
      a.rd = rd; a.rs1 = rd;
      a.imm = sext((bits(x, 12, 1) << 5) | bits(x, 2, 5), 6);
      return;
    case Fmt.CLI: // c.li: addi rd, x0, imm
      a.rd = rd; a.rs1 = 0;
      a.imm = sext((bits(x, 12, 1) << 5) | bits(x, 2, 5), 6);
      return;
    case Fmt.CLUI: // nzimm[17] in 12, [16:12] in 6:2
      a.rd = rd;
      a.imm = sext((bits(x, 12, 1) << 5) | bits(x, 2, 5), 6) << 12;
      return;
    case Fmt.CADDI16SP: // nzimm[9] in 12, [4|6|8:7|5] in 6:2
      a.rd = SP; a.rs1 = SP;
      a.imm = sext((bits(x, 12, 1) << 9) | (bits(x, 6, 1) << 4) | (bits(x, 5, 1) << 6) | (bits(x, 3, 2) << 7) | (bits(x, 2, 1) << 5), 10);
      return;
    case Fmt.CSLLI:
      a.rd = rd; a.rs1 = rd; a.imm = (bits(x, 12, 1) << 5) | bits(x, 2, 5);
      return;
    case Fmt.CSHIFT: // c.srli / c.srai on rd'
      a.rd = creg(x, 7); a.rs1 = a.rd; a.imm = (bits(x, 12, 1) << 5) | bits(x, 2, 5);
      return;
    case Fmt.CANDI:
      a.rd = creg(x, 7); a.rs1 = a.rd; a.imm = sext((bits(x, 12, 1) << 5) | bits(x, 2, 5), 6);
      return;
    case Fmt.CA:
      a.rd = creg(x, 7); a.rs1 = a.rd; a.rs2 = creg(x, 2);
      return;
    case Fmt.CJ: // offset[11|4|9:8|10|6|7|3:1|5] in 12:2
      a.rd = 0;
      a.imm = sext((bits(x, 12, 1) << 11) | (bits(x, 11, 1) << 4) | (bits(x, 9, 2) << 8) | (bits(x, 8, 1) << 10)
        | (bits(x, 7, 1) << 6) | (bits(x, 6, 1) << 7) | (bits(x, 3, 3) << 1) | (bits(x, 2, 1) << 5), 12);
      return;
    case Fmt.CB: // c.beqz/c.bnez: offset[8|4:3] in 12:10, [7:6|2:1|5] in 6:2
      a.rs1 = creg(x, 7); a.rs2 = 0;
      a.imm = sext((bits(x, 12, 1) << 8) | (bits(x, 10, 2) << 3) | (bits(x, 5, 2) << 6) | (bits(x, 3, 2) << 1) | (bits(x, 2, 1) << 5), 9);
      return;
    case Fmt.CJR: // jalr x0, 0(rs1)
      a.rd = 0; a.rs1 = rd; a.imm = 0;
      return;
    case Fmt.CJALR: // jalr ra, 0(rs1)
      a.rd = RA; a.rs1 = rd; a.imm = 0;
      return;
    case Fmt.CMV: // add rd, x0, rs2
      a.rd = rd; a.rs1 = 0; a.rs2 = bits(x, 2, 5);
      return;
    case Fmt.CADD:
      a.rd = rd; a.rs1 = rd; a.rs2 = bits(x, 2, 5);
      return;
    case Fmt.CSWSP: // uimm[5:2|7:6] in 12:7
      a.rs1 = SP; a.rs2 = bits(x, 2, 5); a.imm = (bits(x, 9, 4) << 2) | (bits(x, 7, 2) << 6);
      return;
    case Fmt.CSDSP: // uimm[5:3|8:6] in 12:7
      a.rs1 = SP; a.rs2 = bits(x, 2, 5); a.imm = (bits(x, 10, 3) << 3) | (bits(x, 7, 3) << 6);
      return;
    case Fmt.CLWSP: // uimm[5] in 12, [4:2|7:6] in 6:2
      a.rd = rd; a.rs1 = SP; a.imm = (bits(x, 12, 1) << 5) | (bits(x, 4, 3) << 2) | (bits(x, 2, 2) << 6);
      return;
    case Fmt.CLDSP: // uimm[5] in 12, [4:3|8:6] in 6:2
      a.rd = rd; a.rs1 = SP; a.imm = (bits(x, 12, 1) << 5) | (bits(x, 5, 2) << 3) | (bits(x, 2, 3) << 6);
      return;
  }
}
