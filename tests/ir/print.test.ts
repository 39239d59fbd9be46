// Golden test of the IR printer (QEMU -d op style). After a reviewed change to
// the output, rewrite the golden file with WEMU_BLESS=1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IRBuilder } from '../../src/ir/builder.js';
import { IRFunction } from '../../src/ir/ir.js';
import { printIR } from '../../src/ir/print.js';
import { Cond, Type } from '../../src/ir/types.js';
import { HelperFlag, HelperTable } from '../../src/exec/helpers.js';
import { MemOp } from '../../src/memory/memop.js';
import { RV_GLOBALS, gX, G_PC } from '../../src/target/riscv/cpu-layout.js';

// Compiled to dist/tests/ir/; the golden file stays in the source tree.
const GOLDEN = fileURLToPath(new URL('../../../tests/ir/golden/print-basic.txt', import.meta.url));

function sampleProgram(): IRFunction {
  const helpers = new HelperTable();
  const ecall = helpers.register({ name: 'raise_exception', args: [Type.I32], ret: [], flags: HelperFlag.MAY_RAISE, fn: () => {} });
  const fn = new IRFunction(RV_GLOBALS, helpers);
  const b = new IRBuilder(fn);
  const x = (r: number) => fn.temp(gX(r));
  const t0 = b.local(Type.I64), w = b.local(Type.I32);
  b.insnStart(0x10078n);
  b.addi(x(5), x(6), 0x10);
  b.insnStart(0x1007cn);
  b.addi(t0, x(2), -8);
  b.qemuLd(x(7), t0, MemOp.S32 | MemOp.SIGN, 1);
  b.insnStart(0x10080n);
  b.qemuSt(x(7), x(2), MemOp.S64 | MemOp.ALIGN, 1);
  b.insnStart(0x10084n);
  b.extrlI64I32(w, x(7));
  b.ld(w, 0x204, MemOp.S32);
  b.extract(x(8), x(7), 3, 5);
  b.setcond(Cond.LTU, x(9), x(7), x(8));
  const skip = b.newLabel();
  b.brcond(Cond.GE, x(5), x(6), skip);
  b.call(ecall, [], [b.const32(8)]);
  b.setLabel(skip);
  b.mov(fn.temp(G_PC), b.const64(0x10088));
  b.gotoTb(0);
  return fn;
}

test('printer output matches the golden file', () => {
  const text = printIR(sampleProgram());
  if (process.env.WEMU_BLESS === '1') writeFileSync(GOLDEN, text);
  assert.ok(existsSync(GOLDEN), 'golden file missing: run with WEMU_BLESS=1 once');
  assert.equal(text, readFileSync(GOLDEN, 'utf8'));
});
