// The Goldfish RTC ("google,goldfish-rtc", QEMU's hw/rtc/goldfish_rtc.c):
// nanoseconds since the Unix epoch from the host's calendar clock, plus one
// alarm. Registers are 32 bits:
//   0x00 TIME_LOW (reading it latches TIME_HIGH)   0x04 TIME_HIGH
//   0x08 ALARM_LOW (writing it arms the alarm)     0x0c ALARM_HIGH
//   0x10 IRQ_ENABLED  0x14 CLEAR_ALARM  0x18 ALARM_STATUS  0x1c CLEAR_INTERRUPT
// Writing TIME_LOW / TIME_HIGH sets the guest's time (an offset from the host
// clock). The interrupt (PLIC source 11 on virt) is level: raised when an
// armed alarm passes while IRQ_ENABLED, lowered by CLEAR_INTERRUPT. The loop
// polls update() and may use nextAlarmNs() to wake up.

import { Device, IrqLine, low32 } from './device.js';
import type { WallClock } from './clock.js';

export const GOLDFISH_RTC_SIZE = 0x1000;

export const RtcReg = {
  TIME_LOW: 0x00, TIME_HIGH: 0x04, ALARM_LOW: 0x08, ALARM_HIGH: 0x0c,
  IRQ_ENABLED: 0x10, CLEAR_ALARM: 0x14, ALARM_STATUS: 0x18, CLEAR_INTERRUPT: 0x1c,
} as const;

export interface GoldfishRtcState {
  /** bigints as decimal strings. */
  offsetNs: string;
  alarmNs: string;
  alarmHighWritten: number;
  timeHighLatch: number;
  alarmArmed: boolean;
  irqEnabled: boolean;
  irqPending: boolean;
}

export class GoldfishRtc implements Device<GoldfishRtcState> {
  readonly name = 'rtc';
  readonly size = GOLDFISH_RTC_SIZE;
  /** Guest time = host wall clock + offsetNs. */
  private offsetNs = 0n;
  private alarmNs = 0n;
  private alarmHighWritten = 0;
  private timeHighLatch = 0;
  private alarmArmed = false;
  private irqEnabled = false;
  private irqPending = false;

  constructor(private readonly clock: WallClock, private readonly irq: IrqLine) {}

  nowNs(): bigint {
    return this.clock.realtimeNs() + this.offsetNs;
  }

  /** Fire an armed alarm whose time has come. */
  update(): void {
    if (this.alarmArmed && this.nowNs() >= this.alarmNs) {
      this.alarmArmed = false;
      this.irqPending = true;
    }
    this.irq.set(this.irqPending && this.irqEnabled);
  }

  /** Guest-time ns of the armed alarm, or null. */
  nextAlarmNs(): bigint | null {
    return this.alarmArmed ? this.alarmNs : null;
  }

  read(offset: number, _size: number): number {
    switch (offset) {
      case RtcReg.TIME_LOW: {
        const t = this.nowNs();
        this.timeHighLatch = Number(BigInt.asUintN(32, t >> 32n));
        return Number(BigInt.asUintN(32, t));
      }
      case RtcReg.TIME_HIGH: return this.timeHighLatch;
      case RtcReg.ALARM_LOW: return Number(BigInt.asUintN(32, this.alarmNs));
      case RtcReg.ALARM_HIGH: return Number(BigInt.asUintN(32, this.alarmNs >> 32n));
      case RtcReg.IRQ_ENABLED: return this.irqEnabled ? 1 : 0;
      case RtcReg.ALARM_STATUS: return this.alarmArmed ? 1 : 0;
      default: return 0;
    }
  }

  write(offset: number, _size: number, value: number | bigint): void {
    const v = low32(value);
    switch (offset) {
      case RtcReg.TIME_LOW: {
        const now = this.nowNs();
        const t = (BigInt.asUintN(32, now >> 32n) << 32n) | BigInt(v);
        this.offsetNs += t - now;
        break;
      }
      case RtcReg.TIME_HIGH: {
        const now = this.nowNs();
        const t = (BigInt(v) << 32n) | BigInt.asUintN(32, now);
        this.offsetNs += t - now;
        break;
      }
      case RtcReg.ALARM_HIGH: this.alarmHighWritten = v; break;
      case RtcReg.ALARM_LOW:
        this.alarmNs = (BigInt(this.alarmHighWritten) << 32n) | BigInt(v);
        this.alarmArmed = true;
        break;
      case RtcReg.IRQ_ENABLED: this.irqEnabled = (v & 1) !== 0; break;
      case RtcReg.CLEAR_ALARM: this.alarmArmed = false; break;
      case RtcReg.CLEAR_INTERRUPT: this.irqPending = false; break;
      default: return;
    }
    this.update();
  }

  saveState(): GoldfishRtcState {
    return {
      offsetNs: this.offsetNs.toString(), alarmNs: this.alarmNs.toString(), alarmHighWritten: this.alarmHighWritten,
      timeHighLatch: this.timeHighLatch, alarmArmed: this.alarmArmed, irqEnabled: this.irqEnabled, irqPending: this.irqPending,
    };
  }

  restoreState(s: GoldfishRtcState): void {
    this.offsetNs = BigInt(s.offsetNs);
    this.alarmNs = BigInt(s.alarmNs);
    this.alarmHighWritten = s.alarmHighWritten;
    this.timeHighLatch = s.timeHighLatch;
    this.alarmArmed = s.alarmArmed;
    this.irqEnabled = s.irqEnabled;
    this.irqPending = s.irqPending;
    this.update();
  }
}
