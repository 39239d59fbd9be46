// Signal system calls: rt_sigaction, rt_sigprocmask, sigaltstack,
// rt_sigreturn, rt_sigpending, rt_sigsuspend, kill (tkill/tgkill: syscalls-threads.ts).

import * as os from 'node:os';
import { Errno, hostErrorToErrno } from './errno.js';
import { Reg } from './guest-registers.js';
import { NO_RESULT, SyscallTable, UserProcess } from './process.js';
import { restoreRtFrame } from './signal-frame.js';
import { NSIG, Sig, SiCode, SS_DISABLE, SS_ONSTACK, UNBLOCKABLE } from './signals.js';
import { Sys } from './syscall-numbers.js';
import { waitForAlarm } from './syscalls-time.js';

const SIGSET_SIZE = 8;
const How = { BLOCK: 0, UNBLOCK: 1, SETMASK: 2 } as const;
/** MINSIGSTKSZ on riscv64 (asm-generic). */
const MINSIGSTKSZ = 2048;

function doRtSigaction(p: UserProcess): number {
  const sig = p.argInt(0), actAddr = p.argNum(1), oldAddr = p.argNum(2);
  if (p.argNum(3) !== SIGSET_SIZE) return -Errno.EINVAL;
  if (sig < 1 || sig > NSIG) return -Errno.EINVAL;
  let next = null;
  if (actAddr !== 0) {
    if (sig === Sig.KILL || sig === Sig.STOP) return -Errno.EINVAL;
    const raw = p.map.read(actAddr, 24);
    if (!raw) return -Errno.EFAULT;
    const dv = new DataView(raw.buffer);
    next = { handler: dv.getBigUint64(0, true), flags: Number(dv.getBigUint64(8, true) & 0xffffffffn), mask: dv.getBigUint64(16, true) & ~UNBLOCKABLE };
  }
  const cur = p.signals.actions[sig]!;
  if (oldAddr !== 0) {
    const out = new Uint8Array(24);
    const dv = new DataView(out.buffer);
    dv.setBigUint64(0, cur.handler, true);
    dv.setBigUint64(8, BigInt(cur.flags >>> 0), true);
    dv.setBigUint64(16, cur.mask, true);
    if (!p.map.write(oldAddr, out)) return -Errno.EFAULT;
  }
  if (next) p.signals.actions[sig] = next;
  return 0;
}

function doRtSigprocmask(p: UserProcess): number {
  const how = p.argInt(0), setAddr = p.argNum(1), oldAddr = p.argNum(2);
  if (p.argNum(3) !== SIGSET_SIZE) return -Errno.EINVAL;
  const old = p.signals.blocked;
  if (setAddr !== 0) {
    const set = p.map.readU64(setAddr);
    if (set === null) return -Errno.EFAULT;
    switch (how) {
      case How.BLOCK: p.signals.block(set); break;
      case How.UNBLOCK: p.signals.setBlocked(old & ~set); break;
      case How.SETMASK: p.signals.setBlocked(set); break;
      default: return -Errno.EINVAL;
    }
  }
  if (oldAddr !== 0 && !p.map.writeU64(oldAddr, old)) return -Errno.EFAULT;
  return 0;
}

function doSigaltstack(p: UserProcess): number {
  const ssAddr = p.argNum(0), oldAddr = p.argNum(1);
  const alt = p.signals.altStack;
  const sp = p.regs.xNum(Reg.SP);
  const onStack = alt.flags !== SS_DISABLE && sp > alt.sp && sp <= alt.sp + alt.size;
  if (oldAddr !== 0) {
    const out = new Uint8Array(24);
    const dv = new DataView(out.buffer);
    dv.setBigUint64(0, BigInt(alt.sp), true);
    dv.setInt32(8, onStack ? SS_ONSTACK : alt.flags, true);
    dv.setBigUint64(16, BigInt(alt.size), true);
    if (!p.map.write(oldAddr, out)) return -Errno.EFAULT;
  }
  if (ssAddr !== 0) {
    const raw = p.map.read(ssAddr, 24);
    if (!raw) return -Errno.EFAULT;
    const dv = new DataView(raw.buffer);
    const flags = dv.getInt32(8, true);
    if (onStack) return -Errno.EPERM;
    if (flags & ~(SS_DISABLE | SS_ONSTACK)) return -Errno.EINVAL;
    if (flags & SS_DISABLE) {
      p.signals.altStack = { sp: 0, size: 0, flags: SS_DISABLE };
    } else {
      const size = Number(dv.getBigUint64(16, true));
      if (size < MINSIGSTKSZ) return -Errno.ENOMEM;
      p.signals.altStack = { sp: Number(dv.getBigUint64(0, true)), size, flags: 0 };
    }
  }
  return 0;
}

function raiseSelf(p: UserProcess, sig: number, code: number): number {
  if (sig < 0 || sig > NSIG) return -Errno.EINVAL;
  if (sig === 0) return 0;
  p.signals.raise({ signo: sig, code, addr: 0n, pid: p.pid, uid: process.getuid?.() ?? 0, synchronous: false });
  return 0;
}

/** Another host process: pass the signal on, translating the number to the host's. */
function killHost(pid: number, sig: number): number {
  if (sig < 0 || sig > NSIG) return -Errno.EINVAL;
  const name = Object.entries(os.constants.signals).find(([, n]) => n === sig)?.[0];
  try {
    process.kill(pid, sig === 0 ? 0 : (name ?? sig));
    return 0;
  } catch (e) {
    return hostErrorToErrno(e);
  }
}

export function registerSignalSyscalls(t: SyscallTable): void {
  t.set(Sys.rt_sigaction, doRtSigaction);
  t.set(Sys.rt_sigprocmask, doRtSigprocmask);
  t.set(Sys.sigaltstack, doSigaltstack);
  t.set(Sys.rt_sigreturn, (p) => {
    if (!restoreRtFrame(p.map, p.regs, p.signals)) {
      p.signals.raiseThread({ signo: Sig.SEGV, code: SiCode.USER, addr: 0n, pid: p.pid, uid: 0, synchronous: true });
    }
    return NO_RESULT;
  });
  t.set(Sys.rt_sigpending, (p) => (p.map.writeU64(p.argNum(0), p.signals.pendingMask & p.signals.blocked) ? 0 : -Errno.EFAULT));
  t.set(Sys.rt_sigsuspend, (p) => {
    const mask = p.map.readU64(p.argNum(0));
    if (mask === null) return -Errno.EFAULT;
    const saved = p.signals.blocked;
    p.signals.setBlocked(mask);
    if (p.threads.liveCount > 1 && !p.signals.hasDeliverable()) {
      // Another thread may send the signal: wait for it in the scheduler (threads.ts), which ends the wait with -EINTR.
      p.suspendRestoreMask = saved;
      p.threads.block({ kind: 'sigsuspend', addr: 0, bitset: 0, deadlineMs: Infinity, remAddr: 0 });
      return NO_RESULT;
    }
    // A lone thread can only be woken by its own alarm; without one, waiting would hang forever.
    if (!p.signals.hasDeliverable()) waitForAlarm(p);
    if (!p.signals.hasDeliverable()) {
      p.signals.setBlocked(saved);
      return -Errno.EINTR;
    }
    // The handler runs with the temporary mask; sigreturn restores the caller's.
    p.suspendRestoreMask = saved;
    return -Errno.EINTR;
  });
  t.set(Sys.kill, (p) => {
    const pid = p.argInt(0);
    return pid === p.pid || pid === 0 || pid === -1 ? raiseSelf(p, p.argInt(1), SiCode.USER) : killHost(pid, p.argInt(1));
  });
}
