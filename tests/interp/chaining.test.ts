// A small hand-built multi-TB program in the interpreter: direct chaining
// through goto_tb, the budget and exit-request checks at TB boundaries, a
// TLB fast-path hit (entry filled by hand), misses that reach the slow path
// with Cpu.PC at the faulting instruction, and a helper that raises.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IRBuilder } from '../../src/ir/builder.js';
import { GlobalDecl, IRFunction } from '../../src/ir/ir.js';
import { ExitCode } from '../../src/ir/ops.js';
import { verify } from '../../src/ir/verify.js';
import { Cond, Type } from '../../src/ir/types.js';
import { GUEST_EXCEPTION, isGuestException } from '../../src/exec/exception.js';
import { HelperFlag, HelperTable } from '../../src/exec/helpers.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { Cpu, CPU_BASE, CPU_TARGET_BASE, GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemOp } from '../../src/memory/memop.js';
import { tlbEntryOffset, TlbEntry } from '../../src/memory/tlb-layout.js';
import { HEADER_WORDS } from '../../src/backend/interp/code-arena.js';
import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { invalidateAllTlbs, recordingSlowPath } from './fakes.js';

const GLOBALS: GlobalDecl[] = [
  { name: 'pc', type: Type.I64, offset: Cpu.PC },
  ...[1, 2, 3, 4].map((i) => ({ name: `r${i}`, type: Type.I64, offset: CPU_TARGET_BASE + 8 * i })),
];
const PC = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4;
const reg = (mem: LinearMemory, i: number): bigint => mem.readU64(CPU_BASE + GLOBALS[i]!.offset);
const setReg = (mem: LinearMemory, i: number, v: bigint): void => mem.writeU64(CPU_BASE + GLOBALS[i]!.offset, v);

/** Data page: guest virtual 0x1_0000_3000, backed at GUEST_BASE + 0x1000, readable only through the TLB. */
const DATA_VADDR = 0x1_0000_3000n;
const DATA_HOST = GUEST_BASE + 0x1000;

function fillReadEntry(mem: LinearMemory, vaddr: bigint, host: number): void {
  const lo = Number(vaddr & 0xffffffffn) | 0, hi = Number(vaddr >> 32n) | 0;
  const e = tlbEntryOffset(0, lo);
  mem.i32[(e + TlbEntry.READ_TAG) >> 2] = lo; mem.i32[(e + TlbEntry.READ_TAG + 4) >> 2] = hi;
  // Write tag stays invalid (as for a page holding code): stores take the slow path.
  mem.i32[(e + TlbEntry.ADDEND) >> 2] = (host - lo) | 0;
}

function setup() {
  const mem = new LinearMemory();
  invalidateAllTlbs(mem);
  const helpers = new HelperTable();
  const raiseId = helpers.register({
    name: 'raise_test', args: [Type.I64], ret: [], flags: HelperFlag.MAY_RAISE,
    fn: () => {
      mem.i32[(CPU_BASE + Cpu.EXCEPTION) >> 2] = 7;
      throw GUEST_EXCEPTION;
    },
  });
  const slow = recordingSlowPath(mem);
  const tier = new InterpTier(mem, helpers, slow);
  const build = (pc: number, icount: number, body: (b: IRBuilder, fn: IRFunction) => void): TranslationBlock => {
    const fn = new IRFunction(GLOBALS, helpers);
    body(new IRBuilder(fn), fn);
    verify(fn);
    const tb = new TranslationBlock(pc, 0, 0, icount, icount * 4, [], fn);
    tier.prepare(tb);
    return tb;
  };
  const g = (fn: IRFunction, i: number) => fn.temp(i);

  // A: r1 += 1; pc = 0x2000; goto_tb 0
  const a = build(0x1000, 2, (b, fn) => {
    b.insnStart(0x1000n); b.addi(g(fn, R1), g(fn, R1), 1);
    b.insnStart(0x1004n); b.mov(g(fn, PC), b.const64(0x2000)); b.gotoTb(0);
  });
  // B: r2 = load64 [r3] (TLB hit); store32 r1 -> [r3 + 8] (slow path: write tag invalid);
  //    if r1 <u 3 goto A (slot 0) else goto C (slot 1)
  const bTb = build(0x2000, 3, (b, fn) => {
    b.insnStart(0x2000n); b.qemuLd(g(fn, R2), g(fn, R3), MemOp.S64, 0);
    b.insnStart(0x2004n);
    const addr = b.local(Type.I64); b.addi(addr, g(fn, R3), 8);
    b.qemuSt(g(fn, R1), addr, MemOp.S32, 0);
    b.insnStart(0x2008n);
    const back = b.newLabel();
    b.brcond(Cond.LTU, g(fn, R1), b.const64(3), back);
    b.mov(g(fn, PC), b.const64(0x3000)); b.gotoTb(1);
    b.setLabel(back);
    b.mov(g(fn, PC), b.const64(0x1000)); b.gotoTb(0);
  });
  // C: r4 = 0x44; then a helper raises at 0x3004.
  const c = build(0x3000, 2, (b, fn) => {
    b.insnStart(0x3000n); b.mov(g(fn, R4), b.const64(0x44));
    b.insnStart(0x3004n); b.call(raiseId, [], [g(fn, R4)]);
    b.exitTb(ExitCode.Next);
  });
  a.chainTo(0, bTb); bTb.chainTo(0, a); bTb.chainTo(1, c);
  setReg(mem, R3, DATA_VADDR);
  fillReadEntry(mem, DATA_VADDR, DATA_HOST);
  mem.writeU64(DATA_HOST, 0x1122334455667788n);
  return { mem, tier, slow, a, b: bTb, c };
}

test('chained TBs run without returning, up to a raising helper with a precise pc', () => {
  const { mem, tier, slow, a, b, c } = setup();
  assert.throws(() => tier.execute(a), (e: unknown) => isGuestException(e));
  assert.equal(tier.lastTb, c);
  assert.equal(mem.readU64(CPU_BASE + Cpu.PC), 0x3004n, 'Cpu.PC is the raising instruction');
  assert.equal(mem.i32[(CPU_BASE + Cpu.EXCEPTION) >> 2], 7);
  assert.equal(reg(mem, R1), 3n);
  assert.equal(reg(mem, R2), 0x1122334455667788n, 'fast-path load through the hand-filled entry');
  assert.equal(reg(mem, R4), 0x44n, 'state written before the fault is visible');
  assert.deepEqual([a.execCount, b.execCount, c.execCount], [3, 3, 1]);
  assert.equal(mem.readU64(CPU_BASE + Cpu.INSN_COUNT), 3n * 2n + 3n * 3n + 2n);
  // Three stores missed (invalid write tag), each with Cpu.PC at the store's instruction.
  assert.equal(slow.calls.length, 3);
  for (const [i, call] of slow.calls.entries()) {
    assert.equal(call.kind, 'store');
    assert.equal(call.addr, DATA_VADDR + 8n);
    assert.equal(call.value, BigInt(i + 1));
    assert.equal(call.pc, 0x2004n);
  }
});

test('the budget ends the slice at a TB boundary with that TB\'s exit code', () => {
  const { tier, a, b } = setup();
  tier.budget = 3; // A (2 insns) runs, then B (3) drives it below zero
  assert.equal(tier.execute(a), ExitCode.Chain0);
  assert.equal(tier.lastTb, b);
  assert.equal(tier.budget, -2);
  assert.deepEqual([a.execCount, b.execCount], [1, 1]);
});

test('an exit request or an invalid target stops chaining', () => {
  const { mem, tier, a, b } = setup();
  mem.i32[(CPU_BASE + Cpu.EXIT_REQUEST) >> 2] = 1;
  assert.equal(tier.execute(a), ExitCode.Chain0);
  assert.equal(tier.lastTb, a);
  mem.i32[(CPU_BASE + Cpu.EXIT_REQUEST) >> 2] = 0;
  b.valid = false;
  assert.equal(tier.execute(a), ExitCode.Chain0);
  assert.equal(tier.lastTb, a);
  assert.equal(mem.readU64(CPU_BASE + Cpu.PC), 0x2000n);
  assert.equal(b.execCount, 0);
  // A target compiled to Wasm is left to the loop.
  b.valid = true;
  b.wasmCode = {};
  assert.equal(tier.execute(a), ExitCode.Chain0);
  assert.equal(b.execCount, 0);
});

test('flush empties the constant pool', () => {
  const { tier, a } = setup();
  assert.equal(tier.codeSpaceFull, false);
  const used = tier.constPoolSlotsUsed;
  // Moves of constants, pcs at TB exits, add and address offsets are inline immediates; B's compare with 3 is pooled.
  assert.equal(used, 1, 'only the compare constant 3 is pooled');
  tier.flush();
  assert.equal(tier.lastTb, null);
  assert.equal(tier.constPoolSlotsUsed, 0);
  // Re-encoding after a flush works from an empty pool (the old code is dropped with the TB cache).
  tier.prepare(a);
  assert.equal(a.interpEntry, HEADER_WORDS, 'the arena starts over too: A is first again, after its header');
  assert.equal(tier.codeWordsUsed, a.interpWords);
  assert.equal(tier.constPoolSlotsUsed, 0, 'A needs no pool slot (its +1 and its exit pc 0x2000 are inline immediates)');
});

test('fast-path loads sign-extend; misaligned and unmapped loads go to the slow path with pc', () => {
  const { mem, tier, slow } = setup();
  const helpers = new HelperTable();
  const fn = new IRFunction(GLOBALS, helpers);
  const bld = new IRBuilder(fn);
  const r = (i: number) => fn.temp(i);
  const addr = bld.local(Type.I64);
  bld.insnStart(0x4000n); bld.qemuLd(r(R1), r(R3), MemOp.S32 | MemOp.SIGN, 0);
  bld.insnStart(0x4004n); bld.addi(addr, r(R3), 2); bld.qemuLd(r(R2), addr, MemOp.S32, 0);
  bld.insnStart(0x4008n); bld.addi(addr, r(R3), 0x1000); bld.qemuLd(r(R4), addr, MemOp.S16 | MemOp.SIGN, 0);
  bld.exitTb(ExitCode.Next);
  verify(fn);
  const tb = new TranslationBlock(0x4000, 0, 0, 3, 12, [], fn);
  tier.prepare(tb);
  mem.writeU64(DATA_HOST, 0x00000000_8000fffen);
  slow.cells.set(DATA_VADDR + 0x1000n, 0xfedcn);
  assert.equal(tier.execute(tb), ExitCode.Next);
  assert.equal(reg(mem, R1), 0xffffffff_8000fffen);
  assert.equal(reg(mem, R4), 0xffffffff_fffffedcn);
  assert.deepEqual(slow.calls.map((c) => [c.kind, c.addr, c.pc]), [
    ['load', DATA_VADDR + 2n, 0x4004n],
    ['load', DATA_VADDR + 0x1000n, 0x4008n],
  ]);
});

test('goto_ptr continues in the TB the indirect-jump lookup offers, and returns Next without one', () => {
  const { mem, tier, a } = setup();
  const helpers = new HelperTable();
  const fn = new IRFunction(GLOBALS, helpers);
  const bld = new IRBuilder(fn);
  bld.insnStart(0x5000n); bld.mov(fn.temp(PC), fn.temp(R4)); bld.gotoPtr();
  const ret = new TranslationBlock(0x5000, 0, 0, 1, 4, [], fn);
  tier.prepare(ret);
  setReg(mem, R4, 0x1000n);
  // No lookup offered: back to the loop with the pc set.
  assert.equal(tier.execute(ret), ExitCode.Next);
  assert.equal(mem.readU64(CPU_BASE + Cpu.PC), 0x1000n);
  // A lookup that knows 0x1000 (A): A runs in the same execute and exits through its unlinked goto_tb.
  const asked: number[] = [];
  tier.indirectJumps = { lookupIndirect: (lo, _hi, flags) => { asked.push(lo, flags); return lo === 0x1000 ? a : null; } };
  a.jump0 = null;
  const before = reg(mem, R1);
  tier.budget = 100;
  assert.equal(tier.execute(ret), ExitCode.Chain0);
  assert.deepEqual(asked, [0x1000, 0]);
  assert.equal(tier.lastTb, a);
  assert.equal(reg(mem, R1), before + 1n);
  assert.equal(tier.budget, 100 - 1 - 2, 'both TBs took their icount');
  // Exhausted budget: no lookup, back to the loop.
  asked.length = 0;
  tier.budget = 1;
  assert.equal(tier.execute(ret), ExitCode.Next);
  assert.deepEqual(asked, []);
});

test('a remembered link to a TB that was invalidated gives way to the new link', () => {
  const { mem, tier, a, b } = setup();
  tier.budget = 2; // A runs, follows its link to B once (remembering it), B's budget check stops there
  setReg(mem, R1, 5n);
  assert.equal(tier.execute(a), ExitCode.Chain0);
  assert.equal(tier.lastTb, a, 'budget exhausted after A: the link is remembered, not taken');
  // B is invalidated and replaced by B2 at the same pc: A's TB link now names B2.
  b.valid = false;
  b.unchain();
  tier.release(b);
  const helpers = new HelperTable();
  const fn = new IRFunction(GLOBALS, helpers);
  const bld = new IRBuilder(fn);
  bld.insnStart(0x2000n); bld.addi(fn.temp(R2), fn.temp(R2), 0x10);
  bld.exitTb(ExitCode.Next);
  const b2 = new TranslationBlock(0x2000, 0, 0, 1, 4, [], fn);
  tier.prepare(b2);
  a.chainTo(0, b2);
  setReg(mem, R2, 0n);
  tier.budget = Number.MAX_SAFE_INTEGER;
  assert.equal(tier.execute(a), ExitCode.Next);
  assert.equal(tier.lastTb, b2);
  assert.equal(reg(mem, R2), 0x10n, 'B2 ran, not the stale B');
  assert.equal(b.interpEntry, -1, 'a released TB has no code here any more');
});
