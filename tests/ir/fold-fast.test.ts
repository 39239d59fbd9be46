// The optimizer's int32-halves folder (fold-fast.ts) against the BigInt
// reference (fold.ts) on the edge and random inputs every tier is tested
// with; and the constant cache and pool keyed on halves instead of bigints.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalOp, VALUE_OPS } from '../../src/ir/fold.js';
import { evalCondPair, FOLD_HI, FOLD_LO, foldPair } from '../../src/ir/fold-fast.js';
import { IRFunction } from '../../src/ir/ir.js';
import { OP_DEFS } from '../../src/ir/ops.js';
import { Cond, evalCondBig, TempKind, Type } from '../../src/ir/types.js';
import { HelperTable } from '../../src/exec/helpers.js';
import { ConstPool } from '../../src/backend/interp/const-pool.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { opCases, Rng } from './op-cases.js';
import { SAMPLE_GLOBALS } from './sample-ops.js';

const lo = (v: bigint): number => Number(v & 0xffffffffn) | 0;
const hi = (v: bigint): number => Number((v >> 32n) & 0xffffffffn) | 0;
const join = (l: number, h: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);

test('foldPair agrees with evalOp on every op it folds', () => {
  let folded = 0;
  for (const opc of VALUE_OPS) {
    const def = OP_DEFS[opc]!;
    if (def.nOut !== 1 || def.nIn > 2) continue;
    for (const c of opCases(opc, 300, opc + 1)) {
      const a = c.inputs[0] ?? 0n, b = c.inputs[1] ?? a;
      if (!foldPair(opc, lo(a), hi(a), lo(b), hi(b), c.consts[0] ?? 0)) break;
      const want = evalOp(opc, c.inputs, c.consts)[0]!;
      assert.equal(join(FOLD_LO, FOLD_HI), want, `${def.name}(${c.inputs.map((v) => `0x${v.toString(16)}`).join(', ')}; ${c.consts})`);
      folded++;
    }
  }
  assert.ok(folded > 5000, `only ${folded} cases folded`);
});

test('evalCondPair agrees with evalCondBig', () => {
  const rng = new Rng(7);
  const edges = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn];
  const values: bigint[] = [...edges];
  for (let i = 0; i < 40; i++) values.push(rng.next64());
  for (const bits of [32, 64] as const) {
    const mask = bits === 32 ? 0xffffffffn : 0xffffffffffffffffn;
    for (let cond = Cond.Never; cond <= Cond.GTU; cond++) {
      for (const x of values) {
        for (const y of values) {
          const a = x & mask, b = y & mask;
          assert.equal(evalCondPair(cond, bits, lo(a), hi(a), lo(b), hi(b)), evalCondBig(cond, a, b, bits), `${cond} ${a} ${b} /${bits}`);
        }
      }
    }
  }
});

test('constants are one temp per distinct (type, value), past the linear-scan size too', () => {
  const fn = new IRFunction(SAMPLE_GLOBALS, new HelperTable());
  const rng = new Rng(3);
  const values: bigint[] = [0n, 1n, 0xffffffffn, 0xffffffffffffffffn, 0x8000000000000000n, 0x100000000n];
  for (let i = 0; i < 200; i++) values.push(rng.next64(), BigInt(rng.next32()));
  const seen = new Map<string, number>();
  for (let round = 0; round < 2; round++) {
    for (const v of values) {
      for (const type of [Type.I32, Type.I64]) {
        const masked = BigInt.asUintN(type === Type.I32 ? 32 : 64, v);
        // The same value given as a bigint, a signed bigint and (when exact) a number.
        const forms: (bigint | number)[] = [v, BigInt.asIntN(64, v)];
        if (masked <= BigInt(Number.MAX_SAFE_INTEGER)) forms.push(Number(masked));
        for (const form of forms) {
          const t = fn.constant(type, form);
          assert.equal(t.kind, TempKind.Const);
          assert.equal(t.type, type);
          assert.equal(t.value, masked);
          assert.equal(t.name, `$0x${masked.toString(16)}`);
          const key = `${type}:${masked}`;
          const prev = seen.get(key);
          if (prev === undefined) seen.set(key, t.index);
          else assert.equal(t.index, prev, `one temp for ${key}`);
        }
      }
    }
  }
  assert.equal(fn.temps.length, fn.nGlobals + seen.size);
  assert.equal(fn.constant(Type.I64, -1).value, 0xffffffffffffffffn);
  assert.equal(fn.constant(Type.I32, -1).value, 0xffffffffn);
  assert.equal(fn.newLocal(Type.I64).name, `tmp${seen.size}`);
});

test('the constant pool gives one slot per 64-bit value, holding that value', () => {
  const mem = new LinearMemory();
  const pool = new ConstPool(mem);
  const rng = new Rng(11);
  const values = [0n, 1n, 0xffffffffn, 0xffffffff00000000n, 0xffffffffffffffffn];
  for (let i = 0; i < 100; i++) values.push(rng.next64());
  const words = values.map((v) => pool.wordOf(v));
  values.forEach((v, i) => {
    assert.equal(pool.wordOfPair(lo(v), hi(v)), words[i]);
    assert.equal(join(mem.i32[words[i]!]!, mem.i32[words[i]! + 1]!), v);
  });
  assert.equal(pool.slotsUsed, new Set(values).size);
});
