// Memory-management system calls: mmap, munmap, mprotect, mremap, brk,
// madvise and friends, on the guest memory map.

import * as fs from 'node:fs';
import { Errno } from './errno.js';
import { FileSource } from './guest-memory-map.js';
import { Map_ } from './linux-mman.js';
import { SyscallTable, UserProcess } from './process.js';
import { Sys } from './syscall-numbers.js';

function hostFdSource(hostFd: number): FileSource {
  return {
    read(dst, dstOff, len, pos) {
      try {
        return fs.readSync(hostFd, dst, dstOff, len, pos);
      } catch {
        return 0; // unreadable tail: the pages stay zero (Linux would SIGBUS on touch)
      }
    },
  };
}

function doMmap(p: UserProcess): number {
  const addr = p.argNum(0), len = p.argNum(1), prot = p.argInt(2), flags = p.argInt(3), fd = p.argInt(4);
  const offset = p.argBig(5);
  if (prot & ~7) return -Errno.EINVAL;
  const type = flags & Map_.TYPE_MASK;
  if (type !== Map_.PRIVATE && type !== Map_.SHARED && type !== Map_.SHARED_VALIDATE) return -Errno.EINVAL;
  if (len === 0) return -Errno.EINVAL;
  if (flags & Map_.ANONYMOUS) return p.map.mmap(addr, len, prot, flags, null, 0, '');
  if (offset < 0n || offset % 4096n !== 0n) return -Errno.EINVAL;
  const file = p.fds.get(fd);
  if (!file) return -Errno.EBADF;
  if (file.kind !== 'host') return -Errno.ENODEV;
  // MAP_SHARED file mappings are private copies here: writes do not reach the file.
  return p.map.mmap(addr, len, prot, flags, hostFdSource(file.hostFd), Number(offset), file.hostPath || `fd:${fd}`);
}

/** mincore: every mapped page counts as resident. */
function doMincore(p: UserProcess, addr: number, len: number, vec: number): number {
  if (addr % 4096 !== 0) return -Errno.EINVAL;
  const pages = Math.ceil(len / 4096);
  if (!p.map.canAccess(addr, len, 0)) return -Errno.ENOMEM;
  return p.map.write(vec, new Uint8Array(pages).fill(1)) ? 0 : -Errno.EFAULT;
}

export function registerMemorySyscalls(t: SyscallTable): void {
  t.set(Sys.mmap, doMmap);
  t.set(Sys.munmap, (p) => p.map.munmap(p.argNum(0), p.argNum(1)));
  t.set(Sys.mprotect, (p) => (p.argInt(2) & ~7 ? -Errno.EINVAL : p.map.mprotect(p.argNum(0), p.argNum(1), p.argInt(2))));
  t.set(Sys.mremap, (p) => p.map.mremap(p.argNum(0), p.argNum(1), p.argNum(2), p.argInt(3), p.argNum(4)));
  t.set(Sys.brk, (p) => p.map.brk(p.argNum(0)));
  t.set(Sys.madvise, (p) => p.map.madvise(p.argNum(0), p.argNum(1), p.argInt(2)));
  t.set(Sys.mincore, (p) => doMincore(p, p.argNum(0), p.argNum(1), p.argNum(2)));
  // Nothing is ever swapped or written back: locking and syncing succeed trivially.
  for (const nr of [Sys.msync, Sys.mlock, Sys.munlock]) t.set(nr, () => 0);
}
