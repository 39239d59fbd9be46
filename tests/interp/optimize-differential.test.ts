// The optimizer must not change what a TB computes: random TBs of value ops,
// moves and forward branches over globals, locals and constants run in the
// interpreter before and after optimize(), on the same random inputs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VALUE_OPS } from '../../src/ir/fold.js';
import { IRFunction } from '../../src/ir/ir.js';
import { ExitCode, OP_DEFS, Opc } from '../../src/ir/ops.js';
import { optimize } from '../../src/ir/optimize.js';
import { printIR } from '../../src/ir/print.js';
import { verify } from '../../src/ir/verify.js';
import { Temp, TempKind, Type } from '../../src/ir/types.js';
import { HelperTable } from '../../src/exec/helpers.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { CPU_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { constChoices, Rng } from '../ir/op-cases.js';
import { SAMPLE_GLOBALS } from '../ir/sample-ops.js';
import { throwingSlowPath } from './fakes.js';

const PROGRAMS = 300;
const OPS_PER_PROGRAM = 24;
const RUNS_PER_PROGRAM = 4;
const SMALL_CONSTS = [0n, 1n, 2n, 31n, 32n, 63n, 0xffn, 0x80000000n, 0xffffffffn, -1n, -2n];

function randomProgram(rng: Rng, helpers: HelperTable): IRFunction {
  const fn = new IRFunction(SAMPLE_GLOBALS, helpers);
  const written: Temp[] = fn.temps.slice();
  const pendingLabels: number[] = [];
  const pick = <T>(xs: readonly T[]): T => xs[rng.below(xs.length)]!;
  const input = (type: Type): number => {
    if (rng.below(4) === 0) return fn.constant(type, pick(SMALL_CONSTS)).index;
    return pick(written.filter((t) => t.type === type)).index;
  };
  const output = (type: Type): number => {
    const r = rng.below(3);
    if (r === 0) { const t = fn.newLocal(type); return t.index; }
    const candidates = written.filter((t) => t.type === type && t.kind !== TempKind.Const);
    return pick(candidates).index;
  };
  for (let n = 0; n < OPS_PER_PROGRAM; n++) {
    const r = rng.below(10);
    if (r === 0 && pendingLabels.length > 0) {
      fn.ops.push({ opc: Opc.set_label, args: [pendingLabels.shift()!] });
      // A local written only on one path must not be read after the join.
      for (let i = written.length - 1; i >= 0; i--) if (written[i]!.kind === TempKind.Local) written.splice(i, 1);
      continue;
    }
    if (r === 1) {
      const type = rng.below(2) === 0 ? Type.I32 : Type.I64;
      const label = fn.newLabel();
      fn.ops.push({ opc: type === Type.I32 ? Opc.brcond_i32 : Opc.brcond_i64, args: [input(type), input(type), rng.below(12), label] });
      pendingLabels.push(label);
      continue;
    }
    if (r === 4) {
      // bump_globals writes g1 and h1 behind the optimizer's back.
      fn.ops.push({ opc: Opc.call, args: [0] });
      continue;
    }
    // Moves are a fifth of the ops: copy propagation is where stale knowledge hides.
    const opc = r <= 3 ? pick([Opc.mov_i32, Opc.mov_i64]) : pick(VALUE_OPS);
    const def = OP_DEFS[opc]!;
    const ins = def.inTypes.map(input);
    const outs = def.outTypes.map(output);
    if (new Set(outs).size !== outs.length) continue; // two outputs into one temp: ill-formed
    fn.ops.push({ opc, args: [...outs, ...ins, ...pick(constChoices(opc))] });
    for (const o of outs) if (!written.includes(fn.temp(o))) written.push(fn.temp(o));
  }
  for (const l of pendingLabels) fn.ops.push({ opc: Opc.set_label, args: [l] });
  fn.ops.push({ opc: Opc.exit_tb, args: [ExitCode.Next] });
  return fn;
}

test('optimized random TBs compute the same globals as unoptimized ones', () => {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const g1 = (CPU_BASE + SAMPLE_GLOBALS[1]!.offset) >> 2, h1 = (CPU_BASE + SAMPLE_GLOBALS[5]!.offset) >> 2;
  helpers.register({
    name: 'bump_globals', args: [], ret: [], flags: 0,
    fn: () => { mem.i32[g1] = (mem.i32[g1]! + 0x11) | 0; mem.i32[h1] = mem.i32[h1]! ^ 0x5a5a; },
  });
  const tier = new InterpTier(mem, helpers, throwingSlowPath);
  const rng = new Rng(42);
  let compared = 0;
  for (let p = 0; p < PROGRAMS; p++) {
    const fn = randomProgram(rng, helpers);
    verify(fn);
    const before = printIR(fn);
    const plain = new TranslationBlock(0, 0, 0, 1, 4, [], fn);
    tier.prepare(plain);
    const optFn = randomProgramClone(fn);
    optimize(optFn);
    verify(optFn);
    const optimized = new TranslationBlock(0, 0, 0, 1, 4, [], optFn);
    tier.prepare(optimized);
    for (let run = 0; run < RUNS_PER_PROGRAM; run++) {
      const inputs = SAMPLE_GLOBALS.map(() => rng.next64());
      const results = [plain, optimized].map((tb) => {
        SAMPLE_GLOBALS.forEach((g, i) => mem.writeU64(CPU_BASE + g.offset, inputs[i]!));
        tier.execute(tb);
        return SAMPLE_GLOBALS.map((g) => {
          const v = mem.readU64(CPU_BASE + g.offset);
          return g.type === Type.I32 ? v & 0xffffffffn : v;
        });
      });
      assert.deepEqual(results[1], results[0], `program ${p}:\n${before}\noptimized:\n${printIR(optFn)}`);
      compared++;
    }
  }
  assert.equal(compared, PROGRAMS * RUNS_PER_PROGRAM);
});

/** A deep copy of fn's ops over the same temps (optimize works in place). */
function randomProgramClone(fn: IRFunction): IRFunction {
  const copy = new IRFunction(fn.globals, fn.helpers);
  for (const t of fn.temps.slice(fn.nGlobals)) {
    if (t.kind === TempKind.Local) copy.newLocal(t.type); else copy.constant(t.type, t.value);
  }
  copy.nLabels = fn.nLabels;
  copy.ops = fn.ops.map((op) => ({ opc: op.opc, args: op.args.slice() }));
  return copy;
}
