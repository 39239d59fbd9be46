// Builds one-op TBs for differential tests: inputs come from globals (or
// constants), outputs go to globals, then exit_tb 0. A tier runs the TB and
// the test compares the output globals with evalOp. Shared by the
// interpreter's and the Wasm tier's tests.

import { GlobalDecl, HelperSigTable, IRFunction } from '../../src/ir/ir.js';
import { OP_DEFS, Opc } from '../../src/ir/ops.js';
import { Temp, Type } from '../../src/ir/types.js';
import { CPU_BASE, CPU_TARGET_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';

/** Globals g0..g7: 8-byte slots after the CPU header; i32 globals use the low word. */
const SLOT_COUNT = 8;
const slotOffset = (i: number): number => CPU_TARGET_BASE + 8 * i;

export const NO_HELPERS: HelperSigTable = {
  sig(id: number) {
    throw new Error(`no helper ${id} in a single-op test`);
  },
};

export interface SingleOpTb {
  readonly fn: IRFunction;
  readonly opc: Opc;
  /** CPU-state byte offsets (relative to CPU_BASE) of each input global (-1: the input is a constant). */
  readonly inOffsets: readonly number[];
  readonly inTypes: readonly Type[];
  readonly outOffsets: readonly number[];
  readonly outTypes: readonly Type[];
}

export interface SingleOpOptions {
  /** Input i is this constant instead of a global (undefined entries stay globals). */
  readonly constInputs?: readonly (bigint | undefined)[];
  /** The first output is written to the first input's global (d = d op b), to test aliasing. */
  readonly aliasOutput?: boolean;
}

/** The globals every single-op TB declares, typed for opc. */
function globalsFor(opc: Opc): GlobalDecl[] {
  const def = OP_DEFS[opc]!;
  const types = [...def.inTypes, ...def.outTypes];
  if (types.length > SLOT_COUNT) throw new Error('too many operands');
  return types.map((type, i) => ({ name: `g${i}`, type, offset: slotOffset(i) }));
}

export function buildSingleOp(opc: Opc, consts: readonly number[], opts: SingleOpOptions = {}): SingleOpTb {
  const def = OP_DEFS[opc]!;
  const fn = new IRFunction(globalsFor(opc), NO_HELPERS);
  const ins: Temp[] = def.inTypes.map((t, i) => {
    const c = opts.constInputs?.[i];
    return c === undefined ? fn.temp(i) : fn.constant(t, c);
  });
  const outs: Temp[] = def.outTypes.map((_, i) => fn.temp(def.nIn + i));
  if (opts.aliasOutput && ins.length > 0 && def.inTypes[0] === def.outTypes[0] && opts.constInputs?.[0] === undefined) {
    outs[0] = ins[0]!;
  }
  fn.ops.push({ opc: Opc.insn_start, args: [0x1000, 0] });
  fn.ops.push({ opc, args: [...outs.map((t) => t.index), ...ins.map((t) => t.index), ...consts] });
  fn.ops.push({ opc: Opc.exit_tb, args: [0] });
  return {
    fn, opc,
    inOffsets: ins.map((t) => (t.kind === 2 ? -1 : t.offset)),
    inTypes: def.inTypes,
    outOffsets: outs.map((t) => t.offset),
    outTypes: def.outTypes,
  };
}

function writeValue(mem: LinearMemory, offset: number, type: Type, v: bigint): void {
  // i32 globals get a garbage high word: a backend must never read it.
  mem.writeU64(CPU_BASE + offset, type === Type.I32 ? v | 0xdead000000000000n : v);
}

export function writeInputs(mem: LinearMemory, tb: SingleOpTb, inputs: readonly bigint[]): void {
  tb.inOffsets.forEach((off, i) => {
    if (off >= 0) writeValue(mem, off, tb.inTypes[i]!, inputs[i]!);
  });
}

export function readOutputs(mem: LinearMemory, tb: SingleOpTb): bigint[] {
  return tb.outOffsets.map((off, i) => {
    const v = mem.readU64(CPU_BASE + off);
    return tb.outTypes[i] === Type.I32 ? v & 0xffffffffn : v;
  });
}
