// The Sv39 / Sv48 page-table walker: walks with superpages, misaligned
// superpages, canonical addresses, A/D updates, the U/SUM/MXR permission
// matrix, reserved bits, access faults; then the same rules seen from guest
// code (fault causes and tval, SUM, MXR, MPRV, sfence.vma, satp switches).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Access, FaultKind, PageLookup, Prot } from '../../src/memory/softmmu-api.js';
import { Excp } from '../../src/target/riscv/cpu-layout.js';
import { Csr, Mstatus, Priv } from '../../src/target/riscv/system/csr-layout.js';
import { MmuIdx } from '../../src/target/riscv/system/mmu.js';
import { R, addi, amo, jalr, ld, sd } from '../riscv/rv-asm.js';
import {
  A_, D_, PageTables, RAM_BASE, R_, SysMachine, U_, W_, X_, csrc, csrs, sfenceVma, wfi,
} from './sys-machine.js';

const { a0, a1, a2 } = R;
const DATA_PA = RAM_BASE + 0x10_0000;
const M_TRAP = RAM_BASE + 0x8000;
const S_CODE = RAM_BASE + 0x1000;
const KERNEL = R_ | W_ | X_ | A_ | D_;

function split(va: bigint): [number, number] {
  return [Number(va & 0xffffffffn) | 0, Number((va >> 32n) & 0xffffffffn) | 0];
}

/** translatePage on the hart's walker, as the SoftMmu calls it. */
function walk(m: SysMachine, va: bigint, access: Access, idx: number): { fault: FaultKind; host: number; prot: number; accessFault: boolean } {
  const out: PageLookup = { host: -1, prot: 0 };
  const fault = m.hart.mmu.translatePage(...split(va), access, idx, out);
  return { fault, host: out.host, prot: out.prot, accessFault: m.hart.mmu.lastFaultIsAccessFault };
}

function paging(levels: 3 | 4 = 3): { m: SysMachine; pt: PageTables } {
  const m = new SysMachine();
  const pt = new PageTables(m, levels);
  m.hart.writeCsr(Csr.SATP, pt.satp);
  return { m, pt };
}

test('Sv39: 4 KiB page, megapage, gigapage; bare M ignores satp', () => {
  const { m, pt } = paging();
  pt.map(0x1000n, DATA_PA, R_ | W_ | A_ | D_);
  pt.map(0x4020_0000n, RAM_BASE + 0x20_0000, R_ | A_, 1);
  pt.map(0xc000_0000n, RAM_BASE, R_ | X_ | A_, 2);
  const ram = (pa: number) => m.ram.ramHost(pa);
  let r = walk(m, 0x1abcn, Access.Read, MmuIdx.S);
  assert.deepEqual([r.fault, r.host, r.prot], [FaultKind.None, ram(DATA_PA), Prot.READ | Prot.WRITE]);
  r = walk(m, 0x4020_3008n, Access.Read, MmuIdx.S);
  assert.deepEqual([r.fault, r.host, r.prot], [FaultKind.None, ram(RAM_BASE + 0x20_3000), Prot.READ]);
  r = walk(m, 0xc012_3000n, Access.Fetch, MmuIdx.S);
  assert.deepEqual([r.fault, r.host, r.prot], [FaultKind.None, ram(RAM_BASE + 0x12_3000), Prot.READ | Prot.EXEC]);
  r = walk(m, 0x2000n, Access.Read, MmuIdx.S);
  assert.equal(r.fault, FaultKind.Unmapped);
  r = walk(m, BigInt(RAM_BASE + 0x5000), Access.Fetch, MmuIdx.M);
  assert.deepEqual([r.fault, r.host, r.prot], [FaultKind.None, ram(RAM_BASE + 0x5000), Prot.READ | Prot.WRITE | Prot.EXEC]);
});

test('Sv39: misaligned superpages and non-canonical addresses are page faults; high canonical addresses walk', () => {
  const { m, pt } = paging();
  pt.map(0x4020_0000n, RAM_BASE + 0x20_1000, R_ | A_, 1);
  pt.map(0x8000_0000n, RAM_BASE + 0x20_0000, R_ | A_, 2);
  assert.equal(walk(m, 0x4020_0000n, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped);
  assert.equal(walk(m, 0x8000_0000n, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped);
  const high = 0xffff_ffc0_0000_0000n; // the top 1 GiB slot... the first of the upper half
  pt.map(high, RAM_BASE, R_ | A_, 2);
  assert.equal(walk(m, high + 0x3000n, Access.Read, MmuIdx.S).host, m.ram.ramHost(RAM_BASE + 0x3000));
  // Bit 38 set without 63:39: not canonical (the same vpn[2] as `high`).
  assert.equal(walk(m, 0x0000_0040_0000_0000n, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped);
  assert.equal(walk(m, 0x8000_0000_0000_1000n, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped);
});

test('Sv48: four levels, a 512 GiB page, 48-bit canonical addresses', () => {
  const { m, pt } = paging(4);
  pt.map(0x7f00_0000_1000n, DATA_PA, R_ | A_);
  pt.map(0x80_0000_0000n, 0, R_ | W_ | A_ | D_, 3); // terapage at physical 0
  pt.map(0x100_4000_0000n, RAM_BASE + 0x1000, R_ | A_, 2); // misaligned gigapage
  assert.equal(walk(m, 0x7f00_0000_1234n, Access.Read, MmuIdx.S).host, m.ram.ramHost(DATA_PA));
  assert.equal(walk(m, 0x80_8000_2000n, Access.Write, MmuIdx.S).host, m.ram.ramHost(RAM_BASE + 0x2000));
  assert.equal(walk(m, 0x100_4000_0000n, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped);
  assert.equal(walk(m, 0x0000_8000_0000_0000n, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped, 'bit 47 without 63:48');
  const r = walk(m, 0x80_0000_1000n, Access.Read, MmuIdx.S); // physical 0x1000: no memory there
  assert.deepEqual([r.fault !== FaultKind.None, r.accessFault], [true, true]);
});

test('A and D are set in the PTE; a clean page is not writable through the TLB', () => {
  const { m, pt } = paging();
  const pte = pt.map(0x1000n, DATA_PA, R_ | W_);
  const r = walk(m, 0x1000n, Access.Read, MmuIdx.S);
  assert.equal(r.prot, Prot.READ, 'no WRITE until D is set');
  assert.equal(m.physU64(pte) & (A_ | D_), A_);
  const w = walk(m, 0x1000n, Access.Write, MmuIdx.S);
  assert.equal(w.prot, Prot.READ | Prot.WRITE);
  assert.equal(m.physU64(pte) & (A_ | D_), A_ | D_);
  const x = pt.map(0x2000n, DATA_PA, X_);
  walk(m, 0x2000n, Access.Fetch, MmuIdx.S);
  assert.equal(m.physU64(x) & (A_ | D_), A_);
  const f = pt.map(0x3000n, DATA_PA, R_);
  assert.equal(walk(m, 0x3000n, Access.Write, MmuIdx.S).fault, FaultKind.Protection);
  assert.equal(m.physU64(f) & A_, 0n, 'a faulting access leaves A alone');
});

test('permission matrix: U bit, SUM, MXR, R/W/X for every privilege and access', () => {
  const { m, pt } = paging();
  const perms: [string, bigint][] = [['R', R_], ['RW', R_ | W_], ['X', X_], ['RX', R_ | X_], ['RWX', R_ | W_ | X_]];
  let checked = 0;
  for (const mxr of [false, true]) {
    m.hart.writeCsr(Csr.MSTATUS, mxr ? Mstatus.MXR : 0n);
    for (const [name, p] of perms) {
      for (const user of [false, true]) {
        const va = 0x10_0000n + BigInt(checked) * 0x1000n;
        pt.map(va, DATA_PA, p | (user ? U_ : 0n) | A_ | D_);
        for (const idx of [MmuIdx.U, MmuIdx.S, MmuIdx.S_SUM]) {
          for (const access of [Access.Read, Access.Write, Access.Fetch]) {
            // The spec, stated independently of the walker.
            let ok: boolean;
            if (idx === MmuIdx.U) ok = user;
            else ok = !user || (idx === MmuIdx.S_SUM && access !== Access.Fetch);
            const r = (p & R_) !== 0n || (mxr && (p & X_) !== 0n);
            if (access === Access.Read) ok &&= r;
            if (access === Access.Write) ok &&= (p & W_) !== 0n;
            if (access === Access.Fetch) ok &&= (p & X_) !== 0n;
            const got = walk(m, va, access, idx);
            const what = `${name}${user ? '+U' : ''} idx=${idx} access=${access} mxr=${mxr}`;
            assert.equal(got.fault === FaultKind.None, ok, what);
            if (!ok) assert.ok(!got.accessFault, `${what}: a page fault`);
          }
        }
        checked++;
      }
    }
  }
  assert.equal(checked, 20);
});

test('invalid PTEs: V clear, W without R, reserved bits, PBMT, N, a pointer at level 0', () => {
  const { m, pt } = paging();
  const bad: [string, bigint][] = [
    ['W only', W_ | A_ | D_], ['W+X only', W_ | X_ | A_ | D_],
    ['reserved bit 54', R_ | A_ | (1n << 54n)], ['PBMT', R_ | A_ | (1n << 61n)], ['N', R_ | A_ | (1n << 63n)],
  ];
  bad.forEach(([name, flags], i) => {
    const va = 0x20_0000n + BigInt(i) * 0x1000n;
    pt.map(va, DATA_PA, flags);
    assert.equal(walk(m, va, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped, name);
  });
  const va = 0x30_0000n;
  const addr = pt.pteAddr(va, 0);
  m.setPhysU64(addr, (BigInt(DATA_PA / 4096) << 10n) & ~1n | R_);
  assert.equal(walk(m, va, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped, 'V clear');
  m.setPhysU64(addr, (BigInt(DATA_PA / 4096) << 10n) | 1n);
  assert.equal(walk(m, va, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped, 'non-leaf at level 0');
  // A, D or U on a pointer PTE: reserved.
  for (const bit of [A_, D_, U_]) {
    const p = new PageTables(m, 3, 0x8003_0000 + Number(bit) * 0x1000);
    m.hart.writeCsr(Csr.SATP, p.satp);
    p.map(0x1000n, DATA_PA, R_ | A_);
    assert.equal(walk(m, 0x1000n, Access.Read, MmuIdx.S).fault, FaultKind.None);
    const root = p.pteAddr(0x1000n, 2);
    m.setPhysU64(root, m.physU64(root) | bit);
    assert.equal(walk(m, 0x1000n, Access.Read, MmuIdx.S).fault, FaultKind.Unmapped, `pointer with ${bit}`);
  }
});

test('access faults: page tables or pages outside memory', () => {
  const { m, pt } = paging();
  pt.map(0x1000n, 0x1000_0000, R_ | W_ | A_ | D_);
  let r = walk(m, 0x1000n, Access.Read, MmuIdx.S);
  assert.ok(r.fault !== FaultKind.None && r.accessFault, 'leaf to a hole');
  m.setPhysU64(pt.pteAddr(0x40_0000n, 1), (0x2000_0000n / 4096n << 10n) | 1n); // next-level table in a hole
  r = walk(m, 0x40_0000n, Access.Read, MmuIdx.S);
  assert.ok(r.fault !== FaultKind.None && r.accessFault, 'PTE in a hole');
  r = walk(m, 0x1000_0000n, Access.Read, MmuIdx.M);
  assert.ok(r.accessFault, 'bare M access to a hole');
  r = walk(m, 0x2000n, Access.Read, MmuIdx.S);
  assert.ok(!r.accessFault, 'flag reset by the next walk');
});

// --- from guest code ------------------------------------------------------------------

/** Paging on, the kernel identity-mapped with a gigapage, traps to M at M_TRAP (which stops). S mode at S_CODE. */
function kernel(levels: 3 | 4 = 3): { m: SysMachine; pt: PageTables } {
  const { m, pt } = paging(levels);
  pt.map(BigInt(RAM_BASE), RAM_BASE, KERNEL, 2);
  m.hart.writeCsr(Csr.MTVEC, BigInt(M_TRAP));
  m.load(M_TRAP, [wfi()]);
  m.hart.priv = Priv.S;
  m.hart.pc = BigInt(S_CODE);
  return { m, pt };
}

function trapOf(m: SysMachine): { cause: bigint; tval: bigint; epc: bigint } {
  const r = m.run();
  assert.equal(r.end, 'wfi');
  return { cause: m.hart.readCsr(Csr.MCAUSE), tval: m.hart.readCsr(Csr.MTVAL), epc: m.hart.readCsr(Csr.MEPC) };
}

test('guest faults: load, store, AMO and fetch page faults carry the virtual address', () => {
  const cases: [string, (m: SysMachine) => number[], bigint, bigint][] = [
    ['load unmapped', () => [ld(a0, a1, 8)], 13n, 0x5008n],
    ['store to read-only', () => [sd(a0, a2, 16)], 15n, 0x6010n],
    ['AMO to read-only', () => [amo(0, 3, a0, a2, a0)], 15n, 0x6000n],
    ['fetch from no-exec', () => [jalr(0, a2, 0)], 12n, 0x6000n],
  ];
  for (const [name, prog, cause, tval] of cases) {
    const { m, pt } = kernel();
    pt.map(0x6000n, DATA_PA, R_ | A_);
    m.setX(a1, 0x5000n);
    m.setX(a2, 0x6000n);
    m.load(S_CODE, [...prog(m), wfi()]);
    const t = trapOf(m);
    assert.deepEqual([t.cause, t.tval], [cause, tval], name);
  }
});

test('guest faults: access faults (load 5, store 7, fetch 1) for pages outside memory', () => {
  const cases: [string, number[], bigint][] = [
    ['load', [ld(a0, a1, 0)], 5n], ['store', [sd(a0, a1, 0)], 7n], ['fetch', [jalr(0, a1, 0)], 1n],
  ];
  for (const [name, prog, cause] of cases) {
    const { m, pt } = kernel();
    pt.map(0x7000n, 0x1000_0000, KERNEL);
    m.setX(a1, 0x7000n);
    m.load(S_CODE, [...prog, wfi()]);
    const t = trapOf(m);
    assert.deepEqual([t.cause, t.tval], [cause, 0x7000n], name);
  }
});

test('SUM from guest code: S reads a user page only with sstatus.SUM, and never executes it', () => {
  const { m, pt } = kernel();
  pt.map(0x8000n, DATA_PA, R_ | W_ | X_ | U_ | A_ | D_);
  m.setPhysU64(DATA_PA, 0x1122334455667788n);
  m.setX(a1, 0x8000n);
  m.setX(a2, Number(Mstatus.SUM));
  // Load with SUM (ok), clear SUM, load again (fault).
  m.load(S_CODE, [csrs(Csr.SSTATUS, a2), ld(a0, a1, 0), csrc(Csr.SSTATUS, a2), ld(a0, a1, 0), wfi()]);
  const t = trapOf(m);
  assert.equal(m.x(a0), 0x1122334455667788n);
  assert.deepEqual([t.cause, t.tval, t.epc], [13n, 0x8000n, BigInt(S_CODE + 12)]);
});

test('MXR from guest code: execute-only pages become readable; clearing MXR flushes that', () => {
  const { m, pt } = kernel();
  pt.map(0x9000n, DATA_PA, X_ | A_);
  m.setPhysU64(DATA_PA, 42n);
  m.setX(a1, 0x9000n);
  m.setX(a2, Number(Mstatus.MXR));
  m.hart.priv = Priv.M; // mstatus is M's; the loads below run under MPRV as S
  m.hart.writeCsr(Csr.MSTATUS, Mstatus.MPRV | (1n << 11n));
  m.load(RAM_BASE, [csrs(Csr.MSTATUS, a2), ld(a0, a1, 0), csrc(Csr.MSTATUS, a2), ld(a0, a1, 0), wfi()]);
  m.hart.pc = BigInt(RAM_BASE);
  m.hart.writeCsr(Csr.MTVEC, BigInt(M_TRAP));
  const r = m.run();
  assert.equal(r.end, 'wfi');
  assert.equal(m.x(a0), 42n);
  assert.deepEqual(r.traps.map((t) => [t.cause, t.tval]), [[Excp.LOAD_PAGE_FAULT, 0x9000n]]);
  assert.equal(m.hart.readCsr(Csr.MEPC), BigInt(RAM_BASE + 12));
});

test('MPRV: M-mode loads and stores translate as MPP; fetches stay physical; mret to S clears MPRV', () => {
  const { m, pt } = kernel();
  pt.map(0xa000n, DATA_PA, R_ | W_ | A_ | D_);
  m.hart.priv = Priv.M;
  m.hart.writeCsr(Csr.MSTATUS, Mstatus.MPRV | (1n << 11n)); // MPP = S
  m.setX(a1, 0xa000n);
  m.setX(a2, 0x55n);
  m.load(RAM_BASE, [sd(a2, a1, 0), ld(a0, a1, 0), wfi()]);
  m.hart.pc = BigInt(RAM_BASE);
  assert.equal(m.run().end, 'wfi');
  assert.equal(m.physU64(DATA_PA), 0x55n, 'the store went through the page table');
  assert.equal(m.x(a0), 0x55n);

  // MPP = U: the page is not a user page.
  m.hart.writeCsr(Csr.MSTATUS, Mstatus.MPRV);
  m.load(RAM_BASE, [ld(a0, a1, 0), wfi()]);
  m.hart.pc = BigInt(RAM_BASE);
  const r = m.run();
  assert.deepEqual(r.traps.map((t) => [t.cause, t.tval]), [[Excp.LOAD_PAGE_FAULT, 0xa000n]]);

  // MPP = M: physical.
  m.hart.writeCsr(Csr.MSTATUS, Mstatus.MPRV | Mstatus.MPP);
  m.setX(a1, BigInt(DATA_PA));
  m.load(RAM_BASE, [ld(a0, a1, 0), wfi()]);
  m.hart.pc = BigInt(RAM_BASE);
  m.setX(a0, 0n);
  assert.equal(m.run().end, 'wfi');
  assert.equal(m.x(a0), 0x55n);
});

test('sfence.vma: a changed PTE is seen after sfence.vma (one page), superpages are dropped whole', () => {
  const { m, pt } = kernel();
  const pte = pt.map(0xb000n, DATA_PA, R_ | A_);
  const mega = pt.map(0x60_0000n, RAM_BASE + 0x20_0000, R_ | A_, 1);
  m.setPhysU64(DATA_PA, 1n);
  m.setPhysU64(DATA_PA + 0x1000, 2n);
  m.setPhysU64(RAM_BASE + 0x20_0000, 3n);
  m.setPhysU64(RAM_BASE + 0x20_1000, 4n);
  m.setX(a1, 0xb000n);
  m.setX(12, 0x60_0000n);
  m.setX(13, 0x60_1000n);
  // Warm the TLB, then the test rewrites the PTEs while the guest waits in wfi.
  m.load(S_CODE, [ld(a0, a1, 0), ld(14, 12, 0), ld(15, 13, 0), wfi()]);
  assert.equal(m.run().end, 'wfi');
  assert.deepEqual([m.x(a0), m.x(14), m.x(15)], [1n, 3n, 4n]);

  m.setPhysU64(pte, (BigInt((DATA_PA + 0x1000) / 4096) << 10n) | R_ | A_ | 1n);
  // Map the megapage 2 MiB lower in physical memory... onto the first 2 MiB of RAM.
  m.setPhysU64(mega, (BigInt(RAM_BASE / 4096) << 10n) | R_ | A_ | 1n);
  m.load(S_CODE + 0x100, [sfenceVma(a1, 0), ld(a0, a1, 0), sfenceVma(12, 0), ld(15, 13, 0), wfi()]);
  m.hart.priv = Priv.S;
  m.hart.pc = BigInt(S_CODE + 0x100);
  assert.equal(m.run().end, 'wfi');
  assert.equal(m.x(a0), 2n, 'the page flush saw the new PTE');
  // 0x60_1000 is in the same megapage as the flushed 0x60_0000: it now maps RAM_BASE + 0x1000.
  assert.equal(m.x(15), m.physU64(RAM_BASE + 0x1000));
  assert.notEqual(m.x(15), 4n);
});

test('sfence.vma is illegal in U and in S with TVM; satp writes switch address spaces', () => {
  const { m, pt } = kernel();
  m.hart.writeCsr(Csr.MSTATUS, Mstatus.TVM);
  m.load(S_CODE, [sfenceVma(0, 0), wfi()]);
  assert.equal(trapOf(m).cause, BigInt(Excp.ILLEGAL_INSN));

  // Two address spaces mapping 0xc000 differently; csrw satp switches between them.
  const { m: m2, pt: pt2 } = kernel();
  const other = new PageTables(m2, 3, RAM_BASE + 0x30000);
  other.map(BigInt(RAM_BASE), RAM_BASE, KERNEL, 2);
  pt2.map(0xc000n, DATA_PA, R_ | A_);
  other.map(0xc000n, DATA_PA + 0x1000, R_ | A_);
  m2.setPhysU64(DATA_PA, 10n);
  m2.setPhysU64(DATA_PA + 0x1000, 20n);
  m2.setX(a1, 0xc000n);
  m2.setX(a2, other.satp);
  m2.load(S_CODE, [ld(a0, a1, 0), 0x18061073 /* csrw satp, a2 */, ld(13, a1, 0), wfi()]);
  assert.equal(m2.run().end, 'wfi');
  assert.deepEqual([m2.x(a0), m2.x(13)], [10n, 20n]);
  void pt;
});

test('U-mode program under Sv48 with a trap delegated to S', () => {
  const { m, pt } = kernel(4);
  const U_VA = 0x7fff_0000_0000n;
  pt.map(U_VA, RAM_BASE + 0x2000, R_ | X_ | U_ | A_);
  pt.map(U_VA + 0x1000n, DATA_PA, R_ | W_ | U_ | A_ | D_);
  m.load(RAM_BASE + 0x2000, [addi(a0, 0, 7), sd(a0, a1, 0), ld(a2, a1, 0), sd(a0, 0, 0x100)]);
  m.setX(a1, U_VA + 0x1000n);
  m.hart.writeCsr(Csr.MEDELEG, 1n << 15n);
  m.hart.writeCsr(Csr.STVEC, BigInt(S_CODE));
  m.load(S_CODE, [wfi()]);
  m.hart.priv = Priv.U;
  m.hart.pc = U_VA;
  const r = m.run();
  assert.equal(r.end, 'wfi');
  assert.equal(m.x(a2), 7n);
  assert.equal(m.physU64(DATA_PA), 7n);
  assert.equal(m.hart.priv, Priv.S);
  assert.equal(m.hart.readCsr(Csr.SCAUSE), 15n);
  assert.equal(m.hart.readCsr(Csr.STVAL), 0x100n);
  assert.equal(m.hart.readCsr(Csr.SEPC), U_VA + 12n);
});

test("Linux's relocate trick: csrw satp, the next fetch page-faults into a virtual stvec", () => {
  const m = new SysMachine();
  const pt = new PageTables(m, 3);
  const KVA = 0xffff_ffff_8000_0000n; // the kernel's virtual base maps RAM
  pt.map(KVA, RAM_BASE, KERNEL, 2);
  m.hart.writeCsr(Csr.MEDELEG, 1n << 12n);
  m.setX(a1, KVA + 0x1100n);
  m.setX(a2, pt.satp);
  // Physical code at RAM_BASE + 0x1000: stvec = its virtual alias, then paging on.
  m.load(RAM_BASE + 0x1000, [0x10559073 /* csrw stvec, a1 */, 0x18061073 /* csrw satp, a2 */, addi(a0, 0, 1), wfi()]);
  m.load(RAM_BASE + 0x1100, [addi(a0, 0, 2), wfi()]);
  m.hart.priv = Priv.S;
  m.hart.pc = BigInt(RAM_BASE + 0x1000);
  const r = m.run();
  assert.equal(r.end, 'wfi');
  assert.deepEqual(r.traps.map((t) => [t.cause, t.tval]), [[Excp.INSN_PAGE_FAULT, BigInt(RAM_BASE + 0x1008)]]);
  assert.equal(m.x(a0), 2n, 'continued at the virtual address');
  assert.equal(m.hart.pc, KVA + 0x1108n);
  assert.equal(m.hart.priv, Priv.S);
});
