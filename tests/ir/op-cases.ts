// Test inputs for one IR op: edge values crossed with each other, then seeded
// random values from several distributions (full width, small, sign-extended
// 32-bit, near the 2^52 limit where double arithmetic stops being exact).
// Shared by the interpreter's and the Wasm tier's differential tests.

import { OP_DEFS, Opc } from '../../src/ir/ops.js';
import { Type } from '../../src/ir/types.js';

export interface OpCase {
  /** Input values, unsigned at each input's width. */
  readonly inputs: bigint[];
  /** Constant args (cond, pos/len). */
  readonly consts: number[];
}

/** A small deterministic PRNG (mulberry32 on numbers: fast), so failures reproduce. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = (seed * 0x9e3779b9) | 0;
  }
  next32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  next64(): bigint {
    return (BigInt(this.next32()) << 32n) | BigInt(this.next32());
  }
  below(n: number): number {
    return this.next32() % n;
  }
}

function edgeValues(bits: 32 | 64): bigint[] {
  const mask = (1n << BigInt(bits)) - 1n;
  const raw: bigint[] = [
    0n, 1n, 2n, 3n, 7n, -1n, -2n, -3n, 31n, 32n, 33n, 63n, 64n, 65n, 0xffn, 0x80n, 0x7fffn, 0x8000n, 0xffffn,
    0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0xffffffff00000000n, 0x8000000000000000n,
    0x7fffffffffffffffn, 0x123456789abcdef0n, 0xfedcba9876543210n, (1n << 52n) - 1n, 1n << 52n, 1n << 53n, 0xfffffn << 32n,
  ];
  for (let i = 0; i < bits; i += 7) raw.push(1n << BigInt(i));
  return [...new Set(raw.map((v) => BigInt.asUintN(bits, v) & mask))];
}

function randomValue(rng: Rng, bits: 32 | 64): bigint {
  const r = rng.next64();
  let v: bigint;
  switch (rng.below(6)) {
    case 0: v = r & 0xffn; break;
    case 1: v = BigInt.asUintN(64, BigInt.asIntN(32, r)); break; // sign-extended 32-bit, as RV64 *W results
    case 2: v = BigInt.asUintN(64, -(r & 0xffffn)); break; // small negative
    case 3: v = r & ((1n << BigInt(40 + rng.below(24))) - 1n); break; // near the 2^52 double-exactness edge
    default: v = r;
  }
  return BigInt.asUintN(bits, v);
}

function inBits(t: Type): 32 | 64 {
  return t === Type.I32 ? 32 : 64;
}

/** Every valid set of constant args for opc (all conditions; a spread of pos/len). */
export function constChoices(opc: Opc): number[][] {
  const def = OP_DEFS[opc]!;
  const names = def.constNames.join(',');
  const width = inBits(def.outTypes[0] ?? def.inTypes[0]!);
  if (names === 'cond') return Array.from({ length: 12 }, (_, c) => [c]);
  if (names === 'pos,len') {
    const out: number[][] = [];
    for (const len of [1, 2, 7, 8, 12, 16, 20, 31, 32, 33, 48, 63, 64]) {
      if (len > width) continue;
      for (const pos of [0, 1, 3, 8, 16, 31, 32, 40, 62, 63]) if (pos + len <= width) out.push([pos, len]);
    }
    return out;
  }
  if (def.nConst === 0) return [[]];
  throw new Error(`no const choices for ${def.name}`);
}

/** At least `count` cases for the value op opc. */
export function opCases(opc: Opc, count: number, seed = 1): OpCase[] {
  const def = OP_DEFS[opc]!;
  const rng = new Rng(seed * 1000 + opc);
  const widths = def.inTypes.map(inBits);
  const choices = constChoices(opc);
  const cases: OpCase[] = [];
  const pickConsts = (i: number): number[] => choices[i % choices.length]!;
  // Edge values crossed pairwise over the first two inputs (the rest random edges).
  const edges = widths.map(edgeValues);
  if (widths.length === 1) {
    for (const a of edges[0]!) cases.push({ inputs: [a], consts: pickConsts(cases.length) });
  } else if (widths.length >= 2) {
    for (const a of edges[0]!) {
      for (const b of edges[1]!) {
        const rest = widths.slice(2).map((_, i) => edges[i + 2]![rng.below(edges[i + 2]!.length)]!);
        cases.push({ inputs: [a, b, ...rest], consts: pickConsts(cases.length) });
      }
    }
  }
  // Every const choice meets the edge values too.
  for (let i = 0; i < choices.length; i++) {
    for (const a of edges[0]!) {
      cases.push({ inputs: widths.map((w, k) => (k === 0 ? a : edges[k]![rng.below(edges[k]!.length)]!)), consts: choices[i]! });
    }
  }
  while (cases.length < count) {
    const inputs = widths.map((w) => (rng.below(4) === 0 ? edges[0]![rng.below(edges[0]!.length)]! & ((1n << BigInt(w)) - 1n) : randomValue(rng, w)));
    // Conditions are far more interesting when operands are often equal.
    if (widths.length >= 2 && widths[0] === widths[1] && rng.below(8) === 0) inputs[1] = inputs[0]!;
    cases.push({ inputs, consts: pickConsts(rng.below(1 << 20)) });
  }
  return cases;
}
