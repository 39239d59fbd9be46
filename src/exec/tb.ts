// A translation block: one straight run of guest code, its IR, and what each
// tier made of it.

import { FrozenIR, freezeIR, thawIR } from '../ir/frozen.js';
import { IRFunction } from '../ir/ir.js';
import { PAGE_MASK_LO, PAGE_SIZE } from '../memory/tlb-layout.js';

/** Where a TB's code is: enough to tell whether a jump stays on one page. */
export interface CodePlace {
  readonly pcLo: number;
  readonly pcHi: number;
  /** Guest bytes covered. */
  readonly size: number;
  /** Linear-memory page of the first instruction. */
  readonly hostPage: number;
}

/** Translates a TB that was made without IR (see TranslationBlock.irSource). */
export interface IrSource {
  /** The TB's optimized IR, translated from its guest code (unchanged while the TB is valid). */
  irFor(tb: TranslationBlock): IRFunction;
}

/** An Int32Array that may be replaced by a bigger one as it grows (the interpreter's code arena). */
export interface WordStore {
  readonly words: Int32Array;
}

/**
 * The two words of a TB's cold-tier slot (TranslationBlock.bindColdSlot),
 * from the slot's index on: its execution count, and 1 while the TB may run
 * in the cold tier (valid, not compiled to Wasm), else 0.
 */
export const enum ColdSlot { COUNT = 0, RUNNABLE = 1 }

export class TranslationBlock {
  /**
   * Where the execution count and the runnable flag live once the cold tier
   * has bound a slot (bindColdSlot): beside the TB's code in the
   * interpreter's arena, so a chained jump there touches no TB object.
   * execCount, valid and wasmCode are accessors that keep the slot current.
   */
  private coldStore: WordStore | null = null;
  private coldIndex = 0;
  private ownCount = 0;
  private isValid = true;
  private wasm: unknown = null;
  /**
   * Direct-chaining targets of goto_tb slots 0 and 1 (null until linked).
   * Fields rather than an array: the interpreter follows one at every chained
   * jump, and the array was one more dependent load (a cache miss, as often
   * as not, over a boot's 76K TBs).
   */
  jump0: TranslationBlock | null = null;
  jump1: TranslationBlock | null = null;
  /** TBs whose jump slots point at this one, to unlink on invalidation (null until the first: most TBs never get one). */
  jumpedFrom: Set<TranslationBlock> | null = null;
  /** The TB cache's estimate of this TB's bytes while it holds the TB; 0 when it does not (tb-cache.ts). */
  cachedBytes = 0;
  /** The next TB in this one's TB cache hash bucket (tb-cache.ts). */
  hashNext: TranslationBlock | null = null;
  /**
   * Where the interpreter's code for this TB starts in its code arena, -1
   * until the interpreter prepared it (interp/code-arena.ts), and its length in words.
   */
  interpEntry = -1;
  interpWords = 0;
  /**
   * The same for a tier that runs the TB from its decoded guest code
   * (ExecLoopOptions.direct): its entry there, -1 when it has none.
   */
  directEntry = -1;
  directWords = 0;
  /**
   * Where the IR comes from for a TB made without it (a direct tier's): the
   * Wasm tier's first compile translates the TB then (irForCompile).
   */
  irSource: IrSource | null = null;
  /**
   * TBs the loop entered right after this one other than through a link
   * (goto_ptr targets: calls, returns), a few at most: the tier policy grows
   * compiled regions along them. A field, not a WeakMap: it is updated at
   * every entry from the loop.
   */
  successors: TranslationBlock[] | null = null;
  /** The IR once frozen (freezeIr): what the Wasm tier compiles from. */
  private frozenIr: FrozenIR | null = null;

  constructor(
    /** Guest virtual pc of the first instruction, as lo/hi 32-bit words. */
    readonly pcLo: number,
    readonly pcHi: number,
    /** Target TB flags (privilege, FS state, ...): part of the cache key. */
    readonly flags: number,
    /** Guest instructions in the TB. */
    readonly icount: number,
    /** Guest bytes covered. */
    readonly size: number,
    /** Linear-memory page numbers (offset >>> 12) holding this TB's code: one or two. */
    readonly hostPages: readonly number[],
    /** The optimized IR while the tiers prepare the TB; null once frozen (freezeIr). */
    public ir: IRFunction | null,
  ) {}

  /** Executions so far (counted by the cold tier); the Wasm tier promotes a TB when this reaches its threshold. */
  get execCount(): number {
    return this.coldStore === null ? this.ownCount : this.coldStore.words[this.coldIndex + ColdSlot.COUNT]!;
  }

  set execCount(n: number) {
    if (this.coldStore === null) this.ownCount = n;
    else this.coldStore.words[this.coldIndex + ColdSlot.COUNT] = n;
  }

  /** False once invalidated: chained jumps to it must not be taken. */
  get valid(): boolean {
    return this.isValid;
  }

  set valid(v: boolean) {
    this.isValid = v;
    this.updateRunnable();
  }

  /** The Wasm tier's entry for this TB once compiled (set by the Wasm tier). */
  get wasmCode(): unknown {
    return this.wasm;
  }

  set wasmCode(code: unknown) {
    this.wasm = code;
    this.updateRunnable();
  }

  /** Keep the execution count and the runnable flag in store.words[index..index+1] from now on (ColdSlot). */
  bindColdSlot(store: WordStore, index: number): void {
    const n = this.execCount;
    this.coldStore = store;
    this.coldIndex = index;
    store.words[index + ColdSlot.COUNT] = n;
    this.updateRunnable();
  }

  /** Take the count back into the TB (the slot's space is about to be reused or dropped). */
  unbindColdSlot(): void {
    if (this.coldStore === null) return;
    this.ownCount = this.execCount;
    this.coldStore = null;
  }

  private updateRunnable(): void {
    if (this.coldStore !== null) this.coldStore.words[this.coldIndex + ColdSlot.RUNNABLE] = this.isValid && this.wasm === null ? 1 : 0;
  }

  /** The TB slot `slot` jumps to, if linked. */
  jumpTarget(slot: number): TranslationBlock | null {
    return slot === 0 ? this.jump0 : this.jump1;
  }

  /** Link goto_tb slot `slot` straight to next (the TB cache checks that it may). */
  chainTo(slot: number, next: TranslationBlock): void {
    if (slot === 0) this.jump0 = next;
    else this.jump1 = next;
    (next.jumpedFrom ??= new Set()).add(this);
  }

  /** Cut this TB out of the chain graph in both directions. */
  unchain(): void {
    if (this.jumpedFrom !== null) {
      for (const prev of this.jumpedFrom) {
        if (prev.jump0 === this) prev.jump0 = null;
        if (prev.jump1 === this) prev.jump1 = null;
      }
      this.jumpedFrom = null;
    }
    this.jump0?.jumpedFrom?.delete(this);
    this.jump1?.jumpedFrom?.delete(this);
    this.jump0 = this.jump1 = null;
  }

  /** The TB has IR to compile, live, frozen or from its source. */
  get hasIr(): boolean {
    return this.ir !== null || this.frozenIr !== null || this.irSource !== null;
  }

  /**
   * The IR to compile: the live IR, or a fresh thaw of the frozen one (the
   * caller may keep it). A TB with an IR source is translated at its first
   * compile, and its IR frozen for the next (a region growing around it).
   */
  irForCompile(): IRFunction | null {
    if (this.ir !== null) return this.ir;
    if (this.frozenIr !== null) return thawIR(this.frozenIr);
    if (this.irSource === null) return null;
    const fn = this.irSource.irFor(this);
    this.frozenIr = freezeIR(fn);
    return fn;
  }

  /** Keep the IR as one typed array instead of its objects (frozen.ts says why). */
  freezeIr(): void {
    if (this.ir === null) return;
    this.frozenIr = freezeIR(this.ir);
    this.ir = null;
  }

  /** Bytes of the frozen IR (0 while it is live or gone). */
  get frozenIrBytes(): number {
    return this.frozenIr?.byteLength ?? 0;
  }

  get hostPage(): number {
    return this.hostPages[0]!;
  }

  get pc(): bigint {
    return (BigInt(this.pcHi >>> 0) << 32n) | BigInt(this.pcLo >>> 0);
  }
}

/** The code lies within one guest page. */
export function onOnePage(tb: CodePlace): boolean {
  return (tb.pcLo & (PAGE_SIZE - 1)) + tb.size <= PAGE_SIZE;
}

/**
 * to starts on from's first page, came from the same host page and ends on
 * it: when from's page maps where it did at from's checked lookup, so does
 * all of to (QEMU's rule for goto_tb in system mode).
 */
export function samePage(from: CodePlace, to: CodePlace): boolean {
  return ((from.pcLo ^ to.pcLo) & PAGE_MASK_LO) === 0 && from.pcHi === to.pcHi && from.hostPage === to.hostPage && onOnePage(to);
}
