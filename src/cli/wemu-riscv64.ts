// wemu-riscv64: run a riscv64 Linux program on the host, like qemu-riscv64.
// Exit status: the guest's; 128+N (by really dying of signal N) when a
// signal killed the guest; 1 for usage errors and programs that cannot load.

import * as os from 'node:os';
import * as path from 'node:path';
import { logItemNames } from '../exec/log.js';
import { ProgramError } from '../user/program-setup.js';
import { TierUnavailableError } from '../user/tier-options.js';
import { signalDescription } from '../user/signals.js';
import { UserMode, UserModeResult } from '../user/user-mode.js';
import { openLog, packageVersion, writeAll } from './cli-io.js';
import { BRANCH_HINT_FLAG, NO_OSR_FLAG, setFlagsFromString } from './v8-flags.js';
import { CliOptions, guestEnvironment, parseCommandLine, USAGE, UsageError } from './user-args.js';

const NAME = 'wemu-riscv64';

/** Die of the guest's signal, so the shell sees 128+N, as with qemu. */
function dieOfSignal(result: UserModeResult): never {
  const sig = result.signal!;
  const name = Object.entries(os.constants.signals).find(([, n]) => n === sig)?.[0] as NodeJS.Signals | undefined;
  if (name) {
    try {
      process.removeAllListeners(name);
      process.kill(process.pid, name);
    } catch {
      // Fall through to the plain exit status.
    }
  }
  // Still alive: Node ignores some signals itself (SIGPIPE), or the number has no host name.
  process.exit(128 + sig);
}

export async function runCli(args: readonly string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCommandLine(args);
  } catch (e) {
    if (e instanceof UsageError) {
      writeAll(2, `${NAME}: ${e.message}\nTry '${NAME} -h' for more information.\n`);
      return 1;
    }
    throw e;
  }
  if (opts.help) {
    writeAll(1, USAGE);
    return 0;
  }
  if (opts.version) {
    writeAll(1, `${NAME} version ${packageVersion()}\n`);
    return 0;
  }
  if (opts.logHelp) {
    writeAll(1, `Log items (comma separated):\n${[...logItemNames(), 'strace'].map((n) => `  ${n}`).join('\n')}\n`);
    return 0;
  }

  let log: (text: string) => void;
  let um: UserMode;
  const program = opts.program!;
  try {
    log = openLog(opts.logFile);
    um = new UserMode({
      program,
      argv: [opts.argv0 ?? program, ...opts.programArgs],
      env: guestEnvironment(process.env, opts),
      sysroot: opts.sysroot === null ? null : path.resolve(opts.sysroot),
      strace: opts.strace,
      logItems: opts.logItems.join(','),
      logSink: (text) => log(text.endsWith('\n') ? text : text + '\n'),
      tbSizeMiB: opts.tbSizeMiB,
      tier: opts.tier,
    });
    um.load();
  } catch (e) {
    if (e instanceof UsageError || e instanceof ProgramError || e instanceof TierUnavailableError) {
      writeAll(2, `${NAME}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }

  let result: UserModeResult;
  try {
    result = await um.run();
  } catch (e) {
    // A bug in the emulator, not in the guest: say where the guest was.
    const detail = e instanceof Error ? (process.env.WEMU_DEBUG ? e.stack : e.message) : String(e);
    writeAll(2, `${NAME}: internal error at guest pc 0x${um.regs.pc.toString(16)}: ${detail}\n`);
    return 1;
  }
  um.process.fds.closeAll();
  if (opts.tbStats) log(um.statsReport());
  if (result.signal !== null) {
    // Linux's shell would say "Segmentation fault" here; we are the shell's
    // child, so say it ourselves, in the words of newer QEMUs (7.2 prints it
    // only when it has written a core file, which it never does for riscv64).
    // No core file is written.
    if (result.coreDump) writeAll(2, `${NAME}: uncaught target signal ${result.signal} (${signalDescription(result.signal)})\n`);
    dieOfSignal(result);
  }
  return result.exitCode;
}

/** Entry point for bin/wemu-riscv64. */
export function main(): void {
  setFlagsFromString(BRANCH_HINT_FLAG);
  setFlagsFromString(NO_OSR_FLAG);
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      writeAll(2, `${NAME}: internal error: ${e instanceof Error ? (process.env.WEMU_DEBUG ? e.stack : e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
