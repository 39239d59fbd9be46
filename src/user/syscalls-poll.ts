// ppoll and pselect6. Regular files are always ready;
// our in-memory pipes know exactly; host pipes and terminals are reported
// ready for what was asked (the following read or write then blocks on the
// host, which is what a blocking program would do next anyway). When nothing
// is ready, only the guest's own alarm can change that, so we sleep until
// the timeout or the alarm, whichever comes first.

import { Errno } from './errno.js';
import { OpenFile } from './fd-table.js';
import { sleepMs } from './host-io.js';
import { NO_RESULT, SyscallResult, SyscallTable, UserProcess } from './process.js';
import { Sys } from './syscall-numbers.js';
import { waitForAlarm } from './syscalls-time.js';

const Poll = { IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20 } as const;
/** Linux's RLIMIT_NOFILE-bounded nfds ceiling we accept. */
const MAX_POLL_FDS = 1024;

/** The poll(2) revents of file for the requested events. */
function readiness(file: OpenFile | undefined, events: number): number {
  if (!file) return Poll.NVAL;
  if (file.kind === 'pipe') {
    const pipe = file.pipe;
    if (file.readEnd) return (pipe.chunks.length > 0 ? events & Poll.IN : 0) | (pipe.writers === 0 ? Poll.HUP : 0);
    return pipe.readers > 0 ? events & Poll.OUT : Poll.ERR;
  }
  return events & (Poll.IN | Poll.OUT);
}

/** A guest timespec as milliseconds; Infinity for NULL, null on a bad pointer. */
function timeoutMs(p: UserProcess, addr: number): number | null {
  if (addr === 0) return Infinity;
  const raw = p.map.read(addr, 16);
  if (!raw) return null;
  const dv = new DataView(raw.buffer);
  return Number(dv.getBigInt64(0, true)) * 1000 + Number(dv.getBigInt64(8, true)) / 1e6;
}

/**
 * Nothing is ready: wait for the timeout or the alarm. Returns 0 (timed out)
 * or -EINTR (the alarm fired). With other threads, the thread waits in the
 * scheduler instead (NO_RESULT), until the timeout (0) or a signal (-EINTR);
 * a pipe another thread fills meanwhile is only seen at the timeout.
 */
function waitNothingReady(p: UserProcess, ms: number): SyscallResult {
  if (p.threads.liveCount > 1) {
    p.threads.block({ kind: 'sleep', addr: 0, bitset: 0, deadlineMs: performance.now() + ms, remAddr: 0 });
    return NO_RESULT;
  }
  const untilAlarm = p.alarmDeadlineMs ? p.alarmDeadlineMs - performance.now() : Infinity;
  if (untilAlarm <= ms) {
    waitForAlarm(p);
    return -Errno.EINTR;
  }
  // No timeout and no alarm: a lone thread would sleep forever; report an interruption instead of hanging.
  if (ms === Infinity) return -Errno.EINTR;
  sleepMs(Math.ceil(ms));
  return 0;
}

function doPpoll(p: UserProcess): SyscallResult {
  const fdsAddr = p.argNum(0), nfds = p.argNum(1);
  if (nfds > MAX_POLL_FDS) return -Errno.EINVAL;
  const ms = timeoutMs(p, p.argNum(2));
  if (ms === null) return -Errno.EFAULT;
  const raw = p.map.read(fdsAddr, nfds * 8);
  if (!raw) return -Errno.EFAULT;
  const dv = new DataView(raw.buffer);
  let ready = 0;
  for (let i = 0; i < nfds; i++) {
    const fd = dv.getInt32(i * 8, true), events = dv.getInt16(i * 8 + 4, true);
    const revents = fd < 0 ? 0 : readiness(p.fds.get(fd), events);
    dv.setInt16(i * 8 + 6, revents, true);
    if (revents) ready++;
  }
  if (!p.map.write(fdsAddr, raw)) return -Errno.EFAULT;
  return ready === 0 ? waitNothingReady(p, ms) : ready;
}

function doPselect6(p: UserProcess): SyscallResult {
  const n = p.argInt(0);
  if (n < 0 || n > MAX_POLL_FDS) return -Errno.EINVAL;
  const ms = timeoutMs(p, p.argNum(4));
  if (ms === null) return -Errno.EFAULT;
  const setBytes = Math.ceil(n / 64) * 8;
  const sets: (Uint8Array | null)[] = [];
  for (let i = 1; i <= 3; i++) {
    const addr = p.argNum(i);
    const set = addr === 0 ? null : p.map.read(addr, setBytes);
    if (addr !== 0 && !set) return -Errno.EFAULT;
    sets.push(set);
  }
  const wanted = [Poll.IN, Poll.OUT, Poll.PRI];
  let ready = 0;
  for (let k = 0; k < 3; k++) {
    const set = sets[k];
    if (!set) continue;
    for (let fd = 0; fd < n; fd++) {
      const bit = 1 << (fd & 7);
      if (!(set[fd >> 3]! & bit)) continue;
      const r = readiness(p.fds.get(fd), wanted[k]!);
      if (r & Poll.NVAL) return -Errno.EBADF;
      if (r & (wanted[k]! | Poll.HUP | Poll.ERR)) ready++;
      else set[fd >> 3]! &= ~bit;
    }
  }
  for (let i = 1; i <= 3; i++) {
    const set = sets[i - 1];
    if (set && !p.map.write(p.argNum(i), set)) return -Errno.EFAULT;
  }
  return ready === 0 ? waitNothingReady(p, ms) : ready;
}

export function registerPollSyscalls(t: SyscallTable): void {
  t.set(Sys.ppoll, doPpoll);
  t.set(Sys.pselect6, doPselect6);
}
