import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGuestException } from '../../src/exec/exception.js';
import { MemOp } from '../../src/memory/memop.js';
import { Access, FaultKind, Prot } from '../../src/memory/softmmu-api.js';
import { codeTlbIndex, PAGE_SIZE, TlbEntry, tlbEntryOffset } from '../../src/memory/tlb-layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { helperRet, makeMmu } from './fakes.js';

const RW = Prot.READ | Prot.WRITE;
const RWX = Prot.READ | Prot.WRITE | Prot.EXEC;

function entry(mem: LinearMemory, mmuIdx: number, vaddrLo: number) {
  const at = tlbEntryOffset(mmuIdx, vaddrLo);
  return {
    read: mem.readU64(at + TlbEntry.READ_TAG),
    write: mem.readU64(at + TlbEntry.WRITE_TAG),
    code: mem.readU64(at + TlbEntry.CODE_TAG),
    addend: mem.i32[(at + TlbEntry.ADDEND) >> 2]!,
  };
}

const INVALID = 0xffffffffffffffffn;

function expectFault(fn: () => void): void {
  assert.throws(fn, (e: unknown) => isGuestException(e));
}

test('a fresh TLB has every tag invalid', () => {
  const { mem } = makeMmu();
  for (const [mmu, v] of [[0, 0], [3, 0x5000], [7, 0x3ff000]] as const) {
    const e = entry(mem, mmu, v);
    assert.equal(e.read, INVALID);
    assert.equal(e.write, INVALID);
    assert.equal(e.code, INVALID);
  }
});

test('a miss fills the entry with tags for what prot allows, and the next access hits', () => {
  const { mem, map, mmu, hostPage } = makeMmu();
  map.map(0x10000, hostPage(2), Prot.READ | Prot.EXEC);
  mem.u32[(hostPage(2) + 0x10) >> 2] = 0xdeadbeef;
  mmu.load(0x10010, 0, MemOp.S32, 0);
  assert.equal(helperRet(mem), 0xdeadbeefn);
  const e = entry(mem, 0, 0x10010);
  assert.equal(e.read, 0x10000n);
  assert.equal(e.write, INVALID);
  assert.equal(e.code, 0x10000n);
  assert.equal((0x10010 + e.addend) >>> 0, hostPage(2) + 0x10, 'addend maps vaddr to the host offset');
  const before = map.translations;
  mmu.load(0x10014, 0, MemOp.S32, 0);
  assert.equal(map.translations, before, 'second access is a TLB hit');
});

test('high addresses use both tag halves', () => {
  const { mem, map, mmu, hostPage } = makeMmu();
  const vaddr = 0xffffffc0_00201000;
  map.map(Number(BigInt(vaddr) & ~0xfffn) , hostPage(1), RW);
  mmu.store(0x00201008, 0xffffffc0, 0x11223344, 0x55667788, MemOp.S64, 1);
  const e = entry(mem, 1, 0x00201008);
  assert.equal(e.read, 0xffffffc0_00201000n);
  assert.equal(e.write, 0xffffffc0_00201000n);
  assert.equal(mem.readU64(hostPage(1) + 8), 0x5566778811223344n);
  mmu.flushPage(0x00201000, 0xffffffc0);
  assert.equal(entry(mem, 1, 0x00201008).read, INVALID);
});

test('loads extend by size and sign, and swap bytes for BSWAP', () => {
  const { mem, map, mmu, hostPage } = makeMmu();
  map.map(0x4000, hostPage(0), RW);
  mem.writeU64(hostPage(0), 0x8899aabbccddeeffn);
  const cases: [number, bigint][] = [
    [MemOp.S8, 0xffn],
    [MemOp.S8 | MemOp.SIGN, 0xffffffffffffffffn],
    [MemOp.S16, 0xeeffn],
    [MemOp.S16 | MemOp.SIGN, 0xffffffffffffeeffn],
    [MemOp.S32, 0xccddeeffn],
    [MemOp.S32 | MemOp.SIGN, 0xffffffffccddeeffn],
    [MemOp.S64, 0x8899aabbccddeeffn],
    [MemOp.S16 | MemOp.BSWAP, 0xffeen],
    [MemOp.S16 | MemOp.BSWAP | MemOp.SIGN, 0xffffffffffffffeen],
    [MemOp.S32 | MemOp.BSWAP, 0xffeeddccn],
    [MemOp.S64 | MemOp.BSWAP, 0xffeeddccbbaa9988n],
  ];
  for (const [memop, want] of cases) {
    mmu.load(0x4000, 0, memop, 0);
    assert.equal(helperRet(mem), want, `memop 0x${memop.toString(16)}`);
  }
  mem.writeU64(hostPage(0) + 8, 0x7f7f7f7f7f7f7f7fn);
  mmu.load(0x4008, 0, MemOp.S32 | MemOp.SIGN, 0);
  assert.equal(helperRet(mem), 0x7f7f7f7fn, 'positive values are not sign-filled');
});

test('stores write the low bits, byte-swapped for BSWAP', () => {
  const { mem, map, mmu, hostPage } = makeMmu();
  map.map(0x4000, hostPage(0), RW);
  mmu.store(0x4000, 0, 0x12345678, 0x9abcdef0 | 0, MemOp.S64, 0);
  assert.equal(mem.readU64(hostPage(0)), 0x9abcdef012345678n);
  mmu.store(0x4008, 0, 0x12345678, 0, MemOp.S16 | MemOp.BSWAP, 0);
  assert.equal(mem.readU64(hostPage(0) + 8), 0x7856n);
  mmu.store(0x4010, 0, 0x12345678, 0x9abcdef0 | 0, MemOp.S64 | MemOp.BSWAP, 0);
  assert.equal(mem.readU64(hostPage(0) + 16), 0x78563412f0debc9an);
  mmu.store(0x4018, 0, 0x1ff, 0, MemOp.S8, 0);
  assert.equal(mem.u8[hostPage(0) + 0x18], 0xff);
  assert.equal(mem.u8[hostPage(0) + 0x19], 0, 'an 8-bit store leaves the next byte alone');
});

test('misaligned accesses crossing into a second (non-adjacent) host page', () => {
  const { mem, map, mmu, hostPage } = makeMmu();
  map.map(0x7000, hostPage(5), RW);
  map.map(0x8000, hostPage(1), RW);
  mmu.store(0x7ffd, 0, 0x44332211, 0x88776655 | 0, MemOp.S64, 0);
  assert.deepEqual([...mem.u8.subarray(hostPage(5) + PAGE_SIZE - 3, hostPage(5) + PAGE_SIZE)], [0x11, 0x22, 0x33]);
  assert.deepEqual([...mem.u8.subarray(hostPage(1), hostPage(1) + 5)], [0x44, 0x55, 0x66, 0x77, 0x88]);
  mmu.load(0x7ffd, 0, MemOp.S64, 0);
  assert.equal(helperRet(mem), 0x8877665544332211n);
  mmu.load(0x7fff, 0, MemOp.S32 | MemOp.SIGN, 0);
  assert.equal(helperRet(mem), 0x66554433n);
  mmu.load(0x7ffe, 0, MemOp.S32 | MemOp.BSWAP, 0);
  assert.equal(helperRet(mem), 0x22334455n);
  mmu.load(0x7001, 0, MemOp.S16 | MemOp.SIGN, 0); // misaligned inside one page
  assert.equal(helperRet(mem), 0n);
});

test('a misaligned store whose second page faults writes nothing', () => {
  const { mem, map, mmu, faults, hostPage } = makeMmu();
  map.map(0x7000, hostPage(5), RW);
  mem.u8.fill(0xaa, hostPage(5) + PAGE_SIZE - 4, hostPage(5) + PAGE_SIZE);
  expectFault(() => mmu.store(0x7ffe, 0, -1, -1, MemOp.S32, 0));
  assert.deepEqual(faults.faults.at(-1), { access: Access.Write, fault: FaultKind.Unmapped, lo: 0x8000, hi: 0 });
  assert.deepEqual([...mem.u8.subarray(hostPage(5) + PAGE_SIZE - 2, hostPage(5) + PAGE_SIZE)], [0xaa, 0xaa]);
});

test('MemOp.ALIGN raises Misaligned; faults carry the access kind and address', () => {
  const { map, mmu, faults, hostPage } = makeMmu();
  map.map(0x4000, hostPage(0), Prot.READ);
  expectFault(() => mmu.load(0x4002, 0, MemOp.S32 | MemOp.ALIGN, 0));
  assert.deepEqual(faults.faults.at(-1), { access: Access.Read, fault: FaultKind.Misaligned, lo: 0x4002, hi: 0 });
  expectFault(() => mmu.store(0x4001, 0, 0, 0, MemOp.S16 | MemOp.ALIGN, 0));
  assert.deepEqual(faults.faults.at(-1), { access: Access.Write, fault: FaultKind.Misaligned, lo: 0x4001, hi: 0 });
  mmu.load(0x4004, 0, MemOp.S32 | MemOp.ALIGN, 0); // aligned: fine
  expectFault(() => mmu.store(0x4000, 0, 1, 0, MemOp.S32, 0));
  assert.deepEqual(faults.faults.at(-1), { access: Access.Write, fault: FaultKind.Protection, lo: 0x4000, hi: 0 });
  expectFault(() => mmu.load(0x9000, 0, MemOp.S8, 0));
  assert.deepEqual(faults.faults.at(-1), { access: Access.Read, fault: FaultKind.Unmapped, lo: 0x9000, hi: 0 });
});

test('code pages lose their write tag and stores to them call onCodeWrite first', () => {
  const { mem, map, mmu, hostPage } = makeMmu();
  map.map(0x10000, hostPage(3), RWX);
  map.map(0x20000, hostPage(3), RW); // an alias of the same host page
  mmu.store(0x10000, 0, 1, 0, MemOp.S32, 0);
  mmu.store(0x20000, 0, 2, 0, MemOp.S32, 2);
  assert.equal(entry(mem, 0, 0x10000).write, 0x10000n);
  const hp = hostPage(3) >>> 12;
  mmu.protectCodePage(hp);
  assert.equal(entry(mem, 0, 0x10000).write, INVALID);
  assert.equal(entry(mem, 2, 0x20000).write, INVALID, 'aliases lose the write tag too');
  assert.equal(entry(mem, 0, 0x10000).read, 0x10000n, 'reads still hit');
  const seen: [number, number][] = [];
  mmu.onCodeWrite = (page) => seen.push([page, mem.u32[hostPage(3) >> 2]!]);
  mmu.store(0x10000, 0, 7, 0, MemOp.S32, 0);
  assert.deepEqual(seen, [[hp, 2]], 'callback ran before the store landed');
  assert.equal(mem.u32[hostPage(3) >> 2], 7);
  mmu.flushAll();
  mmu.load(0x20000, 0, MemOp.S32, 2);
  assert.equal(entry(mem, 2, 0x20000).write, INVALID, 'a fill of a code page gets no write tag');
  mmu.unprotectCodePage(hp);
  assert.equal(entry(mem, 2, 0x20000).write, 0x20000n, 'unprotect restores the write tag');
  mmu.store(0x20000, 0, 9, 0, MemOp.S32, 2);
  assert.equal(seen.length, 1, 'no callback once the page holds no code');
});

test('fetchCode16 goes through the code tag; the fetcher records host pages', () => {
  const { mem, map, mmu, faults, hostPage } = makeMmu();
  map.map(0x1000, hostPage(4), Prot.READ | Prot.EXEC);
  map.map(0x2000, hostPage(9), Prot.READ | Prot.EXEC);
  map.map(0x3000, hostPage(10), Prot.READ);
  mem.u16[(hostPage(4) + 2) >> 1] = 0x1234;
  mem.u8[hostPage(4) + PAGE_SIZE - 1] = 0xcd;
  mem.u8[hostPage(9)] = 0xab;
  const f = mmu.codeFetcher(0);
  assert.equal(f.fetch16(0x1002, 0), 0x1234);
  assert.equal(entry(mem, codeTlbIndex(0), 0x1002).code, 0x1000n, 'fetches fill the code table of the MMU index');
  assert.notEqual(entry(mem, 0, 0x1002).code, 0x1000n, 'not the data table');
  assert.deepEqual(f.hostPages, [hostPage(4) >>> 12]);
  assert.equal(f.fetch16(0x1fff, 0), 0xabcd, 'a fetch may straddle two pages');
  assert.deepEqual(f.hostPages, [hostPage(4) >>> 12, hostPage(9) >>> 12]);
  expectFault(() => mmu.fetchCode16(0x3000, 0, 0));
  assert.deepEqual(faults.faults.at(-1), { access: Access.Fetch, fault: FaultKind.Protection, lo: 0x3000, hi: 0 });
  expectFault(() => mmu.fetchCode16(0x2ffe + 0x1001, 0, 0));
  assert.equal(mmu.codeHostPage(0x1000, 0, 0), hostPage(4) >>> 12);
  assert.equal(mmu.codeHostPage(0x5000, 0, 0), -1);
});

test('flushes: page, mmu index, all', () => {
  const { mem, map, mmu, hostPage } = makeMmu();
  map.map(0x1000, hostPage(0), RW);
  map.map(0x2000, hostPage(1), RW);
  for (const idx of [0, 1]) {
    mmu.load(0x1000, 0, MemOp.S8, idx);
    mmu.load(0x2000, 0, MemOp.S8, idx);
  }
  const gen = mmu.tlb.generation;
  mmu.flushPage(0x1abc, 0);
  assert.ok(mmu.tlb.generation > gen);
  assert.equal(entry(mem, 0, 0x1000).read, INVALID);
  assert.equal(entry(mem, 1, 0x1000).read, INVALID);
  assert.equal(entry(mem, 0, 0x2000).read, 0x2000n);
  mmu.flushMmu(1);
  assert.equal(entry(mem, 1, 0x2000).read, INVALID);
  assert.equal(entry(mem, 0, 0x2000).read, 0x2000n);
  mmu.flushAll();
  assert.equal(entry(mem, 0, 0x2000).read, INVALID);
});

test('GuestMemoryAccess: reads and writes across pages, null/false on faults', () => {
  const { mem, map, mmu, hostPage } = makeMmu();
  map.map(0x1000, hostPage(7), RW);
  map.map(0x2000, hostPage(2), RW);
  map.map(0x3000, hostPage(3), Prot.READ);
  const data = Uint8Array.from({ length: 10 }, (_, i) => i + 1);
  assert.equal(mmu.write(0x1ffb, data), true);
  assert.deepEqual([...mem.u8.subarray(hostPage(7) + PAGE_SIZE - 5, hostPage(7) + PAGE_SIZE)], [1, 2, 3, 4, 5]);
  assert.deepEqual([...mem.u8.subarray(hostPage(2), hostPage(2) + 5)], [6, 7, 8, 9, 10]);
  assert.deepEqual(mmu.read(0x1ffb, 10), data);
  assert.equal(mmu.read(0x3ff0, 0x20), null, 'runs into an unmapped page');
  assert.equal(mmu.write(0x2ffe, new Uint8Array([9, 9, 9, 9])), false, 'read-only second page');
  assert.deepEqual([...mem.u8.subarray(hostPage(2) + PAGE_SIZE - 2, hostPage(2) + PAGE_SIZE)], [0, 0], 'untouched');
  assert.equal(mmu.writeU64(0x1ffc, 0x0102030405060708n), true);
  assert.equal(mmu.readU64(0x1ffc), 0x0102030405060708n);
  assert.equal(mmu.writeU32(0x1100, 0xfedcba98), true);
  assert.equal(mmu.readU32(0x1100), 0xfedcba98);
  assert.equal(mmu.readU32(0x9000), null);
  assert.equal(mmu.writeU32(0x9000, 1), false);
  mmu.write(0x1ffe, new TextEncoder().encode('héllo\0'));
  assert.equal(mmu.readCString(0x1ffe), 'héllo');
  mem.u8.fill(0x41, hostPage(3), hostPage(3) + PAGE_SIZE);
  assert.equal(mmu.readCString(0x3000), null, 'no NUL before the unmapped page');
  assert.equal(mmu.readCString(0x3000, 16), null, 'no NUL within maxLen');
});

test('GuestMemoryAccess writes into a code page call onCodeWrite', () => {
  const { map, mmu, hostPage } = makeMmu();
  map.map(0x1000, hostPage(0), RWX);
  const hp = hostPage(0) >>> 12;
  mmu.protectCodePage(hp);
  const seen: number[] = [];
  mmu.onCodeWrite = (p) => seen.push(p);
  assert.equal(mmu.write(0x1010, new Uint8Array([1, 2])), true);
  assert.deepEqual(seen, [hp]);
  assert.equal(mmu.read(0x1010, 2)?.[1], 2);
});
