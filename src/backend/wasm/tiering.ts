// The tiering policy (DESIGN.md decision 5): which tier runs a TB.
//
//   mode=interp  everything in the cold tier.
//   mode=wasm    every TB is compiled at its first execution (for testing).
//   mode=auto    a TB runs in the cold tier until its execution count (bumped
//                by the interpreter) reaches `thresh`; then it and the hot TBs
//                linked to it through direct jumps (its loop, usually) are
//                compiled together into one module, so the jumps between them
//                stay inside Wasm. With `background`, the module compiles
//                asynchronously and the cold tier keeps running until it is
//                ready; hot TBs that show up meanwhile wait in the queue and
//                go into the next module.
//                A region grows: the region of a newly hot TB takes in its
//                compiled neighbours too (at most MAX_RECOMPILES times each),
//                and neighbours include the TBs seen to follow a TB through
//                the loop (goto_ptr targets: calls and returns, and jumps
//                not linked yet), so calls and returns also stay in Wasm.

import { HelperTable } from '../../exec/helpers.js';
import { TranslationBlock } from '../../exec/tb.js';
import { Tier } from '../../exec/tier.js';
import { TierPolicy } from '../../exec/tier-policy.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { MemorySlowPath } from '../../memory/softmmu-api.js';
import { CompiledModule, WasmStats, WasmTbCode, WasmTier } from './wasm-tier.js';

export type TierMode = 'interp' | 'wasm' | 'auto';

/**
 * Executions before a TB is compiled: about where compiling pays for itself.
 * Measured with tests/wasm/bench-tier.ts (node 20, shared 2-core machine,
 * noisy): Wasm saves ~190-360 ns per execution of an 8-instruction TB over
 * the interpreter (10x), and compiling costs ~70 us of code generation plus
 * ~50-300 us of WebAssembly.Module per TB in batches of 100, several ms
 * alone. Break-even is ~500-2000 executions; QEMU's Wasm backend uses 1500
 * with one module per TB.
 */
export const DEFAULT_THRESH = 1000;
// Rechecked with region functions and region growth (min user time of 2
// interleaved runs, loaded machine): thresh 1000 / 300 / 100 gave
// sha256 200: 2.27 / 1.92 / 1.78 s, sort 40: 3.10 / 3.24 / 3.35 s,
// sieve 10: 3.17 / 3.26 / 3.11 s. No clear winner, so 1000 stays (lower
// thresholds compile more, which costs most on large programs). System mode
// uses its own (SYSTEM_THRESH, system-loop.ts), measured on the Linux boot.

/**
 * Most TBs in one module: the synchronous compile of a batch should stay in
 * the low milliseconds so the event loop stays responsive (about 200 bytes
 * of Wasm per TB, V8's baseline compiler handles ~100 KB in a few ms).
 */
export const DEFAULT_MAX_BATCH = 256;

/** Most TBs in a module formed by region growth: it bounds the work of recompiling a region. */
export const MAX_GROWN_REGION = 64;

/**
 * How often a compiled TB may be compiled again into a larger region. Bounds
 * the total compile work at (1 + this) times that of compiling each hot TB
 * once. bench_sieve (scale 10) before region growth: 21M returns from Wasm
 * to TypeScript for 1.16G guest instructions, most between 1-TB modules
 * (a loop TB and its exit, a call site and the function it calls); after,
 * 5.3K. bench_sort 40: 2.4M returns before, 5.9K after; bench_sha256 200:
 * 1.0M before, 3.5K after. Compile time grew (sieve 56 -> ~110-160 ms of
 * ~2 s, sort 27 -> ~120-260 ms, noisy), well below what it saved.
 */
const MAX_RECOMPILES = 4;

/**
 * A newly hot TB's region takes in the uncompiled TBs linked to it that ran at
 * least thresh >> NEIGHBOUR_SHIFT times: the rest of its loop and the paths
 * around it, which would otherwise come in later modules of their own while
 * the interpreter runs them. Linux boot (main-thread CPU s, 3-4 interleaved
 * rounds each, pool size 1): shift 1 (half the threshold, until session 7)
 * 5.56 / 5.29 / 5.45, shift 3 5.28 / 5.18 / 5.40, shift 2 5.36 / - / 5.38,
 * shift 5 5.30, every neighbour 5.41. User mode (wall s, 2 runs): sha256
 * 0.54 0.54 / 0.53 0.51, vli 0.92 0.92 / 0.88 0.86, sort, sieve and blake2s
 * level.
 */
const NEIGHBOUR_SHIFT = 3;

/** Dynamic successors remembered per TB (goto_ptr targets): calls and returns have a few. */
const MAX_SUCCESSORS = 4;

export interface TieringOptions {
  mem: LinearMemory;
  helpers: HelperTable;
  slowPath: MemorySlowPath;
  /** The cold tier (the interpreter). */
  interp: Tier;
  mode?: TierMode;
  thresh?: number;
  maxInstances?: number;
  maxBatch?: number;
  /** Compile with WebAssembly.compile in the background (auto mode only). */
  background?: boolean;
  /** System mode: see WasmTierOptions.codeMmuIdx. */
  codeMmuIdx?: (flags: number) => number;
  /** -d out_asm sink for generated modules. */
  dumpSink?: (bytes: Uint8Array<ArrayBuffer>, tbs: readonly TranslationBlock[]) => void;
}

export interface TieringStats extends WasmStats {
  /** TBs waiting for the next module. */
  queued: number;
  /** Background compiles not finished yet. */
  compilesInFlight: number;
}

export class WasmTiering implements TierPolicy {
  readonly wasm: WasmTier;
  readonly mode: TierMode;
  readonly thresh: number;
  readonly maxBatch: number;
  readonly background: boolean;
  private readonly interp: Tier;
  private readonly queue: TranslationBlock[] = [];
  /** TBs queued or being compiled in the background: not queued again. */
  private readonly pending = new Set<TranslationBlock>();
  private inFlight = 0;
  compileErrors = 0;
  /** TBs whose compile failed: they stay in the cold tier. */
  private readonly failed = new WeakSet<TranslationBlock>();
  lastCompileError: unknown = null;
  private readonly recompiles = new WeakMap<TranslationBlock, number>();
  /** The tier tierFor answered last: its lastTb ran just before the TB asked about now. */
  private lastTier: Tier | null = null;
  /** Compiled TBs that often leave their module: their regions grow at the next tierFor. */
  private readonly hotExits: TranslationBlock[] = [];
  /**
   * The tier the loop runs compiled TBs in, when not the Wasm tier itself: a
   * cold tier that enters compiled code on its own (the direct tier,
   * DirectTier.through), so that compiled code leaving for cold code goes on
   * there instead of coming back to the loop (~200K of the Linux boot's
   * loop entries were such exits).
   */
  compiledVia: Tier | null = null;

  constructor(opts: TieringOptions) {
    this.interp = opts.interp;
    this.mode = opts.mode ?? 'auto';
    this.thresh = Math.max(1, opts.thresh ?? DEFAULT_THRESH);
    this.maxBatch = Math.max(1, opts.maxBatch ?? DEFAULT_MAX_BATCH);
    this.background = opts.background ?? false;
    this.wasm = new WasmTier(opts.mem, opts.helpers, opts.slowPath, { maxInstances: opts.maxInstances, dumpSink: opts.dumpSink, codeMmuIdx: opts.codeMmuIdx });
    if (this.mode === 'auto') {
      this.wasm.hotExitCount = this.thresh;
      this.wasm.onHotExit = (tb) => {
        if (this.hotExits.length < MAX_SUCCESSORS) this.hotExits.push(tb);
      };
    }
  }

  get stats(): TieringStats {
    return { ...this.wasm.stats, queued: this.queue.length, compilesInFlight: this.inFlight };
  }

  /** auto: the loop must see a TB at the threshold to compile it; the others decide at every entry. */
  get hotThreshold(): number | undefined {
    return this.mode === 'auto' ? this.thresh : undefined;
  }

  get compiling(): boolean {
    return this.inFlight > 0;
  }

  tierFor(tb: TranslationBlock): Tier {
    if (this.mode === 'auto') {
      this.noteSuccessor(this.lastTier?.lastTb ?? null, tb);
      if (this.hotExits.length > 0) this.growHotExits();
    }
    this.lastTier = this.choose(tb);
    return this.lastTier;
  }

  private choose(tb: TranslationBlock): Tier {
    if (tb.wasmCode !== null) return this.compiledVia ?? this.wasm;
    switch (this.mode) {
      case 'interp':
        return this.interp;
      case 'wasm':
        this.wasm.compile(this.region(tb, 0, false));
        return tb.wasmCode !== null ? this.wasm : this.interp;
      case 'auto':
        if (tb.execCount < this.thresh || this.failed.has(tb)) return this.interp;
        if (!this.pending.has(tb)) for (const hot of this.region(tb, this.thresh >> NEIGHBOUR_SHIFT, true)) this.enqueue(hot);
        this.compileQueue();
        return tb.wasmCode !== null ? this.wasm : this.interp;
    }
  }

  /**
   * Recompile the region around each TB that keeps leaving its module, if
   * that region reaches TBs of other modules (or not compiled yet).
   * bench_sort (scale 10): 98K returns to TypeScript at one TB jumping to a
   * TB of another module, both compiled before the jump was ever linked.
   */
  private growHotExits(): void {
    for (const tb of this.hotExits.splice(0)) {
      const code = tb.wasmCode as { module: unknown } | null;
      if (!tb.valid || code === null || this.pending.has(tb)) continue;
      const region = this.region(tb, this.thresh >> 1, true);
      if (region.every((n) => (n.wasmCode as { module: unknown } | null)?.module === code.module)) continue;
      for (const n of region) this.enqueue(n);
    }
    this.compileQueue();
  }

  /**
   * Remember that tb ran right after prev, which did not jump to it by a link
   * (the loop's entries, and a cold tier's jumps to and from compiled code).
   */
  noteSuccessor(prev: TranslationBlock | null, tb: TranslationBlock): void {
    if (prev === null || prev === tb || prev.flags !== tb.flags) return;
    const list = prev.successors;
    if (list === null) prev.successors = [tb];
    else if (list.length < MAX_SUCCESSORS && !list.includes(tb)) list.push(tb);
  }

  onInvalidate(tb: TranslationBlock): void {
    this.wasm.invalidate(tb);
    if (this.pending.delete(tb)) {
      const i = this.queue.indexOf(tb);
      if (i >= 0) this.queue.splice(i, 1);
    }
  }

  onFlush(): void {
    this.wasm.flush();
    this.queue.length = 0;
    this.pending.clear();
  }

  /** Wait for background compiles (tests, orderly shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 1));
  }

  /**
   * tb and the TBs reachable from it through direct-jump links (both ways)
   * that are not compiled yet and ran at least minCount times: typically
   * the rest of its loop, which the interpreter chained internally.
   */
  private region(tb: TranslationBlock, minCount: number, grow: boolean): TranslationBlock[] {
    const out: TranslationBlock[] = [];
    const seen = new Set<TranslationBlock>();
    const merged = new Set<CompiledModule>();
    const max = grow ? Math.min(this.maxBatch, MAX_GROWN_REGION) : this.maxBatch;
    // A compiled TB comes with the rest of its module: regions merge whole, so
    // modules never split into pieces that jump to each other through TypeScript.
    const take = (n: TranslationBlock): void => {
      const code = n.wasmCode as WasmTbCode | null;
      if (code === null) {
        seen.add(n);
        out.push(n);
        return;
      }
      if (merged.has(code.module)) return;
      merged.add(code.module);
      const members = code.module.tbs.filter((m) => m.valid && (m.wasmCode as WasmTbCode | null)?.module === code.module && !seen.has(m));
      if (out.length + members.length > max || members.some((m) => (this.recompiles.get(m) ?? 0) >= MAX_RECOMPILES)) return;
      for (const m of members) {
        seen.add(m);
        out.push(m);
      }
    };
    take(tb);
    seen.add(tb);
    for (let i = 0; i < out.length && out.length < max; i++) {
      const t = out[i]!;
      const visit = (n: TranslationBlock | null): void => {
        if (n === null || seen.has(n) || out.length >= max) return;
        if (!n.valid || !n.hasIr || this.pending.has(n) || this.failed.has(n)) return;
        if (n.wasmCode === null) {
          if (n.execCount >= minCount) take(n);
        } else if (grow) {
          take(n);
        }
      };
      visit(t.jump0);
      visit(t.jump1);
      if (t.jumpedFrom !== null) for (const from of t.jumpedFrom) visit(from);
      if (grow && t.successors !== null) for (const next of t.successors) visit(next);
    }
    return out;
  }

  private enqueue(tb: TranslationBlock): void {
    if (this.pending.has(tb)) return;
    if (tb.wasmCode !== null) this.recompiles.set(tb, (this.recompiles.get(tb) ?? 0) + 1);
    this.pending.add(tb);
    this.queue.push(tb);
  }

  private compileQueue(): void {
    if (this.background && this.inFlight > 0) return; // the next batch waits for this one
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    if (!this.background) {
      for (const t of batch) this.pending.delete(t);
      try {
        this.wasm.compile(batch);
      } catch (err) {
        // A code generator bug: keep the guest running in the cold tier, and
        // don't retry these TBs (tier=wasm, for testing, lets errors through).
        this.compileErrors++;
        this.lastCompileError = err;
        for (const t of batch) this.failed.add(t);
      }
      return;
    }
    this.inFlight++;
    const done = (): void => {
      this.inFlight--;
      for (const t of batch) this.pending.delete(t);
      // TBs that got hot meanwhile wait in the queue, and nothing else would start
      // their compile soon: the interpreter shows a TB to the policy once, at the
      // threshold, and then keeps running it. (Linux boot: ~1K TBs ran 2-4x the
      // threshold in the interpreter waiting for another TB to get hot.)
      this.compileQueue();
    };
    let started: Promise<unknown>;
    try {
      started = this.wasm.compileInBackground(batch);
    } catch (err) {
      started = Promise.reject(err); // code generation itself threw
    }
    started.then(done, (err: unknown) => {
      // A failed compile is a code generator bug; those TBs stay in the cold tier.
      done();
      this.compileErrors++;
      this.lastCompileError = err;
      for (const t of batch) this.failed.add(t);
    });
  }
}

/** The policy and its Wasm tier, ready for the exec loop (`policy` option). */
export function createTiering(opts: TieringOptions): WasmTiering {
  return new WasmTiering(opts);
}
