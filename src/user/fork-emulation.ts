// fork, execve and wait4 without host processes of our own making.
//
// Node cannot fork, so an emulated fork runs the child first, in place: the
// parent's state (the whole linear memory, the memory map, fds, signals) is
// saved, the child runs until it exits or calls execve, and then the parent
// is restored and sees fork return the child's pid, with the child already a
// zombie for wait4. execve starts a fresh wemu-riscv64 process for the new
// program and waits for it (spawnSync), passing stdin/stdout/stderr as host
// fds, or through buffers when they are our in-memory pipes.
//
// This covers the fork-exec-wait pattern of shells, system() and make, and
// pipelines whose stages fit in memory. It cannot give concurrency: a child
// waiting for its parent (or a sibling still to come) would wait forever.

import { spawnSync, StdioOptions } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinearMemory } from '../memory/linear-memory.js';
import { EM_RISCV } from './elf.js';
import { Errno, hostErrorToErrno } from './errno.js';
import { FdTable, OpenFile } from './fd-table.js';
import { MapSnapshot } from './guest-memory-map.js';
import { Reg } from './guest-registers.js';
import { NO_RESULT, SyscallResult, SyscallTable, UserProcess } from './process.js';
import { Sig, SiCode, SignalState } from './signals.js';
import { Sys } from './syscall-numbers.js';
import { resolveAt } from './syscalls-fs.js';
import { Clone, cloneThread } from './syscalls-threads.js';
import { ThreadGroup } from './threads.js';

const CSIGNAL = 0xff;
const WNOHANG = 1;
/** Emulated children get pids from here up: clear of the host's own low pids. */
const FIRST_CHILD_PID_OFFSET = 100000;
/** Largest output captured from an exec'd program writing into one of our pipes. */
const MAX_CAPTURE = 1 << 30;
/** Longest argv/envp list read from guest memory. */
const MAX_EXEC_STRINGS = 65536;

interface SavedParent {
  memory: Uint8Array;
  map: MapSnapshot;
  fds: FdTable;
  signals: SignalState;
  pid: number;
  ppid: number;
  threads: ThreadGroup;
  childPid: number;
}

interface Zombie {
  pid: number;
  /** The wait status word: exit code << 8, or the signal number (| 0x80 for a core dump). */
  status: number;
}

/** The hooks user mode gives: the linear memory, and how to drop every translation after a restore. */
export interface ForkHost {
  readonly mem: LinearMemory;
  flushTranslations(): void;
  /** Command-line options an exec'd wemu-riscv64 should inherit (-L, -strace). */
  inheritedArgs(): string[];
}

export class ForkEmulation {
  private readonly saved: SavedParent[] = [];
  private readonly zombies: Zombie[] = [];
  private nextPid = process.pid + FIRST_CHILD_PID_OFFSET;

  constructor(private readonly host: ForkHost) {}

  get inChild(): boolean {
    return this.saved.length > 0;
  }

  register(t: SyscallTable): void {
    t.set(Sys.clone, (p) => this.clone(p));
    t.set(Sys.clone3, () => -Errno.ENOSYS); // glibc falls back to clone
    t.set(Sys.execve, (p) => this.execve(p));
    t.set(Sys.wait4, (p) => this.wait4(p));
  }

  private clone(p: UserProcess): SyscallResult {
    const flags = p.argInt(0);
    if (flags & Clone.THREAD) return cloneThread(p);
    if ((flags & CSIGNAL) !== Sig.CHLD && (flags & CSIGNAL) !== 0) return -Errno.EINVAL;
    const childPid = this.nextPid++;
    const childSp = p.argNum(1);
    this.saved.push({
      memory: this.host.mem.u8.slice(),
      map: p.map.snapshot(),
      fds: p.fds,
      signals: p.signals,
      pid: p.pid,
      ppid: p.ppid,
      threads: p.threads,
      childPid,
    });
    if (flags & Clone.PARENT_SETTID) p.map.writeU32(p.argNum(2), childPid);
    p.fds = p.fds.forkCopy();
    p.signals = p.signals.forkCopy();
    p.ppid = p.pid;
    p.pid = childPid;
    // Only the calling thread continues in the child (POSIX).
    p.threads = p.threads.forkChild(childPid);
    if (flags & Clone.CHILD_SETTID) p.map.writeU32(p.argNum(4), childPid);
    if (childSp !== 0) p.regs.setX(Reg.SP, childSp);
    return 0; // the child's view; the parent gets childPid when the child is done
  }

  /**
   * The emulated child has exited (or was killed): reap it into a zombie and
   * bring the parent back. Returns false when no child was running (the real
   * process is what ended).
   */
  finishChild(p: UserProcess): boolean {
    const parent = this.saved.pop();
    if (!parent) return false;
    const status = p.killedBySignal !== null ? p.killedBySignal : ((p.exitStatus ?? 0) & 0xff) << 8;
    p.fds.closeAll();
    this.host.mem.u8.set(parent.memory.subarray(0, Math.min(parent.memory.length, this.host.mem.byteLength)));
    p.map.restore(parent.map);
    this.host.flushTranslations();
    p.fds = parent.fds;
    p.signals = parent.signals;
    p.pid = parent.pid;
    p.ppid = parent.ppid;
    p.threads = parent.threads;
    p.exitStatus = null;
    p.killedBySignal = null;
    this.zombies.push({ pid: parent.childPid, status });
    // The restored registers are those of the parent's ecall, pc already past it.
    p.regs.setX(Reg.A0, parent.childPid);
    p.signals.raise({ signo: Sig.CHLD, code: SiCode.USER, addr: 0n, pid: parent.childPid, uid: 0, synchronous: false });
    return true;
  }

  private wait4(p: UserProcess): SyscallResult {
    const want = p.argInt(0), statusAddr = p.argNum(1), options = p.argInt(2);
    const i = this.zombies.findIndex((z) => want <= 0 || want === -1 || z.pid === want);
    if (i < 0) {
      // Every child ran to completion at fork: none can still be running.
      return options & WNOHANG && this.zombies.length > 0 ? 0 : -Errno.ECHILD;
    }
    const z = this.zombies.splice(i, 1)[0]!;
    if (statusAddr !== 0 && !p.map.writeU32(statusAddr, z.status)) return -Errno.EFAULT;
    if (p.argNum(3) !== 0) p.map.write(p.argNum(3), new Uint8Array(144)); // rusage: nothing measured
    return z.pid;
  }

  private readStringList(p: UserProcess, addr: number): string[] | null {
    const out: string[] = [];
    if (addr === 0) return out;
    for (let i = 0; i < MAX_EXEC_STRINGS; i++) {
      const ptr = p.map.readU64(addr + i * 8);
      if (ptr === null) return null;
      if (ptr === 0n) return out;
      const s = p.map.readCString(Number(ptr), 131072);
      if (s === null) return null;
      out.push(s);
    }
    return null;
  }

  private execve(p: UserProcess): SyscallResult {
    const guestPath = p.argString(0);
    const hostPath = resolveAt(p, -100, guestPath);
    if (typeof hostPath === 'number') return hostPath;
    const argv = this.readStringList(p, p.argNum(1));
    const envp = this.readStringList(p, p.argNum(2));
    if (!argv || !envp) return -Errno.EFAULT;
    if (!fsExists(hostPath)) return -Errno.ENOENT;

    const stdio: StdioOptions = [];
    let input: Buffer | undefined;
    const captures: (OpenFile | null)[] = [null, null, null];
    for (let fd = 0; fd < 3; fd++) {
      const file = p.fds.get(fd);
      if (!file) stdio.push('ignore');
      else if (file.kind === 'host') stdio.push(file.hostFd);
      else if (fd === 0 && file.readEnd) {
        stdio.push('pipe');
        input = Buffer.concat(file.pipe.chunks.splice(0));
      } else if (fd > 0 && !file.readEnd) {
        stdio.push('pipe');
        captures[fd] = file;
      } else stdio.push('ignore');
    }
    const env: Record<string, string> = {};
    for (const e of envp) {
      const eq = e.indexOf('=');
      if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
    }
    // RISC-V programs run under a new wemu-riscv64; anything else (host
    // programs, scripts) runs natively, as the host kernel would run it for qemu-user.
    const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'wemu-riscv64');
    const [file, args] = isRiscvElf(hostPath)
      ? [process.execPath, [cli, ...this.host.inheritedArgs(), '-0', argv[0] ?? hostPath, hostPath, ...argv.slice(1)]]
      : [hostPath, argv.slice(1)];
    const r = spawnSync(file, args, { stdio, env, input, maxBuffer: MAX_CAPTURE, argv0: argv[0] });
    if (r.error) return hostErrorToErrno(r.error);
    for (const [fd, file] of captures.entries()) {
      const data = fd === 1 ? r.stdout : fd === 2 ? r.stderr : null;
      if (file && file.kind === 'pipe' && data && data.length > 0) file.pipe.chunks.push(new Uint8Array(data));
    }
    // The exec'd program's end is this process's end.
    if (r.signal) p.killedBySignal = os.constants.signals[r.signal] ?? Sig.KILL;
    else p.exitStatus = r.status ?? 0;
    return NO_RESULT;
  }
}

function isRiscvElf(hostPath: string): boolean {
  const head = new Uint8Array(20);
  let fd = -1;
  try {
    fd = openSync(hostPath, 'r');
    if (readSync(fd, head, 0, 20, 0) < 20) return false;
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46 && (head[18]! | (head[19]! << 8)) === EM_RISCV;
}

function fsExists(hostPath: string): boolean {
  try {
    return statSync(hostPath).isFile();
  } catch {
    return false;
  }
}
