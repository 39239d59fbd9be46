// Test doubles for devices: an interrupt sink that records line levels, a
// character backend, a settable clock, a power control.

import type { CharBackend, IrqSink } from '../../src/hw/device.js';
import type { TimeSource, WallClock } from '../../src/hw/clock.js';
import type { PowerControl } from '../../src/hw/sifive-test.js';

export class RecordingIrqSink implements IrqSink {
  readonly levels = new Map<number, boolean>();
  readonly events: [number, boolean][] = [];
  setIrq(line: number, level: boolean): void {
    this.levels.set(line, level);
    this.events.push([line, level]);
  }
  level(line: number): boolean { return this.levels.get(line) ?? false; }
}

export class FakeChar implements CharBackend {
  readonly out: number[] = [];
  private input: ((bytes: Uint8Array) => void) | null = null;
  write(bytes: Uint8Array): void { this.out.push(...bytes); }
  onInput(cb: (bytes: Uint8Array) => void): void { this.input = cb; }
  type(text: string): void { this.input!(new TextEncoder().encode(text)); }
  get text(): string { return String.fromCharCode(...this.out); }
}

export class FakeTime implements TimeSource, WallClock {
  ns = 0;
  nowNs(): number { return this.ns; }
  realtimeNs(): bigint { return BigInt(this.ns); }
}

export class FakePower implements PowerControl {
  readonly calls: string[] = [];
  poweroff(status: number): void { this.calls.push(`poweroff ${status}`); }
  reset(): void { this.calls.push('reset'); }
}
