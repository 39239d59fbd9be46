/**
 * Where wemu's time goes, from a V8 CPU profile (`node --cpu-prof`): every
 * sample is put in one category by its stack, and the shares of samples are
 * reported (bench/system-boot.ts runs the Linux boot under the profiler).
 *
 * What a share is: the fraction of the sampler's ticks on the main JS thread
 * whose stack fell in the category. The sampler ticks on wall-clock time
 * (every --cpu-prof-interval µs, stretched when the host is loaded), so
 * waiting shows up as (idle); work on V8's background threads (Wasm tier-up to
 * TurboFan, concurrent GC marking, async WebAssembly.compile) is not seen.
 *
 * Classifying a stack (leaf first):
 *  1. V8's pseudo-frames at the leaf: (garbage collector) -> GC,
 *     (idle) -> idle (the event loop waiting: a sleeping node process
 *     profiles as (idle), checked), (program) -> other (native work V8 cannot
 *     attribute to a JS frame, e.g. compiling JS; it is not waiting).
 *  2. Regions: the innermost frame of ExecLoop.translate, of the Wasm
 *     compiler (WasmTier.compile / compileInBackground / build / install /
 *     instantiate, the module builder and encoder, WebAssembly.Module /
 *     Instance) or of the machine's construction and boot (-> other) claims
 *     its whole subtree, so a page walk while fetching code for translation
 *     counts as translation, and the JS builtins the compiler calls count as
 *     compilation. A background compile (WebAssembly.compile) runs off the
 *     main thread: only its code generation and installation are seen.
 *  3. Otherwise the innermost frame with a rule decides: a wasm:// frame is
 *     Wasm code, the direct tier's and the IR interpreter's own functions are
 *     theirs, their TLB
 *     miss paths and the system helpers / soft MMU / page walker / devices are
 *     "helpers & MMU slow path", the exec loop's run and the tiering policy
 *     are "exec loop & tiering". Frames without a rule (Node internals, the
 *     TB cache, linear-memory accessors, JS<->Wasm wrappers) are transparent:
 *     they take their caller's category, so a TB cache lookup from the loop
 *     is loop time and a TB invalidation from a store's slow path is helper
 *     time. A stack with no rule at all is "other" (start-up, image loading).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROFILE_CATEGORIES = [
  'wasmCode', 'direct', 'interpreter', 'translation', 'wasmCompile', 'helpers', 'execLoop', 'gc', 'idle', 'other',
] as const;
export type ProfileCategory = (typeof PROFILE_CATEGORIES)[number];

/** Column titles for the report. */
export const PROFILE_CATEGORY_LABELS: Record<ProfileCategory, string> = {
  wasmCode: 'wasm code',
  direct: 'direct tier',
  interpreter: 'IR interpreter',
  translation: 'translation',
  wasmCompile: 'wasm compile',
  helpers: 'helpers & MMU slow path',
  execLoop: 'exec loop & tiering',
  gc: 'GC',
  idle: 'idle',
  other: 'other',
};

/** The parts of a .cpuprofile (Chrome DevTools Profiler.Profile) used here. */
export interface CpuProfileCallFrame {
  functionName: string;
  url: string;
}
export interface CpuProfileNode {
  id: number;
  callFrame: CpuProfileCallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  /** Leaf node id of each sample. */
  samples: number[];
  timeDeltas?: number[];
}

export interface ProfileShares {
  /** Samples in the profile. */
  samples: number;
  /** Wall time the profile covers, s. */
  profileSeconds: number;
  /** Fraction of the samples in each category (they sum to 1). */
  shares: Record<ProfileCategory, number>;
}

/** A frame rule: a path under the compiled tree (dist/ or not) and function names (none: every function of the file). */
interface Rule {
  file: string;
  names?: readonly string[];
  category: ProfileCategory;
}

// Regions (step 2 above): they claim everything they call.
const REGION_RULES: readonly Rule[] = [
  { file: 'src/exec/exec-loop.js', names: ['translate'], category: 'translation' },
  { file: 'src/backend/wasm/wasm-tier.js', names: ['compile', 'compileInBackground', 'build', 'install', 'release', 'instantiate', 'dropInstance', 'dropModule'], category: 'wasmCompile' },
  { file: 'src/backend/wasm/module-builder.js', category: 'wasmCompile' },
  { file: 'src/backend/wasm/codegen.js', category: 'wasmCompile' },
  { file: 'src/backend/wasm/encoder.js', category: 'wasmCompile' },
  { file: 'src/backend/wasm/byte-writer.js', category: 'wasmCompile' },
  { file: 'src/backend/wasm/global-cache.js', category: 'wasmCompile' },
  { file: 'src/backend/wasm/emit-', category: 'wasmCompile' },
  // Building the machine and placing the images (and a guest reset doing it again) is start-up, not a
  // tier, although it runs device, page-walker and decoder code that the rules below would claim.
  { file: 'src/machine/system-loop.js', names: ['SystemMachine', 'boot'], category: 'other' },
  { file: 'src/machine/boot.js', category: 'other' },
];

/** The WebAssembly JS API builtins (no url in the profile) that compile or instantiate. */
const WASM_API_BUILTINS = new Set(['Module', 'Instance', 'compile', 'instantiate', 'validate']);

// Innermost-wins rules (step 3 above).
const FRAME_RULES: readonly Rule[] = [
  { file: 'src/backend/interp/interp-tier.js', names: ['missLoad', 'missStore'], category: 'helpers' },
  { file: 'src/target/riscv/direct/direct-tier.js', names: ['loadSlow', 'storeSlow'], category: 'helpers' },
  // The direct tier (its snippets run in the IR interpreter, below).
  { file: 'src/target/riscv/direct/', category: 'direct' },
  // The IR interpreter (its 64-bit arithmetic and conditions, which the direct tier shares, take the caller's category).
  { file: 'src/backend/interp/interp-tier.js', category: 'interpreter' },
  { file: 'src/backend/interp/memory-ops.js', category: 'interpreter' },
  // Self-modifying code: a store's slow path invalidating TBs.
  { file: 'src/exec/exec-loop.js', names: ['ExecLoop.mmu.onCodeWrite', 'invalidateHostPage'], category: 'helpers' },
  { file: 'src/target/riscv/system/', category: 'helpers' },
  { file: 'src/target/riscv/rv-helpers.js', category: 'helpers' },
  { file: 'src/target/riscv/fp-helpers.js', category: 'helpers' },
  { file: 'src/fpu/', category: 'helpers' },
  { file: 'src/memory/softmmu.js', category: 'helpers' },
  { file: 'src/memory/tlb.js', category: 'helpers' },
  { file: 'src/memory/address-space.js', category: 'helpers' },
  { file: 'src/hw/', category: 'helpers' },
  { file: 'src/machine/virt.js', category: 'helpers' },
  { file: 'src/machine/node-console.js', category: 'helpers' },
  { file: 'src/exec/exec-loop.js', names: ['run', 'lookupIndirect'], category: 'execLoop' },
  { file: 'src/backend/wasm/tiering.js', names: ['tierFor', 'choose', 'region', 'visit', 'take', 'enqueue', 'compileQueue', 'growHotExits', 'noteSuccessor', 'done'], category: 'execLoop' },
  { file: 'src/backend/wasm/wasm-tier.js', names: ['execute', 'evictLeastRecentlyUsed', 'owns'], category: 'execLoop' },
  { file: 'src/backend/wasm/dispatcher.js', category: 'execLoop' },
  { file: 'src/machine/system-loop.js', names: ['run', 'step', 'takeInterrupt', 'nextDeadlineMs', 'idleDelayMs', 'idle'], category: 'execLoop' },
];

function matches(rule: Rule, frame: CpuProfileCallFrame): boolean {
  // Anchor on "/src/..." so the rule holds for dist/src/... and for any checkout path.
  const at = frame.url.indexOf(`/${rule.file}`);
  if (at < 0) return false;
  return rule.names === undefined || rule.names.includes(frame.functionName);
}

function regionOf(frame: CpuProfileCallFrame): ProfileCategory | undefined {
  if (frame.url === '' && WASM_API_BUILTINS.has(frame.functionName)) return 'wasmCompile';
  return REGION_RULES.find((r) => matches(r, frame))?.category;
}

function ruleOf(frame: CpuProfileCallFrame): ProfileCategory | undefined {
  if (frame.url.startsWith('wasm://')) return 'wasmCode';
  return FRAME_RULES.find((r) => matches(r, frame))?.category;
}

/** The category of one sample's stack, leaf first. */
export function classifyStack(stack: readonly CpuProfileCallFrame[]): ProfileCategory {
  const leaf = stack[0];
  if (leaf === undefined || leaf.url === '') {
    switch (leaf?.functionName) {
      case '(garbage collector)': return 'gc';
      case '(idle)': return 'idle';
      case '(program)': case '(root)': case undefined: return 'other';
    }
  }
  for (const frame of stack) {
    const region = regionOf(frame);
    if (region !== undefined) return region;
  }
  for (const frame of stack) {
    const category = ruleOf(frame);
    if (category !== undefined) return category;
  }
  return 'other';
}

/** Samples per category (each node's stack is classified once). */
export function classifyProfile(profile: CpuProfile): { samples: number; counts: Record<ProfileCategory, number> } {
  const byId = new Map<number, CpuProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const categoryOfNode = new Map<number, ProfileCategory>();
  const counts = Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, 0])) as Record<ProfileCategory, number>;
  for (const id of profile.samples) {
    let category = categoryOfNode.get(id);
    if (category === undefined) {
      const stack: CpuProfileCallFrame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const node = byId.get(at);
        if (node === undefined) break;
        stack.push(node.callFrame);
      }
      category = classifyStack(stack);
      categoryOfNode.set(id, category);
    }
    counts[category]++;
  }
  return { samples: profile.samples.length, counts };
}

function sharesOf(counts: Record<ProfileCategory, number>, samples: number): Record<ProfileCategory, number> {
  return Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, samples > 0 ? counts[c] / samples : 0])) as Record<ProfileCategory, number>;
}

export function profileShares(profile: CpuProfile): ProfileShares {
  const { samples, counts } = classifyProfile(profile);
  return { samples, profileSeconds: (profile.endTime - profile.startTime) / 1e6, shares: sharesOf(counts, samples) };
}

/**
 * The shares over every .cpuprofile in `dir` (what `node --cpu-prof
 * --cpu-prof-dir=dir` wrote: one per thread that ran JS, so the main thread
 * alone for wemu today), samples summed; undefined when there is none.
 */
export function profileSharesOfDir(dir: string): ProfileShares | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  if (files.length === 0) return undefined;
  const counts = Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, 0])) as Record<ProfileCategory, number>;
  let samples = 0;
  let profileSeconds = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const one = classifyProfile(profile);
    samples += one.samples;
    for (const c of PROFILE_CATEGORIES) counts[c] += one.counts[c];
    profileSeconds = Math.max(profileSeconds, (profile.endTime - profile.startTime) / 1e6);
  }
  return { samples, profileSeconds, shares: sharesOf(counts, samples) };
}
