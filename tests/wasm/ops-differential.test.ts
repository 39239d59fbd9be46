// Every value op, both widths, in generated Wasm against the BigInt reference
// (src/ir/fold.ts): one-op TBs (tests/ir/single-op-harness.ts) with inputs in
// globals, with the output aliasing an input, and with constant inputs
// (immediates in the Wasm code). All TBs of one op share one module.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalOp, VALUE_OPS } from '../../src/ir/fold.js';
import { ExitCode, OP_DEFS } from '../../src/ir/ops.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { opCases } from '../ir/op-cases.js';
import { buildSingleOp, readOutputs, SingleOpTb, writeInputs } from '../ir/single-op-harness.js';
import { compileTbs, tbInput } from './wasm-harness.js';

const CASES_PER_OP = 10_000;
/** Constant-input TBs need one Wasm function per case, so only a slice of the cases gets them. */
const CONST_INPUT_CASES = 300;

const mem = new LinearMemory();
const hex = (vs: readonly bigint[]): string => vs.map((v) => '0x' + v.toString(16)).join(',');

for (const opc of VALUE_OPS) {
  const name = OP_DEFS[opc]!.name;
  test(`wasm ${name} matches evalOp`, () => {
    const cases = opCases(opc, CASES_PER_OP);
    assert.ok(cases.length >= CASES_PER_OP);
    const singles: SingleOpTb[] = [];
    const byConsts = new Map<string, number[]>();
    const constVariant: number[] = [];
    cases.forEach((c, i) => {
      const key = c.consts.join(',');
      if (!byConsts.has(key)) {
        byConsts.set(key, [singles.length, singles.length + 1]);
        singles.push(buildSingleOp(opc, c.consts), buildSingleOp(opc, c.consts, { aliasOutput: true }));
      }
      if (i < CONST_INPUT_CASES) {
        const k = i % c.inputs.length;
        constVariant[i] = singles.length;
        singles.push(buildSingleOp(opc, c.consts, { constInputs: c.inputs.map((v, j) => (j === k ? v : undefined)) }));
      }
    });
    const mod = compileTbs(singles.map((s) => tbInput(s.fn)), mem);
    const mismatches: string[] = [];
    let checked = 0;
    cases.forEach((c, i) => {
      const expected = evalOp(opc, c.inputs, c.consts);
      const variants = [...byConsts.get(c.consts.join(','))!];
      if (i < CONST_INPUT_CASES) variants.push(constVariant[i]!);
      for (const v of variants) {
        const single = singles[v]!;
        writeInputs(mem, single, c.inputs);
        assert.equal(mod.run(v, 1000), ExitCode.Next);
        const got = readOutputs(mem, single);
        checked++;
        if (hex(got) !== hex(expected) && mismatches.length < 5) {
          mismatches.push(`${name}(${hex(c.inputs)}; ${c.consts}) tb ${v}: got ${hex(got)}, want ${hex(expected)}`);
        }
      }
    });
    assert.deepEqual(mismatches, []);
    assert.ok(checked >= 2 * CASES_PER_OP);
  });
}
