// Trap entry and exit: delegation, the saved state, vectored interrupts,
// interrupt priorities, mret / sret privilege transitions and their checks
// (TSR, TW), ecall causes per privilege, and the privileged decode patterns.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cpu, CPU_BASE } from '../../src/memory/layout.js';
import { Excp } from '../../src/target/riscv/cpu-layout.js';
import { findAmbiguities, USER_DECODER } from '../../src/target/riscv/decoder.js';
import { compilePattern } from '../../src/target/riscv/decode-spec.js';
import { Csr, Irq, Mip, Mstatus, Priv } from '../../src/target/riscv/system/csr-layout.js';
import { PRIV_PATTERNS } from '../../src/target/riscv/system/priv-insns.js';
import { R, addi, ecall } from '../riscv/rv-asm.js';
import { RAM_BASE, SysMachine, csrr, csrw, mret, sret, wfi } from './sys-machine.js';

const { a0, a1 } = R;
const INT = 1n << 63n;
const mpp = (ms: bigint): number => Number((ms >> 11n) & 3n);

test('the privileged patterns decode and do not overlap the user ISA', () => {
  const all = [...USER_DECODER.patterns, ...PRIV_PATTERNS.map(compilePattern)];
  assert.deepEqual(findAmbiguities(all), []);
  const d = USER_DECODER.extend(PRIV_PATTERNS);
  assert.equal(d.decode(mret())!.pattern.name, 'mret');
  assert.equal(d.decode(sret())!.pattern.name, 'sret');
  assert.equal(d.decode(wfi())!.pattern.name, 'wfi');
  assert.equal(d.decode(0x12b50073)!.pattern.name, 'sfence.vma'); // sfence.vma a0, a1
  assert.equal(d.decode(ecall())!.pattern.name, 'ecall');
});

test('every f-register instruction carries fpRegs (the FS gate keys on it)', () => {
  for (const p of USER_DECODER.patterns) {
    const fp = /^(c\.)?f(?!ence)/.test(p.name);
    assert.equal(p.fpRegs !== undefined, fp, p.name);
  }
});

test('exception from U, not delegated: M state', () => {
  const { hart } = new SysMachine();
  hart.writeCsr(Csr.MTVEC, 0x80001001n); // vectored: exceptions still go to base
  hart.writeCsr(Csr.MSTATUS, Mstatus.MIE | Mstatus.SIE);
  hart.priv = Priv.U;
  hart.pc = 0x1234n;
  hart.takeTrap(Excp.LOAD_PAGE_FAULT, 0xdeadn, false);
  assert.equal(hart.priv, Priv.M);
  assert.equal(hart.pc, 0x80001000n);
  assert.equal(hart.readCsr(Csr.MEPC), 0x1234n);
  assert.equal(hart.readCsr(Csr.MCAUSE), 13n);
  assert.equal(hart.readCsr(Csr.MTVAL), 0xdeadn);
  const ms = hart.readCsr(Csr.MSTATUS);
  assert.equal(mpp(ms), Priv.U);
  assert.equal(ms & (Mstatus.MIE | Mstatus.MPIE | Mstatus.SIE), Mstatus.MPIE | Mstatus.SIE);
});

test('exception from U, delegated: S state; from M the same cause stays in M', () => {
  const { hart } = new SysMachine();
  hart.writeCsr(Csr.MEDELEG, 1n << 8n);
  hart.writeCsr(Csr.STVEC, 0x80002000n);
  hart.writeCsr(Csr.MTVEC, 0x80001000n);
  hart.writeCsr(Csr.MSTATUS, Mstatus.SIE);
  hart.priv = Priv.U;
  hart.pc = 0x4000n;
  hart.takeTrap(Excp.ECALL_U, 0n, false);
  assert.equal(hart.priv, Priv.S);
  assert.equal(hart.pc, 0x80002000n);
  assert.equal(hart.readCsr(Csr.SEPC), 0x4000n);
  assert.equal(hart.readCsr(Csr.SCAUSE), 8n);
  let ms = hart.readCsr(Csr.MSTATUS);
  assert.equal(ms & (Mstatus.SPP | Mstatus.SPIE | Mstatus.SIE), Mstatus.SPIE, 'SPP = U, SPIE = old SIE, SIE = 0');
  assert.equal(hart.readCsr(Csr.MCAUSE), 0n, 'M registers untouched');

  // From S: SPP = S.
  hart.pc = 0x5000n;
  hart.takeTrap(Excp.ECALL_U, 0n, false);
  ms = hart.readCsr(Csr.MSTATUS);
  assert.equal(ms & (Mstatus.SPP | Mstatus.SPIE), Mstatus.SPP, 'SPP = S, SPIE = SIE (0)');

  // From M, delegation does not apply.
  hart.priv = Priv.M;
  hart.takeTrap(Excp.ECALL_U, 0n, false);
  assert.equal(hart.priv, Priv.M);
  assert.equal(hart.pc, 0x80001000n);
  assert.equal(mpp(hart.readCsr(Csr.MSTATUS)), Priv.M);
});

test('interrupts: vectored entry at base + 4 * cause, interrupt bit in xcause', () => {
  const { hart } = new SysMachine();
  hart.writeCsr(Csr.MIDELEG, BigInt(Mip.STIP));
  hart.writeCsr(Csr.STVEC, 0x80002001n);
  hart.writeCsr(Csr.MTVEC, 0x80001001n);
  hart.priv = Priv.U;
  hart.takeTrap(Irq.STI, 0n, true);
  assert.equal(hart.priv, Priv.S);
  assert.equal(hart.pc, 0x80002000n + 4n * 5n);
  assert.equal(hart.readCsr(Csr.SCAUSE), INT | 5n);
  hart.takeTrap(Irq.MEI, 0n, true);
  assert.equal(hart.priv, Priv.M);
  assert.equal(hart.pc, 0x80001000n + 4n * 11n);
  assert.equal(hart.readCsr(Csr.MCAUSE), INT | 11n);
  assert.equal(mpp(hart.readCsr(Csr.MSTATUS)), Priv.S);
});

test('interrupt selection: priorities, delegation, global enables per privilege', () => {
  const { hart } = new SysMachine();
  const pend = (lines: number[], sw: number): void => {
    for (const irq of [Irq.MSI, Irq.MTI, Irq.MEI, Irq.SEI]) hart.setInterruptLine(irq, lines.includes(irq));
    hart.writeCsr(Csr.MIP, BigInt(sw));
  };
  hart.writeCsr(Csr.MIE, 0xaaan);

  // M mode, MIE = 0: nothing; MIE = 1: the M order MEI > MSI > MTI > SEI > SSI > STI.
  pend([Irq.MTI, Irq.MSI, Irq.MEI], Mip.SSIP | Mip.STIP | Mip.SEIP);
  assert.equal(hart.pendingInterrupt(), -1);
  hart.writeCsr(Csr.MSTATUS, Mstatus.MIE);
  const order: number[] = [];
  for (let i = 0; i < 6; i++) {
    const irq = hart.pendingInterrupt();
    order.push(irq);
    if (irq === Irq.MSI || irq === Irq.MTI || irq === Irq.MEI) hart.setInterruptLine(irq, false);
    else hart.writeCsr(Csr.MIP, hart.readCsr(Csr.MIP) & ~(1n << BigInt(irq)));
  }
  assert.deepEqual(order, [Irq.MEI, Irq.MSI, Irq.MTI, Irq.SEI, Irq.SSI, Irq.STI]);
  assert.equal(hart.pendingInterrupt(), -1);

  // Delegated interrupts are never taken in M, even with SIE.
  hart.writeCsr(Csr.MIDELEG, BigInt(Mip.SSIP | Mip.STIP | Mip.SEIP));
  hart.writeCsr(Csr.MSTATUS, Mstatus.MIE | Mstatus.SIE);
  pend([], Mip.STIP);
  assert.equal(hart.pendingInterrupt(), -1);
  // In S: taken only with SIE; in U always.
  hart.priv = Priv.S;
  assert.equal(hart.pendingInterrupt(), Irq.STI);
  hart.writeCsr(Csr.MSTATUS, 0n);
  assert.equal(hart.pendingInterrupt(), -1);
  hart.priv = Priv.U;
  assert.equal(hart.pendingInterrupt(), Irq.STI);

  // An M interrupt preempts S and U whatever MIE says, and wins over S interrupts of higher rank.
  hart.priv = Priv.S;
  pend([Irq.MTI], Mip.SEIP);
  hart.writeCsr(Csr.MSTATUS, Mstatus.SIE);
  assert.equal(hart.pendingInterrupt(), Irq.MTI);
  // ... unless masked in mie.
  hart.writeCsr(Csr.MIE, BigInt(Mip.SEIP));
  assert.equal(hart.pendingInterrupt(), Irq.SEI);
  // wfi wakes on pending & mie regardless of the global enables.
  hart.writeCsr(Csr.MSTATUS, 0n);
  assert.equal(hart.pendingInterrupt(), -1);
  assert.ok(hart.wfiShouldWake());
  hart.writeCsr(Csr.MIE, 0n);
  assert.ok(!hart.wfiShouldWake());
});

test('M -> S -> U -> ecall (delegated to S) -> sret -> U -> ecall to M: the whole round trip', () => {
  const m = new SysMachine();
  const { hart } = m;
  const S_CODE = RAM_BASE + 0x1000, U_CODE = RAM_BASE + 0x2000, S_TRAP = RAM_BASE + 0x3000, M_TRAP = RAM_BASE + 0x4000;
  hart.writeCsr(Csr.MTVEC, BigInt(M_TRAP));
  hart.writeCsr(Csr.STVEC, BigInt(S_TRAP));
  hart.writeCsr(Csr.MEDELEG, 1n << 8n); // ecall from U goes to S
  hart.writeCsr(Csr.MEPC, BigInt(S_CODE));
  hart.writeCsr(Csr.MSTATUS, (1n << 11n) | Mstatus.MPIE); // MPP = S
  m.load(RAM_BASE, [mret()]);
  // S: sepc = U_CODE, SPP = U (reset value), sret.
  m.setX(a0, U_CODE);
  m.load(S_CODE, [csrw(Csr.SEPC, a0), sret()]);
  // U: a1 = 1, ecall (to S), then a1 = 2, ecall (M: scause check happens there).
  m.load(U_CODE, [addi(a1, 0, 1), ecall(), addi(a1, 0, 2), 0x00100073 /* ebreak */]);
  // S handler: sepc += 4, sret back.
  m.load(S_TRAP, [csrr(a0, Csr.SEPC), addi(a0, a0, 4), csrw(Csr.SEPC, a0), sret()]);
  m.load(M_TRAP, [wfi()]);
  const r = m.run();
  assert.equal(r.end, 'wfi');
  assert.deepEqual(r.traps.map((t) => t.cause), [Excp.ECALL_U, Excp.BREAKPOINT]);
  assert.equal(m.x(a1), 2n);
  assert.equal(hart.priv, Priv.M);
  assert.equal(hart.readCsr(Csr.MCAUSE), BigInt(Excp.BREAKPOINT));
  assert.equal(hart.readCsr(Csr.MEPC), BigInt(U_CODE + 12));
  assert.equal(hart.readCsr(Csr.MTVAL), BigInt(U_CODE + 12), 'ebreak: tval is the pc');
  assert.equal(mpp(hart.readCsr(Csr.MSTATUS)), Priv.U);
  assert.equal(hart.readCsr(Csr.SCAUSE), BigInt(Excp.ECALL_U));
  const ms = hart.readCsr(Csr.MSTATUS);
  assert.equal(ms & Mstatus.MIE, 0n, 'MIE cleared on entry');
  assert.equal(ms & Mstatus.MPIE, Mstatus.MPIE, 'MPIE = the MIE the first mret restored from MPIE');
});

test('ecall cause is 8 + privilege', () => {
  for (const [priv, cause] of [[Priv.U, Excp.ECALL_U], [Priv.S, Excp.ECALL_S], [Priv.M, Excp.ECALL_M]] as const) {
    const m = new SysMachine();
    m.load(RAM_BASE, [ecall()]);
    m.hart.priv = priv;
    assert.equal(m.runRaw().cause, cause);
  }
});

test('mret: MIE = MPIE, MPIE = 1, MPP = U, MPRV cleared unless returning to M', () => {
  const { hart } = new SysMachine();
  hart.writeCsr(Csr.MEPC, 0x1000n);
  hart.writeCsr(Csr.MSTATUS, Mstatus.MPIE | Mstatus.MPRV | (1n << 11n));
  assert.equal(hart.mret(), 0x1000n);
  assert.equal(hart.priv, Priv.S);
  let ms = hart.readCsr(Csr.MSTATUS);
  assert.equal(ms & (Mstatus.MIE | Mstatus.MPIE | Mstatus.MPP | Mstatus.MPRV), Mstatus.MIE | Mstatus.MPIE);
  hart.priv = Priv.M;
  hart.writeCsr(Csr.MSTATUS, Mstatus.MPRV | Mstatus.MPP);
  hart.mret();
  assert.equal(hart.priv, Priv.M);
  ms = hart.readCsr(Csr.MSTATUS);
  assert.equal(ms & (Mstatus.MIE | Mstatus.MPIE | Mstatus.MPRV | Mstatus.MPP), Mstatus.MPIE | Mstatus.MPRV, 'MPRV kept, MPP = U');
});

test('sret: SIE = SPIE, SPIE = 1, SPP = U, MPRV cleared; TSR makes it illegal in S but not in M', () => {
  const m = new SysMachine();
  const { hart } = m;
  hart.writeCsr(Csr.SEPC, BigInt(RAM_BASE + 0x100));
  hart.writeCsr(Csr.MSTATUS, Mstatus.SPIE | Mstatus.SPP | Mstatus.MPRV);
  hart.priv = Priv.S;
  assert.equal(hart.sret(), BigInt(RAM_BASE + 0x100));
  assert.equal(hart.priv, Priv.S);
  assert.equal(hart.readCsr(Csr.MSTATUS) & (Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.MPRV), Mstatus.SIE | Mstatus.SPIE);

  hart.writeCsr(Csr.MSTATUS, Mstatus.TSR);
  m.load(RAM_BASE, [sret()]);
  hart.pc = BigInt(RAM_BASE);
  const r = m.runRaw();
  assert.equal(r.cause, Excp.ILLEGAL_INSN);
  assert.equal(r.tval, BigInt(sret()));
  hart.priv = Priv.U;
  assert.equal(m.runRaw().cause, Excp.ILLEGAL_INSN, 'sret in U');
  hart.priv = Priv.M;
  m.load(RAM_BASE + 0x100, [ecall()]);
  const r2 = m.runRaw();
  assert.equal(r2.cause, Excp.ECALL_U, 'M may sret with TSR set: it reached U');
  assert.equal(hart.pc, BigInt(RAM_BASE + 0x100));
});

test('wfi: illegal in U, and in S with TW', () => {
  const m = new SysMachine();
  m.load(RAM_BASE, [wfi()]);
  m.hart.priv = Priv.U;
  assert.equal(m.runRaw().cause, Excp.ILLEGAL_INSN);
  m.hart.priv = Priv.S;
  m.hart.writeCsr(Csr.MSTATUS, Mstatus.TW);
  assert.equal(m.runRaw().cause, Excp.ILLEGAL_INSN);
  m.hart.writeCsr(Csr.MSTATUS, 0n);
  assert.equal(m.runRaw().code, 16);
});

test('a device line raised while interrupts are enabled requests an exit', () => {
  const m = new SysMachine();
  m.hart.writeCsr(Csr.MIE, BigInt(Mip.MEIP));
  m.hart.writeCsr(Csr.MSTATUS, Mstatus.MIE);
  const exitRequest = (CPU_BASE + Cpu.EXIT_REQUEST) >> 2;
  m.mem.i32[exitRequest] = 0;
  m.hart.setIrq(Irq.MEI, true); // the IrqSink entry point
  assert.equal(m.mem.i32[exitRequest], 1);
  assert.ok(m.hart.checkInterrupts());
  assert.equal(m.hart.readCsr(Csr.MCAUSE), INT | 11n);
  assert.ok(!m.hart.checkInterrupts(), 'MIE is now clear');
});
