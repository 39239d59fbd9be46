// Which code tiers run the guest (`-accel tcg,tier=...,thresh=N,max-instances=N`).
// This is the one place the Wasm tier plugs into user mode: when it exists,
// build its TierPolicy here from the options.

import { TierPolicy } from '../exec/tier-policy.js';
import { LinearMemory } from '../memory/linear-memory.js';
import { SoftMmu } from '../memory/softmmu.js';
import { RiscvTarget } from '../target/riscv/riscv-target.js';
import { InterpTier } from '../backend/interp/interp-tier.js';

export type TierKind = 'interp' | 'wasm' | 'auto';

export interface TierOptions {
  kind: TierKind;
  /** Executions before a TB is compiled to Wasm. */
  threshold?: number;
  /** Cap on live Wasm instances. */
  maxInstances?: number;
}

export class TierUnavailableError extends Error {
  override readonly name = 'TierUnavailableError';
}

/** What a tier policy may need from the machine. */
export interface TierHost {
  readonly mem: LinearMemory;
  readonly mmu: SoftMmu;
  readonly target: RiscvTarget;
  readonly interp: InterpTier;
}

/** The policy for the requested tiers; undefined means "the interpreter only" (the loop's default). */
export function createTierPolicy(options: TierOptions, _host: TierHost): TierPolicy | undefined {
  switch (options.kind) {
    case 'interp':
      return undefined;
    case 'wasm':
    case 'auto':
      throw new TierUnavailableError(`tier=${options.kind} is not available in this build (the WebAssembly tier is not wired in yet); use tier=interp`);
  }
}
