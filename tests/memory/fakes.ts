// Test doubles for the software MMU: a page map standing in for user mode's
// (or the page-table walker's) PageTranslator, and a FaultRaiser that records
// the fault and throws GUEST_EXCEPTION like a real target.

import { GUEST_EXCEPTION } from '../../src/exec/exception.js';
import { Cpu, CPU_BASE, GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { Access, FaultKind, FaultRaiser, PageLookup, PageTranslator } from '../../src/memory/softmmu-api.js';
import { SoftMmu } from '../../src/memory/softmmu.js';
import { PAGE_BITS, PAGE_SIZE } from '../../src/memory/tlb-layout.js';

export interface FakeMapping { host: number; prot: number }

/** Guest page number (vaddr / 4096, as a number) -> host page offset and prot. */
export class FakePageMap implements PageTranslator {
  readonly pages = new Map<number, FakeMapping>();
  translations = 0;

  map(vaddr: number, host: number, prot: number): void {
    this.pages.set(Math.floor(vaddr / PAGE_SIZE), { host, prot });
  }

  unmap(vaddr: number): void {
    this.pages.delete(Math.floor(vaddr / PAGE_SIZE));
  }

  translatePage(vaddrLo: number, vaddrHi: number, _access: Access, _mmuIdx: number, out: PageLookup): FaultKind {
    this.translations++;
    const page = (vaddrHi >>> 0) * (2 ** (32 - PAGE_BITS)) + (vaddrLo >>> PAGE_BITS);
    const m = this.pages.get(page);
    if (!m) return FaultKind.Unmapped;
    out.host = m.host;
    out.prot = m.prot;
    return FaultKind.None;
  }
}

export interface RecordedFault { access: Access; fault: FaultKind; lo: number; hi: number }

export class FakeFaults implements FaultRaiser {
  readonly faults: RecordedFault[] = [];

  constructor(private readonly mem: LinearMemory) {}

  raiseMemFault(access: Access, fault: FaultKind, vaddrLo: number, vaddrHi: number): never {
    this.faults.push({ access, fault, lo: vaddrLo >>> 0, hi: vaddrHi >>> 0 });
    this.mem.i32[(CPU_BASE + Cpu.EXCEPTION) >> 2] = 100 + fault;
    this.mem.writeU64(CPU_BASE + Cpu.EXCEPTION_VALUE, (BigInt(vaddrHi >>> 0) << 32n) | BigInt(vaddrLo >>> 0));
    throw GUEST_EXCEPTION;
  }
}

/** A small machine: linear memory with room for a few guest pages, a page map and an MMU. */
export function makeMmu(): { mem: LinearMemory; map: FakePageMap; faults: FakeFaults; mmu: SoftMmu; hostPage: (i: number) => number } {
  const mem = new LinearMemory(GUEST_BASE + 64 * PAGE_SIZE);
  const map = new FakePageMap();
  const faults = new FakeFaults(mem);
  const mmu = new SoftMmu(mem, map, faults);
  return { mem, map, faults, mmu, hostPage: (i) => GUEST_BASE + i * PAGE_SIZE };
}

/** The 64-bit result the slow path left in Cpu.HELPER_RET. */
export function helperRet(mem: LinearMemory): bigint {
  return mem.readU64(CPU_BASE + Cpu.HELPER_RET);
}
