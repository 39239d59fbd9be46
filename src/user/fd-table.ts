// The guest's file descriptor table. Guest fds are numbered independently of
// the host's (so dup2 onto 1 works without touching our own stdout); each
// entry points at an open file description, shared by dup'ed fds as on Linux.
// Descriptions are host files (real host fds, node:fs) or in-memory pipes
// (Node has no pipe(2), and a single-threaded guest only needs a buffer).

import * as fs from 'node:fs';

/** Guest open(2) flags, asm-generic/fcntl.h. */
export const OpenFlag = {
  ACCMODE: 3,
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  CREAT: 0o100,
  EXCL: 0o200,
  NOCTTY: 0o400,
  TRUNC: 0o1000,
  APPEND: 0o2000,
  NONBLOCK: 0o4000,
  DSYNC: 0o10000,
  DIRECT: 0o40000,
  LARGEFILE: 0o100000,
  DIRECTORY: 0o200000,
  NOFOLLOW: 0o400000,
  NOATIME: 0o1000000,
  CLOEXEC: 0o2000000,
  SYNC: 0o4010000,
  PATH: 0o10000000,
} as const;

/** Guest open flags -> the host's values (they differ between host architectures). */
export function hostOpenFlags(guest: number): number {
  const c = fs.constants;
  let host = guest & OpenFlag.ACCMODE;
  if (guest & OpenFlag.PATH) host = c.O_RDONLY; // O_PATH: we still need a real fd for fstat
  if (guest & OpenFlag.CREAT) host |= c.O_CREAT;
  if (guest & OpenFlag.EXCL) host |= c.O_EXCL;
  if (guest & OpenFlag.NOCTTY) host |= c.O_NOCTTY;
  if (guest & OpenFlag.TRUNC) host |= c.O_TRUNC;
  if (guest & OpenFlag.APPEND) host |= c.O_APPEND;
  if (guest & OpenFlag.NONBLOCK) host |= c.O_NONBLOCK;
  if (guest & OpenFlag.DIRECTORY) host |= c.O_DIRECTORY;
  if (guest & OpenFlag.NOFOLLOW) host |= c.O_NOFOLLOW;
  if ((guest & OpenFlag.SYNC) === OpenFlag.SYNC) host |= c.O_SYNC;
  else if (guest & OpenFlag.DSYNC) host |= c.O_DSYNC;
  return host;
}

export interface DirEntry {
  name: string;
  type: number;
  ino: bigint;
}

export class PipeBuffer {
  chunks: Uint8Array[] = [];
  readers = 0;
  writers = 0;

  get size(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }
}

export type OpenFile =
  | {
      kind: 'host';
      refs: number;
      /** Status flags as the guest set them (F_GETFL). */
      flags: number;
      hostFd: number;
      /** The host path it was opened by (directory listing, /proc/self/fd), or '' for inherited fds. */
      hostPath: string;
      /** Directory listing state for getdents64, filled on first use. */
      dirEntries: DirEntry[] | null;
      dirPos: number;
      /**
       * Node has no lseek: seekable files keep their offset here and are
       * read and written with explicit positions (pread/pwrite).
       */
      seekable: boolean;
      pos: number;
      /** Known at open, so reads need no extra fstat to answer EISDIR. */
      isDir: boolean;
    }
  | { kind: 'pipe'; refs: number; flags: number; pipe: PipeBuffer; readEnd: boolean };

/** Linux's default RLIMIT_NOFILE soft limit: the first fd number open() refuses. */
export const FD_LIMIT = 1024;

export class FdTable {
  private readonly fds = new Map<number, { file: OpenFile; cloexec: boolean }>();

  /** Guest fds 0, 1, 2 are the host's, as in qemu. */
  static withStdio(): FdTable {
    const t = new FdTable();
    const modes = [OpenFlag.RDONLY, OpenFlag.WRONLY, OpenFlag.WRONLY];
    for (let fd = 0; fd < 3; fd++) {
      // Inherited stdio uses the host's own file offset (not pread/pwrite): it
      // may be shared with other processes, or between our fds 1 and 2 (2>&1).
      const file = hostFile(fd, modes[fd]!, '');
      if (file.kind === 'host') file.seekable = false;
      t.fds.set(fd, { file, cloexec: false });
    }
    return t;
  }

  get(fd: number): OpenFile | undefined {
    return this.fds.get(fd)?.file;
  }

  isCloexec(fd: number): boolean {
    return this.fds.get(fd)?.cloexec ?? false;
  }

  setCloexec(fd: number, on: boolean): void {
    const e = this.fds.get(fd);
    if (e) e.cloexec = on;
  }

  /** Install file at the lowest free fd >= minFd; -1 when the table is full. */
  install(file: OpenFile, cloexec: boolean, minFd = 0): number {
    for (let fd = minFd; fd < FD_LIMIT; fd++) {
      if (!this.fds.has(fd)) {
        this.fds.set(fd, { file, cloexec });
        return fd;
      }
    }
    return -1;
  }

  /** Put file at exactly fd, closing what was there. */
  installAt(fd: number, file: OpenFile, cloexec: boolean): void {
    if (this.fds.has(fd)) this.close(fd);
    this.fds.set(fd, { file, cloexec });
  }

  /** Returns false if fd was not open. */
  close(fd: number): boolean {
    const e = this.fds.get(fd);
    if (!e) return false;
    this.fds.delete(fd);
    release(e.file);
    return true;
  }

  openFds(): number[] {
    return [...this.fds.keys()].sort((a, b) => a - b);
  }

  /** The child's table after fork: the same open file descriptions, one more reference each. */
  forkCopy(): FdTable {
    const t = new FdTable();
    for (const [fd, e] of this.fds) {
      e.file.refs++;
      t.fds.set(fd, { file: e.file, cloexec: e.cloexec });
    }
    return t;
  }

  closeAll(): void {
    for (const fd of this.openFds()) this.close(fd);
  }
}

/** A description for a freshly opened host fd; seekability decides how reads and writes are positioned. */
export function hostFile(hostFd: number, flags: number, hostPath: string): OpenFile {
  let seekable = false;
  let isDir = false;
  try {
    const st = fs.fstatSync(hostFd);
    isDir = st.isDirectory();
    seekable = st.isFile() || st.isBlockDevice() || isDir;
  } catch {
    // A closed stdio fd: reads and writes will report EBADF from the host.
  }
  return { kind: 'host', refs: 1, flags, hostFd, hostPath, dirEntries: null, dirPos: 0, seekable, pos: 0, isDir };
}

function release(file: OpenFile): void {
  if (--file.refs > 0) return;
  if (file.kind === 'pipe') {
    if (file.readEnd) file.pipe.readers--;
    else file.pipe.writers--;
    return;
  }
  // Never close the host's stdio: our own diagnostics and the log may still need them.
  if (file.hostFd > 2) {
    try {
      fs.closeSync(file.hostFd);
    } catch {
      // Closing can only fail for an fd that is already gone; nothing to undo.
    }
  }
}
