// The exec loop on the real cold tier (src/backend/interp): the same toy
// programs must behave exactly as on the BigInt reference tier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { EXIT_BUDGET, EXIT_EXCEPTION, ExecLoop } from '../../src/exec/exec-loop.js';
import { ExitCode } from '../../src/ir/ops.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { Cpu, CPU_BASE } from '../../src/memory/layout.js';
import { Prot } from '../../src/memory/softmmu-api.js';
import { makeMmu } from '../memory/fakes.js';
import { R0, ToyTarget, writeProgram } from './toy-guest.js';

function machine() {
  const m = makeMmu();
  m.map.map(0x1000, m.hostPage(0), Prot.READ | Prot.WRITE | Prot.EXEC);
  const target = new ToyTarget();
  const tier = new InterpTier(m.mem, target.helpers, m.mmu);
  const loop = new ExecLoop({ mem: m.mem, mmu: m.mmu, target, tier });
  const setPc = (pc: number) => m.mem.writeU64(CPU_BASE + Cpu.PC, BigInt(pc));
  const pc = () => Number(m.mem.readU64(CPU_BASE + Cpu.PC));
  const r0 = () => m.mem.readU64(CPU_BASE + R0);
  return { ...m, target, tier, loop, setPc, pc, r0 };
}

test('interpreter tier: loop with chaining, budget, exceptions, self-modifying code', () => {
  const { mmu, loop, target, setPc, pc, r0 } = machine();
  writeProgram(mmu, 0x1000, [0x7005, 0x1001, 0x3001, 0x5007]);
  setPc(0x1000);
  assert.equal(loop.run(1_000_000), ExitCode.TargetBase + 7);
  assert.equal(r0(), 5n);
  assert.equal(pc(), 0x1008);
  assert.ok(loop.stats.chainsLinked >= 2);

  writeProgram(mmu, 0x1100, [0x1001, 0x2080]); // r0 += 1; jump 0x1100
  setPc(0x1100);
  assert.equal(loop.run(100), EXIT_BUDGET);
  assert.equal(r0(), 55n);

  writeProgram(mmu, 0x1200, [0x1003, 0x6004, 0x5000]);
  setPc(0x1200);
  assert.equal(loop.run(100), EXIT_EXCEPTION);
  assert.equal(pc(), 0x1202);
  assert.equal(r0(), 58n);

  const before = target.translations;
  writeProgram(mmu, 0x1300, [0x8009, 0x4185, 0x2185]); // r0 = halt 9; store at 0x130a; jump 0x130a
  writeProgram(mmu, 0x130a, [0x5001]);
  setPc(0x130a);
  assert.equal(loop.run(100), ExitCode.TargetBase + 1);
  setPc(0x1300);
  assert.equal(loop.run(100), ExitCode.TargetBase + 9);
  assert.ok(target.translations > before + 2, 'the page was re-translated after the store');
});

/** A policy that runs everything in tier and records the execution count of each TB it is asked about. */
function countingPolicy(tier: InterpTier, hotThreshold: number) {
  const seen: number[] = [];
  return {
    seen,
    policy: {
      hotThreshold,
      tierFor(tb: TranslationBlock) { seen.push(tb.execCount); return tier; },
      onInvalidate() {},
      onFlush() {},
    },
  };
}

test('interpreter under a policy with a hot threshold: back to the loop once, at exactly that count', () => {
  const m = makeMmu();
  m.map.map(0x1000, m.hostPage(0), Prot.READ | Prot.WRITE | Prot.EXEC);
  const target = new ToyTarget();
  const tier = new InterpTier(m.mem, target.helpers, m.mmu);
  const { seen, policy } = countingPolicy(tier, 5);
  const loop = new ExecLoop({ mem: m.mem, mmu: m.mmu, target, tier, policy });
  writeProgram(m.mmu, 0x1100, [0x1001, 0x2080]); // r0 += 1; jump 0x1100 (a TB chained to itself)
  m.mem.writeU64(CPU_BASE + Cpu.PC, 0x1100n);
  assert.equal(loop.run(100), EXIT_BUDGET);
  assert.deepEqual(seen, [0, 1, 5], 'first entry, the entry that linked it to itself, then at the threshold');
  assert.equal(m.mem.readU64(CPU_BASE + R0), 50n);
});

test('system-mode chaining: no links across pages, but the interpreter goes on through the jump cache', () => {
  const m = makeMmu();
  m.map.map(0x1000, m.hostPage(0), Prot.READ | Prot.WRITE | Prot.EXEC);
  m.map.map(0x2000, m.hostPage(1), Prot.READ | Prot.WRITE | Prot.EXEC);
  const target = new ToyTarget();
  const tier = new InterpTier(m.mem, target.helpers, m.mmu);
  const { seen, policy } = countingPolicy(tier, 1000);
  const loop = new ExecLoop({ mem: m.mem, mmu: m.mmu, target, tier, policy, chainAcrossPages: false });
  writeProgram(m.mmu, 0x1000, [0x2800]); // jump 0x2000
  writeProgram(m.mmu, 0x2000, [0x1001, 0x2000]); // r0 += 1; jump 0x1000
  m.mem.writeU64(CPU_BASE + Cpu.PC, 0x1000n);
  assert.equal(loop.run(300), EXIT_BUDGET);
  assert.equal(m.mem.readU64(CPU_BASE + R0), 100n);
  assert.equal(loop.stats.chainsLinked, 0, 'the two pages are never linked');
  assert.ok(seen.length <= 4, `the loop saw ${seen.length} entries: only until both TBs were in the jump cache`);
});
