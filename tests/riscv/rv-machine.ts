// A small RISC-V machine for tests: the RiscvTarget on the interpreter tier
// (or the direct tier), with code and data pages mapped through a fake page map.

import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { ExecLoop } from '../../src/exec/exec-loop.js';
import { DirectTier } from '../../src/target/riscv/direct/direct-tier.js';
import { createDirectTier } from '../../src/user/tier-choice.js';
import { Cpu, CPU_BASE, GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { Prot } from '../../src/memory/softmmu-api.js';
import { SoftMmu } from '../../src/memory/softmmu.js';
import { PAGE_SIZE } from '../../src/memory/tlb-layout.js';
import { Rv, fOffset, xOffset } from '../../src/target/riscv/cpu-layout.js';
import { RiscvTarget } from '../../src/target/riscv/riscv-target.js';
import { FakePageMap } from '../memory/fakes.js';
import { Insn, assemble } from './rv-asm.js';

export const CODE = 0x10000;
export const DATA = 0x20000;
/** A mapped page that refuses writes. */
export const RODATA = 0x30000;

export class RvMachine {
  readonly mem = new LinearMemory(GUEST_BASE + 16 * PAGE_SIZE);
  readonly map = new FakePageMap();
  readonly target = new RiscvTarget(this.mem, { mmuIdx: 0 });
  readonly mmu = new SoftMmu(this.mem, this.map, this.target);
  readonly tier = new InterpTier(this.mem, this.target.helpers, this.mmu);
  /** With `direct`, the direct tier runs every TB (its snippets on `tier`); otherwise the IR interpreter does. */
  readonly direct: DirectTier | undefined;
  readonly loop: ExecLoop;

  constructor(options: { direct?: boolean } = {}) {
    this.direct = options.direct ? createDirectTier(this.mem, this.mmu, this.target, this.tier) : undefined;
    this.loop = new ExecLoop({ mem: this.mem, mmu: this.mmu, target: this.target, tier: this.tier, direct: this.direct });
    this.map.map(CODE, GUEST_BASE, Prot.READ | Prot.EXEC);
    this.map.map(CODE + PAGE_SIZE, GUEST_BASE + PAGE_SIZE, Prot.READ | Prot.EXEC);
    this.map.map(DATA, GUEST_BASE + 2 * PAGE_SIZE, Prot.READ | Prot.WRITE);
    this.map.map(RODATA, GUEST_BASE + 3 * PAGE_SIZE, Prot.READ);
    this.mem.writeU64(CPU_BASE + Rv.RES_ADDR, -1n);
  }

  /** Load a program at `at` (code pages are written on the host side) and set pc. */
  load(insns: readonly Insn[], at = CODE): void {
    const bytes = assemble(insns);
    this.mem.u8.set(bytes, GUEST_BASE + (at - CODE));
    this.pc = BigInt(at);
  }

  /** Run until the guest raises (ecall ends every test program); returns the cause. */
  run(budget = 10_000): number {
    const code = this.loop.run(budget);
    if (code !== -1) throw new Error(`guest did not raise: exit ${code}`);
    return this.mem.i32[(CPU_BASE + Cpu.EXCEPTION) >> 2]!;
  }

  get pc(): bigint { return this.mem.readU64(CPU_BASE + Cpu.PC); }
  set pc(v: bigint) { this.mem.writeU64(CPU_BASE + Cpu.PC, v); }
  get tval(): bigint { return this.mem.readU64(CPU_BASE + Cpu.EXCEPTION_VALUE); }

  x(r: number): bigint { return this.mem.readU64(CPU_BASE + xOffset(r)); }
  setX(r: number, v: bigint): void { this.mem.writeU64(CPU_BASE + xOffset(r), v); }
  f(r: number): bigint { return this.mem.readU64(CPU_BASE + fOffset(r)); }
  setF(r: number, v: bigint): void { this.mem.writeU64(CPU_BASE + fOffset(r), v); }
  word32(offset: number): number { return this.mem.i32[(CPU_BASE + offset) >> 2]!; }
  setWord32(offset: number, v: number): void { this.mem.i32[(CPU_BASE + offset) >> 2] = v; }

  dataU64(vaddr: number): bigint { return this.mem.readU64(GUEST_BASE + 2 * PAGE_SIZE + (vaddr - DATA)); }
  setDataU64(vaddr: number, v: bigint): void { this.mem.writeU64(GUEST_BASE + 2 * PAGE_SIZE + (vaddr - DATA), v); }
}
