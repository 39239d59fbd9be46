// Every value op, both widths, against the BigInt reference (src/ir/fold.ts):
// one-op TBs run in the interpreter on edge and seeded random inputs, with
// inputs in globals, with the output aliasing an input, and with constant
// inputs (which take the encoder's specialised forms, e.g. ADDI64).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalOp, VALUE_OPS } from '../../src/ir/fold.js';
import { OP_DEFS } from '../../src/ir/ops.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { HelperTable } from '../../src/exec/helpers.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { opCases } from '../ir/op-cases.js';
import { buildSingleOp, readOutputs, SingleOpTb, writeInputs } from '../ir/single-op-harness.js';
import { throwingSlowPath } from './fakes.js';

const CASES_PER_OP = 10_000;
/** Constant-input TBs are built per case, so only a slice of the cases gets them. */
const CONST_INPUT_CASES = 300;
/** The aliased-output form also runs on a slice only: it doubles the suite's time for little extra reach. */
const ALIAS_CASES = 2000;

const mem = new LinearMemory();
const tier = new InterpTier(mem, new HelperTable(), throwingSlowPath);

interface Prepared { readonly tb: TranslationBlock; readonly single: SingleOpTb }

function prepared(single: SingleOpTb): Prepared {
  const tb = new TranslationBlock(0x1000, 0, 0, 1, 4, [], single.fn);
  tier.prepare(tb);
  return { tb, single };
}

function sameValues(a: readonly bigint[], b: readonly bigint[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function hex(vs: readonly bigint[]): string {
  return vs.map((v) => '0x' + v.toString(16)).join(',');
}

for (const opc of VALUE_OPS) {
  const name = OP_DEFS[opc]!.name;
  test(`interp ${name} matches evalOp`, () => {
    const cases = opCases(opc, CASES_PER_OP);
    assert.ok(cases.length >= CASES_PER_OP);
    // Cases share their consts arrays (one per choice), so the array itself is the key.
    const plain = new Map<readonly number[], Prepared[]>();
    const mismatches: string[] = [];
    let checked = 0;
    cases.forEach((c, i) => {
      let tbs = plain.get(c.consts);
      if (!tbs) {
        tbs = [buildSingleOp(opc, c.consts), buildSingleOp(opc, c.consts, { aliasOutput: true })].map(prepared);
        plain.set(c.consts, tbs);
      }
      const variants = i < ALIAS_CASES ? [...tbs] : [tbs[0]!];
      if (i < CONST_INPUT_CASES) {
        // Alternate which input is a constant.
        const k = i % c.inputs.length;
        const constInputs = c.inputs.map((v, j) => (j === k ? v : undefined));
        variants.push(prepared(buildSingleOp(opc, c.consts, { constInputs })));
      }
      const expected = evalOp(opc, c.inputs, c.consts);
      for (const { tb, single } of variants) {
        writeInputs(mem, single, c.inputs);
        tier.execute(tb);
        const got = readOutputs(mem, single);
        checked++;
        if (!sameValues(got, expected) && mismatches.length < 5) {
          mismatches.push(`${name}(${hex(c.inputs)}; ${c.consts}) = ${hex(got)}, want ${hex(expected)}`);
        }
      }
    });
    assert.deepEqual(mismatches, []);
    assert.ok(checked >= CASES_PER_OP + ALIAS_CASES + CONST_INPUT_CASES);
  });
}

