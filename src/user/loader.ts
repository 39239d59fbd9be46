// Loads a validated ELF image into the guest address space (binfmt_elf, in
// spirit): ET_EXEC at its linked addresses, ET_DYN (PIE, static-PIE, the
// dynamic linker) at a base chosen in the mmap area, as qemu-riscv64 does.

import { Prot } from '../memory/softmmu-api.js';
import { ElfError, ElfImage, ET_DYN, PT_LOAD, PT_PHDR, segmentProt } from './elf.js';
import { GuestMemoryMap, pageDown, pageUp } from './guest-memory-map.js';
import { Map_ } from './linux-mman.js';

export interface LoadedImage {
  /** Added to every vaddr of the file (0 for ET_EXEC). */
  bias: number;
  entry: number;
  /** Guest address of the program headers (AT_PHDR). */
  phdrAddr: number;
  phnum: number;
  /** First byte after the highest segment (where brk starts, for the main program). */
  end: number;
}

export function loadElfImage(map: GuestMemoryMap, elf: ElfImage, name: string): LoadedImage {
  const span = pageUp(elf.maxVaddr) - elf.minVaddr;
  let bias = 0;
  if (elf.type === ET_DYN) {
    const base = map.findFree(span);
    if (base < 0) throw new ElfError('no room in the address space for the image');
    bias = base - elf.minVaddr;
  } else if (!map.isRangeFree(elf.minVaddr, elf.minVaddr + span)) {
    throw new ElfError('image overlaps an existing mapping');
  }

  // Map each segment's pages; a page shared with the previous segment keeps
  // its mapping and gets the union of both protections.
  for (const seg of elf.loads) {
    if (seg.memsz === 0) continue;
    let start = pageDown(seg.vaddr + bias);
    const end = pageUp(seg.vaddr + bias + seg.memsz);
    const shared = map.findRegion(start);
    if (shared) {
      map.mprotect(start, Math.min(end, shared.end) - start, shared.prot | segmentProt(seg.flags));
      start = Math.min(end, shared.end);
    }
    if (start < end) {
      const r = map.mmap(start, end - start, segmentProt(seg.flags), Map_.FIXED | Map_.PRIVATE | Map_.ANONYMOUS, null, 0, name);
      if (r < 0) throw new ElfError('cannot map segment (out of memory)');
    }
  }
  // Copy the file bytes; everything else (the bss) is fresh zeroed memory.
  for (const seg of elf.loads) {
    if (seg.filesz === 0) continue;
    if (!map.writeForce(seg.vaddr + bias, elf.data.subarray(seg.offset, seg.offset + seg.filesz))) {
      throw new ElfError('cannot write segment (out of memory)');
    }
  }

  return {
    bias,
    entry: elf.entry + bias,
    phdrAddr: findPhdrAddress(elf) + bias,
    phnum: elf.phnum,
    end: elf.maxVaddr + bias,
  };
}

/** Where the program headers are in memory: PT_PHDR, or the load segment that covers them in the file. */
function findPhdrAddress(elf: ElfImage): number {
  const phdr = elf.phdrs.find((p) => p.type === PT_PHDR);
  if (phdr) return phdr.vaddr;
  const size = elf.phnum * elf.phentsize;
  const cover = elf.phdrs.find((p) => p.type === PT_LOAD && p.offset <= elf.phoff && elf.phoff + size <= p.offset + p.filesz);
  // Linux passes AT_PHDR even when the headers are not loaded; ld.so then cannot use it, as on Linux.
  return cover ? cover.vaddr + (elf.phoff - cover.offset) : 0;
}

/** Protection for the initial stack and other anonymous data. */
export const PROT_RW = Prot.READ | Prot.WRITE;
