// System calls on file descriptors: open/close, read/write and their vector
// and positioned forms, lseek, dup, pipe, fcntl, ioctl.

import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { Errno, hostErrorToErrno } from './errno.js';
import { FdTable, hostFile, hostOpenFlags, OpenFile, OpenFlag, PipeBuffer } from './fd-table.js';
import { readFile, writeFile } from './host-io.js';
import { SyscallTable, UserProcess } from './process.js';
import { Prot } from '../memory/softmmu-api.js';
import { Sig, SiCode } from './signals.js';
import { Sys } from './syscall-numbers.js';
import { resolveAt } from './syscalls-fs.js';
import { syntheticProcFile } from './proc-files.js';

/** Largest single transfer we stage through a host buffer (Linux caps at 0x7ffff000 too). */
const MAX_IO = 0x7ffff000;
const IOVEC_SIZE = 16;
/** Host staging buffer for reads: big enough for fast bulk reads, small enough to allocate per call. */
const READ_CHUNK = 1 << 20;
/** Linux's IOV_MAX. */
const IOV_MAX = 1024;

const Fcntl = { DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, GETLK: 5, SETLK: 6, SETLKW: 7, SETOWN: 8, GETOWN: 9, DUPFD_CLOEXEC: 1030, GETPIPE_SZ: 1032 } as const;
const FD_CLOEXEC = 1;
/** Flags F_SETFL may change (the rest of the status flags are fixed at open). */
const SETFL_MASK = OpenFlag.APPEND | OpenFlag.NONBLOCK | OpenFlag.DIRECT | OpenFlag.NOATIME;
/** Pipe capacity reported by F_GETPIPE_SZ: Linux's default, 16 pages. */
const PIPE_CAPACITY = 65536;

const Ioctl = { TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TIOCGPGRP: 0x540f, TIOCSPGRP: 0x5410, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414, FIONREAD: 0x541b, FIONBIO: 0x5421, FIOCLEX: 0x5451, FIONCLEX: 0x5450 } as const;

export function fileOf(p: UserProcess, fd: number): OpenFile | null {
  return p.fds.get(fd) ?? null;
}

function guestBuffer(p: UserProcess, addr: number, len: number): Uint8Array | number {
  if (len > MAX_IO) len = MAX_IO;
  const data = p.map.read(addr, len);
  return data ?? -Errno.EFAULT;
}

function doRead(p: UserProcess, fd: number, addr: number, len: number, position: number | null): number {
  const file = fileOf(p, fd);
  if (!file) return -Errno.EBADF;
  if (len === 0) return 0;
  len = Math.min(len, MAX_IO);
  // Check the destination before consuming input, so a bad buffer loses no data.
  if (!p.map.canAccess(addr, len, Prot.WRITE)) return -Errno.EFAULT;
  // Staged in chunks so a huge count does not mean a huge host buffer; a
  // short chunk ends the read, as a short read(2) would.
  const chunk = new Uint8Array(Math.min(len, READ_CHUNK));
  let total = 0;
  while (total < len) {
    const want = Math.min(chunk.length, len - total);
    const n = readFile(file, chunk.subarray(0, want), position === null ? null : position + total);
    if (n < 0) return total > 0 ? total : n;
    if (n > 0 && !p.map.write(addr + total, chunk.subarray(0, n))) return total > 0 ? total : -Errno.EFAULT;
    total += n;
    // Pipes and terminals: another read could block although data was already returned.
    if (n < want || file.kind !== 'host' || !file.seekable) break;
  }
  return total;
}

function doWrite(p: UserProcess, fd: number, data: Uint8Array, position: number | null): number {
  const file = fileOf(p, fd);
  if (!file) return -Errno.EBADF;
  const n = writeFile(file, data, position, { stdout: p.options.stdoutSink, stderr: p.options.stderrSink });
  if (n === -Errno.EPIPE) p.signals.raiseThread({ signo: Sig.PIPE, code: SiCode.USER, addr: 0n, pid: p.pid, uid: 0, synchronous: false });
  return n;
}

function readIovecs(p: UserProcess, addr: number, count: number): [number, number][] | number {
  if (count < 0 || count > IOV_MAX) return -Errno.EINVAL;
  const raw = p.map.read(addr, count * IOVEC_SIZE);
  if (!raw) return -Errno.EFAULT;
  const dv = new DataView(raw.buffer);
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) out.push([Number(dv.getBigUint64(i * 16, true)), Number(dv.getBigUint64(i * 16 + 8, true))]);
  return out;
}

function doReadv(p: UserProcess, fd: number, iovAddr: number, count: number, position: number | null): number {
  const iov = readIovecs(p, iovAddr, count);
  if (typeof iov === 'number') return iov;
  let total = 0;
  for (const [base, len] of iov) {
    if (len === 0) continue;
    const n = doRead(p, fd, base, len, position === null ? null : position + total);
    if (n < 0) return total > 0 ? total : n;
    total += n;
    if (n < len) break;
  }
  return total;
}

function doWritev(p: UserProcess, fd: number, iovAddr: number, count: number, position: number | null): number {
  const iov = readIovecs(p, iovAddr, count);
  if (typeof iov === 'number') return iov;
  // Gather first so the data goes out in one host write (keeps lines whole on a shared terminal).
  const parts: Uint8Array[] = [];
  for (const [base, len] of iov) {
    if (len === 0) continue;
    const data = guestBuffer(p, base, len);
    if (typeof data === 'number') return data;
    parts.push(data);
  }
  return doWrite(p, fd, Buffer.concat(parts), position);
}

function doLseek(p: UserProcess, fd: number, offset: bigint, whence: number): number {
  const file = fileOf(p, fd);
  if (!file) return -Errno.EBADF;
  if (file.kind !== 'host' || !file.seekable) return -Errno.ESPIPE;
  if (file.isDir) {
    // Directories: only rewinding (and telling) makes sense for our listing cursor.
    if (whence === 0) file.dirPos = Number(offset);
    else if (whence !== 1) return -Errno.EINVAL;
    return file.dirPos;
  }
  let base: number;
  switch (whence) {
    case 0: base = 0; break;
    case 1: base = file.pos; break;
    case 2: case 3: case 4: {
      const size = fs.fstatSync(file.hostFd).size;
      if (whence === 2) base = size;
      else {
        // SEEK_DATA / SEEK_HOLE: files have no holes as far as we can tell.
        if (Number(offset) >= size) return -Errno.ENXIO;
        return whence === 3 ? Number(offset) : size;
      }
      break;
    }
    default: return -Errno.EINVAL;
  }
  const target = base + Number(offset);
  if (target < 0) return -Errno.EINVAL;
  file.pos = target;
  return target;
}

function doOpenat(p: UserProcess): number {
  const flags = p.argInt(2);
  const guestPath = p.argString(1);
  const synthetic = guestPath !== null ? syntheticProcFile(guestPath, p.pid, p.map) : null;
  if (synthetic) return openInMemory(p, synthetic, flags);
  const path = resolveAt(p, p.argInt(0), guestPath);
  if (typeof path === 'number') return path;
  const mode = p.argInt(3) & 0o7777;
  let hostFd: number;
  try {
    hostFd = fs.openSync(path, hostOpenFlags(flags), mode);
  } catch (e) {
    return hostErrorToErrno(e);
  }
  const file = hostFile(hostFd, flags & ~(OpenFlag.CREAT | OpenFlag.EXCL | OpenFlag.NOCTTY | OpenFlag.TRUNC | OpenFlag.CLOEXEC), path);
  const fd = p.fds.install(file, (flags & OpenFlag.CLOEXEC) !== 0);
  if (fd < 0) {
    fs.closeSync(hostFd);
    return -Errno.EMFILE;
  }
  return fd;
}

/** A read-only file whose contents we generate: a pipe already holding them, with no writer (EOF after). */
function openInMemory(p: UserProcess, contents: Uint8Array, flags: number): number {
  if ((flags & OpenFlag.ACCMODE) !== OpenFlag.RDONLY) return -Errno.EACCES;
  const pipe = new PipeBuffer();
  pipe.readers = 1;
  pipe.chunks.push(contents);
  const fd = p.fds.install({ kind: 'pipe', refs: 1, flags: OpenFlag.RDONLY, pipe, readEnd: true }, (flags & OpenFlag.CLOEXEC) !== 0);
  return fd < 0 ? -Errno.EMFILE : fd;
}

function doDup3(fds: FdTable, oldFd: number, newFd: number, flags: number): number {
  if (flags & ~OpenFlag.CLOEXEC) return -Errno.EINVAL;
  const file = fds.get(oldFd);
  if (!file) return -Errno.EBADF;
  if (oldFd === newFd) return -Errno.EINVAL;
  if (newFd < 0 || newFd >= 1024) return -Errno.EBADF;
  file.refs++;
  fds.installAt(newFd, file, (flags & OpenFlag.CLOEXEC) !== 0);
  return newFd;
}

function doDupFrom(fds: FdTable, oldFd: number, minFd: number, cloexec: boolean): number {
  const file = fds.get(oldFd);
  if (!file) return -Errno.EBADF;
  if (minFd < 0) return -Errno.EINVAL;
  file.refs++;
  const fd = fds.install(file, cloexec, minFd);
  if (fd < 0) {
    file.refs--;
    return -Errno.EMFILE;
  }
  return fd;
}

function doPipe2(p: UserProcess, addr: number, flags: number): number {
  if (flags & ~(OpenFlag.CLOEXEC | OpenFlag.NONBLOCK | OpenFlag.DIRECT)) return -Errno.EINVAL;
  const pipe = new PipeBuffer();
  pipe.readers = 1;
  pipe.writers = 1;
  const status = flags & OpenFlag.NONBLOCK;
  const cloexec = (flags & OpenFlag.CLOEXEC) !== 0;
  const r = p.fds.install({ kind: 'pipe', refs: 1, flags: OpenFlag.RDONLY | status, pipe, readEnd: true }, cloexec);
  const w = p.fds.install({ kind: 'pipe', refs: 1, flags: OpenFlag.WRONLY | status, pipe, readEnd: false }, cloexec);
  if (r < 0 || w < 0) {
    if (r >= 0) p.fds.close(r);
    if (w >= 0) p.fds.close(w);
    return -Errno.EMFILE;
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setInt32(0, r, true);
  new DataView(out.buffer).setInt32(4, w, true);
  if (!p.map.write(addr, out)) {
    p.fds.close(r);
    p.fds.close(w);
    return -Errno.EFAULT;
  }
  return 0;
}

function doFcntl(p: UserProcess, fd: number, cmd: number, arg: number): number {
  const file = fileOf(p, fd);
  if (!file) return -Errno.EBADF;
  switch (cmd) {
    case Fcntl.DUPFD: return doDupFrom(p.fds, fd, arg, false);
    case Fcntl.DUPFD_CLOEXEC: return doDupFrom(p.fds, fd, arg, true);
    case Fcntl.GETFD: return p.fds.isCloexec(fd) ? FD_CLOEXEC : 0;
    case Fcntl.SETFD: p.fds.setCloexec(fd, (arg & FD_CLOEXEC) !== 0); return 0;
    case Fcntl.GETFL: return file.flags | OpenFlag.LARGEFILE;
    case Fcntl.SETFL: file.flags = (file.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return 0;
    // One process: nobody can hold a conflicting lock, so every lock is granted.
    case Fcntl.GETLK: case Fcntl.SETLK: case Fcntl.SETLKW: return 0;
    case Fcntl.GETOWN: return 0;
    case Fcntl.SETOWN: return 0;
    case Fcntl.GETPIPE_SZ: return file.kind === 'pipe' ? PIPE_CAPACITY : -Errno.EBADF;
    default: return -Errno.EINVAL;
  }
}

function isTerminal(file: OpenFile): boolean {
  return file.kind === 'host' && tty.isatty(file.hostFd);
}

/** A plausible cooked-mode termios (Node cannot read the host's). */
function defaultTermios(): Uint8Array {
  const t = new Uint8Array(36);
  const dv = new DataView(t.buffer);
  dv.setUint32(0, 0x2d02, true); // c_iflag: BRKINT ICRNL IXON IXANY IMAXBEL IUTF8 (0x2|0x100|0x400|0x800|0x2000|0x4000)
  dv.setUint32(4, 0x5, true); // c_oflag: OPOST ONLCR
  dv.setUint32(8, 0xbf, true); // c_cflag: B38400 CS8 CREAD
  dv.setUint32(12, 0x8a3b, true); // c_lflag: ISIG ICANON ECHO ECHOE ECHOK IEXTEN ECHOCTL ECHOKE
  const cc = [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0];
  cc.forEach((v, i) => (t[17 + i] = v));
  return t;
}

function doIoctl(p: UserProcess, fd: number, request: number, arg: number): number {
  const file = fileOf(p, fd);
  if (!file) return -Errno.EBADF;
  switch (request) {
    case Ioctl.FIOCLEX: p.fds.setCloexec(fd, true); return 0;
    case Ioctl.FIONCLEX: p.fds.setCloexec(fd, false); return 0;
    case Ioctl.FIONBIO: {
      const on = p.map.readU32(arg);
      if (on === null) return -Errno.EFAULT;
      file.flags = on ? file.flags | OpenFlag.NONBLOCK : file.flags & ~OpenFlag.NONBLOCK;
      return 0;
    }
    case Ioctl.FIONREAD:
      if (file.kind === 'pipe') return p.map.writeU32(arg, file.pipe.size) ? 0 : -Errno.EFAULT;
      break;
  }
  if (!isTerminal(file)) return -Errno.ENOTTY;
  switch (request) {
    case Ioctl.TCGETS: return p.map.write(arg, defaultTermios()) ? 0 : -Errno.EFAULT;
    case Ioctl.TCSETS: case Ioctl.TCSETSW: case Ioctl.TCSETSF: return 0;
    case Ioctl.TIOCGWINSZ: {
      const ws = new Uint8Array(8);
      const dv = new DataView(ws.buffer);
      const host = file.kind === 'host' ? new tty.WriteStream(file.hostFd) : null;
      const [cols, rows] = host ? host.getWindowSize() : [80, 24];
      host?.destroy?.();
      dv.setUint16(0, rows, true);
      dv.setUint16(2, cols, true);
      return p.map.write(arg, ws) ? 0 : -Errno.EFAULT;
    }
    case Ioctl.TIOCSWINSZ: return 0;
    case Ioctl.TIOCGPGRP: return p.map.writeU32(arg, p.pid) ? 0 : -Errno.EFAULT;
    case Ioctl.TIOCSPGRP: return 0;
    default: return -Errno.ENOTTY;
  }
}

export function registerFileIoSyscalls(t: SyscallTable): void {
  t.set(Sys.read, (p) => doRead(p, p.argInt(0), p.argNum(1), p.argNum(2), null));
  t.set(Sys.write, (p) => {
    const data = guestBuffer(p, p.argNum(1), p.argNum(2));
    return typeof data === 'number' ? data : doWrite(p, p.argInt(0), data, null);
  });
  t.set(Sys.pread64, (p) => (p.argBig(3) < 0n ? -Errno.EINVAL : doRead(p, p.argInt(0), p.argNum(1), p.argNum(2), Number(p.argBig(3)))));
  t.set(Sys.pwrite64, (p) => {
    if (p.argBig(3) < 0n) return -Errno.EINVAL;
    const data = guestBuffer(p, p.argNum(1), p.argNum(2));
    return typeof data === 'number' ? data : doWrite(p, p.argInt(0), data, Number(p.argBig(3)));
  });
  t.set(Sys.readv, (p) => doReadv(p, p.argInt(0), p.argNum(1), p.argInt(2), null));
  t.set(Sys.writev, (p) => doWritev(p, p.argInt(0), p.argNum(1), p.argInt(2), null));
  t.set(Sys.preadv, (p) => doReadv(p, p.argInt(0), p.argNum(1), p.argInt(2), Number(p.argBig(3))));
  t.set(Sys.pwritev, (p) => doWritev(p, p.argInt(0), p.argNum(1), p.argInt(2), Number(p.argBig(3))));
  t.set(Sys.lseek, (p) => doLseek(p, p.argInt(0), p.argBig(1), p.argInt(2)));
  t.set(Sys.openat, doOpenat);
  t.set(Sys.close, (p) => (p.fds.close(p.argInt(0)) ? 0 : -Errno.EBADF));
  t.set(Sys.close_range, (p) => {
    const first = p.argNum(0), last = p.argNum(1);
    for (const fd of p.fds.openFds()) if (fd >= first && fd <= last) p.fds.close(fd);
    return 0;
  });
  t.set(Sys.dup, (p) => doDupFrom(p.fds, p.argInt(0), 0, false));
  t.set(Sys.dup3, (p) => doDup3(p.fds, p.argInt(0), p.argInt(1), p.argInt(2)));
  t.set(Sys.pipe2, (p) => doPipe2(p, p.argNum(0), p.argInt(1)));
  t.set(Sys.fcntl, (p) => doFcntl(p, p.argInt(0), p.argInt(1), p.argInt(2)));
  t.set(Sys.ioctl, (p) => doIoctl(p, p.argInt(0), p.argInt(1) >>> 0, p.argNum(2)));
  t.set(Sys.fsync, (p) => syncFd(p, p.argInt(0)));
  t.set(Sys.fdatasync, (p) => syncFd(p, p.argInt(0)));
  t.set(Sys.ftruncate, (p) => {
    const file = fileOf(p, p.argInt(0));
    if (!file) return -Errno.EBADF;
    if (file.kind !== 'host') return -Errno.EINVAL;
    try {
      fs.ftruncateSync(file.hostFd, Number(p.argBig(1)));
      return 0;
    } catch (e) {
      return hostErrorToErrno(e);
    }
  });
}

function syncFd(p: UserProcess, fd: number): number {
  const file = fileOf(p, fd);
  if (!file) return -Errno.EBADF;
  if (file.kind !== 'host') return -Errno.EINVAL;
  try {
    fs.fsyncSync(file.hostFd);
    return 0;
  } catch (e) {
    const errno = hostErrorToErrno(e);
    // fsync on a terminal or pipe is EINVAL on Linux; treat it as done.
    return errno === -Errno.EINVAL ? 0 : errno;
  }
}
