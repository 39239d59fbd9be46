// A TB's IR packed into one Int32Array, so a TB can keep its IR for the
// Wasm tier without keeping its objects.
//
// Why: the IR of a TB is ~100 small objects (ops, their argument arrays,
// local and constant temps). The execution loop used to keep them for every
// TB, since any TB may get hot and be compiled, but only ~1 in 5 ever is: on
// the Linux boot 314 MB of the JS heap live at the prompt were mostly IR objects, and
// every scavenge copied the new ones (102 scavenges, 1.15 s of the main
// thread's ~14 s). A frozen IR is one typed array, whose contents the GC
// never visits; it is thawed back into an IRFunction (the same temp indices,
// ops and labels) when the TB is compiled.
//
// Frozen IRs share 256 KB arenas rather than each having an Int32Array (a
// backing store allocated, zeroed and tracked per TB, ~76K on the Linux
// boot). The profile had put freezeIR's 1.7% of the boot on that allocation;
// with arenas freezeIR is still 1.4%, now in its copying loops: perf (session
// 11) puts nearly all of it on the kernel zeroing the arenas' fresh pages at
// their first touch (~6K page faults), not on our code. An arena lives while
// any TB frozen into it does, so invalidated TBs' words stay until their
// neighbours go too: the boot's TBs fill 97 arenas (25 MB).
//
// Layout, in words (from the FrozenIR's start in its arena):
//   [nTemps, nOps, nLabels, nGlobals]
//   temps nGlobals..nTemps-1: kind | type << 2, then lo, hi for a constant
//   ops: opc | nArgs << 16, then the args

import { GlobalDecl, HelperSigTable, IRFunction, Op } from './ir.js';
import { Opc } from './ops.js';
import { TempKind, Type } from './types.js';

const HEADER = 4;
const ARGS_SHIFT = 16;
const OPC_MASK = (1 << ARGS_SHIFT) - 1;

/** Words per arena (a frozen IR larger than this gets an arena of its own). */
const ARENA_WORDS = 64 * 1024;

export class FrozenIR {
  constructor(
    /** The arena holding this IR's words from `start`. */
    readonly arena: Int32Array,
    readonly start: number,
    readonly length: number,
    readonly globals: readonly GlobalDecl[],
    readonly helpers: HelperSigTable,
  ) {}

  get byteLength(): number {
    return this.length * 4;
  }
}

let arena = new Int32Array(ARENA_WORDS);
let arenaUsed = 0;

/** `size` words of the current arena (a fresh one when it is full). */
function reserve(size: number): number {
  if (arenaUsed + size > arena.length) {
    arena = new Int32Array(Math.max(ARENA_WORDS, size));
    arenaUsed = 0;
  }
  const start = arenaUsed;
  arenaUsed += size;
  return start;
}

export function freezeIR(fn: IRFunction): FrozenIR {
  const temps = fn.temps, ops = fn.ops, nGlobals = fn.nGlobals;
  let size = HEADER + ops.length;
  for (let i = nGlobals; i < temps.length; i++) size += temps[i]!.kind === TempKind.Const ? 3 : 1;
  for (let i = 0; i < ops.length; i++) size += ops[i]!.args.length;
  const start = reserve(size), w = arena;
  w[start] = temps.length; w[start + 1] = ops.length; w[start + 2] = fn.nLabels; w[start + 3] = nGlobals;
  let p = start + HEADER;
  for (let i = nGlobals; i < temps.length; i++) {
    const t = temps[i]!;
    w[p++] = t.kind | (t.type << 2);
    if (t.kind === TempKind.Const) {
      w[p++] = t.lo;
      w[p++] = t.hi;
    }
  }
  for (let i = 0; i < ops.length; i++) {
    const { opc, args } = ops[i]!;
    if (args.length > 0x7fff) throw new Error(`freezeIR: op with ${args.length} arguments`);
    w[p++] = opc | (args.length << ARGS_SHIFT);
    for (let j = 0; j < args.length; j++) w[p++] = args[j]!;
  }
  return new FrozenIR(w, start, size, fn.globals, fn.helpers);
}

/** The IRFunction a FrozenIR was made from: equal temps (same indices), ops and label count. */
export function thawIR(frozen: FrozenIR): IRFunction {
  const w = frozen.arena, start = frozen.start;
  const fn = new IRFunction(frozen.globals, frozen.helpers);
  const nTemps = w[start]!, nOps = w[start + 1]!;
  if (w[start + 3] !== fn.nGlobals) throw new Error('thawIR: the globals table changed');
  let p = start + HEADER;
  for (let i = fn.nGlobals; i < nTemps; i++) {
    const word = w[p++]!;
    const kind = (word & 3) as TempKind, type = (word >> 2) as Type;
    // Constants are unique per value in a TB (constantPair), so each one comes back at its own index.
    const t = kind === TempKind.Const ? fn.constantPair(type, w[p++]!, w[p++]!) : fn.newLocal(type);
    if (t.index !== i || t.kind !== kind) throw new Error(`thawIR: temp ${i} did not come back at its index`);
  }
  const ops = new Array<Op>(nOps);
  for (let i = 0; i < nOps; i++) {
    const head = w[p++]!, n = head >>> ARGS_SHIFT;
    const args = new Array<number>(n);
    for (let j = 0; j < n; j++) args[j] = w[p++]!;
    ops[i] = { opc: (head & OPC_MASK) as Opc, args };
  }
  fn.ops = ops;
  fn.nLabels = w[start + 2]!;
  return fn;
}
