// Compiles a batch of TBs into one Wasm module holding one region function:
// the TBs' code inline, one case of a dispatch loop each, so a goto_tb to a
// TB of the same module is a branch inside Wasm (a plain loop back edge for a
// TB jumping to itself, which keeps its guest globals in locals:
// global-cache.ts).
//
// Module interface (all names are part of the contract with wasm-tier.ts):
//   imports  env.memory          the machine's linear memory
//            mem.load, mem.store  the MemorySlowPath functions, returning 1
//                                 instead of throwing when they raise a guest
//                                 exception (the module then exits with
//                                 EXIT_RAISED, writing its registers back)
//            h.<id>               helper <id>, () -> ()
//   exports  run(entry: i32, budget: i32) -> i32   an ExitCode
//            v<k>    (global i32) 1 while TB k may be entered by a chained jump
//   memory   Cpu.WASM_BUDGET  guest instructions left in the slice when run
//                             returns (the tier reads it back)
//            Cpu.WASM_LAST_TB module-local index of the TB that ran last
// (Memory, not exported globals, for the values the tier reads after every
// run: a Global's `value` getter cost ~10% of a guest benchmark's time.)
//
// Invalidation is per TB: the tier clears v<k>, and chained jumps test it.
// goto_ptr: in a module whose TBs share one flags value, a TB without helper
// calls continues in the lookup case, which hashes Cpu.PC to a bucket and
// compares it with that bucket's valid TBs (in system mode, also the code TLB
// entry of the TB's page: see CodeMapping), continuing in Wasm
// on a hit and returning EXIT_GOTO_PTR on a miss, as any other goto_ptr does:
// the dispatcher (dispatcher.ts) then looks the pc up among all modules.
// Chaining stops (exit request, budget spent) with Chain0/Chain1 for the
// slot, as the interpreter does, so the loop can link the TB that ran last
// to its successor.
//
// Why one function: with a function per TB called through a table by a
// dispatcher, bench_sort 40 took 3.44 s and bench_sieve 10 4.14 s of user
// time; inlined into one region function, 1.87 s and 2.69 s (same machine,
// one run each, before region growth in tiering.ts).
//
// Layout of run:
//   block $exit
//     loop $dispatch
//       block $case[K-1] ... block $case[0]
//         br_table $case[entry]
//       end  <case TB 0>  end  <case TB 1> ... <lookup case>
//     end
//   end
//   Cpu.INSN_COUNT, Cpu.WASM_BUDGET, Cpu.WASM_LAST_TB; return RESULT's code
// where <case TB k> is
//   block $leave  load k's cached globals  loop $self <TB k> end  end
//   write k's cached globals back; br $exit
// (exits set RESULT and branch to $leave; a chained jump to another TB writes
// back and branches to $dispatch itself).

import { CodePlace, onOnePage, samePage } from '../../exec/tb.js';
import { ExitCode, Opc } from '../../ir/ops.js';
import { Cpu, CPU_BASE } from '../../memory/layout.js';
import { codeTlbIndex, PAGE_BITS, PAGE_MASK_LO, TlbEntry, tlbEntryOffset } from '../../memory/tlb-layout.js';
import { ChainTarget, CodegenOptions, DEFAULT_CODEGEN_OPTIONS, genTbCode, MappingCheck, RegionFrame, TbSource } from './codegen.js';
import { EXIT_GOTO_PTR } from './dispatcher.js';
import { GlobalCache } from './global-cache.js';
import { CodeWriter, ExternKind, WasmModuleWriter } from './encoder.js';
import { Op, ValType } from './opcodes.js';

export interface ModuleTbInput extends TbSource, CodePlace {
  /** TB flags: a chained jump only targets a TB with the same flags as its source. */
  readonly flags: number;
}

/**
 * System mode (page tables change under translated code): the code MMU index
 * of TB flags. A jump inside the module to a TB on another page then checks
 * that the code TLB still maps the target's page where the TB came from (as
 * the dispatcher does); a jump within the jumping TB's page needs no check.
 * Without it (user mode) mappings change only with invalidation.
 */
export interface CodeMapping {
  codeMmuIdx(flags: number): number;
}

/** The TLB check for jumping to tb without a lookup, or null if tb spans two pages (never entered that way). */
export function mappingCheck(tb: CodePlace & { readonly flags: number }, mapping: CodeMapping): MappingCheck | null {
  if (!onOnePage(tb)) return null;
  return {
    tlbEntry: tlbEntryOffset(codeTlbIndex(mapping.codeMmuIdx(tb.flags)), tb.pcLo),
    tagLo: tb.pcLo & PAGE_MASK_LO,
    tagHi: tb.pcHi,
    addend: ((tb.hostPage << PAGE_BITS) - (tb.pcLo & PAGE_MASK_LO)) | 0,
  };
}

/** Pushes 1 if the check holds, else 0. */
function emitMappingCheck(w: CodeWriter, c: MappingCheck): void {
  w.i32Const(0).mem(Op.i32_load, 2, c.tlbEntry + TlbEntry.CODE_TAG).i32Const(c.tagLo).op(Op.i32_eq);
  w.i32Const(0).mem(Op.i32_load, 2, c.tlbEntry + TlbEntry.CODE_TAG + 4).i32Const(c.tagHi).op(Op.i32_eq).op(Op.i32_and);
  w.i32Const(0).mem(Op.i32_load, 2, c.tlbEntry + TlbEntry.ADDEND).i32Const(c.addend).op(Op.i32_eq).op(Op.i32_and);
}

export interface BuiltModule {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Helper ids imported as h.<id>. */
  readonly helperIds: readonly number[];
}

export const RUN_EXPORT = 'run';
export const validExport = (k: number): string => `v${k}`;

const I32 = ValType.I32;

function usedHelpers(tbs: readonly ModuleTbInput[]): number[] {
  const ids = new Set<number>();
  for (const tb of tbs) {
    for (const op of tb.ir.ops) if (op.opc === Opc.call) ids.add(op.args[op.args.length - 1]!);
  }
  return [...ids].sort((x, y) => x - y);
}

const pcKey = (lo: number, hi: number, flags: number): string => `${hi >>> 0}:${lo >>> 0}:${flags}`;

/** Buckets of the goto_ptr lookup: a power of two, about one TB per bucket. */
function lookupBuckets(tbCount: number): number {
  return 1 << Math.ceil(Math.log2(Math.max(2, tbCount)));
}

/** The bucket of a pc (instructions are 2-byte aligned). */
function lookupHash(pcLo: number, buckets: number): number {
  return (pcLo >>> 1) & (buckets - 1);
}

export function buildModule(tbs: readonly ModuleTbInput[], options: CodegenOptions = DEFAULT_CODEGEN_OPTIONS, mapping?: CodeMapping): BuiltModule {
  if (tbs.length === 0) throw new Error('wasm: empty module');
  const m = new WasmModuleWriter();
  const voidFn = m.funcType([], []);
  const runType = m.funcType([I32, I32], [I32]);

  // Imports first: they take the low function indices.
  m.importMemory('env', 'memory', 1);
  const slowLoad = m.importFunction('mem', 'load', m.funcType([I32, I32, I32, I32], [I32]));
  const slowStore = m.importFunction('mem', 'store', m.funcType([I32, I32, I32, I32, I32, I32], [I32]));
  const helperIds = usedHelpers(tbs);
  const helperFuncs = new Map<number, number>();
  for (const id of helperIds) helperFuncs.set(id, m.importFunction('h', String(id), voidFn));

  const validGlobals = tbs.map(() => m.addGlobal(I32, true, 1));

  const byPc = new Map<string, ChainTarget>();
  tbs.forEach((tb, index) => {
    const key = pcKey(tb.pcLo, tb.pcHi, tb.flags);
    if (!byPc.has(key)) byPc.set(key, { index, validGlobal: validGlobals[index]! });
  });

  // The lookup matches on pc alone, so every TB must share the flags of the one jumping.
  const gotoPtrLookup = tbs.every((tb) => tb.flags === tbs[0]!.flags);
  const checks = tbs.map((tb) => (mapping ? mappingCheck(tb, mapping) : null));
  const region = new RegionBuilder(tbs, validGlobals, gotoPtrLookup, options, mapping ? checks : null);
  tbs.forEach((tb, k) => {
    const env = {
      frame: region.openCase(k),
      slowLoad, slowStore, gotoPtrLookup,
      helperFunc: (id: number): number => helperFuncs.get(id)!,
      chainTarget: (lo: number, hi: number): ChainTarget | null => {
        const target = byPc.get(pcKey(lo, hi, tb.flags)) ?? null;
        if (target === null || !mapping || samePage(tb, tbs[target.index]!)) return target;
        const check = checks[target.index];
        return check ? { ...target, mapping: check } : null;
      },
    };
    genTbCode(tb, env);
    region.endCase(k);
  });
  const { code, locals } = region.finish();
  const run = m.addFunction(runType, locals, code);
  m.addExport(RUN_EXPORT, ExternKind.Func, run);
  validGlobals.forEach((g, k) => m.addExport(validExport(k), ExternKind.Global, g));
  return { bytes: m.finish(), helperIds };
}

const pcBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

// Locals of run: the two parameters, then these, then the pooled TB locals (cached globals included).
const ENTRY = 0, BUDGET = 1, RUN_PARAMS = 2, RESULT = 2, SYNCED = 3, PC = 4, FIXED_LOCALS = [I32, I32, ValType.I64];
const BUDGET_AT = CPU_BASE + Cpu.WASM_BUDGET, LAST_AT = CPU_BASE + Cpu.WASM_LAST_TB;
const INSN_COUNT_AT = CPU_BASE + Cpu.INSN_COUNT, EXIT_REQUEST_AT = CPU_BASE + Cpu.EXIT_REQUEST;

/**
 * RESULT holds the exit code in its low 16 bits and the TB that exits above
 * them: one constant per exit, and Cpu.WASM_LAST_TB is stored once, at the
 * function's end (MAX_MODULE_ENTRIES keeps the index in 16 bits).
 */
const RESULT_TB_SHIFT = 16, RESULT_CODE_MASK = 0xffff;
function result(code: number, k: number): number {
  if (code < 0 || code > RESULT_CODE_MASK) throw new Error(`wasm: exit code ${code} does not fit the region's result`);
  return (k << RESULT_TB_SHIFT) | code;
}

/**
 * Writes the region function: the frame every TB's code is emitted into,
 * the dispatch loop around them, the goto_ptr lookup case and the exit.
 */
class RegionBuilder {
  readonly w = new CodeWriter(4096);
  private readonly locals: ValType[] = [...FIXED_LOCALS];
  /** TB locals, pooled per type: every TB starts again from the first of each pool. */
  private readonly pools = new Map<ValType, number[]>();
  private readonly poolUsed = new Map<ValType, number>();
  private readonly cacheGlobals: boolean;
  /** The globals the TB being emitted keeps in locals (null: globals live in memory). */
  private cache: GlobalCache | null = null;
  /** Cases of the dispatch loop: one per TB, plus the goto_ptr lookup. */
  private readonly nCases: number;
  private readonly lookupCase: number;

  /**
   * checks: system mode, the mapping check of each TB for the goto_ptr
   * lookup (null for a TB it must not find: one spanning two pages).
   */
  constructor(private readonly tbs: readonly ModuleTbInput[], private readonly validGlobals: readonly number[],
    private readonly gotoPtrLookup: boolean, options: CodegenOptions, private readonly checks: readonly (MappingCheck | null)[] | null) {
    const w = this.w;
    this.cacheGlobals = options.cacheGlobals;
    this.lookupCase = tbs.length;
    this.nCases = tbs.length + (gotoPtrLookup ? 1 : 0);
    w.localGet(BUDGET).localSet(SYNCED);
    w.block(); // $exit
    w.loop(); // $dispatch
    for (let k = 0; k < this.nCases; k++) w.block();
    const targets = [...Array(this.nCases).keys()];
    w.localGet(ENTRY).brTable(targets, 0);
    w.end(); // case 0 starts here
  }

  /**
   * Open TB k's case: its cached globals are loaded, then its self loop
   * begins (a TB jumping to itself keeps them in locals).
   */
  openCase(k: number): RegionFrame {
    const self = this;
    const w = this.w;
    for (const [t] of this.poolUsed) this.poolUsed.set(t, 0);
    const cache = this.cacheGlobals ? new GlobalCache(this.tbs[k]!.ir, w, (t) => this.poolLocal(t)) : null;
    this.cache = cache;
    w.block(); // $leave
    cache?.loadAll();
    w.loop(); // $self
    // Blocks around TB k's code at its top level: its self loop, $leave, the cases after it, then $dispatch and $exit.
    const toSelf = (depth: number): number => depth;
    const toLeave = (depth: number): number => depth + 1;
    const toDispatch = (depth: number): number => depth + 2 + (this.nCases - 1 - k);
    /** Every exit but a chained jump goes through $leave, which writes the cached globals back. */
    const leave = (code: number, depth: number): void => {
      w.i32Const(result(code, k)).localSet(RESULT).br(toLeave(depth));
    };
    /** Stop chaining with `code` when an exit is requested or the budget is spent. */
    const stopCheck = (code: number, depth: number): void => {
      w.i32Const(0).mem(Op.i32_load, 2, EXIT_REQUEST_AT).localGet(BUDGET).i32Const(0).op(Op.i32_le_s).op(Op.i32_or);
      w.if_();
      leave(code, depth + 1);
      w.end();
    };
    return {
      w,
      cache,
      newLocal: (t) => self.poolLocal(t),
      enterTb(icount: number): void {
        w.localGet(BUDGET).i32Const(icount).op(Op.i32_sub).localSet(BUDGET);
      },
      sync(writeBackGlobals: boolean): void {
        if (writeBackGlobals) cache?.writeBack();
        self.syncInsnCount();
      },
      exit: leave,
      chain(target: ChainTarget, slot: number, depth: number): void {
        const code = slot === 0 ? ExitCode.Chain0 : ExitCode.Chain1;
        w.globalGet(target.validGlobal);
        if (target.mapping) {
          emitMappingCheck(w, target.mapping);
          w.op(Op.i32_and);
        }
        w.if_();
        stopCheck(code, depth + 1);
        if (target.index === k) {
          w.br(toSelf(depth + 1));
        } else {
          cache?.writeBack();
          w.i32Const(target.index).localSet(ENTRY).br(toDispatch(depth + 1));
        }
        w.end();
      },
      gotoPtr(depth: number): void {
        stopCheck(ExitCode.Next, depth);
        // RESULT for a miss; a hit runs on to another exit.
        w.i32Const(result(EXIT_GOTO_PTR, k)).localSet(RESULT);
        cache?.writeBack();
        w.i32Const(self.lookupCase).localSet(ENTRY).br(toDispatch(depth));
      },
    };
  }

  /**
   * After TB k's code: close its self loop, then $leave, whose code writes
   * the cached globals back and leaves the function; close the block of the
   * next case, which begins there.
   */
  endCase(k: number): void {
    const w = this.w;
    w.end(); // $self
    w.end(); // $leave
    this.cache?.writeBack();
    w.br(this.nCases - k); // $exit: past the nCases - 1 - k blocks of later cases and $dispatch
    if (k + 1 >= this.nCases) return; // the last case: inside $dispatch now
    w.end(); // the block of case k + 1
  }

  finish(): { code: CodeWriter; locals: ValType[] } {
    const w = this.w;
    // The lookup case, if any, is the last one: only $dispatch and $exit are around it.
    if (this.gotoPtrLookup) this.emitLookupCase();
    w.end(); // $dispatch
    w.end(); // $exit
    this.syncInsnCount();
    w.i32Const(0).localGet(BUDGET).mem(Op.i32_store, 2, BUDGET_AT);
    w.i32Const(0).localGet(RESULT).i32Const(RESULT_TB_SHIFT).op(Op.i32_shr_u).mem(Op.i32_store, 2, LAST_AT);
    w.localGet(RESULT).i32Const(RESULT_CODE_MASK).op(Op.i32_and);
    return { code: w, locals: this.locals };
  }

  /**
   * The goto_ptr lookup: a br_table on a hash of Cpu.PC's low bits picks a
   * bucket, whose few TBs are compared with the pc (and in system mode the
   * mapping checked); a hit continues at that TB's case, a miss returns
   * EXIT_GOTO_PTR for the dispatcher.
   *   block $miss  block $b[K-1] ... block $b0  br_table[hash]  end
   *   <bucket 0> br $miss  end  <bucket 1> br $miss ... end  <bucket K-1>  end $miss
   */
  private emitLookupCase(): void {
    const w = this.w;
    const k = lookupBuckets(this.tbs.length);
    const buckets: number[][] = Array.from({ length: k }, () => []);
    this.tbs.forEach((tb, j) => {
      if (this.checks?.[j] !== null) buckets[lookupHash(tb.pcLo, k)]!.push(j);
    });
    w.i32Const(0).mem(Op.i64_load, 3, CPU_BASE + Cpu.PC).localSet(PC);
    w.block(); // $miss
    for (let i = 0; i < k; i++) w.block();
    w.localGet(PC).op(Op.i32_wrap_i64).i32Const(1).op(Op.i32_shr_u).i32Const(k - 1).op(Op.i32_and);
    w.brTable([...Array(k).keys()], k);
    for (let i = 0; i < k; i++) {
      w.end(); // $b[i]: the blocks of buckets i+1..k-1, $miss, $dispatch and $exit are around its code
      const toMiss = k - 1 - i, toDispatch = toMiss + 1;
      for (const j of buckets[i]!) {
        const tb = this.tbs[j]!;
        const check = this.checks?.[j];
        w.localGet(PC).i64Const(pcBig(tb.pcLo, tb.pcHi)).op(Op.i64_eq).globalGet(this.validGlobals[j]!).op(Op.i32_and);
        if (check) {
          emitMappingCheck(w, check);
          w.op(Op.i32_and);
        }
        w.if_().i32Const(j).localSet(ENTRY).br(toDispatch + 1).end();
      }
      if (toMiss > 0) w.br(toMiss);
    }
    w.end(); // $miss
    w.br(1); // $exit with RESULT set by gotoPtr: the dispatcher looks the pc up
  }

  /** Cpu.INSN_COUNT += instructions entered since the last sync. */
  private syncInsnCount(): void {
    const w = this.w;
    w.i32Const(0).i32Const(0).mem(Op.i64_load, 3, INSN_COUNT_AT);
    w.localGet(SYNCED).localGet(BUDGET).op(Op.i32_sub).op(Op.i64_extend_i32_u).op(Op.i64_add);
    w.mem(Op.i64_store, 3, INSN_COUNT_AT);
    w.localGet(BUDGET).localSet(SYNCED);
  }

  private addLocal(t: ValType): number {
    this.locals.push(t);
    return RUN_PARAMS + this.locals.length - 1;
  }

  private poolLocal(t: ValType): number {
    let pool = this.pools.get(t);
    if (!pool) this.pools.set(t, (pool = []));
    const used = this.poolUsed.get(t) ?? 0;
    if (used === pool.length) pool.push(this.addLocal(t));
    this.poolUsed.set(t, used + 1);
    return pool[used]!;
  }
}
