// Zicsr: CSR access instructions.

import { Fmt, InsnPattern, pat } from './decode-spec.js';
import { transCsr } from './translate-csr.js';

export const ZICSR_PATTERNS: readonly InsnPattern[] = [
  pat('csrrw',  '------------ ----- 001 ----- 1110011', Fmt.Csr, transCsr('w', false)),
  pat('csrrs',  '------------ ----- 010 ----- 1110011', Fmt.Csr, transCsr('s', false)),
  pat('csrrc',  '------------ ----- 011 ----- 1110011', Fmt.Csr, transCsr('c', false)),
  pat('csrrwi', '------------ ----- 101 ----- 1110011', Fmt.CsrI, transCsr('w', true)),
  pat('csrrsi', '------------ ----- 110 ----- 1110011', Fmt.CsrI, transCsr('s', true)),
  pat('csrrci', '------------ ----- 111 ----- 1110011', Fmt.CsrI, transCsr('c', true)),
];
