// Hands out 4 KiB guest pages of the linear memory, above GUEST_BASE.
// User mode backs each touched guest page with one; system mode takes RAM as
// one contiguous run at start-up.

import { GUEST_BASE } from './layout.js';
import { LinearMemory } from './linear-memory.js';
import { PAGE_SIZE } from './tlb-layout.js';

export class PageAllocator {
  private top = GUEST_BASE;
  private readonly free: number[] = [];

  constructor(private readonly mem: LinearMemory) {}

  /** A zero-filled page, or -1 when the linear memory is exhausted. */
  allocPage(): number {
    const reused = this.free.pop();
    if (reused !== undefined) {
      this.mem.u8.fill(0, reused, reused + PAGE_SIZE);
      return reused;
    }
    return this.allocRun(1);
  }

  /** `count` contiguous zero-filled pages (fresh memory is zero), or -1. */
  allocRun(count: number): number {
    const start = this.top;
    const end = start + count * PAGE_SIZE;
    if (!this.mem.ensure(end)) return -1;
    this.top = end;
    return start;
  }

  freePage(host: number): void {
    this.free.push(host);
  }

  /** Bytes handed out and not returned. */
  get bytesInUse(): number {
    return this.top - GUEST_BASE - this.free.length * PAGE_SIZE;
  }
}
