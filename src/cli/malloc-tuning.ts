// glibc's malloc, told to keep the memory it frees: wemu-system-riscv64 runs
// itself again under GLIBC_TUNABLES when it was started without them.
//
// Why: V8's optimizing compilers allocate their working memory (zones) with
// malloc and free it after every compile, and glibc hands freed memory back
// to the kernel (trimming the heap, unmapping large blocks), so the next
// compile faults it in again, page by page. On these VMs a page fault costs
// ~12 us (touching 200 MB of fresh memory: 600 ms). A Linux boot took ~180K
// page faults; with freed memory kept, ~108K. Interleaved boots, prompt s /
// process CPU s, without / with the trim threshold: 12.26 / 18.01 and 11.38 /
// 16.29 (medians of 4 pairs; every pair was faster with). (A larger
// mmap_threshold beside it made no difference that showed.)
//
// The same second process gets a smaller V8 worker pool (node's
// --v8-pool-size, through NODE_OPTIONS): Node starts 4 worker threads for
// V8's background work (Wasm compiles, TurboFan, concurrent GC), and on a
// 2-core machine they took the main thread's core from it. With one core
// left to the main thread (pool = cores - 1, 1 here), interleaved boots,
// prompt s / main-thread CPU s, default / pool 1: 6.11 / 5.18 and 5.32 /
// 5.28 (3 pairs), 6.15 / 5.26 and 5.42 / 5.39 (4 pairs): the same work, with
// the main thread no longer waiting for a core.
//
// The tunables only exist at process start, hence the second process. It
// gets the same arguments, stdio and node flags; the first forwards SIGTERM
// and SIGHUP to it and exits as it does. If the first dies anyway (SIGKILL),
// the second sees the pipe between them close and stops as on SIGTERM.

import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { availableParallelism, constants } from 'node:os';

/**
 * Keep up to 1 GiB of freed heap instead of returning it (glibc's default:
 * 128 KiB); and ask for transparent huge pages on what malloc maps
 * (hugetlb=1: madvise(MADV_HUGEPAGE), which is what this kernel's THP mode,
 * "madvise", waits for). The ArrayBuffers behind the emulator's tables come
 * from malloc; the boot's main thread took 48.3-48.8K page faults without it
 * and 42.5-42.9K with it (perf record -e page-faults, two boots each), ~60 ms
 * at ~10 us a fault. (Guest RAM and V8's heap are mapped by V8 itself: no
 * tunable reaches them.)
 */
export const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=1073741824:glibc.malloc.hugetlb=1';
/** Set in the second process (to the first's pid): never run a third. */
const TUNED_MARK = 'WEMU_MALLOC_TUNED';
/** The second process's end of the pipe whose closing means the first is gone. */
const PARENT_FD = 3;

/** V8's worker threads: all cores but the main thread's, at least 1, at most node's default of 4. */
export function v8PoolSize(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores - 1));
}

/**
 * env with the tunables and the pool size added (a pool size already in
 * NODE_OPTIONS is kept), for a launcher that starts wemu-system-riscv64
 * itself (the boot bench). `watcher`: the pid of a first process that passes
 * the pipe (runUnderMallocTunables); 0, no pipe to watch.
 */
export function mallocTunedEnv(env: NodeJS.ProcessEnv, watcher = 0): NodeJS.ProcessEnv {
  const tunables = env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${MALLOC_TUNABLES}` : MALLOC_TUNABLES;
  const nodeOptions = env.NODE_OPTIONS ?? '';
  const pool = /--v8-pool-size\b/.test(nodeOptions) ? nodeOptions : `${nodeOptions} --v8-pool-size=${v8PoolSize()}`.trim();
  return { ...env, GLIBC_TUNABLES: tunables, NODE_OPTIONS: pool, [TUNED_MARK]: String(watcher) };
}

/**
 * In the first process (Linux, no tunables yet): start the second and resolve
 * with the exit status to leave with. Otherwise null: run here. In the second
 * process, also arms the parent watch.
 */
export function runUnderMallocTunables(): Promise<number> | null {
  if (process.platform !== 'linux' || process.env.WEMU_NO_MALLOC_TUNING) return null;
  const mark = process.env[TUNED_MARK];
  if (mark) {
    // Only a second process started by runUnderMallocTunables, its first still its parent, has the pipe.
    if (Number(mark) !== 0 && Number(mark) === process.ppid) watchParent();
    return null;
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
      env: mallocTunedEnv(process.env, process.pid),
    });
    const forward = (sig: NodeJS.Signals) => () => { child.kill(sig); };
    const handlers: [NodeJS.Signals, () => void][] = [['SIGTERM', forward('SIGTERM')], ['SIGHUP', forward('SIGHUP')], ['SIGINT', () => {}]];
    // SIGINT reaches both from the terminal; the second one decides what it means.
    for (const [sig, h] of handlers) process.on(sig, h);
    child.on('error', (e) => {
      process.stderr.write(`wemu-system-riscv64: cannot start under GLIBC_TUNABLES (${e.message}); running without\n`);
      for (const [sig, h] of handlers) process.off(sig, h);
      resolve(-1);
    });
    child.on('exit', (code, signal) => {
      for (const [sig, h] of handlers) process.off(sig, h);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

function watchParent(): void {
  let pipe: Socket;
  try {
    pipe = new Socket({ fd: PARENT_FD, readable: true, writable: false });
  } catch {
    return; // no pipe after all: nothing to watch
  }
  pipe.on('error', () => {});
  pipe.on('close', () => process.kill(process.pid, 'SIGTERM'));
  pipe.unref();
}
