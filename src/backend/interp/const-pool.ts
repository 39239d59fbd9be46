// The interpreter's constant pool: every IR constant becomes an 8-byte slot in
// the linear memory (CONST_POOL_BASE), so encoded ops name constants, globals
// and locals alike by a word index and the dispatch loop has one operand form.
// Slots are shared between TBs (one slot per distinct 64-bit value) and only
// released all at once when the TB cache is flushed.

import { CONST_POOL_BASE, CONST_POOL_SIZE } from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';

const SLOT_BYTES = 8;
const CAPACITY = CONST_POOL_SIZE / SLOT_BYTES;
/**
 * Slots kept back when reporting `full`: more than the constants of the
 * largest TB (a few thousand ops at most), so the TB being prepared when the
 * pool turns "full" still fits and the loop can flush at its next boundary.
 */
const HEADROOM_SLOTS = 16384;

export class ConstPool {
  /**
   * Slots by high half, then low half (int32 keys: small integers, so a
   * lookup allocates nothing, unlike bigint keys). Most constants share a
   * high half of 0 or -1.
   */
  private readonly slotOf = new Map<number, Map<number, number>>();
  private used = 0;

  constructor(private readonly mem: LinearMemory) {}

  /** Word index of the slot holding value (an unsigned 64-bit, or 32-bit, bigint). */
  wordOf(value: bigint): number {
    const v = BigInt.asUintN(64, value);
    return this.wordOfPair(Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
  }

  /** Word index of the slot holding the 64-bit value whose int32 halves are lo and hi. */
  wordOfPair(lo: number, hi: number): number {
    let byLo = this.slotOf.get(hi);
    if (byLo === undefined) {
      byLo = new Map();
      this.slotOf.set(hi, byLo);
    } else {
      const hit = byLo.get(lo);
      if (hit !== undefined) return hit;
    }
    if (this.used >= CAPACITY) throw new Error('interpreter constant pool exhausted: flush the TB cache');
    const byte = CONST_POOL_BASE + this.used * SLOT_BYTES;
    this.used++;
    const i32 = this.mem.i32;
    i32[byte >>> 2] = lo;
    i32[(byte >>> 2) + 1] = hi;
    const word = byte >>> 2;
    byLo.set(lo, word);
    return word;
  }

  /** True once the loop should flush the TB cache (and with it this pool). */
  get full(): boolean {
    return this.used >= CAPACITY - HEADROOM_SLOTS;
  }

  get slotsUsed(): number {
    return this.used;
  }

  reset(): void {
    this.slotOf.clear();
    this.used = 0;
  }
}
