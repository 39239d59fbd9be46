// Translation cost: guest code -> IR (frontend) -> optimized IR -> interpreter
// encoding, on a fixed corpus of real RISC-V code, without a machine.
//
// The corpus is a linear sweep over the Debian kernel's text (build/system/Image,
// placed at its virtual address 0xffffffff80000000): a TB starts where the
// previous one ended, as the translator would cut straight-line code. The
// target is the system-mode one (privileged instructions, system CSRs), in S
// mode with FS Off, as most of the boot runs. Each pass translates the same
// TBs; the first pass includes JIT warm-up (the boot translates 70K distinct
// TBs once, so both figures matter).
//
// With --elf path, the corpus is instead the executable segment of a RISC-V
// ELF (e.g. build/sysroot/usr/bin/python3.13) under the user-mode target,
// --start being an offset into that segment.
//
// With --wasm N, every TB also goes through the Wasm tier's code generation as
// the boot does it: frozen (tb.freezeIr), then in batches of N (the boot's
// modules average ~47 TBs) thawed and built into one module (buildModule,
// system mode's code-mapping checks included). Module bytes only, no
// WebAssembly compile: this is the main thread's share of tiering up.
//
// Run: node dist/bench/translate-speed.js [--start 0x200000] [--bytes 0x100000]
//        [--passes 4] [--alloc] [--digest] [--image path | --elf path] [--flags n] [--wasm N]
//   --flags   system-mode TB flags (default S mode, FS Off: 0x25)
//   --alloc   estimate bytes allocated per TB and phase from heap-size deltas
//             (slower; timings of that run are not comparable)
//   --digest  print a SHA-256 of every TB's encoded interpreter code (and with
//             --wasm, of every module's bytes), so a change that must not
//             alter the output can be checked
//   --ir-digest  also hash the printed IR before and after optimization (slow)
// Prints CPU µs per TB and per guest instruction, split by phase, GC count and time.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { IRBuilder } from '../src/ir/builder.js';
import { IRFunction } from '../src/ir/ir.js';
import { optimize } from '../src/ir/optimize.js';
import { printIR } from '../src/ir/print.js';
import { CodeArena } from '../src/backend/interp/code-arena.js';
import { ConstPool } from '../src/backend/interp/const-pool.js';
import { encodeForInterp } from '../src/backend/interp/encode.js';
import { buildModule, CodeMapping, ModuleTbInput } from '../src/backend/wasm/module-builder.js';
import { freezeIR, FrozenIR, thawIR } from '../src/ir/frozen.js';
import { CodeFetcher } from '../src/exec/target.js';
import { LinearMemory } from '../src/memory/linear-memory.js';
import { parseElf, PF_X } from '../src/user/elf.js';
import { RiscvTarget } from '../src/target/riscv/riscv-target.js';
import { createRiscvSystemCpu, TbFlag } from '../src/target/riscv/system/system-cpu.js';
import type { PhysicalMemory } from '../src/target/riscv/system/mmu.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_INSNS = 512; // the exec loop's default

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const flag = (name: string): boolean => process.argv.includes(name);

const elfPath = option('--elf', '');
const imagePath = elfPath || option('--image', join(repoRoot, 'build', 'system', 'Image'));
const start = Number(option('--start', '0x200000'));
const bytes = Number(option('--bytes', '0x100000'));
const passes = Number(option('--passes', '4'));
const measureAlloc = flag('--alloc');
const wantIrDigest = flag('--ir-digest');
const wantDigest = flag('--digest') || wantIrDigest;
const wasmBatch = Number(option('--wasm', '0'));

/** The code bytes and their virtual address (hi:lo words). */
let image: Uint8Array, vbaseLo: number, vbaseHi: number;
if (elfPath) {
  const elf = parseElf(readFileSync(elfPath));
  const text = elf.loads.find((p) => (p.flags & PF_X) !== 0)!;
  image = elf.data.subarray(text.offset, text.offset + text.filesz);
  vbaseLo = text.vaddr | 0; vbaseHi = 0;
} else {
  image = readFileSync(imagePath);
  vbaseLo = 0x80000000 | 0; vbaseHi = 0xffffffff | 0;
}

/** Code from the image at its virtual address; anything else faults (ends the sweep). */
class ImageFetcher implements CodeFetcher {
  fetch16(lo: number, hi: number): number {
    const off = ((lo | 0) - vbaseLo) >>> 0;
    if ((hi | 0) !== vbaseHi || off + 1 >= image.length) throw new Error('fetch outside the image');
    return image[off]! | (image[off + 1]! << 8);
  }
}

const mem = new LinearMemory();
let target: RiscvTarget, flags: number;
if (elfPath) {
  target = new RiscvTarget(mem, { mmuIdx: 0 });
  flags = 0;
} else {
  // Translation never touches physical memory: the walker is not used.
  const noPhys: PhysicalMemory = { ramHost: () => -1, lookupPage: () => false };
  target = createRiscvSystemCpu(mem, noPhys).target;
  const S_MODE = 1;
  flags = Number(option('--flags', String(S_MODE | (S_MODE << TbFlag.DATA_IDX_SHIFT) | TbFlag.FS_OFF)));
}
const pool = new ConstPool(mem);
/** Each TB is encoded at the arena's start, so its code (and the digest) does not depend on the TBs before it. */
const arena = new CodeArena();
const fetcher = new ImageFetcher();
/** System mode's mapping checks: the code MMU index is the TB flags' privilege field, as in the boot. */
const mapping: CodeMapping | undefined = elfPath ? undefined : { codeMmuIdx: (f) => target.codeMmuIdx(f) };
/** One TB waiting for its module: what WasmTier.build reads from a TranslationBlock. */
interface PendingTb { frozen: FrozenIR; pcLo: number; pcHi: number; icount: number; flags: number; size: number; hostPage: number }

let gcCount = 0, gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) { gcCount++; gcMs += e.duration; }
}).observe({ entryTypes: ['gc'] });

interface PassResult {
  tbs: number; insns: number; opsIn: number; opsOut: number;
  ns: [number, number, number, number]; cpuMs: number; modules: number; wasmBytes: number;
  alloc: [number, number, number]; allocSamples: [number, number, number];
  digest: string;
}

const heapUsed = (): number => getHeapStatistics().used_heap_size;
/** What one heapUsed() call itself allocates, subtracted from every sample. */
let heapProbeCost = 0;

function runPass(): PassResult {
  const r: PassResult = {
    tbs: 0, insns: 0, opsIn: 0, opsOut: 0, ns: [0, 0, 0, 0], cpuMs: 0, modules: 0, wasmBytes: 0,
    alloc: [0, 0, 0], allocSamples: [0, 0, 0], digest: '',
  };
  const hash = wantDigest ? createHash('sha256') : null;
  const irHash = wantIrDigest ? createHash('sha256') : null;
  pool.reset();
  const cpu0 = process.cpuUsage();
  let off = start;
  const end = Math.min(start + bytes, image.length - 4);
  const batch: PendingTb[] = [];
  const build = (): void => {
    const t0 = performance.now();
    // As WasmTier.build reads a batch of TranslationBlocks.
    const inputs: ModuleTbInput[] = batch.map((tb) => ({
      ir: thawIR(tb.frozen), pcLo: tb.pcLo, pcHi: tb.pcHi, icount: tb.icount, flags: tb.flags, size: tb.size, hostPage: tb.hostPage,
    }));
    const built = buildModule(inputs, undefined, mapping);
    r.ns[3] += (performance.now() - t0) * 1e6;
    r.modules++;
    r.wasmBytes += built.bytes.length;
    if (hash) hash.update(built.bytes);
    batch.length = 0;
  };
  const addAlloc = (phase: number, before: number): void => {
    const d = heapUsed() - before - heapProbeCost;
    // A GC in between makes the delta meaningless: drop that sample.
    if (d >= 0) { r.alloc[phase]! += d; r.allocSamples[phase]!++; }
  };
  while (off < end) {
    const lo = (vbaseLo + off) | 0;
    let h = measureAlloc ? heapUsed() : 0;
    const t0 = performance.now();
    const fn = new IRFunction(target.globals, target.helpers);
    const res = target.translate(new IRBuilder(fn), lo, vbaseHi, flags, fetcher, MAX_INSNS);
    const t1 = performance.now();
    if (measureAlloc) { addAlloc(0, h); h = heapUsed(); }
    r.opsIn += fn.ops.length;
    if (wantIrDigest) irHash!.update(printIR(fn));
    const t2 = performance.now();
    optimize(fn);
    const t3 = performance.now();
    if (measureAlloc) { addAlloc(1, h); h = heapUsed(); }
    const t4 = performance.now();
    arena.reset();
    const entry = encodeForInterp(fn, arena, pool, target.helpers);
    if (pool.full) pool.reset();
    const t5 = performance.now();
    if (measureAlloc) addAlloc(2, h);
    // performance.now() (ms, a double): hrtime.bigint() would allocate six BigInts per TB.
    r.ns[0] += (t1 - t0) * 1e6; r.ns[1] += (t3 - t2) * 1e6; r.ns[2] += (t5 - t4) * 1e6;
    r.opsOut += fn.ops.length;
    if (wantIrDigest) irHash!.update(printIR(fn));
    r.tbs++;
    r.insns += res.icount;
    if (hash) hash.update(new Uint8Array(arena.words.buffer, entry * 4, (arena.used - entry) * 4));
    if (wasmBatch > 0) {
      const t6 = performance.now();
      // The host page only has to differ between pages: the page number stands in for it.
      batch.push({ frozen: freezeIR(fn), pcLo: lo, pcHi: vbaseHi, icount: res.icount, flags, size: res.size, hostPage: (off >>> 12) + 1 });
      r.ns[3] += (performance.now() - t6) * 1e6;
      if (batch.length === wasmBatch) build();
    }
    off += res.size;
  }
  if (batch.length > 0) build();
  const cpu = process.cpuUsage(cpu0);
  r.cpuMs = (cpu.user + cpu.system) / 1000;
  r.digest = hash ? hash.digest('hex').slice(0, 16) : '';
  if (irHash) r.digest += ` ir ${irHash.digest('hex').slice(0, 16)}`;
  return r;
}

if (measureAlloc) {
  // Calibrate: the probe's own allocation (a statistics object).
  let sum = 0, n = 0;
  for (let i = 0; i < 1000; i++) { const a = heapUsed(); const d = heapUsed() - a; if (d >= 0) { sum += d; n++; } }
  heapProbeCost = Math.round(sum / n);
}

const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);
console.log(`corpus: ${imagePath} [0x${start.toString(16)}, 0x${(start + bytes).toString(16)}), flags 0x${flags.toString(16)}`);
for (let p = 0; p < passes; p++) {
  const gc0 = gcCount, gcMs0 = gcMs;
  const r = runPass();
  // Let the observer deliver this pass's GC entries.
  await new Promise((res) => setTimeout(res, 50));
  // Other processes share the machine, so the figures are CPU time (user +
  // sys of this process, GC threads included), split between the phases in
  // the proportion of their wall-clock times.
  const wall = r.ns[0] + r.ns[1] + r.ns[2] + r.ns[3];
  const cpuNs = r.cpuMs * 1e6;
  const perTb = (ns: number): string => f1((ns / wall) * cpuNs / r.tbs / 1000);
  console.log(
    `pass ${p + 1}: ${r.tbs} TBs, ${r.insns} insns (${f1(r.insns / r.tbs)}/TB), IR ops ${f1(r.opsIn / r.tbs)} -> ${f1(r.opsOut / r.tbs)}/TB` +
    (r.digest ? `, digest ${r.digest}` : ''));
  console.log(
    `  cpu us/TB: ${perTb(wall)} = frontend ${perTb(r.ns[0])} + optimize ${perTb(r.ns[1])} + encode ${perTb(r.ns[2])}` +
    (wasmBatch > 0 ? ` + wasm codegen ${perTb(r.ns[3])} (${r.modules} modules, ${f1(r.wasmBytes / r.tbs)} bytes/TB)` : '') +
    `   cpu us/insn: ${f2(cpuNs / r.insns / 1000)}   (wall ${f1(wall / r.tbs / 1000)} us/TB)   gc ${gcCount - gc0}x ${f1(gcMs - gcMs0)} ms`);
  if (measureAlloc) {
    const kb = (i: number): string => f1(r.alloc[i]! / Math.max(1, r.allocSamples[i]!) / 1024);
    console.log(`  KiB allocated/TB: frontend ${kb(0)} + optimize ${kb(1)} + encode ${kb(2)}`);
  }
}
