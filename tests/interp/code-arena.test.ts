// The interpreter's code arena: growth keeps every word (also those of the TB
// being encoded), the space reports full before it runs out, and TBs encoded
// before a growth still run and chain to TBs encoded after it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IRBuilder } from '../../src/ir/builder.js';
import { GlobalDecl, IRFunction } from '../../src/ir/ir.js';
import { ExitCode } from '../../src/ir/ops.js';
import { Type } from '../../src/ir/types.js';
import { HelperTable } from '../../src/exec/helpers.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { Cpu, CPU_BASE, CPU_TARGET_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { CodeArena, HEADER_WORDS } from '../../src/backend/interp/code-arena.js';
import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { invalidateAllTlbs, recordingSlowPath } from './fakes.js';

test('growth doubles and keeps the words past `used` of a TB being encoded', () => {
  const arena = new CodeArena(64, 8, 4);
  let words = arena.room(8);
  for (let i = 0; i < 8; i++) words[i] = 100 + i;
  arena.used = 5;
  // The TB being encoded has words 5..7 so far and needs 6 more.
  words = arena.room(3 + 6);
  assert.equal(words.length, 16);
  assert.deepEqual([...words.subarray(0, 8)], [100, 101, 102, 103, 104, 105, 106, 107]);
  assert.equal(arena.room(1), words, 'no growth while there is room');
});

test('the space reports full at its headroom and refuses to grow past its maximum', () => {
  const arena = new CodeArena(64, 8, 4);
  arena.room(59);
  arena.used = 59;
  assert.equal(arena.full, false);
  arena.used = 60;
  assert.equal(arena.full, true);
  assert.throws(() => arena.room(5), /code space exhausted/);
  arena.reset();
  assert.equal(arena.used, 0);
  assert.equal(arena.full, false);
  assert.equal(arena.words.length, 64, 'a reset keeps the grown array');
});

test('TBs encoded before a growth chain to TBs encoded after it', () => {
  const globals: GlobalDecl[] = [
    { name: 'pc', type: Type.I64, offset: Cpu.PC },
    { name: 'r1', type: Type.I64, offset: CPU_TARGET_BASE },
  ];
  const mem = new LinearMemory();
  invalidateAllTlbs(mem);
  const helpers = new HelperTable();
  const tier = new InterpTier(mem, helpers, recordingSlowPath(mem));
  // r1 += i + 1; pc = next; goto_tb 0 (the last TB exits instead).
  const build = (i: number, last: boolean): TranslationBlock => {
    const fn = new IRFunction(globals, helpers);
    const b = new IRBuilder(fn);
    const pc = 0x1000 + 4 * i;
    b.insnStart(BigInt(pc));
    b.addi(fn.temp(1), fn.temp(1), i + 1);
    b.mov(fn.temp(0), b.const64(pc + 4));
    if (last) b.exitTb(ExitCode.Next); else b.gotoTb(0);
    const tb = new TranslationBlock(pc, 0, 0, 1, 4, [], fn);
    tier.prepare(tb);
    return tb;
  };
  const tbs: TranslationBlock[] = [];
  const first = build(0, false);
  const wordsBefore = tier.codeWordsUsed;
  // Enough TBs that the arena (65536 words at first) has to grow at least once.
  while (tier.codeWordsUsed < 3 * 65536) tbs.push(build(tbs.length + 1, false));
  const last = build(tbs.length + 1, true);
  assert.ok(wordsBefore < 100 && first.interpEntry === HEADER_WORDS);
  first.chainTo(0, tbs[0]!);
  tbs[0]!.chainTo(0, tbs[tbs.length - 1]!);
  tbs[tbs.length - 1]!.chainTo(0, last);
  assert.equal(tier.execute(first), ExitCode.Next);
  assert.equal(tier.lastTb, last);
  const expected = 1n + 2n + BigInt(tbs.length + 1) + BigInt(tbs.length + 2);
  assert.equal(mem.readU64(CPU_BASE + CPU_TARGET_BASE), expected);
  assert.equal(mem.readU64(CPU_BASE + Cpu.PC), BigInt(0x1000 + 4 * (tbs.length + 2)));
});
