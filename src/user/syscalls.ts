// The system call dispatcher: the table of every implemented call (assembled
// from the per-group files), the result convention, and -strace output in
// qemu's style ("PID name(args) = result").

import { Errno, errnoMessage } from './errno.js';
import { Reg } from './guest-registers.js';
import { NO_RESULT, SyscallTable, UserProcess } from './process.js';
import { Sys, SYSCALL_NAMES } from './syscall-numbers.js';
import { registerFileIoSyscalls } from './syscalls-fileio.js';
import { AT_FDCWD, registerFsSyscalls } from './syscalls-fs.js';
import { registerMemorySyscalls } from './syscalls-memory.js';
import { registerPollSyscalls } from './syscalls-poll.js';
import { registerProcessSyscalls } from './syscalls-process.js';
import { registerSignalSyscalls } from './syscalls-signals.js';
import { registerThreadSyscalls } from './syscalls-threads.js';
import { registerTimeSyscalls } from './syscalls-time.js';

export function buildSyscallTable(): SyscallTable {
  const t: SyscallTable = new Map();
  registerFileIoSyscalls(t);
  registerFsSyscalls(t);
  registerMemorySyscalls(t);
  registerTimeSyscalls(t);
  registerProcessSyscalls(t);
  registerSignalSyscalls(t);
  registerPollSyscalls(t);
  registerThreadSyscalls(t);
  return t;
}

/**
 * How -strace prints arguments: d signed int, u unsigned, x pointer (padded
 * hex), p pointer (short hex), s string, f dirfd, o octal. Calls without an
 * entry print their six raw arguments in decimal, as qemu does.
 */
const STRACE_ARGS: Partial<Record<string, string>> = {
  openat: 'fsxo', close: 'd', read: 'dpu', write: 'dpu', readv: 'dpd', writev: 'dpd', pread64: 'dpud', pwrite64: 'dpud',
  lseek: 'ddd', fstat: 'dx', newfstatat: 'fsxx', statx: 'fsxxx', getdents64: 'dxu', readlinkat: 'fsxu', faccessat: 'fsd', faccessat2: 'fsdd',
  mkdirat: 'fso', unlinkat: 'fsd', renameat2: 'fsfsd', fcntl: 'ddd', dup: 'd', dup3: 'ddd', pipe2: 'xd', ioctl: 'dxx',
  mmap: 'xudddd', munmap: 'xu', mprotect: 'xud', mremap: 'xuudx', brk: 'x', madvise: 'xud', exit: 'd', exit_group: 'd',
  clock_gettime: 'dx', clock_getres: 'dx', gettimeofday: 'xx', nanosleep: 'xx', clock_nanosleep: 'ddxx', getrandom: 'pud', uname: 'x',
  rt_sigaction: 'dxx', rt_sigprocmask: 'dxx', sigaltstack: 'xx', kill: 'dd', tgkill: 'ddd', tkill: 'dd', chdir: 's', getcwd: 'xu',
  getpid: '', gettid: '', getppid: '', getuid: '', geteuid: '', getgid: '', getegid: '', rt_sigreturn: '', sched_yield: '',
};

/** Calls whose result is an address (printed in hex, like qemu). */
const POINTER_RESULT = new Set<number>([Sys.mmap, Sys.brk, Sys.mremap]);

function formatArg(p: UserProcess, kind: string, i: number): string {
  switch (kind) {
    case 'd': return String(p.argInt(i));
    case 'u': return String(p.argNum(i));
    case 'o': return '0' + (p.argInt(i) >>> 0).toString(8);
    case 'p': return '0x' + p.argNum(i).toString(16);
    case 'x': return p.argNum(i) === 0 ? 'NULL' : '0x' + p.argNum(i).toString(16).padStart(16, '0');
    case 'f': return p.argInt(i) === AT_FDCWD ? 'AT_FDCWD' : String(p.argInt(i));
    case 's': {
      const s = p.argString(i);
      return s === null ? '0x' + p.argNum(i).toString(16) : JSON.stringify(s);
    }
    default: return String(p.argBig(i));
  }
}

function formatCall(p: UserProcess, nr: number): string {
  const name = SYSCALL_NAMES.get(nr);
  if (!name) return `Unknown syscall ${nr}`;
  const spec = STRACE_ARGS[name];
  const args = spec === undefined ? [0, 1, 2, 3, 4, 5].map((i) => String(p.argBig(i))) : [...spec].map((k, i) => formatArg(p, k, i));
  return `${name}(${args.join(',')})`;
}

function formatResult(nr: number, result: bigint): string {
  if (result < 0n && result >= -4095n) {
    const errno = Number(-result);
    return `-1 errno=${errno} (${errnoMessage(errno)})`;
  }
  return POINTER_RESULT.has(nr) ? '0x' + BigInt.asUintN(64, result).toString(16).padStart(16, '0') : String(result);
}

export class SyscallDispatcher {
  private readonly table = buildSyscallTable();

  /** extend: adds calls implemented outside the per-group files (fork emulation). */
  constructor(extend?: (table: SyscallTable) => void) {
    extend?.(this.table);
  }

  /** Handle the ecall the guest just made: run the call, put its result in a0 (unless it set the registers itself). */
  dispatch(p: UserProcess): void {
    const nr = p.regs.xNum(Reg.A7);
    const strace = p.options.strace;
    const call = strace ? formatCall(p, nr) : '';
    const handler = this.table.get(nr);
    const result = handler ? handler(p) : -Errno.ENOSYS;
    if (result === NO_RESULT) {
      if (strace) strace(`${p.pid} ${call}${nr === Sys.rt_sigreturn ? ' = ' + p.regs.x(Reg.A0) : ''}\n`);
      return;
    }
    const value = typeof result === 'bigint' ? result : BigInt(result);
    p.regs.setX(Reg.A0, value);
    if (strace) strace(`${p.pid} ${call} = ${formatResult(nr, value)}\n`);
  }

  isImplemented(nr: number): boolean {
    return this.table.has(nr);
  }
}
