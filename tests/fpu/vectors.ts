// Loads the QEMU reference vectors (see tests/fpu/gen/fp-vectors.c for the
// format) and maps each operation name to the soft-float library.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { BINARY32, BINARY64, RoundingMode } from '../../src/fpu/format.js';
import { softAdd, softDiv, softMul, softMulAdd, softSqrt, softSub } from '../../src/fpu/soft-arith.js';
import { INT32, INT64, IntType, softConvert, softFromInt, softToInt, UINT32, UINT64 } from '../../src/fpu/soft-convert.js';
import { classify32, classify64, fpEq, fpLe, fpLt, fpMinMax, MinMaxPick } from '../../src/fpu/compare.js';

export interface VectorRow {
  readonly args: bigint[];
  /** One result per rounding mode RNE..RMM, or a single one for operations without rm. */
  readonly results: bigint[];
  readonly flags: number[];
}

export interface VectorSection {
  readonly op: string;
  readonly nargs: number;
  readonly hasRm: boolean;
  readonly rows: VectorRow[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** Compiled tests live in dist/tests/fpu; the vectors stay in the source tree. */
export const VECTOR_FILE = resolve(here, '../../../tests/fpu/vectors/fp-vectors.txt.gz');

let cache: VectorSection[] | undefined;

export function loadVectors(): VectorSection[] {
  if (cache) return cache;
  const text = gunzipSync(readFileSync(VECTOR_FILE)).toString('latin1');
  const sections: VectorSection[] = [];
  let cur: VectorSection | undefined;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    if (line.charCodeAt(0) === 64 /* @ */) {
      const [, op, nargs, rm] = line.split(' ');
      cur = { op: op!, nargs: Number(nargs), hasRm: rm === 'rm', rows: [] };
      sections.push(cur);
      continue;
    }
    const parts = line.split(' ');
    const args: bigint[] = [];
    for (let i = 0; i < cur!.nargs; i++) args.push(BigInt('0x' + parts[i]));
    const results: bigint[] = [], flags: number[] = [];
    for (let i = cur!.nargs; i < parts.length; i++) {
      const [r, f] = parts[i]!.split(':');
      results.push(BigInt('0x' + r));
      flags.push(parseInt(f!, 16));
    }
    cur!.rows.push({ args, results, flags });
  }
  cache = sections;
  return sections;
}

const scratch = new DataView(new ArrayBuffer(8));

export function bitsToDouble(bits: bigint): number {
  scratch.setBigUint64(0, bits);
  return scratch.getFloat64(0);
}

export function doubleToBits(x: number): bigint {
  scratch.setFloat64(0, x);
  return scratch.getBigUint64(0);
}

export function bitsToSingle(bits: bigint): number {
  scratch.setUint32(0, Number(bits));
  return scratch.getFloat32(0);
}

export function singleToBits(x: number): bigint {
  scratch.setFloat32(0, x);
  return BigInt(scratch.getUint32(0));
}

export function isSignalingNaN(bits: bigint, is64: boolean): boolean {
  return is64
    ? (bits & 0x7ff8000000000000n) === 0x7ff0000000000000n && (bits & 0x7ffffffffffffn) !== 0n
    : (bits & 0x7fc00000n) === 0x7f800000n && (bits & 0x3fffffn) !== 0n;
}

/** A register image of an integer result: RISC-V sign-extends 32-bit results. */
function intRegister(v: bigint, t: IntType): bigint {
  return t === INT32 || t === UINT32 ? BigInt.asUintN(64, BigInt.asIntN(32, v)) : BigInt.asUintN(64, v);
}

type SoftOp = (args: bigint[], rm: RoundingMode) => bigint;

const INT_TYPES: Record<string, IntType> = { w: INT32, wu: UINT32, l: INT64, lu: UINT64 };

/** The exact software path for a vector operation (results as the vector file writes them). */
export function softOp(op: string): SoftOp {
  const is64 = op.endsWith('.d');
  const f = is64 ? BINARY64 : BINARY32;
  const toHost = is64 ? bitsToDouble : bitsToSingle;
  const base = op.slice(0, -2);
  switch (base) {
    case 'fadd': return (a, rm) => softAdd(a[0]!, a[1]!, rm, f);
    case 'fsub': return (a, rm) => softSub(a[0]!, a[1]!, rm, f);
    case 'fmul': return (a, rm) => softMul(a[0]!, a[1]!, rm, f);
    case 'fdiv': return (a, rm) => softDiv(a[0]!, a[1]!, rm, f);
    case 'fsqrt': return (a, rm) => softSqrt(a[0]!, rm, f);
    case 'fmadd': return (a, rm) => softMulAdd(a[0]!, a[1]!, a[2]!, false, false, rm, f);
    case 'fmsub': return (a, rm) => softMulAdd(a[0]!, a[1]!, a[2]!, false, true, rm, f);
    case 'fnmsub': return (a, rm) => softMulAdd(a[0]!, a[1]!, a[2]!, true, false, rm, f);
    case 'fnmadd': return (a, rm) => softMulAdd(a[0]!, a[1]!, a[2]!, true, true, rm, f);
    case 'fmin':
    case 'fmax':
      return (a) => {
        const pick = fpMinMax(toHost(a[0]!), toHost(a[1]!), isSignalingNaN(a[0]!, is64), isSignalingNaN(a[1]!, is64), base === 'fmax');
        return pick === MinMaxPick.DefaultNaN ? f.defaultNaN : a[pick]!;
      };
    case 'feq': return (a) => BigInt(fpEq(toHost(a[0]!), toHost(a[1]!), isSignalingNaN(a[0]!, is64), isSignalingNaN(a[1]!, is64)));
    case 'flt': return (a) => BigInt(fpLt(toHost(a[0]!), toHost(a[1]!)));
    case 'fle': return (a) => BigInt(fpLe(toHost(a[0]!), toHost(a[1]!)));
    case 'fclass':
      return (a) => BigInt(is64 ? classify64(Number(a[0]! >> 32n), Number(a[0]! & 0xffffffffn)) : classify32(Number(a[0]!)));
  }
  const m = /^fcvt\.([a-z]+)\.([a-z]+)$/.exec(op);
  if (!m) throw new Error(`unknown op ${op}`);
  const [, to, from] = m as unknown as [string, string, string];
  if (to === 's' && from === 'd') return (a, rm) => softConvert(a[0]!, rm, BINARY64, BINARY32);
  if (to === 'd' && from === 's') return (a, rm) => softConvert(a[0]!, rm, BINARY32, BINARY64);
  if (to === 's' || to === 'd') {
    const t = INT_TYPES[from]!;
    const width = t === INT32 || t === UINT32 ? 32 : 64;
    const signed = t === INT32 || t === INT64;
    const target = to === 'd' ? BINARY64 : BINARY32;
    return (a, rm) => softFromInt(signed ? BigInt.asIntN(width, a[0]!) : BigInt.asUintN(width, a[0]!), rm, target);
  }
  const t = INT_TYPES[to]!;
  const source = from === 'd' ? BINARY64 : BINARY32;
  return (a, rm) => intRegister(softToInt(a[0]!, rm, source, t), t);
}
