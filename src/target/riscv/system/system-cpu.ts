// System-mode RISC-V CPU: the entry point the board uses.
//
//   const { hart, target } = createRiscvSystemCpu(mem, physMap, { time: () => clint.mtime });
//   const mmu = new SoftMmu(mem, hart.mmu, target);   // the walker is the PageTranslator
//   hart.attachTlb(mmu);                               // sfence.vma / satp / MXR flush it
//   hart.reset(0x1000n);                               // M mode at the reset vector
//   loop: code = execLoop.run(budget)
//         EXIT_EXCEPTION -> hart.handleException()
//         RV_EXIT_WFI    -> idle until hart.wfiShouldWake() (hart.timerDeadline() for Sstc)
//         before each slice / after ExitCode.Requested -> hart.checkInterrupts()
//   devices: hart.setInterruptLine(Irq.MTI / MSI / MEI / SEI, level), or hart as the board's IrqSink (setIrq)

import { LinearMemory } from '../../../memory/linear-memory.js';
import { RiscvTarget } from '../riscv-target.js';
import { systemCsrDefs } from './csr-defs.js';
import { RiscvHart, RiscvHartOptions } from './hart.js';
import { PhysicalMemory } from './mmu.js';
import { PRIV_PATTERNS } from './priv-insns.js';

export interface RiscvSystemCpu {
  readonly hart: RiscvHart;
  readonly target: RiscvTarget;
}

export function createRiscvSystemCpu(mem: LinearMemory, phys: PhysicalMemory, options: RiscvHartOptions = {}): RiscvSystemCpu {
  const hart = new RiscvHart(mem, phys, options);
  const target = new RiscvTarget(mem, { csrs: systemCsrDefs(hart.sstc), extraPatterns: PRIV_PATTERNS, system: hart });
  hart.registerHelpers(target.helpers);
  return { hart, target };
}

export { RiscvHart, RV_EXIT_WFI, TbFlag } from './hart.js';
export type { RiscvHartOptions, TlbControl } from './hart.js';
export { MmuIdx, Pte, SystemPageTranslator } from './mmu.js';
export type { PhysicalMemory } from './mmu.js';
export { Csr, Irq, Mip, Mstatus, Priv, SysCsr } from './csr-layout.js';
export { PRIV_PATTERNS } from './priv-insns.js';
export { systemCsrDefs } from './csr-defs.js';
