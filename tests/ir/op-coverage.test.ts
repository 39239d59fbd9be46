// Every opcode of the op table has: a reference semantics (value ops) in
// fold.ts, a printer form, a verifier that accepts it, an optimizer fold
// (the exhaustive switch compiles and runs), and an interpreter
// implementation (encodes and runs without "bad opcode").

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalOp, isValueOp, VALUE_OPS } from '../../src/ir/fold.js';
import { OP_DEFS, Opc, OpFlag } from '../../src/ir/ops.js';
import { optimize } from '../../src/ir/optimize.js';
import { printIR } from '../../src/ir/print.js';
import { verify } from '../../src/ir/verify.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { IOp, IOP_MIRROR_COUNT } from '../../src/backend/interp/iop.js';
import { constChoices } from './op-cases.js';
import { sampleHelpers, sampleTb } from './sample-ops.js';
import { invalidateAllTlbs, recordingSlowPath } from '../interp/fakes.js';

const mem = new LinearMemory();
const helpers = sampleHelpers(mem);
invalidateAllTlbs(mem);

test('value ops are exactly the ops without memory, control, call or marker flags', () => {
  assert.equal(VALUE_OPS.length, 91);
  for (const def of OP_DEFS) {
    const expectValue = (def.flags & (OpFlag.SIDE_EFFECTS | OpFlag.HOST_MEM | OpFlag.CALL | OpFlag.TB_EXIT | OpFlag.BB_END)) === 0;
    assert.equal(isValueOp(def.opc), expectValue, def.name);
  }
});

for (const def of OP_DEFS) {
  test(`op ${def.name}: fold, print, verify, optimize, interpret`, () => {
    if (isValueOp(def.opc)) {
      const consts = constChoices(def.opc)[0]!;
      const outs = evalOp(def.opc, def.inTypes.map(() => 5n), consts);
      assert.equal(outs.length, def.nOut);
    } else {
      assert.throws(() => evalOp(def.opc, [], []), /not a value op/);
    }

    const fn = sampleTb(def.opc, helpers);
    verify(fn);
    const text = printIR(fn);
    assert.match(text, def.opc === Opc.insn_start ? /^ ---- 0000000000010078$/m : new RegExp(`^ ${def.name}\\b`, 'm'));

    const slow = recordingSlowPath(mem);
    const tier = new InterpTier(mem, helpers, slow);
    const tb = new TranslationBlock(0x10078, 0, 0, 1, 4, [], fn);
    tier.prepare(tb);
    assert.ok(tb.interpEntry >= 0 && tb.interpWords > 0);
    const code = tier.execute(tb);
    assert.equal(typeof code, 'number');
    if (def.flags & OpFlag.GUEST_MEM) assert.equal(slow.calls.length, 1, 'the unfilled TLB sends the access to the slow path');

    // The optimizer handles it and leaves valid IR.
    const copy = sampleTb(def.opc, helpers);
    optimize(copy);
    verify(copy);
  });
}

test('interpreter opcode numbers mirror the op table', () => {
  assert.equal(IOP_MIRROR_COUNT, OP_DEFS.length);
  // The encoder writes these IR opcodes as they are; the dispatch switch names them by IOp.
  const pairs: [number, Opc][] = [
    [IOp.mov_i32, Opc.mov_i32], [IOp.add_i64, Opc.add_i64], [IOp.bswap64_i64, Opc.bswap64_i64],
    [IOp.ld_i32, Opc.ld_i32], [IOp.st_i64, Opc.st_i64], [IOp.br, Opc.br], [IOp.brcond_i32, Opc.brcond_i32],
    [IOp.brcond_i64, Opc.brcond_i64], [IOp.call, Opc.call], [IOp.exit_tb, Opc.exit_tb],
    [IOp.goto_tb, Opc.goto_tb], [IOp.goto_ptr, Opc.goto_ptr], [IOp.mb, Opc.mb],
  ];
  for (const [iop, opc] of pairs) assert.equal(iop, opc, OP_DEFS[opc]!.name);
  assert.ok(IOp.QLD32_8U >= OP_DEFS.length, 'specialised forms do not collide with the mirror');
});
