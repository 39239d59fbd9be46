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
  private readonly slotOf = new Map<bigint, number>();
  private used = 0;

  constructor(private readonly mem: LinearMemory) {}

  /** Word index of the slot holding value (an unsigned 64-bit, or 32-bit, bigint). */
  wordOf(value: bigint): number {
    const hit = this.slotOf.get(value);
    if (hit !== undefined) return hit;
    if (this.used >= CAPACITY) throw new Error('interpreter constant pool exhausted: flush the TB cache');
    const byte = CONST_POOL_BASE + this.used * SLOT_BYTES;
    this.used++;
    this.mem.writeU64(byte, BigInt.asUintN(64, value));
    const word = byte >>> 2;
    this.slotOf.set(value, word);
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
