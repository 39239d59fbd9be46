// The op set of the direct tier (direct-tier.ts) and its encoding.
//
// A block of guest code is decoded once (predecode.ts) into a run of ops in
// the tier's code arena: RISC-V instructions, one op each, with the register
// numbers and the immediate already extracted, and pc-relative values
// (auipc, jump targets, return addresses) already computed.
//
// Every op starts with one word: the op in bits 7:0, then rd in 12:8, rs1 in
// 17:13 and rs2 in 22:18 (register numbers: x0 reads as zero because its
// slot in the CPU state is never written). `rd << 1` is (word >>> 7) & 62,
// so a register's word index costs a shift, a mask and an add. Then:
//
//   R (register-register, unary)   [w]
//   I (register-immediate)         [w, imm]
//   LI                             [w, lo, hi]           rd = the constant (lui, auipc, li)
//   load, store                    [w, imm, pcOff]       pcOff: the instruction's offset in the block
//   LR, SC, AMO                    [w, pcOff]
//   branch                         [w, takenLo, takenHi, nextLo, nextHi]   taken: slot 0, not: slot 1
//   JAL                            [w, linkLo, linkHi, targetLo, targetHi] slot 0
//   JALR                           [w, imm, linkLo, linkHi]                 goto_ptr
//   CALL                           [w, linkLo, linkHi, targetLo, targetHi] goto_ptr: auipc + jalr
//   END                            [w, nextLo, nextHi]   the block ran out (page end, length): slot 0
//   SNIPPET                        [w, snippet, pcOff]   an instruction the tier leaves to the IR interpreter
//
// Writes to x0 are dropped when the block is decoded (an ALU op with rd = 0
// emits nothing); ops that also touch memory or jump keep rd = 0 and test it.
// Constants are folded across neighbours (lui + addi, auipc + addi, auipc +
// jalr), as the optimizer does for the other tiers.
// The exits (branch, JAL, JALR, END, a SNIPPET that ends the block) are the
// last op of a block, and they choose the goto_tb slots the translator
// would, so links between blocks mean the same in every tier.

export const enum DOp {
  // R
  ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
  ADDW, SUBW, SLLW, SRLW, SRAW,
  MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU,
  MULW, DIVW, DIVUW, REMW, REMUW,
  ADD_UW, SH1ADD, SH2ADD, SH3ADD, SH1ADD_UW, SH2ADD_UW, SH3ADD_UW,
  ANDN, ORN, XNOR, MIN, MINU, MAX, MAXU, ROL, ROR, ROLW, RORW,
  BCLR, BSET, BINV, BEXT,
  CLZ, CTZ, CPOP, CLZW, CTZW, CPOPW, SEXT_B, SEXT_H, ZEXT_H, ORC_B, REV8,
  MV,
  // I
  ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
  ADDIW, SLLIW, SRLIW, SRAIW, SLLI_UW, RORI, RORIW,
  BCLRI, BSETI, BINVI, BEXTI,
  LI,
  // memory
  LB, LH, LW, LD, LBU, LHU, LWU,
  SB, SH, SW, SD,
  LR_W, LR_D, SC_W, SC_D,
  AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W, AMOMIN_W, AMOMAX_W, AMOMINU_W, AMOMAXU_W,
  AMOSWAP_D, AMOADD_D, AMOXOR_D, AMOAND_D, AMOOR_D, AMOMIN_D, AMOMAX_D, AMOMINU_D, AMOMAXU_D,
  // block ends
  BEQ, BNE, BLT, BGE, BLTU, BGEU,
  JAL, JALR, CALL, END,
  SNIPPET,
  /** How many ops there are. */
  COUNT,
}

export const OP_MASK = 0xff;
/** A SNIPPET's instruction ends the block: its rd field is this (the bit is SNIPPET_ENDS in the word). */
export const SNIPPET_ENDS_RD = 1;
export const SNIPPET_ENDS = SNIPPET_ENDS_RD << 8;
export const RD_SHIFT = 8;
export const RS1_SHIFT = 13;
export const RS2_SHIFT = 18;

/** The first word of an op. */
export function opWord(op: DOp, rd: number, rs1: number, rs2: number): number {
  return op | (rd << RD_SHIFT) | (rs1 << RS1_SHIFT) | (rs2 << RS2_SHIFT);
}

/** How the decoder's instructions become ops: which shape of encoding each takes. */
export const enum Shape { R, I, Mem, Atomic, Branch, Jal, Jalr, Nop }

export interface OpInfo { readonly op: DOp; readonly shape: Shape }

/**
 * The instructions the tier runs itself, by mnemonic (the 32-bit one for a
 * compressed form: the decoder expands its operands). Anything else (floating
 * point, CSRs, privileged instructions, ecall, ebreak, fence.i, illegal
 * encodings) becomes a SNIPPET.
 */
export const DIRECT_OPS: ReadonlyMap<string, OpInfo> = new Map<string, OpInfo>([
  ...r(['add', DOp.ADD], ['sub', DOp.SUB], ['sll', DOp.SLL], ['slt', DOp.SLT], ['sltu', DOp.SLTU],
    ['xor', DOp.XOR], ['srl', DOp.SRL], ['sra', DOp.SRA], ['or', DOp.OR], ['and', DOp.AND],
    ['addw', DOp.ADDW], ['subw', DOp.SUBW], ['sllw', DOp.SLLW], ['srlw', DOp.SRLW], ['sraw', DOp.SRAW],
    ['mul', DOp.MUL], ['mulh', DOp.MULH], ['mulhsu', DOp.MULHSU], ['mulhu', DOp.MULHU],
    ['div', DOp.DIV], ['divu', DOp.DIVU], ['rem', DOp.REM], ['remu', DOp.REMU],
    ['mulw', DOp.MULW], ['divw', DOp.DIVW], ['divuw', DOp.DIVUW], ['remw', DOp.REMW], ['remuw', DOp.REMUW],
    ['add.uw', DOp.ADD_UW], ['sh1add', DOp.SH1ADD], ['sh2add', DOp.SH2ADD], ['sh3add', DOp.SH3ADD],
    ['sh1add.uw', DOp.SH1ADD_UW], ['sh2add.uw', DOp.SH2ADD_UW], ['sh3add.uw', DOp.SH3ADD_UW],
    ['andn', DOp.ANDN], ['orn', DOp.ORN], ['xnor', DOp.XNOR],
    ['min', DOp.MIN], ['minu', DOp.MINU], ['max', DOp.MAX], ['maxu', DOp.MAXU],
    ['rol', DOp.ROL], ['ror', DOp.ROR], ['rolw', DOp.ROLW], ['rorw', DOp.RORW],
    ['bclr', DOp.BCLR], ['bset', DOp.BSET], ['binv', DOp.BINV], ['bext', DOp.BEXT],
    ['clz', DOp.CLZ], ['ctz', DOp.CTZ], ['cpop', DOp.CPOP], ['clzw', DOp.CLZW], ['ctzw', DOp.CTZW],
    ['cpopw', DOp.CPOPW], ['sext.b', DOp.SEXT_B], ['sext.h', DOp.SEXT_H], ['zext.h', DOp.ZEXT_H],
    ['orc.b', DOp.ORC_B], ['rev8', DOp.REV8],
    // c.mv: add rd, x0, rs2
    ['mv', DOp.ADD]),
  ...shape(Shape.I, ['addi', DOp.ADDI], ['slti', DOp.SLTI], ['sltiu', DOp.SLTIU], ['xori', DOp.XORI],
    ['ori', DOp.ORI], ['andi', DOp.ANDI], ['slli', DOp.SLLI], ['srli', DOp.SRLI], ['srai', DOp.SRAI],
    ['addiw', DOp.ADDIW], ['slliw', DOp.SLLIW], ['srliw', DOp.SRLIW], ['sraiw', DOp.SRAIW],
    ['slli.uw', DOp.SLLI_UW], ['rori', DOp.RORI], ['roriw', DOp.RORIW],
    ['bclri', DOp.BCLRI], ['bseti', DOp.BSETI], ['binvi', DOp.BINVI], ['bexti', DOp.BEXTI],
    // lui and auipc become LI (predecode.ts)
    ['lui', DOp.LI], ['auipc', DOp.LI]),
  ...shape(Shape.Mem, ['lb', DOp.LB], ['lh', DOp.LH], ['lw', DOp.LW], ['ld', DOp.LD], ['lbu', DOp.LBU],
    ['lhu', DOp.LHU], ['lwu', DOp.LWU], ['sb', DOp.SB], ['sh', DOp.SH], ['sw', DOp.SW], ['sd', DOp.SD]),
  ...shape(Shape.Atomic, ['lr.w', DOp.LR_W], ['lr.d', DOp.LR_D], ['sc.w', DOp.SC_W], ['sc.d', DOp.SC_D],
    ['amoswap.w', DOp.AMOSWAP_W], ['amoadd.w', DOp.AMOADD_W], ['amoxor.w', DOp.AMOXOR_W], ['amoand.w', DOp.AMOAND_W],
    ['amoor.w', DOp.AMOOR_W], ['amomin.w', DOp.AMOMIN_W], ['amomax.w', DOp.AMOMAX_W], ['amominu.w', DOp.AMOMINU_W],
    ['amomaxu.w', DOp.AMOMAXU_W],
    ['amoswap.d', DOp.AMOSWAP_D], ['amoadd.d', DOp.AMOADD_D], ['amoxor.d', DOp.AMOXOR_D], ['amoand.d', DOp.AMOAND_D],
    ['amoor.d', DOp.AMOOR_D], ['amomin.d', DOp.AMOMIN_D], ['amomax.d', DOp.AMOMAX_D], ['amominu.d', DOp.AMOMINU_D],
    ['amomaxu.d', DOp.AMOMAXU_D]),
  ...shape(Shape.Branch, ['beq', DOp.BEQ], ['bne', DOp.BNE], ['blt', DOp.BLT], ['bge', DOp.BGE],
    ['bltu', DOp.BLTU], ['bgeu', DOp.BGEU]),
  ['jal', { op: DOp.JAL, shape: Shape.Jal }],
  ['jalr', { op: DOp.JALR, shape: Shape.Jalr }],
  // One vCPU thread per memory orders everything already: a fence is nothing to do.
  ['fence', { op: DOp.END, shape: Shape.Nop }],
]);

function shape(s: Shape, ...ops: [string, DOp][]): [string, OpInfo][] {
  return ops.map(([name, op]) => [name, { op, shape: s }]);
}

function r(...ops: [string, DOp][]): [string, OpInfo][] {
  return shape(Shape.R, ...ops);
}

/** Words an op takes, by op. */
export function opLength(op: DOp): number {
  if (op <= DOp.MV) return 1;
  if (op < DOp.LI) return 2;
  if (op === DOp.LI) return 3;
  if (op <= DOp.SD) return 3;
  if (op <= DOp.AMOMAXU_D) return 2;
  if (op <= DOp.BGEU) return 5;
  if (op === DOp.JAL || op === DOp.CALL) return 5;
  if (op === DOp.JALR) return 4;
  return 3; // END, SNIPPET
}
