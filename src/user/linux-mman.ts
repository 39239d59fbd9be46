// mmap/mprotect/mremap/madvise flag values of the Linux generic ABI (riscv64).

export const Map_ = {
  SHARED: 0x01,
  PRIVATE: 0x02,
  SHARED_VALIDATE: 0x03,
  TYPE_MASK: 0x0f,
  FIXED: 0x10,
  ANONYMOUS: 0x20,
  GROWSDOWN: 0x100,
  NORESERVE: 0x4000,
  POPULATE: 0x8000,
  STACK: 0x20000,
  FIXED_NOREPLACE: 0x100000,
} as const;

export const Mremap = {
  MAYMOVE: 1,
  FIXED: 2,
  DONTUNMAP: 4,
} as const;

export const Madv = {
  NORMAL: 0,
  RANDOM: 1,
  SEQUENTIAL: 2,
  WILLNEED: 3,
  DONTNEED: 4,
  FREE: 8,
} as const;
