// The RISC-V helpers translated code calls, besides the floating-point ones
// (fp-helpers.ts). Arguments and results travel through Cpu.HELPER_ARGS and
// Cpu.HELPER_RET (src/exec/helpers.ts); nothing here allocates.

import { GUEST_EXCEPTION } from '../../exec/exception.js';
import { HelperFlag, HelperTable } from '../../exec/helpers.js';
import { Type } from '../../ir/types.js';
import { CPU_BASE, Cpu } from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { CsrNum } from './translate-csr.js';

const ARG0 = (CPU_BASE + Cpu.HELPER_ARGS) >> 2;
const ARG1 = ARG0 + 2;
const RET0 = (CPU_BASE + Cpu.HELPER_RET) >> 2;
const EXCEPTION = (CPU_BASE + Cpu.EXCEPTION) >> 2;
const EXCEPTION_VALUE = (CPU_BASE + Cpu.EXCEPTION_VALUE) >> 2;
const INSN_COUNT = (CPU_BASE + Cpu.INSN_COUNT) >> 2;

const TWO_32 = 4294967296;
/** The time CSR ticks at 10 MHz, the timebase of QEMU's virt board (and its device tree). */
const TIME_TICKS_PER_MS = 10_000;

/** Set Cpu.EXCEPTION / EXCEPTION_VALUE and leave the TB. */
export function raiseGuestException(mem: LinearMemory, cause: number, tvalLo: number, tvalHi: number): never {
  const w = mem.i32;
  w[EXCEPTION] = cause;
  w[EXCEPTION_VALUE] = tvalLo;
  w[EXCEPTION_VALUE + 1] = tvalHi;
  throw GUEST_EXCEPTION;
}

export function registerRiscvHelpers(helpers: HelperTable, mem: LinearMemory): void {
  // raise_exception(cause: i32, tval: i64)
  helpers.register({
    name: 'raise_exception',
    args: [Type.I32, Type.I64],
    ret: [],
    flags: HelperFlag.MAY_RAISE | HelperFlag.NO_WRITE_GLOBALS,
    fn: () => {
      const w = mem.i32;
      raiseGuestException(mem, w[ARG0]!, w[ARG1]!, w[ARG1 + 1]!);
    },
  });

  // read_counter(csr: i32, notRetired: i32) -> i64. Cpu.INSN_COUNT already
  // includes the current TB; the translator passes how many of the counted
  // instructions have not retired yet. cycle = instret.
  helpers.register({
    name: 'read_counter',
    args: [Type.I32, Type.I32],
    ret: [Type.I64],
    flags: HelperFlag.NO_READ_GLOBALS | HelperFlag.NO_WRITE_GLOBALS,
    fn: () => {
      const w = mem.i32;
      const csr = w[ARG0]!;
      let lo: number, hi: number;
      if (csr === CsrNum.TIME) {
        const ticks = Math.floor(performance.now() * TIME_TICKS_PER_MS);
        hi = Math.floor(ticks / TWO_32);
        lo = ticks - hi * TWO_32;
      } else {
        const diff = (w[INSN_COUNT]! >>> 0) - (w[ARG1]! >>> 0);
        lo = diff >>> 0;
        hi = (w[INSN_COUNT + 1]! - (diff < 0 ? 1 : 0)) | 0;
      }
      w[RET0] = lo | 0;
      w[RET0 + 1] = hi | 0;
    },
  });
}
