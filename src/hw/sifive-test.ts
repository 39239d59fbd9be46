// The SiFive test device ("sifive,test1", QEMU's hw/misc/sifive_test.c): a
// 32-bit write at offset 0 ends the machine. The low 16 bits say how, the
// high 16 bits carry the exit status of a failure:
//   0x3333 FAIL (status = value >> 16)   0x5555 PASS (status 0)   0x7777 RESET
// Linux's syscon-poweroff / syscon-reboot write 0x5555 / 0x7777 here.

import { Device, low32 } from './device.js';

export const SIFIVE_TEST_SIZE = 0x1000;

export const TestFinisher = { FAIL: 0x3333, PASS: 0x5555, RESET: 0x7777 } as const;

/** The host's answer to the guest asking to stop. */
export interface PowerControl {
  /** Stop the machine; status 0 for a normal poweroff. */
  poweroff(status: number): void;
  reset(): void;
}

export type SifiveTestState = Record<string, never>;

export class SifiveTest implements Device<SifiveTestState> {
  readonly name = 'test';
  readonly size = SIFIVE_TEST_SIZE;

  constructor(private readonly power: PowerControl) {}

  read(): number { return 0; }

  write(offset: number, _size: number, value: number | bigint): void {
    if (offset !== 0) return;
    const v = low32(value);
    switch (v & 0xffff) {
      case TestFinisher.FAIL: this.power.poweroff(v >>> 16); break;
      case TestFinisher.PASS: this.power.poweroff(0); break;
      case TestFinisher.RESET: this.power.reset(); break;
      default: break; // QEMU ignores other codes
    }
  }

  saveState(): SifiveTestState { return {}; }
  restoreState(): void {}
}
