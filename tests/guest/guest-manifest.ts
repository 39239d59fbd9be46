/**
 * The guest test programs' manifest (tests/riscv64/manifest.json) and the one
 * way to run a program under an emulator, shared by the node test
 * (guest-programs.test.ts) and the recorder of expected outputs
 * (scripts/record-expected.ts), so both run programs identically: same
 * arguments, same environment, a fresh temporary working directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GuestProgram {
  name: string;
  args?: string[];
  env?: Record<string, string>;
  /** "cross": the cross libc in /usr/riscv64-linux-gnu, else build/sysroot. */
  sysroot?: 'cross';
  /** Lines the prefix-normalised stderr must contain (beyond recorded stderr). */
  stderrContains?: string[];
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  /** Exit status as a shell reports it: 128 + n when killed by signal n. */
  status: number;
  timedOut: boolean;
}

/** The repository root: the nearest directory above this file with a package.json. */
export function findRepoRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot();
export const guestDir = join(repoRoot, 'tests', 'riscv64');
export const binDir = join(guestDir, 'bin');
export const expectedDir = join(guestDir, 'expected');

export function loadManifest(): GuestProgram[] {
  const text = readFileSync(join(guestDir, 'manifest.json'), 'utf8');
  return (JSON.parse(text) as { programs: GuestProgram[] }).programs;
}

/** The -L directory for a program, or undefined if it needs none. Throws if none is available. */
export function resolveSysroot(program: GuestProgram): string | undefined {
  if (program.sysroot === undefined) return undefined;
  const candidates = ['/usr/riscv64-linux-gnu', join(repoRoot, 'build', 'sysroot')];
  const found = candidates.find((dir) => existsSync(join(dir, 'lib', 'ld-linux-riscv64-lp64d.so.1')));
  if (found === undefined) {
    throw new Error(
      `${program.name} needs a riscv64 sysroot: install gcc-riscv64-linux-gnu (for /usr/riscv64-linux-gnu) ` +
        `or run scripts/make-sysroot.sh (for build/sysroot)`,
    );
  }
  return found;
}

/** A fixed environment: the host's PATH (to find node) plus the program's own variables. */
export function programEnvironment(program: GuestProgram): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(program.env ?? {}) };
}

/** Replace the emulator's name at the start of its messages ("qemu:", "qemu-riscv64:", "wemu-riscv64:") with "EMU:". */
export function normaliseStderr(text: string): string {
  return text.replace(/^(qemu-riscv64|qemu|wemu-riscv64|wemu):/gm, 'EMU:');
}

/**
 * Run `command [emulatorArgs] [-L sysroot] program args` in a fresh
 * temporary directory (programs that dump core or create files leave nothing
 * behind) and report stdout, stderr and the shell-style status.
 */
export function runGuest(
  command: string,
  emulatorArgs: string[],
  program: GuestProgram,
  timeoutMs: number,
): RunResult {
  const sysroot = resolveSysroot(program);
  const args = [
    ...emulatorArgs,
    ...(sysroot ? ['-L', sysroot] : []),
    join(binDir, program.name),
    ...(program.args ?? []),
  ];
  const workDir = mkdtempSync(join(tmpdir(), `wemu-guest-${program.name}-`));
  try {
    const result = spawnSync(command, args, {
      cwd: workDir,
      env: programEnvironment(program),
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (result.error && (result.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') {
      throw new Error(`could not run ${command}: ${result.error.message}`);
    }
    const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    let status = result.status ?? -1;
    if (result.status === null && result.signal) {
      status = 128 + (osConstants.signals[result.signal] ?? 0);
    }
    return { stdout: result.stdout, stderr: result.stderr.toString('utf8'), status, timedOut };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function expectedPaths(name: string): { out: string; status: string; err: string } {
  return {
    out: join(expectedDir, `${name}.out`),
    status: join(expectedDir, `${name}.status`),
    err: join(expectedDir, `${name}.err`),
  };
}

/** bin/wemu-riscv64, or WEMU_COMMAND (e.g. a wrapper to check the harness itself against qemu). */
export function wemuCommand(): string {
  return process.env.WEMU_COMMAND ?? resolve(repoRoot, 'bin', 'wemu-riscv64');
}
