/**
 * The benchmark harness (`npm run bench`, or `node dist/bench/run.js`).
 *
 * For each benchmark program: qemu-riscv64's wall time at full size, and for
 * each wemu tier the wall time, guest instruction count (from `-d tb-stats`)
 * and MIPS. A slow tier runs a smaller size, chosen from a calibration run so
 * each measurement takes about --target-seconds; qemu's MIPS uses wemu's
 * instruction count scaled to qemu's size, so the ratio compares like with like.
 *
 * Options: --tiers interp,wasm  (or WEMU_BENCH_TIERS; default interp,auto)
 *          --target-seconds N   (default 6)
 *          --only name,name     (programs to run)
 *          --json FILE          (also write the results as JSON)
 *          --system / --no-system (the Linux boot of bench/system-boot.ts,
 *                               for tier auto and the other --tiers: by
 *                               default when build/system/ has the images;
 *                               --only lists it as system-boot; wemu's boots
 *                               run under node --cpu-prof and a second table
 *                               gives the share of samples per tier, in
 *                               translation and in Wasm compilation, also in
 *                               the JSON as systemBoot[].profile;
 *                               WEMU_BENCH_PROFILE=0 boots unprofiled;
 *                               WEMU_BENCH_BOOTS=N timed boots of each
 *                               instead of 5)
 */
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPrograms, type BenchProgram } from './programs.js';
import { runQemu, runWemu, tierUnavailable, type Measurement } from './measure.js';
import { formatTable, type BenchRow } from './report.js';
import { benchSystemBoot, formatSystemBootTable, systemImagesPresent, type SystemBootRow } from './system-boot.js';

interface Options {
  tiers: string[];
  targetSeconds: number;
  only?: string[];
  json?: string;
  /** Boot Linux too (bench/system-boot.ts); undefined: when the images exist. */
  system?: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    tiers: (process.env.WEMU_BENCH_TIERS ?? 'interp,auto').split(','),
    targetSeconds: 6,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return next;
    };
    switch (argv[i]) {
      case '--tiers': options.tiers = value().split(','); break;
      case '--target-seconds': options.targetSeconds = Number(value()); break;
      case '--only': options.only = value().split(','); break;
      case '--json': options.json = value(); break;
      case '--system': options.system = true; break;
      case '--no-system': options.system = false; break;
      case '--help':
        console.log('usage: node dist/bench/run.js [--tiers interp,wasm] [--target-seconds N] [--only sha256,sort] [--json FILE] [--system|--no-system]');
        process.exit(0);
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  options.tiers = options.tiers.map((tier) => tier.trim()).filter((tier) => tier.length > 0);
  return options;
}

// dist/bench/run.js -> repository root
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binDir = join(repoRoot, 'tests', 'riscv64', 'bin');
const wemu = process.env.WEMU_COMMAND ?? join(repoRoot, 'bin', 'wemu-riscv64');
const TIMEOUT_MS = 180_000;

function failureNote(run: Measurement): string {
  if (run.status === null) return run.stderr;
  const firstLine = run.stderr.trim().split('\n')[0] ?? '';
  return `exit ${run.status}${firstLine ? `: ${firstLine}` : ''}`.slice(0, 100);
}

/**
 * Guest instructions at the full scale, from wemu's counts at scale 1 and at
 * `scale`: a fixed setup cost plus a cost per unit of scale. With one point
 * only, assume the count is proportional to the scale.
 */
function estimateInstructions(calibration: Measurement, run: Measurement, scale: number, fullScale: number): number {
  const measured = run.instructions ?? 0;
  if (scale > 1 && calibration.instructions !== undefined && measured > calibration.instructions) {
    const perUnit = (measured - calibration.instructions) / (scale - 1);
    const fixed = Math.max(0, calibration.instructions - perUnit);
    return fixed + perUnit * fullScale;
  }
  return (measured * fullScale) / scale;
}

function benchTier(program: BenchProgram, binary: string, tier: string, qemuFull: Measurement | undefined, targetSeconds: number): BenchRow {
  const row: BenchRow = { program: program.name, tier, scale: 1, fullScale: program.fullScale };
  // Calibrate at scale 1, then pick the scale expected to take targetSeconds.
  const calibration = runWemu(wemu, tier, binary, 1, TIMEOUT_MS);
  if (tierUnavailable(calibration)) return { ...row, note: 'tier not available' };
  if (calibration.status !== 0) return { ...row, note: failureNote(calibration) };
  // The Wasm tiers run the full size, as qemu does: their start-up and
  // warm-up are part of what a user waits for, and small sizes would measure
  // little else. The interpreter runs a size that takes about targetSeconds.
  const scale = tier === 'interp'
    ? Math.max(1, Math.min(program.fullScale, Math.floor(targetSeconds / Math.max(calibration.seconds, 1e-3))))
    : program.fullScale;
  const run = scale === 1 ? calibration : runWemu(wemu, tier, binary, scale, TIMEOUT_MS);
  row.scale = scale;
  if (run.status !== 0) return { ...row, note: failureNote(run) };
  row.wemuSeconds = run.seconds;
  row.instructions = run.instructions;
  if (run.instructions === undefined) row.note = 'no "guest instructions:" line from -d tb-stats';

  const qemuSameSize = runQemu(binary, scale, TIMEOUT_MS);
  row.outputMatches = qemuSameSize.status === 0 && qemuSameSize.stdout === run.stdout;
  if (run.instructions !== undefined) {
    row.wemuMips = run.instructions / run.seconds / 1e6;
    // Side by side: qemu-riscv64 ran the same binary at the same size, so
    // both executed the same guest instructions; the ratio is of wall times.
    if (qemuSameSize.status === 0) {
      row.qemuMips = run.instructions / qemuSameSize.seconds / 1e6;
      row.ratio = row.wemuMips / row.qemuMips;
    } else if (qemuFull && qemuFull.status === 0) {
      const qemuInstructions = estimateInstructions(calibration, run, scale, program.fullScale);
      row.qemuMips = qemuInstructions / qemuFull.seconds / 1e6;
      row.ratio = row.wemuMips / row.qemuMips;
    }
  }
  row.qemuSeconds = qemuSameSize.status === 0 ? qemuSameSize.seconds : qemuFull?.seconds;
  return row;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const programs = benchPrograms.filter((program) => !options.only || options.only.includes(program.name));
  if (!existsSync(wemu)) console.error(`bench: ${wemu} does not exist; wemu rows will show the failure`);
  const rows: BenchRow[] = [];
  for (const program of programs) {
    const binary = join(binDir, program.binary);
    if (!existsSync(binary)) throw new Error(`${binary} missing: run scripts/build-guest-tests.sh`);
    let qemuFull: Measurement | undefined;
    try {
      qemuFull = runQemu(binary, program.fullScale, TIMEOUT_MS);
      if (qemuFull.status !== 0) console.error(`bench: qemu-riscv64 failed on ${program.name}: ${failureNote(qemuFull)}`);
    } catch (error) {
      console.error(`bench: qemu-riscv64 unavailable (${(error as Error).message}); no qemu column`);
    }
    for (const tier of options.tiers) {
      let row: BenchRow;
      try {
        row = benchTier(program, binary, tier, qemuFull, options.targetSeconds);
      } catch (error) {
        row = { program: program.name, tier, scale: 0, fullScale: program.fullScale, note: (error as Error).message.slice(0, 100) };
      }
      rows.push(row);
      console.error(`bench: ${program.name} / ${tier} done`);
    }
  }
  console.log(formatTable(rows));
  let systemRows: SystemBootRow[] | undefined;
  // --only without "system-boot" leaves the boot out, unless --system.
  if (options.system ?? (systemImagesPresent() && (!options.only || options.only.includes('system-boot')))) {
    if (!systemImagesPresent()) throw new Error('--system: build/system/ lacks the images: run scripts/make-system-image.sh');
    systemRows = await benchSystemBoot(options.tiers);
    console.log('');
    console.log(formatSystemBootTable(systemRows));
  }
  if (options.json) {
    const document = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      tiers: options.tiers,
      rows,
      systemBoot: systemRows,
    };
    writeFileSync(options.json, JSON.stringify(document, null, 2) + '\n');
    console.log(`bench: wrote ${options.json}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});
