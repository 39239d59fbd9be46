// RV64IMAC + Zicsr + Zb* executed on the interpreter tier: each program ends
// in ecall, and the registers are checked against values worked out by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Excp } from '../../src/target/riscv/cpu-layout.js';
import {
  R, add, addi, amo, bne, c16, csr, ecall, jal, jalr, ld, lui, lw, op, op32, opImm, opImm32, sd, sw, Insn,
} from './rv-asm.js';
import { CODE, DATA, RODATA, RvMachine } from './rv-machine.js';

const { a0, a1, a2, a3 } = R;
const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** Runs one instruction computing a0 from a1, a2 at a fresh address (no stale TBs). */
class OneInsn {
  readonly m = new RvMachine();
  private next = CODE;
  run(insn: number, x: bigint, y: bigint): bigint {
    this.m.setX(a1, u64(x));
    this.m.setX(a2, u64(y));
    this.m.load([insn, ecall()], this.next);
    this.next += 8;
    assert.equal(this.m.run(), Excp.ECALL_U, `0x${insn.toString(16)} raised`);
    return this.m.x(a0);
  }
}

test('a counting loop: branches, chaining, ecall state', () => {
  const m = new RvMachine();
  m.load([addi(a0, 0, 0), addi(a1, 0, 10), add(a0, a0, a1), addi(a1, a1, -1), bne(a1, 0, -8), ecall()]);
  assert.equal(m.run(), Excp.ECALL_U);
  assert.equal(m.x(a0), 55n);
  assert.equal(m.pc, BigInt(CODE + 20), 'pc is the ecall');
});

test('x0 reads zero and ignores writes', () => {
  const m = new RvMachine();
  m.load([addi(0, 0, 5), add(a0, 0, 0), addi(a1, 0, -1), ecall()]);
  m.setX(a0, 77n);
  m.run();
  assert.equal(m.x(0), 0n);
  assert.equal(m.x(a0), 0n);
  assert.equal(m.x(a1), M64);
});

test('RV64I and M register-register results', () => {
  const t = new OneInsn();
  const MIN = 1n << 63n;
  const cases: [string, number, bigint, bigint, bigint][] = [
    ['sub', op(0x20, 0, a0, a1, a2), 5n, 7n, u64(-2n)],
    ['addw overflow', op32(0, 0, a0, a1, a2), 0x7fffffffn, 1n, 0xffffffff80000000n],
    ['sllw count mod 32', op32(0, 1, a0, a1, a2), 1n, 33n, 2n],
    ['srlw', op32(0, 5, a0, a1, a2), 0xffffffff80000000n, 4n, 0x08000000n],
    ['sraw', op32(0x20, 5, a0, a1, a2), 0x80000000n, 4n, 0xfffffffff8000000n],
    ['sra', op(0x20, 5, a0, a1, a2), MIN, 63n, M64],
    ['slt', op(0, 2, a0, a1, a2), -1n, 1n, 1n],
    ['sltu', op(0, 3, a0, a1, a2), -1n, 1n, 0n],
    ['mul', op(1, 0, a0, a1, a2), -3n, 5n, u64(-15n)],
    ['mulh', op(1, 1, a0, a1, a2), -1n, -1n, 0n],
    ['mulh big', op(1, 1, a0, a1, a2), MIN, MIN, 1n << 62n],
    ['mulhsu', op(1, 2, a0, a1, a2), -1n, M64, M64],
    ['mulhsu positive', op(1, 2, a0, a1, a2), 2n, M64, 1n],
    ['mulhu', op(1, 3, a0, a1, a2), -1n, -1n, M64 - 1n],
    ['div by zero', op(1, 4, a0, a1, a2), -7n, 0n, M64],
    ['div overflow', op(1, 4, a0, a1, a2), MIN, -1n, MIN],
    ['div', op(1, 4, a0, a1, a2), -7n, 2n, u64(-3n)],
    ['divu by zero', op(1, 5, a0, a1, a2), 7n, 0n, M64],
    ['rem by zero', op(1, 6, a0, a1, a2), -7n, 0n, u64(-7n)],
    ['rem overflow', op(1, 6, a0, a1, a2), MIN, -1n, 0n],
    ['rem sign of dividend', op(1, 6, a0, a1, a2), -7n, 2n, M64],
    ['remu', op(1, 7, a0, a1, a2), 7n, 4n, 3n],
    ['mulw', op32(1, 0, a0, a1, a2), 0x10000n, 0x10000n, 0n],
    ['divw overflow', op32(1, 4, a0, a1, a2), 0x80000000n, -1n, 0xffffffff80000000n],
    ['divuw by zero', op32(1, 5, a0, a1, a2), 5n, 0n, M64],
    ['divuw', op32(1, 5, a0, a1, a2), 0xfffffffen, 1n, u64(-2n)],
    ['remw by zero', op32(1, 6, a0, a1, a2), 0x1_8000_0000n, 0n, 0xffffffff80000000n],
    ['remuw', op32(1, 7, a0, a1, a2), 0xffffffffn, 0x10n, 0xfn],
  ];
  for (const [name, insn, x, y, want] of cases) assert.equal(t.run(insn, x, y), want, `${name}: 0x${insn.toString(16)}`);
});

test('Zba, Zbb and Zbs results', () => {
  const t = new OneInsn();
  const cases: [string, number, bigint, bigint, bigint][] = [
    ['add.uw', op32(4, 0, a0, a1, a2), M64, 1n, 0x1_0000_0000n],
    ['sh1add', op(0x10, 2, a0, a1, a2), 3n, 10n, 16n],
    ['sh3add', op(0x10, 6, a0, a1, a2), u64(-1n), 10n, 2n],
    ['sh2add.uw', op32(0x10, 4, a0, a1, a2), 0xffffffff_00000003n, 1n, 13n],
    ['slli.uw', opImm32((2 << 6) | 4, 1, a0, a1), 0xffffffff_80000000n, 0n, 0x8_0000_0000n],
    ['andn', op(0x20, 7, a0, a1, a2), 0xffn, 0x0fn, 0xf0n],
    ['orn', op(0x20, 6, a0, a1, a2), 0n, M64, 0n],
    ['xnor', op(0x20, 4, a0, a1, a2), 0n, 0n, M64],
    ['min', op(5, 4, a0, a1, a2), -1n, 1n, M64],
    ['minu', op(5, 5, a0, a1, a2), -1n, 1n, 1n],
    ['max', op(5, 6, a0, a1, a2), -1n, 1n, 1n],
    ['maxu', op(5, 7, a0, a1, a2), -1n, 1n, M64],
    ['rol', op(0x30, 1, a0, a1, a2), 0x8000000000000001n, 1n, 3n],
    ['ror', op(0x30, 5, a0, a1, a2), 1n, 1n, 1n << 63n],
    ['rolw', op32(0x30, 1, a0, a1, a2), 0x80000001n, 1n, 3n],
    ['rorw', op32(0x30, 5, a0, a1, a2), 1n, 1n, 0xffffffff80000000n],
    ['rori', opImm((0x18 << 6) | 4, 5, a0, a1), 0x10n, 0n, 1n],
    ['roriw', opImm32((0x30 << 5) | 1, 5, a0, a1), 1n, 0n, 0xffffffff80000000n],
    ['clz', opImm(0x600, 1, a0, a1), 1n, 0n, 63n],
    ['clz zero', opImm(0x600, 1, a0, a1), 0n, 0n, 64n],
    ['ctz', opImm(0x601, 1, a0, a1), 0x100n, 0n, 8n],
    ['cpop', opImm(0x602, 1, a0, a1), 0xff00ffn, 0n, 16n],
    ['clzw', opImm32(0x600, 1, a0, a1), 0xffffffff_00000001n, 0n, 31n],
    ['ctzw zero', opImm32(0x601, 1, a0, a1), 0xffffffff_00000000n, 0n, 32n],
    ['cpopw', opImm32(0x602, 1, a0, a1), 0xffffffff_00000001n, 0n, 1n],
    ['sext.b', opImm(0x604, 1, a0, a1), 0x80n, 0n, u64(-128n)],
    ['sext.h', opImm(0x605, 1, a0, a1), 0x7fffn, 0n, 0x7fffn],
    ['zext.h', op32(4, 4, a0, a1, 0), 0xffff1234n, 0n, 0x1234n],
    ['orc.b', opImm(0x287, 5, a0, a1), 0x0001_0000_8000_0100n, 0n, 0x00ff_0000_ff00_ff00n],
    ['rev8', opImm(0x6b8, 5, a0, a1), 0x0102030405060708n, 0n, 0x0807060504030201n],
    ['bset', op(0x14, 1, a0, a1, a2), 0n, 63n, 1n << 63n],
    ['bclr', op(0x24, 1, a0, a1, a2), M64, 64n, M64 - 1n],
    ['binv', op(0x34, 1, a0, a1, a2), 5n, 2n, 1n],
    ['bext', op(0x24, 5, a0, a1, a2), 0x10n, 4n, 1n],
    ['bseti', opImm((0x0a << 6) | 33, 1, a0, a1), 0n, 0n, 1n << 33n],
    ['bexti', opImm((0x12 << 6) | 63, 5, a0, a1), 1n << 63n, 0n, 1n],
  ];
  for (const [name, insn, x, y, want] of cases) assert.equal(t.run(insn, x, y), want, `${name}: 0x${insn.toString(16)}`);
});

test('loads and stores, sign extension, misaligned plain accesses', () => {
  const m = new RvMachine();
  m.setX(a1, BigInt(DATA));
  m.setX(a2, 0x8000_0000_f000_0080n);
  m.load([sd(a2, a1, 0), lw(a0, a1, 0), ld(a3, a1, 3), sw(a2, a1, 13), ecall()]);
  m.setDataU64(DATA + 8, 0x1122334455667788n);
  assert.equal(m.run(), Excp.ECALL_U);
  assert.equal(m.x(a0), 0xfffffffff0000080n, 'lw sign-extends');
  assert.equal(m.x(a3), 0x66778880000000f0n, 'misaligned ld across the two words');
  assert.equal(m.dataU64(DATA + 8), 0x0000804455667788n, 'misaligned sw');
  assert.equal(m.dataU64(DATA + 16) & 0xffn, 0xf0n, 'its last byte on the next word');
});

test('jal and jalr link, and jalr with rd = rs1 uses the old value', () => {
  const m = new RvMachine();
  // 0: jal ra, 8 ; 4: ecall ; 8: jalr a1, 0(a1) where a1 = CODE + 16 ; 12: ecall ; 16: ecall
  m.setX(a1, BigInt(CODE + 16));
  m.load([jal(R.ra, 8), ecall(), jalr(a1, a1, 0), ecall(), ecall()]);
  m.run();
  assert.equal(m.x(R.ra), BigInt(CODE + 4));
  assert.equal(m.x(a1), BigInt(CODE + 12));
  assert.equal(m.pc, BigInt(CODE + 16));
});

test('AMOs, LR/SC and their alignment faults', () => {
  const m = new RvMachine();
  const W = 2, D = 3;
  m.setDataU64(DATA, 10n);
  m.setDataU64(DATA + 8, 0xffff_ffff_ffff_fff0n);
  m.setX(a1, BigInt(DATA));
  m.setX(a2, 5n);
  m.setX(a3, BigInt(DATA + 8));
  m.load([
    amo(0x00, D, a0, a1, a2),   // amoadd.d a0, a2, (a1): a0 = 10, mem = 15
    amo(0x10, W, R.t0, a3, a2), // amomin.w t0, a2, (a3): t0 = -16, mem word stays -16
    amo(0x1c, W, R.t1, a3, a2), // amomaxu.w t1, a2, (a3): t1 = -16, 0xfffffff0 > 5 stays
    amo(0x02 << 0, D, R.t2, a1, 0), // lr.d t2, (a1)
    amo(0x03, D, R.s0, a1, a2), // sc.d s0, a2, (a1): succeeds, mem = 5
    amo(0x03, D, R.s1, a1, a2), // sc.d again: no reservation, fails
    ecall(),
  ]);
  assert.equal(m.run(), Excp.ECALL_U);
  assert.equal(m.x(a0), 10n);
  assert.equal(m.x(R.t0), u64(-16n));
  assert.equal(m.x(R.t1), u64(-16n));
  assert.equal(m.x(R.t2), 15n);
  assert.equal(m.x(R.s0), 0n, 'sc succeeded');
  assert.equal(m.x(R.s1), 1n, 'second sc failed');
  assert.equal(m.dataU64(DATA), 5n);
  assert.equal(m.dataU64(DATA + 8), 0xffff_ffff_ffff_fff0n);

  // A store between LR and SC that changes the value breaks the reservation.
  m.setX(a1, BigInt(DATA));
  m.load([amo(0x02, D, R.t2, a1, 0), sd(a3, a1, 0), amo(0x03, D, R.s0, a1, a2), ecall()], CODE + 0x100);
  m.run();
  assert.equal(m.x(R.s0), 1n);

  m.setX(a1, BigInt(DATA + 2));
  m.load([amo(0x00, W, a0, a1, a2), ecall()], CODE + 0x200);
  assert.equal(m.run(), Excp.STORE_MISALIGNED);
  assert.equal(m.tval, BigInt(DATA + 2));
  assert.equal(m.pc, BigInt(CODE + 0x200));

  m.load([amo(0x02, D, a0, a1, 0), ecall()], CODE + 0x300);
  assert.equal(m.run(), Excp.LOAD_MISALIGNED);
  assert.equal(m.tval, BigInt(DATA + 2));

  // Page faults: an AMO reports a store/AMO fault even on an unmapped page; LR a load fault.
  m.setX(a1, 0x50000n);
  m.load([amo(0x00, D, a0, a1, a2), ecall()], CODE + 0x400);
  assert.equal(m.run(), Excp.STORE_PAGE_FAULT);
  assert.equal(m.tval, 0x50000n);
  m.load([amo(0x02, D, a0, a1, 0), ecall()], CODE + 0x500);
  assert.equal(m.run(), Excp.LOAD_PAGE_FAULT);
  m.load([ld(a0, a1, 0), ecall()], CODE + 0x600);
  assert.equal(m.run(), Excp.LOAD_PAGE_FAULT, 'the AMO flag does not leak into later loads');
});

test('exceptions: illegal instructions, ebreak, page faults are precise', () => {
  const m = new RvMachine();
  const expectRaise = (prog: Insn[], at: number, cause: number, pc: number, tval: bigint): void => {
    m.load(prog, at);
    assert.equal(m.run(), cause, `cause at 0x${at.toString(16)}`);
    assert.equal(m.pc, BigInt(pc));
    assert.equal(m.tval, tval);
  };
  expectRaise([addi(a0, 0, 1), 0], CODE, Excp.ILLEGAL_INSN, CODE + 4, 0n);
  assert.equal(m.x(a0), 1n, 'the instruction before the fault ran');
  expectRaise([0xffffffff], CODE + 0x20, Excp.ILLEGAL_INSN, CODE + 0x20, 0xffffffffn);
  expectRaise([c16(0x6001)], CODE + 0x40, Excp.ILLEGAL_INSN, CODE + 0x40, 0x6001n);
  expectRaise([0x100073], CODE + 0x60, Excp.BREAKPOINT, CODE + 0x60, BigInt(CODE + 0x60));
  m.setX(a1, BigInt(RODATA));
  expectRaise([addi(a0, 0, 2), sd(a0, a1, 8)], CODE + 0x80, Excp.STORE_PAGE_FAULT, CODE + 0x84, BigInt(RODATA + 8));
  m.setX(a1, 0x40000n);
  expectRaise([ld(a0, a1, 0)], CODE + 0xa0, Excp.LOAD_PAGE_FAULT, CODE + 0xa0, 0x40000n);
  const csrrw = csr(1, a0, 0xc00, a1);
  expectRaise([csrrw], CODE + 0xc0, Excp.ILLEGAL_INSN, CODE + 0xc0, BigInt(csrrw));
  const unknown = csr(2, a0, 0x7c0, 0);
  expectRaise([unknown], CODE + 0xe0, Excp.ILLEGAL_INSN, CODE + 0xe0, BigInt(unknown));
  expectRaise([jal(0, 0x20000 - 0x100)], CODE + 0x100, Excp.INSN_PAGE_FAULT, CODE + 0x20000, BigInt(CODE + 0x20000));
});

test('CSRs: fcsr masking, fflags/frm views, csrrs x0 on read-only counters, instret', () => {
  const m = new RvMachine();
  m.setX(a1, 0xffn);
  m.load([
    csr(1, 0, 0x003, a1),     // csrrw zero, fcsr, a1
    csr(2, a0, 0x001, 0),     // csrrs a0, fflags, zero
    csr(2, a2, 0x002, 0),     // csrrs a2, frm, zero
    csr(7, a3, 0x001, 3),     // csrrci a3, fflags, 3 -> a3 = old (0x1f)
    csr(2, R.t0, 0x003, 0),   // frcsr t0
    addi(0, 0, 0), addi(0, 0, 0),
    csr(2, R.t1, 0xc02, 0),   // rdinstret t1
    csr(2, R.t2, 0xc02, 0),   // rdinstret t2
    ecall(),
  ]);
  assert.equal(m.run(), Excp.ECALL_U);
  assert.equal(m.x(a0), 0x1fn);
  assert.equal(m.x(a2), 7n);
  assert.equal(m.x(a3), 0x1fn);
  assert.equal(m.x(R.t0), 0xfcn);
  assert.equal(m.x(R.t2) - m.x(R.t1), 1n, 'instret advances by one instruction');
  assert.equal(m.x(R.t1), 7n, 'seven instructions retired before the first read');
});

test('compressed code: a loop over c.li/c.addi/c.add/c.bnez/c.j/c.sdsp/c.ldsp', () => {
  const m = new RvMachine();
  m.setX(R.sp, BigInt(DATA + 0x100));
  m.load([
    c16(0x4501), // c.li a0, 0
    c16(0x4595), // c.li a1, 5
    c16(0x952e), // c.add a0, a0, a1      <- loop
    c16(0x15fd), // c.addi a1, a1, -1
    c16(0xfdf5), // c.bnez a1, loop (-4)
    c16(0xa011), // c.j +4 (skip the next halfword)
    c16(0x0000), // illegal, skipped
    c16(0xe42a), // c.sdsp a0, 8(sp)
    c16(0x6622), // c.ldsp a2, 8(sp)
    c16(0x050e), // c.slli a0, 3
    c16(0x85b2), // c.mv a1, a2
    ecall(),
  ]);
  assert.equal(m.run(), Excp.ECALL_U);
  assert.equal(m.x(a2), 15n);
  assert.equal(m.x(a0), 120n);
  assert.equal(m.x(a1), 15n);
  assert.equal(m.dataU64(DATA + 0x108), 15n);
  assert.equal(m.pc, BigInt(CODE + 22));
});

test('an instruction straddling a page runs, with the TB cut before it', () => {
  const m = new RvMachine();
  const start = CODE + 0x1000 - 8;
  m.load([addi(a0, 0, 1), c16(0x0505), addi(a0, a0, 100), ecall()], start); // c.addi a0, 1
  assert.equal(m.run(), Excp.ECALL_U);
  assert.equal(m.x(a0), 102n);
  assert.equal(m.pc, BigInt(CODE + 0x1000 + 2));
});

test('lui sign-extends on RV64', () => {
  const m = new RvMachine();
  m.load([lui(a0, 0x80000), ecall()]);
  m.run();
  assert.equal(m.x(a0), 0xffffffff80000000n);
});
