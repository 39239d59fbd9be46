// The SiFive CLINT (core-local interruptor) of QEMU's virt board, for one hart:
//   +0x0000  msip      (u32, bit 0 -> MSIP)
//   +0x4000  mtimecmp  (u64, MTIP while mtime >= mtimecmp)
//   +0xbff8  mtime     (u64, 10 MHz, from the virtual clock; writable)
// Registers take 4- and 8-byte accesses (RV32 software uses halves).
//
// MTIP is level: it is re-evaluated on every register access and by update(),
// which the exec loop calls between slices; nextDeadlineNs() tells the loop
// when MTIP will next rise so it can end a slice (or sleep) until then.

import { Device, IrqLine, IrqSink, MipBit, low32 } from './device.js';
import type { TimeSource } from './clock.js';

/** QEMU virt's timebase (RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ). */
export const CLINT_TIMEBASE_HZ = 10_000_000;
const NS_PER_TICK = 1e9 / CLINT_TIMEBASE_HZ;

export const ClintReg = {
  MSIP: 0x0000,
  MTIMECMP: 0x4000,
  MTIME: 0xbff8,
} as const;

export const CLINT_SIZE = 0x10000;

const U64_MAX = (1n << 64n) - 1n;

export interface ClintState {
  msip: number;
  /** Decimal string of the u64 (bigints are not plain JSON). */
  mtimecmp: string;
  /** mtime minus the clock's ticks, as a decimal string. */
  mtimeOffset: string;
}

export class Clint implements Device<ClintState> {
  readonly name = 'clint';
  readonly size = CLINT_SIZE;
  private msip = 0;
  private mtimecmp = U64_MAX;
  /** mtime = clock ticks + mtimeOffset (mod 2^64): a guest write to mtime moves the offset. */
  private mtimeOffset = 0n;
  private readonly msipLine: IrqLine;
  private readonly mtipLine: IrqLine;

  constructor(hart: IrqSink, private readonly clock: TimeSource) {
    this.msipLine = new IrqLine(hart, MipBit.MSIP);
    this.mtipLine = new IrqLine(hart, MipBit.MTIP);
  }

  /** mtime now, in ticks of 100 ns. */
  get mtime(): bigint {
    return BigInt.asUintN(64, this.ticks() + this.mtimeOffset);
  }

  /**
   * mtime as a Number while that is exact: NaN once a guest write has moved
   * mtime off the clock (it may then wrap at 2^64). The clock's ticks stay
   * below 2^53 for 28 years of run time.
   */
  get mtimeNumber(): number {
    return this.mtimeOffset === 0n ? this.tickCount() : NaN;
  }

  private tickCount(): number {
    return Math.floor(this.clock.nowNs() / NS_PER_TICK);
  }

  private ticks(): bigint {
    return BigInt(this.tickCount());
  }

  /** Re-evaluate MTIP against the clock (the loop calls this between slices). */
  update(): void {
    this.mtipLine.set(this.mtime >= this.mtimecmp);
  }

  /**
   * Virtual-clock ns at which MTIP will rise, or Infinity if it never will
   * (mtimecmp at its maximum) ; a value <= now means it is pending already.
   */
  nextDeadlineNs(): number {
    if (this.mtimecmp === U64_MAX) return Infinity;
    const now = this.clock.nowNs();
    const ticksLeft = this.mtimecmp - this.mtime;
    if (ticksLeft <= 0n) return now;
    return now + Number(ticksLeft) * NS_PER_TICK;
  }

  read(offset: number, size: number): number | bigint {
    if (offset >= ClintReg.MSIP && offset < ClintReg.MSIP + 4) return offset === ClintReg.MSIP ? this.msip : 0;
    if (offset >= ClintReg.MTIMECMP && offset < ClintReg.MTIMECMP + 8) return readPart(this.mtimecmp, offset - ClintReg.MTIMECMP, size);
    if (offset >= ClintReg.MTIME && offset < ClintReg.MTIME + 8) return readPart(this.mtime, offset - ClintReg.MTIME, size);
    return 0;
  }

  write(offset: number, size: number, value: number | bigint): void {
    if (offset === ClintReg.MSIP) {
      this.msip = low32(value) & 1;
      this.msipLine.set(this.msip !== 0);
    } else if (offset >= ClintReg.MTIMECMP && offset < ClintReg.MTIMECMP + 8) {
      this.mtimecmp = writePart(this.mtimecmp, offset - ClintReg.MTIMECMP, size, value);
      this.update();
    } else if (offset >= ClintReg.MTIME && offset < ClintReg.MTIME + 8) {
      const ticks = this.ticks();
      const mtime = writePart(BigInt.asUintN(64, ticks + this.mtimeOffset), offset - ClintReg.MTIME, size, value);
      this.mtimeOffset = BigInt.asUintN(64, mtime - ticks);
      this.update();
    }
  }

  saveState(): ClintState {
    return { msip: this.msip, mtimecmp: this.mtimecmp.toString(), mtimeOffset: this.mtimeOffset.toString() };
  }

  restoreState(s: ClintState): void {
    this.msip = s.msip & 1;
    this.mtimecmp = BigInt(s.mtimecmp);
    this.mtimeOffset = BigInt(s.mtimeOffset);
    this.msipLine.set(this.msip !== 0);
    this.update();
  }
}

/** Bytes [at, at+size) of a u64 register. */
function readPart(reg: bigint, at: number, size: number): number | bigint {
  const v = BigInt.asUintN(size * 8, reg >> BigInt(at * 8));
  return size === 8 ? v : Number(v);
}

/** The u64 register with bytes [at, at+size) replaced. */
function writePart(reg: bigint, at: number, size: number, value: number | bigint): bigint {
  if (at + size > 8) return reg;
  const bits = BigInt(size * 8);
  const shift = BigInt(at * 8);
  const mask = ((1n << bits) - 1n) << shift;
  return (reg & ~mask) | ((BigInt.asUintN(size * 8, BigInt(value)) << shift) & mask);
}
