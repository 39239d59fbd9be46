// riscv64 Linux system call numbers: the asm-generic table
// (include/uapi/asm-generic/unistd.h, 64-bit variant: fstat, lseek, mmap and
// friends use their __NR3264_* numbers), plus riscv's arch-specific calls.

export const Sys = {
  getcwd: 17, dup: 23, dup3: 24, fcntl: 25, ioctl: 29, flock: 32,
  mkdirat: 34, unlinkat: 35, symlinkat: 36, linkat: 37,
  statfs: 43, fstatfs: 44, truncate: 45, ftruncate: 46, fallocate: 47,
  faccessat: 48, chdir: 49, fchdir: 50, fchmod: 52, fchmodat: 53, fchownat: 54, fchown: 55,
  openat: 56, close: 57, pipe2: 59, getdents64: 61, lseek: 62, read: 63, write: 64,
  readv: 65, writev: 66, pread64: 67, pwrite64: 68, preadv: 69, pwritev: 70,
  sendfile: 71, pselect6: 72, ppoll: 73, readlinkat: 78, newfstatat: 79, fstat: 80,
  sync: 81, fsync: 82, fdatasync: 83, utimensat: 88,
  exit: 93, exit_group: 94, set_tid_address: 96, futex: 98, set_robust_list: 99, get_robust_list: 100,
  nanosleep: 101, getitimer: 102, setitimer: 103,
  clock_gettime: 113, clock_getres: 114, clock_nanosleep: 115,
  sched_setaffinity: 122, sched_getaffinity: 123, sched_yield: 124,
  kill: 129, tkill: 130, tgkill: 131, sigaltstack: 132, rt_sigsuspend: 133,
  rt_sigaction: 134, rt_sigprocmask: 135, rt_sigpending: 136, rt_sigreturn: 139,
  setpriority: 140, getpriority: 141,
  getresuid: 148, getresgid: 150, times: 153, setpgid: 154, getpgid: 155, getsid: 156, setsid: 157,
  getgroups: 158, uname: 160, getrlimit: 163, setrlimit: 164, getrusage: 165, umask: 166, prctl: 167,
  gettimeofday: 169, getpid: 172, getppid: 173, getuid: 174, geteuid: 175, getgid: 176, getegid: 177,
  gettid: 178, sysinfo: 179,
  socket: 198,
  brk: 214, munmap: 215, mremap: 216, clone: 220, execve: 221, mmap: 222, fadvise64: 223,
  mprotect: 226, msync: 227, mlock: 228, munlock: 229, mincore: 232, madvise: 233,
  wait4: 260, prlimit64: 261, renameat2: 276, getrandom: 278, memfd_create: 279,
  membarrier: 283, statx: 291, rseq: 293, clone3: 435, close_range: 436, faccessat2: 439,
  riscv_hwprobe: 258, riscv_flush_icache: 259,
} as const;

/** Number -> name, for -strace and for "unsupported syscall" messages. */
export const SYSCALL_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Sys).map(([name, nr]) => [nr, name] as [number, string]),
);
