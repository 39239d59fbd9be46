import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ElfError, ET_DYN, parseElf } from '../../src/user/elf.js';
import { GuestMemoryMap } from '../../src/user/guest-memory-map.js';
import { loadElfImage } from '../../src/user/loader.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { PageAllocator } from '../../src/memory/page-allocator.js';
import { Prot } from '../../src/memory/softmmu-api.js';
import { buildElf, helloElf } from './elf-builder.js';

function freshMap(): GuestMemoryMap {
  const mem = new LinearMemory();
  return new GuestMemoryMap(mem, new PageAllocator(mem));
}

test('parses a static executable', () => {
  const elf = parseElf(helloElf());
  assert.equal(elf.entry, 0x10000);
  assert.equal(elf.loads.length, 1);
  assert.equal(elf.interp, null);
  assert.equal(elf.minVaddr, 0x10000);
});

test('reads PT_INTERP', () => {
  const img = buildElf({ type: ET_DYN, entry: 0x100, interp: '/lib/ld-linux-riscv64-lp64d.so.1', segments: [{ vaddr: 0, flags: 5, data: new Uint8Array(0x200) }] });
  assert.equal(parseElf(img).interp, '/lib/ld-linux-riscv64-lp64d.so.1');
});

function expectElfError(img: Uint8Array, pattern: RegExp): void {
  assert.throws(() => parseElf(img), (e: unknown) => e instanceof ElfError && pattern.test(e.message));
}

test('rejects corrupt and foreign images with clear messages', () => {
  const good = helloElf();
  expectElfError(Buffer.from('#!/bin/sh\necho hi\n'), /not an ELF/);
  expectElfError(good.slice(0, 40), /truncated ELF header/);
  const cls32 = good.slice(); cls32[4] = 1;
  expectElfError(cls32, /64-bit/);
  const bigEndian = good.slice(); bigEndian[5] = 2;
  expectElfError(bigEndian, /little-endian/);
  expectElfError(buildElf({ machine: 62, entry: 0x10000, segments: [{ vaddr: 0x10000, flags: 5, data: new Uint8Array(8) }] }), /architecture/);
  expectElfError(buildElf({ type: 1, entry: 0, segments: [{ vaddr: 0x10000, flags: 5, data: new Uint8Array(8) }] }), /not an executable/);
  expectElfError(good.slice(0, 100), /truncated program headers/);
  expectElfError(good.slice(0, good.length - 4), /past the end of the file/);
  const fileBiggerThanMem = good.slice();
  new DataView(fileBiggerThanMem.buffer).setBigUint64(64 + 40, 1n, true);
  expectElfError(fileBiggerThanMem, /file size larger than memory size/);
  const huge = good.slice();
  new DataView(huge.buffer).setBigUint64(64 + 16, 1n << 60n, true);
  expectElfError(huge, /out of range|outside/);
  const noLoads = good.slice();
  new DataView(noLoads.buffer).setUint32(64, 4, true); // PT_NOTE
  expectElfError(noLoads, /no loadable segments/);
});

test('loads segments with bss zeroed and protections set', () => {
  const map = freshMap();
  const text = new Uint8Array([1, 2, 3, 4]);
  const data = new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]);
  const img = buildElf({
    entry: 0x10000,
    segments: [
      { vaddr: 0x10000, flags: 5, data: text },
      { vaddr: 0x12ff8, flags: 6, data, memsz: 0x2000 },
    ],
  });
  const loaded = loadElfImage(map, parseElf(img), 'test');
  assert.equal(loaded.bias, 0);
  assert.equal(loaded.end, 0x12ff8 + 0x2000);
  assert.deepEqual(map.read(0x10000, 4), text);
  assert.deepEqual(map.read(0x12ff8, 8), data);
  assert.deepEqual(map.read(0x13000, 16), new Uint8Array(16));
  assert.equal(map.findRegion(0x10000)!.prot, Prot.READ | Prot.EXEC);
  assert.equal(map.findRegion(0x14000)!.prot, Prot.READ | Prot.WRITE);
  // Read-only text refuses host-side writes that respect protection.
  assert.equal(map.write(0x10000, new Uint8Array(1)), false);
});

test('places ET_DYN images at the mmap base', () => {
  const map = freshMap();
  const img = buildElf({ type: ET_DYN, entry: 0x10, segments: [{ vaddr: 0, flags: 5, data: new Uint8Array(64) }] });
  const loaded = loadElfImage(map, parseElf(img), 'pie');
  assert.equal(loaded.bias, map.mmapBase);
  assert.equal(loaded.entry, map.mmapBase + 0x10);
});
