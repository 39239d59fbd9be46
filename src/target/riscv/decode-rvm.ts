// RV64M: multiply and divide. The IR's div/rem ops already give RISC-V's
// answers for division by zero and signed overflow (src/ir/ops.ts).

import { Fmt, InsnPattern, pat } from './decode-spec.js';
import { arith, arith32, arithGen, arithW } from './translate-common.js';
import { genMulh, genMulhsu, genMulhu } from './translate-rvm.js';

export const RVM_PATTERNS: readonly InsnPattern[] = [
  pat('mul',    '0000001 ----- ----- 000 ----- 0110011', Fmt.R, arith('mul')),
  pat('mulh',   '0000001 ----- ----- 001 ----- 0110011', Fmt.R, arithGen(genMulh)),
  pat('mulhsu', '0000001 ----- ----- 010 ----- 0110011', Fmt.R, arithGen(genMulhsu)),
  pat('mulhu',  '0000001 ----- ----- 011 ----- 0110011', Fmt.R, arithGen(genMulhu)),
  pat('div',    '0000001 ----- ----- 100 ----- 0110011', Fmt.R, arith('div')),
  pat('divu',   '0000001 ----- ----- 101 ----- 0110011', Fmt.R, arith('divu')),
  pat('rem',    '0000001 ----- ----- 110 ----- 0110011', Fmt.R, arith('rem')),
  pat('remu',   '0000001 ----- ----- 111 ----- 0110011', Fmt.R, arith('remu')),
  pat('mulw',   '0000001 ----- ----- 000 ----- 0111011', Fmt.R, arithW('mul')),
  pat('divw',   '0000001 ----- ----- 100 ----- 0111011', Fmt.R, arith32('div')),
  pat('divuw',  '0000001 ----- ----- 101 ----- 0111011', Fmt.R, arith32('divu')),
  pat('remw',   '0000001 ----- ----- 110 ----- 0111011', Fmt.R, arith32('rem')),
  pat('remuw',  '0000001 ----- ----- 111 ----- 0111011', Fmt.R, arith32('remu')),
];
