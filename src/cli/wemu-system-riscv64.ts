// wemu-system-riscv64: boot a RISC-V 64 `virt` machine, like
// qemu-system-riscv64 -M virt -nographic. The serial console is on stdio
// (raw mode on a terminal; Ctrl-A x quits). Exit status: the guest's poweroff
// status through the test device; 1 for usage errors and unreadable images.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { logItemNames } from '../exec/log.js';
import { BRANCH_HINT_FLAG, NO_OSR_FLAG, EAGER_WASM_FLAG, setFlagsFromString } from './v8-flags.js';
import { CharBackend } from '../hw/device.js';
import { BootImages } from '../machine/boot.js';
import { FileImage, ImageReadError, readImageBytes } from '../machine/image-source.js';
import { NodeConsole } from '../machine/node-console.js';
import type { SystemMachine } from '../machine/system-loop.js';
import { TierUnavailableError, usesDirectTier } from '../user/tier-options.js';
import { openLog, packageRoot, packageVersion, writeAll } from './cli-io.js';
import { parseSystemCommandLine, SystemCliOptions, SYSTEM_USAGE, UsageError } from './system-args.js';

const NAME = 'wemu-system-riscv64';

/** The default -bios: build/system/fw_dynamic.bin in the current directory, else in the package. */
export function defaultBios(): string | null {
  for (const dir of [process.cwd(), packageRoot()]) {
    const p = path.join(dir, 'build', 'system', 'fw_dynamic.bin');
    if (fs.existsSync(p)) return p;
  }
  return null;
}

/** The image files, checked now and read when the machine boots (into guest RAM, at every reset again). */
function openImages(opts: SystemCliOptions): BootImages {
  const images: BootImages = {};
  if (opts.bios === null) {
    const bios = defaultBios();
    if (bios === null) {
      throw new UsageError('no -bios given and the default build/system/fw_dynamic.bin is missing: run scripts/make-system-image.sh, or pass -bios FILE (or -bios none with -kernel)');
    }
    images.bios = new FileImage('-bios', bios);
  } else if (opts.bios !== 'none') {
    images.bios = new FileImage('-bios', opts.bios);
  }
  if (opts.kernel !== null) images.kernel = new FileImage('-kernel', opts.kernel);
  if (opts.initrd !== null) images.initrd = new FileImage('-initrd', opts.initrd);
  if (opts.dtb !== null) {
    const dtb = new FileImage('-dtb', opts.dtb);
    images.dtb = readImageBytes(dtb, dtb.size);
  }
  return images;
}

export interface SystemCliIo {
  console?: CharBackend;
  stderr?: (text: string) => void;
}

export async function runSystemCli(args: readonly string[], io: SystemCliIo = {}): Promise<number> {
  const err = io.stderr ?? ((text: string) => writeAll(2, text));
  let opts: SystemCliOptions;
  try {
    opts = parseSystemCommandLine(args);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${NAME}: ${e.message}\nTry '${NAME} -h' for more information.\n`);
      return 1;
    }
    throw e;
  }
  if (opts.help) {
    writeAll(1, SYSTEM_USAGE);
    return 0;
  }
  if (opts.version) {
    writeAll(1, `${NAME} version ${packageVersion()}\n`);
    return 0;
  }
  if (opts.logHelp) {
    writeAll(1, `Log items (comma separated):\n${logItemNames().map((n) => `  ${n}`).join('\n')}\n`);
    return 0;
  }

  // The direct tier's warm-up runs before the machine's modules load (~70-130 ms here), so that V8's
  // worker thread has optimized its code by the time the guest starts: warmed up with the machine,
  // its ~90 ms TurboFan job, queued behind others, finished after the guest's first 0.1-0.2 s had run
  // in unoptimized code (OpenSBI's first 200K instructions at ~3 MIPS).
  if (usesDirectTier(opts.tier)) (await import('../target/riscv/direct/warm-up.js')).warmUpDirectTier();
  const { SystemMachine } = await import('../machine/system-loop.js');

  let machine: SystemMachine;
  let log: (text: string) => void;
  let nodeConsole: NodeConsole | null = null;
  try {
    const images = openImages(opts);
    log = openLog(opts.logFile);
    let quit = (): void => {};
    const console = io.console ?? (nodeConsole = new NodeConsole(() => quit()));
    machine = new SystemMachine({
      ramSize: opts.ramSize,
      images,
      bootargs: opts.append ?? undefined,
      seed: opts.seed ?? undefined,
      console,
      tier: opts.tier,
      tbSizeMiB: opts.tbSizeMiB,
      logItems: opts.logItems.join(','),
      logSink: (text) => log(text.endsWith('\n') ? text : text + '\n'),
    });
    quit = () => machine.stop('quit', 0);
    if (opts.noReboot) machine.noReboot = true;
    machine.boot();
  } catch (e) {
    if (e instanceof UsageError || e instanceof TierUnavailableError || e instanceof ImageReadError) {
      err(`${NAME}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof Error && /does not fit|not in RAM|ELF|nothing to boot|cannot allocate/.test(e.message)) {
      err(`${NAME}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }

  // WEMU_STATS=1 prints the exit counters without -d tb-stats's line per translated TB, whose
  // ~90,000 lines over a Linux boot cost the run (and a benchmark's timing) most of a second.
  const statsEnv = process.env.WEMU_STATS;
  const stats = (statsEnv !== undefined && statsEnv !== '' && statsEnv !== '0') || opts.tbStats;
  // Leave the terminal's raw mode on the way out: stop at the end of the slice, then exit with 128 + signal.
  const onSignal = (sig: NodeJS.Signals, n: number) => () => machine.stop('quit', 128 + n);
  const handlers: [NodeJS.Signals, () => void][] = [['SIGTERM', onSignal('SIGTERM', 15)], ['SIGHUP', onSignal('SIGHUP', 1)]];
  if (!process.stdin.isTTY) handlers.push(['SIGINT', onSignal('SIGINT', 2)]);
  for (const [sig, h] of handlers) process.on(sig, h);
  try {
    const result = await machine.run();
    for (const [sig, h] of handlers) process.off(sig, h);
    nodeConsole?.close();
    if (stats) {
      const secs = result.ms / 1000;
      const mips = Number(result.guestInstructions) / 1e6 / Math.max(1e-9, (result.ms - result.idleMs) / 1000);
      log(`${NAME}: ${result.reason} status ${result.status}: ${result.guestInstructions} guest instructions in ${secs.toFixed(2)} s (${(result.idleMs / 1000).toFixed(2)} s idle, ${mips.toFixed(1)} MIPS busy)\n`);
      log(machine.statsReport());
    }
    return result.status;
  } catch (e) {
    nodeConsole?.close();
    if (e instanceof ImageReadError) {
      err(`${NAME}: cannot reset the machine: ${e.message}\n`);
      return 1;
    }
    const detail = e instanceof Error ? (process.env.WEMU_DEBUG ? e.stack : e.message) : String(e);
    err(`${NAME}: internal error at guest pc 0x${machine.hart.pc.toString(16)} (priv ${machine.hart.priv}): ${detail}\n`);
    return 1;
  }
}

/**
 * Entry point for bin/wemu-system-riscv64, in the process that runs the
 * machine: the launcher calls runUnderMallocTunables (malloc-tuning.ts)
 * before it loads this module, so a first process that only starts the
 * second does not load the emulator (~150 ms).
 */
export function main(): void {
  setFlagsFromString(EAGER_WASM_FLAG);
  setFlagsFromString(BRANCH_HINT_FLAG);
  setFlagsFromString(NO_OSR_FLAG);
  runSystemCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      writeAll(2, `${NAME}: internal error: ${e instanceof Error ? (process.env.WEMU_DEBUG ? e.stack : e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
