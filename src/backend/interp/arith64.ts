// 64-bit and double-width arithmetic on pairs of 32-bit words, for the
// interpreter's less common ops. Every function reads its inputs from the
// linear memory `m` at word indices (lo word, hi word at +1) and writes its
// outputs there, reading all inputs before writing so outputs may alias
// inputs. Exact number arithmetic only: no BigInt, no allocation.

const TWO32 = 4294967296;

/** High 32 bits of the unsigned 64-bit product of two 32-bit words. */
export function mulhu32(a: number, b: number): number {
  const ua = a >>> 0, ub = b >>> 0;
  // Split b in 16-bit halves: each partial product is below 2^48, exact in a double.
  const low = ua * (ub & 0xffff);
  const high = ua * (ub >>> 16);
  const highLow = (high % 65536) * 65536;
  const sum = low + highLow; // < 2^49: exact
  return (Math.floor(high / 65536) + Math.floor(sum / TWO32)) | 0;
}

/** High 32 bits of the signed 64-bit product of two 32-bit words. */
export function mulhs32(a: number, b: number): number {
  return (mulhu32(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** d = a * b, low 64 bits. */
export function mul64(m: Int32Array, d: number, a: number, b: number): void {
  const al = m[a]!, ah = m[a + 1]!, bl = m[b]!, bh = m[b + 1]!;
  m[d + 1] = (mulhu32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  m[d] = Math.imul(al, bl);
}

/** (dl, dh) = a * b, the full 128-bit product; signed when `signed`. */
export function mul2x64(m: Int32Array, dl: number, dh: number, a: number, b: number, signed: boolean): void {
  const al = m[a]!, ah = m[a + 1]!, bl = m[b]!, bh = m[b + 1]!;
  // Column sums of 32-bit limbs: at most four 32-bit values, below 2^35, exact.
  const w0 = Math.imul(al, bl);
  let c = (mulhu32(al, bl) >>> 0) + (Math.imul(al, bh) >>> 0) + (Math.imul(ah, bl) >>> 0);
  const w1 = c | 0;
  c = Math.floor(c / TWO32) + (mulhu32(al, bh) >>> 0) + (mulhu32(ah, bl) >>> 0) + (Math.imul(ah, bh) >>> 0);
  let w2 = c | 0;
  c = Math.floor(c / TWO32) + (mulhu32(ah, bh) >>> 0);
  let w3 = c | 0;
  if (signed) {
    // signed high = unsigned high - (a < 0 ? b : 0) - (b < 0 ? a : 0), modulo 2^64.
    if (ah < 0) { const lo = (w2 - bl) | 0; w3 = (w3 - bh - ((w2 >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; w2 = lo; }
    if (bh < 0) { const lo = (w2 - al) | 0; w3 = (w3 - ah - ((w2 >>> 0) < (al >>> 0) ? 1 : 0)) | 0; w2 = lo; }
  }
  m[dl] = w0; m[dl + 1] = w1;
  m[dh] = w2; m[dh + 1] = w3;
}

// Results of divmodU64: module-level so a division allocates nothing.
let quoLo = 0, quoHi = 0, remLo = 0, remHi = 0;

/** Unsigned 64-bit (nh:nl) / (dh:dl) into quo/rem; the divisor is non-zero. */
function divmodU64(nl: number, nh: number, dl: number, dh: number): void {
  const unh = nh >>> 0, udh = dh >>> 0;
  // Both below 2^52: doubles are exact, and q * d <= n + d stays below 2^53.
  if (unh < 0x100000 && udh < 0x100000) {
    const n = unh * TWO32 + (nl >>> 0), d = udh * TWO32 + (dl >>> 0);
    let q = Math.floor(n / d), r = n - q * d;
    while (r < 0) { q--; r += d; }
    while (r >= d) { q++; r -= d; }
    quoLo = q | 0; quoHi = Math.floor(q / TWO32) | 0;
    remLo = r | 0; remHi = Math.floor(r / TWO32) | 0;
    return;
  }
  // A divisor below 2^32 (the usual case: `x % 1000000007`, `x / 10`):
  // schoolbook division by 16-bit digits of the dividend's low word. Each
  // partial dividend is below 2^48, and for n < 2^53 the rounding error of
  // n / d (under n / (d * 2^53)) is smaller than the distance 1 / d from a
  // non-integer quotient to the next integer, so Math.floor is exact.
  // bench_sort spent 9% of its time in the bit loop below before this path.
  if (udh === 0) {
    const d = dl >>> 0;
    const qHi = Math.floor(unh / d);
    let r = unh - qHi * d;
    let n = r * 65536 + (nl >>> 16);
    const q1 = Math.floor(n / d); // r < d, so q1 < 2^16
    r = n - q1 * d;
    n = r * 65536 + (nl & 0xffff);
    const q0 = Math.floor(n / d);
    r = n - q0 * d;
    quoLo = (q1 * 65536 + q0) | 0; quoHi = qHi | 0;
    remLo = r | 0; remHi = 0;
    return;
  }
  // Restoring shift-subtract division, one quotient bit per step.
  let rl = 0, rh = 0, ql = nl, qh = nh;
  for (let i = 0; i < 64; i++) {
    // (rh:rl:qh:ql) <<= 1
    const topR = rh >>> 31;
    rh = (rh << 1) | (rl >>> 31);
    rl = (rl << 1) | (qh >>> 31);
    qh = (qh << 1) | (ql >>> 31);
    ql = ql << 1;
    // The remainder may have overflowed 64 bits (topR): then it is surely >= d.
    if (topR !== 0 || (rh >>> 0) > udh || ((rh >>> 0) === udh && (rl >>> 0) >= (dl >>> 0))) {
      const lo = (rl - dl) | 0;
      rh = (rh - dh - ((rl >>> 0) < (dl >>> 0) ? 1 : 0)) | 0;
      rl = lo;
      ql |= 1;
    }
  }
  quoLo = ql; quoHi = qh; remLo = rl; remHi = rh;
}

/** The four division ops of ops.ts on i64, with its total semantics. */
export const enum DivKind { Div = 0, DivU = 1, Rem = 2, RemU = 3 }

export function div64(m: Int32Array, d: number, a: number, b: number, kind: DivKind): void {
  const al = m[a]!, ah = m[a + 1]!, bl = m[b]!, bh = m[b + 1]!;
  if (bl === 0 && bh === 0) {
    if (kind === DivKind.Div || kind === DivKind.DivU) { m[d] = -1; m[d + 1] = -1; } else { m[d] = al; m[d + 1] = ah; }
    return;
  }
  if (kind === DivKind.DivU || kind === DivKind.RemU) {
    divmodU64(al, ah, bl, bh);
  } else {
    // Divide magnitudes; MIN's magnitude 2^63 is fine as an unsigned value.
    const negA = ah < 0, negB = bh < 0;
    const pl = negA ? -al | 0 : al, ph = negA ? (~ah + (al === 0 ? 1 : 0)) | 0 : ah;
    const ql = negB ? -bl | 0 : bl, qh = negB ? (~bh + (bl === 0 ? 1 : 0)) | 0 : bh;
    divmodU64(pl, ph, ql, qh);
    if (negA !== negB) { const lo = -quoLo | 0; quoHi = (~quoHi + (quoLo === 0 ? 1 : 0)) | 0; quoLo = lo; }
    if (negA) { const lo = -remLo | 0; remHi = (~remHi + (remLo === 0 ? 1 : 0)) | 0; remLo = lo; }
  }
  if (kind === DivKind.Div || kind === DivKind.DivU) { m[d] = quoLo; m[d + 1] = quoHi; } else { m[d] = remLo; m[d + 1] = remHi; }
}

/** i32 division ops: exact in doubles. */
export function div32(a: number, b: number, kind: DivKind): number {
  switch (kind) {
    case DivKind.Div: return b === 0 ? -1 : (a === -0x80000000 && b === -1) ? a : (a / b) | 0;
    case DivKind.DivU: return b === 0 ? -1 : ((a >>> 0) / (b >>> 0)) | 0;
    case DivKind.Rem: return b === 0 ? a : (a === -0x80000000 && b === -1) ? 0 : (a % b) | 0;
    case DivKind.RemU: return b === 0 ? a : ((a >>> 0) % (b >>> 0)) | 0;
  }
}

/** d = a shifted; kind 0 shl, 1 shr, 2 sar, 3 rotl, 4 rotr; count = b mod 64. */
export const enum ShiftKind { Shl = 0, Shr = 1, Sar = 2, Rotl = 3, Rotr = 4 }

export function shift64(m: Int32Array, d: number, lo: number, hi: number, count: number, kind: ShiftKind): void {
  let n = count & 63;
  if (kind === ShiftKind.Rotr) { n = (64 - n) & 63; kind = ShiftKind.Rotl; }
  if (n === 0) { m[d] = lo; m[d + 1] = hi; return; }
  let rl: number, rh: number;
  switch (kind) {
    case ShiftKind.Shl:
      if (n < 32) { rh = (hi << n) | (lo >>> (32 - n)); rl = lo << n; } else { rh = lo << (n - 32); rl = 0; }
      break;
    case ShiftKind.Shr:
      if (n < 32) { rl = (lo >>> n) | (hi << (32 - n)); rh = hi >>> n; } else { rl = hi >>> (n - 32); rh = 0; }
      break;
    case ShiftKind.Sar:
      if (n < 32) { rl = (lo >>> n) | (hi << (32 - n)); rh = hi >> n; } else { rl = hi >> (n - 32); rh = hi >> 31; }
      break;
    default: // Rotl
      if (n === 32) { rl = hi; rh = lo; } else if (n < 32) {
        rh = (hi << n) | (lo >>> (32 - n)); rl = (lo << n) | (hi >>> (32 - n));
      } else {
        const k = n - 32;
        rh = (lo << k) | (hi >>> (32 - k)); rl = (hi << k) | (lo >>> (32 - k));
      }
  }
  m[d] = rl | 0; m[d + 1] = rh | 0;
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

export function bswap32(x: number): number {
  return ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) | 0;
}

/** Bits [pos, pos+len) of the 64-bit (hi:lo), zero- or sign-extended, into m[d], m[d+1]. */
export function extract64(m: Int32Array, d: number, lo: number, hi: number, pos: number, len: number, signed: boolean): void {
  // Move the field to the top, then shift it down: arithmetic shift sign-extends.
  shift64(m, d, lo, hi, 64 - pos - len, ShiftKind.Shl);
  shift64(m, d, m[d]!, m[d + 1]!, 64 - len, signed ? ShiftKind.Sar : ShiftKind.Shr);
}

/** m[d] = (hi:lo of a) with bits [pos, pos+len) replaced by the low len bits of b. */
export function deposit64(m: Int32Array, d: number, a: number, b: number, pos: number, len: number): void {
  const al = m[a]!, ah = m[a + 1]!, bl = m[b]!, bh = m[b + 1]!;
  // mask = ones(len) << pos, built in halves.
  const maskLoLen = len >= 32 ? -1 : (1 << len) - 1, maskHiLen = len > 32 ? (len === 64 ? -1 : (1 << (len - 32)) - 1) : 0;
  shift64(m, d, maskLoLen, maskHiLen, pos, ShiftKind.Shl);
  const ml = m[d]!, mh = m[d + 1]!;
  shift64(m, d, bl, bh, pos, ShiftKind.Shl);
  const vl = m[d]!, vh = m[d + 1]!;
  m[d] = (al & ~ml) | (vl & ml);
  m[d + 1] = (ah & ~mh) | (vh & mh);
}

/** (dl, dh) = (al, ah) +/- (bl, bh) on 128-bit values made of two 64-bit halves. */
export function addsub2x64(m: Int32Array, dl: number, dh: number, al: number, ah: number, bl: number, bh: number, subtract: boolean): void {
  const x0 = m[al]!, x1 = m[al + 1]!, x2 = m[ah]!, x3 = m[ah + 1]!;
  let y0 = m[bl]!, y1 = m[bl + 1]!, y2 = m[bh]!, y3 = m[bh + 1]!;
  let carry = 0;
  if (subtract) {
    // x - y = x + ~y + 1
    y0 = ~y0; y1 = ~y1; y2 = ~y2; y3 = ~y3;
    carry = 1;
  }
  let s = (x0 >>> 0) + (y0 >>> 0) + carry; const r0 = s | 0; carry = s > 0xffffffff ? 1 : 0;
  s = (x1 >>> 0) + (y1 >>> 0) + carry; const r1 = s | 0; carry = s > 0xffffffff ? 1 : 0;
  s = (x2 >>> 0) + (y2 >>> 0) + carry; const r2 = s | 0; carry = s > 0xffffffff ? 1 : 0;
  s = (x3 >>> 0) + (y3 >>> 0) + carry; const r3 = s | 0;
  m[dl] = r0; m[dl + 1] = r1; m[dh] = r2; m[dh + 1] = r3;
}
