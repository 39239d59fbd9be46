// Conditions (types.ts Cond) on 32-bit words and on 64-bit word pairs.
// Small and monomorphic so V8 inlines them into the dispatch loop.

import { Cond } from '../../ir/types.js';

export function cond32(c: Cond, a: number, b: number): boolean {
  switch (c) {
    case Cond.EQ: return a === b;
    case Cond.NE: return a !== b;
    case Cond.LT: return a < b;
    case Cond.GE: return a >= b;
    case Cond.LE: return a <= b;
    case Cond.GT: return a > b;
    case Cond.LTU: return (a >>> 0) < (b >>> 0);
    case Cond.GEU: return (a >>> 0) >= (b >>> 0);
    case Cond.LEU: return (a >>> 0) <= (b >>> 0);
    case Cond.GTU: return (a >>> 0) > (b >>> 0);
    case Cond.Always: return true;
    default: return false;
  }
}

/** (ah:al) c (bh:bl). The high words decide unless equal; then the low words, unsigned. */
export function cond64(c: Cond, al: number, ah: number, bl: number, bh: number): boolean {
  switch (c) {
    case Cond.EQ: return al === bl && ah === bh;
    case Cond.NE: return al !== bl || ah !== bh;
    case Cond.LT: return ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0));
    case Cond.GE: return ah > bh || (ah === bh && (al >>> 0) >= (bl >>> 0));
    case Cond.LE: return ah < bh || (ah === bh && (al >>> 0) <= (bl >>> 0));
    case Cond.GT: return ah > bh || (ah === bh && (al >>> 0) > (bl >>> 0));
    case Cond.LTU: return (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));
    case Cond.GEU: return (ah >>> 0) > (bh >>> 0) || (ah === bh && (al >>> 0) >= (bl >>> 0));
    case Cond.LEU: return (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) <= (bl >>> 0));
    case Cond.GTU: return (ah >>> 0) > (bh >>> 0) || (ah === bh && (al >>> 0) > (bl >>> 0));
    case Cond.Always: return true;
    default: return false;
  }
}

