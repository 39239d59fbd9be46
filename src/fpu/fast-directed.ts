// Directed rounding on the host. The fast paths first get r, the result
// rounded to nearest-even, and learn exactly on which side of r the true
// value x lies (and, for roundTiesToAway, whether x was a tie). Every other
// rounding of x is then r or its neighbour, chosen here. Only normal,
// inexact r far from overflow comes here (callers check), so the neighbour
// is a normal number of the format and no flag other than NX can arise.

import { RoundingMode } from './format.js';
import { isPowerOfTwo } from './exact-host.js';

/**
 * x rounded in direction rm, given r = RNE(x), sigma = sign of x - r (not 0),
 * tie = whether x is exactly halfway between r and its neighbour away from
 * zero, and spacingAbove = the distance from |r| to the next larger magnitude
 * in the format. Returns NaN when r is at the edge of the finite range.
 */
export function roundFromNearest(
  r: number, sigma: number, tie: boolean, rm: RoundingMode, spacingAbove: number, maxFinite: number,
): number {
  const positive = r > 0;
  const away = (sigma > 0) === positive; // x lies farther from zero than r
  let grow: boolean;
  switch (rm) {
    case RoundingMode.RNE: return r;
    case RoundingMode.RTZ:
      if (away) return r;
      grow = false;
      break;
    case RoundingMode.RDN:
      if (sigma > 0) return r;
      grow = !positive;
      break;
    case RoundingMode.RUP:
      if (sigma < 0) return r;
      grow = positive;
      break;
    case RoundingMode.RMM:
      if (!(tie && away)) return r;
      grow = true;
      break;
  }
  const mag = Math.abs(r);
  if (mag >= maxFinite) return NaN;
  // Below a power of two the spacing halves.
  const next = grow ? mag + spacingAbove : mag - (isPowerOfTwo(mag) ? spacingAbove / 2 : spacingAbove);
  return positive ? next : -next;
}
