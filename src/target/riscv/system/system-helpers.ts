// The helpers system-mode translated code calls: CSR access, mret / sret,
// wfi, sfence.vma and marking the FP state dirty. Each checks what depends
// on run-time state (privilege, TSR / TW / TVM, counteren, FS) and raises
// illegal instruction with the instruction bits as tval when it fails.

import { HelperFlag, HelperTable } from '../../../exec/helpers.js';
import { Type } from '../../../ir/types.js';
import { Cpu, CPU_BASE } from '../../../memory/layout.js';
import { Csr, Priv } from './csr-layout.js';
import type { RiscvHart } from './hart.js';
import { TB_FLAGS_W } from '../../../memory/words.js';

const ARG0 = (CPU_BASE + Cpu.HELPER_ARGS) >> 2;
const ARG1 = ARG0 + 2;
const ARG2 = ARG0 + 4;
const RET0 = (CPU_BASE + Cpu.HELPER_RET) >> 2;

/**
 * A counter read is its TB's last instruction (readEndsTb) and Cpu.INSN_COUNT
 * already counts it: one counted instruction has not retired.
 */
const INSNS_COUNTED_NOT_RETIRED = 1;

/** They read the privileged state, not guest registers, and write no guest register. */
const CHECKED = HelperFlag.MAY_RAISE | HelperFlag.NO_WRITE_GLOBALS;

export function registerSystemHelpers(helpers: HelperTable, hart: RiscvHart): void {
  const mem = hart.mem;
  const ret64 = (v: bigint): void => {
    const w = mem.i32;
    w[RET0] = Number(v & 0xffffffffn) | 0;
    w[RET0 + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
  };
  // A CSR write, mret, sret or marking FS dirty may change the TB flags; the
  // lookups of goto_ptr (the dispatcher's, the interpreter's) compare the
  // target's flags with Cpu.TB_FLAGS: keep it current.
  const flagsChanged = (): void => { mem.i32[TB_FLAGS_W] = hart.tbFlags(); };
  const arg64 = (slot: number): bigint => BigInt.asUintN(64, (BigInt(mem.i32[slot + 1]!) << 32n) | BigInt(mem.i32[slot]! >>> 0));

  // sys_csr_read(csr: i32, insn: i32) -> i64
  helpers.register({
    name: 'sys_csr_read', args: [Type.I32, Type.I32], ret: [Type.I64], flags: CHECKED,
    fn: () => {
      const w = mem.i32;
      const csr = w[ARG0]!;
      // sstatus, the hot one, without BigInt: accessible from S and M.
      if (csr === Csr.SSTATUS && hart.priv !== Priv.U) return hart.readSstatusInto(w, RET0);
      if (!hart.csrAccessible(csr, false)) hart.illegal(w[ARG1]!);
      ret64(hart.readCsr(csr, INSNS_COUNTED_NOT_RETIRED));
    },
  });

  // sys_csr_write(csr: i32, value: i64, insn: i32)
  helpers.register({
    name: 'sys_csr_write', args: [Type.I32, Type.I64, Type.I32], ret: [], flags: CHECKED,
    fn: () => {
      const w = mem.i32;
      const csr = w[ARG0]!;
      if (csr === Csr.SSTATUS && hart.priv !== Priv.U) hart.writeSstatusLo(w[ARG1]!);
      else {
        if (!hart.csrAccessible(csr, true)) hart.illegal(w[ARG2]!);
        hart.writeCsr(csr, arg64(ARG1), INSNS_COUNTED_NOT_RETIRED);
      }
      flagsChanged();
    },
  });

  // sys_fs_dirty(): mstatus.FS = Dirty before an FP instruction.
  helpers.register({
    name: 'sys_fs_dirty', args: [], ret: [], flags: HelperFlag.NO_READ_GLOBALS | HelperFlag.NO_WRITE_GLOBALS,
    fn: () => {
      hart.markFsDirty();
      flagsChanged();
    },
  });

  // sys_mret(insn: i32) -> new pc
  helpers.register({
    name: 'sys_mret', args: [Type.I32], ret: [Type.I64], flags: CHECKED,
    fn: () => {
      if (!hart.mretAllowed()) hart.illegal(mem.i32[ARG0]!);
      ret64(hart.mret());
      flagsChanged();
    },
  });

  // sys_sret(insn: i32) -> new pc
  helpers.register({
    name: 'sys_sret', args: [Type.I32], ret: [Type.I64], flags: CHECKED,
    fn: () => {
      if (!hart.sretAllowed()) hart.illegal(mem.i32[ARG0]!);
      ret64(hart.sret());
      flagsChanged();
    },
  });

  // sys_wfi(insn: i32): only the check; the TB then exits with RV_EXIT_WFI.
  helpers.register({
    name: 'sys_wfi', args: [Type.I32], ret: [], flags: CHECKED,
    fn: () => {
      if (!hart.wfiAllowed()) hart.illegal(mem.i32[ARG0]!);
    },
  });

  // sys_sfence_vma(insn: i32, vaddr: i64, hasAddr: i32)
  helpers.register({
    name: 'sys_sfence_vma', args: [Type.I32, Type.I64, Type.I32], ret: [], flags: CHECKED,
    fn: () => {
      const w = mem.i32;
      if (!hart.sfenceAllowed()) hart.illegal(w[ARG0]!);
      hart.sfenceVma(w[ARG2] !== 0 ? w[ARG1]! : null, w[ARG1 + 1]!);
    },
  });
}
