/**
 * Running one benchmark program once, under qemu-riscv64 or under
 * bin/wemu-riscv64 with a given tier, timing the wall clock and (for wemu)
 * reading the guest instruction count from the `-d tb-stats` log.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  seconds: number;
  status: number | null;
  stdout: string;
  stderr: string;
  /** Guest instructions executed, from wemu's tb-stats; undefined for qemu or if not printed. */
  instructions?: number;
}

const INSTRUCTION_LINE = /guest instructions:\s*(\d+)/;

export function parseInstructionCount(text: string): number | undefined {
  const match = INSTRUCTION_LINE.exec(text);
  return match ? Number(match[1]) : undefined;
}

function timedRun(command: string, args: string[], timeoutMs: number): Omit<Measurement, 'instructions'> {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') return { seconds, status: null, stdout: result.stdout ?? '', stderr: `timed out after ${timeoutMs} ms` };
    throw new Error(`could not run ${command}: ${result.error.message}`);
  }
  return { seconds, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runQemu(binary: string, scale: number, timeoutMs: number): Measurement {
  return timedRun(process.env.QEMU_RISCV64 ?? 'qemu-riscv64', [binary, String(scale)], timeoutMs);
}

export function runWemu(wemu: string, tier: string, binary: string, scale: number, timeoutMs: number): Measurement {
  // The stats go to a log file (-D) so they cannot mix with the program's own stderr.
  const logDir = mkdtempSync(join(tmpdir(), 'wemu-bench-'));
  const logFile = join(logDir, 'tb-stats.log');
  try {
    const run = timedRun(wemu, ['-accel', `tcg,tier=${tier}`, '-d', 'tb-stats', '-D', logFile, binary, String(scale)], timeoutMs);
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8');
    } catch {
      // No log file: the count may have gone to stderr instead.
    }
    return { ...run, instructions: parseInstructionCount(log) ?? parseInstructionCount(run.stderr) };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

/** Whether a failed run says the tier does not exist or is not built, rather than that it broke. */
export function tierUnavailable(measurement: Measurement): boolean {
  return measurement.status !== 0 && /not available|unavailable|unknown tier|unsupported tier|invalid tier/i.test(measurement.stderr);
}
