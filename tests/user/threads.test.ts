// Guest threads: clone(CLONE_THREAD), the round-robin scheduler, futex
// wait/wake/requeue/wake_op, timeouts on a fake clock, thread exit with
// clear_child_tid, tgkill interrupting a wait, and deadlock detection. The
// system calls run through the real table on a real process and CPU state,
// without translated code: each test plays the guest's part by setting
// registers and calling handlers, then calls the scheduler as the CPU loop would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { PageAllocator } from '../../src/memory/page-allocator.js';
import { Prot } from '../../src/memory/softmmu-api.js';
import { CPU_BASE } from '../../src/memory/layout.js';
import { Rv } from '../../src/target/riscv/cpu-layout.js';
import { Errno } from '../../src/user/errno.js';
import { GuestMemoryMap } from '../../src/user/guest-memory-map.js';
import { GuestRegisters, Reg } from '../../src/user/guest-registers.js';
import { HostPaths } from '../../src/user/host-paths.js';
import { Map_ } from '../../src/user/linux-mman.js';
import { ForkEmulation } from '../../src/user/fork-emulation.js';
import { NO_RESULT, UserProcess } from '../../src/user/process.js';
import { Sig } from '../../src/user/signals.js';
import { Sys } from '../../src/user/syscall-numbers.js';
import { buildSyscallTable } from '../../src/user/syscalls.js';
import { Clone, Futex } from '../../src/user/syscalls-threads.js';
import { DEADLOCK_EXIT_STATUS, ThreadGroup } from '../../src/user/threads.js';

const MAIN_TID = 1000;
const THREAD_FLAGS = Clone.VM | Clone.FS | Clone.FILES | Clone.SIGHAND | Clone.THREAD | Clone.SETTLS | Clone.PARENT_SETTID | Clone.CHILD_CLEARTID;

function setup() {
  const mem = new LinearMemory();
  const map = new GuestMemoryMap(mem, new PageAllocator(mem));
  const regs = new GuestRegisters(mem);
  let stderr = '';
  const p = new UserProcess(map, regs, {
    exePath: '/t', exeHostPath: '/t', paths: new HostPaths(null, '/t'), strace: null,
    stderrSink: (b) => (stderr += Buffer.from(b).toString()),
  });
  p.pid = MAIN_TID;
  const clock = { t: 0, now: () => clock.t, sleep: (ms: number) => (clock.t += ms) };
  p.threads = new ThreadGroup(MAIN_TID, clock);
  const table = buildSyscallTable();
  new ForkEmulation({ mem, flushTranslations: () => {}, inheritedArgs: () => [] }).register(table);
  const base = map.mmap(0, 65536, Prot.READ | Prot.WRITE, Map_.PRIVATE | Map_.ANONYMOUS);
  regs.pc = 0x10000;
  /** The call's result as a number (or NO_RESULT), also left in a0 as the dispatcher would. */
  const sys = (nr: number, ...args: (number | bigint)[]): number | typeof NO_RESULT => {
    args.forEach((a, i) => regs.setX(Reg.A0 + i, a));
    for (let i = args.length; i < 6; i++) regs.setX(Reg.A0 + i, 0);
    const result = table.get(nr)!(p);
    if (result !== NO_RESULT) regs.setX(Reg.A0, typeof result === 'bigint' ? result : BigInt(result));
    return result === NO_RESULT ? result : Number(result);
  };
  /** What the CPU loop does between slices. */
  const endSlice = (sliceEnded = false): boolean => (p.threads.wantsSwitch(sliceEnded) ? p.threads.schedule(p, () => {}) : true);
  return { p, regs, map, base, clock, sys, endSlice, stderr: () => stderr, mem: () => mem };
}

/** clone a thread with its stack at stack, tls and clear_child_tid word ctid; returns its tid. */
function spawn(t: ReturnType<typeof setup>, stack: number, tls: number, ctid = t.base + 0x200): number {
  return Number(t.sys(Sys.clone, THREAD_FLAGS, stack, t.base + 0x100, tls, ctid));
}

test('clone(CLONE_THREAD) starts a thread from the caller state with its own sp, tp, a0 = 0 and tid', () => {
  const t = setup();
  t.regs.setX(Reg.SP, 0x7000);
  t.regs.setX(5, 0x55n);
  t.regs.setF(3, 0x4008000000000000n);
  t.regs.fcsr = 0x61;
  const tid = spawn(t, t.base + 0x8000, 0x1234);
  assert.equal(tid, MAIN_TID + 1);
  assert.equal(t.regs.x(Reg.A0), BigInt(tid), 'the parent sees the tid');
  assert.equal(t.regs.x(Reg.SP), 0x7000n, 'the parent keeps its stack');
  assert.equal(t.map.readU32(t.base + 0x100), tid, 'CLONE_PARENT_SETTID');
  assert.equal(t.p.threads.liveCount, 2);
  assert.equal(Number(t.sys(Sys.gettid)), MAIN_TID);

  t.p.threads.yieldCurrent();
  t.regs.setX(5, 0x66n); // the parent's own change after clone stays the parent's
  assert.ok(t.endSlice());
  assert.equal(t.p.threads.current.tid, tid);
  assert.equal(t.regs.x(Reg.A0), 0n);
  assert.equal(t.regs.x(Reg.SP), BigInt(t.base + 0x8000));
  assert.equal(t.regs.x(Reg.TP), 0x1234n);
  assert.equal(t.regs.x(5), 0x55n);
  assert.equal(t.regs.f(3), 0x4008000000000000n);
  assert.equal(t.regs.fcsr, 0x61);
  assert.equal(t.regs.pc, 0x10000);
  assert.equal(Number(t.sys(Sys.gettid)), tid);
  assert.equal(Number(t.sys(Sys.getpid)), MAIN_TID, 'threads share the pid');

  // A slice ending switches back (round robin); the parent's registers come back and the reservation is dropped.
  t.mem().dv.setBigInt64(CPU_BASE + Rv.RES_ADDR, 0x5000n, true);
  assert.ok(t.endSlice(true));
  assert.equal(t.p.threads.current.tid, MAIN_TID);
  assert.equal(t.regs.x(5), 0x66n);
  assert.equal(t.mem().dv.getBigInt64(CPU_BASE + Rv.RES_ADDR, true), -1n);
});

test('CLONE_THREAD without CLONE_SIGHAND and CLONE_VM is EINVAL', () => {
  const t = setup();
  assert.equal(t.sys(Sys.clone, Clone.THREAD | Clone.VM, 0, 0, 0, 0), -Errno.EINVAL);
});

test('futex: a wait blocks until a wake, woken waiters see 0, a stale value is EAGAIN', () => {
  const t = setup();
  const word = t.base + 0x40;
  t.map.writeU32(word, 5);
  const child = spawn(t, t.base + 0x8000, 0);
  assert.equal(t.sys(Sys.futex, word, Futex.WAIT | Futex.PRIVATE, 4, 0), -Errno.EAGAIN);
  assert.equal(t.sys(Sys.futex, word, Futex.WAIT | Futex.PRIVATE, 5, 0), NO_RESULT);
  assert.ok(t.endSlice());
  assert.equal(t.p.threads.current.tid, child);
  // The main thread is blocked: the end of a slice keeps the child running.
  assert.ok(t.endSlice(true));
  assert.equal(t.p.threads.current.tid, child);
  assert.equal(t.sys(Sys.futex, word, Futex.WAKE | Futex.PRIVATE, 1), 1);
  assert.equal(t.sys(Sys.futex, word, Futex.WAKE | Futex.PRIVATE, 1), 0, 'nobody left to wake');
  assert.ok(t.endSlice(true));
  assert.equal(t.p.threads.current.tid, MAIN_TID);
  assert.equal(t.regs.x(Reg.A0), 0n, 'the wait returns 0 when woken');
});

test('futex: wakes go first come, first served, and WAKE_BITSET matches bits', () => {
  const t = setup();
  const word = t.base + 0x40;
  const a = spawn(t, t.base + 0x8000, 0), b = spawn(t, t.base + 0x9000, 0);
  // main waits (bitset 1), then a (bitset 2), then b (any).
  t.sys(Sys.futex, word, Futex.WAIT_BITSET, 0, 0, 0, 1);
  assert.ok(t.endSlice());
  assert.equal(t.p.threads.current.tid, a);
  t.sys(Sys.futex, word, Futex.WAIT_BITSET, 0, 0, 0, 2);
  assert.ok(t.endSlice());
  assert.equal(t.p.threads.current.tid, b);
  assert.equal(t.sys(Sys.futex, word, Futex.WAKE_BITSET, 10, 0, 0, 2), 1, 'only a has bit 2');
  assert.equal(t.sys(Sys.futex, word, Futex.WAKE_BITSET, 10, 0, 0, 0), -Errno.EINVAL);
  assert.ok(t.endSlice(true));
  assert.equal(t.p.threads.current.tid, a, 'round robin after b wraps to main (blocked), then a');
  assert.equal(t.sys(Sys.futex, word, Futex.WAKE, 10), 1);
  assert.ok(t.endSlice(true));
  assert.equal(t.p.threads.current.tid, b);
  assert.ok(t.endSlice(true));
  assert.equal(t.p.threads.current.tid, MAIN_TID);
});

test('futex: a timed wait ends with ETIMEDOUT on the clock, while nobody else can run the host sleeps', () => {
  const t = setup();
  const word = t.base + 0x40;
  const ts = t.base + 0x80;
  t.map.writeU64(ts, 0n);
  t.map.writeU64(ts + 8, 3_000_000n); // 3 ms, relative
  t.clock.t = 1000;
  assert.equal(t.sys(Sys.futex, word, Futex.WAIT, 0, ts), NO_RESULT);
  // The deadline is taken on the real host clock; the scheduler's clock is the fake one, so align them.
  const deadline = t.p.threads.current.wait!.deadlineMs;
  t.clock.t = deadline - 3;
  assert.ok(t.endSlice());
  assert.ok(t.clock.t >= deadline);
  assert.equal(t.regs.x(Reg.A0), BigInt.asUintN(64, BigInt(-Errno.ETIMEDOUT)));
});

test('futex: CMP_REQUEUE moves waiters, WAKE_OP changes the second word and wakes by its comparison', () => {
  const t = setup();
  const w1 = t.base + 0x40, w2 = t.base + 0x44;
  const a = spawn(t, t.base + 0x8000, 0);
  spawn(t, t.base + 0x9000, 0);
  t.sys(Sys.futex, w1, Futex.WAIT, 0, 0); // main
  t.endSlice();
  assert.equal(t.p.threads.current.tid, a);
  t.sys(Sys.futex, w1, Futex.WAIT, 0, 0); // a
  t.endSlice();
  t.map.writeU32(w1, 7);
  assert.equal(t.sys(Sys.futex, w1, Futex.CMP_REQUEUE, 0, 1, w2, 6), -Errno.EAGAIN, 'the value check fails');
  assert.equal(t.sys(Sys.futex, w1, Futex.CMP_REQUEUE, 0, 1, w2, 7), 1, 'main requeued to w2');
  assert.equal(t.sys(Sys.futex, w1, Futex.WAKE, 10), 1, 'a is still on w1');
  // WAKE_OP: op ADD 3, compare old == 0: w2 = 0 + 3, then wake on w1 (nobody) and on w2 (main).
  t.map.writeU32(w2, 0);
  const encoded = (1 << 28) | (0 << 24) | (3 << 12) | 0;
  assert.equal(t.sys(Sys.futex, w1, Futex.WAKE_OP, 1, 1, w2, encoded), 1);
  assert.equal(t.map.readU32(w2), 3);
  assert.equal(t.p.threads.describe().includes('futex'), false, 'nobody waits any more');
});

test('thread exit clears and wakes clear_child_tid; the last exit ends the process', () => {
  const t = setup();
  const ctid = t.base + 0x300;
  const tid = spawn(t, t.base + 0x8000, 0, ctid);
  t.map.writeU32(ctid, tid); // glibc's pd->tid, which pthread_join waits on
  t.sys(Sys.futex, ctid, Futex.WAIT, tid, 0);
  t.endSlice();
  assert.equal(t.p.threads.current.tid, tid);
  t.sys(Sys.exit, 0);
  assert.equal(t.p.finished, false);
  assert.equal(t.map.readU32(ctid), 0);
  assert.ok(t.endSlice());
  assert.equal(t.p.threads.current.tid, MAIN_TID);
  assert.equal(t.regs.x(Reg.A0), 0n, 'the joiner was woken');
  assert.equal(t.p.threads.liveCount, 1);
  t.sys(Sys.exit, 9);
  assert.equal(t.p.exitStatus, 9);
});

test('exit_group ends every thread', () => {
  const t = setup();
  spawn(t, t.base + 0x8000, 0);
  t.sys(Sys.exit_group, 4);
  assert.equal(t.p.exitStatus, 4);
});

test('tgkill to a waiting thread interrupts its wait with EINTR and leaves the signal for it', () => {
  const t = setup();
  const word = t.base + 0x40;
  const tid = spawn(t, t.base + 0x8000, 0);
  t.sys(Sys.futex, word, Futex.WAIT, 0, 0);
  t.endSlice();
  assert.equal(t.p.threads.current.tid, tid);
  assert.equal(t.sys(Sys.tgkill, MAIN_TID, MAIN_TID, Sig.USR1), 0);
  assert.equal(t.sys(Sys.tgkill, MAIN_TID, 4242, Sig.USR1), -Errno.ESRCH);
  assert.equal(t.p.signals.hasDeliverable(), false, 'the signal is not for the running thread');
  t.p.threads.yieldCurrent();
  t.endSlice();
  assert.equal(t.p.threads.current.tid, MAIN_TID);
  assert.equal(t.regs.x(Reg.A0), BigInt.asUintN(64, BigInt(-Errno.EINTR)));
  assert.equal(t.p.signals.takeDeliverable()?.signo, Sig.USR1);
});

test('a thread blocking a signal keeps it for another: the per-thread mask travels with the thread', () => {
  const t = setup();
  const set = t.base + 0x80;
  t.map.writeU64(set, 1n << BigInt(Sig.USR2 - 1));
  t.sys(Sys.rt_sigprocmask, 0, set, 0, 8); // main blocks SIGUSR2
  const tid = spawn(t, t.base + 0x8000, 0);
  t.sys(Sys.rt_sigprocmask, 1, set, 0, 8); // and unblocks it again after clone
  t.p.threads.yieldCurrent();
  t.endSlice();
  assert.equal(t.p.threads.current.tid, tid);
  assert.equal(t.p.signals.isBlocked(Sig.USR2), true, 'the thread inherited the mask at clone');
  t.p.threads.yieldCurrent();
  t.endSlice();
  assert.equal(t.p.signals.isBlocked(Sig.USR2), false);
});

test('nanosleep with another runnable thread lets it run; the sleeper returns 0 after its time', () => {
  const t = setup();
  const ts = t.base + 0x80;
  t.map.writeU64(ts, 0n);
  t.map.writeU64(ts + 8, 1_000_000n);
  const tid = spawn(t, t.base + 0x8000, 0);
  assert.equal(t.sys(Sys.nanosleep, ts, 0), NO_RESULT);
  t.endSlice();
  assert.equal(t.p.threads.current.tid, tid);
  assert.equal(t.sys(Sys.sched_yield), 0);
  t.clock.t = t.p.threads.find(MAIN_TID)!.wait!.deadlineMs;
  t.endSlice();
  assert.equal(t.p.threads.current.tid, MAIN_TID);
  assert.equal(t.regs.x(Reg.A0), 0n);
});

test('every thread blocked with nothing to wake them is a deadlock, reported and ended', () => {
  const t = setup();
  const word = t.base + 0x40;
  const tid = spawn(t, t.base + 0x8000, 0);
  t.sys(Sys.futex, word, Futex.WAIT, 0, 0);
  t.endSlice();
  t.sys(Sys.futex, word + 4, Futex.WAIT_BITSET | Futex.PRIVATE, 0, 0, 0, -1);
  assert.equal(t.endSlice(), false);
  assert.equal(t.p.exitStatus, DEADLOCK_EXIT_STATUS);
  assert.match(t.stderr(), /guest deadlock/);
  assert.match(t.stderr(), new RegExp(`tid ${MAIN_TID} futex wait on 0x${word.toString(16)}`));
  assert.match(t.stderr(), new RegExp(`tid ${tid} futex wait`));
});

test('fork from a threaded process: the child has only the calling thread', () => {
  const t = setup();
  spawn(t, t.base + 0x8000, 0);
  const child = t.p.threads.forkChild(5000);
  assert.equal(child.liveCount, 1);
  assert.equal(child.current.tid, 5000);
});

test('sched_getaffinity reports the host CPUs in an 8-byte mask', () => {
  const t = setup();
  const mask = t.base + 0x80;
  assert.equal(t.sys(Sys.sched_getaffinity, 0, 4, mask), -Errno.EINVAL);
  assert.equal(t.sys(Sys.sched_getaffinity, 0, 128, mask), 8);
  const bits = t.map.readU64(mask)!;
  assert.ok(bits > 0n);
  assert.equal(bits & (bits + 1n), 0n, 'CPUs 0..n-1');
});
