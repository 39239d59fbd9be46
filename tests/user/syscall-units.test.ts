import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno, hostErrorToErrno } from '../../src/user/errno.js';
import { devMajor, devMinor, encodeStat, encodeStatx, StatSource } from '../../src/user/stat-layout.js';
import { Sys, SYSCALL_NAMES } from '../../src/user/syscall-numbers.js';
import { buildSyscallTable } from '../../src/user/syscalls.js';

const sample: StatSource = {
  dev: (8n << 8n) | 3n, ino: 123456789n, mode: 0o100644n, nlink: 2n, uid: 1000n, gid: 100n, rdev: 0n,
  size: 5000n, blksize: 4096n, blocks: 16n,
  atimeNs: 1_700_000_000_123_456_789n, mtimeNs: 1_600_000_000_000_000_001n, ctimeNs: 1_500_000_000_999_999_999n, birthtimeNs: 0n,
};

test('struct stat uses the riscv64 asm-generic layout', () => {
  const b = encodeStat(sample);
  const dv = new DataView(b.buffer);
  assert.equal(b.length, 128);
  assert.equal(dv.getBigUint64(0, true), sample.dev);
  assert.equal(dv.getBigUint64(8, true), 123456789n);
  assert.equal(dv.getUint32(16, true), 0o100644);
  assert.equal(dv.getUint32(20, true), 2);
  assert.equal(dv.getUint32(24, true), 1000);
  assert.equal(dv.getUint32(28, true), 100);
  assert.equal(dv.getBigInt64(48, true), 5000n);
  assert.equal(dv.getInt32(56, true), 4096);
  assert.equal(dv.getBigInt64(64, true), 16n);
  assert.equal(dv.getBigInt64(72, true), 1_700_000_000n);
  assert.equal(dv.getBigUint64(80, true), 123_456_789n);
  assert.equal(dv.getBigInt64(88, true), 1_600_000_000n);
  assert.equal(dv.getBigUint64(96, true), 1n);
  assert.equal(dv.getBigInt64(104, true), 1_500_000_000n);
  assert.equal(dv.getBigUint64(112, true), 999_999_999n);
});

test('struct statx fields and device numbers', () => {
  const b = encodeStatx(sample);
  const dv = new DataView(b.buffer);
  assert.equal(b.length, 256);
  assert.equal(dv.getUint32(0, true) & 0x7ff, 0x7ff);
  assert.equal(dv.getUint16(28, true), 0o100644);
  assert.equal(dv.getBigUint64(40, true), 5000n);
  assert.equal(dv.getBigInt64(64, true), 1_700_000_000n);
  assert.equal(dv.getUint32(72, true), 123_456_789);
  assert.equal(dv.getBigInt64(112, true), 1_600_000_000n);
  assert.equal(dv.getUint32(136, true), 8);
  assert.equal(dv.getUint32(140, true), 3);
  assert.equal(devMajor(0x1234_5678_9abcn), devMajor(0x1234_5678_9abcn));
  assert.equal(devMajor((259n << 8n) | 1n), 259);
  assert.equal(devMinor((259n << 8n) | 1n), 1);
});

test('host errors map to Linux errno values', () => {
  assert.equal(hostErrorToErrno({ code: 'ENOENT' }), -2);
  assert.equal(hostErrorToErrno({ code: 'EACCES' }), -13);
  assert.equal(hostErrorToErrno({ code: 'ENOTDIR' }), -20);
  assert.equal(hostErrorToErrno({ code: 'EWOULDBLOCK' }), -Errno.EAGAIN);
  assert.equal(hostErrorToErrno({ code: 'SOMETHING_ELSE' }), -Errno.EIO);
  assert.equal(hostErrorToErrno(new Error('no code')), -Errno.EIO);
});

test('system call numbers follow the asm-generic table', () => {
  assert.equal(Sys.openat, 56);
  assert.equal(Sys.read, 63);
  assert.equal(Sys.write, 64);
  assert.equal(Sys.newfstatat, 79);
  assert.equal(Sys.exit_group, 94);
  assert.equal(Sys.rt_sigreturn, 139);
  assert.equal(Sys.brk, 214);
  assert.equal(Sys.mmap, 222);
  assert.equal(Sys.statx, 291);
  assert.equal(SYSCALL_NAMES.get(222), 'mmap');
  const table = buildSyscallTable();
  const required = ['openat', 'close', 'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'lseek', 'fstat', 'newfstatat', 'statx',
    'getdents64', 'readlinkat', 'faccessat', 'faccessat2', 'mkdirat', 'unlinkat', 'renameat2', 'fcntl', 'dup', 'dup3', 'pipe2', 'ioctl',
    'mmap', 'munmap', 'mprotect', 'mremap', 'brk', 'madvise', 'clock_gettime', 'clock_getres', 'gettimeofday', 'nanosleep',
    'clock_nanosleep', 'getrandom', 'uname', 'getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid',
    'set_tid_address', 'set_robust_list', 'prlimit64', 'getrlimit', 'sysinfo', 'rt_sigaction', 'rt_sigprocmask', 'sigaltstack',
    'rt_sigreturn', 'kill', 'tgkill', 'futex', 'exit', 'exit_group', 'rseq', 'riscv_hwprobe', 'sched_getaffinity', 'umask', 'getcwd', 'chdir'];
  for (const name of required) assert.ok(table.has((Sys as Record<string, number>)[name]!), name);
});
