// RV64I base integer instructions (unprivileged ISA, RV32I and RV64I chapters).

import { Cond } from '../../ir/types.js';
import { Fmt, InsnPattern, pat } from './decode-spec.js';
import { MO, arith, arith32, arithImm, arithW, branch, load, setcond, store } from './translate-common.js';
import { transAuipc, transEbreak, transEcall, transFence, transFenceI, transJal, transJalr, transLui } from './translate-rvi.js';

export const RVI_PATTERNS: readonly InsnPattern[] = [
  pat('lui',    '------- ----- ----- --- ----- 0110111', Fmt.U, transLui),
  pat('auipc',  '------- ----- ----- --- ----- 0010111', Fmt.U, transAuipc),
  pat('jal',    '------- ----- ----- --- ----- 1101111', Fmt.J, transJal),
  pat('jalr',   '------- ----- ----- 000 ----- 1100111', Fmt.I, transJalr),

  pat('beq',    '------- ----- ----- 000 ----- 1100011', Fmt.B, branch(Cond.EQ)),
  pat('bne',    '------- ----- ----- 001 ----- 1100011', Fmt.B, branch(Cond.NE)),
  pat('blt',    '------- ----- ----- 100 ----- 1100011', Fmt.B, branch(Cond.LT)),
  pat('bge',    '------- ----- ----- 101 ----- 1100011', Fmt.B, branch(Cond.GE)),
  pat('bltu',   '------- ----- ----- 110 ----- 1100011', Fmt.B, branch(Cond.LTU)),
  pat('bgeu',   '------- ----- ----- 111 ----- 1100011', Fmt.B, branch(Cond.GEU)),

  pat('lb',     '------- ----- ----- 000 ----- 0000011', Fmt.I, load(MO.SB)),
  pat('lh',     '------- ----- ----- 001 ----- 0000011', Fmt.I, load(MO.SH)),
  pat('lw',     '------- ----- ----- 010 ----- 0000011', Fmt.I, load(MO.SW)),
  pat('ld',     '------- ----- ----- 011 ----- 0000011', Fmt.I, load(MO.Q)),
  pat('lbu',    '------- ----- ----- 100 ----- 0000011', Fmt.I, load(MO.UB)),
  pat('lhu',    '------- ----- ----- 101 ----- 0000011', Fmt.I, load(MO.UH)),
  pat('lwu',    '------- ----- ----- 110 ----- 0000011', Fmt.I, load(MO.UW)),

  pat('sb',     '------- ----- ----- 000 ----- 0100011', Fmt.S, store(MO.UB)),
  pat('sh',     '------- ----- ----- 001 ----- 0100011', Fmt.S, store(MO.UH)),
  pat('sw',     '------- ----- ----- 010 ----- 0100011', Fmt.S, store(MO.UW)),
  pat('sd',     '------- ----- ----- 011 ----- 0100011', Fmt.S, store(MO.Q)),

  pat('addi',   '------- ----- ----- 000 ----- 0010011', Fmt.I, arithImm('add')),
  pat('slti',   '------- ----- ----- 010 ----- 0010011', Fmt.I, setcond(Cond.LT, true)),
  pat('sltiu',  '------- ----- ----- 011 ----- 0010011', Fmt.I, setcond(Cond.LTU, true)),
  pat('xori',   '------- ----- ----- 100 ----- 0010011', Fmt.I, arithImm('xor')),
  pat('ori',    '------- ----- ----- 110 ----- 0010011', Fmt.I, arithImm('or')),
  pat('andi',   '------- ----- ----- 111 ----- 0010011', Fmt.I, arithImm('and')),
  pat('slli',   '000000- ----- ----- 001 ----- 0010011', Fmt.Sh, arithImm('shl')),
  pat('srli',   '000000- ----- ----- 101 ----- 0010011', Fmt.Sh, arithImm('shr')),
  pat('srai',   '010000- ----- ----- 101 ----- 0010011', Fmt.Sh, arithImm('sar')),

  pat('add',    '0000000 ----- ----- 000 ----- 0110011', Fmt.R, arith('add')),
  pat('sub',    '0100000 ----- ----- 000 ----- 0110011', Fmt.R, arith('sub')),
  pat('sll',    '0000000 ----- ----- 001 ----- 0110011', Fmt.R, arith('shl')),
  pat('slt',    '0000000 ----- ----- 010 ----- 0110011', Fmt.R, setcond(Cond.LT)),
  pat('sltu',   '0000000 ----- ----- 011 ----- 0110011', Fmt.R, setcond(Cond.LTU)),
  pat('xor',    '0000000 ----- ----- 100 ----- 0110011', Fmt.R, arith('xor')),
  pat('srl',    '0000000 ----- ----- 101 ----- 0110011', Fmt.R, arith('shr')),
  pat('sra',    '0100000 ----- ----- 101 ----- 0110011', Fmt.R, arith('sar')),
  pat('or',     '0000000 ----- ----- 110 ----- 0110011', Fmt.R, arith('or')),
  pat('and',    '0000000 ----- ----- 111 ----- 0110011', Fmt.R, arith('and')),

  pat('addiw',  '------- ----- ----- 000 ----- 0011011', Fmt.I, arithW('add', true)),
  pat('slliw',  '0000000 ----- ----- 001 ----- 0011011', Fmt.ShW, arith32('shl', true)),
  pat('srliw',  '0000000 ----- ----- 101 ----- 0011011', Fmt.ShW, arith32('shr', true)),
  pat('sraiw',  '0100000 ----- ----- 101 ----- 0011011', Fmt.ShW, arith32('sar', true)),
  pat('addw',   '0000000 ----- ----- 000 ----- 0111011', Fmt.R, arithW('add')),
  pat('subw',   '0100000 ----- ----- 000 ----- 0111011', Fmt.R, arithW('sub')),
  pat('sllw',   '0000000 ----- ----- 001 ----- 0111011', Fmt.R, arith32('shl')),
  pat('srlw',   '0000000 ----- ----- 101 ----- 0111011', Fmt.R, arith32('shr')),
  pat('sraw',   '0100000 ----- ----- 101 ----- 0111011', Fmt.R, arith32('sar')),

  // fm, pred and succ are all accepted: fence.tso and pause are fences too.
  pat('fence',  '------- ----- ----- 000 ----- 0001111', Fmt.Fence, transFence),
  pat('fence.i','------- ----- ----- 001 ----- 0001111', Fmt.None, transFenceI),
  pat('ecall',  '0000000 00000 00000 000 00000 1110011', Fmt.None, transEcall),
  pat('ebreak', '0000000 00001 00000 000 00000 1110011', Fmt.None, transEbreak),
];
