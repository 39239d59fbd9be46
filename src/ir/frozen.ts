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
// Layout, in words:
//   [nTemps, nOps, nLabels, nGlobals]
//   temps nGlobals..nTemps-1: kind | type << 2, then lo, hi for a constant
//   ops: opc | nArgs << 16, then the args

import { GlobalDecl, HelperSigTable, IRFunction, Op } from './ir.js';
import { Opc } from './ops.js';
import { TempKind, Type } from './types.js';

const HEADER = 4;
const ARGS_SHIFT = 16;
const OPC_MASK = (1 << ARGS_SHIFT) - 1;

export class FrozenIR {
  constructor(
    readonly words: Int32Array,
    readonly globals: readonly GlobalDecl[],
    readonly helpers: HelperSigTable,
  ) {}

  get byteLength(): number {
    return this.words.byteLength;
  }
}

export function freezeIR(fn: IRFunction): FrozenIR {
  const temps = fn.temps, ops = fn.ops, nGlobals = fn.nGlobals;
  let size = HEADER + ops.length;
  for (let i = nGlobals; i < temps.length; i++) size += temps[i]!.kind === TempKind.Const ? 3 : 1;
  for (let i = 0; i < ops.length; i++) size += ops[i]!.args.length;
  const w = new Int32Array(size);
  w[0] = temps.length; w[1] = ops.length; w[2] = fn.nLabels; w[3] = nGlobals;
  let p = HEADER;
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
  return new FrozenIR(w, fn.globals, fn.helpers);
}

/** The IRFunction a FrozenIR was made from: equal temps (same indices), ops and label count. */
export function thawIR(frozen: FrozenIR): IRFunction {
  const w = frozen.words;
  const fn = new IRFunction(frozen.globals, frozen.helpers);
  const nTemps = w[0]!, nOps = w[1]!;
  if (w[3] !== fn.nGlobals) throw new Error('thawIR: the globals table changed');
  let p = HEADER;
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
  fn.nLabels = w[2]!;
  return fn;
}
