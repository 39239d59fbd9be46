// F and D (single and double precision). The fmt field (bits 26:25, or 26:25
// of funct7) is 00 for S and 01 for D; each instruction is generated for both.

import { Fmt, InsnPattern, pat } from './decode-spec.js';
import {
  fpCall, fpMinMax, transFld, transFlw, transFmvDX, transFmvWX, transFmvXD, transFmvXW, transFsd, transFsw, transSignInject,
} from './translate-fp.js';

function perPrecision(): InsnPattern[] {
  const out: InsnPattern[] = [];
  for (const [p, fmt, single] of [['s', '00', true], ['d', '01', false]] as const) {
    const f5 = (funct5: string): string => `${funct5}${fmt}`;
    const h = (base: string): string => `${base}_${p}`;
    // Fused multiply-add: rs3 in bits 31:27.
    out.push(pat(`fmadd.${p}`,  `----- ${fmt} ----- ----- --- ----- 1000011`, Fmt.R4, fpCall(h('fmadd'), 'f', ['f1', 'f2', 'f3', 'rm']), 'd123'));
    out.push(pat(`fmsub.${p}`,  `----- ${fmt} ----- ----- --- ----- 1000111`, Fmt.R4, fpCall(h('fmsub'), 'f', ['f1', 'f2', 'f3', 'rm']), 'd123'));
    out.push(pat(`fnmsub.${p}`, `----- ${fmt} ----- ----- --- ----- 1001011`, Fmt.R4, fpCall(h('fnmsub'), 'f', ['f1', 'f2', 'f3', 'rm']), 'd123'));
    out.push(pat(`fnmadd.${p}`, `----- ${fmt} ----- ----- --- ----- 1001111`, Fmt.R4, fpCall(h('fnmadd'), 'f', ['f1', 'f2', 'f3', 'rm']), 'd123'));
    for (const [name, funct5] of [['fadd', '00000'], ['fsub', '00001'], ['fmul', '00010'], ['fdiv', '00011']]) {
      out.push(pat(`${name}.${p}`, `${f5(funct5!)} ----- ----- --- ----- 1010011`, Fmt.R, fpCall(h(name!), 'f', ['f1', 'f2', 'rm']), 'd12'));
    }
    out.push(pat(`fsqrt.${p}`, `${f5('01011')} 00000 ----- --- ----- 1010011`, Fmt.R2, fpCall(h('fsqrt'), 'f', ['f1', 'rm']), 'd1'));
    out.push(pat(`fsgnj.${p}`,  `${f5('00100')} ----- ----- 000 ----- 1010011`, Fmt.R, transSignInject('copy', single), 'd12'));
    out.push(pat(`fsgnjn.${p}`, `${f5('00100')} ----- ----- 001 ----- 1010011`, Fmt.R, transSignInject('negate', single), 'd12'));
    out.push(pat(`fsgnjx.${p}`, `${f5('00100')} ----- ----- 010 ----- 1010011`, Fmt.R, transSignInject('xor', single), 'd12'));
    out.push(pat(`fmin.${p}`, `${f5('00101')} ----- ----- 000 ----- 1010011`, Fmt.R, fpMinMax(h('fmin')), 'd12'));
    out.push(pat(`fmax.${p}`, `${f5('00101')} ----- ----- 001 ----- 1010011`, Fmt.R, fpMinMax(h('fmax')), 'd12'));
    out.push(pat(`feq.${p}`, `${f5('10100')} ----- ----- 010 ----- 1010011`, Fmt.R, fpCall(h('feq'), 'x', ['f1', 'f2']), '12'));
    out.push(pat(`flt.${p}`, `${f5('10100')} ----- ----- 001 ----- 1010011`, Fmt.R, fpCall(h('flt'), 'x', ['f1', 'f2']), '12'));
    out.push(pat(`fle.${p}`, `${f5('10100')} ----- ----- 000 ----- 1010011`, Fmt.R, fpCall(h('fle'), 'x', ['f1', 'f2']), '12'));
    out.push(pat(`fclass.${p}`, `${f5('11100')} 00000 ----- 001 ----- 1010011`, Fmt.R2, fpCall(h('fclass'), 'x', ['f1']), '1'));
    for (const [int, rs2] of [['w', '00000'], ['wu', '00001'], ['l', '00010'], ['lu', '00011']]) {
      out.push(pat(`fcvt.${int}.${p}`, `${f5('11000')} ${rs2} ----- --- ----- 1010011`, Fmt.R2, fpCall(`fcvt_${int}_${p}`, 'x', ['f1', 'rm']), '1'));
      out.push(pat(`fcvt.${p}.${int}`, `${f5('11010')} ${rs2} ----- --- ----- 1010011`, Fmt.R2, fpCall(`fcvt_${p}_${int}`, 'f', ['x1', 'rm']), 'd'));
    }
  }
  return out;
}

export const FP_PATTERNS: readonly InsnPattern[] = [
  pat('flw', '------- ----- ----- 010 ----- 0000111', Fmt.I, transFlw, 'd'),
  pat('fld', '------- ----- ----- 011 ----- 0000111', Fmt.I, transFld, 'd'),
  pat('fsw', '------- ----- ----- 010 ----- 0100111', Fmt.S, transFsw, '2'),
  pat('fsd', '------- ----- ----- 011 ----- 0100111', Fmt.S, transFsd, '2'),
  ...perPrecision(),
  pat('fcvt.s.d', '0100000 00001 ----- --- ----- 1010011', Fmt.R2, fpCall('fcvt_s_d', 'f', ['f1', 'rm']), 'd1'),
  pat('fcvt.d.s', '0100001 00000 ----- --- ----- 1010011', Fmt.R2, fpCall('fcvt_d_s', 'f', ['f1', 'rm']), 'd1'),
  pat('fmv.x.w', '1110000 00000 ----- 000 ----- 1010011', Fmt.R2, transFmvXW, '1'),
  pat('fmv.w.x', '1111000 00000 ----- 000 ----- 1010011', Fmt.R2, transFmvWX, 'd'),
  pat('fmv.x.d', '1110001 00000 ----- 000 ----- 1010011', Fmt.R2, transFmvXD, '1'),
  pat('fmv.d.x', '1111001 00000 ----- 000 ----- 1010011', Fmt.R2, transFmvDX, 'd'),
];
