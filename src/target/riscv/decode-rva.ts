// RV64A: load-reserved/store-conditional and AMOs, .w and .d; aq/rl accepted
// (one vCPU thread per memory orders everything already).

import { Cond } from '../../ir/types.js';
import { Fmt, InsnPattern, pat } from './decode-spec.js';
import { AmoOp, amoBin, amoMinMax, transAmo, transLr, transSc } from './translate-rva.js';

const AMOS: [string, string, AmoOp | null][] = [
  ['amoswap', '00001', null],
  ['amoadd', '00000', amoBin('add')],
  ['amoxor', '00100', amoBin('xor')],
  ['amoand', '01100', amoBin('and')],
  ['amoor', '01000', amoBin('or')],
  ['amomin', '10000', amoMinMax(Cond.LT)],
  ['amomax', '10100', amoMinMax(Cond.GT)],
  ['amominu', '11000', amoMinMax(Cond.LTU)],
  ['amomaxu', '11100', amoMinMax(Cond.GTU)],
];

function widths(): InsnPattern[] {
  const out: InsnPattern[] = [];
  for (const [suffix, funct3, word] of [['w', '010', true], ['d', '011', false]] as const) {
    out.push(pat(`lr.${suffix}`, `00010 -- 00000 ----- ${funct3} ----- 0101111`, Fmt.Lr, transLr(word)));
    out.push(pat(`sc.${suffix}`, `00011 -- ----- ----- ${funct3} ----- 0101111`, Fmt.Amo, transSc(word)));
    for (const [name, funct5, op] of AMOS) {
      out.push(pat(`${name}.${suffix}`, `${funct5} -- ----- ----- ${funct3} ----- 0101111`, Fmt.Amo, transAmo(word, op)));
    }
  }
  return out;
}

export const RVA_PATTERNS: readonly InsnPattern[] = widths();
