// If scripts/make-system-image.sh has run, its images must be what the boot
// path expects: OpenSBI's fw_dynamic.bin and a raw Linux Image that land as
// QEMU virt places them. Skipped when build/system/ is absent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { bootVirt, parseLinuxImageHeader } from '../../src/machine/boot.js';
import { VirtBoard } from '../../src/machine/virt.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';

const dir = 'build/system';
const have = ['fw_dynamic.bin', 'Image', 'initramfs.cpio.gz'].every((f) => existsSync(`${dir}/${f}`));

test('Debian\'s kernel, OpenSBI and the initramfs boot-place on a 256 MiB virt board', { skip: !have && 'run scripts/make-system-image.sh first' }, () => {
  const kernel = readFileSync(`${dir}/Image`);
  const header = parseLinuxImageHeader(kernel);
  assert.ok(header, 'Image has the RISC-V magic');
  assert.equal(header.textOffset, 0x200000);
  const ramSize = 256 << 20;
  const board = new VirtBoard({
    mem: new LinearMemory(), ramSize,
    hart: { setIrq() {} }, console: { write() {}, onInput() {} }, power: { poweroff() {}, reset() {} },
  });
  const initrd = readFileSync(`${dir}/initramfs.cpio.gz`);
  const info = bootVirt(board.phys, { bios: readFileSync(`${dir}/fw_dynamic.bin`), kernel, initrd }, { ramSize, bootargs: 'console=ttyS0' });
  assert.equal(info.pc, 0x8000_0000);
  assert.equal(info.kernelEntry, 0x8020_0000);
  assert.equal(info.initrd!.start, 0x8820_0000, 'kernel + 128 MiB, as QEMU');
  assert.equal(info.a1, 0x8fe0_0000);
  assert.deepEqual([...board.phys.readPhys(info.initrd!.start, 2)], [0x1f, 0x8b], 'gzip');
});
