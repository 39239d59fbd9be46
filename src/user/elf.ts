// ELF64 parsing and validation for RISC-V executables (the System V gABI and
// the RISC-V psABI). Everything the loader relies on is checked here, so a
// corrupt or truncated file ends in an ElfError with a clear message, never in
// a stack trace or a half-loaded guest.

export const EM_RISCV = 243;
export const ET_EXEC = 2;
export const ET_DYN = 3;

export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_GNU_STACK = 0x6474e551;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
/** A sane ceiling on program headers (Linux refuses more than 64 KiB of them). */
const MAX_PHDR_BYTES = 65536;
/** User-space addresses on riscv64 (Sv48) stay below this. */
const ADDRESS_LIMIT = 2 ** 47;
/** The guest page size segments must be congruent modulo. */
const ELF_PAGE = 4096;

export class ElfError extends Error {
  override readonly name = 'ElfError';
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfImage {
  type: number;
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
  /** PT_LOAD headers in file order. */
  loads: ProgramHeader[];
  /** The requested program interpreter (PT_INTERP), or null for a static program. */
  interp: string | null;
  /** Lowest page-aligned vaddr and highest vaddr+memsz over the PT_LOAD segments. */
  minVaddr: number;
  maxVaddr: number;
  data: Uint8Array;
}

/** A u64 field as a number, rejecting values that do not fit user-mode addresses or file sizes. */
function u64(dv: DataView, off: number, what: string): number {
  const v = dv.getBigUint64(off, true);
  if (v >= 2n ** 53n) throw new ElfError(`${what} out of range (0x${v.toString(16)})`);
  return Number(v);
}

export function parseElf(data: Uint8Array): ElfImage {
  if (data.length < 4 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46) {
    throw new ElfError('not an ELF file');
  }
  if (data.length < EHDR_SIZE) throw new ElfError('truncated ELF header');
  if (data[4] !== 2) throw new ElfError('not a 64-bit ELF file (wrong class)');
  if (data[5] !== 1) throw new ElfError('not a little-endian ELF file');
  if (data[6] !== 1) throw new ElfError('unsupported ELF version');
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV) throw new ElfError(`Invalid ELF image for this architecture (machine ${machine}, expected RISC-V)`);
  if (type !== ET_EXEC && type !== ET_DYN) throw new ElfError(`not an executable (ELF type ${type})`);
  const entry = u64(dv, 24, 'entry point');
  const phoff = u64(dv, 32, 'program header offset');
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phentsize !== PHDR_SIZE) throw new ElfError(`bad program header size ${phentsize}`);
  if (phnum === 0) throw new ElfError('no program headers');
  if (phnum * PHDR_SIZE > MAX_PHDR_BYTES) throw new ElfError('too many program headers');
  if (phoff + phnum * PHDR_SIZE > data.length) throw new ElfError('truncated program headers');

  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * PHDR_SIZE;
    phdrs.push({
      type: dv.getUint32(o, true),
      flags: dv.getUint32(o + 4, true),
      offset: u64(dv, o + 8, `segment ${i} offset`),
      vaddr: u64(dv, o + 16, `segment ${i} address`),
      filesz: u64(dv, o + 32, `segment ${i} file size`),
      memsz: u64(dv, o + 40, `segment ${i} memory size`),
      align: u64(dv, o + 48, `segment ${i} alignment`),
    });
  }

  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) throw new ElfError('no loadable segments');
  let minVaddr = Infinity, maxVaddr = 0;
  for (const [i, p] of loads.entries()) {
    if (p.filesz > p.memsz) throw new ElfError(`segment ${i}: file size larger than memory size`);
    if (p.offset + p.filesz > data.length) throw new ElfError(`segment ${i} extends past the end of the file (truncated?)`);
    if (p.vaddr + p.memsz > ADDRESS_LIMIT) throw new ElfError(`segment ${i} lies outside the user address space`);
    if (p.vaddr % ELF_PAGE !== p.offset % ELF_PAGE) throw new ElfError(`segment ${i}: address and file offset not congruent modulo the page size`);
    if (p.memsz === 0) continue;
    minVaddr = Math.min(minVaddr, p.vaddr - (p.vaddr % ELF_PAGE));
    maxVaddr = Math.max(maxVaddr, p.vaddr + p.memsz);
  }
  if (minVaddr === Infinity) throw new ElfError('all loadable segments are empty');
  for (let i = 1; i < loads.length; i++) {
    if (loads[i]!.vaddr < loads[i - 1]!.vaddr) throw new ElfError('loadable segments not sorted by address');
  }
  if (type === ET_EXEC && minVaddr < ELF_PAGE) throw new ElfError('segment mapped at page zero');

  let interp: string | null = null;
  const interpHeaders = phdrs.filter((p) => p.type === PT_INTERP);
  if (interpHeaders.length > 1) throw new ElfError('more than one PT_INTERP');
  const ih = interpHeaders[0];
  if (ih) {
    if (ih.offset + ih.filesz > data.length || ih.filesz < 2 || ih.filesz > 4096) throw new ElfError('bad PT_INTERP segment');
    const bytes = data.subarray(ih.offset, ih.offset + ih.filesz);
    const nul = bytes.indexOf(0);
    if (nul !== bytes.length - 1) throw new ElfError('PT_INTERP path is not a terminated string');
    interp = Buffer.from(bytes.subarray(0, nul)).toString('utf8');
  }

  return { type, entry, phoff, phentsize, phnum, phdrs, loads, interp, minVaddr, maxVaddr, data };
}

/** Prot bits (Prot.READ/WRITE/EXEC share PF_R/W/X's meaning, not their values). */
export function segmentProt(flags: number): number {
  return (flags & PF_R ? 1 : 0) | (flags & PF_W ? 2 : 0) | (flags & PF_X ? 4 : 0);
}
