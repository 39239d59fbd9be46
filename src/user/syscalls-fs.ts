// System calls on paths and directories: stat family, getdents64, readlinkat,
// access, mkdir, unlink, rename, links, chmod, cwd.

import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { Errno, hostErrorToErrno } from './errno.js';
import { DirEntry, OpenFile } from './fd-table.js';
import { SyscallTable, UserProcess } from './process.js';
import { encodeStat, encodeStatx, StatSource } from './stat-layout.js';
import { Sys } from './syscall-numbers.js';

export const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_REMOVEDIR = 0x200;
const AT_SYMLINK_FOLLOW = 0x400;
const AT_EMPTY_PATH = 0x1000;
const RENAME_NOREPLACE = 1;
const S_IFIFO = 0o010000;

/** The host path for (dirfd, guest path), or -errno. */
export function resolveAt(p: UserProcess, dirfd: number, guestPath: string | null): string | number {
  if (guestPath === null) return -Errno.EFAULT;
  if (guestPath === '') return -Errno.ENOENT;
  if (guestPath.startsWith('/') || dirfd === AT_FDCWD) return p.paths.resolve(guestPath, null);
  const dir = p.fds.get(dirfd);
  if (!dir) return -Errno.EBADF;
  if (dir.kind !== 'host' || dir.hostPath === '') return -Errno.ENOTDIR;
  return p.paths.resolve(guestPath, dir.hostPath);
}

function hostCall(fn: () => void): number {
  try {
    fn();
    return 0;
  } catch (e) {
    return hostErrorToErrno(e);
  }
}

/** A stat of an in-memory pipe: a FIFO owned by us. */
function pipeStat(): StatSource {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    dev: 0xcn, ino: 1n, mode: BigInt(S_IFIFO | 0o600), nlink: 1n, uid: BigInt(process.getuid?.() ?? 0), gid: BigInt(process.getgid?.() ?? 0),
    rdev: 0n, size: 0n, blksize: 4096n, blocks: 0n, atimeNs: now, mtimeNs: now, ctimeNs: now, birthtimeNs: now,
  };
}

function statFile(file: OpenFile): StatSource | number {
  if (file.kind === 'pipe') return pipeStat();
  try {
    return fs.fstatSync(file.hostFd, { bigint: true });
  } catch (e) {
    return hostErrorToErrno(e);
  }
}

/** Shared by fstat, newfstatat and statx: stat (dirfd, path, flags). */
function statAt(p: UserProcess, dirfd: number, pathAddr: number, flags: number): StatSource | number {
  const guestPath = p.map.readCString(pathAddr, 4096);
  if (guestPath === null) return -Errno.EFAULT;
  if (guestPath === '' && flags & AT_EMPTY_PATH) {
    if (dirfd === AT_FDCWD) return statPath('.', false);
    const file = p.fds.get(dirfd);
    return file ? statFile(file) : -Errno.EBADF;
  }
  const host = resolveAt(p, dirfd, guestPath);
  if (typeof host === 'number') return host;
  return statPath(host, (flags & AT_SYMLINK_NOFOLLOW) !== 0);
}

function statPath(host: string, noFollow: boolean): StatSource | number {
  try {
    return noFollow ? fs.lstatSync(host, { bigint: true }) : fs.statSync(host, { bigint: true });
  } catch (e) {
    return hostErrorToErrno(e);
  }
}

function putStat(p: UserProcess, st: StatSource | number, addr: number): number {
  if (typeof st === 'number') return st;
  return p.map.write(addr, encodeStat(st)) ? 0 : -Errno.EFAULT;
}

function direntType(d: fs.Dirent): number {
  if (d.isFIFO()) return 1;
  if (d.isCharacterDevice()) return 2;
  if (d.isDirectory()) return 4;
  if (d.isBlockDevice()) return 6;
  if (d.isFile()) return 8;
  if (d.isSymbolicLink()) return 10;
  if (d.isSocket()) return 12;
  return 0;
}

function listDirectory(dir: string): DirEntry[] {
  const inode = (name: string): bigint => {
    try {
      return fs.lstatSync(nodePath.join(dir, name), { bigint: true }).ino;
    } catch {
      return 0n;
    }
  };
  const entries: DirEntry[] = [
    { name: '.', type: 4, ino: inode('.') },
    { name: '..', type: 4, ino: inode('..') },
  ];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) entries.push({ name: d.name, type: direntType(d), ino: inode(d.name) });
  return entries;
}

/** struct linux_dirent64 records, as many as fit in count bytes. */
function doGetdents64(p: UserProcess, fd: number, addr: number, count: number): number {
  const file = p.fds.get(fd);
  if (!file) return -Errno.EBADF;
  if (file.kind !== 'host' || file.hostPath === '') return -Errno.ENOTDIR;
  if (file.dirEntries === null) {
    try {
      file.dirEntries = listDirectory(file.hostPath);
    } catch (e) {
      return hostErrorToErrno(e);
    }
  }
  const out = new Uint8Array(Math.min(count, 1 << 20));
  const dv = new DataView(out.buffer);
  let used = 0;
  while (file.dirPos < file.dirEntries.length) {
    const e = file.dirEntries[file.dirPos]!;
    const name = Buffer.from(e.name, 'utf8');
    const reclen = (19 + name.length + 1 + 7) & ~7; // header 19 bytes, name, NUL, 8-byte aligned
    if (used + reclen > out.length) {
      if (used === 0) return -Errno.EINVAL;
      break;
    }
    dv.setBigUint64(used, e.ino, true);
    dv.setBigInt64(used + 8, BigInt(file.dirPos + 1), true);
    dv.setUint16(used + 16, reclen, true);
    out[used + 18] = e.type;
    out.set(name, used + 19);
    used += reclen;
    file.dirPos++;
  }
  return p.map.write(addr, out.subarray(0, used)) ? used : -Errno.EFAULT;
}

function doReadlinkat(p: UserProcess, dirfd: number, pathAddr: number, buf: number, size: number): number {
  if (size <= 0) return -Errno.EINVAL;
  const guestPath = p.map.readCString(pathAddr, 4096);
  if (guestPath === null) return -Errno.EFAULT;
  let target: string;
  if (guestPath === '/proc/self/exe' || guestPath === `/proc/${p.pid}/exe`) {
    target = nodePath.resolve(p.paths.exeHostPath);
  } else {
    const host = resolveAt(p, dirfd, guestPath);
    if (typeof host === 'number') return host;
    try {
      target = fs.readlinkSync(host);
    } catch (e) {
      return hostErrorToErrno(e);
    }
  }
  const bytes = Buffer.from(target, 'utf8').subarray(0, size);
  return p.map.write(buf, bytes) ? bytes.length : -Errno.EFAULT;
}

function doAccess(p: UserProcess, dirfd: number, pathAddr: number, mode: number): number {
  const host = resolveAt(p, dirfd, p.map.readCString(pathAddr, 4096));
  if (typeof host === 'number') return host;
  if (mode & ~7) return -Errno.EINVAL;
  return hostCall(() => fs.accessSync(host, mode));
}

function doUnlinkat(p: UserProcess, dirfd: number, pathAddr: number, flags: number): number {
  const host = resolveAt(p, dirfd, p.map.readCString(pathAddr, 4096));
  if (typeof host === 'number') return host;
  return hostCall(() => (flags & AT_REMOVEDIR ? fs.rmdirSync(host) : fs.unlinkSync(host)));
}

function doRenameat2(p: UserProcess): number {
  const from = resolveAt(p, p.argInt(0), p.argString(1));
  const to = resolveAt(p, p.argInt(2), p.argString(3));
  const flags = p.argInt(4);
  if (typeof from === 'number') return from;
  if (typeof to === 'number') return to;
  if (flags & ~RENAME_NOREPLACE) return -Errno.EINVAL;
  if (flags & RENAME_NOREPLACE && fs.existsSync(to)) return -Errno.EEXIST;
  return hostCall(() => fs.renameSync(from, to));
}

function doGetcwd(p: UserProcess, buf: number, size: number): number {
  const cwd = Buffer.from(process.cwd() + '\0', 'utf8');
  if (cwd.length > size) return -Errno.ERANGE;
  return p.map.write(buf, cwd) ? cwd.length : -Errno.EFAULT;
}

/** struct statfs (asm-generic, 64-bit words): 120 bytes. */
function encodeStatfs(host: string): Uint8Array | number {
  let st: fs.BigIntStatsFs;
  try {
    st = fs.statfsSync(host, { bigint: true });
  } catch (e) {
    return hostErrorToErrno(e);
  }
  const out = new Uint8Array(120);
  const dv = new DataView(out.buffer);
  const words = [st.type, st.bsize, st.blocks, st.bfree, st.bavail, st.files, st.ffree];
  words.forEach((w, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, w), true));
  dv.setBigUint64(64, 255n, true); // f_namelen: Node does not report it; 255 is every common filesystem's
  dv.setBigUint64(72, BigInt.asUintN(64, st.bsize), true); // f_frsize
  return out;
}

const UTIME_NOW = (1 << 30) - 1;
const UTIME_OMIT = (1 << 30) - 2;

/** utimensat: times in seconds for Node, with UTIME_NOW / UTIME_OMIT resolved. */
function doUtimensat(p: UserProcess): number {
  const dirfd = p.argInt(0), pathAddr = p.argNum(1), timesAddr = p.argNum(2), flags = p.argInt(3);
  let target: { path: string } | { fd: number };
  if (pathAddr === 0) {
    const file = p.fds.get(dirfd);
    if (!file) return -Errno.EBADF;
    if (file.kind !== 'host') return -Errno.EINVAL;
    target = { fd: file.hostFd };
  } else {
    const host = resolveAt(p, dirfd, p.map.readCString(pathAddr, 4096));
    if (typeof host === 'number') return host;
    target = { path: host };
  }
  const now = Date.now() / 1000;
  let times: [number, number] = [now, now];
  if (timesAddr !== 0) {
    const raw = p.map.read(timesAddr, 32);
    if (!raw) return -Errno.EFAULT;
    const dv = new DataView(raw.buffer);
    const current = (): fs.Stats => ('fd' in target ? fs.fstatSync(target.fd) : fs.statSync(target.path));
    times = [0, 1].map((i) => {
      const sec = Number(dv.getBigInt64(i * 16, true)), nsec = Number(dv.getBigInt64(i * 16 + 8, true));
      if (nsec === UTIME_NOW) return now;
      if (nsec === UTIME_OMIT) return (i === 0 ? current().atimeMs : current().mtimeMs) / 1000;
      return sec + nsec / 1e9;
    }) as [number, number];
  }
  return hostCall(() => {
    if ('fd' in target) fs.futimesSync(target.fd, times[0], times[1]);
    else if (flags & AT_SYMLINK_NOFOLLOW) fs.lutimesSync(target.path, times[0], times[1]);
    else fs.utimesSync(target.path, times[0], times[1]);
  });
}

export function registerFsSyscalls(t: SyscallTable): void {
  t.set(Sys.utimensat, doUtimensat);
  t.set(Sys.statfs, (p) => {
    const host = resolveAt(p, AT_FDCWD, p.argString(0));
    if (typeof host === 'number') return host;
    const buf = encodeStatfs(host);
    return typeof buf === 'number' ? buf : p.map.write(p.argNum(1), buf) ? 0 : -Errno.EFAULT;
  });
  t.set(Sys.fstatfs, (p) => {
    const file = p.fds.get(p.argInt(0));
    if (!file) return -Errno.EBADF;
    // Node has no fstatfs: ask about the path the fd was opened by (inherited fds: the root).
    const buf = encodeStatfs(file.kind === 'host' && file.hostPath !== '' ? file.hostPath : '/');
    return typeof buf === 'number' ? buf : p.map.write(p.argNum(1), buf) ? 0 : -Errno.EFAULT;
  });
  t.set(Sys.fstat, (p) => {
    const file = p.fds.get(p.argInt(0));
    return file ? putStat(p, statFile(file), p.argNum(1)) : -Errno.EBADF;
  });
  t.set(Sys.newfstatat, (p) => putStat(p, statAt(p, p.argInt(0), p.argNum(1), p.argInt(3)), p.argNum(2)));
  t.set(Sys.statx, (p) => {
    const st = statAt(p, p.argInt(0), p.argNum(1), p.argInt(2));
    if (typeof st === 'number') return st;
    return p.map.write(p.argNum(4), encodeStatx(st)) ? 0 : -Errno.EFAULT;
  });
  t.set(Sys.getdents64, (p) => doGetdents64(p, p.argInt(0), p.argNum(1), p.argNum(2)));
  t.set(Sys.readlinkat, (p) => doReadlinkat(p, p.argInt(0), p.argNum(1), p.argNum(2), p.argInt(3)));
  t.set(Sys.faccessat, (p) => doAccess(p, p.argInt(0), p.argNum(1), p.argInt(2)));
  t.set(Sys.faccessat2, (p) => doAccess(p, p.argInt(0), p.argNum(1), p.argInt(2)));
  t.set(Sys.mkdirat, (p) => {
    const host = resolveAt(p, p.argInt(0), p.argString(1));
    return typeof host === 'number' ? host : hostCall(() => fs.mkdirSync(host, { mode: p.argInt(2) & 0o7777 }));
  });
  t.set(Sys.unlinkat, (p) => doUnlinkat(p, p.argInt(0), p.argNum(1), p.argInt(2)));
  t.set(Sys.renameat2, doRenameat2);
  t.set(Sys.symlinkat, (p) => {
    const target = p.argString(0);
    const link = resolveAt(p, p.argInt(1), p.argString(2));
    if (target === null) return -Errno.EFAULT;
    return typeof link === 'number' ? link : hostCall(() => fs.symlinkSync(target, link));
  });
  t.set(Sys.linkat, (p) => {
    const from = resolveAt(p, p.argInt(0), p.argString(1));
    const to = resolveAt(p, p.argInt(2), p.argString(3));
    if (typeof from === 'number') return from;
    if (typeof to === 'number') return to;
    // Node's linkSync is link(2), which links a symlink itself; AT_SYMLINK_FOLLOW links its target.
    return hostCall(() => fs.linkSync(p.argInt(4) & AT_SYMLINK_FOLLOW ? fs.realpathSync(from) : from, to));
  });
  t.set(Sys.fchmodat, (p) => {
    const host = resolveAt(p, p.argInt(0), p.argString(1));
    return typeof host === 'number' ? host : hostCall(() => fs.chmodSync(host, p.argInt(2) & 0o7777));
  });
  t.set(Sys.fchmod, (p) => {
    const file = p.fds.get(p.argInt(0));
    if (!file) return -Errno.EBADF;
    return file.kind === 'host' ? hostCall(() => fs.fchmodSync(file.hostFd, p.argInt(1) & 0o7777)) : 0;
  });
  t.set(Sys.getcwd, (p) => doGetcwd(p, p.argNum(0), p.argNum(1)));
  t.set(Sys.chdir, (p) => {
    const host = resolveAt(p, AT_FDCWD, p.argString(0));
    return typeof host === 'number' ? host : hostCall(() => process.chdir(host));
  });
  t.set(Sys.fchdir, (p) => {
    const file = p.fds.get(p.argInt(0));
    if (!file) return -Errno.EBADF;
    if (file.kind !== 'host' || file.hostPath === '') return -Errno.ENOTDIR;
    return hostCall(() => process.chdir(file.hostPath));
  });
  t.set(Sys.umask, (p) => {
    const old = p.umask;
    p.umask = p.argInt(0) & 0o777;
    try {
      process.umask(p.umask); // the host applies it to the files we create for the guest
    } catch {
      // Not allowed in worker threads: the guest's umask is then only reported, not applied.
    }
    return old;
  });
}
