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

import { HelperTable } from '../../exec/helpers.js';
import { TranslationBlock } from '../../exec/tb.js';
import { Tier } from '../../exec/tier.js';
import { TierPolicy } from '../../exec/tier-policy.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { MemorySlowPath } from '../../memory/softmmu-api.js';
import { WasmStats, WasmTier } from './wasm-tier.js';

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

/**
 * Most TBs in one module: the synchronous compile of a batch should stay in
 * the low milliseconds so the event loop stays responsive (about 200 bytes
 * of Wasm per TB, V8's baseline compiler handles ~100 KB in a few ms).
 */
export const DEFAULT_MAX_BATCH = 256;

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

  constructor(opts: TieringOptions) {
    this.interp = opts.interp;
    this.mode = opts.mode ?? 'auto';
    this.thresh = Math.max(1, opts.thresh ?? DEFAULT_THRESH);
    this.maxBatch = Math.max(1, opts.maxBatch ?? DEFAULT_MAX_BATCH);
    this.background = opts.background ?? false;
    this.wasm = new WasmTier(opts.mem, opts.helpers, opts.slowPath, { maxInstances: opts.maxInstances, dumpSink: opts.dumpSink });
  }

  get stats(): TieringStats {
    return { ...this.wasm.stats, queued: this.queue.length, compilesInFlight: this.inFlight };
  }

  tierFor(tb: TranslationBlock): Tier {
    if (tb.wasmCode !== null) return this.wasm;
    switch (this.mode) {
      case 'interp':
        return this.interp;
      case 'wasm':
        this.wasm.compile(this.region(tb, 0));
        return tb.wasmCode !== null ? this.wasm : this.interp;
      case 'auto':
        if (tb.execCount < this.thresh || this.failed.has(tb)) return this.interp;
        // Half the threshold: the rest of a loop is entered about as often, give or take its exits.
        if (!this.pending.has(tb)) for (const hot of this.region(tb, this.thresh >> 1)) this.enqueue(hot);
        this.compileQueue();
        return tb.wasmCode !== null ? this.wasm : this.interp;
    }
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
  private region(tb: TranslationBlock, minCount: number): TranslationBlock[] {
    const out = [tb];
    const seen = new Set<TranslationBlock>(out);
    for (let i = 0; i < out.length && out.length < this.maxBatch; i++) {
      const t = out[i]!;
      const visit = (n: TranslationBlock | null): void => {
        if (n === null || seen.has(n) || out.length >= this.maxBatch) return;
        seen.add(n);
        if (n.valid && n.ir !== null && n.wasmCode === null && n.execCount >= minCount && !this.pending.has(n) && !this.failed.has(n)) out.push(n);
      };
      visit(t.jump[0]);
      visit(t.jump[1]);
      for (const from of t.jumpedFrom) visit(from);
    }
    return out;
  }

  private enqueue(tb: TranslationBlock): void {
    if (this.pending.has(tb) || tb.wasmCode !== null) return;
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
