// Command-line parsing for wemu-riscv64, following qemu-riscv64's conventions:
// options first, then the program and its arguments (everything after the
// program belongs to the guest, even if it looks like an option).

import { logItemNames, parseLogMask } from '../exec/log.js';
import type { TierOptions } from '../user/tier-options.js';
import { parseAccel, UsageError } from './accel-options.js';

export { UsageError };

export interface CliOptions {
  help: boolean;
  version: boolean;
  /** -d help: list the log items. */
  logHelp: boolean;
  sysroot: string | null;
  setEnv: string[];
  unsetEnv: string[];
  argv0: string | null;
  tbSizeMiB: number | undefined;
  tier: TierOptions;
  /** -d items for the execution loop (without strace). */
  logItems: string[];
  strace: boolean;
  tbStats: boolean;
  logFile: string | null;
  program: string | null;
  programArgs: string[];
}

export const USAGE = `usage: wemu-riscv64 [options] program [arguments...]
Linux user-mode emulator for riscv64 programs (a dynamic binary translator)

Options:
-h, -help              print this help
-version               print the version and exit
-L path                look up absolute paths (and the ELF interpreter) under 'path' first
-E var=value           set a variable in the guest's environment (repeatable, or comma-separated)
-U var                 remove a variable from the guest's environment (repeatable, or comma-separated)
-0 argv0               use 'argv0' as the guest's argv[0]
-accel tcg[,tb-size=N][,tier=interp|direct|wasm|auto][,cold=direct|interp][,thresh=N][,max-instances=N]
                       translation options: TB cache size in MiB, which code tiers run
                       (default auto: interpreted until hot, then compiled to Wasm), which
                       interpreter runs cold code under auto (the direct tier, or the IR one),
                       executions before a TB is compiled to Wasm, cap on live Wasm instances
-d item[,item...]      enable logging (-d help lists the items; strace and tb-stats included)
-D logfile             write the log to 'logfile' instead of stderr
-strace                log system calls (same as -d strace)

The guest's environment is the host's, modified by -E and -U.
`;

/** Options that take a value. */
const WITH_VALUE = new Set(['-L', '-E', '-U', '-0', '-accel', '-d', '-D']);

/** Split a getsubopt-style list: commas separate entries, but an entry without '=' continues the previous value. */
function splitAssignments(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    if (out.length > 0 && !part.includes('=')) out[out.length - 1] += ',' + part;
    else out.push(part);
  }
  return out;
}

function parseLogItems(text: string, opts: CliOptions): void {
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (item === 'help') opts.logHelp = true;
    else if (item === 'strace') opts.strace = true;
    else {
      if (item === 'tb-stats') opts.tbStats = true;
      try {
        parseLogMask(item);
      } catch {
        throw new UsageError(`unknown -d item '${item}' (known: ${[...logItemNames(), 'strace'].join(', ')})`);
      }
      opts.logItems.push(item);
    }
  }
}

export function parseCommandLine(args: readonly string[]): CliOptions {
  const opts: CliOptions = {
    help: false, version: false, logHelp: false, sysroot: null, setEnv: [], unsetEnv: [], argv0: null,
    tbSizeMiB: undefined, tier: { kind: 'auto' }, logItems: [], strace: false, tbStats: false,
    logFile: null, program: null, programArgs: [],
  };
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') break;
    i++;
    if (arg === '--') break;
    // qemu accepts --option as -option.
    const name = arg.startsWith('--') ? arg.slice(1) : arg;
    let value = '';
    if (WITH_VALUE.has(name)) {
      if (i >= args.length) throw new UsageError(`option '${arg}' needs an argument`);
      value = args[i++]!;
    }
    switch (name) {
      case '-h': case '-help': opts.help = true; break;
      case '-version': opts.version = true; break;
      case '-strace': opts.strace = true; break;
      case '-L': opts.sysroot = value; break;
      case '-E':
        for (const a of splitAssignments(value)) {
          if (!a.includes('=') || a.startsWith('=')) throw new UsageError(`-E expects var=value, not '${a}'`);
          opts.setEnv.push(a);
        }
        break;
      case '-U':
        for (const v of value.split(',')) {
          if (v === '' || v.includes('=')) throw new UsageError(`-U expects a variable name, not '${v}'`);
          opts.unsetEnv.push(v);
        }
        break;
      case '-0': opts.argv0 = value; break;
      case '-accel': parseAccel(value, opts); break;
      case '-d': parseLogItems(value, opts); break;
      case '-D': opts.logFile = value; break;
      default: throw new UsageError(`unknown option '${arg}'`);
    }
  }
  if (i < args.length) {
    opts.program = args[i]!;
    opts.programArgs = args.slice(i + 1);
  }
  if (!opts.program && !opts.help && !opts.version && !opts.logHelp) throw new UsageError('no program specified');
  return opts;
}

/** The guest environment: the host's, then -U removals and -E settings in command-line order. */
export function guestEnvironment(host: NodeJS.ProcessEnv, opts: Pick<CliOptions, 'setEnv' | 'unsetEnv'>): string[] {
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(host)) if (v !== undefined) env.set(k, v);
  for (const name of opts.unsetEnv) env.delete(name);
  for (const assignment of opts.setEnv) {
    const eq = assignment.indexOf('=');
    env.set(assignment.slice(0, eq), assignment.slice(eq + 1));
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}
