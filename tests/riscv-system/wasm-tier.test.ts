// The same privileged machinery on the Wasm tier (every TB compiled): CSR
// helpers with i64 operands, mret / sret exits, wfi's target exit code, the
// FS gate, and data accesses through the MMU indices the TB flags choose.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Excp } from '../../src/target/riscv/cpu-layout.js';
import { Csr, Mstatus, Priv } from '../../src/target/riscv/system/csr-layout.js';
import { R, addi, ecall, fp, ld, sd } from '../riscv/rv-asm.js';
import { A_, D_, PageTables, RAM_BASE, R_, SysMachine, U_, W_, X_, csrc, csrr, csrs, csrw, mret, sret, wfi } from './sys-machine.js';

const { a0, a1, a2 } = R;

test('wasm tier: M -> S (paging on) -> U, ecall delegated to S, SUM-guarded access, sret, ebreak to M', () => {
  const m = new SysMachine({ tier: 'wasm' });
  const { hart } = m;
  const S_CODE = RAM_BASE + 0x1000, U_CODE = RAM_BASE + 0x2000, S_TRAP = RAM_BASE + 0x3000, M_TRAP = RAM_BASE + 0x4000;
  const U_VA = 0x40_0000n, U_DATA = 0x40_1000n, DATA_PA = RAM_BASE + 0x10_0000;
  const pt = new PageTables(m, 3);
  pt.map(BigInt(RAM_BASE), RAM_BASE, R_ | W_ | X_ | A_ | D_, 2);
  pt.map(U_VA, U_CODE, R_ | X_ | U_ | A_);
  pt.map(U_DATA, DATA_PA, R_ | W_ | U_ | A_ | D_);
  hart.writeCsr(Csr.MTVEC, BigInt(M_TRAP));
  hart.writeCsr(Csr.MEDELEG, 1n << 8n);
  hart.writeCsr(Csr.MEPC, BigInt(S_CODE));
  hart.writeCsr(Csr.MSTATUS, 1n << 11n);
  m.setX(16, pt.satp);
  m.load(RAM_BASE, [csrw(Csr.SATP, 16), mret()]);
  m.setX(a0, U_VA);
  m.setX(12, U_DATA);
  m.setX(13, Number(Mstatus.SUM));
  m.load(S_CODE, [csrw(Csr.STVEC, 14), csrw(Csr.SEPC, a0), sret()]);
  m.setX(14, BigInt(S_TRAP));
  // U: store 5 to its page, ecall; after the S handler, ebreak.
  m.load(U_CODE, [addi(a1, 0, 5), sd(a1, 12, 0), ecall(), 0x00100073]);
  // S handler: read the user page under SUM (x15), clear SUM, skip the ecall.
  m.load(S_TRAP, [csrs(Csr.SSTATUS, 13), ld(15, 12, 0), csrc(Csr.SSTATUS, 13),
    csrr(a0, Csr.SEPC), addi(a0, a0, 4), csrw(Csr.SEPC, a0), sret()]);
  m.load(M_TRAP, [wfi()]);
  const r = m.run();
  assert.equal(r.end, 'wfi');
  assert.deepEqual(r.traps.map((t) => t.cause), [Excp.ECALL_U, Excp.BREAKPOINT]);
  assert.equal(m.x(15), 5n);
  assert.equal(m.physU64(DATA_PA), 5n);
  assert.equal(hart.priv, Priv.M);
  assert.equal(hart.readCsr(Csr.MEPC), U_VA + 12n);
});

test('wasm tier: S load without SUM from a user page faults; FS Off then Dirty', () => {
  const m = new SysMachine({ tier: 'wasm' });
  const pt = new PageTables(m, 3);
  pt.map(BigInt(RAM_BASE), RAM_BASE, R_ | W_ | X_ | A_ | D_, 2);
  pt.map(0x8000n, RAM_BASE + 0x10_0000, R_ | U_ | A_);
  m.hart.writeCsr(Csr.SATP, pt.satp);
  m.hart.writeCsr(Csr.MTVEC, BigInt(RAM_BASE + 0x4000));
  m.load(RAM_BASE + 0x4000, [wfi()]);
  m.setX(a1, 0x8000n);
  m.load(RAM_BASE + 0x1000, [ld(a0, a1, 0), wfi()]);
  m.hart.priv = Priv.S;
  m.hart.pc = BigInt(RAM_BASE + 0x1000);
  let r = m.run();
  assert.deepEqual(r.traps.map((t) => [t.cause, t.tval]), [[Excp.LOAD_PAGE_FAULT, 0x8000n]]);

  const fadd = fp(0x01, 7, 10, 11, 12);
  m.load(RAM_BASE + 0x2000, [fadd, wfi()]);
  m.hart.priv = Priv.S;
  m.hart.pc = BigInt(RAM_BASE + 0x2000);
  r = m.run();
  assert.deepEqual(r.traps.map((t) => [t.cause, t.tval]), [[Excp.ILLEGAL_INSN, BigInt(fadd)]]);
  m.hart.writeCsr(Csr.MSTATUS, 1n << 13n);
  m.setF(11, 0x3ff0000000000000n);
  m.setF(12, 0x3ff0000000000000n);
  m.hart.priv = Priv.S;
  m.hart.pc = BigInt(RAM_BASE + 0x2000);
  r = m.run();
  assert.deepEqual(r.traps, []);
  assert.equal(m.f(10), 0x4000000000000000n);
  assert.equal(m.hart.readCsr(Csr.SSTATUS) & (Mstatus.FS | Mstatus.SD), Mstatus.FS | Mstatus.SD);
});
