// The TBs with code in a cold tier's code arena (code-arena.ts), each found
// from its entry by the TB_ID in its header: the bookkeeping the IR
// interpreter and the direct tier (src/target/riscv/direct/) share. Which
// TranslationBlock fields hold a TB's entry and length is the tier's.

import { TranslationBlock } from '../../exec/tb.js';
import { CodeArena, HEADER_WORDS, TbHeader } from './code-arena.js';

/** Where a tier keeps a TB's place in its arena (TranslationBlock.interpEntry, directEntry). */
export interface EntryFields {
  entry(tb: TranslationBlock): number;
  set(tb: TranslationBlock, entry: number, words: number): void;
}

export class ArenaTbs {
  /** By TB_ID; null once released. */
  private tbs: (TranslationBlock | null)[] = [];

  constructor(private readonly arena: CodeArena, private readonly fields: EntryFields) {}

  /**
   * tb's code starts at `entry`, after the HEADER_WORDS the caller left free,
   * and ends at the arena's `used`: fill the header (no links yet), and move
   * tb's execution count and runnable flag there.
   */
  add(tb: TranslationBlock, entry: number): void {
    const words = this.arena.words;
    words[entry + TbHeader.TB_ID] = this.tbs.length;
    words[entry + TbHeader.ICOUNT] = tb.icount;
    words[entry + TbHeader.LINK0] = -1;
    words[entry + TbHeader.LINK1] = -1;
    this.tbs.push(tb);
    tb.bindColdSlot(this.arena, entry + TbHeader.COUNT);
    this.fields.set(tb, entry, this.arena.used - entry + HEADER_WORDS);
  }

  /** The TB whose code is at `entry`, or null if it was released. */
  at(entry: number): TranslationBlock | null {
    return this.tbs[this.arena.words[entry + TbHeader.TB_ID]!] ?? null;
  }

  /** Forget tb (invalidated): it no longer runs here, and is not kept alive until the next flush. */
  release(tb: TranslationBlock): void {
    const entry = this.fields.entry(tb);
    if (entry < 0) return;
    tb.unbindColdSlot();
    this.fields.set(tb, -1, 0);
    const id = this.arena.words[entry + TbHeader.TB_ID]!;
    if (this.tbs[id] === tb) this.tbs[id] = null;
  }

  /** Forget every TB (the TB cache was flushed; the caller resets the arena). */
  clear(): void {
    for (const tb of this.tbs) {
      if (tb === null) continue;
      tb.unbindColdSlot();
      this.fields.set(tb, -1, 0);
    }
    this.tbs = [];
  }
}
