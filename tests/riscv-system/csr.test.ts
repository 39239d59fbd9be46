// System CSRs: WARL masks, views (sstatus, sie, sip), read-only and
// privilege rules, counteren, TVM, Sstc, FS; through the hart directly and
// through csr instructions on the interpreter tier.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Excp, Rv } from '../../src/target/riscv/cpu-layout.js';
import { Csr, Irq, Mip, Mstatus, Priv } from '../../src/target/riscv/system/csr-layout.js';
import { RV_EXIT_WFI } from '../../src/target/riscv/system/hart.js';
import { Cpu, CPU_BASE } from '../../src/memory/layout.js';
import { R, addi, fp } from '../riscv/rv-asm.js';
import { RAM_BASE, SysMachine, csrr, csrw, mret, wfi } from './sys-machine.js';

const { a0, a1 } = R;
const ALL = (1n << 64n) - 1n;
const UXL_SXL = (2n << 32n) | (2n << 34n);

test('mstatus: writable fields, MPP WARL, UXL/SXL fixed at 64, SD follows FS', () => {
  const { hart } = new SysMachine();
  assert.equal(hart.readCsr(Csr.MSTATUS), UXL_SXL, 'reset value');
  hart.writeCsr(Csr.MSTATUS, ALL);
  const writable = Mstatus.SIE | Mstatus.MIE | Mstatus.SPIE | Mstatus.MPIE | Mstatus.SPP | Mstatus.MPP | Mstatus.FS
    | Mstatus.MPRV | Mstatus.SUM | Mstatus.MXR | Mstatus.TVM | Mstatus.TW | Mstatus.TSR;
  assert.equal(hart.readCsr(Csr.MSTATUS), writable | UXL_SXL | Mstatus.SD, 'FS = 3 sets SD');
  hart.writeCsr(Csr.MSTATUS, 0n);
  assert.equal(hart.readCsr(Csr.MSTATUS), UXL_SXL, 'UXL/SXL cannot be cleared');
  hart.writeCsr(Csr.MSTATUS, 1n << 11n); // MPP = S
  hart.writeCsr(Csr.MSTATUS, 2n << 11n); // MPP = 2 is reserved: the old value stays
  assert.equal((hart.readCsr(Csr.MSTATUS) >> 11n) & 3n, 1n);
  hart.writeCsr(Csr.MSTATUS, 1n << 13n); // FS = Initial
  assert.equal(hart.readCsr(Csr.MSTATUS) & Mstatus.SD, 0n);
});

test('sstatus is a view of mstatus', () => {
  const { hart } = new SysMachine();
  hart.writeCsr(Csr.MSTATUS, Mstatus.MIE | Mstatus.MPP | Mstatus.TVM);
  hart.writeCsr(Csr.SSTATUS, ALL);
  const s = hart.readCsr(Csr.SSTATUS);
  assert.equal(s, Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.FS | Mstatus.SUM | Mstatus.MXR | (2n << 32n) | Mstatus.SD);
  const m = hart.readCsr(Csr.MSTATUS);
  assert.ok((m & Mstatus.MIE) !== 0n && (m & Mstatus.TVM) !== 0n && (m & Mstatus.MPP) === Mstatus.MPP, 'M fields untouched');
  hart.writeCsr(Csr.SSTATUS, 0n);
  assert.equal(hart.readCsr(Csr.MSTATUS), Mstatus.MIE | Mstatus.MPP | Mstatus.TVM | UXL_SXL);
});

test('misa is RV64IMAFDC + S + U and ignores writes', () => {
  const { hart } = new SysMachine();
  const expect = (2n << 62n) | 0x14112dn; // A C D F I M S U
  assert.equal(hart.readCsr(Csr.MISA), expect);
  hart.writeCsr(Csr.MISA, 0n);
  assert.equal(hart.readCsr(Csr.MISA), expect);
});

test('medeleg, mideleg, mie: writable masks; sie and sip are delegated views', () => {
  const { hart } = new SysMachine();
  hart.writeCsr(Csr.MEDELEG, ALL);
  assert.equal(hart.readCsr(Csr.MEDELEG), 0xb3ffn, 'ecall from M (11) cannot be delegated');
  hart.writeCsr(Csr.MIDELEG, ALL);
  assert.equal(hart.readCsr(Csr.MIDELEG), BigInt(Mip.SSIP | Mip.STIP | Mip.SEIP));
  hart.writeCsr(Csr.MIE, ALL);
  assert.equal(hart.readCsr(Csr.MIE), 0xaaan);

  hart.writeCsr(Csr.MIDELEG, BigInt(Mip.STIP));
  assert.equal(hart.readCsr(Csr.SIE), BigInt(Mip.STIP));
  hart.writeCsr(Csr.SIE, 0n);
  assert.equal(hart.readCsr(Csr.MIE), 0xaaan & ~BigInt(Mip.STIP), 'sie writes only delegated bits');

  hart.writeCsr(Csr.MIDELEG, BigInt(Mip.SSIP | Mip.STIP));
  hart.writeCsr(Csr.MIP, ALL);
  assert.equal(hart.readCsr(Csr.MIP), BigInt(Mip.SSIP | Mip.STIP | Mip.SEIP), 'M writes SSIP, STIP, SEIP only');
  assert.equal(hart.readCsr(Csr.SIP), BigInt(Mip.SSIP | Mip.STIP));
  hart.writeCsr(Csr.SIP, 0n);
  assert.equal(hart.readCsr(Csr.MIP), BigInt(Mip.STIP | Mip.SEIP), 'sip writes SSIP only');
  hart.setInterruptLine(Irq.MTI, true);
  hart.setInterruptLine(Irq.MEI, true);
  assert.equal(hart.readCsr(Csr.MIP), BigInt(Mip.STIP | Mip.SEIP | Mip.MTIP | Mip.MEIP));
  hart.writeCsr(Csr.MIP, 0n);
  assert.equal(hart.readCsr(Csr.MIP), BigInt(Mip.MTIP | Mip.MEIP), 'device lines are read-only');
});

test('xtvec modes, xepc alignment, plain registers, satp modes, PMP, envcfg, ids', () => {
  const { hart } = new SysMachine();
  hart.writeCsr(Csr.MTVEC, 0x80001001n);
  assert.equal(hart.readCsr(Csr.MTVEC), 0x80001001n, 'vectored');
  hart.writeCsr(Csr.MTVEC, 0x80002002n);
  assert.equal(hart.readCsr(Csr.MTVEC), 0x80001001n, 'mode 2 is reserved: write ignored');
  hart.writeCsr(Csr.STVEC, 0x80003000n);
  assert.equal(hart.readCsr(Csr.STVEC), 0x80003000n);
  hart.writeCsr(Csr.MEPC, 0x80000003n);
  assert.equal(hart.readCsr(Csr.MEPC), 0x80000002n, 'IALIGN 16');
  hart.writeCsr(Csr.SEPC, ALL);
  assert.equal(hart.readCsr(Csr.SEPC), ALL - 1n);
  for (const c of [Csr.MSCRATCH, Csr.SSCRATCH, Csr.MTVAL, Csr.STVAL, Csr.MCAUSE, Csr.SCAUSE]) {
    hart.writeCsr(c, 0x1234_5678_9abc_def0n);
    assert.equal(hart.readCsr(c), 0x1234_5678_9abc_def0n);
  }

  const sv39 = (8n << 60n) | (0xffffn << 44n) | 0x80010n;
  hart.writeCsr(Csr.SATP, sv39);
  assert.equal(hart.readCsr(Csr.SATP), sv39);
  hart.writeCsr(Csr.SATP, (10n << 60n) | 0x1n); // Sv57: not implemented, the write has no effect
  assert.equal(hart.readCsr(Csr.SATP), sv39);
  hart.writeCsr(Csr.SATP, (1n << 60n) | 0x1n);
  assert.equal(hart.readCsr(Csr.SATP), sv39);
  hart.writeCsr(Csr.SATP, (9n << 60n) | 0x80020n);
  assert.equal(hart.readCsr(Csr.SATP), (9n << 60n) | 0x80020n, 'Sv48');
  hart.writeCsr(Csr.SATP, 0x1234n); // Bare: the other fields read as zero
  assert.equal(hart.readCsr(Csr.SATP), 0n);

  hart.writeCsr(Csr.PMPADDR0 + 15, ALL);
  assert.equal(hart.readCsr(Csr.PMPADDR0 + 15), (1n << 54n) - 1n);
  hart.writeCsr(Csr.PMPCFG0, 0x1fn);
  assert.equal(hart.readCsr(Csr.PMPCFG0), 0x1fn);
  hart.writeCsr(Csr.PMPCFG2, ALL);
  assert.equal(hart.readCsr(Csr.PMPCFG2), 0x9f9f9f9f9f9f9f9fn);

  hart.writeCsr(Csr.MENVCFG, ALL);
  assert.equal(hart.readCsr(Csr.MENVCFG), (1n << 63n) | 1n, 'STCE and FIOM');
  hart.writeCsr(Csr.SENVCFG, ALL);
  assert.equal(hart.readCsr(Csr.SENVCFG), 1n);
  hart.writeCsr(Csr.MCOUNTEREN, ALL);
  assert.equal(hart.readCsr(Csr.MCOUNTEREN), 0xffffffffn);
  for (const c of [Csr.MVENDORID, Csr.MARCHID, Csr.MIMPID, Csr.MHARTID, Csr.MCOUNTINHIBIT, Csr.MHPMCOUNTER3 + 1]) {
    assert.equal(hart.readCsr(c), 0n);
  }
});

test('access rules: privilege from the number, read-only numbers, TVM, counteren, STCE, FS', () => {
  const { hart } = new SysMachine();
  const can = (csr: number, write = false) => hart.csrAccessible(csr, write);
  assert.ok(can(Csr.MSTATUS, true) && can(Csr.SATP, true));
  assert.ok(!can(Csr.MHARTID, true), 'mhartid is read-only');
  assert.ok(!can(0x7c0), 'unimplemented');
  hart.priv = Priv.S;
  assert.ok(can(Csr.SSTATUS, true) && can(Csr.SATP, true));
  assert.ok(!can(Csr.MSTATUS) && !can(Csr.MEPC) && !can(Csr.MHARTID));
  hart.priv = Priv.U;
  assert.ok(!can(Csr.SSTATUS) && !can(Csr.SATP));

  // Counters: M always; S needs mcounteren; U needs mcounteren and scounteren.
  hart.priv = Priv.M;
  assert.ok(can(Csr.CYCLE) && can(Csr.TIME) && can(Csr.INSTRET));
  hart.priv = Priv.S;
  assert.ok(!can(Csr.TIME));
  hart.writeCsr(Csr.MCOUNTEREN, 0b010n);
  assert.ok(can(Csr.TIME) && !can(Csr.CYCLE) && !can(Csr.INSTRET));
  hart.priv = Priv.U;
  assert.ok(!can(Csr.TIME));
  hart.writeCsr(Csr.SCOUNTEREN, 0b111n);
  assert.ok(can(Csr.TIME) && !can(Csr.CYCLE), 'both enables needed');

  // TVM traps S-mode satp access.
  hart.priv = Priv.M;
  hart.writeCsr(Csr.MSTATUS, Mstatus.TVM);
  assert.ok(can(Csr.SATP));
  hart.priv = Priv.S;
  assert.ok(!can(Csr.SATP));

  // stimecmp from S needs menvcfg.STCE and mcounteren.TM.
  hart.writeCsr(Csr.MCOUNTEREN, 0n);
  assert.ok(!can(Csr.STIMECMP, true));
  hart.writeCsr(Csr.MENVCFG, 1n << 63n);
  assert.ok(!can(Csr.STIMECMP, true));
  hart.writeCsr(Csr.MCOUNTEREN, 0b010n);
  assert.ok(can(Csr.STIMECMP, true));

  // FP CSRs need FS != Off.
  hart.priv = Priv.U;
  assert.ok(!can(Csr.FFLAGS) && !can(Csr.FCSR, true));
  hart.writeCsr(Csr.MSTATUS, 1n << 13n);
  assert.ok(can(Csr.FFLAGS) && can(Csr.FRM, true));
});

test('csr instructions: S-mode access to an M CSR is illegal with the instruction as tval', () => {
  const m = new SysMachine();
  const bad = csrr(a0, Csr.MSTATUS);
  m.load(RAM_BASE, [bad]);
  m.hart.priv = Priv.S;
  const r = m.runRaw();
  assert.equal(r.code, -1);
  assert.equal(r.cause, Excp.ILLEGAL_INSN);
  assert.equal(r.tval, BigInt(bad));
  assert.equal(m.hart.pc, BigInt(RAM_BASE));
});

test('csr instructions: writing a read-only CSR is illegal even in M; reads work', () => {
  const m = new SysMachine();
  const bad = csrw(Csr.MHARTID, a0);
  m.load(RAM_BASE, [csrr(a1, Csr.MISA), bad]);
  const r = m.runRaw();
  assert.equal(r.cause, Excp.ILLEGAL_INSN);
  assert.equal(r.tval, BigInt(bad));
  assert.equal(m.x(a1), (2n << 62n) | 0x14112dn);
});

test('counters from U mode: instret counts retired instructions, time comes from the board', () => {
  const m = new SysMachine();
  m.mtime = 123456789n;
  m.hart.writeCsr(Csr.MCOUNTEREN, 7n);
  m.hart.writeCsr(Csr.SCOUNTEREN, 7n);
  m.hart.writeCsr(Csr.MINSTRET, 1000n);
  m.hart.writeCsr(Csr.MTVEC, BigInt(RAM_BASE + 0x100));
  m.load(RAM_BASE + 0x100, [wfi()]);
  m.load(RAM_BASE, [csrr(a0, Csr.INSTRET), addi(0, 0, 0), addi(0, 0, 0), csrr(a1, Csr.INSTRET), csrr(12, Csr.TIME), 0x73]);
  m.hart.priv = Priv.U;
  const r = m.run();
  assert.equal(r.end, 'wfi');
  assert.deepEqual(r.traps.map((t) => t.cause), [Excp.ECALL_U]);
  assert.equal(m.x(a0), 1000n, 'instret before the first instruction retired');
  assert.equal(m.x(a1) - m.x(a0), 3n);
  assert.equal(m.x(12), 123456789n);
});

test('counters from U without scounteren: illegal instruction', () => {
  const m = new SysMachine();
  m.hart.writeCsr(Csr.MCOUNTEREN, 7n);
  const read = csrr(a0, Csr.CYCLE);
  m.load(RAM_BASE, [read]);
  m.hart.priv = Priv.U;
  const r = m.runRaw();
  assert.equal(r.cause, Excp.ILLEGAL_INSN);
  assert.equal(r.tval, BigInt(read));
});

test('FS: Off makes FP instructions and FP CSRs illegal; an FP instruction marks FS Dirty', () => {
  const m = new SysMachine();
  const fadd = fp(0x01, 7, 10, 11, 12);
  m.load(RAM_BASE, [fadd]);
  let r = m.runRaw();
  assert.equal(r.cause, Excp.ILLEGAL_INSN, 'FS = Off');
  assert.equal(r.tval, BigInt(fadd));

  m.hart.writeCsr(Csr.MSTATUS, 1n << 13n); // Initial
  m.setF(11, 0x3ff0000000000000n);
  m.setF(12, 0x3ff0000000000000n);
  m.load(RAM_BASE, [fadd, wfi()]);
  m.hart.pc = BigInt(RAM_BASE);
  r = m.runRaw();
  assert.equal(r.code, RV_EXIT_WFI);
  assert.equal(m.f(10), 0x4000000000000000n, '1 + 1');
  assert.equal(m.hart.readCsr(Csr.MSTATUS) & (Mstatus.FS | Mstatus.SD), Mstatus.FS | Mstatus.SD);

  // csrw fflags also dirties FS.
  m.hart.writeCsr(Csr.MSTATUS, 1n << 13n);
  m.setX(a0, 0x1f);
  m.load(RAM_BASE, [csrw(Csr.FFLAGS, a0), wfi()]);
  m.hart.pc = BigInt(RAM_BASE);
  assert.equal(m.runRaw().code, RV_EXIT_WFI);
  assert.equal(m.word32(Rv.FFLAGS), 0x1f);
  assert.equal(m.hart.readCsr(Csr.MSTATUS) & Mstatus.FS, Mstatus.FS);
});

test('Sstc: STIP follows time >= stimecmp when STCE is set; the interrupt is taken in S', () => {
  const m = new SysMachine();
  const { hart } = m;
  hart.writeCsr(Csr.MENVCFG, 1n << 63n);
  hart.writeCsr(Csr.STIMECMP, 1000n);
  m.mtime = 999n;
  assert.equal(hart.readCsr(Csr.MIP) & BigInt(Mip.STIP), 0n);
  m.mtime = 1000n;
  assert.equal(hart.readCsr(Csr.MIP) & BigInt(Mip.STIP), BigInt(Mip.STIP));
  hart.writeCsr(Csr.MIP, 0n);
  assert.equal(hart.readCsr(Csr.MIP) & BigInt(Mip.STIP), BigInt(Mip.STIP), 'STIP is read-only under STCE');
  hart.writeCsr(Csr.MIDELEG, BigInt(Mip.STIP));
  hart.writeCsr(Csr.MIE, BigInt(Mip.STIP));
  assert.equal(hart.timerDeadline(), 1000n);
  hart.priv = Priv.S;
  assert.equal(hart.pendingInterrupt(), -1, 'SIE clear in S');
  hart.writeCsr(Csr.SSTATUS, Mstatus.SIE);
  assert.equal(hart.pendingInterrupt(), Irq.STI);
  hart.writeCsr(Csr.STIMECMP, 2000n);
  assert.equal(hart.pendingInterrupt(), -1, 'a new compare value clears it');
});

test('Sstc: the clock as a Number gives STIP at the same instants as the BigInt clock, for any stimecmp', () => {
  const big = new SysMachine(), num = new SysMachine({ numberClock: true });
  const two53 = 2n ** 53n;
  const compares = [0n, 1n, 1000n, 0xffff_ffffn, 0x1_0000_0000n, two53 - 1n, two53, two53 + 1n, 2n ** 63n, 2n ** 64n - 1n];
  const times = [0n, 999n, 1000n, 0xffff_ffffn, 0x1_0000_0000n, two53 - 2n, two53 - 1n, two53, two53 + 2n, 2n ** 64n - 1n];
  for (const m of [big, num]) m.hart.writeCsr(Csr.MENVCFG, 1n << 63n);
  for (const cmp of compares) {
    for (const t of times) {
      for (const m of [big, num]) {
        m.hart.writeCsr(Csr.STIMECMP, cmp);
        m.mtime = t;
      }
      const want = t >= cmp ? BigInt(Mip.STIP) : 0n;
      assert.equal(big.hart.readCsr(Csr.MIP) & BigInt(Mip.STIP), want, `BigInt clock, time ${t}, stimecmp ${cmp}`);
      assert.equal(num.hart.readCsr(Csr.MIP) & BigInt(Mip.STIP), want, `Number clock, time ${t}, stimecmp ${cmp}`);
    }
  }
});

test('a CSR write that makes an interrupt deliverable requests an exit; mret to a pending interrupt too', () => {
  const m = new SysMachine();
  const { hart } = m;
  hart.writeCsr(Csr.MTVEC, BigInt(RAM_BASE + 0x200));
  m.load(RAM_BASE + 0x200, [wfi()]);
  hart.setInterruptLine(Irq.MTI, true);
  m.setX(a0, Mip.MTIP);
  m.setX(a1, Number(Mstatus.MIE));
  // Enable MTIE, then MIE: the next instruction must not run before the interrupt.
  m.load(RAM_BASE, [csrw(Csr.MIE, a0), 0x30000073 | (a1 << 15) | (2 << 12), addi(a0, 0, 77), wfi()]);
  const r = m.run();
  assert.equal(r.end, 'wfi');
  assert.deepEqual(r.traps.map((t) => [t.cause, t.interrupt]), [[Irq.MTI, true]]);
  assert.equal(hart.readCsr(Csr.MEPC), BigInt(RAM_BASE + 8), 'taken right after csrs mstatus');
  assert.equal(m.x(a0), BigInt(Mip.MTIP), 'addi did not run');
  assert.equal(hart.readCsr(Csr.MCAUSE), (1n << 63n) | 7n);
});

test('mret is illegal outside M; wfi exits the loop with RV_EXIT_WFI', () => {
  const m = new SysMachine();
  m.load(RAM_BASE, [wfi()]);
  const r = m.runRaw();
  assert.equal(r.code, RV_EXIT_WFI);
  assert.equal(m.hart.pc, BigInt(RAM_BASE + 4), 'pc past the wfi');
  m.load(RAM_BASE, [mret()]);
  m.hart.pc = BigInt(RAM_BASE);
  m.hart.priv = Priv.S;
  const r2 = m.runRaw();
  assert.equal(r2.cause, Excp.ILLEGAL_INSN);
  assert.equal(r2.tval, BigInt(mret()));
});

test('the helpers\' sstatus fast path (int32 halves) matches readCsr and writeCsr', () => {
  // Two harts in the same random states; one written through writeCsr, the other through writeSstatusLo.
  let seed = 12345;
  const rand32 = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
  const rand64 = (): bigint => (BigInt(rand32() >>> 0) << 32n) | BigInt(rand32() >>> 0);
  const exitRequestW = (CPU_BASE + Cpu.EXIT_REQUEST) >> 2;
  const a = new SysMachine(), b = new SysMachine();
  const words = new Int32Array(2);
  for (let i = 0; i < 500; i++) {
    const mstatus = rand64(), mie = rand64(), mip = rand64(), value = rand64();
    for (const m of [a, b]) {
      m.hart.writeCsr(Csr.MSTATUS, mstatus);
      m.hart.writeCsr(Csr.MIE, mie);
      m.hart.writeCsr(Csr.MIP, mip);
      m.mem.i32[exitRequestW] = 0;
    }
    b.hart.readSstatusInto(words, 0);
    assert.equal((BigInt(words[1]! >>> 0) << 32n) | BigInt(words[0]! >>> 0), a.hart.readCsr(Csr.SSTATUS), `read ${i}`);
    a.hart.writeCsr(Csr.SSTATUS, value);
    b.hart.writeSstatusLo(Number(value & 0xffffffffn) | 0);
    assert.equal(b.hart.readCsr(Csr.MSTATUS), a.hart.readCsr(Csr.MSTATUS), `write ${i}`);
    assert.equal(b.mem.i32[exitRequestW], a.mem.i32[exitRequestW], `exit request after write ${i}`);
  }
});
