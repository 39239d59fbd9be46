// User mode's map of the guest address space (the kernel's VMAs, in spirit).
//
// Regions (sorted, non-overlapping, page aligned) say what is mapped and with
// which protection; the guest pages inside them are backed lazily by 4 KiB
// pages of the linear memory, allocated on first touch, so a large PROT_NONE
// reservation or an untouched heap costs nothing. Every change of a mapping
// flushes the TLB entries of the affected pages and, when a backing page is
// given back, lets the execution loop drop translated code that lived on it.
//
// Addresses are plain numbers: user-mode addresses stay below 2^47.

import { LinearMemory } from '../memory/linear-memory.js';
import { PageAllocator } from '../memory/page-allocator.js';
import { Access, FaultKind, GuestMemoryAccess, PageLookup, PageTranslator, Prot } from '../memory/softmmu-api.js';
import { PAGE_BITS, PAGE_SIZE, TLB_ENTRIES } from '../memory/tlb-layout.js';
import { Errno } from './errno.js';
import { Madv, Map_, Mremap } from './linux-mman.js';

/** The top of the user address space (riscv64 Sv48 user half). */
export const USER_ADDRESS_LIMIT = 2 ** 47;
const TWO_32 = 2 ** 32;

/** Where anonymous mappings without a hint go: qemu-riscv64 7.2's TASK_UNMAPPED_BASE on a 64-bit host. */
export const MMAP_BASE = 0x40_0000_0000;

export interface Region {
  start: number;
  end: number;
  prot: number;
  /** For /proc/self/maps-like dumps and debugging: file path, "[stack]", "[heap]" or "". */
  name: string;
}

export interface MapSnapshot {
  readonly regions: Region[];
  readonly backing: Map<number, number>;
  readonly brkStart: number;
  readonly brkCurrent: number;
  readonly outerDeferred: number[] | null;
}

/** Where file contents come from (a host fd in the syscalls, a buffer in tests). */
export interface FileSource {
  /** Read up to len bytes at file position pos into dst[dstOff..]; returns bytes read (0 at EOF). */
  read(dst: Uint8Array, dstOff: number, len: number, pos: number): number;
}

/** What the map tells the rest of the machine (set once the MMU and loop exist). */
export interface MapListener {
  flushPage(vaddrLo: number, vaddrHi: number): void;
  flushAll(): void;
  /** A linear-memory page (offset >>> PAGE_BITS) is about to be reused: drop its translated code. */
  hostPageFreed(hostPage: number): void;
  /** Host-side code wrote guest memory (read(2) into a buffer, ...): translated code there is stale. */
  hostWritten(hostPage: number): void;
}

const NULL_LISTENER: MapListener = { flushPage() {}, flushAll() {}, hostPageFreed() {}, hostWritten() {} };

export const pageDown = (a: number): number => a - (a % PAGE_SIZE);
export const pageUp = (a: number): number => pageDown(a + PAGE_SIZE - 1);

export class GuestMemoryMap implements PageTranslator, GuestMemoryAccess {
  /** Sorted by start, non-overlapping. */
  private readonly regions: Region[] = [];
  /** Guest page number -> linear-memory offset of its backing page. */
  private readonly backing = new Map<number, number>();
  listener: MapListener = NULL_LISTENER;
  brkStart = 0;
  brkCurrent = 0;
  private lastRegion: Region | null = null;

  constructor(private readonly mem: LinearMemory, private readonly pages: PageAllocator, readonly mmapBase = MMAP_BASE) {}

  // ---- PageTranslator (TLB misses) ----

  translatePage(vaddrLo: number, vaddrHi: number, access: Access, _mmuIdx: number, out: PageLookup): FaultKind {
    const vaddr = (vaddrHi >>> 0) * TWO_32 + (vaddrLo >>> 0);
    const region = this.findRegion(vaddr);
    if (!region) return FaultKind.Unmapped;
    const prot = effectiveProt(region.prot);
    const need = access === Access.Read ? Prot.READ : access === Access.Write ? Prot.WRITE : Prot.EXEC;
    if (!(prot & need)) return FaultKind.Protection;
    const host = this.backPage(Math.floor(vaddr / PAGE_SIZE));
    if (host < 0) return FaultKind.Unmapped; // linear memory exhausted: the guest sees a fault
    out.host = host;
    out.prot = prot;
    return FaultKind.None;
  }

  // ---- queries ----

  findRegion(addr: number): Region | null {
    const last = this.lastRegion;
    if (last && addr >= last.start && addr < last.end) return last;
    let lo = 0, hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.regions[mid]!;
      if (addr < r.start) hi = mid - 1;
      else if (addr >= r.end) lo = mid + 1;
      else return (this.lastRegion = r);
    }
    return null;
  }

  /** A copy of the region list, for tests and dumps. */
  listRegions(): Region[] {
    return this.regions.map((r) => ({ ...r }));
  }

  isRangeFree(start: number, end: number): boolean {
    for (const r of this.regions) if (r.start < end && r.end > start) return false;
    return true;
  }

  /** Lowest free gap of len bytes at or above from (first fit), or -1. */
  findFree(len: number, from = this.mmapBase): number {
    let cand = pageUp(Math.max(from, PAGE_SIZE));
    for (const r of this.regions) {
      if (r.end <= cand) continue;
      if (r.start >= cand + len) break;
      cand = r.end;
    }
    return cand + len <= USER_ADDRESS_LIMIT ? cand : -1;
  }

  /** Bytes of linear memory backing guest pages. */
  get residentBytes(): number {
    return this.backing.size * PAGE_SIZE;
  }

  // ---- mapping changes (the system calls' semantics; results are addresses or -errno) ----

  mmap(addr: number, len: number, prot: number, flags: number, file: FileSource | null = null, fileOffset = 0, name = ''): number {
    if (len <= 0 || addr % PAGE_SIZE !== 0 && flags & (Map_.FIXED | Map_.FIXED_NOREPLACE)) return -Errno.EINVAL;
    if (fileOffset % PAGE_SIZE !== 0) return -Errno.EINVAL;
    const size = pageUp(len);
    if (size > USER_ADDRESS_LIMIT) return -Errno.ENOMEM;
    let start: number;
    if (flags & Map_.FIXED_NOREPLACE) {
      if (!this.inUserRange(addr, size)) return -Errno.ENOMEM;
      if (!this.isRangeFree(addr, addr + size)) return -Errno.EEXIST;
      start = addr;
    } else if (flags & Map_.FIXED) {
      if (!this.inUserRange(addr, size)) return -Errno.ENOMEM;
      start = addr;
    } else {
      const hint = pageDown(addr);
      start = hint !== 0 && this.inUserRange(hint, size) && this.isRangeFree(hint, hint + size) ? hint : this.findFree(size);
      if (start < 0) return -Errno.ENOMEM;
    }
    this.unmapRange(start, start + size);
    this.insertRegion({ start, end: start + size, prot, name });
    if (file) {
      const ok = this.fillFromFile(start, len, file, fileOffset);
      if (!ok) {
        this.unmapRange(start, start + size);
        return -Errno.ENOMEM;
      }
    }
    return start;
  }

  munmap(addr: number, len: number): number {
    if (addr % PAGE_SIZE !== 0 || len <= 0) return -Errno.EINVAL;
    const size = pageUp(len);
    if (!this.inUserRange(addr, size)) return -Errno.EINVAL;
    this.unmapRange(addr, addr + size);
    return 0;
  }

  mprotect(addr: number, len: number, prot: number): number {
    if (addr % PAGE_SIZE !== 0) return -Errno.EINVAL;
    if (len === 0) return 0;
    const end = addr + pageUp(len);
    // Linux fails with ENOMEM when part of the range is unmapped, before changing anything.
    let covered = addr;
    for (const r of this.regions) {
      if (r.end <= covered) continue;
      if (r.start > covered || covered >= end) break;
      covered = r.end;
    }
    if (covered < end) return -Errno.ENOMEM;
    this.splitAt(addr);
    this.splitAt(end);
    for (const r of this.regions) if (r.start >= addr && r.end <= end) r.prot = prot;
    this.coalesce();
    this.flushRange(addr, end);
    return 0;
  }

  mremap(oldAddr: number, oldLen: number, newLen: number, flags: number, newAddr: number): number {
    if (oldAddr % PAGE_SIZE !== 0 || newLen <= 0) return -Errno.EINVAL;
    if (flags & ~(Mremap.MAYMOVE | Mremap.FIXED | Mremap.DONTUNMAP)) return -Errno.EINVAL;
    if (flags & Mremap.FIXED && !(flags & Mremap.MAYMOVE)) return -Errno.EINVAL;
    const oldSize = pageUp(oldLen), newSize = pageUp(newLen);
    const region = this.findRegion(oldAddr);
    if (!region || oldAddr + oldSize > region.end) return -Errno.EFAULT;
    if (flags & Mremap.FIXED) {
      if (newAddr % PAGE_SIZE !== 0 || !this.inUserRange(newAddr, newSize)) return -Errno.EINVAL;
      if (newAddr < oldAddr + oldSize && newAddr + newSize > oldAddr) return -Errno.EINVAL;
      this.unmapRange(newAddr, newAddr + newSize);
      return this.moveRange(oldAddr, oldSize, newAddr, newSize, region);
    }
    if (newSize <= oldSize) {
      this.unmapRange(oldAddr + newSize, oldAddr + oldSize);
      return oldAddr;
    }
    // Grow in place when the pages after the old range are free.
    if (oldAddr + oldSize === region.end && this.inUserRange(oldAddr, newSize) && this.isRangeFree(region.end, oldAddr + newSize)) {
      this.insertRegion({ start: region.end, end: oldAddr + newSize, prot: region.prot, name: region.name });
      return oldAddr;
    }
    if (!(flags & Mremap.MAYMOVE)) return -Errno.ENOMEM;
    const dest = this.findFree(newSize);
    if (dest < 0) return -Errno.ENOMEM;
    return this.moveRange(oldAddr, oldSize, dest, newSize, region);
  }

  madvise(addr: number, len: number, advice: number): number {
    if (addr % PAGE_SIZE !== 0) return -Errno.EINVAL;
    if (advice !== Madv.DONTNEED && advice !== Madv.FREE) return 0;
    const end = addr + pageUp(len);
    // DONTNEED on private anonymous memory reads back as zeros afterwards:
    // giving the backing pages back gives exactly that.
    for (const r of this.regions) {
      if (r.end <= addr || r.start >= end) continue;
      if (r.name !== '' && r.name !== '[heap]' && r.name !== '[stack]') continue; // file-backed: keep contents
      this.releaseBacking(Math.max(r.start, addr), Math.min(r.end, end));
    }
    return 0;
  }

  /** Set the program break after the loaded image (called by the loader). */
  initBrk(addr: number): void {
    this.brkStart = this.brkCurrent = addr;
  }

  brk(requested: number): number {
    if (requested === 0 || requested < this.brkStart) return this.brkCurrent;
    const oldTop = pageUp(this.brkCurrent), newTop = pageUp(requested);
    if (newTop > oldTop) {
      if (!this.inUserRange(oldTop, newTop - oldTop) || !this.isRangeFree(oldTop, newTop)) return this.brkCurrent;
      this.insertRegion({ start: oldTop, end: newTop, prot: Prot.READ | Prot.WRITE, name: '[heap]' });
    } else if (newTop < oldTop) {
      this.unmapRange(newTop, oldTop);
    }
    // Bytes between the new break and its page end must read as zero when the break grows again.
    if (requested < this.brkCurrent) this.zeroGuest(requested, Math.min(this.brkCurrent, newTop) - requested);
    this.brkCurrent = requested;
    return requested;
  }

  // ---- host-side access (system calls, loader, signal frames) ----

  read(vaddr: number, len: number): Uint8Array | null {
    // Check first: a bogus length with a small buffer must not allocate gigabytes.
    if (!this.canAccess(vaddr, len, Prot.READ)) return null;
    const out = new Uint8Array(len);
    return this.copyOut(vaddr, out, Prot.READ) ? out : null;
  }

  /** Copy guest memory into dst; false if any byte is not readable. */
  copyOut(vaddr: number, dst: Uint8Array, need: number = Prot.READ): boolean {
    let done = 0;
    while (done < dst.length) {
      const a = vaddr + done;
      const inPage = Math.min(PAGE_SIZE - (a % PAGE_SIZE), dst.length - done);
      const region = this.findRegion(a);
      if (!region || (need && !(effectiveProt(region.prot) & need))) return false;
      const host = this.backing.get(Math.floor(a / PAGE_SIZE));
      if (host === undefined) dst.fill(0, done, done + inPage);
      else dst.set(this.mem.u8.subarray(host + (a % PAGE_SIZE), host + (a % PAGE_SIZE) + inPage), done);
      done += inPage;
    }
    return true;
  }

  write(vaddr: number, data: Uint8Array): boolean {
    return this.copyIn(vaddr, data, Prot.WRITE);
  }

  /** Write ignoring page protection (the loader filling read-only segments, the signal trampoline). */
  writeForce(vaddr: number, data: Uint8Array): boolean {
    return this.copyIn(vaddr, data, 0);
  }

  /** True if every byte of [vaddr, vaddr+len) is mapped with `need` (a Prot bit, or 0 for mapped at all). */
  canAccess(vaddr: number, len: number, need: number): boolean {
    // Region by region, so checking a huge range costs one lookup per mapping, not per page.
    for (let a = vaddr; a < vaddr + len;) {
      const region = this.findRegion(a);
      if (!region || (need && !(effectiveProt(region.prot) & need))) return false;
      a = region.end;
    }
    return true;
  }

  private copyIn(vaddr: number, data: Uint8Array, need: number): boolean {
    // Check the whole range first so a failed write changes nothing.
    if (!this.canAccess(vaddr, data.length, need)) return false;
    let done = 0;
    while (done < data.length) {
      const a = vaddr + done;
      const inPage = Math.min(PAGE_SIZE - (a % PAGE_SIZE), data.length - done);
      const host = this.backPage(Math.floor(a / PAGE_SIZE));
      if (host < 0) return false;
      this.mem.u8.set(data.subarray(done, done + inPage), host + (a % PAGE_SIZE));
      this.listener.hostWritten(host >>> PAGE_BITS);
      done += inPage;
    }
    return true;
  }

  readCString(vaddr: number, maxLen = 4096): string | null {
    const bytes: number[] = [];
    const one = new Uint8Array(1);
    for (let i = 0; i < maxLen; i++) {
      if (!this.copyOut(vaddr + i, one)) return null;
      if (one[0] === 0) return Buffer.from(bytes).toString('utf8');
      bytes.push(one[0]!);
    }
    return null;
  }

  readU64(vaddr: number): bigint | null {
    const b = this.read(vaddr, 8);
    return b ? new DataView(b.buffer).getBigUint64(0, true) : null;
  }

  writeU64(vaddr: number, value: bigint): boolean {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    return this.write(vaddr, b);
  }

  readU32(vaddr: number): number | null {
    const b = this.read(vaddr, 4);
    return b ? new DataView(b.buffer).getUint32(0, true) : null;
  }

  writeU32(vaddr: number, value: number): boolean {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, true);
    return this.write(vaddr, b);
  }

  /** Zero guest bytes (bss tails), ignoring protection. */
  zeroGuest(vaddr: number, len: number): void {
    if (len > 0) this.writeForce(vaddr, new Uint8Array(len));
  }

  // ---- fork emulation (fork-emulation.ts) ----

  /** Frees held back while a fork child runs: its parent may still own those pages. */
  private deferredFrees: number[] | null = null;

  /** The parent's view, to come back to when the emulated child ends. Frees are deferred from now on. */
  snapshot(): MapSnapshot {
    const snap = { regions: this.listRegions(), backing: new Map(this.backing), brkStart: this.brkStart, brkCurrent: this.brkCurrent, outerDeferred: this.deferredFrees };
    this.deferredFrees = [];
    return snap;
  }

  /**
   * Back to the parent's mappings: pages only the child used go back to the
   * allocator; the parent's pages (whose contents the caller restores) stay.
   */
  restore(snap: MapSnapshot): void {
    const parentPages = new Set(snap.backing.values());
    const childOnly = new Set<number>();
    for (const host of this.backing.values()) if (!parentPages.has(host)) childOnly.add(host);
    for (const host of this.deferredFrees ?? []) if (!parentPages.has(host)) childOnly.add(host);
    this.deferredFrees = snap.outerDeferred;
    this.regions.length = 0;
    this.regions.push(...snap.regions);
    this.backing.clear();
    for (const [vpn, host] of snap.backing) this.backing.set(vpn, host);
    this.brkStart = snap.brkStart;
    this.brkCurrent = snap.brkCurrent;
    this.lastRegion = null;
    for (const host of childOnly) this.freeHostPage(host);
    this.listener.flushAll();
  }

  private freeHostPage(host: number): void {
    this.listener.hostPageFreed(host >>> PAGE_BITS);
    if (this.deferredFrees) this.deferredFrees.push(host);
    else this.pages.freePage(host);
  }

  // ---- internals ----

  private inUserRange(addr: number, size: number): boolean {
    return addr >= 0 && addr + size <= USER_ADDRESS_LIMIT;
  }

  /** The backing page of guest page vpn, allocated (zeroed) on first touch; -1 when memory is exhausted. */
  private backPage(vpn: number): number {
    const host = this.backing.get(vpn);
    if (host !== undefined) return host;
    const fresh = this.pages.allocPage();
    if (fresh < 0) return -1;
    this.backing.set(vpn, fresh);
    return fresh;
  }

  private fillFromFile(start: number, len: number, file: FileSource, fileOffset: number): boolean {
    for (let off = 0; off < len; off += PAGE_SIZE) {
      const host = this.backPage((start + off) / PAGE_SIZE);
      if (host < 0) return false;
      const want = Math.min(PAGE_SIZE, len - off);
      let got = 0;
      while (got < want) {
        const n = file.read(this.mem.u8, host + got, want - got, fileOffset + off + got);
        if (n <= 0) return true; // past the end of the file: the rest stays zero
        got += n;
      }
    }
    return true;
  }

  /** Split the region containing addr so that a region boundary falls on addr. */
  private splitAt(addr: number): void {
    const i = this.regions.findIndex((r) => r.start < addr && r.end > addr);
    if (i < 0) return;
    const r = this.regions[i]!;
    this.regions.splice(i + 1, 0, { start: addr, end: r.end, prot: r.prot, name: r.name });
    r.end = addr;
    this.lastRegion = null;
  }

  private insertRegion(region: Region): void {
    let i = 0;
    while (i < this.regions.length && this.regions[i]!.start < region.start) i++;
    this.regions.splice(i, 0, region);
    this.coalesce();
  }

  /** Merge neighbours with the same protection and name (as the kernel merges VMAs), so mremap sees one region. */
  private coalesce(): void {
    for (let i = this.regions.length - 1; i > 0; i--) {
      const prev = this.regions[i - 1]!, cur = this.regions[i]!;
      if (prev.end === cur.start && prev.prot === cur.prot && prev.name === cur.name) {
        prev.end = cur.end;
        this.regions.splice(i, 1);
      }
    }
    this.lastRegion = null;
  }

  /** Remove every mapping in [start, end), giving back its backing pages. */
  private unmapRange(start: number, end: number): void {
    if (this.isRangeFree(start, end)) return;
    this.splitAt(start);
    this.splitAt(end);
    for (let i = this.regions.length - 1; i >= 0; i--) {
      const r = this.regions[i]!;
      if (r.start >= start && r.end <= end) this.regions.splice(i, 1);
    }
    this.lastRegion = null;
    this.releaseBacking(start, end);
  }

  /** Drop the backing pages of [start, end) (they read as zero if touched again). */
  private releaseBacking(start: number, end: number): void {
    const firstVpn = start / PAGE_SIZE, endVpn = end / PAGE_SIZE;
    const release = (vpn: number, host: number): void => {
      this.backing.delete(vpn);
      this.freeHostPage(host);
    };
    if (endVpn - firstVpn > this.backing.size) {
      for (const [vpn, host] of [...this.backing]) if (vpn >= firstVpn && vpn < endVpn) release(vpn, host);
    } else {
      for (let vpn = firstVpn; vpn < endVpn; vpn++) {
        const host = this.backing.get(vpn);
        if (host !== undefined) release(vpn, host);
      }
    }
    this.flushRange(start, end);
  }

  private moveRange(oldAddr: number, oldSize: number, newAddr: number, newSize: number, region: Region): number {
    const prot = region.prot, name = region.name;
    const moved: [number, number][] = [];
    const keep = Math.min(oldSize, newSize) / PAGE_SIZE;
    for (let i = 0; i < keep; i++) {
      const host = this.backing.get(oldAddr / PAGE_SIZE + i);
      if (host !== undefined) {
        this.backing.delete(oldAddr / PAGE_SIZE + i);
        moved.push([newAddr / PAGE_SIZE + i, host]);
      }
    }
    this.unmapRange(oldAddr, oldAddr + oldSize);
    this.insertRegion({ start: newAddr, end: newAddr + newSize, prot, name });
    for (const [vpn, host] of moved) this.backing.set(vpn, host);
    this.flushRange(newAddr, newAddr + newSize);
    return newAddr;
  }

  private flushRange(start: number, end: number): void {
    const pagesInRange = (end - start) / PAGE_SIZE;
    // Past one TLB's worth of pages, every entry may be hit anyway: one full flush is cheaper.
    if (pagesInRange > TLB_ENTRIES) {
      this.listener.flushAll();
      return;
    }
    for (let a = start; a < end; a += PAGE_SIZE) this.listener.flushPage(a % TWO_32 | 0, Math.floor(a / TWO_32));
  }
}

/** Linux on RISC-V: a writable page is readable too (W without R is reserved in the page tables). */
function effectiveProt(prot: number): number {
  return prot & Prot.WRITE ? prot | Prot.READ : prot;
}
