// The interface between the execution loop and a code tier (interpreter, Wasm).

import { TranslationBlock } from './tb.js';

export interface Tier {
  readonly name: string;
  /** Prepare tb for this tier (encode or compile); called once per TB. */
  prepare(tb: TranslationBlock): void;
  /**
   * Run tb (and, for tiers that chain internally, the TBs it jumps to) and
   * return an ExitCode. Cpu.PC holds the next pc on return, and
   * lastTb is the TB that actually ended (for chaining decisions).
   * May throw GUEST_EXCEPTION, with Cpu.PC at the faulting instruction.
   */
  execute(tb: TranslationBlock): number;
  /** The TB whose exit produced the last return value of execute. */
  readonly lastTb: TranslationBlock | null;
  /** Forget everything (TB cache flush). */
  flush(): void;
}
