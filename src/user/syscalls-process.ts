// Process and system information calls: ids, uname, limits, sysinfo, prctl,
// and the calls qemu 7.2 leaves unimplemented (rseq, riscv_hwprobe). Exit,
// futex, affinity and the other thread calls are in syscalls-threads.ts.

import * as os from 'node:os';
import { Errno } from './errno.js';
import { FD_LIMIT } from './fd-table.js';
import { SyscallTable, UserProcess } from './process.js';
import { Sys } from './syscall-numbers.js';

const UTS_FIELD = 65;
const RLIM_INFINITY = (1n << 64n) - 1n;
/** The guest's stack limit: the 8 MiB stack we map (and Linux's default). */
const STACK_LIMIT = 8n << 20n;
const Rlimit = { CPU: 0, FSIZE: 1, DATA: 2, STACK: 3, CORE: 4, RSS: 5, NPROC: 6, NOFILE: 7, MEMLOCK: 8, AS: 9, NLIMITS: 16 } as const;
/** Linux's hard NOFILE limit default. */
const NOFILE_HARD = 1n << 20n;
const Prctl = { SET_PDEATHSIG: 1, GET_PDEATHSIG: 2, GET_DUMPABLE: 3, SET_DUMPABLE: 4, SET_NAME: 15, GET_NAME: 16 } as const;

function utsname(): Uint8Array {
  const out = new Uint8Array(UTS_FIELD * 6);
  const fields = ['Linux', os.hostname(), os.release(), os.version(), 'riscv64', '(none)'];
  fields.forEach((f, i) => out.set(Buffer.from(f, 'utf8').subarray(0, UTS_FIELD - 1), i * UTS_FIELD));
  return out;
}

export function rlimitOf(resource: number): [bigint, bigint] | null {
  if (resource < 0 || resource >= Rlimit.NLIMITS) return null;
  switch (resource) {
    case Rlimit.STACK: return [STACK_LIMIT, RLIM_INFINITY];
    case Rlimit.NOFILE: return [BigInt(FD_LIMIT), NOFILE_HARD];
    case Rlimit.CORE: return [0n, RLIM_INFINITY];
    default: return [RLIM_INFINITY, RLIM_INFINITY];
  }
}

function writeRlimit(p: UserProcess, addr: number, resource: number): number {
  const lim = rlimitOf(resource);
  if (!lim) return -Errno.EINVAL;
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, lim[0], true);
  dv.setBigUint64(8, lim[1], true);
  return p.map.write(addr, out) ? 0 : -Errno.EFAULT;
}

function sysinfo(): Uint8Array {
  const out = new Uint8Array(112);
  const dv = new DataView(out.buffer);
  dv.setBigInt64(0, BigInt(Math.floor(os.uptime())), true);
  // Load averages are fixed point with 16 fraction bits (SI_LOAD_SHIFT).
  os.loadavg().forEach((l, i) => dv.setBigUint64(8 + i * 8, BigInt(Math.round(l * 65536)), true));
  dv.setBigUint64(32, BigInt(os.totalmem()), true);
  dv.setBigUint64(40, BigInt(os.freemem()), true);
  dv.setUint16(80, 1, true);
  dv.setUint32(104, 1, true); // mem_unit: sizes are in bytes
  return out;
}

function doPrctl(p: UserProcess): number {
  switch (p.argInt(0)) {
    case Prctl.SET_NAME: return 0;
    case Prctl.GET_NAME: {
      const name = Buffer.alloc(16);
      Buffer.from('wemu-guest').copy(name);
      return p.map.write(p.argNum(1), name) ? 0 : -Errno.EFAULT;
    }
    case Prctl.GET_DUMPABLE: return 1;
    case Prctl.SET_DUMPABLE: case Prctl.SET_PDEATHSIG: return 0;
    case Prctl.GET_PDEATHSIG: return p.map.writeU32(p.argNum(1), 0) ? 0 : -Errno.EFAULT;
    default: return -Errno.EINVAL;
  }
}

export function registerProcessSyscalls(t: SyscallTable): void {
  t.set(Sys.getpid, (p) => p.pid);
  t.set(Sys.getppid, (p) => p.ppid);
  t.set(Sys.getpgid, (p) => p.pid);
  t.set(Sys.getsid, (p) => p.pid);
  t.set(Sys.setpgid, () => 0);
  t.set(Sys.setsid, () => -Errno.EPERM);
  const uid = () => process.getuid?.() ?? 0;
  const gid = () => process.getgid?.() ?? 0;
  t.set(Sys.getuid, uid);
  t.set(Sys.geteuid, () => process.geteuid?.() ?? 0);
  t.set(Sys.getgid, gid);
  t.set(Sys.getegid, () => process.getegid?.() ?? 0);
  t.set(Sys.getresuid, (p) => writeIds(p, uid()));
  t.set(Sys.getresgid, (p) => writeIds(p, gid()));
  t.set(Sys.getgroups, () => 0);
  t.set(Sys.uname, (p) => (p.map.write(p.argNum(0), utsname()) ? 0 : -Errno.EFAULT));
  t.set(Sys.getrlimit, (p) => writeRlimit(p, p.argNum(1), p.argInt(0)));
  t.set(Sys.setrlimit, (p) => (rlimitOf(p.argInt(0)) ? 0 : -Errno.EINVAL));
  t.set(Sys.prlimit64, (p) => {
    const pid = p.argInt(0);
    if (pid !== 0 && pid !== p.pid) return -Errno.ESRCH;
    if (!rlimitOf(p.argInt(1))) return -Errno.EINVAL;
    return p.argNum(3) !== 0 ? writeRlimit(p, p.argNum(3), p.argInt(1)) : 0;
  });
  t.set(Sys.getrusage, (p) => {
    const u = process.cpuUsage();
    const out = new Uint8Array(144);
    const dv = new DataView(out.buffer);
    dv.setBigInt64(0, BigInt(Math.floor(u.user / 1e6)), true);
    dv.setBigInt64(8, BigInt(u.user % 1e6), true);
    dv.setBigInt64(16, BigInt(Math.floor(u.system / 1e6)), true);
    dv.setBigInt64(24, BigInt(u.system % 1e6), true);
    dv.setBigInt64(32, BigInt(Math.floor(process.memoryUsage.rss() / 1024)), true); // ru_maxrss in KiB
    return p.map.write(p.argNum(1), out) ? 0 : -Errno.EFAULT;
  });
  t.set(Sys.sysinfo, (p) => (p.map.write(p.argNum(0), sysinfo()) ? 0 : -Errno.EFAULT));
  t.set(Sys.getpriority, () => 20); // the raw syscall returns 20 - nice
  t.set(Sys.setpriority, () => 0);
  t.set(Sys.prctl, doPrctl);
  t.set(Sys.riscv_flush_icache, () => 0); // stores to code already invalidate translations
  // qemu-riscv64 7.2 does not implement these; glibc falls back without them.
  t.set(Sys.rseq, () => -Errno.ENOSYS);
  t.set(Sys.riscv_hwprobe, () => -Errno.ENOSYS);
}

function writeIds(p: UserProcess, id: number): number {
  for (let i = 0; i < 3; i++) if (!p.map.writeU32(p.argNum(i), id)) return -Errno.EFAULT;
  return 0;
}
