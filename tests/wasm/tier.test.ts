// The Wasm tier and its policy: chaining between TBs of one module, the
// budget and exit-request polls on the chain back edge, per-TB
// invalidation, the instance cap with LRU eviction and re-instantiation,
// and the tiering modes (interp / wasm / auto, sync and background).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelperTable } from '../../src/exec/helpers.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { Tier } from '../../src/exec/tier.js';
import { ExitCode } from '../../src/ir/ops.js';
import { Cond } from '../../src/ir/types.js';
import { Cpu, CPU_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { codeTlbIndex, tlbEntryOffset, TlbEntry } from '../../src/memory/tlb-layout.js';
import { WasmTier } from '../../src/backend/wasm/wasm-tier.js';
import { createTiering } from '../../src/backend/wasm/tiering.js';
import { unusedSlowPath } from './wasm-harness.js';
import { G_PC, gR, newTb, readCpu64, readReg, writeReg } from './ir-fixtures.js';

const A_PC = 0x1000, B_PC = 0x1010, C_PC = 0x3000, DONE_PC = 0x2000n;
const DONE = ExitCode.TargetBase;

/** A: r1 += 1; goto B.   B: if r1 <u r2 goto A (slot 1) else pc = DONE, exit_tb DONE. */
function loopTbs(helpers: HelperTable): [TranslationBlock, TranslationBlock] {
  const a = newTb(helpers);
  a.b.insnStart(BigInt(A_PC));
  a.b.addi(a.b.global(gR(1)), a.b.global(gR(1)), 1);
  a.b.mov(a.b.global(G_PC), a.b.const64(B_PC));
  a.b.gotoTb(0);
  const b = newTb(helpers);
  const again = b.b.newLabel();
  b.b.insnStart(BigInt(B_PC));
  b.b.brcond(Cond.LTU, b.b.global(gR(1)), b.b.global(gR(2)), again);
  b.b.mov(b.b.global(G_PC), b.b.const64(DONE_PC));
  b.b.exitTb(DONE);
  b.b.setLabel(again);
  b.b.mov(b.b.global(G_PC), b.b.const64(A_PC));
  b.b.gotoTb(1);
  return [new TranslationBlock(A_PC, 0, 0, 1, 4, [], a.fn), new TranslationBlock(B_PC, 0, 0, 2, 4, [], b.fn)];
}

/** C: r3 += 1; pc = DONE; exit. */
function otherTb(helpers: HelperTable, pc = C_PC): TranslationBlock {
  const c = newTb(helpers);
  c.b.insnStart(BigInt(pc));
  c.b.addi(c.b.global(gR(3)), c.b.global(gR(3)), 1);
  c.b.mov(c.b.global(G_PC), c.b.const64(DONE_PC));
  c.b.exitTb(DONE);
  return new TranslationBlock(pc, 0, 0, 1, 4, [], c.fn);
}

/** J at 0x4000: pc = r4; goto_ptr. */
function jumperTb(helpers: HelperTable, hostPages: number[] = []): TranslationBlock {
  const j = newTb(helpers);
  j.b.insnStart(0x4000n);
  j.b.mov(j.b.global(G_PC), j.b.global(gR(4)));
  j.b.gotoPtr();
  return new TranslationBlock(0x4000, 0, 0, 1, 4, hostPages, j.fn);
}

function setup(maxInstances?: number): { mem: LinearMemory; helpers: HelperTable; tier: WasmTier } {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  return { mem, helpers, tier: new WasmTier(mem, helpers, unusedSlowPath, { maxInstances }) };
}

test('goto_tb between TBs of one module stays in Wasm', () => {
  const { mem, helpers, tier } = setup();
  const [a, b] = loopTbs(helpers);
  tier.compile([a, b]);
  writeReg(mem, 1, 0n);
  writeReg(mem, 2, 10n);
  tier.budget = 1000;
  assert.equal(tier.execute(a), DONE);
  assert.equal(readReg(mem, 1), 10n);
  assert.equal(readCpu64(mem, Cpu.PC), DONE_PC);
  assert.equal(readCpu64(mem, Cpu.INSN_COUNT), 10n * 1n + 10n * 2n);
  assert.equal(tier.budget, 1000 - 30);
  assert.equal(tier.lastTb, b);
  assert.equal(tier.stats.modules, 1);
  assert.equal(tier.stats.tbsCompiled, 2);
});

test('the chain back edge stops on a spent budget and on an exit request, with the slot', () => {
  const { mem, helpers, tier } = setup();
  const [a, b] = loopTbs(helpers);
  tier.compile([a, b]);
  writeReg(mem, 1, 0n);
  writeReg(mem, 2, 1000n);
  tier.budget = 5; // A(1) B(2) A(1) B(2): spent after B's second run
  assert.equal(tier.execute(a), ExitCode.Chain1);
  assert.equal(tier.lastTb, b);
  assert.equal(tier.budget, -1);
  assert.equal(readCpu64(mem, Cpu.PC), BigInt(A_PC));
  assert.equal(readReg(mem, 1), 2n);

  tier.budget = 1000;
  mem.i32[(CPU_BASE + Cpu.EXIT_REQUEST) >> 2] = 1;
  assert.equal(tier.execute(a), ExitCode.Chain0);
  assert.equal(tier.lastTb, a);
  assert.equal(readCpu64(mem, Cpu.PC), BigInt(B_PC));
  mem.i32[(CPU_BASE + Cpu.EXIT_REQUEST) >> 2] = 0;
});

test('an invalidated TB is not entered by a chained jump, also after re-instantiation', () => {
  const { mem, helpers, tier } = setup(1);
  const [a, b] = loopTbs(helpers);
  const c = otherTb(helpers);
  tier.compile([a, b]);
  tier.compile([c]);
  writeReg(mem, 1, 0n);
  writeReg(mem, 2, 10n);
  tier.budget = 1000;
  tier.execute(a); // instantiate the loop module
  b.valid = false;
  tier.invalidate(b);
  assert.equal(b.wasmCode, null);
  writeReg(mem, 1, 0n);
  assert.equal(tier.execute(a), ExitCode.Chain0);
  assert.equal(tier.lastTb, a);
  assert.equal(readReg(mem, 1), 1n);
  tier.execute(c); // evicts the loop module (cap 1)
  assert.equal(tier.stats.instancesEvicted, 1);
  assert.equal(tier.execute(a), ExitCode.Chain0, 're-instantiated module keeps B invalid');
  assert.equal(readReg(mem, 1), 2n);
  assert.equal(tier.stats.instantiations, 3);
  assert.equal(tier.stats.instancesEvicted, 2);
  assert.equal(tier.liveInstances, 1);
});

test('LRU eviction keeps the most recently used instances', () => {
  const { mem, helpers, tier } = setup(2);
  const tbs = [0x3000, 0x3100, 0x3200].map((pc) => otherTb(helpers, pc));
  for (const tb of tbs) tier.compile([tb]);
  writeReg(mem, 3, 0n);
  tier.budget = 1000;
  tier.execute(tbs[0]!);
  tier.execute(tbs[1]!);
  tier.execute(tbs[0]!); // 1 is now the least recent
  tier.execute(tbs[2]!); // evicts 1
  assert.equal(tier.stats.instantiations, 3);
  tier.execute(tbs[0]!); // still live
  assert.equal(tier.stats.instantiations, 3);
  tier.execute(tbs[1]!); // re-instantiated
  assert.equal(tier.stats.instantiations, 4);
  assert.equal(readReg(mem, 3), 6n);
});

function fakeInterp(): Tier & { budget: number } {
  return { name: 'interp', budget: 0, lastTb: null, prepare() {}, execute() { throw new Error('not in this test'); }, flush() {} };
}

test('auto mode compiles a hot TB with its hot linked TBs in one module', () => {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const interp = fakeInterp();
  const dumps: Uint8Array<ArrayBuffer>[] = [];
  const policy = createTiering({ mem, helpers, slowPath: unusedSlowPath, interp, mode: 'auto', thresh: 50, dumpSink: (bytes) => dumps.push(bytes) });
  const [a, b] = loopTbs(helpers);
  const cold = otherTb(helpers);
  a.chainTo(0, b);
  b.chainTo(1, a);
  a.chainTo(1, cold);
  a.execCount = 49; b.execCount = 49; cold.execCount = 3;
  assert.equal(policy.tierFor(a), interp);
  a.execCount = 50;
  assert.equal(policy.tierFor(a), policy.wasm);
  assert.notEqual(b.wasmCode, null, 'the loop partner came along');
  assert.equal(cold.wasmCode, null, 'a cold neighbour did not');
  assert.equal(policy.stats.modules, 1);
  assert.equal(policy.stats.tbsCompiled, 2);
  const via = fakeInterp();
  policy.compiledVia = via;
  assert.equal(policy.tierFor(b), via, 'compiled TBs go to the tier that enters compiled code itself, when there is one');
  assert.equal(policy.tierFor(cold), interp, 'cold ones still to the cold tier');
  policy.compiledVia = null;
  assert.equal(dumps.length, 1);
  assert.ok(WebAssembly.validate(dumps[0]!));
  policy.onInvalidate(a);
  assert.equal(a.wasmCode, null);
  policy.onFlush();
  assert.equal(policy.stats.instancesLive, 0);
});

test('interp and wasm modes', () => {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const interp = fakeInterp();
  const never = createTiering({ mem, helpers, slowPath: unusedSlowPath, interp, mode: 'interp' });
  const tb = otherTb(helpers);
  tb.execCount = 1e9;
  assert.equal(never.tierFor(tb), interp);
  const always = createTiering({ mem, helpers, slowPath: unusedSlowPath, interp, mode: 'wasm' });
  const fresh = otherTb(helpers);
  assert.equal(always.tierFor(fresh), always.wasm);
  writeReg(mem, 3, 0n);
  always.wasm.budget = 10;
  assert.equal(always.wasm.execute(fresh), DONE);
  assert.equal(readReg(mem, 3), 1n);
});

test('background compile: the cold tier runs until the module is ready', async () => {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const interp = fakeInterp();
  const policy = createTiering({ mem, helpers, slowPath: unusedSlowPath, interp, mode: 'auto', thresh: 1, background: true });
  const tb = otherTb(helpers);
  tb.execCount = 1;
  assert.equal(policy.tierFor(tb), interp);
  assert.equal(policy.stats.compilesInFlight, 1);
  await policy.settle();
  assert.equal(policy.tierFor(tb), policy.wasm);
  assert.equal(policy.stats.backgroundCompiles, 1);

  // A TB invalidated while its module compiles never gets Wasm code.
  const doomed = otherTb(helpers, 0x5000);
  doomed.execCount = 1;
  policy.tierFor(doomed);
  doomed.valid = false;
  policy.onInvalidate(doomed);
  await policy.settle();
  assert.equal(doomed.wasmCode, null);
});

test('background compile: TBs that get hot while a module compiles are compiled next without another trigger', async () => {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const interp = fakeInterp();
  const policy = createTiering({ mem, helpers, slowPath: unusedSlowPath, interp, mode: 'auto', thresh: 1, background: true });
  const first = otherTb(helpers, 0x5000), second = otherTb(helpers, 0x6000);
  first.execCount = 1;
  second.execCount = 1;
  policy.tierFor(first);
  policy.tierFor(second); // waits: one compile at a time
  assert.equal(policy.stats.compilesInFlight, 1);
  assert.equal(policy.stats.queued, 1);
  // The interpreter would now keep running second without asking the policy again.
  await policy.settle();
  assert.equal(policy.stats.queued, 0);
  assert.equal(policy.stats.backgroundCompiles, 2);
  assert.notEqual(first.wasmCode, null);
  assert.notEqual(second.wasmCode, null);
});

test('linked TBs in different modules chain without returning to the loop', () => {
  const { mem, helpers, tier } = setup();
  const [a, b] = loopTbs(helpers);
  tier.compile([a]);
  tier.compile([b]);
  writeReg(mem, 1, 0n);
  writeReg(mem, 2, 3n);
  tier.budget = 1000;
  assert.equal(tier.execute(a), ExitCode.Chain0, 'not linked yet: back to the loop');
  assert.equal(tier.lastTb, a);
  a.chainTo(0, b);
  b.chainTo(1, a);
  assert.equal(tier.execute(b), DONE, 'B -> A -> B ... through the links');
  assert.equal(readReg(mem, 1), 3n);
  b.valid = false;
  tier.invalidate(b);
  assert.equal(tier.execute(a), ExitCode.Chain0, 'an invalid link is not followed');
});

test('goto_ptr finds a valid TB of the same module by pc, else returns Next', () => {
  const { mem, helpers, tier } = setup();
  const j = jumperTb(helpers);
  const c = otherTb(helpers); // r3 += 1, exit DONE
  tier.compile([j, c]);
  writeReg(mem, 3, 0n);
  tier.budget = 100;
  writeReg(mem, 4, BigInt(C_PC));
  assert.equal(tier.execute(j), DONE, 'continued into C inside Wasm');
  assert.equal(readReg(mem, 3), 1n);
  assert.equal(tier.lastTb, c);
  writeReg(mem, 4, 0x7777n);
  assert.equal(tier.execute(j), ExitCode.Next, 'unknown pc: back to the loop');
  assert.equal(readCpu64(mem, Cpu.PC), 0x7777n);
  assert.equal(tier.lastTb, j);
  c.valid = false;
  tier.invalidate(c);
  writeReg(mem, 4, BigInt(C_PC));
  assert.equal(tier.execute(j), ExitCode.Next, 'an invalid TB is not found');
  assert.equal(readReg(mem, 3), 1n);
});

test('auto mode: a TB that becomes hot later joins its compiled neighbour in a new module', () => {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const policy = createTiering({ mem, helpers, slowPath: unusedSlowPath, interp: fakeInterp(), mode: 'auto', thresh: 50 });
  const [a, b] = loopTbs(helpers);
  a.chainTo(0, b);
  b.chainTo(1, a);
  a.execCount = 50; b.execCount = 3;
  assert.equal(policy.tierFor(a), policy.wasm);
  assert.equal(b.wasmCode, null);
  b.execCount = 50;
  assert.equal(policy.tierFor(b), policy.wasm);
  const codeA = a.wasmCode as unknown as { module: unknown }, codeB = b.wasmCode as unknown as { module: unknown };
  assert.equal(codeA.module, codeB.module, 'one module now holds both');
  assert.equal(policy.stats.modules, 2);
  writeReg(mem, 1, 0n);
  writeReg(mem, 2, 10n);
  policy.wasm.budget = 1000;
  const before = policy.wasm.stats.executions;
  assert.equal(policy.wasm.execute(a), DONE);
  assert.equal(readReg(mem, 1), 10n);
  assert.equal(policy.wasm.stats.executions - before, 1, 'the whole loop ran in one call into Wasm');
  assert.equal(readCpu64(mem, Cpu.INSN_COUNT), 30n);
});

test('a goto_ptr to a TB of another module continues there through the dispatcher, until that TB is invalidated', () => {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const thresh = 4;
  const policy = createTiering({ mem, helpers, slowPath: unusedSlowPath, interp: fakeInterp(), mode: 'auto', thresh });
  const j = jumperTb(helpers);
  const c = otherTb(helpers); // r3 += 1, exit DONE
  j.execCount = thresh;
  writeReg(mem, 3, 0n);
  writeReg(mem, 4, BigInt(C_PC));
  // What the exec loop does: ask the policy for each TB it enters, in order.
  const step = (tb: TranslationBlock): number => {
    const tier = policy.tierFor(tb);
    (tier as WasmTier).budget = 1000;
    return tier.execute(tb);
  };
  assert.equal(step(j), ExitCode.Next, 'C is not compiled yet: back to the loop');
  assert.equal(readCpu64(mem, Cpu.PC), BigInt(C_PC));
  c.execCount = thresh;
  assert.equal(step(c), DONE);
  assert.notEqual((j.wasmCode as { module: unknown }).module, (c.wasmCode as { module: unknown }).module, 'two modules');
  assert.equal(step(j), DONE, 'the dispatcher found C in the other module');
  assert.equal(policy.wasm.lastTb, c, 'the TB that ran last is C');
  assert.equal(policy.wasm.stats.dispatcherHops, 1, 'one jump from module to module');
  assert.equal(readReg(mem, 3), 2n);
  c.valid = false;
  policy.onInvalidate(c);
  assert.equal(step(j), ExitCode.Next, 'an invalidated TB leaves the jump cache');
  assert.equal(readReg(mem, 3), 2n);
});

test('system mode: the dispatcher follows a jump only while the code TLB maps the target where it was translated from', () => {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const tier = new WasmTier(mem, helpers, unusedSlowPath, { codeMmuIdx: () => 1 });
  const HOST_PAGE = 0x1234;
  const j = jumperTb(helpers, [0x999]);
  const c = otherTb(helpers);
  const cOnPage = new TranslationBlock(c.pcLo, c.pcHi, c.flags, c.icount, c.size, [HOST_PAGE], c.ir);
  tier.compile([j]);
  tier.compile([cOnPage]);
  writeReg(mem, 3, 0n);
  writeReg(mem, 4, BigInt(C_PC));
  tier.budget = 1000;
  assert.equal(tier.execute(cOnPage), DONE, 'instantiates C: its entry goes into the jump cache');
  const entry = tlbEntryOffset(codeTlbIndex(1), C_PC);
  const setTlb = (tag: number, addend: number): void => {
    mem.i32[(entry + TlbEntry.CODE_TAG) >> 2] = tag;
    mem.i32[(entry + TlbEntry.CODE_TAG + 4) >> 2] = 0;
    mem.i32[(entry + TlbEntry.ADDEND) >> 2] = addend;
  };
  const mappedAddend = (HOST_PAGE << 12) - C_PC;
  setTlb(-1, 0);
  tier.budget = 1000;
  assert.equal(tier.execute(j), ExitCode.Next, 'no TLB entry for the page: back to the loop (it walks the page table)');
  setTlb(C_PC, mappedAddend + 0x1000);
  tier.budget = 1000;
  assert.equal(tier.execute(j), ExitCode.Next, 'the page maps elsewhere now');
  setTlb(C_PC, mappedAddend);
  tier.budget = 1000;
  assert.equal(tier.execute(j), DONE, 'mapped where C came from: the jump stays in Wasm');
  assert.equal(readReg(mem, 3), 2n);
});

test('the goto_ptr lookup of a large module finds each of its TBs (hashed buckets, colliding pcs included)', () => {
  const { mem, helpers, tier } = setup();
  const j = jumperTb(helpers);
  // 150 targets: pcs 2 apart fill every bucket; pcs 0x400 apart land in the same bucket.
  const pcs = [...Array(100).keys()].map((i) => 0x8000 + 2 * i).concat([...Array(50).keys()].map((i) => 0x20000 + 0x400 * i));
  const targets = pcs.map((pc) => otherTb(helpers, pc));
  tier.compile([j, ...targets]);
  writeReg(mem, 3, 0n);
  pcs.forEach((pc, i) => {
    writeReg(mem, 4, BigInt(pc));
    tier.budget = 100;
    assert.equal(tier.execute(j), DONE, `found the TB at 0x${pc.toString(16)}`);
    assert.equal(tier.lastTb, targets[i]);
  });
  assert.equal(readReg(mem, 3), BigInt(pcs.length));
  assert.equal(tier.stats.dispatcherHops, 0, 'every jump was found by the module itself');
  writeReg(mem, 4, 0x8001n + 0x10000n);
  tier.budget = 100;
  assert.equal(tier.execute(j), ExitCode.Next, 'a pc in a used bucket but not in the module');
});

test('system mode: a goto_tb to another page of the same module is taken only while the code TLB maps it there', () => {
  const mem = new LinearMemory();
  const helpers = new HelperTable();
  const tier = new WasmTier(mem, helpers, unusedSlowPath, { codeMmuIdx: () => 1 });
  const HOST_A = 0x40, HOST_C = 0x41;
  const a = newTb(helpers); // r1 += 1; goto C (another page)
  a.b.insnStart(BigInt(A_PC));
  a.b.addi(a.b.global(gR(1)), a.b.global(gR(1)), 1);
  a.b.mov(a.b.global(G_PC), a.b.const64(C_PC));
  a.b.gotoTb(0);
  const ta = new TranslationBlock(A_PC, 0, 0, 1, 4, [HOST_A], a.fn);
  const c = otherTb(helpers);
  const tc = new TranslationBlock(c.pcLo, c.pcHi, c.flags, c.icount, c.size, [HOST_C], c.ir);
  tier.compile([ta, tc]);
  const entry = tlbEntryOffset(codeTlbIndex(1), C_PC);
  const setTlb = (addend: number): void => {
    mem.i32[(entry + TlbEntry.CODE_TAG) >> 2] = C_PC;
    mem.i32[(entry + TlbEntry.CODE_TAG + 4) >> 2] = 0;
    mem.i32[(entry + TlbEntry.ADDEND) >> 2] = addend;
  };
  writeReg(mem, 3, 0n);
  setTlb((HOST_C << 12) - C_PC + 0x1000); // C's page maps elsewhere now
  tier.budget = 100;
  assert.equal(tier.execute(ta), ExitCode.Chain0, 'not taken: back to the loop, which looks C up again');
  assert.equal(readReg(mem, 3), 0n);
  setTlb((HOST_C << 12) - C_PC);
  tier.budget = 100;
  assert.equal(tier.execute(ta), DONE, 'mapped as at translation: taken inside the module');
  assert.equal(readReg(mem, 3), 1n);
  assert.equal(tier.stats.dispatcherHops, 0);
});
