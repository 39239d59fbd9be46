/**
 * Boot time of the Linux system image (build/system/, from
 * scripts/make-system-image.sh): seconds from start to the first kernel line
 * ("Linux version") and to the BusyBox prompt's first appearance, under
 * bin/wemu-system-riscv64 (tier=auto, plus the other tiers asked for) and
 * under qemu-system-riscv64 on the same images, in the same run, one boot at
 * a time: qemu and wemu (tier=auto) five times each (--boots N), alternating,
 * and each row is its median (other tiers once); "paired" is the median of
 * the rounds' wemu / qemu ratios.
 * wemu powers off after the prompt (`poweroff -f`) so its counters
 * (guest instructions, idle time, Wasm compile time; WEMU_STATS=1, which
 * prints -d tb-stats's counters without its line per translated TB) are
 * printed to a log file at exit; qemu is killed once its prompt shows.
 *
 * Then each tier boots once more under V8's sampling profiler (node
 * --cpu-prof, 1 ms interval) and a second table gives the share of the
 * samples in each tier, in translation, in Wasm compilation, etc.
 * (bench/profile-share.ts). The profiled boot is not one of the timed ones:
 * the profiler made a boot ~7% slower (6.92 s against 6.46 s, session 7).
 * --no-profile (or WEMU_BENCH_PROFILE=0) skips it. WEMU_BENCH_PROFILE_DIR=DIR
 * keeps the .cpuprofile files there (for DevTools, or to check the
 * classification).
 *
 * Standalone: node dist/bench/system-boot.js [--tiers auto,interp] [--no-qemu] [--no-profile] [--boots N] [--json FILE]
 * Also part of `npm run bench` (bench/run.ts) when the images exist.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mallocTunedEnv } from '../src/cli/malloc-tuning.js';
import { PROFILE_CATEGORIES, PROFILE_CATEGORY_LABELS, profileSharesOfDir, type ProfileShares } from './profile-share.js';

// dist/bench/ -> the repository root
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const systemImageDir = join(repoRoot, 'build', 'system');
const IMAGES = ['fw_dynamic.bin', 'Image', 'initramfs.cpio.gz'];
const PROMPT = '~ # ';
const KERNEL_LINE = 'Linux version';
const BOOT_TIMEOUT_MS = 900_000;
const EXIT_TIMEOUT_MS = 60_000;
/** The profiler's sampling interval, µs (node's default is 1000 too; explicit so the header stays true). */
const PROFILE_INTERVAL_US = 1000;

export function systemImagesPresent(): boolean {
  return IMAGES.every((f) => existsSync(join(systemImageDir, f)));
}

export interface SystemBootRow {
  /** 'qemu' or the wemu tier. */
  emulator: string;
  kernelSeconds?: number;
  promptSeconds?: number;
  /** wemu prompt time / qemu prompt time (of the medians). */
  ratio?: number;
  /**
   * The median of each round's wemu / qemu prompt times (a round: one qemu
   * boot, then one wemu boot). Drift in the machine's speed moves both boots
   * of a round, so this varies less from run to run than `ratio`.
   */
  pairedRatio?: number;
  instructions?: number;
  /** wemu's own run time to exit, its idle part (wfi), and MIPS over the busy part. */
  runSeconds?: number;
  idleSeconds?: number;
  busyMips?: number;
  wasmCompileSeconds?: number;
  /** Share of the guest instructions that ran in Wasm code (the rest ran in the cold tiers). */
  wasmInsnShare?: number;
  /** Where wemu's process spent its samples under node --cpu-prof (absent for qemu and unprofiled runs). */
  profile?: ProfileShares;
  /** The profiler's sampling interval, µs. */
  profileIntervalUs?: number;
  /** The profiled boot's prompt time (that boot is not one of the timed ones). */
  profiledPromptSeconds?: number;
  note?: string;
}

interface BootTimes {
  kernelSeconds?: number;
  promptSeconds?: number;
  exitCode: number | null;
  note?: string;
}

/**
 * Start `command`, time the first KERNEL_LINE and PROMPT on its stdout; after
 * the prompt either type `poweroff -f` and wait for the exit, or kill it.
 */
function timeBoot(command: string, args: string[], afterPrompt: 'poweroff' | 'kill', env?: NodeJS.ProcessEnv): Promise<BootTimes> {
  return new Promise((resolvePromise) => {
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
    const times: BootTimes = { exitCode: null };
    let out = '';
    let err = '';
    let finished = false;
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    const finish = (note?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (note) times.note = note;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolvePromise(times);
    };
    const timer = setTimeout(() => finish(times.promptSeconds === undefined
      ? `no prompt within ${BOOT_TIMEOUT_MS / 1000} s` : `no exit within ${EXIT_TIMEOUT_MS / 1000} s of poweroff`), BOOT_TIMEOUT_MS);
    child.on('error', (e) => finish(`could not run ${command}: ${e.message}`));
    child.stderr.on('data', (b: Buffer) => { err += b.toString('latin1'); });
    child.stdout.on('data', (b: Buffer) => {
      if (times.promptSeconds !== undefined) return;
      // Keep only a tail: the markers are short.
      out = (out + b.toString('latin1')).slice(-4096);
      if (times.kernelSeconds === undefined && out.includes(KERNEL_LINE)) times.kernelSeconds = elapsed();
      if (out.includes(PROMPT)) {
        times.promptSeconds = elapsed();
        if (afterPrompt === 'kill') { finish(); return; }
        child.stdin.write('poweroff -f\n');
        clearTimeout(timer);
        setTimeout(() => finish(`no exit within ${EXIT_TIMEOUT_MS / 1000} s of poweroff`), EXIT_TIMEOUT_MS).unref();
      }
    });
    child.stdin.on('error', () => {});
    child.on('exit', (code, signal) => {
      times.exitCode = code;
      const first = err.trim().split('\n').find((l) => l.trim().length > 0) ?? '';
      if (times.promptSeconds === undefined) finish(`exited (${code ?? signal}) before the prompt${first ? `: ${first.slice(0, 80)}` : ''}`);
      else if (afterPrompt === 'poweroff' && code !== 0) finish(`exit ${code ?? signal} after poweroff`);
      else finish();
    });
  });
}

const num = (text: string, re: RegExp): number | undefined => {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
};

async function bootWemu(tier: string, profile: boolean): Promise<SystemBootRow> {
  const row: SystemBootRow = { emulator: `wemu ${tier}` };
  const logDir = mkdtempSync(join(tmpdir(), 'wemu-boot-bench-'));
  const logFile = join(logDir, 'stats.log');
  const profileDir = process.env.WEMU_BENCH_PROFILE_DIR ? resolve(process.env.WEMU_BENCH_PROFILE_DIR, `wemu-${tier}-${Date.now()}`) : join(logDir, 'profile');
  try {
    const wemu = process.env.WEMU_SYSTEM_COMMAND ?? join(repoRoot, 'bin', 'wemu-system-riscv64');
    // node writes the profile when the process exits, so after `poweroff -f`; a killed run leaves none.
    const profiler = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval', String(PROFILE_INTERVAL_US)] : [];
    const t = await timeBoot(process.execPath, [
      ...profiler, wemu, '-M', 'virt', '-m', '256M',
      '-bios', join(systemImageDir, 'fw_dynamic.bin'), '-kernel', join(systemImageDir, 'Image'),
      '-initrd', join(systemImageDir, 'initramfs.cpio.gz'), '-append', 'console=ttyS0', '-nographic',
      '-accel', `tcg,tier=${tier}`, '-D', logFile,
    ], 'poweroff', { ...mallocTunedEnv(process.env), WEMU_STATS: '1' }); // tuned here: no second process beside the profiled one
    row.kernelSeconds = t.kernelSeconds;
    row.promptSeconds = t.promptSeconds;
    if (t.note) row.note = t.note;
    let log = '';
    try { log = readFileSync(logFile, 'latin1'); } catch { /* no stats */ }
    // "...: poweroff status 0: N guest instructions in S s (I s idle, M MIPS busy)"
    row.instructions = num(log, /^guest instructions:\s*(\d+)/m) ?? num(log, /(\d+) guest instructions in/);
    row.runSeconds = num(log, /guest instructions in ([\d.]+) s/);
    row.idleSeconds = num(log, /\(([\d.]+) s idle/);
    row.busyMips = num(log, /([\d.]+) MIPS busy/);
    const compileMs = num(log, /^wasm compile ms:\s*([\d.]+)/m);
    if (compileMs !== undefined) row.wasmCompileSeconds = compileMs / 1000;
    const cold = (num(log, /^guest instructions in the direct tier:\s*(\d+)/m) ?? 0)
      + (num(log, /^guest instructions in the IR interpreter:\s*(\d+)/m) ?? 0);
    if (row.instructions) row.wasmInsnShare = 1 - cold / row.instructions;
    if (row.instructions === undefined && !row.note) row.note = 'no WEMU_STATS counters in the -D log';
    if (profile) {
      try { row.profile = profileSharesOfDir(profileDir); } catch { /* unreadable profile: no shares */ }
      if (row.profile !== undefined) row.profileIntervalUs = PROFILE_INTERVAL_US;
      if (row.profile === undefined && !row.note) row.note = 'no CPU profile written';
    }
    return row;
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

async function bootQemu(): Promise<SystemBootRow> {
  const t = await timeBoot(process.env.QEMU_SYSTEM_RISCV64 ?? 'qemu-system-riscv64', [
    '-M', 'virt', '-m', '256M', '-bios', join(systemImageDir, 'fw_dynamic.bin'),
    '-kernel', join(systemImageDir, 'Image'), '-initrd', join(systemImageDir, 'initramfs.cpio.gz'),
    '-append', 'console=ttyS0', '-nographic',
  ], 'kill');
  return { emulator: 'qemu', kernelSeconds: t.kernelSeconds, promptSeconds: t.promptSeconds, note: t.note };
}

/** wemu's tiers to boot: auto always, then the others of `tiers` (e.g. interp). */
export function systemBootTiers(tiers: string[]): string[] {
  return ['auto', ...tiers.filter((t) => t !== 'auto')].filter((t, i, all) => all.indexOf(t) === i);
}

/** Profile wemu's boots unless WEMU_BENCH_PROFILE=0. */
export function profileByDefault(): boolean {
  return process.env.WEMU_BENCH_PROFILE !== '0';
}

/**
 * Timed boots of qemu and of wemu's auto tier, alternating, and each row is
 * the median: on this shared machine one qemu boot took 4.99 s and the next
 * 7.23 s, which alone moved the ratio from 4.8x to 3.2x. Five since session
 * 15 (three before): five runs of three gave 2.29-2.47x within 5 minutes.
 * --boots N or WEMU_BENCH_BOOTS=N changes it.
 */
const TIMED_BOOTS = 5;

/** The timed boots of each: WEMU_BENCH_BOOTS, else TIMED_BOOTS. */
export function timedBoots(env = process.env.WEMU_BENCH_BOOTS): number {
  if (env === undefined || env === '') return TIMED_BOOTS;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) throw new Error(`the number of timed boots (--boots, WEMU_BENCH_BOOTS) must be a positive integer, not '${env}'`);
  return n;
}

/** The median of the rounds' wemu / qemu prompt-time ratios (rounds where both reached the prompt); undefined if none did. */
export function pairedRatio(qemu: readonly SystemBootRow[], wemu: readonly SystemBootRow[]): number | undefined {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(qemu.length, wemu.length); i++) {
    const q = qemu[i]!.promptSeconds, w = wemu[i]!.promptSeconds;
    if (q !== undefined && w !== undefined && q > 0) ratios.push(w / q);
  }
  if (ratios.length === 0) return undefined;
  ratios.sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  return ratios.length % 2 === 1 ? ratios[mid] : (ratios[mid - 1]! + ratios[mid]!) / 2;
}

/** The run with the median prompt time, its note listing every run's. */
function medianRow(runs: SystemBootRow[]): SystemBootRow {
  if (runs.length === 1) return runs[0]!;
  const timed = runs.filter((r) => r.promptSeconds !== undefined).sort((a, b) => a.promptSeconds! - b.promptSeconds!);
  if (timed.length === 0) return runs[0]!;
  const median = timed[(timed.length - 1) >> 1]!;
  const all = runs.map((r) => cell(r.promptSeconds, 2)).join(', ');
  return { ...median, note: [`median of ${runs.length} boots (prompt s: ${all})`, median.note].filter(Boolean).join('; ') };
}

export async function benchSystemBoot(
  tiers: string[], withQemu = true, log: (s: string) => void = (s) => console.error(s), profile = profileByDefault(), boots = timedBoots(),
): Promise<SystemBootRow[]> {
  const qemuRuns: SystemBootRow[] = [];
  const all = systemBootTiers(tiers);
  const wemuRuns = all.map((): SystemBootRow[] => []);
  for (let i = 0; i < boots; i++) {
    if (withQemu) {
      qemuRuns.push(await bootQemu());
      log(`bench: system boot / qemu ${qemuRuns.length} done`);
    }
    for (const [k, tier] of all.entries()) {
      if (i > 0 && tier !== 'auto') continue;
      const runs = wemuRuns[k]!;
      runs.push(await bootWemu(tier, false));
      log(`bench: system boot / wemu ${tier} ${runs.length} done`);
    }
  }
  const wemuRows = wemuRuns.map(medianRow);
  if (profile) {
    for (const [k, tier] of all.entries()) {
      const row = wemuRows[k]!;
      const profiled = await bootWemu(tier, true);
      log(`bench: system boot / wemu ${tier} profiled done`);
      if (profiled.profile !== undefined) {
        row.profile = profiled.profile;
        row.profileIntervalUs = profiled.profileIntervalUs;
        row.profiledPromptSeconds = profiled.promptSeconds;
      }
    }
  }
  if (!withQemu) return wemuRows;
  const qemu = medianRow(qemuRuns);
  for (const [k, row] of wemuRows.entries()) {
    if (row.promptSeconds !== undefined && qemu.promptSeconds) row.ratio = row.promptSeconds / qemu.promptSeconds;
    // Only auto boots every round (the other tiers once).
    if (all[k] === 'auto') row.pairedRatio = pairedRatio(qemuRuns, wemuRuns[k]!);
  }
  return [qemu, ...wemuRows];
}

function cell(value: number | undefined, digits: number, suffix = ''): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(digits)}${suffix}`;
}

function formatColumns(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => l.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(fmt)].join('\n');
}

/**
 * The boot table, then (when a row was profiled) the per-tier breakdown of
 * the profiled wemu runs.
 */
export function formatSystemBootTable(rows: SystemBootRow[]): string {
  const main = formatBootTimes(rows);
  const profiled = rows.filter((r) => r.profile !== undefined);
  return profiled.length === 0 ? main : `${main}\n\n${formatSystemBootProfile(profiled)}`;
}

function formatBootTimes(rows: SystemBootRow[]): string {
  const header = ['Linux boot', 'to kernel s', 'to prompt s', 'prompt / qemu', 'paired', 'guest insns', 'run s', 'idle s', 'MIPS busy', 'wasm compile s', 'wasm insn share', 'note'];
  const lines = rows.map((r) => [
    r.emulator,
    cell(r.kernelSeconds, 2),
    cell(r.promptSeconds, 2),
    cell(r.ratio, 2, 'x'),
    cell(r.pairedRatio, 2, 'x'),
    r.instructions === undefined ? '-' : r.instructions.toLocaleString('en-US'),
    cell(r.runSeconds, 2),
    cell(r.idleSeconds, 2),
    cell(r.busyMips, 1),
    r.wasmCompileSeconds === undefined ? '-'
      : `${r.wasmCompileSeconds.toFixed(2)}${r.runSeconds && r.idleSeconds !== undefined ? ` (${(100 * r.wasmCompileSeconds / Math.max(1e-9, r.runSeconds - r.idleSeconds)).toFixed(0)}% busy)` : ''}`,
    r.wasmInsnShare === undefined ? '-' : `${(100 * r.wasmInsnShare).toFixed(1)}%`,
    r.note ?? '',
  ]);
  return formatColumns(header, lines);
}

/** Where the time went in each profiled wemu boot: % of the profiler's samples per category. */
export function formatSystemBootProfile(rows: SystemBootRow[]): string {
  const intervalMs = (rows[0]?.profileIntervalUs ?? PROFILE_INTERVAL_US) / 1000;
  const title = `Where wemu's boot time went: % of V8 CPU-profiler samples of one more wemu boot (node --cpu-prof every ${intervalMs} ms, main JS thread, start to exit).\n`
    + 'Sampled on wall-clock ticks, so waiting is "idle"; work on V8\'s background threads (WebAssembly.compile of background compiles, Wasm tier-up, concurrent GC) is not seen; the profiled boot is not one of the timed ones above.';
  const header = ['wemu CPU samples', 'profiled boot: to prompt s', 'samples', ...PROFILE_CATEGORIES.map((c) => PROFILE_CATEGORY_LABELS[c])];
  const lines = rows.map((r) => {
    const p = r.profile!;
    return [r.emulator, cell(r.profiledPromptSeconds, 2), String(p.samples), ...PROFILE_CATEGORIES.map((c) => `${(100 * p.shares[c]).toFixed(1)}%`)];
  });
  return `${title}\n${formatColumns(header, lines)}`;
}

async function main(): Promise<void> {
  let tiers = (process.env.WEMU_BENCH_TIERS ?? 'auto').split(',');
  let withQemu = true;
  let json: string | undefined;
  let profile = profileByDefault();
  let boots = timedBoots();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--tiers': tiers = (argv[++i] ?? '').split(','); break;
      case '--no-qemu': withQemu = false; break;
      case '--no-profile': profile = false; break;
      case '--json': json = argv[++i]; break;
      case '--boots': boots = timedBoots(argv[++i] ?? ''); break;
      case '--help':
        console.log('usage: node dist/bench/system-boot.js [--tiers auto,interp] [--no-qemu] [--no-profile] [--boots N] [--json FILE]');
        return;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (!systemImagesPresent()) throw new Error(`${systemImageDir} lacks ${IMAGES.join(', ')}: run scripts/make-system-image.sh`);
  const rows = await benchSystemBoot(tiers.map((t) => t.trim()).filter((t) => t.length > 0), withQemu, undefined, profile, boots);
  console.log(formatSystemBootTable(rows));
  if (json) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(`bench: ${(e as Error).message}`);
    process.exit(1);
  });
}
