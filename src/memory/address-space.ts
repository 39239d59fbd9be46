// The physical address map of a system-mode machine: RAM regions backed by
// runs of the linear memory, and MMIO regions answered by devices (DESIGN.md
// decision 8; TinyEMU's PhysMemoryMap). The page-table walker (or the bare
// physical mapping of M mode) turns a physical page into a PageLookup with
// lookupPage(); the SoftMmu's slow path hands device accesses back here with
// mmioRead / mmioWrite.
//
// Physical addresses are plain numbers: RISC-V's 56-bit physical addresses fit
// in a double exactly.

import type { LinearMemory } from './linear-memory.js';
import type { PageLookup } from './softmmu-api.js';
import { Prot } from './softmmu-api.js';
import { PAGE_SIZE } from './tlb-layout.js';

/**
 * A device's register window. Offsets are relative to the region's base;
 * sizes are 1, 2, 4 or 8 bytes, little-endian. A write's value is an unsigned
 * number for sizes 1/2/4 and a bigint for 8; a read may answer either (a
 * number for size 8 must be a non-negative integer below 2^53).
 */
export interface MmioRegion {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  read(offset: number, size: number): number | bigint;
  write(offset: number, size: number, value: number | bigint): void;
}

/** The callbacks of an MMIO region (TinyEMU's cpu_register_device(map, addr, size, opaque, read, write)). */
export interface MmioHandler {
  read(offset: number, size: number): number | bigint;
  write(offset: number, size: number, value: number | bigint): void;
}

export interface RamRegion {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** Linear-memory offset of the first byte (page aligned). */
  readonly host: number;
}

/** What the SoftMmu's slow path calls for a TLB entry that maps device memory. */
export interface MmioBus {
  mmioRead(paddr: number, size: number): number | bigint;
  mmioWrite(paddr: number, size: number, value: number | bigint): void;
}

export class PhysicalMemoryMap implements MmioBus {
  readonly ram: RamRegion[] = [];
  readonly mmio: MmioRegion[] = [];
  /**
   * Called for an access to a physical address no region claims (a device
   * access that raced a remap, or a translator that skipped lookupPage).
   * Reads answer 0 and writes are dropped, as on QEMU's unassigned memory.
   */
  onUnassigned: (paddr: number, size: number, isWrite: boolean) => void = () => {};
  /** The last region found: devices are hit in runs, so this saves the search. */
  private lastMmio: MmioRegion | null = null;

  constructor(private readonly mem?: LinearMemory) {}

  /** Back [base, base+size) with the linear-memory run starting at host (both page aligned). */
  addRam(name: string, base: number, size: number, host: number): RamRegion {
    if (base % PAGE_SIZE || size % PAGE_SIZE || host % PAGE_SIZE) throw new Error(`RAM region ${name} is not page aligned`);
    this.checkFree(name, base, size);
    const r = { name, base, size, host };
    this.ram.push(r);
    return r;
  }

  /** Register a device window (TinyEMU style). */
  addMmio(name: string, base: number, size: number, handler: MmioHandler): MmioRegion {
    this.checkFree(name, base, size);
    const r: MmioRegion = {
      name, base, size,
      read: (offset, sz) => handler.read(offset, sz),
      write: (offset, sz, value) => handler.write(offset, sz, value),
    };
    this.mmio.push(r);
    return r;
  }

  findRam(paddr: number): RamRegion | null {
    for (const r of this.ram) if (paddr >= r.base && paddr < r.base + r.size) return r;
    return null;
  }

  findMmio(paddr: number): MmioRegion | null {
    const last = this.lastMmio;
    if (last !== null && paddr >= last.base && paddr < last.base + last.size) return last;
    for (const r of this.mmio) {
      if (paddr >= r.base && paddr < r.base + r.size) {
        this.lastMmio = r;
        return r;
      }
    }
    return null;
  }

  /** Linear-memory offset of RAM byte paddr, or -1 if paddr is not RAM. */
  ramHost(paddr: number): number {
    const r = this.findRam(paddr);
    return r === null ? -1 : r.host + (paddr - r.base);
  }

  /**
   * Fill `out` for the physical page holding paddr, with `prot` (the walker's
   * permissions): a RAM page sets host (and mmioPage = -1), a device page sets
   * mmioPage to the page's physical address. False if nothing is there (an
   * access fault for the target).
   */
  lookupPage(paddr: number, prot: number, out: PageLookup): boolean {
    const page = paddr - (paddr % PAGE_SIZE);
    const host = this.ramHost(page);
    if (host >= 0) {
      out.host = host;
      out.prot = prot;
      out.mmioPage = -1;
      return true;
    }
    if (this.pageHasMmio(page)) {
      out.host = 0;
      out.prot = prot & (Prot.READ | Prot.WRITE); // never executable: no TB is ever built from a device
      out.mmioPage = page;
      return true;
    }
    return false;
  }

  mmioRead(paddr: number, size: number): number | bigint {
    const r = this.findMmio(paddr);
    if (r === null || paddr + size > r.base + r.size) {
      this.onUnassigned(paddr, size, false);
      return 0;
    }
    return r.read(paddr - r.base, size);
  }

  mmioWrite(paddr: number, size: number, value: number | bigint): void {
    const r = this.findMmio(paddr);
    if (r === null || paddr + size > r.base + r.size) {
      this.onUnassigned(paddr, size, true);
      return;
    }
    r.write(paddr - r.base, size, value);
  }

  /** Copy bytes into RAM at a physical address (the boot loader). Throws if they do not fit in one RAM region. */
  writePhys(paddr: number, data: Uint8Array): void {
    this.ramView(paddr, data.length).set(data);
  }

  readPhys(paddr: number, len: number): Uint8Array {
    return this.ramView(paddr, len).slice();
  }

  /**
   * The RAM bytes [paddr, paddr + len) as a view of the linear memory (the boot
   * loader reads image files straight into it). Throws if they are not in one
   * RAM region. The view dies when the memory grows: use it at once.
   */
  ramView(paddr: number, len: number): Uint8Array {
    const r = this.findRam(paddr);
    if (r === null || paddr + len > r.base + r.size) {
      throw new Error(`physical range 0x${paddr.toString(16)}+0x${len.toString(16)} is not RAM`);
    }
    const at = r.host + (paddr - r.base);
    return this.linear().u8.subarray(at, at + len);
  }

  private linear(): LinearMemory {
    if (!this.mem) throw new Error('PhysicalMemoryMap has no linear memory');
    return this.mem;
  }

  private pageHasMmio(page: number): boolean {
    for (const r of this.mmio) if (r.base < page + PAGE_SIZE && page < r.base + r.size) return true;
    return false;
  }

  private checkFree(name: string, base: number, size: number): void {
    if (size <= 0) throw new Error(`region ${name} is empty`);
    for (const r of [...this.ram, ...this.mmio]) {
      if (base < r.base + r.size && r.base < base + size) throw new Error(`region ${name} overlaps ${r.name}`);
    }
  }
}
