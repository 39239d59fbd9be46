// RISC-V CPU state: byte offsets relative to the CPU base (after the generic
// header of src/memory/layout.ts). The single definition used by the
// translator, helpers, user mode, the interpreter and the Wasm tier.

import { GlobalDecl } from '../../ir/ir.js';
import { Type } from '../../ir/types.js';
import { Cpu, CPU_TARGET_BASE } from '../../memory/layout.js';

export const Rv = {
  /** x0..x31, i64 each. x0 is never written and reads as zero in translated code. */
  X: CPU_TARGET_BASE,
  /** f0..f31, i64 each (single-precision values NaN-boxed). */
  F: CPU_TARGET_BASE + 256,
  /** i32: accrued exception flags (NX=1, UF=2, OF=4, DZ=8, NV=16). */
  FFLAGS: CPU_TARGET_BASE + 512,
  /** i32: dynamic rounding mode (0 rne, 1 rtz, 2 rdn, 3 rup, 4 rmm). */
  FRM: CPU_TARGET_BASE + 516,
  /** i64: address reserved by LR, or -1 when there is no reservation. */
  RES_ADDR: CPU_TARGET_BASE + 520,
  /** i64: the value LR loaded, compared by SC. */
  RES_VALUE: CPU_TARGET_BASE + 528,
  /** i32: current privilege level (0 U, 1 S, 3 M). */
  PRIV: CPU_TARGET_BASE + 536,
  /** i32: non-zero while an AMO's load runs, so its page fault is reported as a store/AMO fault. */
  AMO_IN_PROGRESS: CPU_TARGET_BASE + 540,
  /** Start of the system-mode CSR block (allocated by src/target/riscv/csr*.ts). */
  CSR_BASE: CPU_TARGET_BASE + 1024,
} as const;

export function xOffset(reg: number): number {
  return Rv.X + reg * 8;
}

export function fOffset(reg: number): number {
  return Rv.F + reg * 8;
}

/**
 * The globals every RISC-V TB sees, in a fixed order so their temp indices are
 * stable: pc, then x0..x31 (x0 is declared to keep indices = register numbers
 * + 1 but never written), then f0..f31, then the LR/SC reservation.
 */
export const RV_GLOBALS: readonly GlobalDecl[] = [
  { name: 'pc', type: Type.I64, offset: Cpu.PC },
  ...Array.from({ length: 32 }, (_, i) => ({ name: `x${i}`, type: Type.I64, offset: xOffset(i) })),
  ...Array.from({ length: 32 }, (_, i) => ({ name: `f${i}`, type: Type.I64, offset: fOffset(i) })),
  { name: 'load_res', type: Type.I64, offset: Rv.RES_ADDR },
  { name: 'load_val', type: Type.I64, offset: Rv.RES_VALUE },
];

/** Temp index of global pc / x[reg] / f[reg] / the reservation in every RISC-V IRFunction. */
export const G_PC = 0;
export const gX = (reg: number): number => 1 + reg;
export const gF = (reg: number): number => 33 + reg;
export const G_LOAD_RES = 65;
export const G_LOAD_VAL = 66;

/** RISC-V exception causes (mcause values for synchronous exceptions). */
export const Excp = {
  INSN_MISALIGNED: 0,
  INSN_ACCESS: 1,
  ILLEGAL_INSN: 2,
  BREAKPOINT: 3,
  LOAD_MISALIGNED: 4,
  LOAD_ACCESS: 5,
  STORE_MISALIGNED: 6,
  STORE_ACCESS: 7,
  ECALL_U: 8,
  ECALL_S: 9,
  ECALL_M: 11,
  INSN_PAGE_FAULT: 12,
  LOAD_PAGE_FAULT: 13,
  STORE_PAGE_FAULT: 15,
} as const;
