// Guest threads (clone with CLONE_THREAD) as green threads on the one host
// thread and the one vCPU, scheduled deterministically.
//
// The running thread's registers live in the CPU state in the linear memory,
// where translated code expects them; every other thread keeps a copy of its
// part of that state (GuestRegisters.saveThreadState: pc, x/f registers,
// fflags/frm, the LR reservation) and its signal mask here. A switch copies
// the state out and in. The TLB and the TB cache are shared, as CLONE_VM
// shares the address space. The LR reservation is dropped on every switch, so
// an SC racing with another thread fails and retries, as on hardware.
//
// Switches happen only between slices of the CPU loop (user-mode.ts): when a
// slice's instruction budget runs out while another thread can run (round
// robin in creation order), and when the running thread blocks (futex wait,
// sleep, sigsuspend), yields or exits. Which thread runs when depends only on
// instruction counts and the order of system calls, not on the host, except
// for timeouts, which are measured against the host clock.
//
// When no thread can run the scheduler sleeps the host until the earliest
// timeout (or ITIMER_REAL alarm). When no thread can run and nothing can ever
// wake one (no timeout, no alarm, no deliverable signal), the guest has
// deadlocked: Linux and qemu would hang forever; we say so on stderr and end
// the process with DEADLOCK_EXIT_STATUS.

import { writeSync } from 'node:fs';
import { Errno } from './errno.js';
import { Reg } from './guest-registers.js';
import { sleepMs } from './host-io.js';
import type { UserProcess } from './process.js';
import { queueSignal, SigInfo, signalBit } from './signals.js';

/** Exit status of a process ended because all its threads deadlocked (qemu would hang instead). */
export const DEADLOCK_EXIT_STATUS = 1;

export type WaitKind = 'futex' | 'sleep' | 'sigsuspend';

/** Why a thread is not runnable, and what ends the wait. */
export interface ThreadWait {
  kind: WaitKind;
  /** futex: the guest address of the word, and the waiter's bitset (FUTEX_WAIT waits with all bits). */
  addr: number;
  bitset: number;
  /** Host time (performance.now() ms) when the wait times out; Infinity for never. */
  deadlineMs: number;
  /** sleep: where nanosleep writes the time left when a signal interrupts it (0: nowhere). */
  remAddr: number;
}

export class GuestThread {
  /** The thread's CPU state while it is not running; null while it runs (the state is in the linear memory). */
  cpu: Uint8Array | null = null;
  /** Signal mask, thread-directed pending signals and rt_sigsuspend's saved mask while not running (SignalState holds the running thread's). */
  blocked = 0n;
  pending: SigInfo[] = [];
  suspendRestoreMask: bigint | null = null;
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken when the thread exits. */
  clearChildTid = 0;
  /** set_robust_list: recorded, not walked at exit (glibc needs it only for robust mutexes). */
  robustList = 0;
  wait: ThreadWait | null = null;
  /** The result (a0) of the blocking call that ended, set when the thread next runs. */
  wakeResult: number | null = null;
  exited = false;

  constructor(readonly tid: number) {}

  get runnable(): boolean {
    return !this.exited && this.wait === null;
  }
}

/** The host clock the scheduler measures timeouts against and sleeps on (tests substitute their own). */
export interface SchedulerClock {
  now(): number;
  sleep(ms: number): void;
}

const hostClock: SchedulerClock = { now: () => performance.now(), sleep: sleepMs };

/** FUTEX_WAIT waits with every bit of the bitset set. */
export const FUTEX_BITSET_MATCH_ANY = -1;

export class ThreadGroup {
  /** Live threads in creation order (exited ones are pruned at the next switch). */
  private threads: GuestThread[];
  private running: GuestThread;
  /** Futex waiters in the order they started waiting: wakes are first come, first served. */
  private readonly waiters: GuestThread[] = [];
  /** sched_yield asked to let others run. */
  private yieldRequested = false;
  private nextTid: number;

  constructor(mainTid: number, private readonly clock: SchedulerClock = hostClock) {
    this.running = new GuestThread(mainTid);
    this.threads = [this.running];
    this.nextTid = mainTid + 1;
  }

  get current(): GuestThread {
    return this.running;
  }

  /** Threads that have not exited. */
  get liveCount(): number {
    let n = 0;
    for (const t of this.threads) if (!t.exited) n++;
    return n;
  }

  find(tid: number): GuestThread | null {
    return this.threads.find((t) => t.tid === tid && !t.exited) ?? null;
  }

  /** The group an emulated fork child starts with: only the calling thread, under the child's pid (POSIX). */
  forkChild(childPid: number): ThreadGroup {
    return new ThreadGroup(childPid, this.clock);
  }

  /**
   * A new thread starting from the running thread's state, as clone returns
   * in it: a0 = 0, sp = stack (when non-zero), tp = tls (when not null).
   * Returns the thread; the caller keeps running.
   */
  spawn(p: UserProcess, stack: number, tls: bigint | null): GuestThread {
    const regs = p.regs;
    const parentState = regs.saveThreadState();
    regs.setX(Reg.A0, 0);
    if (stack !== 0) regs.setX(Reg.SP, stack);
    if (tls !== null) regs.setX(Reg.TP, tls);
    const t = new GuestThread(this.nextTid++);
    t.cpu = regs.saveThreadState();
    regs.loadThreadState(parentState);
    t.blocked = p.signals.blocked;
    this.threads.push(t);
    return t;
  }

  /** The running thread stops until wait ends; its system call's result comes from whatever ends it. */
  block(wait: ThreadWait): void {
    this.running.wait = wait;
    if (wait.kind === 'futex') this.waiters.push(this.running);
  }

  yieldCurrent(): void {
    this.yieldRequested = true;
  }

  /**
   * exit(2) of the running thread: clear and wake its clear_child_tid word
   * (pthread_join waits on it). The last thread's exit ends the process.
   */
  exitCurrent(p: UserProcess, status: number): void {
    const t = this.running;
    if (t.clearChildTid !== 0 && p.map.writeU32(t.clearChildTid, 0)) this.futexWake(t.clearChildTid, 1, FUTEX_BITSET_MATCH_ANY);
    t.exited = true;
    if (this.liveCount === 0) p.exitStatus = status & 0xff;
  }

  /** Wake up to count waiters on addr whose bitset shares a bit with bitset; returns how many woke. */
  futexWake(addr: number, count: number, bitset: number): number {
    let woken = 0;
    for (let i = 0; i < this.waiters.length && woken < count; ) {
      const t = this.waiters[i]!;
      if (t.wait!.addr === addr && (t.wait!.bitset & bitset) !== 0) {
        this.endWait(t, 0);
        woken++;
      } else i++;
    }
    return woken;
  }

  /** FUTEX_(CMP_)REQUEUE: wake up to wake waiters on addr, move up to requeue more to addr2; returns both counts' sum. */
  futexRequeue(addr: number, wake: number, addr2: number, requeue: number): number {
    const woken = this.futexWake(addr, wake, FUTEX_BITSET_MATCH_ANY);
    let moved = 0;
    for (const t of this.waiters) {
      if (moved >= requeue) break;
      if (t.wait!.addr === addr) {
        t.wait!.addr = addr2;
        moved++;
      }
    }
    return woken + moved;
  }

  /** Queue a signal for thread t (tgkill). A wait it interrupts ends at the next schedule. */
  signalThread(p: UserProcess, t: GuestThread, info: SigInfo): void {
    if (t === this.running) p.signals.raiseThread(info);
    else queueSignal(t.pending, info);
  }

  /** Whether the loop should call schedule() after this slice. */
  wantsSwitch(sliceEnded: boolean): boolean {
    return this.yieldRequested || !this.running.runnable || (sliceEnded && this.liveCount > 1);
  }

  /**
   * Pick the next thread to run (round robin after the running one; the
   * running one last) and make it current. When none can run, sleep the host
   * until a timeout or the alarm (poll raises SIGALRM when due). Returns false
   * when the guest deadlocked: then the process has ended.
   */
  schedule(p: UserProcess, poll: (nowMs: number) => void): boolean {
    this.yieldRequested = false;
    for (;;) {
      const now = this.clock.now();
      poll(now);
      this.settleWaits(p, now);
      const next = this.pickRunnable();
      if (next !== null) {
        this.switchTo(p, next);
        return true;
      }
      let deadline = p.alarmDeadlineMs > 0 ? p.alarmDeadlineMs : Infinity;
      for (const t of this.threads) if (t.wait) deadline = Math.min(deadline, t.wait.deadlineMs);
      if (deadline === Infinity) {
        this.reportDeadlock(p);
        return false;
      }
      this.clock.sleep(Math.max(1, Math.ceil(deadline - now)));
    }
  }

  /** A one-line account of every thread (the deadlock report, tests). */
  describe(): string {
    return this.threads
      .filter((t) => !t.exited)
      .map((t) => {
        const w = t.wait;
        if (!w) return `tid ${t.tid} runnable`;
        if (w.kind === 'futex') return `tid ${t.tid} futex wait on 0x${w.addr.toString(16)}`;
        return `tid ${t.tid} ${w.kind}`;
      })
      .join(', ');
  }

  private endWait(t: GuestThread, result: number): void {
    const w = t.wait;
    if (!w) return;
    t.wait = null;
    t.wakeResult = result;
    if (w.kind === 'futex') this.waiters.splice(this.waiters.indexOf(t), 1);
  }

  private maskOf(p: UserProcess, t: GuestThread): bigint {
    return t === this.running ? p.signals.blocked : t.blocked;
  }

  private threadPendingOf(p: UserProcess, t: GuestThread): SigInfo[] {
    return t === this.running ? p.signals.threadPending : t.pending;
  }

  /**
   * End the waits that time out now or that a signal interrupts: a signal sent
   * to a waiting thread interrupts it; a signal sent to the process interrupts
   * one waiting thread that does not block it, and only when no runnable
   * thread could take it instead (as Linux picks a thread to wake).
   */
  private settleWaits(p: UserProcess, now: number): void {
    const interrupt = (t: GuestThread): void => {
      const w = t.wait!;
      if (w.kind === 'sleep' && w.remAddr !== 0) p.map.write(w.remAddr, timespecBytes(Math.max(0, w.deadlineMs - now)));
      this.endWait(t, -Errno.EINTR);
    };
    for (const t of this.threads) {
      if (!t.wait) continue;
      const mask = this.maskOf(p, t);
      if (this.threadPendingOf(p, t).some((s) => s.synchronous || (mask & signalBit(s.signo)) === 0n)) interrupt(t);
    }
    for (const s of p.signals.processPending) {
      const bit = signalBit(s.signo);
      const takes = (t: GuestThread): boolean => !t.exited && (this.maskOf(p, t) & bit) === 0n;
      if (this.threads.some((t) => t.runnable && takes(t))) continue;
      const waiter = this.threads.find((t) => t.wait !== null && takes(t));
      if (waiter) interrupt(waiter);
    }
    for (const t of this.threads) {
      if (t.wait && t.wait.deadlineMs <= now) this.endWait(t, t.wait.kind === 'futex' ? -Errno.ETIMEDOUT : 0);
    }
  }

  private pickRunnable(): GuestThread | null {
    const n = this.threads.length;
    const start = this.threads.indexOf(this.running);
    for (let k = 1; k <= n; k++) {
      const t = this.threads[(start + k) % n]!;
      if (t.runnable) return t;
    }
    return null;
  }

  private switchTo(p: UserProcess, next: GuestThread): void {
    const cur = this.running;
    if (next !== cur) {
      if (!cur.exited) {
        cur.cpu = p.regs.saveThreadState();
        cur.blocked = p.signals.blocked;
        cur.pending = p.signals.threadPending;
        cur.suspendRestoreMask = p.suspendRestoreMask;
      }
      p.regs.loadThreadState(next.cpu!);
      next.cpu = null;
      p.signals.blocked = next.blocked;
      p.signals.threadPending = next.pending;
      next.pending = [];
      p.suspendRestoreMask = next.suspendRestoreMask;
      next.suspendRestoreMask = null;
      // Another thread ran (or will run) in between: an SC must not pair with this thread's old LR.
      p.regs.clearReservation();
      this.running = next;
      this.threads = this.threads.filter((t) => !t.exited);
    }
    if (next.wakeResult !== null) {
      p.regs.setX(Reg.A0, next.wakeResult);
      next.wakeResult = null;
    }
  }

  private reportDeadlock(p: UserProcess): void {
    const text = `wemu-riscv64: guest deadlock: every thread is blocked and nothing can wake one (${this.describe()}); exiting\n`;
    const bytes = Buffer.from(text);
    if (p.options.stderrSink) p.options.stderrSink(bytes);
    else writeSync(2, bytes);
    p.exitStatus = DEADLOCK_EXIT_STATUS;
  }
}

function timespecBytes(ms: number): Uint8Array {
  const ns = BigInt(Math.round(ms * 1e6));
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setBigInt64(0, ns / 1_000_000_000n, true);
  dv.setBigInt64(8, ns % 1_000_000_000n, true);
  return out;
}
