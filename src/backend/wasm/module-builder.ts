// Compiles a batch of TBs into one Wasm module: a function per TB, and a
// goto_tb to another TB of the module is a tail call (return_call) to its
// function, so jumps between the module's TBs stay inside Wasm without
// growing the stack. A TB jumping to itself loops inside its function,
// keeping its guest globals in locals (global-cache.ts).
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
// calls tail-calls the lookup function, which hashes Cpu.PC to a bucket and
// compares it with that bucket's valid TBs (in system mode, also the code TLB
// entry of the TB's page: see CodeMapping), continuing in Wasm on a hit and
// returning EXIT_GOTO_PTR on a miss, as any other goto_ptr does: the
// dispatcher (dispatcher.ts) then looks the pc up among all modules.
// Chaining stops (exit request, budget spent) with Chain0/Chain1 for the
// slot, as the interpreter does, so the loop can link the TB that ran last
// to its successor.
//
// Functions: TB 0 .. TB K-1 (budget, synced) -> result, then the lookup
// (budget, synced, from) -> result, finish (budget, synced, result) -> code,
// run (entry, budget) -> code, and the slow-path load (addr, arg, pc) and
// store (addr, value, arg, pc) -> raised that the TBs' memory accesses call
// on a TLB miss (emit-memory.ts). run tail-calls TB `entry`; every way out of
// the module ends in a tail call of finish, which brings Cpu.INSN_COUNT up to
// date and stores Cpu.WASM_BUDGET and Cpu.WASM_LAST_TB.
//
// Why a function per TB. V8 compiles a Wasm function with its baseline
// compiler (Liftoff) at its first call and with its optimizing compiler
// (TurboFan) once the function has run enough (dynamic tiering), per
// function. When a module was one region function with every TB a case of a
// dispatch loop, any hot TB made V8 optimize the whole module: on the Linux
// boot TurboFan took ~11 s of CPU on V8's background threads for 257 such
// functions, nearly every module, competing with the main thread for the
// machine's two cores. A function per TB lets V8 optimize only the TBs that
// stay hot, and small functions are cheap to optimize: the boot's process
// CPU went from ~35 s to ~28 s (and V8's worker threads from ~18 s to ~10 s)
// for about the same main-thread time. A tail call costs ~1.4 ns more than
// the branch it replaces (two-function ring against a br_table loop, V8 11);
// the user-mode benchmarks in Wasm stayed within the noise (sort perhaps
// ~10% slower, vli faster). The first design, a function per TB called
// through a table by a dispatcher loop (not tail calls) with the registers
// in memory, took bench_sort 40 3.44 s against 1.87 s for one region
// function, which is why regions were one function until session 4.

import { CodePlace, onOnePage, samePage } from '../../exec/tb.js';
import { ExitCode, Opc } from '../../ir/ops.js';
import { Cpu, CPU_BASE } from '../../memory/layout.js';
import { codeTlbIndex, PAGE_BITS, PAGE_MASK_LO, TlbEntry, tlbEntryOffset } from '../../memory/tlb-layout.js';
import { ChainTarget, CodegenOptions, DEFAULT_CODEGEN_OPTIONS, genTbCode, MappingCheck, RegionFrame, TbSource } from './codegen.js';
import { EXIT_GOTO_PTR, EXIT_RAISED, MAX_MODULE_ENTRIES } from './dispatcher.js';
import { SLOW_PATH_MMU_SHIFT } from './emit-memory.js';
import { GlobalCache } from './global-cache.js';
import { CodeWriter, CodeWriterPool, ExternKind, WasmModuleWriter } from './encoder.js';
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

const I32 = ValType.I32, I64 = ValType.I64;

function usedHelpers(tbs: readonly ModuleTbInput[]): number[] {
  const ids = new Set<number>();
  for (const tb of tbs) {
    for (const op of tb.ir.ops) if (op.opc === Opc.call) ids.add(op.args[op.args.length - 1]!);
  }
  return [...ids].sort((x, y) => x - y);
}

/**
 * The first TB of the module at (pc, flags): a chained jump's target. A Map
 * on the pc's low word, its few TBs compared in full (a string key per TB
 * and per jump was ~5% of code generation).
 */
class TbsByPc {
  private readonly byLo = new Map<number, ChainTarget[]>();

  constructor(private readonly tbs: readonly ModuleTbInput[], validGlobals: readonly number[]) {
    tbs.forEach((tb, index) => {
      const list = this.byLo.get(tb.pcLo | 0);
      const target = { index, validGlobal: validGlobals[index]! };
      if (list === undefined) this.byLo.set(tb.pcLo | 0, [target]);
      else if (this.find(list, tb.pcHi | 0, tb.flags) === null) list.push(target);
    });
  }

  get(lo: number, hi: number, flags: number): ChainTarget | null {
    const list = this.byLo.get(lo | 0);
    return list === undefined ? null : this.find(list, hi | 0, flags);
  }

  private find(list: readonly ChainTarget[], hi: number, flags: number): ChainTarget | null {
    for (const t of list) {
      const tb = this.tbs[t.index]!;
      if ((tb.pcHi | 0) === hi && tb.flags === flags) return t;
    }
    return null;
  }
}

/** Buckets of the goto_ptr lookup: a power of two, about one TB per bucket. */
function lookupBuckets(tbCount: number): number {
  return 1 << Math.ceil(Math.log2(Math.max(2, tbCount)));
}

/** The bucket of a pc (instructions are 2-byte aligned). */
function lookupHash(pcLo: number, buckets: number): number {
  return (pcLo >>> 1) & (buckets - 1);
}

/** The bodies of the module being built (buildModule is not reentrant: it runs to the end synchronously). */
const bodies = new CodeWriterPool();

export function buildModule(tbs: readonly ModuleTbInput[], options: CodegenOptions = DEFAULT_CODEGEN_OPTIONS, mapping?: CodeMapping): BuiltModule {
  if (tbs.length === 0) throw new Error('wasm: empty module');
  if (tbs.length > MAX_MODULE_ENTRIES) throw new Error(`wasm: more than ${MAX_MODULE_ENTRIES} TBs in a module`);
  try {
    return writeModule(tbs, options, mapping);
  } finally {
    bodies.releaseAll();
  }
}

function writeModule(tbs: readonly ModuleTbInput[], options: CodegenOptions, mapping: CodeMapping | undefined): BuiltModule {
  const m = new WasmModuleWriter();
  const voidFn = m.funcType([], []);

  // Imports first: they take the low function indices.
  m.importMemory('env', 'memory', 1);
  const slowLoad = m.importFunction('mem', 'load', m.funcType([I32, I32, I32, I32], [I32]));
  const slowStore = m.importFunction('mem', 'store', m.funcType([I32, I32, I32, I32, I32, I32], [I32]));
  const helperIds = usedHelpers(tbs);
  const helperFuncs = new Map<number, number>();
  for (const id of helperIds) helperFuncs.set(id, m.importFunction('h', String(id), voidFn));

  const validGlobals = tbs.map(() => m.addGlobal(I32, true, 1));

  const byPc = new TbsByPc(tbs, validGlobals);

  // The lookup matches on pc alone, so every TB must share the flags of the one jumping.
  const gotoPtrLookup = tbs.every((tb) => tb.flags === tbs[0]!.flags);
  const checks = tbs.map((tb) => (mapping ? mappingCheck(tb, mapping) : null));
  const funcs = new RegionFunctions(m, tbs.length, gotoPtrLookup);
  tbs.forEach((tb, k) => {
    const builder = new TbFunctionBuilder(tb, k, funcs, options);
    genTbCode(tb, {
      frame: builder.frame,
      slowLoad: funcs.slowLoad, slowStore: funcs.slowStore, gotoPtrLookup,
      helperFunc: (id: number): number => helperFuncs.get(id)!,
      chainTarget: (lo: number, hi: number): ChainTarget | null => {
        const target = byPc.get(lo, hi, tb.flags);
        if (target === null || !mapping || samePage(tb, tbs[target.index]!)) return target;
        const check = checks[target.index];
        return check ? { ...target, mapping: check } : null;
      },
    });
    const { code, locals } = builder.finish();
    funcs.add(funcs.tbType, locals, code, funcs.tb(k));
  });
  if (gotoPtrLookup) funcs.add(funcs.lookupType, [ValType.I64], lookupCode(tbs, funcs, validGlobals, mapping ? checks : null), funcs.lookup);
  funcs.add(funcs.finishType, [], finishCode(), funcs.finish);
  funcs.add(funcs.runType, [], runCode(tbs.length, funcs), funcs.run);
  funcs.add(funcs.slowLoadType, [I32], slowPathCode(slowLoad, false), funcs.slowLoad);
  funcs.add(funcs.slowStoreType, [I32], slowPathCode(slowStore, true), funcs.slowStore);
  m.addExport(RUN_EXPORT, ExternKind.Func, funcs.run);
  validGlobals.forEach((g, k) => m.addExport(validExport(k), ExternKind.Global, g));
  return { bytes: m.finish(), helperIds };
}

const pcBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/**
 * Parameters of a TB function: the slice budget left (the TB's icount
 * comes off at its entry) and the budget when Cpu.INSN_COUNT was last
 * brought up to date. Its first local holds RESULT.
 */
const BUDGET = 0, SYNCED = 1, RESULT = 2, TB_PARAMS = 2;
/** The goto_ptr lookup's third parameter: the jumping TB (for the miss's result); its local: Cpu.PC. */
const FROM_TB = 2, LOOKUP_PC = 3;
/** finish's third parameter. */
const FINISH_RESULT = 2;
/** run's parameters. */
const RUN_ENTRY = 0, RUN_BUDGET = 1;
const BUDGET_AT = CPU_BASE + Cpu.WASM_BUDGET, LAST_AT = CPU_BASE + Cpu.WASM_LAST_TB;
const INSN_COUNT_AT = CPU_BASE + Cpu.INSN_COUNT, EXIT_REQUEST_AT = CPU_BASE + Cpu.EXIT_REQUEST;

/**
 * A region's result holds the exit code in its low 16 bits and the TB that
 * exits above them: one constant per exit, and finish stores
 * Cpu.WASM_LAST_TB once (MAX_MODULE_ENTRIES keeps the index in 16 bits).
 */
const RESULT_TB_SHIFT = 16, RESULT_CODE_MASK = 0xffff;
function result(code: number, k: number): number {
  if (code < 0 || code > RESULT_CODE_MASK) throw new Error(`wasm: exit code ${code} does not fit the region's result`);
  return (k << RESULT_TB_SHIFT) | code;
}

/** The module's function types and indices: TB k's function, the lookup, finish and run, after the imports. */
class RegionFunctions {
  readonly tbType: number;
  readonly lookupType: number;
  readonly finishType: number;
  readonly runType: number;
  readonly slowLoadType: number;
  readonly slowStoreType: number;
  private readonly base: number;
  readonly lookup: number;
  readonly finish: number;
  readonly run: number;
  readonly slowLoad: number;
  readonly slowStore: number;

  constructor(private readonly m: WasmModuleWriter, nTbs: number, hasLookup: boolean) {
    // Two signatures: (a, b) -> result for TBs and run, (a, b, c) -> result for the lookup and finish.
    this.tbType = m.funcType([I32, I32], [I32]);
    this.lookupType = m.funcType([I32, I32, I32], [I32]);
    this.finishType = this.lookupType;
    this.runType = this.tbType;
    this.slowLoadType = m.funcType([I64, I32, I64], [I32]);
    this.slowStoreType = m.funcType([I64, I64, I32, I64], [I32]);
    this.base = m.importedFunctionCount;
    this.lookup = hasLookup ? this.base + nTbs : -1;
    this.finish = this.base + nTbs + (hasLookup ? 1 : 0);
    this.run = this.finish + 1;
    this.slowLoad = this.run + 1;
    this.slowStore = this.run + 2;
  }

  tb(k: number): number {
    return this.base + k;
  }

  /** Add the next function; it must get the index the layout gave it. */
  add(type: number, locals: readonly ValType[], code: CodeWriter, expected: number): void {
    const index = this.m.addFunction(type, locals, code);
    if (index !== expected) throw new Error(`wasm: function ${index} added where ${expected} belongs`);
  }
}

/**
 * Writes TB k's function, the frame its code is emitted into:
 *   block $leave  load the cached globals
 *     block $raised  loop $self <TB k> end  end  RESULT = EXIT_RAISED
 *   end  write the cached globals back; return_call finish(budget, synced, RESULT)
 * Exits set RESULT and branch to $leave; a memory slow path that raised
 * branches to $raised (one br_if a site). A chained jump to TB k itself is a
 * branch to $self (its registers stay in locals); to another TB of the module
 * it writes back and tail-calls that TB's function; goto_ptr tail-calls the
 * lookup.
 */
class TbFunctionBuilder {
  readonly w = bodies.take();
  readonly frame: RegionFrame;
  private readonly locals: ValType[] = [I32];
  private readonly cache: GlobalCache | null;

  constructor(tb: ModuleTbInput, private readonly k: number, private readonly funcs: RegionFunctions, options: CodegenOptions) {
    const w = this.w;
    const cache = options.cacheGlobals ? new GlobalCache(tb.ir, w, (t) => this.addLocal(t)) : null;
    this.cache = cache;
    w.block(); // $leave
    cache?.loadAll();
    w.block(); // $raised
    w.loop(); // $self
    // Blocks around TB k's code at its top level: its self loop, $raised, then $leave.
    const toSelf = (depth: number): number => depth;
    const toRaised = (depth: number): number => depth + 1;
    const toLeave = (depth: number): number => depth + 2;
    const leave = (code: number, depth: number): void => {
      w.i32Const(result(code, k)).localSet(RESULT).br(toLeave(depth));
    };
    /** Stop chaining with `code` when an exit is requested or the budget is spent. */
    const stopCheck = (code: number, depth: number): void => {
      w.i32Const(0).mem(Op.i32_load, 2, EXIT_REQUEST_AT).localGet(BUDGET).i32Const(0).op(Op.i32_le_s).op(Op.i32_or);
      w.hint(false).if_();
      leave(code, depth + 1);
      w.end();
    };
    this.frame = {
      w,
      cache,
      newLocal: (t) => this.addLocal(t),
      enterTb(icount: number): void {
        w.localGet(BUDGET).i32Const(icount).op(Op.i32_sub).localSet(BUDGET);
      },
      sync(writeBackGlobals: boolean): void {
        if (writeBackGlobals) cache?.writeBack();
        emitInsnCountSync(w, BUDGET, SYNCED);
      },
      exit: leave,
      leaveIfRaised(depth: number): void {
        w.hint(false).brIf(toRaised(depth));
      },
      chain(target: ChainTarget, slot: number, depth: number): void {
        const code = slot === 0 ? ExitCode.Chain0 : ExitCode.Chain1;
        w.globalGet(target.validGlobal);
        if (target.mapping) {
          emitMappingCheck(w, target.mapping);
          w.op(Op.i32_and);
        }
        w.hint(true).if_();
        stopCheck(code, depth + 1);
        if (target.index === k) {
          w.br(toSelf(depth + 1));
        } else {
          cache?.writeBack();
          w.localGet(BUDGET).localGet(SYNCED).returnCall(funcs.tb(target.index));
        }
        w.end();
      },
      gotoPtr(depth: number): void {
        stopCheck(ExitCode.Next, depth);
        cache?.writeBack();
        w.localGet(BUDGET).localGet(SYNCED).i32Const(k).returnCall(funcs.lookup);
      },
    };
  }

  /** After the TB's code: close $self, $raised (whose code sets RESULT) and $leave, whose code writes the cached globals back and finishes. */
  finish(): { code: CodeWriter; locals: ValType[] } {
    const w = this.w;
    w.end(); // $self
    w.end(); // $raised: only a raising slow path gets here
    w.i32Const(result(EXIT_RAISED, this.k)).localSet(RESULT);
    w.end(); // $leave
    this.cache?.writeBack();
    w.localGet(BUDGET).localGet(SYNCED).localGet(RESULT).returnCall(this.funcs.finish);
    return { code: w, locals: this.locals };
  }

  private addLocal(t: ValType): number {
    this.locals.push(t);
    return TB_PARAMS + this.locals.length - 1;
  }
}

/** Cpu.INSN_COUNT += instructions entered since the last sync (synced - budget); synced = budget. */
function emitInsnCountSync(w: CodeWriter, budget: number, synced: number): void {
  w.i32Const(0).i32Const(0).mem(Op.i64_load, 3, INSN_COUNT_AT);
  w.localGet(synced).localGet(budget).op(Op.i32_sub).op(Op.i64_extend_i32_u).op(Op.i64_add);
  w.mem(Op.i64_store, 3, INSN_COUNT_AT);
  w.localGet(budget).localSet(synced);
}

/**
 * finish(budget, synced, result): what every way out of the region does
 * last. Counts the instructions not yet counted, leaves the budget and the
 * exiting TB for the tier, returns the exit code.
 */
function finishCode(): CodeWriter {
  const w = bodies.take();
  emitInsnCountSync(w, BUDGET, SYNCED);
  w.i32Const(0).localGet(BUDGET).mem(Op.i32_store, 2, BUDGET_AT);
  w.i32Const(0).localGet(FINISH_RESULT).i32Const(RESULT_TB_SHIFT).op(Op.i32_shr_u).mem(Op.i32_store, 2, LAST_AT);
  w.localGet(FINISH_RESULT).i32Const(RESULT_CODE_MASK).op(Op.i32_and);
  return w;
}

/**
 * run(entry, budget): the module's entry, a br_table to a tail call of TB
 * entry's function.
 *   block $t[K-1] ... block $t0  br_table[entry]  end  <call TB 0>  end  <call TB 1> ...
 */
function runCode(nTbs: number, funcs: RegionFunctions): CodeWriter {
  const w = bodies.take();
  for (let k = 0; k < nTbs; k++) w.block();
  w.localGet(RUN_ENTRY).brTable([...Array(nTbs).keys()], 0);
  for (let k = 0; k < nTbs; k++) {
    w.end();
    w.localGet(RUN_BUDGET).localGet(RUN_BUDGET).returnCall(funcs.tb(k));
  }
  return w;
}

/**
 * The slow-path load (addr, arg, pc) -> raised or store (addr, value, arg,
 * pc) -> raised: calls the import with the address and value in i32 halves
 * and the memop and MMU index unpacked from arg (emit-memory.ts:
 * slowPathArg); if it raised, stores pc into Cpu.PC. Its one local holds the
 * import's result.
 */
function slowPathCode(imported: number, store: boolean): CodeWriter {
  const w = bodies.take();
  const ADDR = 0, VALUE = 1, ARG = store ? 2 : 1, PC = ARG + 1, RAISED = PC + 1;
  const halves = (x: number): void => void w.localGet(x).op(Op.i32_wrap_i64).localGet(x).i64Const(32n).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
  halves(ADDR);
  if (store) halves(VALUE);
  w.localGet(ARG).i32Const((1 << SLOW_PATH_MMU_SHIFT) - 1).op(Op.i32_and);
  w.localGet(ARG).i32Const(SLOW_PATH_MMU_SHIFT).op(Op.i32_shr_u);
  w.call(imported).localTee(RAISED);
  w.hint(false).if_().i32Const(0).localGet(PC).mem(Op.i64_store, 3, CPU_BASE + Cpu.PC).end();
  w.localGet(RAISED);
  return w;
}

/**
 * lookup(budget, synced, from): goto_ptr among the module's TBs. A br_table
 * on a hash of Cpu.PC's low bits picks a bucket, whose few TBs are compared
 * with the pc (and in system mode the mapping checked); a hit tail-calls
 * that TB, a miss finishes with EXIT_GOTO_PTR for the dispatcher, as TB
 * `from`.
 *   block $miss  block $b[K-1] ... block $b0  br_table[hash]  end
 *   <bucket 0> br $miss  end  <bucket 1> br $miss ... end  <bucket K-1>  end $miss
 * checks: system mode, the mapping check of each TB (null for a TB the
 * lookup must not find: one spanning two pages).
 */
function lookupCode(tbs: readonly ModuleTbInput[], funcs: RegionFunctions, validGlobals: readonly number[],
  checks: readonly (MappingCheck | null)[] | null): CodeWriter {
  const w = bodies.take();
  const k = lookupBuckets(tbs.length);
  const buckets: number[][] = Array.from({ length: k }, () => []);
  tbs.forEach((tb, j) => {
    if (checks?.[j] !== null) buckets[lookupHash(tb.pcLo, k)]!.push(j);
  });
  w.i32Const(0).mem(Op.i64_load, 3, CPU_BASE + Cpu.PC).localSet(LOOKUP_PC);
  w.block(); // $miss
  for (let i = 0; i < k; i++) w.block();
  w.localGet(LOOKUP_PC).op(Op.i32_wrap_i64).i32Const(1).op(Op.i32_shr_u).i32Const(k - 1).op(Op.i32_and);
  w.brTable([...Array(k).keys()], k);
  for (let i = 0; i < k; i++) {
    w.end(); // $b[i]: the blocks of buckets i+1..k-1 and $miss are around its code
    for (const j of buckets[i]!) {
      const tb = tbs[j]!;
      const check = checks?.[j];
      w.localGet(LOOKUP_PC).i64Const(pcBig(tb.pcLo, tb.pcHi)).op(Op.i64_eq).globalGet(validGlobals[j]!).op(Op.i32_and);
      if (check) {
        emitMappingCheck(w, check);
        w.op(Op.i32_and);
      }
      w.if_().localGet(BUDGET).localGet(SYNCED).returnCall(funcs.tb(j)).end();
    }
    const toMiss = k - 1 - i;
    if (toMiss > 0) w.br(toMiss);
  }
  w.end(); // $miss
  w.localGet(BUDGET).localGet(SYNCED);
  w.localGet(FROM_TB).i32Const(RESULT_TB_SHIFT).op(Op.i32_shl).i32Const(EXIT_GOTO_PTR).op(Op.i32_or);
  w.returnCall(funcs.finish);
  return w;
}
