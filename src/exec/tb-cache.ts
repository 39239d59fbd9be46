// The TB cache: find the TB for (pc, flags), know which TBs live in which
// host page, and drop them when their code is written (QEMU's tb_htable,
// tb_jmp_cache and page_collection, in spirit).
//
// Lookup is two-level. A direct-mapped jump cache indexed by pc answers most
// lookups with one array read and three compares. Behind it, a hash table of
// (pc, flags) holds buckets of TBs, each a list chained through the TBs' own
// hashNext, in an array that doubles as the TBs grow past it (and a TB
// carries its estimated size). Maps did that before: a bucket array and a
// size entry per TB took ~1% of the Linux boot's main thread in insert, and
// Map.get over ~70K keys ~1% in lookup (~175 ns a jump cache miss).
// The table is keyed by *virtual* pc, so a hit there is confirmed against the
// current code mapping (the TB's host pages must be where the pc's pages are
// now). A TLB flush makes jump cache slots stale (the mapping may have
// changed): a stale slot answers only after that same check.

import { samePage, TranslationBlock } from './tb.js';
import { PAGE_BITS, PAGE_MASK_LO, PAGE_SIZE } from '../memory/tlb-layout.js';
import type { TlbFlushLog } from '../memory/tlb.js';

/** What the cache needs from the MMU (SoftMmu implements it). */
export interface CodePageTracker {
  protectCodePage(hostPage: number): void;
  unprotectCodePage(hostPage: number): void;
  /** Host page of the code at (pcLo, pcHi) now, or -1 if it cannot be fetched. */
  codeHostPage(pcLo: number, pcHi: number, mmuIdx: number): number;
  /** What the TLB flushes dropped (the Tlb class): the same object for the tracker's life. */
  readonly tlbFlushes: TlbFlushLog;
}


export interface TbCacheHooks {
  onInvalidate(tb: TranslationBlock): void;
  onFlush(): void;
}

/**
 * The jump cache is laid out as QEMU's tb_jmp_cache: the index is 6 bits of
 * the page number above 8 bits of the offset, so the entries of one page are
 * one run of 256 and a single-page TLB flush drops only that run (by its
 * generation: TbCache.runGen).
 */
const JUMP_CACHE_OFFSET_BITS = 8;
const JUMP_CACHE_PAGE_BITS = 6;
const JUMP_CACHE_SIZE = 1 << (JUMP_CACHE_OFFSET_BITS + JUMP_CACHE_PAGE_BITS);
const JUMP_CACHE_PAGE_RUN = 1 << JUMP_CACHE_OFFSET_BITS;
/** A jump cache slot's words (TbCache.jc): 5 used, 8 so a slot never straddles a cache line. */
const JC_STRIDE = 8;
const enum Jc { PC_LO = 0, PC_HI = 1, FLAGS = 2, DIRECT = 3, GEN = 4 }

function emptyJumpCacheWords(): Int32Array {
  const jc = new Int32Array(JUMP_CACHE_SIZE * JC_STRIDE);
  for (let at = Jc.FLAGS; at < jc.length; at += JC_STRIDE) jc[at] = -1;
  return jc;
}

/** lookupDirect's answer when the jump cache does not hold the pc. */
export const MISS = -2;

/** Hash buckets of an empty cache (a power of two; doubled whenever the TBs outnumber them). */
const MIN_BUCKETS = 1024;

/**
 * Rough JS-heap cost of one IR op kept on a TB (the object, its args array and
 * elements, about 60 bytes in V8 with pointer compression), rounded up.
 */
const IR_OP_BYTES = 64;
/** A temp object (index, kind, type, offset, bigint value, name). */
const IR_TEMP_BYTES = 48;
/** The TB object with its pages array and jumpedFrom set. */
const TB_OVERHEAD_BYTES = 256;

/** Estimated bytes a TB holds: its IR plus whatever the tiers encoded for it. */
export function estimateTbBytes(tb: TranslationBlock): number {
  let bytes = TB_OVERHEAD_BYTES;
  if (tb.ir) bytes += tb.ir.ops.length * IR_OP_BYTES + tb.ir.temps.length * IR_TEMP_BYTES;
  bytes += tb.frozenIrBytes;
  bytes += tb.interpWords * 4 + encodedBytes(tb.wasmCode);
  return bytes;
}

function encodedBytes(code: unknown): number {
  if (code === null || typeof code !== 'object') return 0;
  if (ArrayBuffer.isView(code)) return code.byteLength;
  const sized = code as { byteLength?: unknown; length?: unknown };
  if (typeof sized.byteLength === 'number') return sized.byteLength;
  return 0;
}

export interface TbCacheStats {
  /** TBs dropped one by one (code written, page unmapped). */
  invalidations: number;
  /** Whole-cache flushes (tb-size reached, constant pool full, explicit). */
  flushes: number;
  /** Lookups answered by the jump cache / by its stale slot, still mapped / by the hash map / not at all. */
  jumpCacheHits: number;
  revalidated: number;
  mapHits: number;
  misses: number;
}

export class TbCache {
  readonly stats: TbCacheStats = { invalidations: 0, flushes: 0, jumpCacheHits: 0, revalidated: 0, mapHits: 0, misses: 0 };
  /** Estimated bytes of everything cached. */
  bytes = 0;

  private readonly jumpCache: (TranslationBlock | null)[] = new Array(JUMP_CACHE_SIZE).fill(null);
  /**
   * The jump cache's TBs again, in words: per slot (at slot * JC_STRIDE) the
   * pc, the flags (-1: empty), the direct-tier entry
   * (TranslationBlock.directEntry) and the generation below, side by side in
   * one 32-byte piece, for lookupDirect, which then reads one cache line and
   * no TB object (a cache miss as often as not over a boot's 76K). Every
   * write to jumpCache writes these too.
   *
   * A slot is current only while its generation is its page run's (the 256
   * slots of one page number's low 6 bits): a single-page TLB flush bumps the
   * run's generation instead of clearing 2 x 256 slots (the Linux boot
   * flushes single pages ~94K times, mostly text patching through the fixmap),
   * a whole flush every run's.
   */
  private readonly jc = emptyJumpCacheWords();
  private readonly runGen = new Int32Array(1 << JUMP_CACHE_PAGE_BITS);
  /** The TLB flush log as the jump cache last saw it. */
  /**
   * The tracker's flush log, kept here: the hot lookups read it without
   * going through the tracker (its getter inlined behind a check of the
   * SoftMmu's map, which failed once on the boot and threw the direct tier's
   * optimized code away).
   */
  private readonly flushLog: TlbFlushLog;
  private seenGeneration: number;
  private seenWholeFlushes: number;
  private seenPageFlushes: number;
  /** The first TB of each hash bucket (index hashKey & bucketMask); the rest follow through hashNext. */
  private buckets: (TranslationBlock | null)[] = [];
  private bucketMask = 0;
  /** TBs held. */
  private count = 0;
  private readonly pages = new Map<number, Set<TranslationBlock>>();

  constructor(
    private readonly mmu: CodePageTracker,
    /** Flush when `bytes` exceeds this (the `tb-size` option); Infinity for no limit. */
    readonly limitBytes: number,
    private readonly hooks: TbCacheHooks = { onInvalidate: () => {}, onFlush: () => {} },
    /**
     * false (system mode): link only within one page, see samePage(). A page
     * table can change under translated code; a direct jump within the page
     * of a TB that was entered through a checked lookup stays right.
     */
    readonly chainAcrossPages = true,
  ) {
    this.emptyBuckets(MIN_BUCKETS);
    const log = this.flushLog = mmu.tlbFlushes;
    this.seenGeneration = log.generation;
    this.seenWholeFlushes = log.wholeFlushes;
    this.seenPageFlushes = log.pageFlushes;
  }

  /** Drop the jump cache entries whose mapping a TLB flush may have changed since the last look. */
  private syncJumpCache(): void {
    const log = this.flushLog;
    if (log.generation === this.seenGeneration) return;
    const ring = log.flushedPages.length;
    if (log.wholeFlushes !== this.seenWholeFlushes || log.pageFlushes - this.seenPageFlushes > ring) {
      for (let run = 0; run < this.runGen.length; run++) this.runGen[run]!++;
    } else {
      for (let n = this.seenPageFlushes; n < log.pageFlushes; n++) {
        // TBs of the page before may reach into the flushed one.
        const page = log.flushedPages[n & (ring - 1)]!;
        this.clearJumpCachePage(page);
        this.clearJumpCachePage((page - PAGE_SIZE) | 0);
      }
    }
    this.seenGeneration = log.generation;
    this.seenWholeFlushes = log.wholeFlushes;
    this.seenPageFlushes = log.pageFlushes;
  }

  private clearJumpCachePage(pageLo: number): void {
    this.runGen[jumpCacheIndex(pageLo) >>> JUMP_CACHE_OFFSET_BITS]!++;
  }

  /** The jump cache slot holds a TB filled since its page run was last flushed. */
  private current(slot: number): boolean {
    return this.jc[slot * JC_STRIDE + Jc.GEN] === this.runGen[slot >>> JUMP_CACHE_OFFSET_BITS];
  }

  get size(): number {
    return this.count;
  }

  overBudget(): boolean {
    return this.bytes > this.limitBytes;
  }

  /** The valid TB for (pc, flags) whose code is still mapped where it was translated from, or null. */
  lookup(pcLo: number, pcHi: number, flags: number, codeMmuIdx: number): TranslationBlock | null {
    this.syncJumpCache();
    const slot = jumpCacheIndex(pcLo);
    const cached = this.jumpCache[slot]!;
    if (cached !== null && (cached.pcLo | 0) === (pcLo | 0) && (cached.pcHi | 0) === (pcHi | 0) && cached.flags === flags) {
      if (this.current(slot)) {
        this.stats.jumpCacheHits++;
        return cached;
      }
      // A TLB flush made the slot stale, but mostly for other pages: a flush of one page
      // drops its whole run of 256 slots (the run's 64th of all pages), and the boot's text
      // patching flushes fixmap pages ~94K times. The check the hash table's hit would get
      // keeps the slot (~87K of the boot's ~156K hash table hits were the slot's TB again).
      if (this.stillMapped(cached, codeMmuIdx)) {
        this.jc[slot * JC_STRIDE + Jc.GEN] = this.runGen[slot >>> JUMP_CACHE_OFFSET_BITS]!;
        this.stats.revalidated++;
        return cached;
      }
    }
    for (let tb: TranslationBlock | null = this.buckets[hashKey(pcLo, pcHi, flags) & this.bucketMask]!; tb !== null; tb = tb.hashNext) {
      if ((tb.pcLo | 0) !== (pcLo | 0) || (tb.pcHi | 0) !== (pcHi | 0) || tb.flags !== flags) continue;
      if (!this.stillMapped(tb, codeMmuIdx)) continue;
      this.setJumpCache(slot, tb);
      this.stats.mapHits++;
      return tb;
    }
    this.stats.misses++;
    return null;
  }

  /**
   * The jump cache alone: the valid TB for (pc, flags) if its slot holds it
   * and is current (no TLB flush since it was filled, so still mapped), else
   * null, with no hash table walk or mapping check (tests and tools look at
   * the jump cache with it; the tiers use lookup()).
   */
  lookupJump(pcLo: number, pcHi: number, flags: number): TranslationBlock | null {
    this.syncJumpCache();
    const slot = jumpCacheIndex(pcLo);
    const cached = this.jumpCache[slot]!;
    if (cached !== null && cached.pcLo === (pcLo | 0) && cached.pcHi === (pcHi | 0) && cached.flags === flags && this.current(slot)) {
      this.stats.jumpCacheHits++;
      return cached;
    }
    return null;
  }

  /**
   * lookupJump for a tier that runs TBs by their direct-tier entry: the
   * entry of the TB the jump cache holds for (pc, flags), -1 if that TB has
   * none (it is not the direct tier's), MISS if its slot does not hold it,
   * current.
   * An entry stays right while the TB is in the jump cache: a TB leaves the
   * direct tier (release) only when it is invalidated or the cache flushed,
   * which clear its slot.
   */
  lookupDirect(pcLo: number, pcHi: number, flags: number): number {
    this.syncJumpCache();
    const slot = jumpCacheIndex(pcLo);
    const jc = this.jc, at = slot * JC_STRIDE;
    if (jc[at + Jc.FLAGS] !== flags || jc[at + Jc.PC_LO] !== (pcLo | 0) || jc[at + Jc.PC_HI] !== (pcHi | 0)
      || jc[at + Jc.GEN] !== this.runGen[slot >>> JUMP_CACHE_OFFSET_BITS]) return MISS;
    this.stats.jumpCacheHits++;
    return jc[at + Jc.DIRECT]!;
  }

  private setJumpCache(slot: number, tb: TranslationBlock): void {
    this.jumpCache[slot] = tb;
    const jc = this.jc, at = slot * JC_STRIDE;
    jc[at + Jc.PC_LO] = tb.pcLo;
    jc[at + Jc.PC_HI] = tb.pcHi;
    jc[at + Jc.FLAGS] = tb.flags;
    jc[at + Jc.DIRECT] = tb.directEntry;
    jc[at + Jc.GEN] = this.runGen[slot >>> JUMP_CACHE_OFFSET_BITS]!;
  }

  /** Add a freshly translated TB of estimated size `bytes`. */
  insert(tb: TranslationBlock, bytes: number = estimateTbBytes(tb)): void {
    if (tb.cachedBytes !== 0) throw new Error('TbCache.insert: the TB is in a cache already');
    if (this.count >= this.buckets.length) this.rehash(this.buckets.length * 2);
    const key = hashKey(tb.pcLo, tb.pcHi, tb.flags) & this.bucketMask;
    tb.hashNext = this.buckets[key]!;
    this.buckets[key] = tb;
    tb.cachedBytes = Math.max(1, bytes); // 0 means "not cached"
    this.count++;
    this.bytes += tb.cachedBytes;
    for (const page of tb.hostPages) {
      let set = this.pages.get(page);
      if (set === undefined) {
        this.pages.set(page, (set = new Set()));
        this.mmu.protectCodePage(page);
      }
      set.add(tb);
    }
    this.setJumpCache(jumpCacheIndex(tb.pcLo), tb);
  }

  /** Drop every TB with code in hostPage; returns how many. */
  invalidatePage(hostPage: number): number {
    const set = this.pages.get(hostPage);
    if (set === undefined) {
      this.mmu.unprotectCodePage(hostPage);
      return 0;
    }
    const doomed = [...set];
    for (const tb of doomed) this.invalidate(tb);
    return doomed.length;
  }

  /** Drop one TB: nothing may enter it any more, by lookup or by a chained jump. */
  invalidate(tb: TranslationBlock): void {
    if (tb.cachedBytes === 0) return;
    this.bytes -= tb.cachedBytes;
    tb.cachedBytes = 0;
    this.count--;
    tb.valid = false;
    tb.unchain();
    const key = hashKey(tb.pcLo, tb.pcHi, tb.flags) & this.bucketMask;
    const head = this.buckets[key]!;
    if (head === tb) {
      this.buckets[key] = tb.hashNext;
    } else {
      let prev = head;
      while (prev.hashNext !== tb) prev = prev.hashNext!;
      prev.hashNext = tb.hashNext;
    }
    tb.hashNext = null;
    const slot = jumpCacheIndex(tb.pcLo);
    if (this.jumpCache[slot] === tb) {
      this.jumpCache[slot] = null;
      this.jc[slot * JC_STRIDE + Jc.FLAGS] = -1;
    }
    for (const page of tb.hostPages) {
      const set = this.pages.get(page);
      if (set === undefined) continue;
      set.delete(tb);
      if (set.size === 0) {
        this.pages.delete(page);
        this.mmu.unprotectCodePage(page);
      }
    }
    this.stats.invalidations++;
    this.hooks.onInvalidate(tb);
  }

  /** Drop everything (QEMU's tb_flush). */
  flush(): void {
    const old = this.buckets;
    this.emptyBuckets(MIN_BUCKETS);
    forEachChained(old, (tb) => {
      tb.valid = false;
      tb.jump0 = tb.jump1 = null;
      tb.jumpedFrom = null;
      tb.cachedBytes = 0;
      tb.hashNext = null;
    });
    for (const page of this.pages.keys()) this.mmu.unprotectCodePage(page);
    this.count = 0;
    this.pages.clear();
    this.jumpCache.fill(null);
    this.jc.set(emptyJumpCacheWords());
    this.bytes = 0;
    this.stats.flushes++;
    this.hooks.onFlush();
  }

  /** `size` empty buckets (a power of two). */
  private emptyBuckets(size: number): void {
    this.buckets = new Array<TranslationBlock | null>(size).fill(null);
    this.bucketMask = size - 1;
  }

  /** Spread the TBs over `size` buckets (a power of two). */
  private rehash(size: number): void {
    const old = this.buckets;
    this.emptyBuckets(size);
    forEachChained(old, (tb) => {
      const key = hashKey(tb.pcLo, tb.pcHi, tb.flags) & this.bucketMask;
      tb.hashNext = this.buckets[key]!;
      this.buckets[key] = tb;
    });
  }

  /** Make prev's goto_tb slot jump straight to next; false if either is gone or the slot is taken. */
  link(prev: TranslationBlock, slot: 0 | 1, next: TranslationBlock): boolean {
    if (!prev.valid || !next.valid || prev.jumpTarget(slot) !== null) return false;
    if (!this.chainAcrossPages && !samePage(prev, next)) return false;
    if (prev.cachedBytes === 0 || next.cachedBytes === 0) return false;
    prev.chainTo(slot, next);
    return true;
  }

  /** TBs with code in hostPage (for tests and tools). */
  tbsInPage(hostPage: number): number {
    return this.pages.get(hostPage)?.size ?? 0;
  }

  /** The TB's pages are still what its pc maps to (the mapping may have changed since translation). */
  private stillMapped(tb: TranslationBlock, codeMmuIdx: number): boolean {
    if (this.mmu.codeHostPage(tb.pcLo, tb.pcHi, codeMmuIdx) !== tb.hostPages[0]) return false;
    // hostPages may list a page the translator only peeked at; only a TB that
    // really extends into the next page depends on that page's mapping.
    if ((tb.pcLo & (PAGE_SIZE - 1)) + tb.size <= PAGE_SIZE) return true;
    const nextLo = ((tb.pcLo & PAGE_MASK_LO) + PAGE_SIZE) | 0;
    const nextHi = nextLo === 0 ? (tb.pcHi + 1) | 0 : tb.pcHi;
    return this.mmu.codeHostPage(nextLo, nextHi, codeMmuIdx) === tb.hostPages[1];
  }
}

/** Every TB of the buckets' chains; `fn` may relink the TB it is given (its successor is read first). */
function forEachChained(buckets: readonly (TranslationBlock | null)[], fn: (tb: TranslationBlock) => void): void {
  for (const head of buckets) {
    for (let tb = head; tb !== null;) {
      const next: TranslationBlock | null = tb.hashNext;
      fn(tb);
      tb = next;
    }
  }
}

/** Page bits above offset bits (see JUMP_CACHE_OFFSET_BITS); instructions are 2-byte aligned, so bit 0 is skipped. */
function jumpCacheIndex(pcLo: number): number {
  return (((pcLo >>> PAGE_BITS) & ((1 << JUMP_CACHE_PAGE_BITS) - 1)) << JUMP_CACHE_OFFSET_BITS)
    | ((pcLo >>> 1) & (JUMP_CACHE_PAGE_RUN - 1));
}

/** A hash of (pc, flags): a small non-negative integer, masked to the table's size. */
function hashKey(pcLo: number, pcHi: number, flags: number): number {
  let h = pcLo ^ Math.imul(pcHi, 0x9e3779b1) ^ Math.imul(flags, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) & 0x3fffffff;
}
