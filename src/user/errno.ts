// Linux errno values (asm-generic/errno-base.h, errno.h) and the translation
// from Node's host error codes, so the guest sees Linux numbers whatever the host.

export const Errno = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8,
  EBADF: 9, ECHILD: 10, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16,
  EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23,
  EMFILE: 24, ENOTTY: 25, ETXTBSY: 26, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30,
  EMLINK: 31, EPIPE: 32, EDOM: 33, ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36,
  ENOLCK: 37, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, ENODATA: 61, EOVERFLOW: 75,
  ENOTSOCK: 88, EOPNOTSUPP: 95, ETIMEDOUT: 110,
} as const;

const ERRNO_MESSAGES: Record<number, string> = {
  1: 'Operation not permitted', 2: 'No such file or directory', 3: 'No such process',
  4: 'Interrupted system call', 5: 'Input/output error', 9: 'Bad file descriptor',
  11: 'Resource temporarily unavailable', 12: 'Cannot allocate memory', 13: 'Permission denied',
  14: 'Bad address', 17: 'File exists', 20: 'Not a directory', 21: 'Is a directory',
  22: 'Invalid argument', 24: 'Too many open files', 25: 'Inappropriate ioctl for device',
  29: 'Illegal seek', 32: 'Broken pipe', 34: 'Numerical result out of range',
  36: 'File name too long', 38: 'Function not implemented', 39: 'Directory not empty',
  40: 'Too many levels of symbolic links', 75: 'Value too large for defined data type',
};

export function errnoMessage(errno: number): string {
  return ERRNO_MESSAGES[errno] ?? `Unknown error ${errno}`;
}

/** A host error (from node:fs) as a negative Linux errno; unknown codes become -EIO. */
export function hostErrorToErrno(e: unknown): number {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in Errno) return -(Errno as Record<string, number>)[code]!;
  if (code === 'EWOULDBLOCK') return -Errno.EAGAIN;
  if (code === 'ERR_FS_FILE_TOO_LARGE') return -Errno.EFBIG;
  // Node's own argument checks (bad fd type, bad offset) correspond to guest misuse.
  if (typeof code === 'string' && code.startsWith('ERR_OUT_OF_RANGE')) return -Errno.EINVAL;
  return -Errno.EIO;
}
