// Every op of the op table has Wasm code: a TB using it (with well-formed
// operands) compiles to a module that validates. Value ops are also checked
// for their results in ops-differential.test.ts; memory, control and call
// ops in guest-memory, helpers-and-exceptions and tier tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelperFlag, HelperTable } from '../../src/exec/helpers.js';
import { OP_DEFS, Opc, OpFlag } from '../../src/ir/ops.js';
import { Type } from '../../src/ir/types.js';
import { MemOp } from '../../src/memory/memop.js';
import { constChoices } from '../ir/op-cases.js';
import { buildModule } from '../../src/backend/wasm/module-builder.js';
import { tbInput } from './wasm-harness.js';
import { newTb } from './ir-fixtures.js';

test('every op compiles to valid Wasm', () => {
  const helpers = new HelperTable();
  const helperId = helpers.register({ name: 'h', args: [Type.I64, Type.I32], ret: [Type.I64], flags: HelperFlag.MAY_RAISE, fn: () => {} });
  const tbs = OP_DEFS.map((def) => {
    const { fn, b } = newTb(helpers);
    b.insnStart(0x1000n);
    const temp = (t: Type) => b.local(t);
    const label = b.newLabel();
    const operands = (): number[] => [...def.outTypes.map((t) => temp(t).index), ...def.inTypes.map((t) => temp(t).index)];
    switch (def.opc) {
      case Opc.set_label: case Opc.br: b.emit(def.opc, label); if (def.opc === Opc.br) b.setLabel(label); break;
      case Opc.brcond_i32: case Opc.brcond_i64: b.emit(def.opc, ...operands(), 5, label); b.setLabel(label); break;
      case Opc.call: b.call(helperId, [temp(Type.I64)], [temp(Type.I64), temp(Type.I32)]); break;
      case Opc.exit_tb: case Opc.goto_tb: b.emit(def.opc, 0); break;
      case Opc.goto_ptr: b.emit(def.opc); break;
      case Opc.insn_start: b.insnStart(0x1004n); break;
      case Opc.mb: b.mb(0); break;
      default:
        if (def.flags & (OpFlag.GUEST_MEM | OpFlag.HOST_MEM)) {
          const memop = def.outTypes[0] === Type.I32 || def.inTypes[0] === Type.I32 ? MemOp.S32 : MemOp.S64;
          b.emit(def.opc, ...operands(), def.flags & OpFlag.HOST_MEM ? 0x100 : memop, def.flags & OpFlag.HOST_MEM ? memop : 0);
        } else {
          b.emit(def.opc, ...operands(), ...constChoices(def.opc)[0]!);
        }
    }
    if (!(def.flags & OpFlag.TB_EXIT)) b.exitTb(0);
    return { name: def.name, input: tbInput(fn) };
  });
  for (const { name, input } of tbs) {
    const built = buildModule([input]);
    assert.ok(WebAssembly.validate(built.bytes), `${name} validates`);
  }
  assert.equal(tbs.length, OP_DEFS.length);
});
