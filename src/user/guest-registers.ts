// User mode's view of the RISC-V CPU state in the linear memory: the integer
// and FP registers and the pc, for system calls, signal frames and the loader.
// Only used between TBs (never per guest instruction), so BigInt is fine here.

import { Cpu, CPU_BASE, CPU_TARGET_BASE } from '../memory/layout.js';
import { LinearMemory } from '../memory/linear-memory.js';
import { fOffset, Rv, xOffset } from '../target/riscv/cpu-layout.js';

const TWO_32 = 2 ** 32;
/**
 * One thread's part of the CPU state (threads.ts swaps it on a switch): the pc,
 * then the RISC-V block from x0 up to and including PRIV (f regs, fflags, frm,
 * the LR reservation). The generic header beyond the pc (instruction count,
 * helper slots, exit request) belongs to the one vCPU, not to a thread.
 */
const THREAD_TARGET_BYTES = Rv.PRIV + 4 - CPU_TARGET_BASE;
export const THREAD_STATE_BYTES = 8 + THREAD_TARGET_BYTES;

export const Reg = { RA: 1, SP: 2, GP: 3, TP: 4, A0: 10, A1: 11, A2: 12, A3: 13, A4: 14, A5: 15, A7: 17 } as const;

export class GuestRegisters {
  constructor(private readonly mem: LinearMemory) {}

  x(reg: number): bigint {
    return reg === 0 ? 0n : this.mem.dv.getBigUint64(CPU_BASE + xOffset(reg), true);
  }

  setX(reg: number, value: bigint | number): void {
    if (reg === 0) return;
    this.mem.dv.setBigUint64(CPU_BASE + xOffset(reg), BigInt.asUintN(64, BigInt(value)), true);
  }

  /** x[reg] as an unsigned number; exact below 2^53 (addresses, sizes). */
  xNum(reg: number): number {
    const dv = this.mem.dv, o = CPU_BASE + xOffset(reg);
    return reg === 0 ? 0 : dv.getUint32(o + 4, true) * TWO_32 + dv.getUint32(o, true);
  }

  /** The low 32 bits of x[reg], signed (ints, fds, flags). */
  xInt(reg: number): number {
    return reg === 0 ? 0 : this.mem.dv.getInt32(CPU_BASE + xOffset(reg), true);
  }

  f(reg: number): bigint {
    return this.mem.dv.getBigUint64(CPU_BASE + fOffset(reg), true);
  }

  setF(reg: number, value: bigint): void {
    this.mem.dv.setBigUint64(CPU_BASE + fOffset(reg), BigInt.asUintN(64, value), true);
  }

  get fcsr(): number {
    const dv = this.mem.dv;
    return ((dv.getUint32(CPU_BASE + Rv.FRM, true) & 7) << 5) | (dv.getUint32(CPU_BASE + Rv.FFLAGS, true) & 0x1f);
  }

  set fcsr(value: number) {
    const dv = this.mem.dv;
    dv.setUint32(CPU_BASE + Rv.FFLAGS, value & 0x1f, true);
    dv.setUint32(CPU_BASE + Rv.FRM, (value >>> 5) & 7, true);
  }

  get pc(): number {
    const dv = this.mem.dv;
    return dv.getUint32(CPU_BASE + Cpu.PC + 4, true) * TWO_32 + dv.getUint32(CPU_BASE + Cpu.PC, true);
  }

  set pc(value: number) {
    this.mem.dv.setBigUint64(CPU_BASE + Cpu.PC, BigInt.asUintN(64, BigInt(value)), true);
  }

  get exception(): number {
    return this.mem.dv.getInt32(CPU_BASE + Cpu.EXCEPTION, true);
  }

  get exceptionValue(): bigint {
    return this.mem.dv.getBigUint64(CPU_BASE + Cpu.EXCEPTION_VALUE, true);
  }

  get insnCount(): bigint {
    return this.mem.dv.getBigUint64(CPU_BASE + Cpu.INSN_COUNT, true);
  }

  /** Drop any LR reservation (a signal or sigreturn in between makes SC fail, as on hardware). */
  clearReservation(): void {
    this.mem.dv.setBigInt64(CPU_BASE + Rv.RES_ADDR, -1n, true);
  }

  /** A copy of the running thread's CPU state (see THREAD_STATE_BYTES). */
  saveThreadState(): Uint8Array {
    const out = new Uint8Array(THREAD_STATE_BYTES), u8 = this.mem.u8;
    out.set(u8.subarray(CPU_BASE + Cpu.PC, CPU_BASE + Cpu.PC + 8), 0);
    out.set(u8.subarray(CPU_BASE + CPU_TARGET_BASE, CPU_BASE + CPU_TARGET_BASE + THREAD_TARGET_BYTES), 8);
    return out;
  }

  /** Make state (from saveThreadState) the running thread's. */
  loadThreadState(state: Uint8Array): void {
    const u8 = this.mem.u8;
    u8.set(state.subarray(0, 8), CPU_BASE + Cpu.PC);
    u8.set(state.subarray(8, THREAD_STATE_BYTES), CPU_BASE + CPU_TARGET_BASE);
  }
}
