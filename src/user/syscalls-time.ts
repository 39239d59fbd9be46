// Time system calls: clocks, sleeping, times(2), and getrandom.

import { randomFillSync } from 'node:crypto';
import { Errno } from './errno.js';
import { sleepMs } from './host-io.js';
import { CLOCK_TICKS_PER_SECOND } from './initial-stack.js';
import { NO_RESULT, SyscallResult, SyscallTable, UserProcess } from './process.js';
import { Sys } from './syscall-numbers.js';
import { Sig, SiCode } from './signals.js';

const Clock = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3, MONOTONIC_RAW: 4, REALTIME_COARSE: 5, MONOTONIC_COARSE: 6, BOOTTIME: 7 } as const;
const TIMER_ABSTIME = 1;
const NS_PER_S = 1_000_000_000n;
const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
/** getrandom hands out at most this much per call (Linux: 32 MiB - 1). */
const GETRANDOM_MAX = 0x1ffffff;

/** Nanoseconds on clock id, or null for an unknown clock. */
export function clockNow(id: number): bigint | null {
  switch (id) {
    case Clock.REALTIME: case Clock.REALTIME_COARSE:
      return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
    case Clock.MONOTONIC: case Clock.MONOTONIC_RAW: case Clock.MONOTONIC_COARSE: case Clock.BOOTTIME:
      return process.hrtime.bigint();
    case Clock.PROCESS_CPUTIME_ID: case Clock.THREAD_CPUTIME_ID: {
      const u = process.cpuUsage();
      return BigInt(u.user + u.system) * 1000n;
    }
    default:
      return null;
  }
}

function timespec(ns: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setBigInt64(0, ns / NS_PER_S, true);
  dv.setBigInt64(8, ns % NS_PER_S, true);
  return out;
}

/** A guest timespec as nanoseconds; null on a bad pointer, -1n when out of range. */
function readTimespec(p: UserProcess, addr: number): bigint | null {
  const raw = p.map.read(addr, 16);
  if (!raw) return null;
  const dv = new DataView(raw.buffer);
  const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= NS_PER_S) return -1n;
  return sec * NS_PER_S + nsec;
}

function sleepNs(ns: bigint): void {
  // Atomics.wait takes milliseconds; round up so a sleep is never shorter than asked.
  sleepMs(Number((ns + 999_999n) / 1_000_000n));
}

function doClockNanosleep(p: UserProcess, clock: number, flags: number, reqAddr: number, remAddr: number): SyscallResult {
  const req = readTimespec(p, reqAddr);
  if (req === null) return -Errno.EFAULT;
  if (req < 0n) return -Errno.EINVAL;
  const now = clockNow(clock);
  if (now === null || clock === Clock.THREAD_CPUTIME_ID) return -Errno.EINVAL;
  const wait = flags & TIMER_ABSTIME ? req - now : req;
  if (p.threads.liveCount > 1) {
    // Other threads run while this one sleeps; the scheduler ends the sleep (0) or a signal does (-EINTR, rem written).
    const remaining = remAddr && !(flags & TIMER_ABSTIME) ? remAddr : 0;
    p.threads.block({ kind: 'sleep', addr: 0, bitset: 0, deadlineMs: performance.now() + Number(wait) / 1e6, remAddr: remaining });
    return NO_RESULT;
  }
  // An alarm due before the sleep ends interrupts it, as the SIGALRM would.
  const untilAlarmMs = p.alarmDeadlineMs ? p.alarmDeadlineMs - performance.now() : Infinity;
  if (untilAlarmMs * 1e6 < Number(wait)) {
    waitForAlarm(p);
    const left = wait - BigInt(Math.max(0, Math.floor(untilAlarmMs * 1e6)));
    if (remAddr && !(flags & TIMER_ABSTIME)) p.map.write(remAddr, timespec(left > 0n ? left : 0n));
    return -Errno.EINTR;
  }
  if (wait > 0n) sleepNs(wait);
  if (remAddr && !(flags & TIMER_ABSTIME)) p.map.write(remAddr, timespec(0n));
  return 0;
}

const ITIMER_REAL = 0;

/** Raise SIGALRM if the ITIMER_REAL deadline has passed (called between slices and before blocking). */
export function pollAlarm(p: UserProcess, now = performance.now()): void {
  if (p.alarmDeadlineMs === 0 || now < p.alarmDeadlineMs) return;
  p.alarmDeadlineMs = p.alarmIntervalMs > 0 ? now + p.alarmIntervalMs : 0;
  p.signals.raise({ signo: Sig.ALRM, code: SiCode.KERNEL, addr: 0n, pid: 0, uid: 0, synchronous: false });
}

/** Sleep until the alarm is due, if one is armed (nothing else can ever wake a lone thread). */
export function waitForAlarm(p: UserProcess): boolean {
  if (p.alarmDeadlineMs === 0) return false;
  sleepMs(Math.ceil(p.alarmDeadlineMs - performance.now()));
  pollAlarm(p, Math.max(performance.now(), p.alarmDeadlineMs));
  return true;
}

function itimerval(intervalMs: number, valueMs: number): Uint8Array {
  const out = new Uint8Array(32);
  const dv = new DataView(out.buffer);
  const put = (off: number, ms: number): void => {
    const us = Math.max(0, Math.round(ms * 1000));
    dv.setBigInt64(off, BigInt(Math.floor(us / 1e6)), true);
    dv.setBigInt64(off + 8, BigInt(us % 1e6), true);
  };
  put(0, intervalMs);
  put(16, valueMs);
  return out;
}

function doSetitimer(p: UserProcess): number {
  const which = p.argInt(0), newAddr = p.argNum(1), oldAddr = p.argNum(2);
  if (which < 0 || which > 2) return -Errno.EINVAL;
  const remaining = p.alarmDeadlineMs ? Math.max(0, p.alarmDeadlineMs - performance.now()) : 0;
  if (oldAddr !== 0 && !p.map.write(oldAddr, which === ITIMER_REAL ? itimerval(p.alarmIntervalMs, remaining) : new Uint8Array(32))) return -Errno.EFAULT;
  if (newAddr === 0 || which !== ITIMER_REAL) return 0; // virtual/profiling timers are accepted and never fire
  const raw = p.map.read(newAddr, 32);
  if (!raw) return -Errno.EFAULT;
  const dv = new DataView(raw.buffer);
  const ms = (off: number): number => Number(dv.getBigInt64(off, true)) * 1000 + Number(dv.getBigInt64(off + 8, true)) / 1000;
  const value = ms(16);
  p.alarmIntervalMs = ms(0);
  p.alarmDeadlineMs = value > 0 ? performance.now() + value : 0;
  return 0;
}

export function registerTimeSyscalls(t: SyscallTable): void {
  t.set(Sys.setitimer, doSetitimer);
  t.set(Sys.getitimer, (p) => {
    const remaining = p.alarmDeadlineMs ? Math.max(0, p.alarmDeadlineMs - performance.now()) : 0;
    const v = p.argInt(0) === ITIMER_REAL ? itimerval(p.alarmIntervalMs, remaining) : new Uint8Array(32);
    return p.map.write(p.argNum(1), v) ? 0 : -Errno.EFAULT;
  });
  t.set(Sys.clock_gettime, (p) => {
    const ns = clockNow(p.argInt(0));
    if (ns === null) return -Errno.EINVAL;
    return p.map.write(p.argNum(1), timespec(ns)) ? 0 : -Errno.EFAULT;
  });
  t.set(Sys.clock_getres, (p) => {
    if (clockNow(p.argInt(0)) === null) return -Errno.EINVAL;
    // Coarse clocks tick with the scheduler (4 ms at HZ=250); the others resolve 1 ns, as Linux reports.
    const coarse = p.argInt(0) === Clock.REALTIME_COARSE || p.argInt(0) === Clock.MONOTONIC_COARSE;
    if (p.argNum(1) === 0) return 0;
    return p.map.write(p.argNum(1), timespec(coarse ? 4_000_000n : 1n)) ? 0 : -Errno.EFAULT;
  });
  t.set(Sys.gettimeofday, (p) => {
    if (p.argNum(0) !== 0) {
      const ns = clockNow(Clock.REALTIME)!;
      const tv = new Uint8Array(16);
      const dv = new DataView(tv.buffer);
      dv.setBigInt64(0, ns / NS_PER_S, true);
      dv.setBigInt64(8, (ns % NS_PER_S) / 1000n, true);
      if (!p.map.write(p.argNum(0), tv)) return -Errno.EFAULT;
    }
    if (p.argNum(1) !== 0 && !p.map.write(p.argNum(1), new Uint8Array(8))) return -Errno.EFAULT;
    return 0;
  });
  t.set(Sys.nanosleep, (p) => doClockNanosleep(p, Clock.MONOTONIC, 0, p.argNum(0), p.argNum(1)));
  t.set(Sys.clock_nanosleep, (p) => doClockNanosleep(p, p.argInt(0), p.argInt(1), p.argNum(2), p.argNum(3)));
  t.set(Sys.times, (p) => {
    const u = process.cpuUsage();
    const ticks = (us: number): bigint => BigInt(Math.floor((us * CLOCK_TICKS_PER_SECOND) / 1e6));
    if (p.argNum(0) !== 0) {
      const tms = new Uint8Array(32);
      const dv = new DataView(tms.buffer);
      dv.setBigInt64(0, ticks(u.user), true);
      dv.setBigInt64(8, ticks(u.system), true);
      if (!p.map.write(p.argNum(0), tms)) return -Errno.EFAULT;
    }
    return ticks(process.uptime() * 1e6);
  });
  t.set(Sys.getrandom, (p) => {
    if (p.argInt(2) & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -Errno.EINVAL;
    const len = Math.min(p.argNum(1), GETRANDOM_MAX);
    const bytes = randomFillSync(new Uint8Array(len));
    return p.map.write(p.argNum(0), bytes) ? len : -Errno.EFAULT;
  });
}
