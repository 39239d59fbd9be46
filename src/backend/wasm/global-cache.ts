// Guest globals kept in Wasm locals for the length of one TB (DESIGN.md
// decision 4): loaded once at TB entry, written back before anything that
// can read them or raise (helpers per their HelperFlag bits, the memory slow
// path, host ld of the CPU state, TB exits), and reloaded after anything
// that can write them (helpers without NO_WRITE_GLOBALS, host st).
//
// Branches only go forward and every path starts from the entry load, so a
// cached local always holds the global's current value on every path; the
// write-back stores every global written anywhere earlier in op order, which
// on paths that skipped the write just stores the value loaded at entry.
//
// The pc global is never cached: the backend stores the current
// instruction's pc into Cpu.PC before slow paths and raising helpers, and a
// later read of pc must see that store, as in the interpreter.

import { IRFunction } from '../../ir/ir.js';
import { Temp, TempKind, Type } from '../../ir/types.js';
import { Cpu, CPU_BASE } from '../../memory/layout.js';
import { valType } from './emit-context.js';
import { CodeWriter } from './encoder.js';
import { Op, ValType } from './opcodes.js';

export class GlobalCache {
  /** Wasm local of each cached global temp, -1 when not cached. */
  private readonly localOf: number[];
  private readonly cachedTemps: Temp[] = [];
  private readonly written = new Set<Temp>();

  constructor(ir: IRFunction, private readonly w: CodeWriter, newLocal: (t: ValType) => number) {
    this.localOf = new Array(ir.temps.length).fill(-1);
    const used = new Set<number>();
    for (const op of ir.ops) {
      const n = ir.nOut(op) + ir.nIn(op);
      for (let i = 0; i < n; i++) used.add(op.args[i]!);
    }
    for (const index of [...used].sort((x, y) => x - y)) {
      const t = ir.temp(index);
      if (t.kind !== TempKind.Global || overlaps(t, Cpu.PC, 8)) continue;
      this.localOf[index] = newLocal(valType(t.type));
      this.cachedTemps.push(t);
    }
  }

  /** The local holding global t, or -1 if t is not cached. */
  local(t: Temp): number {
    return this.localOf[t.index]!;
  }

  markWritten(t: Temp): void {
    this.written.add(t);
  }

  /** Load every cached global from the CPU state. */
  loadAll(): void {
    for (const t of this.cachedTemps) this.load(t);
  }

  /** Store every global written so far back to the CPU state. */
  writeBack(): void {
    for (const t of this.written) {
      this.w.i32Const(0).localGet(this.localOf[t.index]!);
      this.w.mem(t.type === Type.I32 ? Op.i32_store : Op.i64_store, t.type === Type.I32 ? 2 : 3, CPU_BASE + t.offset);
    }
  }

  /** True if any cached global overlaps CPU-state bytes [offset, offset + size). */
  anyOverlaps(offset: number, size: number): boolean {
    return this.cachedTemps.some((t) => overlaps(t, offset, size));
  }

  /** Reload the cached globals overlapping [offset, offset + size) (after a host st there). */
  reloadOverlapping(offset: number, size: number): void {
    for (const t of this.cachedTemps) if (overlaps(t, offset, size)) this.load(t);
  }

  private load(t: Temp): void {
    this.w.i32Const(0).mem(t.type === Type.I32 ? Op.i32_load : Op.i64_load, t.type === Type.I32 ? 2 : 3, CPU_BASE + t.offset);
    this.w.localSet(this.localOf[t.index]!);
  }
}

function overlaps(t: Temp, offset: number, size: number): boolean {
  const tSize = t.type === Type.I32 ? 4 : 8;
  return t.offset < offset + size && offset < t.offset + tSize;
}
