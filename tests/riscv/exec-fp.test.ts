// F and D on the interpreter tier: the inline moves, loads and sign
// injections (NaN-boxing rules), and a few helper-backed operations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Excp, Rv } from '../../src/target/riscv/cpu-layout.js';
import { R, c16, ecall, fld, flw, fp, fsd, sw } from './rv-asm.js';
import { CODE, DATA, RvMachine } from './rv-machine.js';

const { a0, a1 } = R;
const FA0 = 10, FA1 = 11, FA2 = 12;
const BOXED_ONE_S = 0xffffffff3f800000n;
const f64Bits = (x: number): bigint => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x, true);
  return dv.getBigUint64(0, true);
};

function runProgram(m: RvMachine, insns: Parameters<RvMachine['load']>[0], at: number): void {
  m.load([...insns, ecall()], at);
  assert.equal(m.run(), Excp.ECALL_U);
}

test('flw NaN-boxes, fsw/fsd/fld move raw bits', () => {
  const m = new RvMachine();
  m.setX(a1, BigInt(DATA));
  m.setX(a0, 0x3fc00000n);
  m.setF(FA1, 0x0123456789abcdefn);
  runProgram(m, [sw(a0, a1, 0), flw(FA0, a1, 0), fsd(FA1, a1, 8), fld(FA2, a1, 8)], CODE);
  assert.equal(m.f(FA0), 0xffffffff3fc00000n);
  assert.equal(m.f(FA2), 0x0123456789abcdefn);
  assert.equal(m.dataU64(DATA + 8), 0x0123456789abcdefn);
});

test('sign injection: singles unbox (bad boxes read as the canonical NaN), doubles are raw', () => {
  const m = new RvMachine();
  const cases: [string, number, bigint, bigint, bigint][] = [
    ['fsgnj.s bad box', fp(0x10, 0, FA0, FA1, FA2), 0x000000003f800000n, 0xffffffffbf800000n, 0xffffffffffc00000n],
    ['fsgnjx.s', fp(0x10, 2, FA0, FA1, FA2), BOXED_ONE_S, 0xffffffffc0000000n, 0xffffffffbf800000n],
    ['fsgnjn.s', fp(0x10, 1, FA0, FA1, FA2), BOXED_ONE_S, BOXED_ONE_S, 0xffffffffbf800000n],
    ['fsgnjn.s bad box rs2', fp(0x10, 1, FA0, FA1, FA2), BOXED_ONE_S, 0xbf800000n, 0xffffffffbf800000n],
    ['fsgnj.d', fp(0x11, 0, FA0, FA1, FA2), f64Bits(2), f64Bits(-0), f64Bits(-2)],
    ['fsgnjn.d', fp(0x11, 1, FA0, FA1, FA2), f64Bits(-1), f64Bits(-1), f64Bits(1)],
    ['fsgnjx.d', fp(0x11, 2, FA0, FA1, FA2), f64Bits(-3), f64Bits(-1), f64Bits(3)],
  ];
  let at = CODE;
  for (const [name, insn, x, y, want] of cases) {
    m.setF(FA1, x);
    m.setF(FA2, y);
    runProgram(m, [insn], at);
    at += 8;
    assert.equal(m.f(FA0), want, name);
  }
});

test('fmv between register files', () => {
  const m = new RvMachine();
  m.setF(FA1, 0xffffffff80000001n);
  m.setX(a1, 0x123456789abcdef0n);
  runProgram(m, [fp(0x70, 0, a0, FA1, 0), fp(0x78, 0, FA0, a1, 0), fp(0x71, 0, 5, FA1, 0), fp(0x79, 0, FA2, a1, 0)], CODE);
  assert.equal(m.x(a0), 0xffffffff80000001n, 'fmv.x.w sign-extends');
  assert.equal(m.f(FA0), 0xffffffff9abcdef0n, 'fmv.w.x boxes');
  assert.equal(m.x(5), 0xffffffff80000001n, 'fmv.x.d');
  assert.equal(m.f(FA2), 0x123456789abcdef0n, 'fmv.d.x');
});

test('helper-backed arithmetic, compares, conversions and compressed FP loads/stores', () => {
  const m = new RvMachine();
  m.setF(FA1, f64Bits(1.5));
  m.setF(FA2, f64Bits(-5.25));
  m.setX(R.sp, BigInt(DATA));
  m.setWord32(Rv.FFLAGS, 0);
  runProgram(m, [
    fp(0x01, 7, FA0, FA1, FA2),  // fadd.d fa0, fa1, fa2 = -3.75
    fp(0x61, 1, a0, FA0, 0),     // fcvt.w.d a0, fa0, rtz = -3 (inexact)
    fp(0x51, 1, a1, FA0, FA1),   // flt.d a1, fa0, fa1 = 1
    c16(0xa42a),                 // c.fsdsp fa0, 8(sp)
    c16(0x2622),                 // c.fldsp fa2, 8(sp)
  ], CODE);
  assert.equal(m.f(FA0), f64Bits(-3.75));
  assert.equal(m.x(a0), BigInt.asUintN(64, -3n));
  assert.equal(m.x(a1), 1n);
  assert.equal(m.f(FA2), f64Bits(-3.75));
  assert.equal(m.word32(Rv.FFLAGS) & 1, 1, 'the inexact conversion set NX');
});

test('a reserved static rounding mode is illegal at translate time', () => {
  const m = new RvMachine();
  const insn = fp(0x01, 6, FA0, FA1, FA2);
  m.load([insn], CODE);
  assert.equal(m.run(), Excp.ILLEGAL_INSN);
  assert.equal(m.tval, BigInt(insn));
});
