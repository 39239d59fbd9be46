// The system-mode PageTranslator: Sv39 / Sv48 page-table walks (privileged
// spec 4.3.2 and 4.4/4.5) on guest physical memory, with every permission
// rule, A/D updates done in the PTE (as QEMU does), and the physical page
// handed to the board for mapping (RAM -> a linear-memory page, devices ->
// MMIO, nothing -> an access fault).
//
// MMU indices (the TLB has 8; see tlb-layout.ts). The index says everything
// the walk needs besides satp and mstatus.MXR:
//   0  U           user accesses, and M-mode loads/stores under MPRV with MPP=U
//   1  S           supervisor, SUM=0 (also MPRV with MPP=S, SUM=0)
//   2  S + SUM     supervisor data accesses that may touch user pages
//   3  M           no translation (also MPRV with MPP=M)
// Code is fetched through the index of the privilege (0, 1, 3): SUM and MPRV
// never apply to fetches. SUM lives in the index so flipping it (Linux does,
// around every copy_from_user) needs no TLB flush; MPRV/MPP pick the data
// index through the TB flags (hart.ts). MXR changes and satp writes flush
// the whole TLB. Indices 4..7 are unused.
//
// PMP is not enforced: pmpcfg/pmpaddr are accepted and read back (hart.ts),
// every physical access is allowed, as on a machine whose firmware opened
// the whole address space to S and U (what OpenSBI does).

import { Access, FaultKind, PageLookup, PageTranslator, Prot } from '../../../memory/softmmu-api.js';
import { PAGE_SIZE } from '../../../memory/tlb-layout.js';
import { CPU_BASE } from '../../../memory/layout.js';
import { LinearMemory } from '../../../memory/linear-memory.js';
import { SysCsr } from './csr-layout.js';

export const MmuIdx = { U: 0, S: 1, S_SUM: 2, M: 3 } as const;

/**
 * Guest physical memory as the board provides it (PhysicalMemoryMap in
 * src/memory/address-space.ts has this shape). Physical addresses are numbers:
 * 56-bit addresses fit a double exactly.
 */
export interface PhysicalMemory {
  /** Linear-memory offset of RAM byte paddr, or -1 when paddr is not RAM. Page tables must live in RAM. */
  ramHost(paddr: number): number;
  /**
   * Fill `out` for the physical page holding paddr, allowing at most `prot`
   * (the board may take bits away, e.g. EXEC on device pages). False when
   * nothing answers there: an access fault.
   */
  lookupPage(paddr: number, prot: number, out: PageLookup): boolean;
}

/** What the walker tells the TLB side (SoftMmu provides it). */
export interface PteWriteObserver {
  /** A host page is about to be written behind the TLB's back (an A/D update). */
  noteHostWrite?(hostPage: number): void;
}

/** PTE bits (low word). */
export const Pte = {
  V: 1 << 0, R: 1 << 1, W: 1 << 2, X: 1 << 3, U: 1 << 4, G: 1 << 5, A: 1 << 6, D: 1 << 7,
} as const;

const TWO_32 = 4294967296;
const PPN_SHIFT = 10;
/** PTE bits 53:32 (the high part of the PPN) in the high word. */
const PPN_HI_MASK = 0x3fffff;
/** Bits 63:54 of a PTE: reserved (60:54), PBMT (62:61), N (63). Without Svpbmt / Svnapot, all must be zero. */
const PTE_HI_RESERVED_SHIFT = 22;
/** Physical addresses are 56 bits: the high word of a bare-mode address must fit in 24 bits. */
const PA_HI_BITS = 24;
const LEVEL_BITS = 9;
/** Bytes a PTE of each level maps (2^12, 2^21, 2^30, 2^39, 2^48): a table, because `2 ** n` calls pow (~0.7% of the boot in the walk). */
const LEVEL_SPAN = [0, 1, 2, 3, 4].map((level) => 2 ** (12 + LEVEL_BITS * level));
const PTE_SIZE = 8;

const SATP_W = (CPU_BASE + SysCsr.SATP) >> 2;
const MSTATUS_W = (CPU_BASE + SysCsr.MSTATUS) >> 2;
const MSTATUS_MXR_BIT = 1 << 19;
const SATP_MODE_SV39 = 8, SATP_MODE_SV48 = 9;

/** How many superpage ranges are remembered for sfence.vma before any flush becomes a full one. */
const MAX_SUPERPAGE_RANGES = 32;

/** The virtual page number of a 64-bit address, exact (< 2^52). */
function pageNumber(vaddrLo: number, vaddrHi: number): number {
  return (vaddrHi >>> 0) * (TWO_32 / PAGE_SIZE) + ((vaddrLo >>> 0) >>> 12);
}

export class SystemPageTranslator implements PageTranslator {
  /** The last failed translatePage was an access fault (PTE or page not in memory), not a page fault. */
  lastFaultIsAccessFault = false;
  /** Walks done (tests, statistics). */
  walks = 0;
  observer: PteWriteObserver = {};
  /**
   * Virtual ranges [start, end) of superpages cached in the TLB since the
   * last full flush: the TLB holds 4 KiB entries, so an sfence.vma for one
   * address inside a superpage must drop all of it (hart.ts flushes all).
   */
  private readonly superpages: number[] = [];
  private superpageOverflow = false;

  constructor(private readonly mem: LinearMemory, private readonly phys: PhysicalMemory) {}

  translatePage(vaddrLo: number, vaddrHi: number, access: Access, mmuIdx: number, out: PageLookup): FaultKind {
    this.lastFaultIsAccessFault = false;
    const i32 = this.mem.i32;
    const mode = mmuIdx === MmuIdx.M ? 0 : i32[SATP_W + 1]! >>> 28;
    if (mode !== SATP_MODE_SV39 && mode !== SATP_MODE_SV48) {
      // Bare: the virtual address is the physical one.
      if ((vaddrHi >>> PA_HI_BITS) !== 0) return this.accessFault();
      const paddr = (vaddrHi >>> 0) * TWO_32 + ((vaddrLo >>> 0) - ((vaddrLo >>> 0) % PAGE_SIZE));
      return this.mapPhysical(paddr, Prot.READ | Prot.WRITE | Prot.EXEC, access, out);
    }
    return this.walk(vaddrLo, vaddrHi, access, mmuIdx, mode === SATP_MODE_SV39 ? 3 : 4, out);
  }

  /** Does the page of (vaddrLo, vaddrHi) lie inside a cached superpage (or are there too many to know)? */
  inCachedSuperpage(vaddrLo: number, vaddrHi: number): boolean {
    if (this.superpageOverflow) return true;
    const vpage = pageNumber(vaddrLo, vaddrHi);
    const r = this.superpages;
    for (let i = 0; i < r.length; i += 2) if (vpage >= r[i]! && vpage < r[i + 1]!) return true;
    return false;
  }

  /** The TLB was flushed entirely: no superpage is cached any more. */
  noteFullFlush(): void {
    this.superpages.length = 0;
    this.superpageOverflow = false;
  }

  private walk(vaddrLo: number, vaddrHi: number, access: Access, mmuIdx: number, levels: number, out: PageLookup): FaultKind {
    this.walks++;
    const vaBits = 12 + LEVEL_BITS * levels;
    // Bits 63:vaBits-1 must all equal bit vaBits-1.
    const top = vaddrHi >> (vaBits - 1 - 32);
    if (top !== 0 && top !== -1) return FaultKind.Unmapped;
    // The low vaBits bits as an exact number (< 2^48).
    const va = (vaddrHi & ((1 << (vaBits - 32)) - 1)) * TWO_32 + (vaddrLo >>> 0);

    const i32 = this.mem.i32;
    const satpLo = i32[SATP_W]! >>> 0, satpHi = i32[SATP_W + 1]!;
    // satp.PPN is bits 43:0.
    let table = ((satpHi & 0xfff) * TWO_32 + satpLo) * PAGE_SIZE;
    for (let level = levels - 1; level >= 0; level--) {
      const vpn = Math.floor(va / LEVEL_SPAN[level]!) % (1 << LEVEL_BITS);
      const pteAddr = table + vpn * PTE_SIZE;
      const host = this.phys.ramHost(pteAddr);
      if (host < 0) return this.accessFault();
      const lo = i32[host >>> 2]!, hi = i32[(host >>> 2) + 1]!;
      if ((lo & Pte.V) === 0 || ((lo & Pte.R) === 0 && (lo & Pte.W) !== 0)) return FaultKind.Unmapped;
      if ((hi >>> PTE_HI_RESERVED_SHIFT) !== 0) return FaultKind.Unmapped;
      const ppn = (lo >>> PPN_SHIFT) + (hi & PPN_HI_MASK) * (1 << (32 - PPN_SHIFT));
      if ((lo & (Pte.R | Pte.X)) === 0) {
        // A pointer to the next level. Its D, A and U bits are reserved: set, they fault (as QEMU 8).
        if (level === 0 || (lo & (Pte.D | Pte.A | Pte.U)) !== 0) return FaultKind.Unmapped;
        table = ppn * PAGE_SIZE;
        continue;
      }
      return this.leaf(lo, host, ppn, level, va, vaddrLo, vaddrHi, access, mmuIdx, out);
    }
    return FaultKind.Unmapped; // not reached: level 0 either is a leaf or faults
  }

  private leaf(pte: number, host: number, ppn: number, level: number, va: number, vaddrLo: number, vaddrHi: number,
    access: Access, mmuIdx: number, out: PageLookup): FaultKind {
    // A superpage's PPN must be aligned to its size.
    const pagesInLeaf = LEVEL_SPAN[level]! / PAGE_SIZE;
    if (ppn % pagesInLeaf !== 0) return FaultKind.Unmapped;

    // Which accesses this privilege may make on this page.
    const user = (pte & Pte.U) !== 0;
    let prot: number;
    if (mmuIdx === MmuIdx.U) {
      if (!user) return FaultKind.Protection;
      prot = Prot.READ | Prot.WRITE | Prot.EXEC;
    } else if (user) {
      // S mode never executes user pages; it reads/writes them only with SUM.
      if (mmuIdx !== MmuIdx.S_SUM) return FaultKind.Protection;
      prot = Prot.READ | Prot.WRITE;
    } else {
      prot = Prot.READ | Prot.WRITE | Prot.EXEC;
    }
    const mxr = (this.mem.i32[MSTATUS_W]! & MSTATUS_MXR_BIT) !== 0;
    let allowed = 0;
    if ((pte & Pte.R) !== 0 || (mxr && (pte & Pte.X) !== 0)) allowed |= Prot.READ;
    if ((pte & Pte.W) !== 0) allowed |= Prot.WRITE;
    if ((pte & Pte.X) !== 0) allowed |= Prot.EXEC;
    prot &= allowed;
    const need = access === Access.Read ? Prot.READ : access === Access.Write ? Prot.WRITE : Prot.EXEC;
    if ((prot & need) === 0) return FaultKind.Protection;

    // A and D: set them in the PTE (Svadu behaviour, as QEMU). Until D is
    // set the page is not writable through the TLB, so the first store walks
    // again and sets it.
    let updated = pte | Pte.A;
    if (access === Access.Write) updated |= Pte.D;
    if (updated !== pte) {
      this.observer.noteHostWrite?.(Math.floor(host / PAGE_SIZE));
      this.mem.i32[host >>> 2] = updated;
    }
    if ((updated & Pte.D) === 0) prot &= ~Prot.WRITE;

    // The physical page: the superpage's base plus the virtual page's offset inside it.
    const vpage = Math.floor(va / PAGE_SIZE);
    const paddr = (ppn + (vpage % pagesInLeaf)) * PAGE_SIZE;
    if (level > 0) this.noteSuperpage(vaddrLo, vaddrHi, pagesInLeaf);
    return this.mapPhysical(paddr, prot, access, out);
  }

  private mapPhysical(paddr: number, prot: number, access: Access, out: PageLookup): FaultKind {
    if (!this.phys.lookupPage(paddr, prot, out)) return this.accessFault();
    const need = access === Access.Read ? Prot.READ : access === Access.Write ? Prot.WRITE : Prot.EXEC;
    // The board took the right away (fetching from a device): an access fault, not a page fault.
    if ((out.prot & need) === 0) return this.accessFault();
    return FaultKind.None;
  }

  private accessFault(): FaultKind {
    this.lastFaultIsAccessFault = true;
    return FaultKind.Protection;
  }

  private noteSuperpage(vaddrLo: number, vaddrHi: number, pages: number): void {
    if (this.superpageOverflow || this.inCachedSuperpage(vaddrLo, vaddrHi)) return;
    if (this.superpages.length >= 2 * MAX_SUPERPAGE_RANGES) {
      this.superpageOverflow = true;
      return;
    }
    const vpage = pageNumber(vaddrLo, vaddrHi);
    const start = vpage - (vpage % pages);
    this.superpages.push(start, start + pages);
  }
}
