// What every device shares: its MMIO callbacks, registration in the physical
// address map (TinyEMU's cpu_register_device), interrupt lines, the host-side
// interfaces through which Node and the browser plug in (DESIGN.md decision 8,
// STYLE.md), and save/restore of state as plain objects.

import type { MmioHandler, PhysicalMemoryMap } from '../memory/address-space.js';

/**
 * Something with numbered level-triggered interrupt inputs: the PLIC (line =
 * source number) and the hart (line = bit number in mip, see MipBit; the
 * privileged-architecture side implements this and folds it into mip).
 */
export interface IrqSink {
  setIrq(line: number, level: boolean): void;
}

/** Interrupt bits of mip / mie that devices drive (the privileged spec's numbering). */
export const MipBit = {
  SSIP: 1,
  MSIP: 3,
  STIP: 5,
  MTIP: 7,
  SEIP: 9,
  MEIP: 11,
} as const;

/** One wire into an IrqSink: what a device holds to raise its interrupt. */
export class IrqLine {
  private level = false;

  constructor(private readonly sink: IrqSink, readonly line: number) {}

  /** Drive the wire; repeated levels are not passed on. */
  set(level: boolean): void {
    if (level === this.level) return;
    this.level = level;
    this.sink.setIrq(this.line, level);
  }

  get raised(): boolean { return this.level; }
}

/** A byte stream to the host (a terminal, a socket, a browser console). */
export interface CharBackend {
  write(bytes: Uint8Array): void;
  /** Register the one consumer of bytes typed on the host side. */
  onInput(cb: (bytes: Uint8Array) => void): void;
}

/** A device: MMIO callbacks, a place in the address map, and state that survives save/restore. */
export interface Device<State> extends MmioHandler {
  readonly name: string;
  /** Bytes of the register window. */
  readonly size: number;
  saveState(): State;
  restoreState(state: State): void;
}

/** Register `dev` at `base` (TinyEMU's cpu_register_device(map, addr, size, opaque, read, write)). */
export function registerDevice(map: PhysicalMemoryMap, base: number, dev: Device<unknown>): void {
  map.addMmio(dev.name, base, dev.size, dev);
}

/** A register access's value as a number (8-byte writes arrive as bigints; only their low 32 bits matter to 32-bit registers). */
export function low32(value: number | bigint): number {
  return typeof value === 'bigint' ? Number(BigInt.asUintN(32, value)) : value >>> 0;
}
