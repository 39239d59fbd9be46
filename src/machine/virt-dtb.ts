// The device tree of wemu's `virt` board, shaped like the one QEMU's
// hw/riscv/virt.c generates (so OpenSBI's generic platform and Linux find
// the same nodes): /cpus with one hart and its interrupt controller, /memory,
// /soc with the CLINT, PLIC, UART, test device, RTC and the virtio-mmio slots,
// /poweroff and /reboot through the test device's syscon, and /chosen.

import { CLINT_TIMEBASE_HZ } from '../hw/clint.js';
import { MipBit } from '../hw/device.js';
import { PLIC_NUM_SOURCES } from '../hw/plic.js';
import { TestFinisher } from '../hw/sifive-test.js';
import { UART_CLOCK_HZ } from '../hw/uart-16550.js';
import { FdtNode, fdtNode, u64Cells, writeFdt } from './fdt.js';
import { VIRTIO_COUNT, VirtIrq, VirtMap, virtioSlot } from './virt-map.js';

export const DEFAULT_RISCV_ISA = 'rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs_sstc';

export interface VirtDtbOptions {
  ramBase?: number;
  ramSize: number;
  /** Kernel command line (/chosen/bootargs); omitted if undefined. */
  bootargs?: string;
  /** Physical [start, end) of the initrd, for /chosen/linux,initrd-start / -end. */
  initrd?: { start: number; end: number };
  /** riscv,isa of the hart (default DEFAULT_RISCV_ISA). */
  isa?: string;
  /** mmu-type of the hart (default riscv,sv48). */
  mmuType?: 'riscv,sv39' | 'riscv,sv48' | 'riscv,sv57';
  /** /chosen/rng-seed, entropy the kernel trusts at boot (rng-seed.ts); omitted if undefined. */
  rngSeed?: Uint8Array;
}

/** Phandles: fixed numbers, as nothing else in the tree needs them. */
const Phandle = { CPU0: 1, CPU0_INTC: 2, PLIC: 3, TEST: 4 } as const;

const hex = (n: number) => n.toString(16);
/** reg = <address size> with #address-cells = #size-cells = 2. */
const reg = (base: number, size: number) => [...u64Cells(base), ...u64Cells(size)];

/** The single-letter and multi-letter extensions of an ISA string, for riscv,isa-extensions. */
export function isaExtensions(isa: string): string[] {
  const m = /^rv(32|64)([a-z]*)((?:_[a-z0-9]+)*)$/.exec(isa.toLowerCase());
  if (!m) throw new Error(`bad ISA string ${isa}`);
  let single = m[2]!;
  const multi: string[] = [];
  if (single.includes('g')) {
    single = single.replace('g', 'imafd');
    multi.push('zicsr', 'zifencei');
  }
  for (const ext of m[3]!.split('_')) if (ext !== '' && !multi.includes(ext)) multi.push(ext);
  const letters = [...new Set(single.split(''))];
  return [...letters, ...multi];
}

export function virtDeviceTree(o: VirtDtbOptions): FdtNode {
  const ramBase = o.ramBase ?? VirtMap.DRAM.base;
  const isa = o.isa ?? DEFAULT_RISCV_ISA;
  const uart = `/soc/serial@${hex(VirtMap.UART0.base)}`;

  const intc = fdtNode('interrupt-controller', {
    '#address-cells': 0, // an interrupt provider with no interrupt-map children (dtc warns otherwise)
    '#interrupt-cells': 1,
    'interrupt-controller': true,
    compatible: 'riscv,cpu-intc',
    phandle: Phandle.CPU0_INTC,
  });
  const cpu0 = fdtNode('cpu@0', {
    phandle: Phandle.CPU0,
    device_type: 'cpu',
    reg: 0,
    status: 'okay',
    compatible: 'riscv',
    'riscv,isa': isa,
    'riscv,isa-base': isa.slice(0, 4) + 'i',
    'riscv,isa-extensions': isaExtensions(isa),
    'mmu-type': o.mmuType ?? 'riscv,sv48',
  }, [intc]);
  const cpus = fdtNode('cpus', {
    '#address-cells': 1,
    '#size-cells': 0,
    'timebase-frequency': CLINT_TIMEBASE_HZ,
  }, [cpu0, fdtNode('cpu-map', {}, [fdtNode('cluster0', {}, [fdtNode('core0', { cpu: Phandle.CPU0 })])])]);

  const memory = fdtNode(`memory@${hex(ramBase)}`, { device_type: 'memory', reg: reg(ramBase, o.ramSize) });

  const plicIrq = (irq: number) => ({ interrupts: irq, 'interrupt-parent': Phandle.PLIC });
  const soc = fdtNode('soc', {
    '#address-cells': 2,
    '#size-cells': 2,
    compatible: 'simple-bus',
    ranges: true,
  }, [
    fdtNode(`test@${hex(VirtMap.TEST.base)}`, {
      phandle: Phandle.TEST,
      reg: reg(VirtMap.TEST.base, VirtMap.TEST.size),
      compatible: ['sifive,test1', 'sifive,test0', 'syscon'],
    }),
    fdtNode(`rtc@${hex(VirtMap.RTC.base)}`, {
      ...plicIrq(VirtIrq.RTC),
      reg: reg(VirtMap.RTC.base, VirtMap.RTC.size),
      compatible: 'google,goldfish-rtc',
    }),
    fdtNode(`serial@${hex(VirtMap.UART0.base)}`, {
      ...plicIrq(VirtIrq.UART0),
      'clock-frequency': UART_CLOCK_HZ,
      reg: reg(VirtMap.UART0.base, VirtMap.UART0.size),
      compatible: 'ns16550a',
    }),
    fdtNode(`clint@${hex(VirtMap.CLINT.base)}`, {
      'interrupts-extended': [Phandle.CPU0_INTC, MipBit.MSIP, Phandle.CPU0_INTC, MipBit.MTIP],
      reg: reg(VirtMap.CLINT.base, VirtMap.CLINT.size),
      compatible: ['sifive,clint0', 'riscv,clint0'],
    }),
    fdtNode(`plic@${hex(VirtMap.PLIC.base)}`, {
      phandle: Phandle.PLIC,
      'riscv,ndev': PLIC_NUM_SOURCES - 1,
      reg: reg(VirtMap.PLIC.base, VirtMap.PLIC.size),
      'interrupts-extended': [Phandle.CPU0_INTC, MipBit.MEIP, Phandle.CPU0_INTC, MipBit.SEIP],
      'interrupt-controller': true,
      compatible: ['sifive,plic-1.0.0', 'riscv,plic0'],
      '#address-cells': 0,
      '#interrupt-cells': 1,
    }),
    ...Array.from({ length: VIRTIO_COUNT }, (_, i) => {
      const slot = virtioSlot(i);
      return fdtNode(`virtio_mmio@${hex(slot.base)}`, {
        ...plicIrq(VirtIrq.VIRTIO + i),
        reg: reg(slot.base, slot.size),
        compatible: 'virtio,mmio',
      });
    }),
  ]);

  const chosenProps: Record<string, string | number[] | Uint8Array> = { 'stdout-path': uart };
  if (o.bootargs !== undefined) chosenProps.bootargs = o.bootargs;
  if (o.rngSeed !== undefined) chosenProps['rng-seed'] = o.rngSeed;
  if (o.initrd) {
    chosenProps['linux,initrd-start'] = u64Cells(o.initrd.start);
    chosenProps['linux,initrd-end'] = u64Cells(o.initrd.end);
  }

  return fdtNode('', {
    '#address-cells': 2,
    '#size-cells': 2,
    compatible: 'riscv-virtio',
    model: 'riscv-virtio,qemu',
  }, [
    fdtNode('chosen', chosenProps),
    memory,
    cpus,
    soc,
    fdtNode('poweroff', { value: TestFinisher.PASS, offset: 0, regmap: Phandle.TEST, compatible: 'syscon-poweroff' }),
    fdtNode('reboot', { value: TestFinisher.RESET, offset: 0, regmap: Phandle.TEST, compatible: 'syscon-reboot' }),
  ]);
}

/** The virt board's DTB. */
export function virtDtb(o: VirtDtbOptions): Uint8Array {
  return writeFdt(virtDeviceTree(o));
}
