// Which code tiers run the guest (`-accel tcg,tier=...,thresh=N,max-instances=N`).
// This is the one place the Wasm tier plugs into user mode: the options become
// its TierPolicy (src/backend/wasm/tiering.ts) here.

import { TbCacheStats } from '../exec/tb-cache.js';
import { TierPolicy } from '../exec/tier-policy.js';
import { LinearMemory } from '../memory/linear-memory.js';
import { SoftMmu } from '../memory/softmmu.js';
import { RiscvTarget } from '../target/riscv/riscv-target.js';
import { InterpTier } from '../backend/interp/interp-tier.js';
import { createTiering, WasmTiering } from '../backend/wasm/tiering.js';

export type TierKind = 'interp' | 'wasm' | 'auto';

export interface TierOptions {
  kind: TierKind;
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

/** What a tier policy may need from the machine. */
export interface TierHost {
  readonly mem: LinearMemory;
  readonly mmu: SoftMmu;
  readonly target: RiscvTarget;
  readonly interp: InterpTier;
}

/** The policy for the requested tiers; undefined means "the interpreter only" (the loop's default). */
export function createTierPolicy(options: TierOptions, host: TierHost): TierPolicy | undefined {
  switch (options.kind) {
    case 'interp':
      return undefined;
    case 'wasm':
    case 'auto':
      if (typeof WebAssembly === 'undefined') throw new TierUnavailableError(`tier=${options.kind} needs WebAssembly, which this JavaScript engine lacks`);
      return createTiering({
        mem: host.mem,
        helpers: host.target.helpers,
        slowPath: host.mmu,
        interp: host.interp,
        mode: options.kind,
        thresh: options.threshold,
        maxInstances: options.maxInstances,
        background: options.background,
        codeMmuIdx: options.checkMappings ? (flags) => host.target.codeMmuIdx(flags) : undefined,
      });
  }
}

/** Counter lines of the TB cache for -d tb-stats. */
export function tbCacheStatsLines(s: TbCacheStats): string[] {
  return [
    `TB invalidations: ${s.invalidations}`,
    `TB cache flushes: ${s.flushes}`,
    `TB lookups: ${s.jumpCacheHits} jump cache, ${s.mapHits} hash table, ${s.misses} misses`,
  ];
}

/** Counter lines of the Wasm tier for -d tb-stats (empty for the interpreter alone). */
export function tierStatsLines(policy: TierPolicy | undefined): string[] {
  if (!(policy instanceof WasmTiering)) return [];
  const s = policy.stats;
  return [
    `wasm TBs compiled: ${s.tbsCompiled}`,
    `wasm modules: ${s.modules}`,
    `wasm bytes: ${s.bytes}`,
    `wasm compile ms: ${s.compileMs.toFixed(1)}`,
    `wasm instances live: ${s.instancesLive}`,
    `wasm instances evicted: ${s.instancesEvicted}`,
    `wasm instantiations: ${s.instantiations}`,
    `wasm TB executions: ${s.executions}`,
    `wasm dispatcher hops: ${s.dispatcherHops}`,
    `wasm compile errors: ${policy.compileErrors}`,
  ];
}
