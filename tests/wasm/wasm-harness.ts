// Runs modules from the Wasm module builder directly, without the tier, for
// code generator tests: instantiate against a LinearMemory, a slow path and
// a helper table, and call run(entry, budget).

import { IRFunction } from '../../src/ir/ir.js';
import { HelperTable } from '../../src/exec/helpers.js';
import { Cpu, CPU_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemorySlowPath } from '../../src/memory/softmmu-api.js';
import { buildModule, ModuleTbInput } from '../../src/backend/wasm/module-builder.js';
import { slowPathImports } from '../../src/backend/wasm/slow-path-imports.js';

export interface RunnableModule {
  run(entry: number, budget: number): number;
  /** Cpu.WASM_BUDGET after the last run. */
  readonly budget: number;
  readonly exports: WebAssembly.Exports;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

export const unusedSlowPath: MemorySlowPath = {
  load(): void { throw new Error('unexpected slow-path load'); },
  store(): void { throw new Error('unexpected slow-path store'); },
};

export function tbInput(fn: IRFunction, pc = 0x1000, icount = 1, flags = 0): ModuleTbInput {
  return { ir: fn, pcLo: pc, pcHi: 0, icount, flags, size: 4 * icount, hostPage: 0 };
}

export function compileTbs(tbs: readonly ModuleTbInput[], mem: LinearMemory, slowPath: MemorySlowPath = unusedSlowPath,
  helpers: HelperTable = new HelperTable()): RunnableModule {
  const built = buildModule(tbs);
  if (!WebAssembly.validate(built.bytes)) throw new Error('generated module does not validate');
  const h: Record<string, () => void> = {};
  for (const id of built.helperIds) h[String(id)] = helpers.get(id).fn;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(built.bytes), {
    env: { memory: mem.memory },
    mem: slowPathImports(slowPath),
    h,
  });
  const ex = instance.exports;
  return {
    run: ex.run as (entry: number, budget: number) => number,
    get budget(): number { return mem.i32[(CPU_BASE + Cpu.WASM_BUDGET) >> 2]!; },
    exports: ex,
    bytes: built.bytes,
  };
}
