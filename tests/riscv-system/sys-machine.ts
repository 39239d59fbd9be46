// A small system-mode RISC-V machine for tests: RAM at guest physical
// 0x8000_0000, the system CPU on the interpreter tier, a tiny board loop
// (exceptions -> trap entry, interrupts between slices, wfi ends a run), and
// a page-table builder for Sv39 / Sv48.

import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { WasmTiering } from '../../src/backend/wasm/tiering.js';
import { EXIT_EXCEPTION, ExecLoop } from '../../src/exec/exec-loop.js';
import { ExitCode } from '../../src/ir/ops.js';
import { Cpu, CPU_BASE, GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { PageLookup } from '../../src/memory/softmmu-api.js';
import { SoftMmu } from '../../src/memory/softmmu.js';
import { PAGE_SIZE } from '../../src/memory/tlb-layout.js';
import { fOffset, xOffset } from '../../src/target/riscv/cpu-layout.js';
import { PhysicalMemory } from '../../src/target/riscv/system/mmu.js';
import { RiscvHart, RV_EXIT_WFI, createRiscvSystemCpu } from '../../src/target/riscv/system/system-cpu.js';
import { RiscvTarget } from '../../src/target/riscv/riscv-target.js';
import { Insn, assemble, iType, rType } from '../riscv/rv-asm.js';

export const RAM_BASE = 0x8000_0000;
export const RAM_SIZE = 4 << 20;

/** RAM only: one contiguous run of the linear memory at GUEST_BASE. */
export class TestRam implements PhysicalMemory {
  ramHost(paddr: number): number {
    return paddr >= RAM_BASE && paddr < RAM_BASE + RAM_SIZE ? GUEST_BASE + (paddr - RAM_BASE) : -1;
  }
  lookupPage(paddr: number, prot: number, out: PageLookup): boolean {
    const host = this.ramHost(paddr - (paddr % PAGE_SIZE));
    if (host < 0) return false;
    out.host = host;
    out.prot = prot;
    return true;
  }
}

// Privileged instructions and CSR shorthands for rv-asm.
export const mret = (): number => 0x30200073;
export const sret = (): number => 0x10200073;
export const wfi = (): number => 0x10500073;
export const sfenceVma = (rs1: number, rs2: number): number => rType(0x09, rs2, rs1, 0, 0, 0x73);
export const csrr = (rd: number, csrNum: number): number => iType(csrNum, 0, 2, rd, 0x73);
export const csrw = (csrNum: number, rs1: number): number => iType(csrNum, rs1, 1, 0, 0x73);
export const csrs = (csrNum: number, rs1: number): number => iType(csrNum, rs1, 2, 0, 0x73);
export const csrc = (csrNum: number, rs1: number): number => iType(csrNum, rs1, 3, 0, 0x73);
export const lb = (rd: number, rs1: number, imm: number): number => iType(imm, rs1, 0, rd, 0x03);
export const sb = (rs2: number, rs1: number, imm: number): number =>
  (((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | 0 << 12 | (imm & 0x1f) << 7 | 0x23) >>> 0;

export interface RunResult {
  /** How the run ended: 'wfi', or 'limit' when the slice limit ran out. */
  end: 'wfi' | 'limit';
  /** (cause, isInterrupt) of every trap taken, in order. */
  traps: { cause: number; interrupt: boolean; tval: bigint; pc: bigint }[];
}

export class SysMachine {
  readonly mem = new LinearMemory(GUEST_BASE + RAM_SIZE);
  readonly ram = new TestRam();
  mtime = 0n;
  readonly hart: RiscvHart;
  readonly target: RiscvTarget;
  readonly mmu: SoftMmu;
  readonly tier: InterpTier;
  readonly loop: ExecLoop;

  /**
   * `tier: 'wasm'` compiles every TB to WebAssembly before running it (the interpreter otherwise).
   * `numberClock`: the hart also gets mtime as a Number (NaN from 2^53 up), as the board gives it.
   */
  constructor(options: { tier?: 'interp' | 'wasm'; numberClock?: boolean } = {}) {
    const timeNumber = options.numberClock ? () => (this.mtime < 2n ** 53n ? Number(this.mtime) : NaN) : undefined;
    const { hart, target } = createRiscvSystemCpu(this.mem, this.ram, { time: () => this.mtime, ...(timeNumber ? { timeNumber } : {}) });
    this.hart = hart;
    this.target = target;
    this.mmu = new SoftMmu(this.mem, hart.mmu, target);
    hart.attachTlb(this.mmu);
    this.tier = new InterpTier(this.mem, target.helpers, this.mmu);
    const policy = options.tier === 'wasm'
      ? new WasmTiering({ mem: this.mem, helpers: target.helpers, slowPath: this.mmu, interp: this.tier, mode: 'wasm' })
      : undefined;
    this.loop = new ExecLoop({ mem: this.mem, mmu: this.mmu, target, tier: this.tier, ...(policy ? { policy } : {}) });
    hart.reset(BigInt(RAM_BASE));
  }

  /** Write a program at physical address `paddr`. */
  load(paddr: number, insns: readonly Insn[]): void {
    this.mem.u8.set(assemble(insns), this.ram.ramHost(paddr));
    this.loop.flushAll();
  }

  /** The board loop: take exceptions and interrupts until the guest executes wfi. */
  run(maxSlices = 200): RunResult {
    const traps: RunResult['traps'] = [];
    const note = (cause: number, interrupt: boolean, tval: bigint): void => {
      traps.push({ cause, interrupt, tval, pc: this.hart.pc });
    };
    for (let i = 0; i < maxSlices; i++) {
      const irq = this.hart.pendingInterrupt();
      if (irq >= 0) {
        note(irq, true, 0n);
        this.hart.takeTrap(irq, 0n, true);
      }
      const code = this.loop.run(10_000);
      if (code === EXIT_EXCEPTION) {
        note(this.word32(Cpu.EXCEPTION), false, this.mem.readU64(CPU_BASE + Cpu.EXCEPTION_VALUE));
        this.hart.handleException();
      } else if (code === RV_EXIT_WFI) {
        return { end: 'wfi', traps };
      } else if (code !== ExitCode.Requested && code !== -2) {
        throw new Error(`unexpected exit ${code}`);
      }
    }
    return { end: 'limit', traps };
  }

  /** Run until the first exit of the exec loop, without taking traps: the raw exception. */
  runRaw(): { code: number; cause: number; tval: bigint } {
    const code = this.loop.run(10_000);
    return { code, cause: this.word32(Cpu.EXCEPTION), tval: this.mem.readU64(CPU_BASE + Cpu.EXCEPTION_VALUE) };
  }

  x(r: number): bigint { return this.mem.readU64(CPU_BASE + xOffset(r)); }
  setX(r: number, v: bigint | number): void { this.mem.writeU64(CPU_BASE + xOffset(r), BigInt.asUintN(64, BigInt(v))); }
  f(r: number): bigint { return this.mem.readU64(CPU_BASE + fOffset(r)); }
  setF(r: number, v: bigint): void { this.mem.writeU64(CPU_BASE + fOffset(r), v); }
  word32(offset: number): number { return this.mem.i32[(CPU_BASE + offset) >> 2]!; }

  physU64(paddr: number): bigint { return this.mem.readU64(this.ram.ramHost(paddr)); }
  setPhysU64(paddr: number, v: bigint): void { this.mem.writeU64(this.ram.ramHost(paddr), v); }
}

/** PTE flag bits. */
export const V = 1n, R_ = 2n, W_ = 4n, X_ = 8n, U_ = 16n, G_ = 32n, A_ = 64n, D_ = 128n;

/** Builds Sv39 / Sv48 page tables in the machine's RAM from a bump allocator. */
export class PageTables {
  readonly root: number;
  private next: number;

  constructor(private readonly m: SysMachine, readonly levels: 3 | 4, tableArea = RAM_BASE + 0x10000) {
    this.next = tableArea;
    this.root = this.alloc();
  }

  /** satp value selecting these tables (ASID 0). */
  get satp(): bigint {
    return (BigInt(this.levels === 3 ? 8 : 9) << 60n) | BigInt(this.root / PAGE_SIZE);
  }

  private alloc(): number {
    const t = this.next;
    this.next += PAGE_SIZE;
    for (let i = 0; i < PAGE_SIZE; i += 8) this.m.setPhysU64(t + i, 0n);
    return t;
  }

  /** Address of the PTE for va at `level` (0 = 4 KiB leaf), creating intermediate tables. */
  pteAddr(va: bigint, level: number): number {
    let table = this.root;
    for (let l = this.levels - 1; ; l--) {
      const vpn = Number((va >> BigInt(12 + 9 * l)) & 0x1ffn);
      const addr = table + vpn * 8;
      if (l === level) return addr;
      let pte = this.m.physU64(addr);
      if ((pte & V) === 0n) {
        const t = this.alloc();
        pte = (BigInt(t / PAGE_SIZE) << 10n) | V;
        this.m.setPhysU64(addr, pte);
      }
      table = Number(pte >> 10n) * PAGE_SIZE;
    }
  }

  /** Map va -> pa with `flags` (V is added) at `level`; returns the PTE's physical address. */
  map(va: bigint, pa: number, flags: bigint, level = 0): number {
    const addr = this.pteAddr(va, level);
    this.m.setPhysU64(addr, (BigInt(Math.floor(pa / PAGE_SIZE)) << 10n) | flags | V);
    return addr;
  }
}
