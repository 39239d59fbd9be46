// MemOp: how a guest memory access is performed (QEMU's MemOp, in spirit).
// Carried as a constant arg of qemu_ld/qemu_st and of host ld/st.

export const MemOp = {
  /** log2 of the access size in bytes: 0 = 8 bits .. 3 = 64 bits. */
  SIZE_MASK: 0x3,
  S8: 0,
  S16: 1,
  S32: 2,
  S64: 3,
  /** Sign-extend the loaded value to the op's width. */
  SIGN: 0x4,
  /** Big-endian access (the host and the linear memory are little-endian). */
  BSWAP: 0x8,
  /** Must be naturally aligned: a misaligned address raises the target's alignment fault. */
  ALIGN: 0x10,
} as const;

export function memopSize(memop: number): number {
  return 1 << (memop & MemOp.SIZE_MASK);
}

export function memopName(memop: number): string {
  const size = ['8', '16', '32', '64'][memop & MemOp.SIZE_MASK];
  return `${memop & MemOp.SIGN ? 's' : 'u'}${size}${memop & MemOp.BSWAP ? 'be' : ''}${memop & MemOp.ALIGN ? '+al' : ''}`;
}
