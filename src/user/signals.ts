// Guest signal state: dispositions (rt_sigaction), the blocked mask
// (rt_sigprocmask), pending signals and the alternate stack. Delivery onto the
// guest stack is in signal-frame.ts.

export const Sig = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19,
  TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28,
  IO: 29, PWR: 30, SYS: 31,
} as const;

/** Signals 1..64 (32.. are real-time). */
export const NSIG = 64;

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;

/** sa_flags bits (asm-generic/signal.h). */
export const SaFlag = {
  NOCLDSTOP: 0x1,
  NOCLDWAIT: 0x2,
  SIGINFO: 0x4,
  ONSTACK: 0x08000000,
  RESTART: 0x10000000,
  NODEFER: 0x40000000,
  RESETHAND: 0x80000000,
} as const;

/** si_code values. */
export const SiCode = {
  USER: 0,
  KERNEL: 0x80,
  TKILL: -6,
  SEGV_MAPERR: 1,
  SEGV_ACCERR: 2,
  ILL_ILLOPC: 1,
  BUS_ADRALN: 1,
  TRAP_BRKPT: 1,
} as const;

export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;

export interface SigAction {
  handler: bigint;
  flags: number;
  mask: bigint;
}

export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr for faults. */
  addr: bigint;
  /** si_pid / si_uid for kill-style signals. */
  pid: number;
  uid: number;
  /** Raised by a fault in the guest's own instruction: cannot be blocked or ignored. */
  synchronous: boolean;
}

export const enum DefaultAction {
  Terminate,
  CoreDump,
  Ignore,
  Stop,
}

export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case Sig.CHLD: case Sig.CONT: case Sig.URG: case Sig.WINCH:
      return DefaultAction.Ignore;
    case Sig.STOP: case Sig.TSTP: case Sig.TTIN: case Sig.TTOU:
      return DefaultAction.Stop;
    case Sig.QUIT: case Sig.ILL: case Sig.TRAP: case Sig.ABRT: case Sig.BUS: case Sig.FPE:
    case Sig.SEGV: case Sig.XCPU: case Sig.XFSZ: case Sig.SYS:
      return DefaultAction.CoreDump;
    default:
      return DefaultAction.Terminate;
  }
}

const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
/** SIGKILL and SIGSTOP can be neither caught nor blocked. */
export const UNBLOCKABLE = bit(Sig.KILL) | bit(Sig.STOP);

export class SignalState {
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0, mask: 0n }));
  /** The running thread's mask (threads.ts swaps it on a thread switch). */
  blocked = 0n;
  /** Signals sent to the process: any thread that does not block one may take it. */
  private readonly pending: SigInfo[] = [];
  /** Signals sent to the running thread (tgkill, faults); swapped on a thread switch like `blocked`. */
  threadPending: SigInfo[] = [];
  altStack = { sp: 0, size: 0, flags: SS_DISABLE };

  /** The child's copy after fork: same dispositions, mask and alternate stack, nothing pending. */
  forkCopy(): SignalState {
    const s = new SignalState();
    this.actions.forEach((a, i) => (s.actions[i] = { ...a }));
    s.blocked = this.blocked;
    s.altStack = { ...this.altStack };
    return s;
  }

  block(mask: bigint): void {
    this.blocked = (this.blocked | mask) & ~UNBLOCKABLE;
  }

  setBlocked(mask: bigint): void {
    this.blocked = mask & ~UNBLOCKABLE & ((1n << 64n) - 1n);
  }

  isBlocked(sig: number): boolean {
    return (this.blocked & bit(sig)) !== 0n;
  }

  /** Queue a signal for the process. Standard signals do not queue twice (as on Linux); real-time ones do. */
  raise(info: SigInfo): void {
    queueSignal(this.pending, info);
  }

  /** Queue a signal for the running thread only (tgkill to itself, synchronous faults). */
  raiseThread(info: SigInfo): void {
    queueSignal(this.threadPending, info);
  }

  /** Signals sent to the process, not yet taken by a thread. */
  get processPending(): readonly SigInfo[] {
    return this.pending;
  }

  get pendingMask(): bigint {
    let m = 0n;
    for (const p of this.pending) m |= bit(p.signo);
    for (const p of this.threadPending) m |= bit(p.signo);
    return m;
  }

  /** Take the next pending signal that is not blocked: the thread's own first, lowest number first (as Linux does). */
  takeDeliverable(): SigInfo | null {
    return takeFrom(this.threadPending, this.blocked) ?? takeFrom(this.pending, this.blocked);
  }

  hasDeliverable(): boolean {
    return this.hasDeliverableFor(this.blocked, this.threadPending);
  }

  /** Whether a thread with this mask and these thread-directed signals has one it could take now. */
  hasDeliverableFor(mask: bigint, threadPending: readonly SigInfo[]): boolean {
    const ok = (p: SigInfo): boolean => p.synchronous || (mask & bit(p.signo)) === 0n;
    return threadPending.some(ok) || this.pending.some(ok);
  }
}

/** Queue info on list: a standard signal already pending there is not queued twice. */
export function queueSignal(list: SigInfo[], info: SigInfo): void {
  if (info.signo < 32 && list.some((p) => p.signo === info.signo)) return;
  list.push(info);
}

function takeFrom(list: SigInfo[], blocked: bigint): SigInfo | null {
  let best = -1;
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    if ((blocked & bit(p.signo)) !== 0n && !p.synchronous) continue;
    if (best < 0 || p.signo < list[best]!.signo) best = i;
  }
  return best < 0 ? null : list.splice(best, 1)[0]!;
}

export function signalBit(sig: number): bigint {
  return bit(sig);
}

const SIGNAL_NAMES = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP',
  'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH',
  'SIGIO', 'SIGPWR', 'SIGSYS',
];

export function signalName(sig: number): string {
  return SIGNAL_NAMES[sig] ?? `SIGRT${sig - 32}`;
}

/** strsignal()'s text for the signals whose default action dumps core. */
const CORE_SIGNAL_TEXT: Record<number, string> = {
  3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted', 7: 'Bus error',
  8: 'Floating point exception', 11: 'Segmentation fault', 24: 'CPU time limit exceeded',
  25: 'File size limit exceeded', 31: 'Bad system call',
};

export function signalDescription(sig: number): string {
  return CORE_SIGNAL_TEXT[sig] ?? signalName(sig);
}
