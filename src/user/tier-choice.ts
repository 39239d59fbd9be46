// Which code tiers run the guest (`-accel tcg,tier=...,thresh=N,max-instances=N`).
// This is the one place the Wasm tier plugs into user mode: the options become
// its TierPolicy (src/backend/wasm/tiering.ts) here.

import { ExecStats } from '../exec/exec-loop.js';
import { TbCacheStats } from '../exec/tb-cache.js';
import { TierPolicy } from '../exec/tier-policy.js';
import { LinearMemory } from '../memory/linear-memory.js';
import { SoftMmu } from '../memory/softmmu.js';
import { RiscvTarget } from '../target/riscv/riscv-target.js';
import { InterpTier } from '../backend/interp/interp-tier.js';
import { createWarmInterpTier, prepareTbShapes } from '../backend/interp/warm-up.js';
import { createTiering, WasmTiering } from '../backend/wasm/tiering.js';
import { DirectTier } from '../target/riscv/direct/direct-tier.js';
import { createWarmDirectTier } from '../target/riscv/direct/warm-up.js';
import { TierOptions, TierUnavailableError, usesDirectTier } from './tier-options.js';

/** What a tier policy may need from the machine. */
export interface TierHost {
  readonly mem: LinearMemory;
  readonly mmu: SoftMmu;
  readonly target: RiscvTarget;
  readonly interp: InterpTier;
  /** Present when usesDirectTier(options). */
  readonly direct: DirectTier | undefined;
}

/**
 * The cold tiers of a machine: the IR interpreter, and the direct tier when
 * the options use it (the IR interpreter then runs only its snippets, and is
 * not warmed up: V8 would spend ~100 ms of its one background thread
 * optimizing a dispatch loop that hardly runs, while the machine's first
 * Wasm compiles wait behind it).
 */
export function createColdTiers(mem: LinearMemory, mmu: SoftMmu, target: RiscvTarget, options: TierOptions): { interp: InterpTier; direct: DirectTier | undefined } {
  if (!usesDirectTier(options)) return { interp: createWarmInterpTier(mem, target.helpers, mmu), direct: undefined };
  prepareTbShapes();
  const interp = new InterpTier(mem, target.helpers, mmu);
  return { interp, direct: createDirectTier(mem, mmu, target, interp) };
}

/** The direct tier of a machine, its snippets run by `interp`. */
export function createDirectTier(mem: LinearMemory, mmu: SoftMmu, target: RiscvTarget, interp: InterpTier): DirectTier {
  return createWarmDirectTier({ mem, slowPath: mmu, decoder: target.decoder, dataMmuIdx: (flags) => target.dataMmuIdx(flags), interp });
}

/** `-accel` properties that give these options (for a program started by execve). */
export function accelProperties(t: TierOptions): string {
  let props = `tier=${t.kind}`;
  if (t.cold) props += `,cold=${t.cold}`;
  if (t.threshold) props += `,thresh=${t.threshold}`;
  if (t.maxInstances) props += `,max-instances=${t.maxInstances}`;
  return props;
}

/** The policy for the requested tiers; undefined means "the cold tier only" (the loop's default). */
export function createTierPolicy(options: TierOptions, host: TierHost): TierPolicy | undefined {
  switch (options.kind) {
    case 'interp':
    case 'direct':
      return undefined;
    case 'wasm':
    case 'auto':
      if (typeof WebAssembly === 'undefined') throw new TierUnavailableError(`tier=${options.kind} needs WebAssembly, which this JavaScript engine lacks`);
      const tiering = createTiering({
        mem: host.mem,
        helpers: host.target.helpers,
        slowPath: host.mmu,
        interp: host.direct ?? host.interp,
        mode: options.kind,
        thresh: options.threshold,
        maxInstances: options.maxInstances,
        background: options.background,
        codeMmuIdx: options.checkMappings ? (flags) => host.target.codeMmuIdx(flags) : undefined,
      });
      // Cold code jumping to compiled code goes there itself, not through the loop, and the loop
      // enters compiled code through the direct tier, which goes on when that code leaves for cold code.
      if (host.direct) {
        host.direct.compiledTier = tiering.wasm;
        host.direct.onIndirectJump = (prev, next) => tiering.noteSuccessor(prev, next);
        if (options.kind === 'auto') tiering.compiledVia = host.direct;
      }
      return tiering;
  }
}

/** Counter lines of the execution loop for -d tb-stats. */
export function execStatsLines(s: ExecStats): string[] {
  return [
    `TBs translated: ${s.tbsTranslated}`,
    `TBs decoded by the direct tier: ${s.tbsDecoded}`,
    `decoded TBs translated for Wasm: ${s.tbsTranslatedLate}`,
    `TB entries from the loop: ${s.executions}`,
    `chains linked: ${s.chainsLinked}`,
    `guest exceptions: ${s.guestExceptions}`,
    `exit requests: ${s.exitRequests}`,
  ];
}

/** Counter lines of the cold tiers for -d tb-stats. */
export function coldTierStatsLines(interp: InterpTier, direct: DirectTier | undefined): string[] {
  return [
    ...(direct ? [`guest instructions in the direct tier: ${direct.instructions}`] : []),
    `guest instructions in the IR interpreter: ${interp.instructions}`,
  ];
}

/** Counter lines of the TB cache for -d tb-stats. */
export function tbCacheStatsLines(s: TbCacheStats): string[] {
  return [
    `TB invalidations: ${s.invalidations}`,
    `TB cache flushes: ${s.flushes}`,
    `TB lookups: ${s.jumpCacheHits} jump cache, ${s.revalidated} stale jump cache slots still mapped, ${s.mapHits} hash table, ${s.misses} misses`,
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
