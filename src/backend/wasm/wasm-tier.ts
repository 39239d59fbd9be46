// The hot tier: TBs compiled into Wasm modules, many TBs per module.
//
// Lifecycle of a module (DESIGN.md decision 5):
//   compile  bytes from module-builder.ts -> WebAssembly.Module, synchronously
//            or in the background (WebAssembly.compile) while the cold tier
//            keeps running; every TB gets tb.wasmCode = { module, index }.
//   instance created on first use; at most maxInstances live at once, the
//            least recently used one is dropped and re-instantiated from its
//            cached Module when needed again (QEMU's Wasm backend does the
//            same because browsers fail with too many live instances).
//   invalidate  per TB: its exported valid flag is cleared so chained jumps
//            inside the module stop entering it; a module with no valid TB
//            left is dropped.
//   recompile  a TB compiled again into a larger region (tiering.ts) moves
//            to the new module: its old copy is marked invalid the same way.
// Nothing here is Node-only: it runs in any browser.

import { HelperTable } from '../../exec/helpers.js';
import { TranslationBlock } from '../../exec/tb.js';
import { Tier } from '../../exec/tier.js';
import { ExitCode } from '../../ir/ops.js';
import { Cpu, CPU_BASE } from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { MemorySlowPath } from '../../memory/softmmu-api.js';
import { CodegenOptions, DEFAULT_CODEGEN_OPTIONS } from './codegen.js';
import { buildModule, RUN_EXPORT, validExport } from './module-builder.js';

/**
 * Default cap on live instances. QEMU's Wasm backend caps at 15000 with one
 * TB per instance; ours hold a batch of TBs each, so far fewer are needed,
 * and each live instance pins its globals, table and JS wrappers.
 */
export const DEFAULT_MAX_INSTANCES = 2000;

const EXIT_REQUEST_W = (CPU_BASE + Cpu.EXIT_REQUEST) >> 2;
const BUDGET_W = (CPU_BASE + Cpu.WASM_BUDGET) >> 2;
const LAST_TB_W = (CPU_BASE + Cpu.WASM_LAST_TB) >> 2;

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
}

/** What tb.wasmCode holds for a compiled TB. */
export interface WasmTbCode {
  readonly module: CompiledModule;
  readonly index: number;
  /** Returns from Wasm (chained or looked-up exits) that ended at this TB. */
  exits: number;
}

interface LiveInstance {
  readonly run: (entry: number, budget: number) => number;
  readonly valid: WebAssembly.Global[];
}

export class CompiledModule {
  instance: LiveInstance | null = null;
  /** Tick of the last execute, for least-recently-used eviction. */
  lastUsed = 0;
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
    instancesLive: 0, instancesEvicted: 0, instantiations: 0, tbsInvalidated: 0, executions: 0,
  };
  readonly maxInstances: number;
  private readonly live: CompiledModule[] = [];
  private tick = 0;
  /** Bumped by flush, so background compiles started before it are dropped. */
  private generation = 0;
  private readonly dumpSink: WasmTierOptions['dumpSink'];
  private readonly codegen: CodegenOptions;

  constructor(private readonly mem: LinearMemory, private readonly helpers: HelperTable,
    private readonly slowPath: MemorySlowPath, options: WasmTierOptions = {}) {
    this.maxInstances = Math.max(1, options.maxInstances ?? DEFAULT_MAX_INSTANCES);
    this.dumpSink = options.dumpSink;
    this.codegen = options.codegen ?? DEFAULT_CODEGEN_OPTIONS;
  }

  /** Compile tb alone (tier=wasm compiles at first execution). */
  prepare(tb: TranslationBlock): void {
    if (tb.wasmCode === null) this.compile([tb]);
  }

  /**
   * Run tb and what it chains to: inside its module in Wasm, and across
   * modules here, following the loop's direct links (tb.jump) to TBs that
   * are compiled too, as the interpreter does, while the budget lasts and
   * no exit is requested. Saves a trip through the loop's lookup per jump.
   */
  execute(tb: TranslationBlock): number {
    let cur = tb;
    for (;;) {
      const code = cur.wasmCode as WasmTbCode;
      const mod = code.module;
      const inst = mod.instance ?? this.instantiate(mod);
      mod.lastUsed = ++this.tick;
      this.stats.executions++;
      const given = this.budget < MAX_WASM_BUDGET ? this.budget : MAX_WASM_BUDGET;
      const result = inst.run(code.index, given);
      // Views are re-read: helpers and slow paths may have grown the memory.
      const m = this.mem.i32;
      this.budget -= given - m[BUDGET_W]!;
      const last = mod.tbs[m[LAST_TB_W]!] ?? null;
      this.lastTb = last;
      if (last !== null && result <= ExitCode.Chain1 && this.onHotExit !== null) {
        const lastCode = last.wasmCode as WasmTbCode | null;
        if (lastCode !== null && ++lastCode.exits === this.hotExitCount) this.onHotExit(last);
      }
      if ((result !== ExitCode.Chain0 && result !== ExitCode.Chain1) || last === null || this.budget <= 0) return result;
      if (m[EXIT_REQUEST_W] !== 0) return result;
      const next = last.jump[result - ExitCode.Chain0];
      if (next === null || !next.valid || next.wasmCode === null) return result;
      cur = next;
    }
  }

  flush(): void {
    this.generation++;
    for (const mod of this.live) mod.instance = null;
    this.live.length = 0;
    this.stats.instancesLive = 0;
    this.lastTb = null;
  }

  /**
   * Build and compile tbs (valid, with IR) into one module now. Returns the
   * module, or null if none qualified. TBs compiled already move to the new
   * module (region growth: tiering.ts).
   */
  compile(tbs: readonly TranslationBlock[]): CompiledModule | null {
    const batch = tbs.filter(compilable);
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
    const batch = tbs.filter(compilable);
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
    const mod = code.module;
    if (mod.instance) mod.instance.valid[code.index]!.value = 0;
    if (--mod.validTbs === 0) this.dropModule(mod);
  }

  get liveInstances(): number {
    return this.live.length;
  }

  private build(batch: TranslationBlock[]): ReturnType<typeof buildModule> {
    const built = buildModule(batch.map((tb) => ({ ir: tb.ir!, pcLo: tb.pcLo, pcHi: tb.pcHi, icount: tb.icount, flags: tb.flags })), this.codegen);
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
      if (old !== null) this.release(old);
      tb.wasmCode = { module: mod, index, exits: 0 } satisfies WasmTbCode;
    });
    return mod;
  }

  /** A TB left old.module (recompiled elsewhere): its old copy must not be entered again. */
  private release(old: WasmTbCode): void {
    const mod = old.module;
    if (mod.instance) mod.instance.valid[old.index]!.value = 0;
    if (--mod.validTbs === 0) this.dropModule(mod);
  }

  private instantiate(mod: CompiledModule): LiveInstance {
    if (this.live.length >= this.maxInstances) this.evictLeastRecentlyUsed();
    const h: Record<string, () => void> = {};
    for (const id of mod.helperIds) h[String(id)] = this.helpers.get(id).fn;
    const slow = this.slowPath;
    const instance = new WebAssembly.Instance(mod.module, {
      env: { memory: this.mem.memory },
      mem: { load: slow.load.bind(slow), store: slow.store.bind(slow) },
      h,
    });
    const ex = instance.exports;
    const inst: LiveInstance = {
      run: ex[RUN_EXPORT] as LiveInstance['run'],
      valid: mod.tbs.map((_, k) => ex[validExport(k)] as WebAssembly.Global),
    };
    // A fresh instance starts with every TB valid: re-apply invalidations.
    mod.tbs.forEach((tb, k) => {
      const code = tb.wasmCode as WasmTbCode | null;
      if (!tb.valid || code === null || code.module !== mod) inst.valid[k]!.value = 0;
    });
    mod.instance = inst;
    this.live.push(mod);
    this.stats.instantiations++;
    this.stats.instancesLive = this.live.length;
    return inst;
  }

  private evictLeastRecentlyUsed(): void {
    let victim = 0;
    for (let i = 1; i < this.live.length; i++) if (this.live[i]!.lastUsed < this.live[victim]!.lastUsed) victim = i;
    const mod = this.live[victim]!;
    this.live.splice(victim, 1);
    this.dropInstance(mod);
    this.stats.instancesEvicted++;
  }

  private dropInstance(mod: CompiledModule): void {
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
  return tb.valid && tb.ir !== null;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
