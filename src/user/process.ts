// The state of one emulated Linux process (threads in threads.ts): what system
// calls read and change. The execution machinery (MMU, loop) stays outside;
// the process reaches it only through the guest memory map's listener.

import { GuestMemoryMap } from './guest-memory-map.js';
import { GuestRegisters, Reg } from './guest-registers.js';
import { FdTable } from './fd-table.js';
import { HostPaths } from './host-paths.js';
import { SignalState } from './signals.js';
import { ThreadGroup } from './threads.js';

/** What a system call handler returns: the value for a0 (negative = -errno), or NO_RESULT. */
export type SyscallResult = number | bigint | typeof NO_RESULT;
/** The handler already set every register (rt_sigreturn) or ended the process (exit). */
export const NO_RESULT = Symbol('no-result');

export type SyscallHandler = (p: UserProcess) => SyscallResult;
export type SyscallTable = Map<number, SyscallHandler>;

export interface ProcessOptions {
  /** Guest path of the program as given on the command line (argv[0] unless overridden). */
  exePath: string;
  /** Host path of the program file (readlink /proc/self/exe answers this). */
  exeHostPath: string;
  paths: HostPaths;
  /** Where -strace output goes; null when off. */
  strace: ((line: string) => void) | null;
  /** Guest writes to fds 1 and 2 land here instead of the host fds (tests capture output). */
  stdoutSink?: (bytes: Uint8Array) => void;
  stderrSink?: (bytes: Uint8Array) => void;
}

export class UserProcess {
  /** Replaced while an emulated fork child runs (fork-emulation.ts). */
  fds = FdTable.withStdio();
  signals = new SignalState();
  /** qemu-user reports the host pid; a fork child gets a made-up one. */
  pid = process.pid;
  ppid = process.ppid;
  umask = 0o022;
  /** The guest's threads; the main thread's tid is the pid. Replaced while an emulated fork child runs. */
  threads = new ThreadGroup(process.pid);
  /** ITIMER_REAL: when SIGALRM is due (performance.now() ms, 0 = disarmed) and its reload interval. */
  alarmDeadlineMs = 0;
  alarmIntervalMs = 0;
  /** The running thread's rt_sigsuspend caller mask: what the next signal frame saves instead of the temporary mask. */
  suspendRestoreMask: bigint | null = null;
  /** Set by exit/exit_group: the guest's exit status. */
  exitStatus: number | null = null;
  /** Set when the process dies of a signal (no handler): the signal number. */
  killedBySignal: number | null = null;

  constructor(readonly map: GuestMemoryMap, readonly regs: GuestRegisters, readonly options: ProcessOptions) {}

  get paths(): HostPaths {
    return this.options.paths;
  }

  get finished(): boolean {
    return this.exitStatus !== null || this.killedBySignal !== null;
  }

  // System call arguments: a0..a5.

  /** Argument i as an unsigned number (addresses, sizes; exact below 2^53). */
  argNum(i: number): number {
    return this.regs.xNum(Reg.A0 + i);
  }

  /** Argument i's low 32 bits, signed (fds, flags, ints). */
  argInt(i: number): number {
    return this.regs.xInt(Reg.A0 + i);
  }

  /** Argument i as a signed 64-bit bigint (offsets). */
  argBig(i: number): bigint {
    return BigInt.asIntN(64, this.regs.x(Reg.A0 + i));
  }

  /** A NUL-terminated guest string argument, or null on a bad pointer. */
  argString(i: number): string | null {
    return this.map.readCString(this.argNum(i), 4096);
  }
}
