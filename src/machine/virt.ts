// The `virt` board: RAM and devices at QEMU virt's addresses (virt-map.ts),
// wired to the PLIC and to the hart's interrupt inputs. The CPU side passes
// the hart's IrqSink (line = mip bit: MSIP, MTIP from the CLINT; MEIP, SEIP
// from the PLIC's contexts 0 and 1), the console and the power control.
//
// The exec loop calls update() between slices (timer and RTC alarm) and may
// end a slice or sleep until nextDeadlineNs() (virtual-clock ns).

import { PhysicalMemoryMap, RamRegion } from '../memory/address-space.js';
import { LinearMemory } from '../memory/linear-memory.js';
import { PageAllocator } from '../memory/page-allocator.js';
import { Clint, ClintState } from '../hw/clint.js';
import { hostWallClock, VirtualClock, VirtualClockState, WallClock } from '../hw/clock.js';
import { CharBackend, IrqLine, IrqSink, registerDevice } from '../hw/device.js';
import { GoldfishRtc, GoldfishRtcState } from '../hw/goldfish-rtc.js';
import { Plic, PlicState } from '../hw/plic.js';
import { PowerControl, SifiveTest } from '../hw/sifive-test.js';
import { Uart16550, UartState } from '../hw/uart-16550.js';
import { VirtioMmioSlot } from '../hw/virtio-mmio.js';
import { VIRTIO_COUNT, VirtIrq, VirtMap, virtioSlot } from './virt-map.js';

export interface VirtBoardOptions {
  mem: LinearMemory;
  /** Allocates the RAM run; one is made over `mem` if absent. */
  pages?: PageAllocator;
  ramSize: number;
  /** The hart's interrupt inputs (line = mip bit). */
  hart: IrqSink;
  console: CharBackend;
  power: PowerControl;
  clock?: VirtualClock;
  wallClock?: WallClock;
}

export interface VirtBoardState {
  clock: VirtualClockState;
  clint: ClintState;
  plic: PlicState;
  uart: UartState;
  rtc: GoldfishRtcState;
}

export class VirtBoard {
  readonly phys: PhysicalMemoryMap;
  readonly ram: RamRegion;
  readonly clock: VirtualClock;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  readonly test: SifiveTest;
  readonly virtio: VirtioMmioSlot[] = [];

  constructor(o: VirtBoardOptions) {
    if (o.ramSize <= 0 || o.ramSize % 4096) throw new Error('RAM size must be a positive multiple of 4 KiB');
    this.phys = new PhysicalMemoryMap(o.mem);
    const pages = o.pages ?? new PageAllocator(o.mem);
    const host = pages.allocRun(o.ramSize / 4096);
    if (host < 0) throw new Error(`cannot allocate ${o.ramSize} bytes of guest RAM in the linear memory`);
    this.ram = this.phys.addRam('ram', VirtMap.DRAM.base, o.ramSize, host);

    this.clock = o.clock ?? new VirtualClock();
    this.plic = new Plic(o.hart);
    this.clint = new Clint(o.hart, this.clock);
    this.uart = new Uart16550(o.console, new IrqLine(this.plic, VirtIrq.UART0));
    this.rtc = new GoldfishRtc(o.wallClock ?? hostWallClock, new IrqLine(this.plic, VirtIrq.RTC));
    this.test = new SifiveTest(o.power);

    registerDevice(this.phys, VirtMap.TEST.base, this.test);
    registerDevice(this.phys, VirtMap.RTC.base, this.rtc);
    registerDevice(this.phys, VirtMap.CLINT.base, this.clint);
    registerDevice(this.phys, VirtMap.PLIC.base, this.plic);
    registerDevice(this.phys, VirtMap.UART0.base, this.uart);
    for (let i = 0; i < VIRTIO_COUNT; i++) {
      const slot = new VirtioMmioSlot(`virtio${i}`);
      this.virtio.push(slot);
      registerDevice(this.phys, virtioSlot(i).base, slot);
    }
  }

  /** Bring time-driven interrupt lines up to date (between slices). */
  update(): void {
    this.clint.update();
    this.rtc.update();
  }

  /** Virtual-clock ns of the next timer event (Infinity: none). */
  nextDeadlineNs(): number {
    return this.clint.nextDeadlineNs();
  }

  saveState(): VirtBoardState {
    return {
      clock: this.clock.saveState(), clint: this.clint.saveState(), plic: this.plic.saveState(),
      uart: this.uart.saveState(), rtc: this.rtc.saveState(),
    };
  }

  restoreState(s: VirtBoardState): void {
    this.clock.restoreState(s.clock);
    this.plic.restoreState(s.plic);
    this.clint.restoreState(s.clint);
    this.uart.restoreState(s.uart);
    this.rtc.restoreState(s.rtc);
  }
}
