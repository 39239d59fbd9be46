// The high-half multiplies of RV64M.

import { Gen64 } from './translate-common.js';

export const genMulh: Gen64 = (ctx, d, x, y) => {
  ctx.b.muls2(ctx.tmp(), d, x, y);
};

export const genMulhu: Gen64 = (ctx, d, x, y) => {
  ctx.b.mulu2(ctx.tmp(), d, x, y);
};

/**
 * Signed x times unsigned y: the unsigned product's high half, minus y when x
 * is negative (x read as unsigned is x + 2^64, which adds y * 2^64).
 */
export const genMulhsu: Gen64 = (ctx, d, x, y) => {
  const high = ctx.tmp(), correction = ctx.tmp();
  ctx.b.mulu2(ctx.tmp(), high, x, y);
  ctx.b.bini('sar', correction, x, 63);
  ctx.b.and(correction, correction, y);
  ctx.b.sub(d, high, correction);
};
