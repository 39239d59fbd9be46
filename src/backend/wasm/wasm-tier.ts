// The hot tier: TBs compiled into Wasm modules, many TBs per module.
//
// Lifecycle of a module (DESIGN.md decision 5):
//   compile  bytes from module-builder.ts -> WebAssembly.Module, synchronously
//            or in the background (WebAssembly.compile) while the cold tier
//            keeps running; every TB gets tb.wasmCode = { module, index }.
//   instance created on first use; at most maxInstances live at once, the
//            least recently used one is dropped and re-instantiated from its
//            cached Module when needed again (QEMU's Wasm backend does the
//            same because browsers fail with too many live instances). A live
//            instance has a slot in the dispatcher's table (dispatcher.ts),
//            and its valid TBs are in the dispatcher's jump cache, so code of
//            other modules jumps to them without leaving Wasm.
//   invalidate  per TB: its exported valid flag is cleared so chained jumps
//            inside the module stop entering it; a module with no valid TB
//            left is dropped.
//   recompile  a TB compiled again into a larger region (tiering.ts) moves
//            to the new module: its old copy is marked invalid the same way.
// Nothing here is Node-only: it runs in any browser.

import { GUEST_EXCEPTION } from '../../exec/exception.js';
import { HelperTable } from '../../exec/helpers.js';
import { TranslationBlock } from '../../exec/tb.js';
import { Tier } from '../../exec/tier.js';
import { ExitCode } from '../../ir/ops.js';
import { Cpu, CPU_BASE, WASM_MAX_SLOTS } from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { MemorySlowPath } from '../../memory/softmmu-api.js';
import { CodegenOptions, DEFAULT_CODEGEN_OPTIONS, MappingCheck } from './codegen.js';
import { EXIT_RAISED, MAX_MODULE_ENTRIES, WasmDispatcher } from './dispatcher.js';
import { buildModule, CodeMapping, mappingCheck, RUN_EXPORT, validExport } from './module-builder.js';
import { SlowPathImports, slowPathImports } from './slow-path-imports.js';
import { EXIT_REQUEST_W } from '../../memory/words.js';

/**
 * Default cap on live instances. QEMU's Wasm backend caps at 15000 with one
 * TB per instance; ours hold a batch of TBs each, so far fewer are needed,
 * and each live instance pins its globals, table and JS wrappers.
 */
export const DEFAULT_MAX_INSTANCES = 2000;

const BUDGET_W = (CPU_BASE + Cpu.WASM_BUDGET) >> 2;
const LAST_TB_W = (CPU_BASE + Cpu.WASM_LAST_TB) >> 2;
const LAST_SLOT_W = (CPU_BASE + Cpu.WASM_LAST_SLOT) >> 2;
const USE_TICK_W = (CPU_BASE + Cpu.WASM_USE_TICK) >> 2;
const HOPS_W = (CPU_BASE + Cpu.WASM_HOPS) >> 2;

/** The largest budget passed into Wasm: the budget global is an i32. */
const MAX_WASM_BUDGET = 0x7fffffff;

export interface WasmStats {
  tbsCompiled: number;
  modules: number;
  /** Bytes of generated Wasm, all modules. */
  bytes: number;
  /** Time spent building bytes and compiling them synchronously (ms). */
  compileMs: number;
  backgroundCompiles: number;
  instancesLive: number;
  instancesEvicted: number;
  instantiations: number;
  tbsInvalidated: number;
  executions: number;
  /** Jumps the dispatcher followed from one module into another. */
  dispatcherHops: number;
}

/** What tb.wasmCode holds for a compiled TB. */
export interface WasmTbCode {
  readonly module: CompiledModule;
  readonly index: number;
  /** Returns from Wasm (chained or looked-up exits) that ended at this TB. */
  exits: number;
  /**
   * System mode: the code TLB check of its jump cache entry (null: a TB
   * reaching into the next page, entered through the loop's lookup only).
   * Made once: execute refreshes the entry at every entry from the loop.
   */
  readonly check: MappingCheck | null;
}

interface LiveInstance {
  /** Its run function's slot in the dispatcher's table. */
  readonly slot: number;
  readonly valid: WebAssembly.Global[];
}

export class CompiledModule {
  instance: LiveInstance | null = null;
  validTbs: number;

  constructor(
    readonly module: WebAssembly.Module,
    readonly tbs: readonly TranslationBlock[],
    readonly helperIds: readonly number[],
    readonly byteLength: number,
  ) {
    this.validTbs = tbs.length;
  }
}

export interface WasmTierOptions {
  maxInstances?: number;
  codegen?: CodegenOptions;
  /** -d out_asm: receives every generated module's bytes (for wasm2wat). */
  dumpSink?: (bytes: Uint8Array<ArrayBuffer>, tbs: readonly TranslationBlock[]) => void;
  /**
   * System mode (page tables change under translated code): the code MMU
   * index of TB flags. Jumps stay inside a module only within a page, and
   * the dispatcher checks a target's mapping in the code TLB first.
   */
  codeMmuIdx?: (flags: number) => number;
}

export class WasmTier implements Tier {
  readonly name = 'wasm';
  /** Guest instructions left in this time slice (the exec loop sets and reads it). */
  budget = Number.MAX_SAFE_INTEGER;
  lastTb: TranslationBlock | null = null;
  /**
   * Called when a TB has left Wasm hotExitCount times through a jump (a
   * goto_tb or goto_ptr whose target is not in its module): the policy may
   * grow its region (tiering.ts). Not called during execute's own Wasm calls.
   */
  onHotExit: ((tb: TranslationBlock) => void) | null = null;
  hotExitCount = 1000;
  readonly stats: WasmStats = {
    tbsCompiled: 0, modules: 0, bytes: 0, compileMs: 0, backgroundCompiles: 0,
    instancesLive: 0, instancesEvicted: 0, instantiations: 0, tbsInvalidated: 0, executions: 0, dispatcherHops: 0,
  };
  readonly maxInstances: number;
  private readonly live: CompiledModule[] = [];
  /** The module of each dispatcher slot in use. */
  private readonly slotModules: (CompiledModule | null)[] = [];
  private readonly dispatcher: WasmDispatcher;
  private tick = 0;
  /** Bumped by flush, so background compiles started before it are dropped. */
  private generation = 0;
  private readonly dumpSink: WasmTierOptions['dumpSink'];
  private readonly mapping: CodeMapping | undefined;
  private readonly slowImports: SlowPathImports;
  private readonly codegen: CodegenOptions;

  constructor(private readonly mem: LinearMemory, private readonly helpers: HelperTable,
    slowPath: MemorySlowPath, options: WasmTierOptions = {}) {
    this.maxInstances = Math.min(WASM_MAX_SLOTS, Math.max(1, options.maxInstances ?? DEFAULT_MAX_INSTANCES));
    this.dispatcher = new WasmDispatcher(mem);
    this.dumpSink = options.dumpSink;
    this.slowImports = slowPathImports(slowPath);
    const codeMmuIdx = options.codeMmuIdx;
    this.mapping = codeMmuIdx === undefined ? undefined : { codeMmuIdx };
    this.codegen = options.codegen ?? DEFAULT_CODEGEN_OPTIONS;
  }

  /** Compile tb alone (tier=wasm compiles at first execution). */
  prepare(tb: TranslationBlock): void {
    if (tb.wasmCode === null) this.compile([tb]);
  }

  /**
   * Run tb and what it chains to: through the dispatcher, which follows
   * jumps inside and across modules in Wasm, and here, following the loop's
   * direct links (tb.jump) to compiled TBs the jump cache lost to a
   * collision, while the budget lasts and no exit is requested.
   */
  execute(tb: TranslationBlock): number {
    let cur = tb;
    for (;;) {
      const code = cur.wasmCode as WasmTbCode;
      const mod = code.module;
      let inst = mod.instance;
      if (inst === null) inst = this.instantiate(mod);
      else this.enterInJumpCache(cur, code, inst.slot); // it may have lost its entry
      this.mem.i32[USE_TICK_W] = ++this.tick;
      this.stats.executions++;
      const given = this.budget < MAX_WASM_BUDGET ? this.budget : MAX_WASM_BUDGET;
      const result = this.dispatcher.enter(inst.slot, code.index, given);
      // Views are re-read: helpers and slow paths may have grown the memory.
      const m = this.mem.i32;
      this.budget -= given - m[BUDGET_W]!;
      this.stats.dispatcherHops += m[HOPS_W]!;
      m[HOPS_W] = 0;
      const last = this.slotModules[m[LAST_SLOT_W]!]?.tbs[m[LAST_TB_W]!] ?? null;
      this.lastTb = last;
      if (last !== null && result <= ExitCode.Chain1 && this.onHotExit !== null) {
        const lastCode = last.wasmCode as WasmTbCode | null;
        if (lastCode !== null && ++lastCode.exits === this.hotExitCount) this.onHotExit(last);
      }
      if (result === EXIT_RAISED) throw GUEST_EXCEPTION;
      if ((result !== ExitCode.Chain0 && result !== ExitCode.Chain1) || last === null || this.budget <= 0) return result;
      if (m[EXIT_REQUEST_W] !== 0) return result;
      const next = last.jumpTarget(result - ExitCode.Chain0);
      if (next === null || !next.valid || next.wasmCode === null) return result;
      cur = next;
    }
  }

  flush(): void {
    this.generation++;
    for (const mod of this.live) mod.instance = null;
    this.live.length = 0;
    this.slotModules.length = 0;
    this.dispatcher.reset();
    this.stats.instancesLive = 0;
    this.lastTb = null;
  }

  /**
   * Build and compile tbs (valid, with IR) into one module now. Returns the
   * module, or null if none qualified. TBs compiled already move to the new
   * module (region growth: tiering.ts).
   */
  compile(tbs: readonly TranslationBlock[]): CompiledModule | null {
    const batch = tbs.filter(compilable).slice(0, MAX_MODULE_ENTRIES - 1);
    if (batch.length === 0) return null;
    const t0 = now();
    const bytes = this.build(batch);
    const module = new WebAssembly.Module(bytes.bytes);
    this.stats.compileMs += now() - t0;
    return this.install(module, batch, bytes.helperIds, bytes.bytes.length);
  }

  /**
   * Compile tbs in the background. The TBs keep running in the cold tier
   * until the promise settles; the result is dropped if the cache was
   * flushed meanwhile, and TBs invalidated meanwhile start invalid.
   */
  compileInBackground(tbs: readonly TranslationBlock[]): Promise<CompiledModule | null> {
    const batch = tbs.filter(compilable).slice(0, MAX_MODULE_ENTRIES - 1);
    if (batch.length === 0) return Promise.resolve(null);
    const generation = this.generation;
    const t0 = now();
    const bytes = this.build(batch);
    this.stats.compileMs += now() - t0;
    this.stats.backgroundCompiles++;
    return WebAssembly.compile(bytes.bytes).then((module) => {
      if (generation !== this.generation) return null;
      const still = batch.filter((tb) => tb.valid);
      if (still.length === 0) return null;
      return this.install(module, batch, bytes.helperIds, bytes.bytes.length);
    });
  }

  /** tb was invalidated: stop chained entries into it and forget its code. */
  invalidate(tb: TranslationBlock): void {
    const code = tb.wasmCode as WasmTbCode | null;
    if (code === null) return;
    tb.wasmCode = null;
    this.stats.tbsInvalidated++;
    this.release(tb, code);
  }

  get liveInstances(): number {
    return this.live.length;
  }

  private build(batch: TranslationBlock[]): ReturnType<typeof buildModule> {
    const built = buildModule(batch.map((tb) => ({
      ir: tb.irForCompile()!, pcLo: tb.pcLo, pcHi: tb.pcHi, icount: tb.icount, flags: tb.flags, size: tb.size, hostPage: tb.hostPage,
    })), this.codegen, this.mapping);
    this.stats.modules++;
    this.stats.tbsCompiled += batch.length;
    this.stats.bytes += built.bytes.length;
    this.dumpSink?.(built.bytes, batch);
    return built;
  }

  private install(module: WebAssembly.Module, batch: TranslationBlock[], helperIds: readonly number[], size: number): CompiledModule {
    const mod = new CompiledModule(module, batch, helperIds, size);
    batch.forEach((tb, index) => {
      if (!tb.valid) {
        mod.validTbs--;
        return;
      }
      const old = tb.wasmCode as WasmTbCode | null;
      if (old !== null) this.release(tb, old);
      tb.wasmCode = { module: mod, index, exits: 0, check: this.mapping ? mappingCheck(tb, this.mapping) : null } satisfies WasmTbCode;
    });
    return mod;
  }

  /** tb left old.module (invalidated, or recompiled elsewhere): its old copy must not be entered again. */
  private release(tb: TranslationBlock, old: WasmTbCode): void {
    const mod = old.module;
    const inst = mod.instance;
    if (inst) {
      inst.valid[old.index]!.value = 0;
      this.dispatcher.removeEntry(tb.pcLo, tb.pcHi, tb.flags, inst.slot, old.index);
    }
    if (--mod.validTbs === 0) this.dropModule(mod);
  }

  private instantiate(mod: CompiledModule): LiveInstance {
    if (this.live.length >= this.maxInstances) this.evictLeastRecentlyUsed();
    const h: Record<string, () => void> = {};
    for (const id of mod.helperIds) h[String(id)] = this.helpers.get(id).fn;
    const instance = new WebAssembly.Instance(mod.module, {
      env: { memory: this.mem.memory },
      mem: this.slowImports,
      h,
    });
    const ex = instance.exports;
    const slot = this.dispatcher.addModule(ex[RUN_EXPORT] as (entry: number, budget: number) => number);
    const inst: LiveInstance = { slot, valid: mod.tbs.map((_, k) => ex[validExport(k)] as WebAssembly.Global) };
    // A fresh instance starts with every TB valid: re-apply invalidations; the valid ones go into the jump cache.
    mod.tbs.forEach((tb, k) => {
      if (this.owns(mod, tb)) this.enterInJumpCache(tb, tb.wasmCode as WasmTbCode, slot);
      else inst.valid[k]!.value = 0;
    });
    mod.instance = inst;
    this.slotModules[slot] = mod;
    this.live.push(mod);
    this.stats.instantiations++;
    this.stats.instancesLive = this.live.length;
    return inst;
  }

  /** Let the dispatcher jump to tb (module slot, entry k). */
  private enterInJumpCache(tb: TranslationBlock, code: WasmTbCode, slot: number): void {
    if (this.mapping === undefined) {
      this.dispatcher.setEntry(tb.pcLo, tb.pcHi, tb.flags, slot, code.index);
      return;
    }
    // A TB reaching into the next page depends on two mappings: it is found through the loop's lookup only.
    const check = code.check;
    if (check !== null) this.dispatcher.setEntry(tb.pcLo, tb.pcHi, tb.flags, slot, code.index, check.tlbEntry, check.addend);
  }

  /** tb's current code is mod's copy of it. */
  private owns(mod: CompiledModule, tb: TranslationBlock): boolean {
    return tb.valid && (tb.wasmCode as WasmTbCode | null)?.module === mod;
  }

  private evictLeastRecentlyUsed(): void {
    // The dispatcher stores the tick of every module entry, also those from other modules' code.
    const lastUse = (mod: CompiledModule): number => this.dispatcher.lastUse(mod.instance!.slot);
    let victim = 0;
    for (let i = 1; i < this.live.length; i++) if (lastUse(this.live[i]!) < lastUse(this.live[victim]!)) victim = i;
    const mod = this.live[victim]!;
    this.live.splice(victim, 1);
    this.dropInstance(mod);
    this.stats.instancesEvicted++;
  }

  private dropInstance(mod: CompiledModule): void {
    const inst = mod.instance;
    if (inst === null) return;
    mod.tbs.forEach((tb, k) => this.dispatcher.removeEntry(tb.pcLo, tb.pcHi, tb.flags, inst.slot, k));
    this.dispatcher.removeModule(inst.slot);
    this.slotModules[inst.slot] = null;
    mod.instance = null;
    this.stats.instancesLive = this.live.length;
  }

  private dropModule(mod: CompiledModule): void {
    const i = this.live.indexOf(mod);
    if (i >= 0) this.live.splice(i, 1);
    this.dropInstance(mod);
  }
}

function compilable(tb: TranslationBlock): boolean {
  return tb.valid && tb.hasIr;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
