// The software MMU: the slow path behind the inline TLB fast path, code
// fetch for the translator, code-page protection for self-modifying code, and
// host-side access to guest memory for system calls (DESIGN.md decision 3).
//
// Everything the tiers call per guest access (load, store) is allocation-free:
// values travel as 32-bit halves and through reused fields.
//
// Device memory (system mode): a PageTranslator may answer a page with
// PageLookup.mmioPage = its physical address (PhysicalMemoryMap.lookupPage does
// this for MMIO regions). Such a page never gets inline tags, so generated
// code and the interpreter always miss and come here; the TLB remembers the
// device page in a JS-side table (Tlb.fillMmio / mmioHit) so the next access
// skips the page walk, and load/store hand aligned 1/2/4/8-byte accesses to
// `mmioBus` (the machine's PhysicalMemoryMap) at the physical address.
// Misaligned device accesses and code fetches from devices are access faults
// (FaultKind.Protection), as RISC-V allows for I/O regions; host-side reads
// and writes (GuestMemoryAccess) fail on device pages the same way.

import { Cpu, CPU_BASE } from './layout.js';
import { LinearMemory } from './linear-memory.js';
import { MemOp } from './memop.js';
import {
  Access, FaultKind, FaultRaiser, GuestMemoryAccess, MemorySlowPath, PageLookup, PageTranslator, Prot,
} from './softmmu-api.js';
import { codeTlbIndex, PAGE_BITS, PAGE_MASK_LO, PAGE_SIZE, TlbEntry } from './tlb-layout.js';
import { Tlb, TlbFlushLog } from './tlb.js';
import { GuestMemoryAccessor } from './guest-memory-access.js';
import type { MmioBus } from './address-space.js';

const PAGE_OFFSET_MASK = PAGE_SIZE - 1;
const HELPER_RET_WORD = (CPU_BASE + Cpu.HELPER_RET) >> 2;
/** probeIo's answer for a device page (the physical address is in SoftMmu.ioPaddr). */
const IO = -2;
const TWO_32 = 4294967296;

function bswap32(v: number): number {
  return ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24)) | 0;
}

/**
 * The CodeFetcher of src/exec/target.ts (matched by shape: memory/ does not
 * import exec/): reads code for one TB and records the host pages it touched
 * (TranslationBlock.hostPages).
 */
export class RecordingCodeFetcher {
  readonly hostPages: number[] = [];
  /**
   * The guest page fetched from last (its low word, offset bits clear, and
   * high word) and where it is in linear memory: the next fetches from it
   * read there without probing the TLB (a TB's fetches all come while no
   * guest code runs, so the mapping stays). pageLo starts unaligned: no match.
   */
  private pageLo = 1;
  private pageHi = 0;
  private pageHost = 0;

  constructor(private readonly mmu: SoftMmu, readonly mmuIdx: number, private readonly mem: LinearMemory) {}

  fetch16(vaddrLo: number, vaddrHi: number): number {
    const offset = vaddrLo & PAGE_OFFSET_MASK;
    if ((vaddrLo & PAGE_MASK_LO) === this.pageLo && vaddrHi === this.pageHi && offset !== PAGE_OFFSET_MASK) {
      const u8 = this.mem.u8, at = this.pageHost + offset;
      return u8[at]! | (u8[at + 1]! << 8);
    }
    const v = this.mmu.fetchCode16(vaddrLo, vaddrHi, this.mmuIdx);
    this.note(this.mmu.lastFetchHostPage);
    if (this.mmu.lastFetchHostPage2 >= 0) this.note(this.mmu.lastFetchHostPage2);
    else {
      this.pageLo = vaddrLo & PAGE_MASK_LO;
      this.pageHi = vaddrHi;
      this.pageHost = this.mmu.lastFetchHostPage * PAGE_SIZE;
    }
    return v;
  }

  private note(page: number): void {
    // A TB's code lies on one page, or two: every fetch but a few repeats the last one.
    const pages = this.hostPages;
    if (pages[pages.length - 1] !== page && !pages.includes(page)) pages.push(page);
  }
}

export class SoftMmu implements MemorySlowPath, GuestMemoryAccess {
  readonly tlb: Tlb;
  /**
   * Called before a store (or a host-side write) lands in a host page that
   * holds translated code; the exec loop invalidates that page's TBs here.
   */
  onCodeWrite: (hostPage: number) => void = () => {};
  /** Host page(s) of the last fetchCode16 (the second is -1 unless it crossed a page). */
  lastFetchHostPage = -1;
  lastFetchHostPage2 = -1;
  /** The fault of the last failed probe (FaultKind). */
  lastFault: FaultKind = FaultKind.None;
  /** Where device accesses go (system mode); null in user mode, where no page is a device. */
  mmioBus: MmioBus | null = null;
  /** Physical address of the device access probeIo found. */
  private ioPaddr = 0;

  private readonly lookup: PageLookup = { host: 0, prot: 0 };
  /** Assembled value of a bytewise access (reused, no allocation). */
  private valLo = 0;
  private valHi = 0;
  private readonly accessor: GuestMemoryAccessor;

  constructor(
    private readonly mem: LinearMemory,
    private readonly translator: PageTranslator,
    private readonly faults: FaultRaiser,
  ) {
    this.tlb = new Tlb(mem);
    this.accessor = new GuestMemoryAccessor(mem, this);
  }

  /** MMU index used by the GuestMemoryAccess methods (system calls run in user mode's index 0). */
  get accessMmuIdx(): number { return this.accessor.mmuIdx; }
  set accessMmuIdx(idx: number) { this.accessor.mmuIdx = idx; }

  // --- probing ----------------------------------------------------------------

  /**
   * Host address of (vaddrLo, vaddrHi) for `access`, filling the TLB on a
   * miss; -1 on a fault (the kind is in lastFault). Never raises.
   * A write probe succeeds on code pages too: callers must check isCodePage.
   */
  probe(vaddrLo: number, vaddrHi: number, access: Access, mmuIdx: number): number {
    const host = this.probeIo(vaddrLo, vaddrHi, access, mmuIdx);
    if (host !== IO) return host;
    this.lastFault = FaultKind.Protection;
    return -1;
  }

  /** probe(), but a device page answers IO (with its physical address in ioPaddr). */
  private probeIo(vaddrLo: number, vaddrHi: number, access: Access, mmuIdx: number): number {
    let host: number;
    // Fetches have tables of their own (codeTlbIndex); the walk still uses mmuIdx.
    const table = access === Access.Fetch ? codeTlbIndex(mmuIdx) : mmuIdx;
    if (access === Access.Write) host = this.tlb.hitWriteOrShadow(mmuIdx, vaddrLo, vaddrHi);
    else host = this.tlb.hit(table, vaddrLo, vaddrHi, access === Access.Read ? TlbEntry.READ_TAG : TlbEntry.CODE_TAG);
    if (host >= 0) return host;
    if (access !== Access.Fetch) {
      const phys = this.tlb.mmioHit(mmuIdx, vaddrLo, vaddrHi, access === Access.Read ? Prot.READ : Prot.WRITE);
      if (phys >= 0) {
        this.ioPaddr = phys + (vaddrLo & PAGE_OFFSET_MASK);
        return IO;
      }
    }
    this.lookup.mmioPage = -1;
    const fault = this.translator.translatePage(vaddrLo, vaddrHi, access, mmuIdx, this.lookup);
    if (fault !== FaultKind.None) {
      this.lastFault = fault;
      return -1;
    }
    const need = access === Access.Read ? Prot.READ : access === Access.Write ? Prot.WRITE : Prot.EXEC;
    if ((this.lookup.prot & need) === 0) {
      this.lastFault = FaultKind.Protection;
      return -1;
    }
    const mmioPage = this.lookup.mmioPage;
    if (mmioPage !== undefined && mmioPage >= 0) {
      if (access === Access.Fetch) {
        this.lastFault = FaultKind.Protection;
        return -1;
      }
      this.tlb.fillMmio(mmuIdx, vaddrLo, vaddrHi, mmioPage, this.lookup.prot);
      this.ioPaddr = mmioPage + (vaddrLo & PAGE_OFFSET_MASK);
      return IO;
    }
    this.tlb.fill(table, vaddrLo, vaddrHi, this.lookup.host, this.lookup.prot);
    return (this.lookup.host + (vaddrLo & PAGE_OFFSET_MASK)) >>> 0;
  }

  /** probe(), raising the target's fault instead of returning -1. */
  private probeOrRaise(vaddrLo: number, vaddrHi: number, access: Access, mmuIdx: number): number {
    const host = this.probe(vaddrLo, vaddrHi, access, mmuIdx);
    if (host < 0) this.faults.raiseMemFault(access, this.lastFault, vaddrLo, vaddrHi);
    return host;
  }

  /** Before writing into hostPage: give the exec loop its chance to drop the TBs there. */
  noteHostWrite(hostPage: number): void {
    if (this.tlb.isCodePage(hostPage)) this.onCodeWrite(hostPage);
  }

  // --- the slow path (MemorySlowPath) -------------------------------------------

  load(addrLo: number, addrHi: number, memop: number, mmuIdx: number): void {
    const sizeLog = memop & MemOp.SIZE_MASK;
    const size = 1 << sizeLog;
    let lo = 0;
    let hi = 0;
    if ((addrLo & (size - 1)) === 0) {
      const host = this.probeIo(addrLo, addrHi, Access.Read, mmuIdx);
      if (host >= 0) {
        const m = this.mem;
        switch (sizeLog) {
          case 0: lo = m.u8[host]!; break;
          case 1: lo = m.u16[host >>> 1]!; break;
          case 2: lo = m.i32[host >>> 2]!; break;
          default: lo = m.i32[host >>> 2]!; hi = m.i32[(host >>> 2) + 1]!; break;
        }
      } else if (host === IO) {
        this.ioRead(size);
        lo = this.valLo;
        hi = this.valHi;
      } else {
        this.faults.raiseMemFault(Access.Read, this.lastFault, addrLo, addrHi);
      }
    } else {
      if (memop & MemOp.ALIGN) this.faults.raiseMemFault(Access.Read, FaultKind.Misaligned, addrLo, addrHi);
      this.loadBytewise(addrLo, addrHi, size, mmuIdx);
      lo = this.valLo;
      hi = this.valHi;
    }
    if (memop & MemOp.BSWAP) {
      switch (sizeLog) {
        case 0: break;
        case 1: lo = ((lo & 0xff) << 8) | ((lo >>> 8) & 0xff); break;
        case 2: lo = bswap32(lo); break;
        default: { const t = bswap32(lo); lo = bswap32(hi); hi = t; break; }
      }
    }
    if (sizeLog < 3) {
      const shift = 32 - (8 << sizeLog);
      if (memop & MemOp.SIGN) {
        lo = shift === 0 ? lo | 0 : (lo << shift) >> shift;
        hi = lo >> 31;
      } else {
        lo = shift === 0 ? lo | 0 : (lo << shift) >>> shift;
        hi = 0;
      }
    }
    const i32 = this.mem.i32;
    i32[HELPER_RET_WORD] = lo;
    i32[HELPER_RET_WORD + 1] = hi;
  }

  store(addrLo: number, addrHi: number, valLo: number, valHi: number, memop: number, mmuIdx: number): void {
    const sizeLog = memop & MemOp.SIZE_MASK;
    const size = 1 << sizeLog;
    let lo = valLo | 0;
    let hi = valHi | 0;
    if (memop & MemOp.BSWAP) {
      switch (sizeLog) {
        case 0: break;
        case 1: lo = ((lo & 0xff) << 8) | ((lo >>> 8) & 0xff); break;
        case 2: lo = bswap32(lo); break;
        default: { const t = bswap32(lo); lo = bswap32(hi); hi = t; break; }
      }
    }
    if ((addrLo & (size - 1)) === 0) {
      const host = this.probeIo(addrLo, addrHi, Access.Write, mmuIdx);
      if (host === IO) {
        this.ioWrite(size, lo, hi);
        return;
      }
      if (host < 0) this.faults.raiseMemFault(Access.Write, this.lastFault, addrLo, addrHi);
      this.noteHostWrite(host >>> PAGE_BITS);
      const m = this.mem;
      switch (sizeLog) {
        case 0: m.u8[host] = lo; break;
        case 1: m.u16[host >>> 1] = lo; break;
        case 2: m.i32[host >>> 2] = lo; break;
        default: m.i32[host >>> 2] = lo; m.i32[(host >>> 2) + 1] = hi; break;
      }
      return;
    }
    if (memop & MemOp.ALIGN) this.faults.raiseMemFault(Access.Write, FaultKind.Misaligned, addrLo, addrHi);
    this.storeBytewise(addrLo, addrHi, lo, hi, size, mmuIdx);
  }

  /** A device read of `size` bytes at ioPaddr, into valLo / valHi. */
  private ioRead(size: number): void {
    const v = this.bus().mmioRead(this.ioPaddr, size);
    if (typeof v === 'bigint') {
      this.valLo = Number(BigInt.asUintN(32, v)) | 0;
      this.valHi = size === 8 ? Number(BigInt.asUintN(32, v >> 32n)) | 0 : 0;
    } else {
      this.valLo = v | 0;
      this.valHi = size === 8 ? Math.floor(v / TWO_32) | 0 : 0;
    }
  }

  /** A device write of the low `size` bytes of (lo, hi) at ioPaddr: a number for 1/2/4 bytes, a bigint for 8. */
  private ioWrite(size: number, lo: number, hi: number): void {
    const bus = this.bus();
    if (size === 8) bus.mmioWrite(this.ioPaddr, 8, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
    else bus.mmioWrite(this.ioPaddr, size, size === 4 ? lo >>> 0 : lo & ((1 << (8 * size)) - 1));
  }

  private bus(): MmioBus {
    if (this.mmioBus === null) throw new Error('SoftMmu: a device page was mapped but mmioBus is not set');
    return this.mmioBus;
  }

  /**
   * A misaligned access: both pages are translated before any byte moves,
   * so a store faulting on its second page leaves memory untouched.
   */
  private loadBytewise(addrLo: number, addrHi: number, size: number, mmuIdx: number): void {
    const first = this.probeOrRaise(addrLo, addrHi, Access.Read, mmuIdx);
    const inFirst = Math.min(size, PAGE_SIZE - (addrLo & PAGE_OFFSET_MASK));
    const second = inFirst < size ? this.probeNextPage(addrLo, addrHi, Access.Read, mmuIdx) : 0;
    const u8 = this.mem.u8;
    let lo = 0, hi = 0;
    for (let i = 0; i < size; i++) {
      const b = i < inFirst ? u8[first + i]! : u8[second + i - inFirst]!;
      if (i < 4) lo |= b << (8 * i);
      else hi |= b << (8 * (i - 4));
    }
    this.valLo = lo;
    this.valHi = hi;
  }

  private storeBytewise(addrLo: number, addrHi: number, lo: number, hi: number, size: number, mmuIdx: number): void {
    const first = this.probeOrRaise(addrLo, addrHi, Access.Write, mmuIdx);
    const inFirst = Math.min(size, PAGE_SIZE - (addrLo & PAGE_OFFSET_MASK));
    const second = inFirst < size ? this.probeNextPage(addrLo, addrHi, Access.Write, mmuIdx) : 0;
    this.noteHostWrite(first >>> PAGE_BITS);
    if (inFirst < size) this.noteHostWrite(second >>> PAGE_BITS);
    const u8 = this.mem.u8;
    for (let i = 0; i < size; i++) {
      const b = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      if (i < inFirst) u8[first + i] = b;
      else u8[second + i - inFirst] = b;
    }
  }

  /** Host address of the first byte of the page after the one holding (addrLo, addrHi). */
  private probeNextPage(addrLo: number, addrHi: number, access: Access, mmuIdx: number): number {
    const nextLo = ((addrLo & PAGE_MASK_LO) + PAGE_SIZE) | 0;
    const nextHi = nextLo === 0 ? (addrHi + 1) | 0 : addrHi;
    return this.probeOrRaise(nextLo, nextHi, access, mmuIdx);
  }

  // --- code -----------------------------------------------------------------------

  /**
   * 16 bits of code at (vaddrLo, vaddrHi) through the code tags. Raises the
   * fetch fault (with the address of the part that faulted) on failure.
   * Sets lastFetchHostPage / lastFetchHostPage2 for the TB's page list.
   */
  fetchCode16(vaddrLo: number, vaddrHi: number, mmuIdx: number): number {
    const first = this.probeOrRaise(vaddrLo, vaddrHi, Access.Fetch, mmuIdx);
    this.lastFetchHostPage = first >>> PAGE_BITS;
    this.lastFetchHostPage2 = -1;
    const u8 = this.mem.u8;
    if ((vaddrLo & PAGE_OFFSET_MASK) !== PAGE_OFFSET_MASK) return u8[first]! | (u8[first + 1]! << 8);
    const second = this.probeNextPage(vaddrLo, vaddrHi, Access.Fetch, mmuIdx);
    this.lastFetchHostPage2 = second >>> PAGE_BITS;
    return u8[first]! | (u8[second]! << 8);
  }

  /** A fetcher for translating one TB: it records the host pages it reads. */
  codeFetcher(mmuIdx: number): RecordingCodeFetcher {
    return new RecordingCodeFetcher(this, mmuIdx, this.mem);
  }

  /** Host page of the code at (pcLo, pcHi), or -1 if it cannot be fetched (never raises). */
  codeHostPage(pcLo: number, pcHi: number, mmuIdx: number): number {
    const host = this.probe(pcLo, pcHi, Access.Fetch, mmuIdx);
    return host < 0 ? -1 : host >>> PAGE_BITS;
  }

  protectCodePage(hostPage: number): void {
    this.tlb.protectCodePage(hostPage);
  }

  unprotectCodePage(hostPage: number): void {
    this.tlb.unprotectCodePage(hostPage);
  }

  isCodePage(hostPage: number): boolean {
    return this.tlb.isCodePage(hostPage);
  }

  /** Changes on every TLB flush: virtual-address caches (the TB jump cache) must be dropped then. */
  get tlbFlushes(): TlbFlushLog {
    return this.tlb;
  }

  // --- flushes ---------------------------------------------------------------------

  flushAll(): void { this.tlb.flushAll(); }
  flushPage(vaddrLo: number, vaddrHi: number): void { this.tlb.flushPage(vaddrLo, vaddrHi); }
  flushMmu(mmuIdx: number): void {
    this.tlb.flushMmu(mmuIdx);
    this.tlb.flushMmu(codeTlbIndex(mmuIdx));
  }

  // --- host-side access (GuestMemoryAccess) -------------------------------------------

  read(vaddr: number, len: number): Uint8Array | null { return this.accessor.read(vaddr, len); }
  write(vaddr: number, data: Uint8Array): boolean { return this.accessor.write(vaddr, data); }
  readCString(vaddr: number, maxLen?: number): string | null { return this.accessor.readCString(vaddr, maxLen); }
  readU64(vaddr: number): bigint | null { return this.accessor.readU64(vaddr); }
  writeU64(vaddr: number, value: bigint): boolean { return this.accessor.writeU64(vaddr, value); }
  readU32(vaddr: number): number | null { return this.accessor.readU32(vaddr); }
  writeU32(vaddr: number, value: number): boolean { return this.accessor.writeU32(vaddr, value); }
}
