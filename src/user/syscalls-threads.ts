// Thread system calls: clone(CLONE_THREAD) (reached from fork-emulation.ts's
// clone), exit vs exit_group, gettid, set_tid_address, set_robust_list,
// futex, sched_yield, sched_getaffinity, tkill/tgkill. The scheduler itself
// is threads.ts.

import * as os from 'node:os';
import { Errno } from './errno.js';
import { NO_RESULT, SyscallResult, SyscallTable, UserProcess } from './process.js';
import { NSIG, SiCode, SigInfo } from './signals.js';
import { Sys } from './syscall-numbers.js';
import { clockNow } from './syscalls-time.js';
import { FUTEX_BITSET_MATCH_ANY, GuestThread } from './threads.js';

export const Clone = {
  VM: 0x100, FS: 0x200, FILES: 0x400, SIGHAND: 0x800, VFORK: 0x4000, THREAD: 0x10000, SETTLS: 0x80000,
  PARENT_SETTID: 0x100000, CHILD_CLEARTID: 0x200000, CHILD_SETTID: 0x1000000,
} as const;

export const Futex = {
  WAIT: 0, WAKE: 1, REQUEUE: 3, CMP_REQUEUE: 4, WAKE_OP: 5, WAIT_BITSET: 9, WAKE_BITSET: 10,
  PRIVATE: 128, CLOCK_REALTIME: 256,
} as const;
/** Every futex word is private to this one process, so PRIVATE changes nothing. */
const FUTEX_CMD_MASK = ~(Futex.PRIVATE | Futex.CLOCK_REALTIME);
const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1;
const NS_PER_MS = 1e6;
/** sched_getaffinity's answer holds the kernel's cpumask: one long for up to 64 CPUs. */
const CPUMASK_BYTES = 8;

/** clone with CLONE_THREAD: a new thread of this process. Parent gets its tid, the thread gets 0. */
export function cloneThread(p: UserProcess): SyscallResult {
  const flags = p.argInt(0), stack = p.argNum(1), ptid = p.argNum(2), tls = p.argBig(3), ctid = p.argNum(4);
  // Linux: CLONE_THREAD needs CLONE_SIGHAND, which needs CLONE_VM.
  if (!(flags & Clone.SIGHAND) || !(flags & Clone.VM)) return -Errno.EINVAL;
  const t = p.threads.spawn(p, stack, flags & Clone.SETTLS ? tls : null);
  if (flags & Clone.PARENT_SETTID) p.map.writeU32(ptid, t.tid);
  if (flags & Clone.CHILD_SETTID) p.map.writeU32(ctid, t.tid);
  if (flags & Clone.CHILD_CLEARTID) t.clearChildTid = ctid;
  return t.tid;
}

/** A guest timespec as milliseconds; null on a bad pointer, NaN when invalid. */
function readTimespecMs(p: UserProcess, addr: number): number | null {
  const raw = p.map.read(addr, 16);
  if (!raw) return null;
  const dv = new DataView(raw.buffer);
  const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return NaN;
  return Number(sec) * 1000 + Number(nsec) / NS_PER_MS;
}

function futexWait(p: UserProcess, cmd: number, rawOp: number): SyscallResult {
  const uaddr = p.argNum(0), val = p.argInt(2), timeoutAddr = p.argNum(3);
  const bitset = cmd === Futex.WAIT_BITSET ? p.argInt(5) : FUTEX_BITSET_MATCH_ANY;
  if (bitset === 0 || uaddr % 4 !== 0) return -Errno.EINVAL;
  const cur = p.map.readU32(uaddr);
  if (cur === null) return -Errno.EFAULT;
  if ((cur | 0) !== val) return -Errno.EAGAIN;
  let deadlineMs = Infinity;
  if (timeoutAddr !== 0) {
    const ms = readTimespecMs(p, timeoutAddr);
    if (ms === null) return -Errno.EFAULT;
    if (Number.isNaN(ms)) return -Errno.EINVAL;
    const now = performance.now();
    if (cmd === Futex.WAIT) {
      deadlineMs = now + ms; // FUTEX_WAIT's timeout is relative
    } else {
      // WAIT_BITSET's is absolute, on CLOCK_REALTIME when asked, else CLOCK_MONOTONIC.
      const clockMs = Number(clockNow(rawOp & Futex.CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC)!) / NS_PER_MS;
      deadlineMs = now + (ms - clockMs);
    }
  }
  p.threads.block({ kind: 'futex', addr: uaddr, bitset, deadlineMs, remAddr: 0 });
  return NO_RESULT; // a0 is set when the wait ends (woken: 0, -ETIMEDOUT, -EINTR)
}

const signExtend12 = (v: number): number => (v << 20) >> 20;

/** FUTEX_WAKE_OP: *uaddr2 = op(old, oparg); wake on uaddr; if cmp(old, cmparg) also wake on uaddr2. */
function futexWakeOp(p: UserProcess): number {
  const uaddr = p.argNum(0), wake = p.argInt(2), wake2 = p.argInt(3), uaddr2 = p.argNum(4), encoded = p.argInt(5);
  const op = (encoded >>> 28) & 7, cmp = (encoded >>> 24) & 15;
  let oparg = signExtend12(encoded >>> 12);
  const cmparg = signExtend12(encoded);
  if (encoded & 0x80000000) oparg = 1 << (oparg & 31); // FUTEX_OP_OPARG_SHIFT
  const old = p.map.readU32(uaddr2);
  if (old === null) return -Errno.EFAULT;
  const o = old | 0;
  let next: number;
  switch (op) {
    case 0: next = oparg; break; // SET
    case 1: next = o + oparg; break; // ADD
    case 2: next = o | oparg; break; // OR
    case 3: next = o & ~oparg; break; // ANDN
    case 4: next = o ^ oparg; break; // XOR
    default: return -Errno.ENOSYS;
  }
  if (!p.map.writeU32(uaddr2, next >>> 0)) return -Errno.EFAULT;
  let hit: boolean;
  switch (cmp) {
    case 0: hit = o === cmparg; break;
    case 1: hit = o !== cmparg; break;
    case 2: hit = o < cmparg; break;
    case 3: hit = o <= cmparg; break;
    case 4: hit = o > cmparg; break;
    case 5: hit = o >= cmparg; break;
    default: return -Errno.ENOSYS;
  }
  let woken = p.threads.futexWake(uaddr, wake, FUTEX_BITSET_MATCH_ANY);
  if (hit) woken += p.threads.futexWake(uaddr2, wake2, FUTEX_BITSET_MATCH_ANY);
  return woken;
}

export function doFutex(p: UserProcess): SyscallResult {
  const rawOp = p.argInt(1), cmd = rawOp & FUTEX_CMD_MASK;
  const uaddr = p.argNum(0), val = p.argInt(2);
  switch (cmd) {
    case Futex.WAIT: case Futex.WAIT_BITSET:
      return futexWait(p, cmd, rawOp);
    case Futex.WAKE:
      return p.threads.futexWake(uaddr, val, FUTEX_BITSET_MATCH_ANY);
    case Futex.WAKE_BITSET: {
      const bitset = p.argInt(5);
      return bitset === 0 ? -Errno.EINVAL : p.threads.futexWake(uaddr, val, bitset);
    }
    case Futex.REQUEUE: case Futex.CMP_REQUEUE: {
      // val2 (how many to requeue) travels in the timeout argument.
      const requeue = p.argInt(3), uaddr2 = p.argNum(4);
      if (val < 0 || requeue < 0) return -Errno.EINVAL;
      if (cmd === Futex.CMP_REQUEUE) {
        const cur = p.map.readU32(uaddr);
        if (cur === null) return -Errno.EFAULT;
        if ((cur | 0) !== p.argInt(5)) return -Errno.EAGAIN;
      }
      return p.threads.futexRequeue(uaddr, val, uaddr2, requeue);
    }
    case Futex.WAKE_OP:
      return futexWakeOp(p);
    default:
      return -Errno.ENOSYS; // PI futexes and FUTEX_WAITV: glibc uses them only for PI mutexes
  }
}

function sendToThread(p: UserProcess, t: GuestThread | null, sig: number): number {
  if (sig < 0 || sig > NSIG) return -Errno.EINVAL;
  if (t === null) return -Errno.ESRCH;
  if (sig === 0) return 0;
  const info: SigInfo = { signo: sig, code: SiCode.TKILL, addr: 0n, pid: p.pid, uid: process.getuid?.() ?? 0, synchronous: false };
  p.threads.signalThread(p, t, info);
  return 0;
}

/** How many CPUs the guest sees: the host's, as qemu-user passes sched_getaffinity through. */
export function guestCpuCount(): number {
  return Math.max(1, Math.min(CPUMASK_BYTES * 8, os.availableParallelism()));
}

export function registerThreadSyscalls(t: SyscallTable): void {
  t.set(Sys.exit, (p) => {
    p.threads.exitCurrent(p, p.argInt(0));
    return NO_RESULT;
  });
  t.set(Sys.exit_group, (p) => {
    p.exitStatus = p.argInt(0) & 0xff;
    return NO_RESULT;
  });
  t.set(Sys.gettid, (p) => p.threads.current.tid);
  t.set(Sys.set_tid_address, (p) => {
    p.threads.current.clearChildTid = p.argNum(0);
    return p.threads.current.tid;
  });
  t.set(Sys.set_robust_list, (p) => {
    p.threads.current.robustList = p.argNum(0);
    return 0;
  });
  t.set(Sys.futex, doFutex);
  t.set(Sys.sched_yield, (p) => {
    p.threads.yieldCurrent();
    return 0;
  });
  t.set(Sys.sched_getaffinity, (p) => {
    const size = p.argNum(1);
    if (size < CPUMASK_BYTES || size % CPUMASK_BYTES !== 0) return -Errno.EINVAL;
    const pid = p.argInt(0);
    if (pid !== 0 && pid !== p.pid && p.threads.find(pid) === null) return -Errno.ESRCH;
    const mask = new Uint8Array(CPUMASK_BYTES);
    for (let cpu = 0; cpu < guestCpuCount(); cpu++) mask[cpu >> 3]! |= 1 << (cpu & 7);
    return p.map.write(p.argNum(2), mask) ? CPUMASK_BYTES : -Errno.EFAULT;
  });
  t.set(Sys.sched_setaffinity, () => 0);
  t.set(Sys.tkill, (p) => sendToThread(p, p.threads.find(p.argInt(0)), p.argInt(1)));
  t.set(Sys.tgkill, (p) => (p.argInt(0) === p.pid ? sendToThread(p, p.threads.find(p.argInt(1)), p.argInt(2)) : -Errno.ESRCH));
}
