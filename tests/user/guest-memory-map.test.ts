import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuestMemoryMap, MapListener } from '../../src/user/guest-memory-map.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { PageAllocator } from '../../src/memory/page-allocator.js';
import { Access, FaultKind, PageLookup, Prot } from '../../src/memory/softmmu-api.js';
import { Errno } from '../../src/user/errno.js';
import { Madv, Map_, Mremap } from '../../src/user/linux-mman.js';

const ANON = Map_.PRIVATE | Map_.ANONYMOUS;
const RW = Prot.READ | Prot.WRITE;

function setup() {
  const mem = new LinearMemory();
  const pages = new PageAllocator(mem);
  const map = new GuestMemoryMap(mem, pages);
  const events = { flushed: [] as number[], flushAll: 0, freed: [] as number[], written: [] as number[] };
  const listener: MapListener = {
    flushPage: (lo, hi) => events.flushed.push(hi * 2 ** 32 + (lo >>> 0)),
    flushAll: () => events.flushAll++,
    hostPageFreed: (p) => events.freed.push(p),
    hostWritten: (p) => events.written.push(p),
  };
  map.listener = listener;
  return { mem, pages, map, events };
}

function lookup(map: GuestMemoryMap, addr: number, access: Access): [FaultKind, PageLookup] {
  const out: PageLookup = { host: 0, prot: 0 };
  return [map.translatePage(addr % 2 ** 32 | 0, Math.floor(addr / 2 ** 32), access, 0, out), out];
}

test('anonymous mappings are backed lazily and zero-filled', () => {
  const { map, pages } = setup();
  const before = pages.bytesInUse;
  const a = map.mmap(0, 1 << 30, 0, ANON);
  assert.equal(a, map.mmapBase);
  assert.equal(pages.bytesInUse, before, 'a 1 GiB PROT_NONE reservation costs no memory');
  const b = map.mmap(0, 3 * 4096, RW, ANON);
  assert.equal(b, a + (1 << 30));
  assert.equal(pages.bytesInUse, before);
  const [fault, out] = lookup(map, b + 4096 + 5, Access.Write);
  assert.equal(fault, FaultKind.None);
  assert.equal(out.prot & RW, RW);
  assert.equal(out.host % 4096, 0);
  assert.equal(pages.bytesInUse, before + 4096, 'one page allocated on first touch');
  assert.deepEqual(map.read(b, 8), new Uint8Array(8));
});

test('translatePage reports unmapped and protection faults', () => {
  const { map } = setup();
  const ro = map.mmap(0, 4096, Prot.READ, ANON);
  assert.equal(lookup(map, ro, Access.Read)[0], FaultKind.None);
  assert.equal(lookup(map, ro, Access.Write)[0], FaultKind.Protection);
  assert.equal(lookup(map, ro, Access.Fetch)[0], FaultKind.Protection);
  assert.equal(lookup(map, ro + 4096, Access.Read)[0], FaultKind.Unmapped);
  assert.equal(lookup(map, 2 ** 47 + 4096, Access.Read)[0], FaultKind.Unmapped);
});

test('MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses, hints are honoured when free', () => {
  const { map } = setup();
  const a = map.mmap(0x200000, 8192, RW, ANON | Map_.FIXED);
  assert.equal(a, 0x200000);
  map.write(a, new Uint8Array([1, 2, 3]));
  assert.equal(map.mmap(0x200000, 4096, RW, ANON | Map_.FIXED_NOREPLACE), -Errno.EEXIST);
  assert.equal(map.mmap(0x200000, 4096, RW, ANON | Map_.FIXED), 0x200000);
  assert.deepEqual(map.read(a, 3), new Uint8Array(3), 'fixed replacement gives fresh zero pages');
  assert.equal(map.mmap(0x300000, 4096, RW, ANON), 0x300000, 'free hint used');
  assert.equal(map.mmap(0x200000, 4096, RW, ANON), map.mmapBase, 'busy hint ignored');
  assert.equal(map.mmap(0x200001, 4096, RW, ANON | Map_.FIXED), -Errno.EINVAL);
});

test('file-backed mappings read their contents; the tail past EOF is zero', () => {
  const { map } = setup();
  const content = new Uint8Array(5000).map((_, i) => i & 0xff);
  const file = { read: (dst: Uint8Array, off: number, len: number, pos: number) => {
    const n = Math.max(0, Math.min(len, content.length - pos));
    dst.set(content.subarray(pos, pos + n), off);
    return n;
  } };
  const a = map.mmap(0, 8192, Prot.READ, Map_.PRIVATE, file, 0, 'f');
  assert.deepEqual(map.read(a, 5000), content);
  assert.deepEqual(map.read(a + 5000, 100), new Uint8Array(100));
  const b = map.mmap(0, 4096, Prot.READ, Map_.PRIVATE, file, 4096, 'f');
  assert.deepEqual(map.read(b, 904), content.subarray(4096));
});

test('munmap frees pages, flushes the TLB and tells the loop', () => {
  const { map, events } = setup();
  const a = map.mmap(0, 4 * 4096, RW, ANON);
  map.write(a + 4096, new Uint8Array([7]));
  events.flushed.length = 0;
  assert.equal(map.munmap(a, 2 * 4096), 0);
  assert.equal(events.freed.length, 1);
  assert.deepEqual(events.flushed, [a, a + 4096]);
  assert.equal(map.findRegion(a), null);
  assert.notEqual(map.findRegion(a + 2 * 4096), null);
  assert.equal(map.munmap(a + 1, 4096), -Errno.EINVAL);
});

test('mprotect splits regions and flushes; ENOMEM on holes', () => {
  const { map, events } = setup();
  const a = map.mmap(0, 3 * 4096, RW, ANON);
  events.flushed.length = 0;
  assert.equal(map.mprotect(a + 4096, 4096, Prot.READ), 0);
  assert.deepEqual(map.listRegions().map((r) => r.prot), [RW, Prot.READ, RW]);
  assert.deepEqual(events.flushed, [a + 4096]);
  assert.equal(map.mprotect(a + 4096, 4096, RW), 0);
  assert.equal(map.listRegions().length, 1, 'equal neighbours merge again');
  assert.equal(map.mprotect(a + 4096, 4096, Prot.READ), 0);
  assert.equal(map.write(a + 4096, new Uint8Array(1)), false);
  assert.equal(map.write(a, new Uint8Array(1)), true);
  assert.equal(map.mprotect(a, 5 * 4096, Prot.READ), -Errno.ENOMEM);
});

test('mremap grows in place, moves with MAYMOVE keeping contents, shrinks', () => {
  const { map } = setup();
  const a = map.mmap(0, 4096, RW, ANON);
  map.write(a, new Uint8Array([42]));
  assert.equal(map.mremap(a, 4096, 8192, 0, 0), a, 'room after it: grows in place');
  const blocker = map.mmap(a + 8192, 4096, RW, ANON | Map_.FIXED);
  assert.equal(blocker, a + 8192);
  assert.equal(map.mremap(a, 8192, 16384, 0, 0), -Errno.ENOMEM);
  const moved = map.mremap(a, 8192, 16384, Mremap.MAYMOVE, 0);
  assert.ok(moved > 0 && moved !== a);
  assert.deepEqual(map.read(moved, 1), new Uint8Array([42]));
  assert.equal(map.findRegion(a), null);
  assert.equal(map.mremap(moved, 16384, 4096, 0, 0), moved);
  assert.equal(map.findRegion(moved + 4096), null);
});

test('brk grows and shrinks the heap after the image', () => {
  const { map } = setup();
  map.initBrk(0x100000);
  assert.equal(map.brk(0), 0x100000);
  assert.equal(map.brk(0x100800), 0x100800);
  map.write(0x100700, new Uint8Array([5]));
  assert.equal(map.brk(0x103000), 0x103000);
  assert.deepEqual(map.read(0x100700, 1), new Uint8Array([5]));
  assert.equal(map.brk(0x100600), 0x100600);
  assert.equal(map.brk(0x100800), 0x100800);
  assert.deepEqual(map.read(0x100700, 1), new Uint8Array([0]), 'memory above a lowered break reads as zero');
  assert.equal(map.brk(0x1000), 0x100800, 'below the start: unchanged');
  map.mmap(0x200000, 4096, RW, ANON | Map_.FIXED);
  assert.equal(map.brk(0x300000), 0x100800, 'collision: unchanged');
});

test('madvise(DONTNEED) zeroes anonymous memory', () => {
  const { map } = setup();
  const a = map.mmap(0, 8192, RW, ANON);
  map.write(a, new Uint8Array([1, 2, 3]));
  assert.equal(map.madvise(a, 8192, Madv.DONTNEED), 0);
  assert.deepEqual(map.read(a, 3), new Uint8Array(3));
});

test('host-side writes report the touched host pages (for code invalidation)', () => {
  const { map, events } = setup();
  const a = map.mmap(0, 8192, RW, ANON);
  map.write(a + 4090, new Uint8Array(10));
  assert.equal(events.written.length, 2);
  map.write(a + 8191, new Uint8Array([65]));
  assert.equal(map.readCString(a + 8192 - 1), null, 'unterminated at the end of the mapping');
});

test('fork snapshot/restore brings back the parent map and frees only child pages', () => {
  const { map, pages } = setup();
  const a = map.mmap(0, 2 * 4096, RW, ANON);
  map.write(a, new Uint8Array([1]));
  const parentRegions = map.listRegions();
  const inUse = pages.bytesInUse;
  const snap = map.snapshot();
  // The child unmaps the parent's page, maps and touches its own.
  map.munmap(a, 2 * 4096);
  const b = map.mmap(0, 4096, RW, ANON);
  map.write(b, new Uint8Array([2]));
  assert.equal(pages.bytesInUse, inUse + 4096, "the parent's freed page is held back, not reused");
  map.restore(snap);
  assert.deepEqual(map.listRegions(), parentRegions);
  assert.deepEqual(map.read(a, 1), new Uint8Array([1]), 'the parent page still backs its address');
  assert.equal(pages.bytesInUse, inUse, "the child's page went back to the allocator");
});
