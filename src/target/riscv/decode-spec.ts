// The vocabulary of the RISC-V decode spec (QEMU's insn32.decode / insn16.decode,
// written as TypeScript data).
//
// A pattern is a mnemonic, a bit string saying which bits are fixed, a format
// saying how the other bits become operands, and the translate function.
// Compressed patterns use formats that expand their fields into the operands
// of the 32-bit instruction they stand for, so they share its translate
// function (c.addi -> addi) and its disassembly.

import type { DisasContext } from './translate-context.js';

/**
 * Operand layouts. 32-bit formats first, then the compressed ones (Cxx),
 * whose extractors produce expanded operands.
 */
export const enum Fmt {
  /** rd, rs1, rs2 */
  R,
  /** rd, rs1 (rs2 field fixed: clz, fsqrt, fcvt, fmv) */
  R2,
  /** rd, rs1, rs2, rs3 (fused multiply-add) */
  R4,
  /** rd, rs1, imm[11:0] */
  I,
  /** rs1, rs2, imm[11:5|4:0] */
  S,
  /** rs1, rs2, branch offset */
  B,
  /** rd, imm[31:12] << 12 */
  U,
  /** rd, jump offset */
  J,
  /** rd, rs1, 6-bit shift amount */
  Sh,
  /** rd, rs1, 5-bit shift amount (W forms) */
  ShW,
  /** rd, rs1 as register, csr number */
  Csr,
  /** rd, rs1 field as a 5-bit immediate, csr number */
  CsrI,
  /** rd, rs1, rs2, aq, rl */
  Amo,
  /** rd, rs1, aq, rl (lr) */
  Lr,
  /** fence: pred/succ in imm */
  Fence,
  /** no operands (ecall, ebreak, fence.i) */
  None,

  // Compressed formats (RVC). Registers written rd'/rs1'/rs2' are x8..x15.
  CIW, CLW, CLD, CSW, CSD, CI, CLI, CLUI, CADDI16SP, CSLLI, CSHIFT, CANDI, CA, CJ, CB,
  CJR, CMV, CJALR, CADD, CSWSP, CSDSP, CLWSP, CLDSP, CNone,
}

/** Operands of one decoded instruction (expanded for compressed forms). */
export interface InsnArgs {
  rd: number;
  rs1: number;
  rs2: number;
  rs3: number;
  /** Sign-extended immediate, shift amount, CSR immediate, fence bits; fits in 32 bits. */
  imm: number;
  /** Rounding mode field (funct3) of F/D instructions. */
  rm: number;
  csr: number;
  aq: number;
  rl: number;
}

/** Emit IR for one instruction; return false when the operands make it illegal. */
export type TransFn = (ctx: DisasContext, a: InsnArgs) => boolean;

/** Which operands name floating-point registers: any of 'd' (rd), '1', '2', '3'. */
export type FpRegs = string;

export interface InsnPattern {
  /** Mnemonic as the ISA manual writes it ('c.addi', 'fadd.s'). */
  readonly name: string;
  /** 32 or 16 characters of 0, 1 and - (don't care), spaces ignored, bit 31 (or 15) first. */
  readonly bits: string;
  readonly fmt: Fmt;
  readonly trans: TransFn;
  readonly fpRegs?: FpRegs;
  /** For compressed forms: the 32-bit mnemonic and format they disassemble as. */
  readonly asm?: { readonly name: string; readonly fmt: Fmt };
}

/** A pattern with its bit string compiled. */
export interface CompiledPattern extends InsnPattern {
  readonly mask: number;
  readonly match: number;
  readonly length: 2 | 4;
}

export function compilePattern(p: InsnPattern): CompiledPattern {
  const bits = p.bits.replace(/\s+/g, '');
  if (bits.length !== 32 && bits.length !== 16) throw new Error(`pattern ${p.name}: ${bits.length} bits`);
  let mask = 0, match = 0;
  for (let i = 0; i < bits.length; i++) {
    const bit = bits.length - 1 - i;
    const c = bits[i];
    if (c === '0' || c === '1') {
      mask |= 1 << bit;
      if (c === '1') match |= 1 << bit;
    } else if (c !== '-') {
      throw new Error(`pattern ${p.name}: bad character '${c}'`);
    }
  }
  const length = bits.length === 32 ? 4 : 2;
  if (length === 4 && (match & 3) !== 3) throw new Error(`pattern ${p.name}: 32-bit opcodes end in 11`);
  return { ...p, mask: mask >>> 0, match: match >>> 0, length };
}

/** Shorthand used by the tables. */
export function pat(name: string, bits: string, fmt: Fmt, trans: TransFn, fpRegs?: FpRegs): InsnPattern {
  return fpRegs === undefined ? { name, bits, fmt, trans } : { name, bits, fmt, trans, fpRegs };
}

/** A compressed pattern that disassembles as the 32-bit instruction it expands to. */
export function cpat(name: string, bits: string, fmt: Fmt, trans: TransFn, asmName: string, asmFmt: Fmt, fpRegs?: FpRegs): InsnPattern {
  const p: InsnPattern = { name, bits, fmt, trans, asm: { name: asmName, fmt: asmFmt } };
  return fpRegs === undefined ? p : { ...p, fpRegs };
}
