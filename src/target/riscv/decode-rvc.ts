// RV64C: compressed instructions (unprivileged ISA, "C" chapter, RVC opcode
// map for RV64). Each form expands to the operands of its 32-bit equivalent
// and reuses that instruction's translate function, as QEMU's insn16.decode
// does. Reserved encodings (the all-zero halfword, zero immediates where the
// ISA forbids them, x0 destinations of loads) are listed explicitly as
// illegal, more specific than the forms they carve out; encodings listed
// nowhere are illegal too. HINT encodings execute as their expansion (a write
// to x0 that is dropped).

import { Cond } from '../../ir/types.js';
import { Fmt, InsnPattern, TransFn, cpat } from './decode-spec.js';
import { MO, arith, arithImm, arithW, branch, load, store } from './translate-common.js';
import { transFld, transFsd } from './translate-fp.js';
import { transEbreak, transJal, transJalr, transLui } from './translate-rvi.js';

const illegal: TransFn = () => false;

export const RVC_PATTERNS: readonly InsnPattern[] = [
  // Quadrant 0
  cpat('c.illegal',    '000 00000000 --- 00', Fmt.CNone, illegal, 'illegal', Fmt.None),
  cpat('c.addi4spn',   '000 -------- --- 00', Fmt.CIW, arithImm('add'), 'addi', Fmt.I),
  cpat('c.fld',        '001 --- --- -- --- 00', Fmt.CLD, transFld, 'fld', Fmt.I, 'd'),
  cpat('c.lw',         '010 --- --- -- --- 00', Fmt.CLW, load(MO.SW), 'lw', Fmt.I),
  cpat('c.ld',         '011 --- --- -- --- 00', Fmt.CLD, load(MO.Q), 'ld', Fmt.I),
  cpat('c.fsd',        '101 --- --- -- --- 00', Fmt.CSD, transFsd, 'fsd', Fmt.S, '2'),
  cpat('c.sw',         '110 --- --- -- --- 00', Fmt.CSW, store(MO.UW), 'sw', Fmt.S),
  cpat('c.sd',         '111 --- --- -- --- 00', Fmt.CSD, store(MO.Q), 'sd', Fmt.S),

  // Quadrant 1
  cpat('c.nop',        '000 0 00000 00000 01', Fmt.CI, arithImm('add'), 'addi', Fmt.I),
  cpat('c.addi',       '000 - ----- ----- 01', Fmt.CI, arithImm('add'), 'addi', Fmt.I),
  cpat('c.addiw',      '001 - ----- ----- 01', Fmt.CI, arithW('add', true), 'addiw', Fmt.I),
  cpat('c.addiw.rsv',  '001 - 00000 ----- 01', Fmt.CNone, illegal, 'illegal', Fmt.None),
  cpat('c.li',         '010 - ----- ----- 01', Fmt.CLI, arithImm('add'), 'addi', Fmt.I),
  cpat('c.lui',        '011 - ----- ----- 01', Fmt.CLUI, transLui, 'lui', Fmt.U),
  cpat('c.lui.rsv',    '011 0 ----- 00000 01', Fmt.CNone, illegal, 'illegal', Fmt.None),
  cpat('c.addi16sp',   '011 - 00010 ----- 01', Fmt.CADDI16SP, arithImm('add'), 'addi', Fmt.I),
  cpat('c.addi16sp.rsv', '011 0 00010 00000 01', Fmt.CNone, illegal, 'illegal', Fmt.None),
  cpat('c.srli',       '100 - 00 --- ----- 01', Fmt.CSHIFT, arithImm('shr'), 'srli', Fmt.Sh),
  cpat('c.srai',       '100 - 01 --- ----- 01', Fmt.CSHIFT, arithImm('sar'), 'srai', Fmt.Sh),
  cpat('c.andi',       '100 - 10 --- ----- 01', Fmt.CANDI, arithImm('and'), 'andi', Fmt.I),
  cpat('c.sub',        '100 0 11 --- 00 --- 01', Fmt.CA, arith('sub'), 'sub', Fmt.R),
  cpat('c.xor',        '100 0 11 --- 01 --- 01', Fmt.CA, arith('xor'), 'xor', Fmt.R),
  cpat('c.or',         '100 0 11 --- 10 --- 01', Fmt.CA, arith('or'), 'or', Fmt.R),
  cpat('c.and',        '100 0 11 --- 11 --- 01', Fmt.CA, arith('and'), 'and', Fmt.R),
  cpat('c.subw',       '100 1 11 --- 00 --- 01', Fmt.CA, arithW('sub'), 'subw', Fmt.R),
  cpat('c.addw',       '100 1 11 --- 01 --- 01', Fmt.CA, arithW('add'), 'addw', Fmt.R),
  cpat('c.j',          '101 ----------- 01', Fmt.CJ, transJal, 'jal', Fmt.J),
  cpat('c.beqz',       '110 --- --- ----- 01', Fmt.CB, branch(Cond.EQ), 'beq', Fmt.B),
  cpat('c.bnez',       '111 --- --- ----- 01', Fmt.CB, branch(Cond.NE), 'bne', Fmt.B),

  // Quadrant 2
  cpat('c.slli',       '000 - ----- ----- 10', Fmt.CSLLI, arithImm('shl'), 'slli', Fmt.Sh),
  cpat('c.fldsp',      '001 - ----- ----- 10', Fmt.CLDSP, transFld, 'fld', Fmt.I, 'd'),
  cpat('c.lwsp',       '010 - ----- ----- 10', Fmt.CLWSP, load(MO.SW), 'lw', Fmt.I),
  cpat('c.lwsp.rsv',   '010 - 00000 ----- 10', Fmt.CNone, illegal, 'illegal', Fmt.None),
  cpat('c.ldsp',       '011 - ----- ----- 10', Fmt.CLDSP, load(MO.Q), 'ld', Fmt.I),
  cpat('c.ldsp.rsv',   '011 - 00000 ----- 10', Fmt.CNone, illegal, 'illegal', Fmt.None),
  cpat('c.mv',         '100 0 ----- ----- 10', Fmt.CMV, arith('add'), 'mv', Fmt.R),
  cpat('c.jr',         '100 0 ----- 00000 10', Fmt.CJR, transJalr, 'jalr', Fmt.I),
  cpat('c.jr.rsv',     '100 0 00000 00000 10', Fmt.CNone, illegal, 'illegal', Fmt.None),
  cpat('c.add',        '100 1 ----- ----- 10', Fmt.CADD, arith('add'), 'add', Fmt.R),
  cpat('c.jalr',       '100 1 ----- 00000 10', Fmt.CJALR, transJalr, 'jalr', Fmt.I),
  cpat('c.ebreak',     '100 1 00000 00000 10', Fmt.CNone, transEbreak, 'ebreak', Fmt.None),
  cpat('c.fsdsp',      '101 ------ ----- 10', Fmt.CSDSP, transFsd, 'fsd', Fmt.S, '2'),
  cpat('c.swsp',       '110 ------ ----- 10', Fmt.CSWSP, store(MO.UW), 'sw', Fmt.S),
  cpat('c.sdsp',       '111 ------ ----- 10', Fmt.CSDSP, store(MO.Q), 'sd', Fmt.S),
];
