// The verifier accepts well-formed TBs and rejects each kind of malformed IR
// with a message that names the problem.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IRBuilder } from '../../src/ir/builder.js';
import { IRFunction } from '../../src/ir/ir.js';
import { ExitCode, Opc } from '../../src/ir/ops.js';
import { verify } from '../../src/ir/verify.js';
import { Cond, Type } from '../../src/ir/types.js';
import { HelperFlag, HelperTable } from '../../src/exec/helpers.js';
import { MemOp } from '../../src/memory/memop.js';
import { SAMPLE_GLOBALS } from './sample-ops.js';

function make(body: (b: IRBuilder, fn: IRFunction) => void, exit = true): IRFunction {
  const helpers = new HelperTable();
  helpers.register({ name: 'two_args', args: [Type.I64, Type.I32], ret: [Type.I64], flags: HelperFlag.NO_WRITE_GLOBALS, fn: () => {} });
  const fn = new IRFunction(SAMPLE_GLOBALS, helpers);
  const b = new IRBuilder(fn);
  body(b, fn);
  if (exit) b.exitTb(ExitCode.Next);
  return fn;
}
const G0 = 0, G1 = 1, H0 = 4;

test('accepts a well-formed TB with branches, calls and memory ops', () => {
  verify(make((b, fn) => {
    const t = b.local(Type.I64), l = b.newLabel();
    b.insnStart(0x100n);
    b.addi(t, fn.temp(G1), 4);
    b.brcond(Cond.NE, t, b.const64(0), l);
    b.qemuLd(fn.temp(G0), t, MemOp.S32 | MemOp.SIGN, 0);
    b.setLabel(l);
    b.call(0, [fn.temp(G0)], [t, fn.temp(H0)]);
    b.extract(fn.temp(G1), t, 60, 4);
  }));
});

const rejects: [string, RegExp, () => IRFunction][] = [
  ['no TB exit at the end', /does not end with a TB exit/, () => make((b, fn) => b.mov(fn.temp(G0), fn.temp(G1)), false)],
  ['an empty TB', /empty TB/, () => make(() => {}, false)],
  ['too few operands', /args, expected 3 temps/, () => make((b, fn) => { b.emit(Opc.add_i64, fn.temp(G0).index, fn.temp(G1).index); })],
  ['a type mismatch', /h0 is i32, expected i64/, () => make((b, fn) => { b.emit(Opc.add_i64, G0, G1, H0); })],
  ['a write to a constant', /writes constant/, () => make((b, fn) => { b.emit(Opc.mov_i64, b.const64(1).index, G1); void fn; })],
  ['a local read before its write', /reads tmp0 before any write/, () => make((b, fn) => { const t = b.local(Type.I64); b.add(fn.temp(G0), t, fn.temp(G1)); })],
  ['a temp index out of range', /temp index 99 out of range/, () => make((b) => { b.emit(Opc.mov_i64, G0, 99); })],
  ['a label set twice', /set twice/, () => make((b) => { const l = b.newLabel(); b.setLabel(l); b.setLabel(l); })],
  ['a backward branch', /branch backwards/, () => make((b) => { const l = b.newLabel(); b.setLabel(l); b.br(l); })],
  ['a branch to a label never set', /never set/, () => make((b) => { b.br(b.newLabel()); })],
  ['an unallocated label', /never allocated/, () => make((b) => { b.emit(Opc.br, 5); })],
  ['a bad condition', /bad condition 12/, () => make((b, fn) => { b.emit(Opc.setcond_i64, G0, G1, G1, 12); void fn; })],
  ['an extract past the width', /outside 32 bits/, () => make((b) => { b.emit(Opc.extract_i32, H0, H0 + 1, 30, 4); })],
  ['a zero-length field', /len 0/, () => make((b) => { b.emit(Opc.extract_i64, G0, G1, 0, 0); })],
  ['a 64-bit load into i32', /64-bit access into an i32/, () => make((b) => { b.emit(Opc.qemu_ld_i32, H0, G1, MemOp.S64, 0); })],
  ['an MMU index out of range', /MMU index 9/, () => make((b) => { b.emit(Opc.qemu_ld_i64, G0, G1, MemOp.S64, 9); })],
  ['a goto_tb slot 2', /goto_tb slot 2/, () => make((b) => { b.emit(Opc.goto_tb, 2); }, false)],
  ['a call with the wrong argument types', /expected i32/, () => make((b, fn) => { b.call(0, [fn.temp(G0)], [fn.temp(G1), fn.temp(G1)]); })],
  ['a call with too few operands', /args, expected 3 temps/, () => make((b, fn) => { b.call(0, [fn.temp(G0)], [fn.temp(G1)]); })],
  ['an unknown helper', /unknown helper 3/, () => make((b, fn) => { b.call(3, [], [fn.temp(G1)]); })],
  ['a host load outside the CPU state', /outside the CPU state/, () => make((b) => { b.emit(Opc.ld_i64, G0, 0x10000, MemOp.S64); })],
  ['an unknown opcode', /unknown opcode 500/, () => make((b) => { b.emit(500 as Opc); })],
];

for (const [what, message, build] of rejects) {
  test(`rejects ${what}`, () => {
    assert.throws(() => verify(build()), message);
  });
}
