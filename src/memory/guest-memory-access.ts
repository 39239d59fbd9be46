// Host-side access to guest virtual memory (system calls, the ELF loader,
// signal frames): page by page through the same TLB as translated code, but
// answering null / false on a fault instead of raising, so callers can return
// EFAULT. Writes respect code-page protection: a write() over translated code
// invalidates its TBs exactly as a guest store would.

import type { LinearMemory } from './linear-memory.js';
import { Access } from './softmmu-api.js';
import type { SoftMmu } from './softmmu.js';
import { PAGE_BITS, PAGE_SIZE } from './tlb-layout.js';

const TWO_32 = 4294967296;
/**
 * Default bound of readCString: Linux limits one argv/envp string to
 * MAX_ARG_STRLEN (32 pages = 128 KiB), the longest string a syscall takes.
 */
const DEFAULT_CSTRING_MAX = 32 * PAGE_SIZE;

const utf8 = new TextDecoder('utf-8');

export class GuestMemoryAccessor {
  /** MMU index of the accesses (0: user mode's only table). */
  mmuIdx = 0;

  constructor(private readonly mem: LinearMemory, private readonly mmu: SoftMmu) {}

  /** Host address of vaddr for access, or -1 on a fault. */
  private hostOf(vaddr: number, access: Access): number {
    return this.mmu.probe(vaddr >>> 0, Math.floor(vaddr / TWO_32) | 0, access, this.mmuIdx);
  }

  /** Bytes from vaddr to the end of its page. */
  private static roomInPage(vaddr: number): number {
    return PAGE_SIZE - (vaddr % PAGE_SIZE);
  }

  read(vaddr: number, len: number): Uint8Array | null {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const v = vaddr + done;
      const host = this.hostOf(v, Access.Read);
      if (host < 0) return null;
      const n = Math.min(len - done, GuestMemoryAccessor.roomInPage(v));
      out.set(this.mem.u8.subarray(host, host + n), done);
      done += n;
    }
    return out;
  }

  /** All pages are checked before any byte is written: a fault leaves memory untouched. */
  write(vaddr: number, data: Uint8Array): boolean {
    for (let done = 0; done < data.length;) {
      const v = vaddr + done;
      if (this.hostOf(v, Access.Write) < 0) return false;
      done += Math.min(data.length - done, GuestMemoryAccessor.roomInPage(v));
    }
    for (let done = 0; done < data.length;) {
      const v = vaddr + done;
      const host = this.hostOf(v, Access.Write);
      if (host < 0) return false; // an onCodeWrite callback remapped memory: give up cleanly
      const n = Math.min(data.length - done, GuestMemoryAccessor.roomInPage(v));
      this.mmu.noteHostWrite(host >>> PAGE_BITS);
      this.mem.u8.set(data.subarray(done, done + n), host);
      done += n;
    }
    return true;
  }

  /** The NUL-terminated string at vaddr, decoded as UTF-8; null on a fault or if no NUL within maxLen bytes. */
  readCString(vaddr: number, maxLen = DEFAULT_CSTRING_MAX): string | null {
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total < maxLen) {
      const v = vaddr + total;
      const host = this.hostOf(v, Access.Read);
      if (host < 0) return null;
      const n = Math.min(maxLen - total, GuestMemoryAccessor.roomInPage(v));
      const bytes = this.mem.u8.subarray(host, host + n);
      const nul = bytes.indexOf(0);
      if (nul >= 0) {
        chunks.push(bytes.subarray(0, nul));
        return utf8.decode(chunks.length === 1 ? chunks[0] : concat(chunks, total + nul));
      }
      chunks.push(bytes.slice());
      total += n;
    }
    return null;
  }

  readU32(vaddr: number): number | null {
    const b = this.read(vaddr, 4);
    return b === null ? null : new DataView(b.buffer).getUint32(0, true);
  }

  writeU32(vaddr: number, value: number): boolean {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, true);
    return this.write(vaddr, b);
  }

  readU64(vaddr: number): bigint | null {
    const b = this.read(vaddr, 8);
    return b === null ? null : new DataView(b.buffer).getBigUint64(0, true);
  }

  writeU64(vaddr: number, value: bigint): boolean {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    return this.write(vaddr, b);
  }
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
