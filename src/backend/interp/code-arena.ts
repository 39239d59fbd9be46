// The interpreter's code space: every TB's encoded ops in one Int32Array, a
// TB's code being the run of words from its entry index (TranslationBlock.
// interpEntry), branch targets and exits being indices into the same array.
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
