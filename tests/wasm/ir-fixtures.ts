// Small IR fixtures for the Wasm tests: a few i64/i32 globals in the CPU
// state and a helper table.

import { GlobalDecl, HelperSigTable, IRFunction } from '../../src/ir/ir.js';
import { IRBuilder } from '../../src/ir/builder.js';
import { Type } from '../../src/ir/types.js';
import { Cpu, CPU_BASE, CPU_TARGET_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';

/** pc, then r1..r6 (i64), then w7 (i32): temps 0..7. */
export const TEST_GLOBALS: GlobalDecl[] = [
  { name: 'pc', type: Type.I64, offset: Cpu.PC },
  ...[1, 2, 3, 4, 5, 6].map((i) => ({ name: `r${i}`, type: Type.I64, offset: CPU_TARGET_BASE + 8 * i })),
  { name: 'w7', type: Type.I32, offset: CPU_TARGET_BASE + 8 * 7 },
];
export const G_PC = 0;
export const gR = (i: number): number => i;
export const G_W7 = 7;

export function regOffset(i: number): number {
  return CPU_BASE + CPU_TARGET_BASE + 8 * i;
}

export function newTb(helpers: HelperSigTable): { fn: IRFunction; b: IRBuilder } {
  const fn = new IRFunction(TEST_GLOBALS, helpers);
  return { fn, b: new IRBuilder(fn) };
}

export function readReg(mem: LinearMemory, i: number): bigint {
  return mem.readU64(regOffset(i));
}

export function writeReg(mem: LinearMemory, i: number, v: bigint): void {
  mem.writeU64(regOffset(i), v);
}

export function readCpu64(mem: LinearMemory, field: number): bigint {
  return mem.readU64(CPU_BASE + field);
}
