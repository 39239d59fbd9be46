// Guest code read back from the host pages a TB was made from, with no page
// walk: what the Wasm tier compiles a decoded TB from (ExecLoop.irFor), at a
// time when the MMU may map its virtual pages elsewhere (another process) or
// not at all. Valid while the TB is: a write to those pages invalidates it.

import { LinearMemory } from '../memory/linear-memory.js';
import { PAGE_MASK_LO, PAGE_SIZE } from '../memory/tlb-layout.js';
import { CodeFetcher } from './target.js';
import { TranslationBlock } from './tb.js';

export class HostPageFetcher implements CodeFetcher {
  constructor(private readonly mem: LinearMemory, private readonly tb: TranslationBlock) {}

  fetch16(vaddrLo: number, vaddrHi: number): number {
    return this.byte(vaddrLo, vaddrHi) | (this.byte((vaddrLo + 1) | 0, vaddrLo === -1 ? (vaddrHi + 1) | 0 : vaddrHi) << 8);
  }

  private byte(lo: number, hi: number): number {
    const tb = this.tb;
    // The TB's code is on its first page and, for an instruction straddling the end, the next one.
    const samePage = ((lo ^ tb.pcLo) & PAGE_MASK_LO) === 0 && hi === tb.pcHi;
    const page = tb.hostPages[samePage ? 0 : 1];
    if (page === undefined) throw new Error(`TB at 0x${(tb.pcLo >>> 0).toString(16)}: code at 0x${(lo >>> 0).toString(16)} is outside its pages`);
    return this.mem.u8[page * PAGE_SIZE + (lo & (PAGE_SIZE - 1))]!;
  }
}
