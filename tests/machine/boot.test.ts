import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PhysicalMemoryMap } from '../../src/memory/address-space.js';
import { GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import {
  bootVirt, FW_DYNAMIC_INFO_MAGIC, parseElf64, parseLinuxImageHeader,
} from '../../src/machine/boot.js';
import { fdtFind, fdtPropCells, fdtPropStrings, parseFdt } from '../../src/machine/fdt.js';
import { FileImage, ImageReadError } from '../../src/machine/image-source.js';

const MiB = 1 << 20;
const RAM = 0x8000_0000;

function makeRam(size: number) {
  const mem = new LinearMemory(GUEST_BASE + size);
  const phys = new PhysicalMemoryMap(mem);
  phys.addRam('ram', RAM, size, GUEST_BASE);
  return phys;
}

/** A fake raw RISC-V Linux Image: the 64-byte header and some bytes. */
function fakeImage(length: number, textOffset = 0x200000, imageSize = length): Uint8Array {
  const img = new Uint8Array(length).fill(0x13);
  const dv = new DataView(img.buffer);
  dv.setUint32(0, 0x0400006f, true); // code0: j +64
  dv.setBigUint64(0x08, BigInt(textOffset), true);
  dv.setBigUint64(0x10, BigInt(imageSize), true);
  dv.setBigUint64(0x18, 0n, true); // flags: little-endian kernel
  dv.setUint32(0x20, 2, true);
  img.set(new TextEncoder().encode('RISCV\0\0\0'), 0x30);
  img.set([0x52, 0x53, 0x43, 0x05], 0x38);
  return img;
}

/** A minimal ELF64 RISC-V file with one PT_LOAD of `body` at paddr and the given entry. */
function fakeElf(paddr: number | bigint, entry: number | bigint, body: Uint8Array, memSize = body.length): Uint8Array {
  const f = new Uint8Array(0x78 + body.length);
  const dv = new DataView(f.buffer);
  f.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 243, true); // EM_RISCV
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, 0x40n, true); // phoff
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, 1, true);
  dv.setUint32(0x40, 1, true); // PT_LOAD
  dv.setBigUint64(0x40 + 8, 0x78n, true);
  dv.setBigUint64(0x40 + 16, BigInt(paddr), true);
  dv.setBigUint64(0x40 + 24, BigInt(paddr), true);
  dv.setBigUint64(0x40 + 32, BigInt(body.length), true);
  dv.setBigUint64(0x40 + 40, BigInt(memSize), true);
  f.set(body, 0x78);
  return f;
}

function u64s(phys: PhysicalMemoryMap, addr: number, n: number): bigint[] {
  const b = phys.readPhys(addr, n * 8);
  const dv = new DataView(b.buffer);
  return Array.from({ length: n }, (_, i) => dv.getBigUint64(i * 8, true));
}

test('the Image header: magic2 at 0x38, text_offset and image_size', () => {
  const h = parseLinuxImageHeader(fakeImage(4096, 0x200000, 0x1234000));
  assert.deepEqual(h, { textOffset: 0x200000, imageSize: 0x1234000, flags: 0, version: 2 });
  assert.equal(parseLinuxImageHeader(new Uint8Array(4096)), null);
});

test('fw_dynamic + Image + initrd land where QEMU virt puts them, with the fw_dynamic info and registers', () => {
  const ramSize = 64 * MiB;
  const phys = makeRam(ramSize);
  const bios = new Uint8Array(0x3000).fill(0xaa);
  const kernel = fakeImage(0x5000, 0x200000, 0x400000);
  const initrd = new Uint8Array(0x2345).fill(0x77);
  const info = bootVirt(phys, { bios, kernel, initrd }, { ramSize, bootargs: 'console=ttyS0' });

  assert.deepEqual(info.bios, { start: RAM, end: RAM + 0x3000 });
  assert.equal(info.kernelEntry, 0x8020_0000);
  assert.deepEqual(info.kernel, { start: 0x8020_0000, end: 0x8060_0000 }, 'image_size covers the bss');
  assert.deepEqual(phys.readPhys(0x8020_0000, 64), kernel.subarray(0, 64));
  assert.deepEqual(info.initrd, { start: 0x8020_0000 + 32 * MiB, end: 0x8020_0000 + 32 * MiB + 0x2345 }, 'kernel + min(RAM/2, 128 MiB)');
  assert.equal(phys.readPhys(info.initrd!.start, 1)[0], 0x77);
  assert.equal(info.dtb.start, RAM + ramSize - 2 * MiB, 'DTB below the end of RAM, 2 MiB aligned');
  assert.equal(info.fwDynamicInfo, info.dtb.start - 4096);

  assert.equal(info.pc, RAM);
  assert.equal(info.a0, 0);
  assert.equal(info.a1, info.dtb.start);
  assert.equal(info.a2, info.fwDynamicInfo);
  assert.deepEqual(u64s(phys, info.a2, 6), [BigInt(FW_DYNAMIC_INFO_MAGIC), 2n, 0x8020_0000n, 1n, 0n, 0n]);

  const dt = parseFdt(phys.readPhys(info.dtb.start, info.dtb.end - info.dtb.start)).root;
  const chosen = fdtFind(dt, '/chosen')!;
  assert.deepEqual(fdtPropCells(chosen, 'linux,initrd-start'), [0, info.initrd!.start]);
  assert.deepEqual(fdtPropCells(chosen, 'linux,initrd-end'), [0, info.initrd!.end]);
  assert.deepEqual(fdtPropStrings(chosen, 'bootargs'), ['console=ttyS0']);
  assert.deepEqual(fdtPropCells(fdtFind(dt, '/memory@80000000')!, 'reg'), [0, RAM, 0, ramSize]);
});

test('a firmware larger than 2 MiB pushes the kernel to the next 2 MiB boundary', () => {
  const phys = makeRam(64 * MiB);
  const info = bootVirt(phys, { bios: new Uint8Array(0x20_1000), kernel: fakeImage(0x1000) }, { ramSize: 64 * MiB });
  assert.equal(info.kernelEntry, 0x8040_0000);
});

test('an initrd that would run into the DTB goes right below the fw_dynamic info instead', () => {
  const ramSize = 16 * MiB;
  const phys = makeRam(ramSize);
  const initrd = new Uint8Array(7 * MiB + 5);
  const info = bootVirt(phys, { bios: new Uint8Array(0x1000), kernel: fakeImage(0x1000), initrd }, { ramSize });
  assert.ok(info.initrd!.end <= info.fwDynamicInfo!);
  assert.equal(info.initrd!.start % 4096, 0);
  assert.ok(info.initrd!.start >= info.kernel!.end);
});

test('images that do not fit are refused', () => {
  const ramSize = 8 * MiB;
  assert.throws(() => bootVirt(makeRam(ramSize), { bios: new Uint8Array(0x1000), kernel: fakeImage(0x1000, 0x200000, 6 * MiB) },
    { ramSize }), /does not fit/);
  assert.throws(() => bootVirt(makeRam(ramSize), { bios: new Uint8Array(0x1000), kernel: fakeImage(0x1000), initrd: new Uint8Array(5 * MiB) },
    { ramSize }), /does not fit/);
  assert.throws(() => bootVirt(makeRam(ramSize), {}, { ramSize }), /nothing to boot/);
});

test('an ELF firmware loads at its physical addresses (bss zeroed) and starts at its entry', () => {
  const phys = makeRam(32 * MiB);
  phys.writePhys(RAM + 0x100, new Uint8Array(16).fill(0xee)); // stale bytes where the bss goes
  const elf = fakeElf(RAM, RAM + 0x40, new Uint8Array(0x100).fill(0x13), 0x200);
  assert.equal(parseElf64(elf)!.segments.length, 1);
  const info = bootVirt(phys, { bios: elf, kernel: fakeImage(0x1000) }, { ramSize: 32 * MiB });
  assert.equal(info.pc, RAM + 0x40);
  assert.deepEqual(info.bios, { start: RAM, end: RAM + 0x200 });
  assert.equal(phys.readPhys(RAM + 0x100, 1)[0], 0);
  assert.equal(info.kernelEntry, 0x8020_0000);
});

test('without firmware the kernel is entered directly (a2 = 0); without a kernel OpenSBI gets the next 2 MiB', () => {
  const phys = makeRam(32 * MiB);
  const info = bootVirt(phys, { kernel: fakeImage(0x1000) }, { ramSize: 32 * MiB });
  assert.equal(info.pc, 0x8020_0000, 'the Image header asks for RAM + text_offset');
  assert.equal(info.a2, 0);
  assert.equal(info.fwDynamicInfo, null);
  const raw = bootVirt(makeRam(32 * MiB), { kernel: new Uint8Array(0x100) }, { ramSize: 32 * MiB });
  assert.equal(raw.pc, RAM, 'a raw binary without header goes to the start of RAM');
  const p2 = makeRam(32 * MiB);
  const onlyBios = bootVirt(p2, { bios: new Uint8Array(0x1000) }, { ramSize: 32 * MiB });
  assert.equal(u64s(p2, onlyBios.a2, 3)[2], 0x8020_0000n);
});

test('a user DTB is placed as given', () => {
  const phys = makeRam(32 * MiB);
  const dtb = new Uint8Array([0xd0, 0x0d, 0xfe, 0xed, 1, 2, 3, 4]);
  const info = bootVirt(phys, { bios: new Uint8Array(16), dtb }, { ramSize: 32 * MiB });
  assert.deepEqual(phys.readPhys(info.a1, 8), dtb);
});

test('an ELF kernel linked at virtual addresses lands in RAM as QEMU puts it (low 31 bits on the RAM base)', () => {
  const phys = makeRam(32 * MiB);
  const body = new Uint8Array(0x100).fill(0x13);
  const vmlinux = fakeElf(0xffff_ffff_8000_0000n, 0xffff_ffff_8000_0040n, body, 0x200);
  const info = bootVirt(phys, { kernel: vmlinux }, { ramSize: 32 * MiB });
  assert.equal(info.pc, RAM + 0x40, 'without firmware the kernel is entered directly');
  assert.equal(info.kernelEntry, RAM + 0x40);
  assert.deepEqual(info.kernel, { start: RAM, end: RAM + 0x200 });
  assert.equal(phys.readPhys(RAM + 0x80, 1)[0], 0x13);
  // A kernel linked at its physical address is not moved.
  const physical = bootVirt(makeRam(32 * MiB), { kernel: fakeElf(0x8020_0000, 0x8020_0000, body) }, { ramSize: 32 * MiB });
  assert.equal(physical.kernelEntry, 0x8020_0000);
});

/** Run `body` with a fresh temporary directory, removed afterwards. */
function inTempDir(body: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-boot-'));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function writeFile(dir: string, name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

test('image files are placed where the same bytes in memory go, byte for byte', () => {
  inTempDir((dir) => {
    const ramSize = 16 * MiB;
    const bios = new Uint8Array(0x3001).map((_, i) => i * 7);
    const kernel = fakeImage(0x5003, 0x200000, 0x400000).map((b, i) => (i < 64 ? b : i * 13));
    const initrd = new Uint8Array(0x2345).map((_, i) => i * 3);
    const fromBytes = makeRam(ramSize);
    const bytesInfo = bootVirt(fromBytes, { bios, kernel, initrd }, { ramSize, bootargs: 'console=ttyS0' });
    const fromFiles = makeRam(ramSize);
    const fileInfo = bootVirt(fromFiles, {
      bios: new FileImage('-bios', writeFile(dir, 'fw.bin', bios)),
      kernel: new FileImage('-kernel', writeFile(dir, 'Image', kernel)),
      initrd: new FileImage('-initrd', writeFile(dir, 'initrd', initrd)),
    }, { ramSize, bootargs: 'console=ttyS0' });
    assert.deepEqual(fileInfo, bytesInfo);
    assert.equal(Buffer.compare(fromFiles.readPhys(RAM, ramSize), fromBytes.readPhys(RAM, ramSize)), 0, 'the whole RAM');
    assert.deepEqual(fromFiles.readPhys(fileInfo.kernel!.start, kernel.length), kernel);
  });
});

test('an ELF kernel file is loaded at its segments, as from memory', () => {
  inTempDir((dir) => {
    const elf = fakeElf(0x8020_0000, 0x8020_0040, new Uint8Array(0x100).fill(0x13), 0x200);
    const phys = makeRam(32 * MiB);
    const info = bootVirt(phys, { kernel: new FileImage('-kernel', writeFile(dir, 'vmlinux', elf)) }, { ramSize: 32 * MiB });
    assert.equal(info.kernelEntry, 0x8020_0040);
    assert.deepEqual(info.kernel, { start: 0x8020_0000, end: 0x8020_0200 });
    assert.equal(phys.readPhys(0x8020_0080, 1)[0], 0x13);
  });
});

test('booting again reads the files again: the guest\'s changes undone; a file changed or gone is an error', () => {
  inTempDir((dir) => {
    const ramSize = 32 * MiB;
    const phys = makeRam(ramSize);
    const kernel = fakeImage(0x3000);
    const file = writeFile(dir, 'Image', kernel);
    const images = { kernel: new FileImage('-kernel', file) };
    const info = bootVirt(phys, images, { ramSize });
    phys.writePhys(info.kernel!.start + 0x100, new Uint8Array(0x100).fill(0xee)); // the guest wrote over its kernel
    bootVirt(phys, images, { ramSize });
    assert.deepEqual(phys.readPhys(info.kernel!.start, kernel.length), kernel);

    fs.writeFileSync(file, fakeImage(0x4000));
    assert.throws(() => bootVirt(phys, images, { ramSize }), (e) => e instanceof ImageReadError
      && e.message === `-kernel '${file}': changed since the machine started`);
    fs.writeFileSync(file, kernel);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 10_000)); // the same size, rewritten later
    assert.throws(() => bootVirt(phys, images, { ramSize }), /changed since the machine started/);
    fs.rmSync(file);
    assert.throws(() => bootVirt(phys, images, { ramSize }), (e) => e instanceof ImageReadError
      && e.message === `-kernel '${file}': no such file`);
  });
});

test('image files that are missing, not regular or empty are refused when opened', () => {
  inTempDir((dir) => {
    assert.throws(() => new FileImage('-kernel', path.join(dir, 'nothing')), /^ImageReadError: -kernel '.*nothing': no such file$/);
    assert.throws(() => new FileImage('-bios', dir), /-bios '.*': not a regular file$/);
    assert.throws(() => new FileImage('-initrd', writeFile(dir, 'empty', new Uint8Array(0))), /-initrd '.*empty': empty file$/);
  });
});

test('a raw image larger than the RAM it goes to is refused with its size', () => {
  const ramSize = 8 * MiB;
  assert.throws(() => bootVirt(makeRam(ramSize), { bios: new Uint8Array(9 * MiB) }, { ramSize }),
    /^Error: -bios \(9437184 bytes at 0x80000000\) does not fit in RAM; raise -m$/);
  assert.throws(() => bootVirt(makeRam(ramSize), { bios: new Uint8Array(0x1000), kernel: fakeImage(7 * MiB) }, { ramSize }),
    /-kernel \(7340032 bytes at 0x80200000\) does not fit in RAM/);
});
