// The contracts around the software MMU, shared by the tiers (which call the
// slow path), the memory system (which implements it) and the environments
// (user mode's page map, system mode's page-table walker) that say where a
// guest page lives.

export const enum Access {
  Read = 0,
  Write = 1,
  Fetch = 2,
}

/** Page protection bits, as in a TLB fill and in mmap's PROT_*. */
export const Prot = {
  READ: 1,
  WRITE: 2,
  EXEC: 4,
} as const;

export const enum FaultKind {
  None = 0,
  /** Nothing is mapped there (page fault). */
  Unmapped = 1,
  /** Mapped, but not for this access (page fault / access fault by target rules). */
  Protection = 2,
  /** Misaligned where the MemOp or the target forbids it. */
  Misaligned = 3,
}

/** Reused out-parameter of PageTranslator.translatePage: no allocation per fill. */
export interface PageLookup {
  /** Linear-memory offset of the first byte of the guest page (page aligned). */
  host: number;
  /** Prot bits the page allows (the TLB entry gets a tag for each). */
  prot: number;
  /**
   * System mode: the physical address of the page when it is device memory
   * (host is then ignored); -1 or absent for RAM. The SoftMmu resets it to -1
   * before every translatePage, so translators without devices never set it.
   * PhysicalMemoryMap.lookupPage fills host / prot / mmioPage for the walker.
   */
  mmioPage?: number;
}

/** Implemented by user mode (its map of guest pages) and by system mode (the page-table walk). */
export interface PageTranslator {
  /**
   * Find the page holding virtual address (lo, hi) for `access` through MMU
   * index mmuIdx. On success fill `out` and return FaultKind.None.
   */
  translatePage(vaddrLo: number, vaddrHi: number, access: Access, mmuIdx: number, out: PageLookup): FaultKind;
}

/** Implemented by the target: turn a memory fault into its guest exception and throw GUEST_EXCEPTION. */
export interface FaultRaiser {
  raiseMemFault(access: Access, fault: FaultKind, vaddrLo: number, vaddrHi: number): never;
}

/**
 * What the tiers call when the inline TLB fast path misses (or the access is
 * misaligned, or the page is write-protected for code). The backend has
 * stored the current instruction's pc into Cpu.PC first, so these may throw
 * GUEST_EXCEPTION.
 */
export interface MemorySlowPath {
  /** Load; the value, extended to 64 bits per the MemOp, goes to Cpu.HELPER_RET (lo, hi words). */
  load(addrLo: number, addrHi: number, memop: number, mmuIdx: number): void;
  /** Store the low (MemOp size) bits of (valLo, valHi). */
  store(addrLo: number, addrHi: number, valLo: number, valHi: number, memop: number, mmuIdx: number): void;
}

/**
 * Host-side access to guest virtual memory (system calls, the ELF loader,
 * signal frames). Addresses are numbers: user-mode addresses fit in 53 bits.
 * Returns false / null instead of raising, so callers can answer EFAULT.
 */
export interface GuestMemoryAccess {
  read(vaddr: number, len: number): Uint8Array | null;
  write(vaddr: number, data: Uint8Array): boolean;
  readCString(vaddr: number, maxLen?: number): string | null;
  readU64(vaddr: number): bigint | null;
  writeU64(vaddr: number, value: bigint): boolean;
  readU32(vaddr: number): number | null;
  writeU32(vaddr: number, value: number): boolean;
}
