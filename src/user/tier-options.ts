// What -accel tcg,tier=... chooses for the code tiers. Apart from tier-choice.ts,
// which builds the tiers, so the command lines can read the choice before the
// modules of the tiers load.

/**
 * interp: the IR interpreter alone; direct: the direct tier alone (with the
 * IR interpreter for its snippets); wasm: every TB compiled at its first
 * execution; auto: cold code in the direct tier (or the IR interpreter,
 * `cold`), hot code compiled to Wasm.
 */
export type TierKind = 'interp' | 'direct' | 'wasm' | 'auto';

/** Which tier runs cold code under tier=auto. */
export type ColdTierKind = 'direct' | 'interp';

export interface TierOptions {
  kind: TierKind;
  /** auto: the tier cold TBs run in (default direct). */
  cold?: ColdTierKind;
  /** Executions before a TB is compiled to Wasm. */
  threshold?: number;
  /** Cap on live Wasm instances. */
  maxInstances?: number;
  /**
   * auto: compile modules with WebAssembly.compile while the interpreter goes
   * on (the caller's loop must yield to the event loop for them to land).
   */
  background?: boolean;
  /**
   * System mode: page tables change under translated code, so chained jumps
   * check mappings (WasmTierOptions.codeMmuIdx).
   */
  checkMappings?: boolean;
}

export class TierUnavailableError extends Error {
  override readonly name = 'TierUnavailableError';
}

/** The options run cold code in the direct tier (src/target/riscv/direct/). */
export function usesDirectTier(options: TierOptions): boolean {
  return options.kind === 'direct' || (options.kind === 'auto' && options.cold !== 'interp');
}
