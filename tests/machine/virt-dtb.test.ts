import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdtNode, fdtFind, fdtPropBytes, fdtPropCells, fdtPropStrings, parseFdt } from '../../src/machine/fdt.js';
import { isaExtensions, virtDtb } from '../../src/machine/virt-dtb.js';

const blob = virtDtb({ ramSize: 256 << 20, bootargs: 'console=ttyS0 earlycon', initrd: { start: 0x88000000, end: 0x88100000 } });
const root = parseFdt(blob).root;
const node = (p: string): FdtNode => {
  const n = fdtFind(root, p);
  assert.ok(n, `missing ${p}`);
  return n;
};
const phandleOf = (p: string) => fdtPropCells(node(p), 'phandle')![0]!;

test('root, memory and chosen', () => {
  assert.deepEqual(fdtPropCells(root, '#address-cells'), [2]);
  assert.deepEqual(fdtPropStrings(root, 'compatible'), ['riscv-virtio']);
  assert.deepEqual(fdtPropCells(node('/memory@80000000'), 'reg'), [0, 0x80000000, 0, 0x10000000]);
  assert.deepEqual(fdtPropStrings(node('/memory@80000000'), 'device_type'), ['memory']);
  const chosen = node('/chosen');
  assert.deepEqual(fdtPropStrings(chosen, 'bootargs'), ['console=ttyS0 earlycon']);
  assert.deepEqual(fdtPropStrings(chosen, 'stdout-path'), ['/soc/serial@10000000']);
  assert.deepEqual(fdtPropCells(chosen, 'linux,initrd-start'), [0, 0x88000000]);
  assert.deepEqual(fdtPropCells(chosen, 'linux,initrd-end'), [0, 0x88100000]);
});

test('/chosen/rng-seed: the given bytes, none when not given', () => {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
  const withSeed = fdtFind(parseFdt(virtDtb({ ramSize: 256 << 20, rngSeed: seed })).root, '/chosen')!;
  assert.deepEqual(fdtPropBytes(withSeed, 'rng-seed'), seed);
  assert.equal(fdtPropBytes(node('/chosen'), 'rng-seed'), null);
});

test('cpus: timebase, the ISA, the MMU type and the hart interrupt controller', () => {
  assert.deepEqual(fdtPropCells(node('/cpus'), 'timebase-frequency'), [10000000]);
  const cpu = node('/cpus/cpu@0');
  assert.deepEqual(fdtPropStrings(cpu, 'riscv,isa'), ['rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs_sstc']);
  assert.deepEqual(fdtPropStrings(cpu, 'riscv,isa-extensions'), ['i', 'm', 'a', 'f', 'd', 'c', 'zicntr', 'zicsr', 'zifencei', 'zba', 'zbb', 'zbs', 'sstc']);
  assert.deepEqual(fdtPropStrings(cpu, 'mmu-type'), ['riscv,sv48']);
  assert.deepEqual(fdtPropStrings(cpu, 'device_type'), ['cpu']);
  const intc = node('/cpus/cpu@0/interrupt-controller');
  assert.deepEqual(fdtPropStrings(intc, 'compatible'), ['riscv,cpu-intc']);
  assert.deepEqual(fdtPropCells(node('/cpus/cpu-map/cluster0/core0'), 'cpu'), [phandleOf('/cpus/cpu@0')]);
});

test('soc: clint and plic wired to the hart, devices to the plic', () => {
  const intc = phandleOf('/cpus/cpu@0/interrupt-controller');
  const plic = node('/soc/plic@c000000');
  assert.deepEqual(fdtPropCells(node('/soc/clint@2000000'), 'interrupts-extended'), [intc, 3, intc, 7]);
  assert.deepEqual(fdtPropStrings(node('/soc/clint@2000000'), 'compatible'), ['sifive,clint0', 'riscv,clint0']);
  assert.deepEqual(fdtPropCells(plic, 'interrupts-extended'), [intc, 11, intc, 9]);
  assert.deepEqual(fdtPropCells(plic, 'riscv,ndev'), [95]);
  assert.deepEqual(fdtPropCells(plic, 'reg'), [0, 0xc000000, 0, 0x600000]);
  assert.deepEqual(fdtPropStrings(plic, 'compatible'), ['sifive,plic-1.0.0', 'riscv,plic0']);
  const uart = node('/soc/serial@10000000');
  assert.deepEqual(fdtPropStrings(uart, 'compatible'), ['ns16550a']);
  assert.deepEqual(fdtPropCells(uart, 'clock-frequency'), [3686400]);
  assert.deepEqual(fdtPropCells(uart, 'interrupts'), [10]);
  assert.deepEqual(fdtPropCells(uart, 'interrupt-parent'), [phandleOf('/soc/plic@c000000')]);
  assert.deepEqual(fdtPropCells(node('/soc/rtc@101000'), 'interrupts'), [11]);
  assert.deepEqual(fdtPropStrings(node('/soc/rtc@101000'), 'compatible'), ['google,goldfish-rtc']);
  assert.deepEqual(fdtPropStrings(node('/soc/test@100000'), 'compatible'), ['sifive,test1', 'sifive,test0', 'syscon']);
  for (let i = 0; i < 8; i++) {
    const v = node(`/soc/virtio_mmio@${(0x10001000 + i * 0x1000).toString(16)}`);
    assert.deepEqual(fdtPropCells(v, 'interrupts'), [1 + i]);
    assert.deepEqual(fdtPropStrings(v, 'compatible'), ['virtio,mmio']);
  }
  const test = phandleOf('/soc/test@100000');
  assert.deepEqual(fdtPropCells(node('/poweroff'), 'regmap'), [test]);
  assert.deepEqual(fdtPropCells(node('/poweroff'), 'value'), [0x5555]);
  assert.deepEqual(fdtPropCells(node('/reboot'), 'value'), [0x7777]);
});

test('ISA strings expand to riscv,isa-extensions', () => {
  assert.deepEqual(isaExtensions('rv64gc'), ['i', 'm', 'a', 'f', 'd', 'c', 'zicsr', 'zifencei']);
  assert.deepEqual(isaExtensions('rv64imac_zba'), ['i', 'm', 'a', 'c', 'zba']);
});

const haveDtc = spawnSync('dtc', ['--version']).status === 0;

test('dtc accepts the blob and decompiles it', { skip: !haveDtc && 'dtc not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wemu-dtb-'));
  try {
    const file = join(dir, 'virt.dtb');
    writeFileSync(file, blob);
    const run = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '', 'no dtc warnings');
    const dts = run.stdout;
    assert.match(dts, /compatible = "ns16550a";/);
    assert.match(dts, /riscv,isa = "rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs_sstc";/);
    assert.match(dts, /bootargs = "console=ttyS0 earlycon";/);
    // And back: the text compiles again without errors.
    const again = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', join(dir, 'again.dtb'), '-'], { input: dts });
    assert.equal(again.status, 0, again.stderr.toString());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
