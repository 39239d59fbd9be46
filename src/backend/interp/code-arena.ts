// The interpreter's code space: every TB's encoded ops in one Int32Array, a
// TB's code being the run of words from its entry index (TranslationBlock.
// interpEntry), branch targets and exits being indices into the same array.
//
// Each TB's code follows a header of HEADER_WORDS words (TbHeader): its cold
// slot (TranslationBlock.bindColdSlot: the execution count and whether it may
// run here), then the interpreter's own words. A chained jump reads the
// link and the target's header, which sit beside code it is about to read,
// instead of two TB objects scattered over the heap: over a boot's 76K TBs
// those were a cache miss or two per jump. A ring of 30K random 7-instruction
// TBs chained in random order (cold like a boot's): 41-51 ns per guest
// instruction with a view per TB, ~28 with one arena, 13.6-14.6 with headers;
// one TB alone: 3.6-4.0 in all three.
//
// One array rather than one per TB (or a view per TB into shared chunks, as
// until session 12): the dispatch loop reads every op word through `code`,
// and when `code` changes at each chained jump V8 re-checks its map and
// reloads its base and length at every op, and a jump to another TB first
// loads that TB's array object, a cache miss as often as not over a boot's
// 76K TBs. With one array `code` is a constant of execute().
//
// Space is taken and never given back one TB at a time, as in QEMU's code
// buffer: an invalidated TB's words stay until the TB cache is flushed, which
// the exec loop does when the space is nearly full (ColdTierControls.
// codeSpaceFull). The array grows by doubling up to MAX_WORDS; a growth
// copies it, so nobody may hold the old array across an encode (execute reads
// it at entry, and nothing translates while a TB runs).

/** Word offsets from a TB's entry index back into its header. */
export const enum TbHeader {
  /** The TB's cold slot: ColdSlot.COUNT and ColdSlot.RUNNABLE (exec/tb.ts). */
  COUNT = -6,
  RUNNABLE = -5,
  /** The TB's index in the interpreter's table of TBs with code here. */
  TB_ID = -4,
  ICOUNT = -3,
  /** The entries goto_tb slots 0 and 1 were last followed to (-1: not yet); see interp-tier.ts. */
  LINK0 = -2,
  LINK1 = -1,
}
export const HEADER_WORDS = 6;

/** Start small: a user-mode program needs a few thousand words. */
const INITIAL_WORDS = 1 << 16;
/** 128 MiB: the Linux boot to a shell takes about 8M words. */
const MAX_WORDS = 1 << 25;
/** Words kept back when reporting `full`: more than the largest TB's code, so the TB being encoded still fits. */
const HEADROOM_WORDS = 1 << 18;

export class CodeArena {
  words: Int32Array;
  /** Words taken by encoded TBs. */
  used = 0;

  /** The limits are for tests; the interpreter uses the defaults. */
  constructor(private readonly maxWords = MAX_WORDS, initialWords = INITIAL_WORDS, private readonly headroomWords = HEADROOM_WORDS) {
    this.words = new Int32Array(Math.min(initialWords, maxWords));
  }

  /** The array, grown if needed so it has room for `need` more words past `used`. */
  room(need: number): Int32Array {
    const want = this.used + need;
    if (want <= this.words.length) return this.words;
    if (want > this.maxWords) throw new Error('interpreter code space exhausted: flush the TB cache');
    let size = this.words.length * 2;
    while (size < want) size *= 2;
    const bigger = new Int32Array(Math.min(size, this.maxWords));
    bigger.set(this.words); // all of it: the TB being encoded has words past `used`
    this.words = bigger;
    return bigger;
  }

  /** True once the loop should flush the TB cache (and with it this space). */
  get full(): boolean {
    return this.used >= this.maxWords - this.headroomWords;
  }

  /** Forget every TB's code (the TB cache was flushed): the array is kept for reuse. */
  reset(): void {
    this.used = 0;
  }
}
