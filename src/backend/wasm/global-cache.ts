// Guest globals kept in Wasm locals within one TB's function (DESIGN.md
// decision 4): loaded when the TB is entered (a TB that
// jumps to itself keeps them across the loop), written back before anything
// that can read them or raise (helpers per their HelperFlag bits, host ld of
// the CPU state) and when the TB is left (a chained jump to another TB, a
// return from the function, a memory slow path that raised: it returns a
// flag, emit-memory.ts), and reloaded after anything that can write them
// (helpers without NO_WRITE_GLOBALS, host st).
//
// Why per TB and not across a whole module (session 2's modules were one
// function): a global cached for the whole function is live through all of
// it, and V8's register allocator (61% of TurboFan's time on the Linux
// boot's modules, whose compiles took ~11 s of CPU on background threads)
// splits every such live range around every call of every slow path. Per TB, the boot's modules
// compiled in ~30% less TurboFan time per byte (single-threaded, --no-liftoff,
// the same modules' bytes); the user-mode benchmarks in Wasm moved within
// +-15% either way (sha256 faster, sort slower: its loop spans TBs, which
// now store and reload registers between them).
//
// A TB has forward branches, so a write-back cannot know which writes
// happened on the path taken: it stores every global the TB writes. A local
// always holds its global's current value, so storing one that was not
// written on this path stores the value it already has.
//
// The pc global is never cached: the backend stores the current
// instruction's pc into Cpu.PC before raising helpers (and when a slow path
// faults), and a later read of pc must see that store, as in the
// interpreter. Globals that overlap another cached global of a different
// size are not cached either.

import { IRFunction } from '../../ir/ir.js';
import { Temp, TempKind, Type } from '../../ir/types.js';
import { Cpu, CPU_BASE } from '../../memory/layout.js';
import { valType } from './emit-context.js';
import { CodeWriter } from './encoder.js';
import { Op, ValType } from './opcodes.js';

interface CachedGlobal {
  readonly offset: number;
  readonly type: Type;
  readonly local: number;
  written: boolean;
}

/** A global as the TB's IR names it. */
interface GlobalUse {
  readonly offset: number;
  readonly type: Type;
  written: boolean;
  /** Named as I32 and as I64: it stays in memory. */
  mixedTypes: boolean;
}

export class GlobalCache {
  /** Cached globals in offset order. */
  private readonly cached: CachedGlobal[] = [];

  /** The globals the TB's IR uses, each in a local from newLocal. */
  constructor(ir: IRFunction, private readonly w: CodeWriter, newLocal: (t: ValType) => number) {
    // A TB names a handful of globals: a list searched linearly (Maps and Sets here were
    // ~12% of code generation, bench/translate-speed.js --wasm).
    const uses: GlobalUse[] = [];
    for (const op of ir.ops) {
      const nOut = ir.nOut(op), n = nOut + ir.nIn(op);
      for (let i = 0; i < n; i++) {
        const t = ir.temp(op.args[i]!);
        if (t.kind !== TempKind.Global) continue;
        const use = uses.find((u) => u.offset === t.offset);
        if (use === undefined) {
          uses.push({ offset: t.offset, type: t.type, written: i < nOut, mixedTypes: false });
        } else {
          if (use.type !== t.type) use.mixedTypes = true;
          if (i < nOut) use.written = true;
        }
      }
    }
    uses.sort((x, y) => x.offset - y.offset);
    for (const u of uses) {
      if (u.mixedTypes || overlaps(u.offset, u.type, Cpu.PC, 8)) continue;
      // An overlap with a neighbour means two views of the same bytes: keep both in memory.
      if (uses.some((o) => o !== u && overlaps(u.offset, u.type, o.offset, sizeOf(o.type)))) continue;
      this.cached.push({ offset: u.offset, type: u.type, local: newLocal(valType(u.type)), written: u.written });
    }
  }

  /** The local holding global t, or -1 if t is not cached. */
  local(t: Temp): number {
    for (const c of this.cached) if (c.offset === t.offset) return c.type === t.type ? c.local : -1;
    return -1;
  }

  /** Load every cached global from the CPU state. */
  loadAll(): void {
    for (const c of this.cached) this.load(c);
  }

  /** Store every global the module writes back to the CPU state. */
  writeBack(): void {
    for (const c of this.cached) {
      if (!c.written) continue;
      this.w.i32Const(0).localGet(c.local);
      this.w.mem(c.type === Type.I32 ? Op.i32_store : Op.i64_store, c.type === Type.I32 ? 2 : 3, CPU_BASE + c.offset);
    }
  }

  /** True if any cached global overlaps CPU-state bytes [offset, offset + size). */
  anyOverlaps(offset: number, size: number): boolean {
    return this.cached.some((c) => overlaps(c.offset, c.type, offset, size));
  }

  /** Reload the cached globals overlapping [offset, offset + size) (after a host st there). */
  reloadOverlapping(offset: number, size: number): void {
    for (const c of this.cached) if (overlaps(c.offset, c.type, offset, size)) this.load(c);
  }

  private load(c: CachedGlobal): void {
    this.w.i32Const(0).mem(c.type === Type.I32 ? Op.i32_load : Op.i64_load, c.type === Type.I32 ? 2 : 3, CPU_BASE + c.offset);
    this.w.localSet(c.local);
  }
}

const sizeOf = (t: Type): number => (t === Type.I32 ? 4 : 8);

function overlaps(gOffset: number, gType: Type, offset: number, size: number): boolean {
  const gSize = sizeOf(gType);
  return gOffset < offset + size && offset < gOffset + gSize;
}
