// Zba (address generation), Zbb (basic bit manipulation) and Zbs (single-bit
// instructions), RV64 encodings (bit-manipulation ISA extensions 1.0.0).

import { Cond } from '../../ir/types.js';
import { Fmt, InsnPattern, pat } from './decode-spec.js';
import { arith, arith32, arithGen, arithGenImm, arithImm, unaryGen } from './translate-common.js';
import {
  genBext, genBitOp, genMinMax, genOrcB, genRev8, genShAdd, genSlliUw, genUnary, genUnaryW,
} from './translate-zb.js';

export const ZBA_PATTERNS: readonly InsnPattern[] = [
  pat('add.uw',    '0000100 ----- ----- 000 ----- 0111011', Fmt.R, arithGen(genShAdd(0, true))),
  pat('sh1add',    '0010000 ----- ----- 010 ----- 0110011', Fmt.R, arithGen(genShAdd(1, false))),
  pat('sh2add',    '0010000 ----- ----- 100 ----- 0110011', Fmt.R, arithGen(genShAdd(2, false))),
  pat('sh3add',    '0010000 ----- ----- 110 ----- 0110011', Fmt.R, arithGen(genShAdd(3, false))),
  pat('sh1add.uw', '0010000 ----- ----- 010 ----- 0111011', Fmt.R, arithGen(genShAdd(1, true))),
  pat('sh2add.uw', '0010000 ----- ----- 100 ----- 0111011', Fmt.R, arithGen(genShAdd(2, true))),
  pat('sh3add.uw', '0010000 ----- ----- 110 ----- 0111011', Fmt.R, arithGen(genShAdd(3, true))),
  pat('slli.uw',   '000010- ----- ----- 001 ----- 0011011', Fmt.Sh, arithGenImm(genSlliUw)),
];

export const ZBB_PATTERNS: readonly InsnPattern[] = [
  pat('andn',   '0100000 ----- ----- 111 ----- 0110011', Fmt.R, arith('andc')),
  pat('orn',    '0100000 ----- ----- 110 ----- 0110011', Fmt.R, arith('orc')),
  pat('xnor',   '0100000 ----- ----- 100 ----- 0110011', Fmt.R, arith('eqv')),
  pat('clz',    '0110000 00000 ----- 001 ----- 0010011', Fmt.R2, unaryGen(genUnary('clz'))),
  pat('ctz',    '0110000 00001 ----- 001 ----- 0010011', Fmt.R2, unaryGen(genUnary('ctz'))),
  pat('cpop',   '0110000 00010 ----- 001 ----- 0010011', Fmt.R2, unaryGen(genUnary('ctpop'))),
  pat('sext.b', '0110000 00100 ----- 001 ----- 0010011', Fmt.R2, unaryGen(genUnary('ext8s'))),
  pat('sext.h', '0110000 00101 ----- 001 ----- 0010011', Fmt.R2, unaryGen(genUnary('ext16s'))),
  pat('clzw',   '0110000 00000 ----- 001 ----- 0011011', Fmt.R2, unaryGen(genUnaryW('clz'))),
  pat('ctzw',   '0110000 00001 ----- 001 ----- 0011011', Fmt.R2, unaryGen(genUnaryW('ctz'))),
  pat('cpopw',  '0110000 00010 ----- 001 ----- 0011011', Fmt.R2, unaryGen(genUnaryW('ctpop'))),
  pat('zext.h', '0000100 00000 ----- 100 ----- 0111011', Fmt.R2, unaryGen(genUnary('ext16u'))),
  pat('min',    '0000101 ----- ----- 100 ----- 0110011', Fmt.R, arithGen(genMinMax(Cond.LT))),
  pat('minu',   '0000101 ----- ----- 101 ----- 0110011', Fmt.R, arithGen(genMinMax(Cond.LTU))),
  pat('max',    '0000101 ----- ----- 110 ----- 0110011', Fmt.R, arithGen(genMinMax(Cond.GT))),
  pat('maxu',   '0000101 ----- ----- 111 ----- 0110011', Fmt.R, arithGen(genMinMax(Cond.GTU))),
  pat('rol',    '0110000 ----- ----- 001 ----- 0110011', Fmt.R, arith('rotl')),
  pat('ror',    '0110000 ----- ----- 101 ----- 0110011', Fmt.R, arith('rotr')),
  pat('rori',   '011000- ----- ----- 101 ----- 0010011', Fmt.Sh, arithImm('rotr')),
  pat('rolw',   '0110000 ----- ----- 001 ----- 0111011', Fmt.R, arith32('rotl')),
  pat('rorw',   '0110000 ----- ----- 101 ----- 0111011', Fmt.R, arith32('rotr')),
  pat('roriw',  '0110000 ----- ----- 101 ----- 0011011', Fmt.ShW, arith32('rotr', true)),
  pat('orc.b',  '0010100 00111 ----- 101 ----- 0010011', Fmt.R2, unaryGen(genOrcB)),
  pat('rev8',   '0110101 11000 ----- 101 ----- 0010011', Fmt.R2, unaryGen(genRev8)),
];

export const ZBS_PATTERNS: readonly InsnPattern[] = [
  pat('bclr',  '0100100 ----- ----- 001 ----- 0110011', Fmt.R, arithGen(genBitOp('andc'))),
  pat('bset',  '0010100 ----- ----- 001 ----- 0110011', Fmt.R, arithGen(genBitOp('or'))),
  pat('binv',  '0110100 ----- ----- 001 ----- 0110011', Fmt.R, arithGen(genBitOp('xor'))),
  pat('bext',  '0100100 ----- ----- 101 ----- 0110011', Fmt.R, arithGen(genBext)),
  pat('bclri', '010010- ----- ----- 001 ----- 0010011', Fmt.Sh, arithGenImm(genBitOp('andc'))),
  pat('bseti', '001010- ----- ----- 001 ----- 0010011', Fmt.Sh, arithGenImm(genBitOp('or'))),
  pat('binvi', '011010- ----- ----- 001 ----- 0010011', Fmt.Sh, arithGenImm(genBitOp('xor'))),
  pat('bexti', '010010- ----- ----- 101 ----- 0010011', Fmt.Sh, arithGenImm(genBext)),
];
