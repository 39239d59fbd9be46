// One RISC-V hart's privileged architecture (M, S and U modes): the CSRs with
// their WARL rules and access checks, trap entry with delegation, interrupt
// selection, mret / sret / wfi / sfence.vma, and what translation needs from
// the privileged state (TB flags, MMU indices, the FP gate).
//
// The state lives in the CPU state block (csr-layout.ts); this class holds no
// guest state of its own besides references, so saving the block saves the hart.
//
// The board drives it (src/machine/): build it with createRiscvSystemCpu()
// (system-cpu.ts), call handleException() when the exec loop returns
// EXIT_EXCEPTION, checkInterrupts() between slices, setInterruptLine() from
// the CLINT / PLIC, and idle on RV_EXIT_WFI until wfiShouldWake().

import { HelperTable } from '../../../exec/helpers.js';
import { ExitCode } from '../../../ir/ops.js';
import { Cpu, CPU_BASE } from '../../../memory/layout.js';
import { LinearMemory } from '../../../memory/linear-memory.js';
import { Excp, Rv } from '../cpu-layout.js';
import { raiseGuestException } from '../rv-helpers.js';
import type { RiscvSystemHooks } from '../riscv-target.js';
import type { DisasContext } from '../translate-context.js';
import {
  ALL_INTERRUPTS, Csr, DELEGABLE_EXCEPTIONS, Envcfg, IRQ_PRIORITY, MISA_VALUE, MSTATUS_WRITABLE, Mip, Mstatus,
  PMP_COUNT, PMPADDR_MASK, PMPCFG_MASK, Priv, S_INTERRUPTS, SSTATUS_VISIBLE, SSTATUS_WRITABLE, Satp, SysCsr,
} from './csr-layout.js';
import { MmuIdx, PhysicalMemory, SystemPageTranslator } from './mmu.js';
import { registerSystemHelpers } from './system-helpers.js';

/**
 * TB flags (RiscvTarget keeps the privilege in bits 1:0):
 *   bits 1:0  privilege (0 U, 1 S, 3 M): also the code MMU index
 *   bits 4:2  data MMU index (privilege after MPRV, plus SUM: see mmu.ts)
 *   bit 5     mstatus.FS is Off: every FP instruction is illegal
 *   bit 6     mstatus.FS is Dirty: FP instructions need not mark it
 */
export const TbFlag = {
  PRIV_MASK: 0x3,
  DATA_IDX_SHIFT: 2,
  DATA_IDX_MASK: 0x7,
  FS_OFF: 1 << 5,
  FS_DIRTY: 1 << 6,
} as const;

/** Exit code of a TB ending in wfi (the first code the core leaves to targets). */
export const RV_EXIT_WFI: number = ExitCode.TargetBase;

/** The counter CSRs (cycle..hpmcounter31, mcycle..mhpmcounter31) are numbered by the bit in [ms]counteren. */
const COUNTER_TM_BIT = 1;
/** Without a board clock the time CSR ticks at 10 MHz, QEMU virt's timebase (as user mode). */
const DEFAULT_TICKS_PER_MS = 10_000;

/** Where the TLB is flushed (SoftMmu implements it). */
export interface TlbControl {
  flushAll(): void;
  flushPage(vaddrLo: number, vaddrHi: number): void;
  noteHostWrite?(hostPage: number): void;
}

export interface RiscvHartOptions {
  /** mhartid. Default 0. */
  hartId?: number;
  /** The time CSR and Sstc's clock, in timebase ticks (the board's CLINT mtime). */
  time?: () => bigint;
  /**
   * The same clock as a Number, or NaN when that would not be exact (see
   * Clint.mtimeNumber): Sstc's timer check, which runs at every change of the
   * interrupt enables (~290K times on the Linux boot), then allocates no BigInts.
   * Without it the check uses time().
   */
  timeNumber?: () => number;
  /** Implement Sstc (stimecmp, menvcfg.STCE). Default true; the board advertises it in the device tree. */
  sstc?: boolean;
}

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const W = (offset: number): number => (CPU_BASE + offset) >> 2;

const PRIV_W = W(Rv.PRIV);
const EXIT_REQUEST_W = W(Cpu.EXIT_REQUEST);
const EXCEPTION_W = W(Cpu.EXCEPTION);
const MSTATUS_W = W(SysCsr.MSTATUS);

// sstatus in int32 halves, for the helpers' fast path (readSstatusInto, writeSstatusLo).
const lo32 = (v: bigint): number => Number(v & 0xffffffffn) | 0;
const hi32 = (v: bigint): number => Number((v >> 32n) & 0xffffffffn) | 0;
const SSTATUS_VISIBLE_LO = lo32(SSTATUS_VISIBLE), SSTATUS_VISIBLE_HI = hi32(SSTATUS_VISIBLE);
/** sstatus has no writable bit above bit 31 (checked at load: the fast path writes the low word only). */
const SSTATUS_WRITABLE_LO = lo32(SSTATUS_WRITABLE);
if (hi32(SSTATUS_WRITABLE) !== 0) throw new Error('hart: sstatus has writable bits above bit 31');
const FS_LO = lo32(Mstatus.FS), MXR_LO = lo32(Mstatus.MXR), SD_HI = hi32(Mstatus.SD);
const MIE_W = W(SysCsr.MIE);
const MIDELEG_W = W(SysCsr.MIDELEG);
const MIP_SW_W = W(SysCsr.MIP_SW);
const MIP_LINES_W = W(SysCsr.MIP_LINES);
const MENVCFG_HI_W = W(SysCsr.MENVCFG) + 1;
const STIMECMP_W = W(SysCsr.STIMECMP);
const STCE_HI_BIT = 1 << 31;

// mstatus bits as i32 masks of the low word (all of them are below bit 32).
const MS_SIE = Number(Mstatus.SIE), MS_MIE = Number(Mstatus.MIE), MS_MPRV = Number(Mstatus.MPRV);
const MS_SUM = Number(Mstatus.SUM), MS_TVM = Number(Mstatus.TVM);
const MS_FS_SHIFT = Number(Mstatus.FS_SHIFT), MS_MPP_SHIFT = Number(Mstatus.MPP_SHIFT);

/** The plain CSRs: stored as written, no side effects, readable/writable per their number. */
const PLAIN: ReadonlyMap<number, number> = new Map([
  [Csr.MSCRATCH, SysCsr.MSCRATCH], [Csr.SSCRATCH, SysCsr.SSCRATCH],
  [Csr.MTVAL, SysCsr.MTVAL], [Csr.STVAL, SysCsr.STVAL],
  [Csr.MCAUSE, SysCsr.MCAUSE], [Csr.SCAUSE, SysCsr.SCAUSE],
]);

/** CSR numbers that read as zero and ignore writes (allowed by the spec, probed by firmware). */
function isZeroCsr(csr: number): boolean {
  return csr === Csr.MCOUNTINHIBIT || (csr >= Csr.MHPMEVENT3 && csr <= Csr.MHPMEVENT31)
    || (csr >= Csr.MHPMCOUNTER3 && csr <= Csr.MHPMCOUNTER31) || (csr >= Csr.HPMCOUNTER3 && csr <= Csr.HPMCOUNTER31)
    || csr === Csr.MVENDORID || csr === Csr.MARCHID || csr === Csr.MIMPID || csr === Csr.MCONFIGPTR;
}

/** Every CSR the hart implements, with its name (for the CsrDefs and the disassembler). */
export function systemCsrNames(sstc: boolean): Map<number, string> {
  const names = new Map<number, string>();
  for (const [name, num] of Object.entries(Csr)) {
    if (name.endsWith('31') || name === 'HPMCOUNTER3' || name === 'MHPMCOUNTER3' || name === 'MHPMEVENT3') continue;
    if (name === 'PMPADDR0' || name === 'PMPADDR15') continue;
    if (name === 'STIMECMP' && !sstc) continue;
    names.set(num, name.toLowerCase());
  }
  for (let i = 3; i <= 31; i++) {
    names.set(Csr.HPMCOUNTER3 + i - 3, `hpmcounter${i}`);
    names.set(Csr.MHPMCOUNTER3 + i - 3, `mhpmcounter${i}`);
    names.set(Csr.MHPMEVENT3 + i - 3, `mhpmevent${i}`);
  }
  for (let i = 0; i < PMP_COUNT; i++) names.set(Csr.PMPADDR0 + i, `pmpaddr${i}`);
  return names;
}

export class RiscvHart implements RiscvSystemHooks {
  readonly mmu: SystemPageTranslator;
  readonly hartId: number;
  readonly sstc: boolean;
  /** Traps taken (statistics, tests). */
  traps = 0;
  private tlb: TlbControl | null = null;
  private readonly time: () => bigint;
  private readonly timeNumber: () => number;

  constructor(readonly mem: LinearMemory, phys: PhysicalMemory, options: RiscvHartOptions = {}) {
    this.hartId = options.hartId ?? 0;
    this.sstc = options.sstc ?? true;
    const hostTicks = (): number => Math.floor(performance.now() * DEFAULT_TICKS_PER_MS);
    this.time = options.time ?? (() => BigInt(hostTicks()));
    this.timeNumber = options.timeNumber ?? (options.time ? () => NaN : hostTicks);
    this.mmu = new SystemPageTranslator(mem, phys);
    this.reset(0n);
  }

  /** The SoftMmu built over this.mmu: sfence.vma, satp and mstatus.MXR writes flush it. */
  attachTlb(tlb: TlbControl): void {
    this.tlb = tlb;
    this.mmu.observer = tlb;
  }

  /** Register the helpers the CSR defs and privileged instructions call (once per HelperTable). */
  registerHelpers(helpers: HelperTable): void {
    registerSystemHelpers(helpers, this);
  }

  /** Reset state (privileged spec 3.4): M mode, MIE = MPRV = 0, satp Bare, pc = resetVector. */
  reset(resetVector: bigint): void {
    for (let off = Rv.CSR_BASE; off < SysCsr.END; off += 8) this.mem.writeU64(CPU_BASE + off, 0n);
    this.mem.writeU64(CPU_BASE + SysCsr.MSTATUS, Mstatus.UXL_SXL_64);
    this.mem.writeU64(CPU_BASE + SysCsr.MHARTID, BigInt(this.hartId));
    this.mem.writeU64(CPU_BASE + SysCsr.STIMECMP, u64(-1n));
    this.mem.writeU64(CPU_BASE + Rv.RES_ADDR, u64(-1n));
    this.priv = Priv.M;
    this.pc = resetVector;
  }

  // --- plain state -------------------------------------------------------------------

  get priv(): number { return this.mem.i32[PRIV_W]!; }
  set priv(p: number) { this.mem.i32[PRIV_W] = p; }

  get pc(): bigint { return this.mem.readU64(CPU_BASE + Cpu.PC); }
  set pc(v: bigint) { this.mem.writeU64(CPU_BASE + Cpu.PC, u64(v)); }

  private get(offset: number): bigint { return this.mem.readU64(CPU_BASE + offset); }
  private set(offset: number, v: bigint): void { this.mem.writeU64(CPU_BASE + offset, u64(v)); }

  private get mstatus(): bigint { return this.get(SysCsr.MSTATUS); }
  private set mstatus(v: bigint) { this.set(SysCsr.MSTATUS, v); }

  // --- CSR access ------------------------------------------------------------------------

  /**
   * May the current privilege access `csr` (write: the instruction writes it)?
   * False means illegal instruction. Covers the privilege in bits 9:8 of the
   * number, read-only numbers, [ms]counteren for counters, TVM for satp,
   * STCE/TM for stimecmp, and FS for the FP CSRs.
   */
  csrAccessible(csr: number, write: boolean): boolean {
    if (!this.implements(csr)) return false;
    const priv = this.priv;
    if (priv < ((csr >>> 8) & 3)) return false;
    if (write && ((csr >>> 10) & 3) === 3) return false;
    if (csr >= Csr.CYCLE && csr <= Csr.HPMCOUNTER31) return this.counterAccessible(csr & 31);
    if (csr === Csr.SATP) return !(priv === Priv.S && (this.mstatus & Mstatus.TVM) !== 0n);
    if (csr === Csr.STIMECMP) {
      return priv === Priv.M || ((this.get(SysCsr.MENVCFG) & Envcfg.STCE) !== 0n && this.counterAccessible(COUNTER_TM_BIT));
    }
    if (csr === Csr.FFLAGS || csr === Csr.FRM || csr === Csr.FCSR) return (this.mstatus & Mstatus.FS) !== 0n;
    return true;
  }

  private counterAccessible(bit: number): boolean {
    const priv = this.priv;
    const i32 = this.mem.i32;
    if (priv < Priv.M && ((i32[W(SysCsr.MCOUNTEREN)]! >>> bit) & 1) === 0) return false;
    if (priv < Priv.S && ((i32[W(SysCsr.SCOUNTEREN)]! >>> bit) & 1) === 0) return false;
    return true;
  }

  implements(csr: number): boolean {
    if (PLAIN.has(csr) || isZeroCsr(csr)) return true;
    if (csr >= Csr.PMPADDR0 && csr <= Csr.PMPADDR15) return true;
    switch (csr) {
      case Csr.FFLAGS: case Csr.FRM: case Csr.FCSR:
      case Csr.CYCLE: case Csr.TIME: case Csr.INSTRET: case Csr.MCYCLE: case Csr.MINSTRET:
      case Csr.SSTATUS: case Csr.MSTATUS: case Csr.MISA: case Csr.MEDELEG: case Csr.MIDELEG:
      case Csr.SIE: case Csr.MIE: case Csr.SIP: case Csr.MIP: case Csr.STVEC: case Csr.MTVEC:
      case Csr.SEPC: case Csr.MEPC: case Csr.SCOUNTEREN: case Csr.MCOUNTEREN: case Csr.SENVCFG: case Csr.MENVCFG:
      case Csr.SATP: case Csr.MHARTID: case Csr.PMPCFG0: case Csr.PMPCFG2:
        return true;
      case Csr.STIMECMP:
        return this.sstc;
      default:
        return false;
    }
  }

  /**
   * The value of `csr` as an instruction reads it (no access check: see
   * csrAccessible). `notRetired`: instructions counted in Cpu.INSN_COUNT that
   * have not retired (1 inside a TB, see translate-csr.ts's counter()).
   */
  readCsr(csr: number, notRetired = 0): bigint {
    const plain = PLAIN.get(csr);
    if (plain !== undefined) return this.get(plain);
    if (isZeroCsr(csr)) return 0n;
    if (csr >= Csr.PMPADDR0 && csr <= Csr.PMPADDR15) return this.get(SysCsr.PMPADDR + 8 * (csr - Csr.PMPADDR0));
    switch (csr) {
      case Csr.FFLAGS: return BigInt(this.mem.i32[W(Rv.FFLAGS)]!);
      case Csr.FRM: return BigInt(this.mem.i32[W(Rv.FRM)]!);
      case Csr.FCSR: return BigInt(this.mem.i32[W(Rv.FFLAGS)]! | (this.mem.i32[W(Rv.FRM)]! << 5));
      case Csr.CYCLE: case Csr.MCYCLE: return u64(this.insnCount(notRetired) + this.get(SysCsr.MCYCLE_OFFSET));
      case Csr.INSTRET: case Csr.MINSTRET: return u64(this.insnCount(notRetired) + this.get(SysCsr.MINSTRET_OFFSET));
      case Csr.TIME: return u64(this.time());
      case Csr.MSTATUS: return this.mstatusWithSd();
      case Csr.SSTATUS: return this.mstatusWithSd() & SSTATUS_VISIBLE;
      case Csr.MISA: return MISA_VALUE;
      case Csr.MEDELEG: return this.get(SysCsr.MEDELEG);
      case Csr.MIDELEG: return this.get(SysCsr.MIDELEG);
      case Csr.MIE: return this.get(SysCsr.MIE);
      case Csr.SIE: return this.get(SysCsr.MIE) & this.get(SysCsr.MIDELEG);
      case Csr.MIP: return BigInt(this.mip());
      case Csr.SIP: return BigInt(this.mip() & this.mem.i32[MIDELEG_W]!);
      case Csr.MTVEC: return this.get(SysCsr.MTVEC);
      case Csr.STVEC: return this.get(SysCsr.STVEC);
      case Csr.MEPC: return this.get(SysCsr.MEPC);
      case Csr.SEPC: return this.get(SysCsr.SEPC);
      case Csr.SATP: return this.get(SysCsr.SATP);
      case Csr.MCOUNTEREN: return BigInt(this.mem.i32[W(SysCsr.MCOUNTEREN)]! >>> 0);
      case Csr.SCOUNTEREN: return BigInt(this.mem.i32[W(SysCsr.SCOUNTEREN)]! >>> 0);
      case Csr.MENVCFG: return this.get(SysCsr.MENVCFG);
      case Csr.SENVCFG: return this.get(SysCsr.SENVCFG);
      case Csr.MHARTID: return this.get(SysCsr.MHARTID);
      case Csr.STIMECMP: return this.get(SysCsr.STIMECMP);
      case Csr.PMPCFG0: return this.get(SysCsr.PMPCFG0);
      case Csr.PMPCFG2: return this.get(SysCsr.PMPCFG2);
      default: throw new Error(`readCsr: CSR 0x${csr.toString(16)} is not implemented`);
    }
  }

  /** Write `csr` as an instruction does (no access check), with WARL legalisation and side effects. */
  writeCsr(csr: number, value: bigint, notRetired = 0): void {
    const v = u64(value);
    const plain = PLAIN.get(csr);
    if (plain !== undefined) return this.set(plain, v);
    if (isZeroCsr(csr)) return;
    if (csr >= Csr.PMPADDR0 && csr <= Csr.PMPADDR15) return this.set(SysCsr.PMPADDR + 8 * (csr - Csr.PMPADDR0), v & PMPADDR_MASK);
    switch (csr) {
      case Csr.FFLAGS: this.mem.i32[W(Rv.FFLAGS)] = Number(v & 0x1fn); this.markFsDirty(); return;
      case Csr.FRM: this.mem.i32[W(Rv.FRM)] = Number(v & 0x7n); this.markFsDirty(); return;
      case Csr.FCSR:
        this.mem.i32[W(Rv.FFLAGS)] = Number(v & 0x1fn);
        this.mem.i32[W(Rv.FRM)] = Number((v >> 5n) & 0x7n);
        this.markFsDirty();
        return;
      case Csr.MCYCLE: return this.set(SysCsr.MCYCLE_OFFSET, v - this.insnCount(notRetired));
      case Csr.MINSTRET: return this.set(SysCsr.MINSTRET_OFFSET, v - this.insnCount(notRetired));
      case Csr.MSTATUS: return this.writeMstatus(MSTATUS_WRITABLE, v);
      case Csr.SSTATUS: return this.writeMstatus(SSTATUS_WRITABLE, v);
      case Csr.MISA: return; // WARL: the extensions cannot be turned off
      case Csr.MEDELEG: return this.set(SysCsr.MEDELEG, v & DELEGABLE_EXCEPTIONS);
      case Csr.MIDELEG: this.set(SysCsr.MIDELEG, v & BigInt(S_INTERRUPTS)); return this.interruptStateChanged();
      case Csr.MIE: this.set(SysCsr.MIE, v & BigInt(ALL_INTERRUPTS)); return this.interruptStateChanged();
      case Csr.SIE: {
        const deleg = this.get(SysCsr.MIDELEG) & BigInt(S_INTERRUPTS);
        this.set(SysCsr.MIE, (this.get(SysCsr.MIE) & ~deleg) | (v & deleg));
        return this.interruptStateChanged();
      }
      case Csr.MIP: {
        // SSIP and SEIP are software-writable; STIP too unless Sstc drives it from stimecmp.
        const mask = Mip.SSIP | Mip.SEIP | (this.stce() ? 0 : Mip.STIP);
        const i32 = this.mem.i32;
        i32[MIP_SW_W] = (i32[MIP_SW_W]! & ~mask) | (Number(v & 0xffffn) & mask);
        return this.interruptStateChanged();
      }
      case Csr.SIP: {
        const mask = Mip.SSIP & this.mem.i32[MIDELEG_W]!;
        const i32 = this.mem.i32;
        i32[MIP_SW_W] = (i32[MIP_SW_W]! & ~mask) | (Number(v & 0xffffn) & mask);
        return this.interruptStateChanged();
      }
      case Csr.MTVEC: return this.writeTvec(SysCsr.MTVEC, v);
      case Csr.STVEC: return this.writeTvec(SysCsr.STVEC, v);
      // IALIGN = 16 (C is implemented): only bit 0 is always zero.
      case Csr.MEPC: return this.set(SysCsr.MEPC, v & ~1n);
      case Csr.SEPC: return this.set(SysCsr.SEPC, v & ~1n);
      case Csr.SATP: return this.writeSatp(v);
      case Csr.MCOUNTEREN: this.mem.i32[W(SysCsr.MCOUNTEREN)] = Number(v & 0xffffffffn) | 0; return;
      case Csr.SCOUNTEREN: this.mem.i32[W(SysCsr.SCOUNTEREN)] = Number(v & 0xffffffffn) | 0; return;
      case Csr.MENVCFG:
        this.set(SysCsr.MENVCFG, v & (Envcfg.FIOM | (this.sstc ? Envcfg.STCE : 0n)));
        return this.interruptStateChanged();
      case Csr.SENVCFG: return this.set(SysCsr.SENVCFG, v & Envcfg.FIOM);
      case Csr.STIMECMP: this.set(SysCsr.STIMECMP, v); return this.interruptStateChanged();
      case Csr.PMPCFG0: return this.set(SysCsr.PMPCFG0, v & PMPCFG_MASK);
      case Csr.PMPCFG2: return this.set(SysCsr.PMPCFG2, v & PMPCFG_MASK);
      case Csr.MHARTID: return;
      default: throw new Error(`writeCsr: CSR 0x${csr.toString(16)} is not writable`);
    }
  }

  private insnCount(notRetired: number): bigint {
    return this.mem.readU64(CPU_BASE + Cpu.INSN_COUNT) - BigInt(notRetired);
  }

  private mstatusWithSd(): bigint {
    const ms = this.mstatus;
    return (ms & Mstatus.FS) === Mstatus.FS ? ms | Mstatus.SD : ms;
  }

  /**
   * readCsr(Csr.SSTATUS) into words[at] (low half) and words[at + 1], without
   * BigInt: sstatus is ~89% of the CSR accesses of a Linux boot (the kernel's
   * interrupt save and restore), ~630K of them.
   */
  readSstatusInto(words: Int32Array, at: number): void {
    const i32 = this.mem.i32;
    const lo = i32[MSTATUS_W]!;
    words[at] = lo & SSTATUS_VISIBLE_LO;
    words[at + 1] = (i32[MSTATUS_W + 1]! & SSTATUS_VISIBLE_HI) | ((lo & FS_LO) === FS_LO ? SD_HI : 0);
  }

  /** writeCsr(Csr.SSTATUS, v) given v's low half (the only half with writable bits), without BigInt. */
  writeSstatusLo(lo: number): void {
    const i32 = this.mem.i32;
    const old = i32[MSTATUS_W]!;
    const next = (old & ~SSTATUS_WRITABLE_LO) | (lo & SSTATUS_WRITABLE_LO);
    i32[MSTATUS_W] = next;
    // As writeMstatus: MXR changes what a cached page allows.
    if (((old ^ next) & MXR_LO) !== 0) this.flushTlb();
    this.interruptStateChanged();
  }

  private writeMstatus(writable: bigint, v: bigint): void {
    const old = this.mstatus;
    let next = (old & ~writable) | (v & writable);
    // MPP is WARL: 2 (the hypervisor level) is not implemented; keep the old value.
    if (((next & Mstatus.MPP) >> Mstatus.MPP_SHIFT) === 2n) next = (next & ~Mstatus.MPP) | (old & Mstatus.MPP);
    this.mstatus = next | Mstatus.UXL_SXL_64;
    // SUM is part of the MMU index and MPRV/MPP pick the index through the TB
    // flags, but MXR changes what a cached page allows.
    if (((old ^ next) & Mstatus.MXR) !== 0n) this.flushTlb();
    this.interruptStateChanged();
  }

  /** xtvec: MODE 0 (direct) or 1 (vectored); a reserved mode leaves the register unchanged. */
  private writeTvec(offset: number, v: bigint): void {
    if ((v & 3n) >= 2n) return;
    this.set(offset, v);
  }

  /** satp: Bare, Sv39 and Sv48; a write with any other mode has no effect at all. */
  private writeSatp(v: bigint): void {
    const mode = Number(v >> Satp.MODE_SHIFT);
    if (mode !== Satp.BARE && mode !== Satp.SV39 && mode !== Satp.SV48) return;
    const next = mode === Satp.BARE ? 0n : v & ((0xfn << Satp.MODE_SHIFT) | Satp.ASID_MASK | Satp.PPN_MASK);
    if (next !== this.get(SysCsr.SATP)) {
      this.set(SysCsr.SATP, next);
      this.flushTlb();
    }
  }

  private stce(): boolean {
    return this.sstc && (this.mem.i32[MENVCFG_HI_W]! & STCE_HI_BIT) !== 0;
  }

  /** mip as software reads it: written bits, device lines, and Sstc's timer. */
  mip(): number {
    const i32 = this.mem.i32;
    let mip = i32[MIP_SW_W]! | i32[MIP_LINES_W]!;
    if (this.stce()) {
      mip &= ~Mip.STIP;
      if (this.stimecmpReached()) mip |= Mip.STIP;
    }
    return mip;
  }

  /** time >= stimecmp: Sstc's STIP. */
  private stimecmpReached(): boolean {
    const now = this.timeNumber();
    if (Number.isNaN(now)) return this.time() >= this.get(SysCsr.STIMECMP);
    // stimecmp as a Number: exact up to 2^53; above, rounding cannot change the answer, as now is below 2^53.
    const i32 = this.mem.i32;
    return now >= (i32[STIMECMP_W + 1]! >>> 0) * 0x1_0000_0000 + (i32[STIMECMP_W]! >>> 0);
  }

  markFsDirty(): void {
    this.mstatus = this.mstatus | Mstatus.FS;
  }

  private flushTlb(): void {
    this.tlb?.flushAll();
    this.mmu.noteFullFlush();
  }

  // --- interrupts ------------------------------------------------------------------------

  /** A device line: irq is Irq.MSI, MTI, MEI or SEI (the CLINT's and PLIC's outputs). */
  setInterruptLine(irq: number, level: boolean): void {
    const i32 = this.mem.i32;
    const bit = 1 << irq;
    i32[MIP_LINES_W] = level ? i32[MIP_LINES_W]! | bit : i32[MIP_LINES_W]! & ~bit;
    if (level) this.interruptStateChanged();
  }

  /** The board's IrqSink shape (src/hw/device.ts): line = mip bit, as setInterruptLine. */
  setIrq(line: number, level: boolean): void {
    this.setInterruptLine(line, level);
  }

  /**
   * The interrupt the hart would take now (its number), or -1. Interrupts for
   * M (not delegated) come before those for S; inside a level, IRQ_PRIORITY
   * decides. M interrupts are enabled below M, and in M with mstatus.MIE; S
   * interrupts below S, and in S with mstatus.SIE; never in M.
   */
  pendingInterrupt(): number {
    const i32 = this.mem.i32;
    const enabled = i32[MIE_W]!;
    if (enabled === 0) return -1;
    const pending = this.mip() & enabled;
    if (pending === 0) return -1;
    const priv = i32[PRIV_W]!, ms = i32[MSTATUS_W]!;
    const deleg = i32[MIDELEG_W]!;
    const mEnabled = priv < Priv.M || (ms & MS_MIE) !== 0;
    const sEnabled = priv < Priv.S || (priv === Priv.S && (ms & MS_SIE) !== 0);
    const forM = mEnabled ? pending & ~deleg : 0;
    if (forM !== 0) return highestPriority(forM);
    const forS = sEnabled ? pending & deleg : 0;
    if (forS !== 0) return highestPriority(forS);
    return -1;
  }

  /** Take the pending interrupt, if any (between TBs: Cpu.PC is the next instruction). */
  checkInterrupts(): boolean {
    const irq = this.pendingInterrupt();
    if (irq < 0) return false;
    this.takeTrap(irq, 0n, true);
    return true;
  }

  /** wfi may return: an interrupt is pending and enabled in mie, whatever the global enables (spec 3.3.3). */
  wfiShouldWake(): boolean {
    return (this.mip() & this.mem.i32[MIE_W]!) !== 0;
  }

  /** When Sstc's timer fires (stimecmp, in time ticks) if it is armed and enabled, else null: the board's idle deadline. */
  timerDeadline(): bigint | null {
    if (!this.stce() || (this.mem.i32[MIE_W]! & Mip.STIP) === 0) return null;
    return this.get(SysCsr.STIMECMP);
  }

  /** After anything that may make an interrupt deliverable: ask the exec loop to come back. */
  private interruptStateChanged(): void {
    if (this.pendingInterrupt() >= 0) this.mem.i32[EXIT_REQUEST_W] = 1;
  }

  // --- traps -------------------------------------------------------------------------------

  /** The exec loop returned EXIT_EXCEPTION: take the exception it left in Cpu.EXCEPTION / EXCEPTION_VALUE. */
  handleException(): void {
    const cause = this.mem.i32[EXCEPTION_W]!;
    const tval = this.mem.readU64(CPU_BASE + Cpu.EXCEPTION_VALUE);
    this.takeTrap(cause, tval, false);
  }

  /**
   * Enter the trap handler for `cause` (an exception, or an interrupt
   * number): delegated to S when the hart is in S or U and medeleg/mideleg
   * has the bit, else to M. Saves pc in xepc, cause (with bit 63 for
   * interrupts) in xcause, tval in xtval, the privilege in xPP and xIE in
   * xPIE; clears xIE, switches privilege and jumps to xtvec (to base +
   * 4 * cause for interrupts in vectored mode). Clears the LR reservation.
   */
  takeTrap(cause: number, tval: bigint, isInterrupt: boolean): void {
    this.traps++;
    const priv = this.priv;
    const deleg = this.get(isInterrupt ? SysCsr.MIDELEG : SysCsr.MEDELEG);
    const toS = priv <= Priv.S && cause < 64 && ((deleg >> BigInt(cause)) & 1n) !== 0n;
    const causeValue = BigInt(cause) | (isInterrupt ? 1n << 63n : 0n);
    const pc = this.pc;
    let ms = this.mstatus;
    let tvec: bigint;
    if (toS) {
      this.set(SysCsr.SCAUSE, causeValue);
      this.set(SysCsr.SEPC, pc);
      this.set(SysCsr.STVAL, tval);
      ms = (ms & Mstatus.SIE) !== 0n ? ms | Mstatus.SPIE : ms & ~Mstatus.SPIE;
      ms = priv === Priv.S ? ms | Mstatus.SPP : ms & ~Mstatus.SPP;
      ms &= ~Mstatus.SIE;
      tvec = this.get(SysCsr.STVEC);
      this.priv = Priv.S;
    } else {
      this.set(SysCsr.MCAUSE, causeValue);
      this.set(SysCsr.MEPC, pc);
      this.set(SysCsr.MTVAL, tval);
      ms = (ms & Mstatus.MIE) !== 0n ? ms | Mstatus.MPIE : ms & ~Mstatus.MPIE;
      ms = (ms & ~Mstatus.MPP) | (BigInt(priv) << Mstatus.MPP_SHIFT);
      ms &= ~Mstatus.MIE;
      tvec = this.get(SysCsr.MTVEC);
      this.priv = Priv.M;
    }
    this.mstatus = ms;
    const base = tvec & ~3n;
    this.pc = (tvec & 3n) === 1n && isInterrupt ? base + 4n * BigInt(cause) : base;
    this.mem.writeU64(CPU_BASE + Rv.RES_ADDR, u64(-1n));
  }

  /** mret: back to mstatus.MPP. Returns the new pc (mepc). The caller checked priv is M. */
  mret(): bigint {
    let ms = this.mstatus;
    const mpp = Number((ms & Mstatus.MPP) >> Mstatus.MPP_SHIFT);
    ms = (ms & Mstatus.MPIE) !== 0n ? ms | Mstatus.MIE : ms & ~Mstatus.MIE;
    ms |= Mstatus.MPIE;
    ms &= ~Mstatus.MPP; // the least-privileged mode: U
    if (mpp !== Priv.M) ms &= ~Mstatus.MPRV;
    this.mstatus = ms;
    this.priv = mpp;
    this.interruptStateChanged();
    return this.get(SysCsr.MEPC);
  }

  /** sret: back to sstatus.SPP. Returns the new pc (sepc). The caller checked priv and TSR. */
  sret(): bigint {
    let ms = this.mstatus;
    const spp = (ms & Mstatus.SPP) !== 0n ? Priv.S : Priv.U;
    ms = (ms & Mstatus.SPIE) !== 0n ? ms | Mstatus.SIE : ms & ~Mstatus.SIE;
    ms |= Mstatus.SPIE;
    ms &= ~Mstatus.SPP;
    ms &= ~Mstatus.MPRV; // the new privilege is never M
    this.mstatus = ms;
    this.priv = spp;
    this.interruptStateChanged();
    return this.get(SysCsr.SEPC);
  }

  /** Whether the privileged instructions are allowed now (else illegal instruction). */
  mretAllowed(): boolean { return this.priv === Priv.M; }
  sretAllowed(): boolean {
    const priv = this.priv;
    return priv === Priv.M || (priv === Priv.S && (this.mstatus & Mstatus.TSR) === 0n);
  }
  /** wfi: always in M; in S unless TW; never in U (S is implemented, so U's wfi is illegal). */
  wfiAllowed(): boolean {
    const priv = this.priv;
    return priv === Priv.M || (priv === Priv.S && (this.mstatus & Mstatus.TW) === 0n);
  }
  sfenceAllowed(): boolean {
    const priv = this.priv;
    return priv === Priv.M || (priv === Priv.S && (this.mem.i32[MSTATUS_W]! & MS_TVM) === 0);
  }

  /** sfence.vma: every translation, or those of one virtual address (ASIDs are not told apart). */
  sfenceVma(vaddrLo: number | null, vaddrHi: number): void {
    if (vaddrLo === null) return this.flushTlb();
    // The TLB holds 4 KiB pieces of superpages: dropping one page is not enough for those.
    if (this.mmu.inCachedSuperpage(vaddrLo, vaddrHi)) return this.flushTlb();
    this.tlb?.flushPage(vaddrLo, vaddrHi);
  }

  /** Raise illegal instruction for the instruction bits `insn` (from a helper). */
  illegal(insn: number): never {
    raiseGuestException(this.mem, Excp.ILLEGAL_INSN, insn, 0);
  }

  // --- translation (RiscvSystemHooks) -----------------------------------------------------

  tbFlags(): number {
    const i32 = this.mem.i32;
    const priv = i32[PRIV_W]! & TbFlag.PRIV_MASK;
    const ms = i32[MSTATUS_W]!;
    const dataPriv = priv === Priv.M && (ms & MS_MPRV) !== 0 ? (ms >>> MS_MPP_SHIFT) & 3 : priv;
    const dataIdx = dataPriv === Priv.S && (ms & MS_SUM) !== 0 ? MmuIdx.S_SUM : dataPriv;
    const fs = (ms >>> MS_FS_SHIFT) & 3;
    return priv | (dataIdx << TbFlag.DATA_IDX_SHIFT) | (fs === 0 ? TbFlag.FS_OFF : 0) | (fs === 3 ? TbFlag.FS_DIRTY : 0);
  }

  codeMmuIdx(flags: number): number {
    return flags & TbFlag.PRIV_MASK;
  }

  dataMmuIdx(flags: number): number {
    return (flags >>> TbFlag.DATA_IDX_SHIFT) & TbFlag.DATA_IDX_MASK;
  }

  fpGuard(ctx: DisasContext): boolean {
    if (ctx.tbFlags & TbFlag.FS_OFF) return false;
    // Conservatively dirty (the spec allows it): any FP instruction may write f registers or fflags.
    if ((ctx.tbFlags & TbFlag.FS_DIRTY) === 0) ctx.b.call(ctx.helper('sys_fs_dirty'), [], []);
    return true;
  }

  lastFaultIsAccessFault(): boolean {
    return this.mmu.lastFaultIsAccessFault;
  }

  /** The time CSR's value now (for the board's idle loop and tests). */
  now(): bigint {
    return this.time();
  }
}

function highestPriority(set: number): number {
  for (const irq of IRQ_PRIORITY) if (set & (1 << irq)) return irq;
  return 31 - Math.clz32(set); // not reached: only the six standard interrupts are implemented
}
