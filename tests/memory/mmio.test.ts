import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGuestException } from '../../src/exec/exception.js';
import { PhysicalMemoryMap } from '../../src/memory/address-space.js';
import { GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemOp } from '../../src/memory/memop.js';
import { Access, FaultKind, PageLookup, PageTranslator, Prot } from '../../src/memory/softmmu-api.js';
import { SoftMmu } from '../../src/memory/softmmu.js';
import { PAGE_SIZE, TlbEntry, tlbEntryOffset } from '../../src/memory/tlb-layout.js';
import { FakeFaults, helperRet } from './fakes.js';

const RWX = Prot.READ | Prot.WRITE | Prot.EXEC;
const INVALID = 0xffffffffffffffffn;
const RAM_BASE = 0x8000_0000;
const DEV_BASE = 0x1000_0000;

/** Bare (identity) translation through the physical map, as M mode with no paging; offset vaddr if `shift`. */
class IdentityTranslator implements PageTranslator {
  translations = 0;
  shift = 0;
  constructor(private readonly phys: PhysicalMemoryMap) {}
  translatePage(vaddrLo: number, vaddrHi: number, _a: Access, _m: number, out: PageLookup): FaultKind {
    this.translations++;
    const paddr = (vaddrHi >>> 0) * 2 ** 32 + (vaddrLo >>> 0) + this.shift;
    return this.phys.lookupPage(paddr, RWX, out) ? FaultKind.None : FaultKind.Unmapped;
  }
}

interface Access8 { kind: 'r' | 'w'; offset: number; size: number; value?: number | bigint }

function makeSystem() {
  const mem = new LinearMemory(GUEST_BASE + 16 * PAGE_SIZE);
  const phys = new PhysicalMemoryMap(mem);
  phys.addRam('ram', RAM_BASE, 8 * PAGE_SIZE, GUEST_BASE);
  const log: Access8[] = [];
  const regs = new Map<number, bigint>();
  phys.addMmio('dev', DEV_BASE, 0x2000, {
    read(offset, size) {
      log.push({ kind: 'r', offset, size });
      if (size === 8) return regs.get(offset) ?? 0x1122334455667788n;
      return Number(regs.get(offset) ?? BigInt(0xa0 + offset)) ;
    },
    write(offset, size, value) {
      log.push({ kind: 'w', offset, size, value });
      regs.set(offset, BigInt(value));
    },
  });
  const tr = new IdentityTranslator(phys);
  const faults = new FakeFaults(mem);
  const mmu = new SoftMmu(mem, tr, faults);
  mmu.mmioBus = phys;
  return { mem, phys, tr, faults, mmu, log, regs };
}

function tags(mem: LinearMemory, mmuIdx: number, vaddrLo: number) {
  const at = tlbEntryOffset(mmuIdx, vaddrLo);
  return [mem.readU64(at + TlbEntry.READ_TAG), mem.readU64(at + TlbEntry.WRITE_TAG), mem.readU64(at + TlbEntry.CODE_TAG)];
}

test('PhysicalMemoryMap: RAM pages give a host offset, device pages their physical page, holes nothing', () => {
  const { phys } = makeSystem();
  const out: PageLookup = { host: 0, prot: 0 };
  assert.ok(phys.lookupPage(RAM_BASE + 0x1234, RWX, out));
  assert.equal(out.host, GUEST_BASE + 0x1000);
  assert.equal(out.mmioPage, -1);
  assert.equal(out.prot, RWX);
  assert.ok(phys.lookupPage(DEV_BASE + 0x1008, RWX, out));
  assert.equal(out.mmioPage, DEV_BASE + 0x1000);
  assert.equal(out.prot, Prot.READ | Prot.WRITE, 'device pages are never executable');
  assert.equal(phys.lookupPage(0x4000_0000, RWX, out), false);
  assert.equal(phys.ramHost(RAM_BASE + 8 * PAGE_SIZE), -1);
});

test('PhysicalMemoryMap: overlapping regions are refused', () => {
  const { phys } = makeSystem();
  assert.throws(() => phys.addMmio('x', DEV_BASE + 0x1000, 0x1000, { read: () => 0, write: () => {} }), /overlaps dev/);
  assert.throws(() => phys.addRam('r', RAM_BASE + 4 * PAGE_SIZE, PAGE_SIZE, GUEST_BASE), /overlaps ram/);
});

test('device loads of 1/2/4/8 bytes reach the device at the right offset and extend per MemOp', () => {
  const { mem, mmu, log } = makeSystem();
  mmu.load(DEV_BASE + 0x10, 0, MemOp.S8, 0);
  assert.equal(helperRet(mem), 0xb0n);
  mmu.load(DEV_BASE + 0x12, 0, MemOp.S16 | MemOp.SIGN, 0);
  assert.equal(helperRet(mem), 0xb2n);
  mmu.load(DEV_BASE + 0x1004, 0, MemOp.S32, 0);
  assert.equal(helperRet(mem), BigInt(0xa0 + 0x1004));
  mmu.load(DEV_BASE + 0x18, 0, MemOp.S64, 0);
  assert.equal(helperRet(mem), 0x1122334455667788n);
  assert.deepEqual(log, [
    { kind: 'r', offset: 0x10, size: 1 },
    { kind: 'r', offset: 0x12, size: 2 },
    { kind: 'r', offset: 0x1004, size: 4 },
    { kind: 'r', offset: 0x18, size: 8 },
  ]);
});

test('device stores pass numbers for 1/2/4 bytes and a bigint for 8', () => {
  const { mem, mmu, log, regs } = makeSystem();
  mmu.store(DEV_BASE + 1, 0, 0x1ff, 0, MemOp.S8, 0);
  mmu.store(DEV_BASE + 2, 0, 0xfedcba98, 0, MemOp.S16, 0);
  mmu.store(DEV_BASE + 4, 0, 0xfedcba98 | 0, 0, MemOp.S32, 0);
  mmu.store(DEV_BASE + 8, 0, 0x55667788, 0x11223344, MemOp.S64, 0);
  assert.deepEqual(log, [
    { kind: 'w', offset: 1, size: 1, value: 0xff },
    { kind: 'w', offset: 2, size: 2, value: 0xba98 },
    { kind: 'w', offset: 4, size: 4, value: 0xfedcba98 },
    { kind: 'w', offset: 8, size: 8, value: 0x1122334455667788n },
  ]);
  mmu.load(DEV_BASE + 4, 0, (MemOp.S32 | MemOp.SIGN), 0);
  assert.equal(helperRet(mem), 0xfffffffffedcba98n, 'a signed 32-bit device read is sign-extended');
  assert.equal(regs.get(8), 0x1122334455667788n);
});

test('a device page never gets inline tags, and the slow path remembers it without translating again', () => {
  const { mem, mmu, tr, log } = makeSystem();
  mmu.load(DEV_BASE, 0, MemOp.S32, 2);
  assert.deepEqual(tags(mem, 2, DEV_BASE), [INVALID, INVALID, INVALID]);
  const before = tr.translations;
  mmu.load(DEV_BASE + 4, 0, MemOp.S32, 2);
  mmu.store(DEV_BASE + 8, 0, 1, 0, MemOp.S32, 2);
  assert.equal(tr.translations, before, 'the JS-side table answers the next accesses');
  assert.equal(log.length, 3);
  mmu.flushAll();
  mmu.load(DEV_BASE + 4, 0, MemOp.S32, 2);
  assert.equal(tr.translations, before + 1, 'a flush drops the device page too');
  mmu.flushPage(DEV_BASE, 0);
  mmu.load(DEV_BASE + 4, 0, MemOp.S32, 2);
  assert.equal(tr.translations, before + 2, 'flushPage drops it');
});

test('a device fill evicts the RAM page sharing its TLB slot, and a RAM fill evicts the device page', () => {
  const { mem, mmu, tr } = makeSystem();
  // A virtual page that aliases the device page's TLB index maps RAM.
  const ramAlias = RAM_BASE; // both have index bits (vaddr >> 12) & 1023 == 0
  mem.u32[GUEST_BASE >> 2] = 0xcafe;
  mmu.load(ramAlias, 0, MemOp.S32, 0);
  assert.equal(helperRet(mem), 0xcafen);
  assert.equal(tags(mem, 0, ramAlias)[0], BigInt(ramAlias));
  mmu.load(DEV_BASE, 0, MemOp.S32, 0);
  assert.deepEqual(tags(mem, 0, ramAlias), [INVALID, INVALID, INVALID]);
  const before = tr.translations;
  mmu.load(ramAlias, 0, MemOp.S32, 0);
  assert.equal(tr.translations, before + 1);
  mmu.load(DEV_BASE, 0, MemOp.S32, 0);
  assert.equal(tr.translations, before + 2, 'the RAM fill dropped the remembered device page');
});

test('RAM through the physical map still uses the inline fast path', () => {
  const { mem, mmu } = makeSystem();
  mmu.store(RAM_BASE + 0x2008, 0, 0x12345678, 0, MemOp.S32, 1);
  assert.equal(mem.u32[(GUEST_BASE + 0x2008) >> 2], 0x12345678);
  assert.equal(tags(mem, 1, RAM_BASE + 0x2000)[1], BigInt(RAM_BASE + 0x2000));
});

test('a device page mapped at a different virtual address dispatches by physical address', () => {
  const { mmu, tr, log } = makeSystem();
  tr.shift = DEV_BASE - 0x4000_0000; // virtual 0x4000_0000 -> physical DEV_BASE
  mmu.store(0x4000_1010, 0, 7, 0, MemOp.S32, 0);
  assert.deepEqual(log, [{ kind: 'w', offset: 0x1010, size: 4, value: 7 }]);
});

test('misaligned device accesses, fetches from devices and holes raise; host-side access fails', () => {
  const { mmu, faults, log } = makeSystem();
  assert.throws(() => mmu.load(DEV_BASE + 2, 0, MemOp.S32, 0), (e: unknown) => isGuestException(e));
  assert.equal(faults.faults.at(-1)!.fault, FaultKind.Protection);
  assert.throws(() => mmu.fetchCode16(DEV_BASE, 0, 0), (e: unknown) => isGuestException(e));
  assert.equal(faults.faults.at(-1)!.access, Access.Fetch);
  assert.throws(() => mmu.store(0x3000_0000, 0, 0, 0, MemOp.S32, 0), (e: unknown) => isGuestException(e));
  assert.equal(faults.faults.at(-1)!.fault, FaultKind.Unmapped);
  assert.equal(mmu.readU32(DEV_BASE), null);
  assert.equal(log.length, 0, 'the device saw none of these');
});

test('unassigned device accesses inside a device page read 0 and report', () => {
  const mem = new LinearMemory(GUEST_BASE + 4 * PAGE_SIZE);
  const phys = new PhysicalMemoryMap(mem);
  phys.addMmio('small', DEV_BASE, 0x100, { read: () => 1, write: () => {} });
  const seen: number[] = [];
  phys.onUnassigned = (p) => seen.push(p);
  const mmu = new SoftMmu(mem, new IdentityTranslator(phys), new FakeFaults(mem));
  mmu.mmioBus = phys;
  mmu.load(DEV_BASE + 0x200, 0, MemOp.S32, 0);
  assert.equal(helperRet(mem), 0n);
  assert.deepEqual(seen, [DEV_BASE + 0x200]);
});

test('writePhys / readPhys copy into and out of RAM regions', () => {
  const { phys, mmu, mem } = makeSystem();
  phys.writePhys(RAM_BASE + 0x10, new Uint8Array([1, 2, 3, 4]));
  mmu.load(RAM_BASE + 0x10, 0, MemOp.S32, 0);
  assert.equal(helperRet(mem), 0x04030201n);
  assert.deepEqual([...phys.readPhys(RAM_BASE + 0x11, 2)], [2, 3]);
  assert.throws(() => phys.writePhys(RAM_BASE + 8 * PAGE_SIZE - 2, new Uint8Array(4)), /not RAM/);
});
