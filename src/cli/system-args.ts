// Command-line parsing for wemu-system-riscv64, following qemu-system-riscv64's
// spelling for the options it supports (one `virt` machine, one hart, the
// serial console on stdio). Anything else is refused with a clear message
// rather than ignored.

import { logItemNames, parseLogMask } from '../exec/log.js';
import type { TierOptions } from '../user/tier-options.js';
import { parseAccel, positiveInt, UsageError } from './accel-options.js';

export { UsageError };

export interface SystemCliOptions {
  help: boolean;
  version: boolean;
  /** -d help. */
  logHelp: boolean;
  machine: 'virt';
  /** Guest RAM in bytes. */
  ramSize: number;
  /** -bios FILE; null: the default (build/system/fw_dynamic.bin); 'none': no firmware. */
  bios: string | null;
  kernel: string | null;
  initrd: string | null;
  append: string | null;
  dtb: string | null;
  nographic: boolean;
  /** -seed N: the guest's boot entropy (/chosen/rng-seed) from N, so it repeats; null: fresh at every boot. */
  seed: number | null;
  /** -no-reboot: a guest reset ends the emulator instead. */
  noReboot: boolean;
  tbSizeMiB: number | undefined;
  tier: TierOptions;
  logItems: string[];
  tbStats: boolean;
  logFile: string | null;
}

export const SYSTEM_USAGE = `usage: wemu-system-riscv64 [options]
RISC-V 64 system emulator (QEMU's virt board, one hart; a dynamic binary translator)

Options:
-h, -help              print this help
-version               print the version and exit
-M virt                the machine (only virt)
-m SIZE                RAM size, e.g. 256M or 1G (suffixes K, M, G; default unit M; default 128M)
-smp 1                 number of harts (only 1)
-bios FILE|none        firmware (default: build/system/fw_dynamic.bin, OpenSBI fw_dynamic)
-kernel FILE           Linux Image (or raw binary / physical-address ELF)
-initrd FILE           initial ramdisk
-append STR            kernel command line
-dtb FILE              use this device tree instead of the generated one
-nographic             no display; the serial console is on stdio (always the case)
-serial mon:stdio      serial console on stdio (the only backend); Ctrl-A x quits
-display none          accepted (there is no display)
-no-reboot             exit when the guest resets instead of restarting it
-seed N                the guest's boot entropy (device tree rng-seed) from N, not the host's
                       random source, so its randomness repeats from run to run
-accel tcg[,tb-size=N][,tier=interp|direct|wasm|auto][,cold=direct|interp][,thresh=N][,max-instances=N]
                       translation options: TB cache size in MiB, which code tiers run
                       (default auto: interpreted until hot, then compiled to Wasm), which
                       interpreter runs cold code under auto (the direct tier, or the IR one),
                       executions before a TB is compiled to Wasm, cap on live Wasm instances
-d item[,item...]      enable logging (-d help lists the items; tb-stats logs each translated TB
                       and prints the counters at exit)
-D logfile             write the log to 'logfile' instead of stderr

Environment:
WEMU_STATS=1           print the counters of -d tb-stats at exit (guest instructions, run and
                       idle time, TB and Wasm tier counters) to the -D log or stderr, without
                       its line per translated TB

Exit status: the guest's poweroff status (0 for a normal poweroff, the failure
code of the test device otherwise); 1 for usage errors.
`;

const WITH_VALUE = new Set(['-M', '-machine', '-m', '-smp', '-bios', '-kernel', '-initrd', '-append', '-dtb', '-serial', '-display', '-accel', '-d', '-D', '-seed']);

const KNOWN_UNSUPPORTED = new Map<string, string>([
  ['-drive', 'block devices are not emulated yet (virtio-mmio slots are empty)'],
  ['-device', 'no pluggable devices are emulated yet'],
  ['-netdev', 'networking is not emulated yet'],
  ['-nic', 'networking is not emulated yet'],
  ['-cpu', 'there is one CPU model (rv64imafdc with Zicsr, Zifencei, Zba, Zbb, Zbs, Sstc)'],
  ['-monitor', 'there is no monitor'],
  ['-s', 'there is no gdb stub'],
  ['-gdb', 'there is no gdb stub'],
  ['-S', 'there is no monitor to continue from'],
  ['-enable-kvm', 'only tcg'],
  ['-snapshot', 'there are no disks'],
]);

/** -accel tcg,thread=single: the system emulator's one extra -accel property (one hart, one thread). */
function acceptThread(key: string, value: string): boolean {
  if (key !== 'thread') return false;
  if (value !== 'single') throw new UsageError('only -accel tcg,thread=single');
  return true;
}

/** A size as QEMU's -m takes it: a number with an optional K/M/G/T suffix (B for bytes); plain numbers are MiB. */
export function parseRamSize(text: string): number {
  let t = text;
  if (t.startsWith('size=')) t = t.slice(5);
  const m = /^(\d+(?:\.\d+)?)([bkmgt]?)i?b?$/i.exec(t);
  if (!m) throw new UsageError(`invalid RAM size '${text}' (e.g. 256M, 1G)`);
  const unit = (m[2] || 'm').toLowerCase();
  const scale = { b: 1, k: 1 << 10, m: 1 << 20, g: 1 << 30, t: 2 ** 40 }[unit]!;
  const bytes = Math.round(Number(m[1]) * scale);
  if (bytes < 16 << 20) throw new UsageError(`RAM size '${text}' is too small (at least 16M)`);
  if (bytes % 4096) throw new UsageError(`RAM size '${text}' is not a multiple of 4 KiB`);
  // RAM lives in one linear memory with the emulator's own state: wasm32 addresses it below 4 GiB.
  if (bytes > 2 ** 31) throw new UsageError(`RAM size '${text}' is too large (at most 2G)`);
  return bytes;
}

function parseMachine(text: string): 'virt' {
  const [name, ...props] = text.split(',');
  if (name?.startsWith('type=') ? name.slice(5) !== 'virt' : name !== 'virt') {
    if (name === 'help' || name === '?') throw new UsageError('supported machines: virt (RISC-V VirtIO board)');
    throw new UsageError(`unsupported machine '${name}' (only virt)`);
  }
  if (props.length > 0) throw new UsageError(`unsupported -M property '${props[0]}' (virt takes none)`);
  return 'virt';
}

/** -seed: a non-negative integer, decimal or 0x hex (QEMU's -seed takes an unsigned long the same way). */
function parseSeed(text: string): number {
  const n = /^(\d+|0x[0-9a-f]+)$/i.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`-seed must be a non-negative integer below 2^53, not '${text}'`);
  return n;
}

function parseSmp(text: string): void {
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? 'cpus' : part.slice(0, eq);
    const value = eq < 0 ? part : part.slice(eq + 1);
    if (!['cpus', 'maxcpus', 'sockets', 'cores', 'threads'].includes(key)) throw new UsageError(`unknown -smp property '${key}'`);
    if (positiveInt(value, `-smp ${key}`) !== 1) throw new UsageError(`-smp ${part}: only one hart is emulated`);
  }
}

function parseSerial(text: string): void {
  if (text !== 'mon:stdio' && text !== 'stdio') throw new UsageError(`unsupported -serial '${text}' (only mon:stdio / stdio)`);
}

function parseLogItems(text: string, opts: SystemCliOptions): void {
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (item === 'help') { opts.logHelp = true; continue; }
    if (item === 'tb-stats') opts.tbStats = true;
    try {
      parseLogMask(item);
    } catch {
      throw new UsageError(`unknown -d item '${item}' (known: ${logItemNames().join(', ')})`);
    }
    opts.logItems.push(item);
  }
}

export function parseSystemCommandLine(args: readonly string[]): SystemCliOptions {
  const opts: SystemCliOptions = {
    help: false, version: false, logHelp: false, machine: 'virt', ramSize: 128 << 20,
    bios: null, kernel: null, initrd: null, append: null, dtb: null, nographic: false, noReboot: false, seed: null,
    tbSizeMiB: undefined, tier: { kind: 'auto' }, logItems: [], tbStats: false, logFile: null,
  };
  let i = 0;
  while (i < args.length) {
    const arg = args[i++]!;
    if (!arg.startsWith('-') || arg === '-') throw new UsageError(`unexpected argument '${arg}' (a disk image? use -kernel / -initrd)`);
    const name = arg.startsWith('--') ? arg.slice(1) : arg;
    let value = '';
    if (WITH_VALUE.has(name)) {
      if (i >= args.length) throw new UsageError(`option '${arg}' needs an argument`);
      value = args[i++]!;
    }
    switch (name) {
      case '-h': case '-help': opts.help = true; break;
      case '-version': opts.version = true; break;
      case '-M': case '-machine': opts.machine = parseMachine(value); break;
      case '-m': opts.ramSize = parseRamSize(value); break;
      case '-smp': parseSmp(value); break;
      case '-bios': opts.bios = value; break;
      case '-kernel': opts.kernel = value; break;
      case '-initrd': opts.initrd = value; break;
      case '-append': opts.append = value; break;
      case '-dtb': opts.dtb = value; break;
      case '-nographic': opts.nographic = true; break;
      case '-no-reboot': opts.noReboot = true; break;
      case '-seed': opts.seed = parseSeed(value); break;
      case '-serial': parseSerial(value); break;
      case '-display': if (value !== 'none') throw new UsageError(`unsupported -display '${value}' (only none)`); break;
      case '-accel': parseAccel(value, opts, acceptThread); break;
      case '-d': parseLogItems(value, opts); break;
      case '-D': opts.logFile = value; break;
      default: {
        const why = KNOWN_UNSUPPORTED.get(name);
        throw new UsageError(why ? `option '${arg}' is not supported: ${why}` : `unknown option '${arg}'`);
      }
    }
  }
  if (opts.help || opts.version || opts.logHelp) return opts;
  if (opts.initrd !== null && opts.kernel === null) throw new UsageError('-initrd needs -kernel');
  if (opts.append !== null && opts.kernel === null) throw new UsageError('-append needs -kernel');
  if (opts.bios === 'none' && opts.kernel === null) throw new UsageError('nothing to run: -bios none needs -kernel');
  return opts;
}
