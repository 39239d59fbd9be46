// The register dump for -d cpu, laid out as QEMU's riscv_cpu_dump_state
// prints it: pc, then four registers a line as "x<n>/<abi> value".

import { CPU_BASE, Cpu } from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { Rv, fOffset, xOffset } from './cpu-layout.js';
import { F_NAMES, X_NAMES } from './disasm.js';

const REGS_PER_LINE = 4;

function hex64(mem: LinearMemory, offset: number): string {
  return mem.readU64(CPU_BASE + offset).toString(16).padStart(16, '0');
}

function regLines(names: readonly string[], prefix: string, offsetOf: (r: number) => number, mem: LinearMemory): string {
  let out = '';
  for (let r = 0; r < 32; r++) {
    out += ` ${`${prefix}${r}/${names[r]}`.padEnd(8)} ${hex64(mem, offsetOf(r))}`;
    if (r % REGS_PER_LINE === REGS_PER_LINE - 1) out += '\n';
  }
  return out;
}

export function dumpCpu(mem: LinearMemory): string {
  const i32 = mem.i32;
  const word = (offset: number): number => i32[(CPU_BASE + offset) >> 2]! >>> 0;
  let out = ` ${'pc'.padEnd(8)} ${hex64(mem, Cpu.PC)}\n`;
  out += ` ${'priv'.padEnd(8)} ${word(Rv.PRIV)}\n`;
  out += regLines(X_NAMES, 'x', xOffset, mem);
  out += regLines(F_NAMES, 'f', fOffset, mem);
  out += ` ${'fflags'.padEnd(8)} ${word(Rv.FFLAGS).toString(16).padStart(2, '0')} ${'frm'.padEnd(8)} ${word(Rv.FRM)}\n`;
  return out;
}
