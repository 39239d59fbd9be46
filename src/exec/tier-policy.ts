// Which tier runs a TB. The exec loop asks the policy every time it enters a
// TB, so a second tier (Wasm) plugs in by supplying another policy: it counts
// executions, queues hot TBs, and answers with its own tier once one is ready.

import { TranslationBlock } from './tb.js';
import { Tier } from './tier.js';

export interface TierPolicy {
  /** The tier to execute tb with (it has been prepared by the cold tier already). */
  tierFor(tb: TranslationBlock): Tier;
  /** tb was invalidated (self-modifying code, unmapping): drop whatever a tier holds for it. */
  onInvalidate(tb: TranslationBlock): void;
  /** The whole TB cache was flushed. */
  onFlush(): void;
  /**
   * The execution count at which the policy wants to see a TB at the loop
   * (it queues it for compilation then). A cold tier chaining TBs itself
   * stops chaining into a TB with exactly this count; without one the policy
   * must see every TB the loop could enter, and the cold tier does not follow
   * goto_ptr itself.
   */
  readonly hotThreshold?: number;
  /**
   * True while a background compile is in flight. V8 finishes an async
   * WebAssembly.compile in steps that run on the main thread's event loop,
   * so a host that yields to it every few ms should yield sooner meanwhile.
   */
  readonly compiling?: boolean;
}

/** Everything runs in the cold tier (the interpreter). */
export class ColdTierPolicy implements TierPolicy {
  constructor(private readonly cold: Tier) {}

  tierFor(_tb: TranslationBlock): Tier {
    return this.cold;
  }

  onInvalidate(_tb: TranslationBlock): void {}

  onFlush(): void {}
}
