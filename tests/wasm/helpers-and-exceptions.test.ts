// Helper calls from generated Wasm (arguments in Cpu.HELPER_ARGS, results
// from Cpu.HELPER_RET) and precise exceptions: a raising helper sees Cpu.PC
// at its instruction and every guest register written before it, and the
// GUEST_EXCEPTION it throws propagates out of Wasm unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUEST_EXCEPTION, isGuestException } from '../../src/exec/exception.js';
import { HelperFlag, HelperTable } from '../../src/exec/helpers.js';
import { ExitCode } from '../../src/ir/ops.js';
import { Type } from '../../src/ir/types.js';
import { Cpu, CPU_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { compileTbs, tbInput } from './wasm-harness.js';
import { gR, G_W7, newTb, readCpu64, readReg, writeReg } from './ir-fixtures.js';

function setup(): { mem: LinearMemory; helpers: HelperTable; seen: bigint[][]; ids: { mix: number; raise: number } } {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const seen: bigint[][] = [];
  const arg = (i: number): bigint => mem.readU64(CPU_BASE + Cpu.HELPER_ARGS + 8 * i);
  const mix = helpers.register({
    name: 'mix', args: [Type.I64, Type.I32, Type.I64], ret: [Type.I64, Type.I32],
    flags: HelperFlag.NO_READ_GLOBALS | HelperFlag.NO_WRITE_GLOBALS,
    fn: () => {
      const a = arg(0), b = arg(1) & 0xffffffffn, c = arg(2);
      mem.writeU64(CPU_BASE + Cpu.HELPER_RET, BigInt.asUintN(64, a * 3n + c));
      mem.writeU64(CPU_BASE + Cpu.HELPER_RET + 8, b ^ 0xffn);
    },
  });
  const raise = helpers.register({
    name: 'raise_if_odd', args: [Type.I64], ret: [], flags: HelperFlag.MAY_RAISE,
    fn: () => {
      seen.push([readCpu64(mem, Cpu.PC), readReg(mem, 1), readReg(mem, 2)]);
      if (arg(0) & 1n) {
        mem.i32[(CPU_BASE + Cpu.EXCEPTION) >> 2] = 2;
        throw GUEST_EXCEPTION;
      }
    },
  });
  return { mem, helpers, seen, ids: { mix, raise } };
}

test('helper arguments and two results, i32 and i64', () => {
  const { mem, helpers, ids } = setup();
  const { fn, b } = newTb(helpers);
  b.insnStart(0x1000n);
  b.call(ids.mix, [b.global(gR(3)), b.global(G_W7)], [b.global(gR(1)), b.const32(0x1234), b.const64(-5)]);
  b.exitTb(0);
  const mod = compileTbs([tbInput(fn)], mem, undefined, helpers);
  writeReg(mem, 1, 0x4000000000000001n);
  assert.equal(mod.run(0, 10), ExitCode.Next);
  assert.equal(readReg(mem, 3), BigInt.asUintN(64, 0x4000000000000001n * 3n - 5n));
  assert.equal(mem.u32[(CPU_BASE + 256 + 56) >> 2], 0x1234 ^ 0xff);
});

test('a raising helper sees a precise state and its exception leaves Wasm', () => {
  const { mem, helpers, seen, ids } = setup();
  const { fn, b } = newTb(helpers);
  b.insnStart(0x1000n);
  b.addi(b.global(gR(1)), b.global(gR(1)), 1); // r1 += 1 before the call
  b.insnStart(0x1004n);
  b.call(ids.raise, [], [b.global(gR(1))]);
  b.insnStart(0x1008n);
  b.mov(b.global(gR(2)), b.const64(99)); // r2 = 99 only after the call
  b.exitTb(0);
  const mod = compileTbs([tbInput(fn, 0x1000, 3)], mem, undefined, helpers);

  writeReg(mem, 1, 1n); // becomes 2: even, no exception
  writeReg(mem, 2, 7n);
  assert.equal(mod.run(0, 10), ExitCode.Next);
  assert.deepEqual(seen.pop(), [0x1004n, 2n, 7n]);
  assert.equal(readReg(mem, 2), 99n);

  writeReg(mem, 1, 2n); // becomes 3: odd, raises
  writeReg(mem, 2, 7n);
  let thrown: unknown = null;
  try {
    mod.run(0, 10);
  } catch (e) {
    thrown = e;
  }
  assert.ok(isGuestException(thrown), 'GUEST_EXCEPTION crossed Wasm unchanged');
  assert.equal(readCpu64(mem, Cpu.PC), 0x1004n, 'pc of the raising instruction');
  assert.equal(readReg(mem, 1), 3n, 'write before the call is visible');
  assert.equal(readReg(mem, 2), 7n, 'write after the call did not happen');
});
