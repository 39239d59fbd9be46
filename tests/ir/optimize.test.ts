// The optimizer: constant folding, copy propagation, dead-code elimination
// that keeps globals live where they may be read, brcond folding; and a
// semantic check that optimized TBs compute what unoptimized ones do.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IRBuilder } from '../../src/ir/builder.js';
import { IRFunction } from '../../src/ir/ir.js';
import { ExitCode, Opc } from '../../src/ir/ops.js';
import { optimize } from '../../src/ir/optimize.js';
import { printIR } from '../../src/ir/print.js';
import { verify } from '../../src/ir/verify.js';
import { Cond, Type } from '../../src/ir/types.js';
import { HelperFlag, HelperTable } from '../../src/exec/helpers.js';
import { MemOp } from '../../src/memory/memop.js';
import { SAMPLE_GLOBALS } from './sample-ops.js';

function setup(): { fn: IRFunction; b: IRBuilder; g: (i: number) => ReturnType<IRFunction['temp']>; helpers: HelperTable } {
  const helpers = new HelperTable();
  helpers.register({ name: 'pure', args: [Type.I64], ret: [Type.I64], flags: HelperFlag.NO_READ_GLOBALS | HelperFlag.NO_WRITE_GLOBALS | HelperFlag.NO_SIDE_EFFECTS, fn: () => {} });
  helpers.register({ name: 'reads', args: [], ret: [], flags: HelperFlag.NO_WRITE_GLOBALS, fn: () => {} });
  const fn = new IRFunction(SAMPLE_GLOBALS, helpers);
  return { fn, b: new IRBuilder(fn), g: (i) => fn.temp(i), helpers };
}

function opt(fn: IRFunction): string {
  verify(fn);
  optimize(fn);
  verify(fn);
  return printIR(fn);
}

test('constants fold through a chain of ops', () => {
  const { fn, b, g } = setup();
  const t0 = b.local(Type.I64), t1 = b.local(Type.I64);
  b.insnStart(0x100n);
  b.mov(t0, b.const64(6));
  b.bin('mul', t1, t0, b.const64(7));
  b.bin('shl', t1, t1, b.const64(1));
  b.add(g(0), t1, b.const64(0));
  b.exitTb(ExitCode.Next);
  assert.equal(opt(fn), ' ---- 0000000000000100\n mov_i64 g0,$0x54\n exit_tb $0x0\n');
});

test('copies propagate and the dead moves disappear', () => {
  const { fn, b, g } = setup();
  const t0 = b.local(Type.I64), t1 = b.local(Type.I64);
  b.mov(t0, g(1));
  b.mov(t1, t0);
  b.add(g(0), t1, g(2));
  b.exitTb(ExitCode.Next);
  assert.equal(opt(fn), ' add_i64 g0,g1,g2\n exit_tb $0x0\n');
});

test('a copy of a global is not used after the global changes', () => {
  const { fn, b, g } = setup();
  const t0 = b.local(Type.I64);
  b.mov(t0, g(1));
  b.addi(g(1), g(1), 1);
  b.add(g(0), t0, t0);
  b.exitTb(ExitCode.Next);
  assert.equal(opt(fn), ' mov_i64 tmp0,g1\n add_i64 g1,g1,$0x1\n add_i64 g0,tmp0,tmp0\n exit_tb $0x0\n');
});

test('an overwritten global store is dead unless something may read it in between', () => {
  const { fn, b, g } = setup();
  b.addi(g(0), g(1), 1);
  b.addi(g(0), g(1), 2);
  b.addi(g(2), g(1), 3);
  b.qemuLd(g(3), g(1), MemOp.S64, 0); // may fault: g2 must be written before it
  b.addi(g(2), g(1), 4);
  b.exitTb(ExitCode.Next);
  assert.equal(opt(fn), [
    ' add_i64 g0,g1,$0x2',
    ' add_i64 g2,g1,$0x3',
    ' qemu_ld_i64 g3,g1,u64,0',
    ' add_i64 g2,g1,$0x4',
    ' exit_tb $0x0', ''].join('\n'));
});

test('helpers: pure unused calls go, calls that read globals keep global stores', () => {
  const { fn, b, g } = setup();
  const t0 = b.local(Type.I64);
  b.call(0, [t0], [g(1)]);
  b.addi(g(0), g(1), 1);
  b.call(1, [], []);
  b.addi(g(0), g(1), 2);
  b.exitTb(ExitCode.Next);
  assert.equal(opt(fn), ' add_i64 g0,g1,$0x1\n call reads\n add_i64 g0,g1,$0x2\n exit_tb $0x0\n');
});

test('locals live across a branch are kept; brcond on constants folds', () => {
  const { fn, b, g } = setup();
  const t0 = b.local(Type.I64);
  const skip = b.newLabel(), never = b.newLabel();
  b.addi(t0, g(1), 5);
  b.brcond(Cond.EQ, g(2), b.const64(0), skip);
  b.addi(g(0), g(0), 1);
  b.setLabel(skip);
  b.brcond(Cond.LTU, b.const64(5), b.const64(3), never); // never taken: dropped
  b.add(g(3), t0, t0);
  b.setLabel(never);
  b.exitTb(ExitCode.Next);
  const text = opt(fn);
  assert.equal(text, [
    ' add_i64 tmp0,g1,$0x5',
    ' brcond_i64 g2,$0x0,eq,$L0',
    ' add_i64 g0,g0,$0x1',
    ' set_label $L0',
    ' add_i64 g3,tmp0,tmp0',
    ' set_label $L1',
    ' exit_tb $0x0', ''].join('\n'));
});

test('an always-taken brcond becomes br and the code after it is dropped', () => {
  const { fn, b, g } = setup();
  const l = b.newLabel();
  b.emit(Opc.brcond_i64, g(1).index, g(1).index, Cond.GEU, l);
  b.addi(g(0), g(0), 1);
  b.setLabel(l);
  b.exitTb(ExitCode.Next);
  assert.equal(opt(fn), ' br $L0\n set_label $L0\n exit_tb $0x0\n');
});

test('algebraic identities: x ^ x, x & 0, x - x, x | -1', () => {
  const { fn, b, g } = setup();
  b.xor(g(0), g(1), g(1));
  b.and(g(1), g(2), b.const64(0));
  b.sub(g(2), g(3), g(3));
  b.or(g(3), g(3), b.const64(-1));
  b.exitTb(ExitCode.Next);
  assert.equal(opt(fn), ' mov_i64 g0,$0x0\n mov_i64 g1,$0x0\n mov_i64 g2,$0x0\n mov_i64 g3,$0xffffffffffffffff\n exit_tb $0x0\n');
});
