// The software TLB tables in the linear memory (layout: tlb-layout.ts), and
// the bookkeeping around them that the inline fast path never sees: which
// host pages hold translated code, and the write tag an entry would have if
// its page held none.
//
// Tags are stored as signed 32-bit words (the view is an Int32Array), so
// every comparison here normalises the address halves with `| 0`.

import { LinearMemory } from './linear-memory.js';
import { PAGE_BITS, PAGE_MASK_LO, TLB_ENTRIES, TLB_MMU_COUNT, TlbEntry, tlbEntryOffset } from './tlb-layout.js';
import { TLB_BASE } from './layout.js';
import { Prot } from './softmmu-api.js';

const ENTRY_COUNT = TLB_ENTRIES * TLB_MMU_COUNT;
/** Words (i32) per entry and the word offsets of its fields. */
const ENTRY_WORDS = 8;
const READ_W = TlbEntry.READ_TAG >> 2;
const WRITE_W = TlbEntry.WRITE_TAG >> 2;
const CODE_W = TlbEntry.CODE_TAG >> 2;
const ADDEND_W = TlbEntry.ADDEND >> 2;
/** An invalid tag: all ones in both halves (see tlb-layout.ts). */
const INVALID = -1;
/** Host pages in a full wasm32 memory (4 GiB / 4 KiB): one byte each for the code-page map. */
const HOST_PAGE_COUNT = 1 << (32 - PAGE_BITS);

/** The Tlb's record of its flushes, for caches keyed by virtual address (the TB jump cache). */
export interface TlbFlushLog {
  /** Changes whenever TLB entries are flushed. */
  readonly generation: number;
  /** Flushes of more than one page. */
  readonly wholeFlushes: number;
  /** Single-page flushes; the page of flush n is flushedPages[n % length]. */
  readonly pageFlushes: number;
  readonly flushedPages: Int32Array;
}

/** Single-page flushes remembered for virtual-address caches (a power of two). */
export const FLUSHED_PAGE_RING = 16;

export class Tlb implements TlbFlushLog {
  /** Per entry: the write tag withheld because the page holds code (INVALID if none). */
  private readonly shadowWriteLo = new Int32Array(ENTRY_COUNT).fill(INVALID);
  private readonly shadowWriteHi = new Int32Array(ENTRY_COUNT).fill(INVALID);
  /** Per entry: the host page it maps, or -1; lets code protection find entries without decoding tags. */
  private readonly hostPageOf = new Int32Array(ENTRY_COUNT).fill(-1);
  /**
   * Per entry: a device page (system mode). Its inline tags stay invalid, so
   * the fast path always misses; the slow path finds the page here instead
   * of translating again. Tag halves as in the inline entry, prot bits, and
   * the physical page address.
   */
  private readonly mmioTagLo = new Int32Array(ENTRY_COUNT).fill(INVALID);
  private readonly mmioTagHi = new Int32Array(ENTRY_COUNT).fill(INVALID);
  private readonly mmioProt = new Uint8Array(ENTRY_COUNT);
  private readonly mmioPhys = new Float64Array(ENTRY_COUNT);
  /** Non-zero for host pages holding translated code: their entries get no write tag. */
  private readonly codePages = new Uint8Array(HOST_PAGE_COUNT);
  /**
   * Bumped by every flush, so caches keyed by virtual address (the TB jump
   * cache) can notice that a mapping may have changed.
   */
  generation = 0;
  /**
   * What the flushes since a generation dropped: flushPage() records its page
   * (low word of the page address) in a ring, other flushes count as whole.
   * A virtual-address cache that saw generation G can drop only those pages
   * when wholeFlushes is unchanged and fewer than FLUSHED_PAGE_RING pages
   * were recorded since (the Linux boot flushes single pages ~140K times,
   * text patching through the fixmap mostly).
   */
  wholeFlushes = 0;
  pageFlushes = 0;
  readonly flushedPages = new Int32Array(FLUSHED_PAGE_RING);

  constructor(private readonly mem: LinearMemory) {
    this.flushAll();
  }

  /** Entry number (0 .. ENTRY_COUNT-1) for an address in table mmuIdx. */
  static entryIndex(mmuIdx: number, vaddrLo: number): number {
    return mmuIdx * TLB_ENTRIES + ((vaddrLo >>> PAGE_BITS) & (TLB_ENTRIES - 1));
  }

  /** Word index in mem.i32 of entry number `entry`. */
  static entryWord(entry: number): number {
    return (TLB_BASE >> 2) + entry * ENTRY_WORDS;
  }

  /**
   * Host address for (vaddrLo, vaddrHi) if the entry holds a tag for `tagField`
   * (TlbEntry.READ_TAG / WRITE_TAG / CODE_TAG) on that page, else -1.
   * Page-level compare: alignment is the caller's business.
   */
  hit(mmuIdx: number, vaddrLo: number, vaddrHi: number, tagField: number): number {
    const w = (tlbEntryOffset(mmuIdx, vaddrLo) >> 2);
    const i32 = this.mem.i32;
    const t = w + (tagField >> 2);
    if (i32[t] === (vaddrLo & PAGE_MASK_LO) && i32[t + 1] === (vaddrHi | 0)) {
      return (vaddrLo + i32[w + ADDEND_W]!) >>> 0;
    }
    return -1;
  }

  /** Like hit() for WRITE_TAG, but also accepts the write tag withheld for a code page. */
  hitWriteOrShadow(mmuIdx: number, vaddrLo: number, vaddrHi: number): number {
    const direct = this.hit(mmuIdx, vaddrLo, vaddrHi, TlbEntry.WRITE_TAG);
    if (direct >= 0) return direct;
    const e = Tlb.entryIndex(mmuIdx, vaddrLo);
    if (this.shadowWriteLo[e] === (vaddrLo & PAGE_MASK_LO) && this.shadowWriteHi[e] === (vaddrHi | 0)) {
      return (vaddrLo + this.mem.i32[Tlb.entryWord(e) + ADDEND_W]!) >>> 0;
    }
    return -1;
  }

  /** Fill the entry for the page of vaddr with tags for what prot allows; host is the page's linear offset. */
  fill(mmuIdx: number, vaddrLo: number, vaddrHi: number, host: number, prot: number): void {
    const e = Tlb.entryIndex(mmuIdx, vaddrLo);
    const w = Tlb.entryWord(e);
    const i32 = this.mem.i32;
    const tagLo = vaddrLo & PAGE_MASK_LO;
    const tagHi = vaddrHi | 0;
    const hostPage = host >>> PAGE_BITS;
    const writable = (prot & Prot.WRITE) !== 0;
    const code = this.codePages[hostPage] !== 0;
    i32[w + READ_W] = prot & Prot.READ ? tagLo : INVALID;
    i32[w + READ_W + 1] = prot & Prot.READ ? tagHi : INVALID;
    i32[w + WRITE_W] = writable && !code ? tagLo : INVALID;
    i32[w + WRITE_W + 1] = writable && !code ? tagHi : INVALID;
    i32[w + CODE_W] = prot & Prot.EXEC ? tagLo : INVALID;
    i32[w + CODE_W + 1] = prot & Prot.EXEC ? tagHi : INVALID;
    i32[w + ADDEND_W] = (host - tagLo) | 0;
    this.shadowWriteLo[e] = writable ? tagLo : INVALID;
    this.shadowWriteHi[e] = writable ? tagHi : INVALID;
    this.hostPageOf[e] = hostPage;
    this.mmioTagLo[e] = INVALID;
    this.mmioTagHi[e] = INVALID;
  }

  /**
   * Make the entry for the page of vaddr a device page at physical page
   * address physPage: the inline tags are invalidated (the entry's previous
   * page is evicted), and only mmioHit() sees it.
   */
  fillMmio(mmuIdx: number, vaddrLo: number, vaddrHi: number, physPage: number, prot: number): void {
    const e = Tlb.entryIndex(mmuIdx, vaddrLo);
    const w = Tlb.entryWord(e);
    const i32 = this.mem.i32;
    // Evicting the entry's previous page needs no generation bump: a fill never
    // changes what an address maps to, so virtual-address caches stay valid.
    i32[w + READ_W] = INVALID; i32[w + READ_W + 1] = INVALID;
    i32[w + WRITE_W] = INVALID; i32[w + WRITE_W + 1] = INVALID;
    i32[w + CODE_W] = INVALID; i32[w + CODE_W + 1] = INVALID;
    i32[w + ADDEND_W] = 0;
    this.shadowWriteLo[e] = INVALID;
    this.shadowWriteHi[e] = INVALID;
    this.hostPageOf[e] = -1;
    this.mmioTagLo[e] = vaddrLo & PAGE_MASK_LO;
    this.mmioTagHi[e] = vaddrHi | 0;
    this.mmioProt[e] = prot;
    this.mmioPhys[e] = physPage;
  }

  /** Physical page address if the entry maps vaddr's page as a device page allowing `prot`, else -1. */
  mmioHit(mmuIdx: number, vaddrLo: number, vaddrHi: number, prot: number): number {
    const e = Tlb.entryIndex(mmuIdx, vaddrLo);
    if (this.mmioTagLo[e] === (vaddrLo & PAGE_MASK_LO) && this.mmioTagHi[e] === (vaddrHi | 0)
      && (this.mmioProt[e]! & prot) !== 0) {
      return this.mmioPhys[e]!;
    }
    return -1;
  }

  flushAll(): void {
    this.wholeFlushes++;
    this.invalidateRange(0, ENTRY_COUNT);
  }

  flushMmu(mmuIdx: number): void {
    this.wholeFlushes++;
    this.invalidateRange(mmuIdx * TLB_ENTRIES, (mmuIdx + 1) * TLB_ENTRIES);
  }

  /** Drop the page of vaddr from every table. */
  flushPage(vaddrLo: number, vaddrHi: number): void {
    this.flushedPages[this.pageFlushes++ & (FLUSHED_PAGE_RING - 1)] = vaddrLo & PAGE_MASK_LO;
    const tagLo = vaddrLo & PAGE_MASK_LO;
    const tagHi = vaddrHi | 0;
    const i32 = this.mem.i32;
    for (let mmu = 0; mmu < TLB_MMU_COUNT; mmu++) {
      const e = Tlb.entryIndex(mmu, vaddrLo);
      const w = Tlb.entryWord(e);
      if ((i32[w + READ_W] === tagLo && i32[w + READ_W + 1] === tagHi)
        || (i32[w + CODE_W] === tagLo && i32[w + CODE_W + 1] === tagHi)
        || (this.shadowWriteLo[e] === tagLo && this.shadowWriteHi[e] === tagHi)
        || (this.mmioTagLo[e] === tagLo && this.mmioTagHi[e] === tagHi)) {
        this.invalidateRange(e, e + 1);
      }
    }
    this.generation++;
  }

  isCodePage(hostPage: number): boolean {
    return this.codePages[hostPage] !== 0;
  }

  /** Withhold write tags for hostPage, in existing entries and in future fills. */
  protectCodePage(hostPage: number): void {
    if (this.codePages[hostPage]) return;
    this.codePages[hostPage] = 1;
    const i32 = this.mem.i32;
    for (let e = 0; e < ENTRY_COUNT; e++) {
      if (this.hostPageOf[e] !== hostPage) continue;
      const w = Tlb.entryWord(e);
      i32[w + WRITE_W] = INVALID;
      i32[w + WRITE_W + 1] = INVALID;
    }
  }

  /** hostPage holds no translated code any more: give its entries their write tags back. */
  unprotectCodePage(hostPage: number): void {
    if (!this.codePages[hostPage]) return;
    this.codePages[hostPage] = 0;
    const i32 = this.mem.i32;
    for (let e = 0; e < ENTRY_COUNT; e++) {
      if (this.hostPageOf[e] !== hostPage) continue;
      const w = Tlb.entryWord(e);
      i32[w + WRITE_W] = this.shadowWriteLo[e]!;
      i32[w + WRITE_W + 1] = this.shadowWriteHi[e]!;
    }
  }

  private invalidateRange(fromEntry: number, toEntry: number): void {
    const wFrom = Tlb.entryWord(fromEntry);
    const wTo = Tlb.entryWord(toEntry);
    const i32 = this.mem.i32;
    for (let w = wFrom; w < wTo; w += ENTRY_WORDS) {
      i32[w + READ_W] = INVALID; i32[w + READ_W + 1] = INVALID;
      i32[w + WRITE_W] = INVALID; i32[w + WRITE_W + 1] = INVALID;
      i32[w + CODE_W] = INVALID; i32[w + CODE_W + 1] = INVALID;
      i32[w + ADDEND_W] = 0;
    }
    this.shadowWriteLo.fill(INVALID, fromEntry, toEntry);
    this.shadowWriteHi.fill(INVALID, fromEntry, toEntry);
    this.hostPageOf.fill(-1, fromEntry, toEntry);
    this.mmioTagLo.fill(INVALID, fromEntry, toEntry);
    this.mmioTagHi.fill(INVALID, fromEntry, toEntry);
    this.generation++;
  }
}
