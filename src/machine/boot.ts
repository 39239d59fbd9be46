// The boot path of the virt board, placing images as QEMU's hw/riscv/boot.c
// does for `-bios fw_dynamic.bin -kernel Image -initrd initrd`:
//
//   firmware   at the start of RAM (a raw binary) or at its ELF load addresses
//   kernel     at the firmware's end rounded up to 2 MiB (RV64's kernel
//              alignment; 0x80200000 after OpenSBI), or the Image header's
//              text_offset from RAM start if that is higher; ELF kernels at
//              their physical load addresses
//   DTB        below min(end of RAM, 3 GiB), rounded down to 2 MiB, so
//              firmware can grow it in place (OpenSBI adds reserved-memory)
//   fw_dynamic_info   the page below the DTB (QEMU keeps it in its MROM;
//              wemu has none, and OpenSBI reads it only while starting)
//   initrd     at kernel + min(RAM / 2, 128 MiB), where an uncompressing
//              kernel will not clobber it; if that would run into the
//              fw_dynamic info, right below it instead (page aligned)
//
// The hart starts in M mode at the firmware's entry with a0 = hart id,
// a1 = DTB address, a2 = fw_dynamic_info address (OpenSBI's fw_dynamic ABI).
// Without firmware the kernel goes to the start of RAM and is entered the
// same way (a2 = 0).
//
// A raw image (the kernel Image, fw_dynamic.bin, the initrd) is read straight
// into the RAM it occupies (image-source.ts has why): only its 64-byte head
// is read first, for the Image header and the ELF magic that decide where it
// goes. ELF images are read whole and their segments copied.

import type { PhysicalMemoryMap } from '../memory/address-space.js';
import { BootImage, ImageSource, imageSource, readImageBytes } from './image-source.js';
import { virtDtb, VirtDtbOptions } from './virt-dtb.js';
import { VirtMap } from './virt-map.js';

const MiB = 1 << 20;
const PAGE = 4096;
/** RV64 kernels must sit on a 2 MiB boundary (PMD_SIZE). */
const KERNEL_ALIGN = 2 * MiB;
const DTB_ALIGN = 2 * MiB;

/** OpenSBI's struct fw_dynamic_info (include/sbi/fw_dynamic.h). */
export const FW_DYNAMIC_INFO_MAGIC = 0x4942534f; // "OSBI"
export const FW_DYNAMIC_INFO_VERSION = 2;
export const FW_DYNAMIC_INFO_SIZE = 6 * 8;
/** next_mode values. */
export const FwNextMode = { U: 0, S: 1, M: 3 } as const;

/** The RISC-V Linux Image header (Documentation/arch/riscv/boot-image-header.rst). */
export const RISCV_IMAGE_MAGIC = 'RISCV\0\0\0'; // at 0x30, deprecated
export const RISCV_IMAGE_MAGIC2 = 'RSC\x05'; // at 0x38
export const RISCV_IMAGE_HEADER_SIZE = 64;

export interface LinuxImageHeader {
  textOffset: number;
  imageSize: number;
  flags: number;
  version: number;
}

const align = (v: number, a: number) => Math.ceil(v / a) * a;
const alignDown = (v: number, a: number) => Math.floor(v / a) * a;

function ascii(bytes: Uint8Array, at: number, len: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + len));
}

/** The header of a raw RISC-V Linux Image, or null if `image` is not one. */
export function parseLinuxImageHeader(image: Uint8Array): LinuxImageHeader | null {
  if (image.length < RISCV_IMAGE_HEADER_SIZE) return null;
  if (ascii(image, 0x38, 4) !== RISCV_IMAGE_MAGIC2 && ascii(image, 0x30, 8) !== RISCV_IMAGE_MAGIC) return null;
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  return {
    textOffset: Number(dv.getBigUint64(0x08, true)),
    imageSize: Number(dv.getBigUint64(0x10, true)),
    flags: Number(dv.getBigUint64(0x18, true)),
    version: dv.getUint32(0x20, true),
  };
}

export interface ElfSegment { paddr: number; data: Uint8Array; memSize: number }
export interface ElfImage { entry: number; segments: ElfSegment[] }

/** Maps an ELF load address (and the entry) to the guest physical address it goes to. */
export type ElfAddressTranslator = (addr: bigint) => bigint;

/** Whether `head` (a file's first 64 bytes or more) starts an ELF file. */
function isElf(head: Uint8Array): boolean {
  return head.length >= 64 && head[0] === 0x7f && ascii(head, 1, 3) === 'ELF';
}

/**
 * PT_LOAD segments of a little-endian ELF64 RISC-V file, or null if `file` is
 * not ELF. Addresses are translated in BigInt before they become numbers, so
 * 64-bit virtual link addresses stay exact.
 */
export function parseElf64(file: Uint8Array, translate: ElfAddressTranslator = (addr) => addr): ElfImage | null {
  if (!isElf(file)) return null;
  if (file[4] !== 2 || file[5] !== 1) throw new Error('only little-endian ELF64 images can be loaded');
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (dv.getUint16(18, true) !== 243) throw new Error('ELF image is not RISC-V');
  const phoff = Number(dv.getBigUint64(32, true));
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (dv.getUint32(ph, true) !== 1) continue; // PT_LOAD
    const offset = Number(dv.getBigUint64(ph + 8, true));
    const paddr = Number(translate(dv.getBigUint64(ph + 24, true)));
    const fileSize = Number(dv.getBigUint64(ph + 32, true));
    const memSize = Number(dv.getBigUint64(ph + 40, true));
    if (offset + fileSize > file.length) throw new Error('ELF segment runs past the end of the file');
    segments.push({ paddr, data: file.subarray(offset, offset + fileSize), memSize });
  }
  return { entry: Number(translate(dv.getBigUint64(24, true))), segments };
}

/** The images, read again at every boot (a guest reset places them afresh). */
export interface BootImages {
  /** -bios: raw firmware (fw_dynamic.bin) or an ELF; undefined for none. */
  bios?: BootImage;
  /** -kernel: a raw RISC-V Linux Image (or any raw binary) or an ELF. */
  kernel?: BootImage;
  /** -initrd. */
  initrd?: BootImage;
  /** -dtb: a DTB to use instead of the generated one (not patched: /chosen must already be right). */
  dtb?: Uint8Array;
}

export interface BootOptions extends Omit<VirtDtbOptions, 'ramSize' | 'ramBase' | 'initrd'> {
  ramBase?: number;
  ramSize: number;
  hartId?: number;
}

export interface Range { start: number; end: number }

/** Where everything went, and the hart's starting state. */
export interface BootInfo {
  /** First instruction (in M mode). */
  pc: number;
  /** a0, a1, a2. */
  a0: number;
  a1: number;
  a2: number;
  bios: Range | null;
  kernel: Range | null;
  kernelEntry: number | null;
  initrd: Range | null;
  dtb: Range;
  fwDynamicInfo: number | null;
}

/**
 * Where an ELF kernel goes, as QEMU's virt board decides: the low 31 bits of
 * each address on top of the RAM base. A kernel linked at its physical
 * address (0x80200000) stays where it is; a vmlinux linked at its virtual
 * address (0xffffffff80000000 and up) lands at the start of RAM.
 */
function kernelAddressTranslator(ramBase: number): ElfAddressTranslator {
  return (addr) => (addr & 0x7fffffffn) + BigInt(ramBase);
}

/** The first bytes of an image: enough for the Image header and the ELF header. */
function readHead(image: ImageSource): Uint8Array {
  return readImageBytes(image, RISCV_IMAGE_HEADER_SIZE);
}

/** Read a raw image into RAM at `at`. */
function placeRaw(phys: PhysicalMemoryMap, what: string, image: ImageSource, at: number): Range {
  const ram = phys.findRam(at);
  if (ram === null || at + image.size > ram.base + ram.size) {
    throw new Error(`${what} (${image.size} bytes at 0x${at.toString(16)}) does not fit in RAM; raise -m`);
  }
  image.readInto(phys.ramView(at, image.size), 0);
  return { start: at, end: at + image.size };
}

/** Load an image (`head` is its start): ELF at its (translated) load addresses, raw at `rawAt`. Returns its extent and entry. */
function loadImage(
  phys: PhysicalMemoryMap, what: string, image: ImageSource, head: Uint8Array, rawAt: number, translate?: ElfAddressTranslator,
): { range: Range; entry: number } {
  if (!isElf(head)) return { range: placeRaw(phys, what, image, rawAt), entry: rawAt };
  const elf = parseElf64(readImageBytes(image, image.size), translate)!;
  let start = Infinity, end = 0;
  for (const seg of elf.segments) {
    if (phys.findRam(seg.paddr) === null) {
      throw new Error(`${what}: ELF segment at 0x${seg.paddr.toString(16)} is not in RAM`);
    }
    phys.writePhys(seg.paddr, seg.data);
    if (seg.memSize > seg.data.length) phys.writePhys(seg.paddr + seg.data.length, new Uint8Array(seg.memSize - seg.data.length));
    start = Math.min(start, seg.paddr);
    end = Math.max(end, seg.paddr + seg.memSize);
  }
  if (start === Infinity) throw new Error(`${what}: ELF file has no loadable segment`);
  return { range: { start, end }, entry: elf.entry };
}

export function fwDynamicInfo(nextAddr: number, nextMode: number, bootHart: number, options = 0): Uint8Array {
  const out = new Uint8Array(FW_DYNAMIC_INFO_SIZE);
  const dv = new DataView(out.buffer);
  [FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, nextAddr, nextMode, options, bootHart]
    .forEach((v, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(v)), true));
  return out;
}

/** Put the images into RAM (phys must have the RAM region) and say how the hart starts. */
export function bootVirt(phys: PhysicalMemoryMap, images: BootImages, o: BootOptions): BootInfo {
  const ramBase = o.ramBase ?? VirtMap.DRAM.base;
  const ramEnd = ramBase + o.ramSize;
  const hartId = o.hartId ?? 0;

  let bios: Range | null = null;
  let biosEntry = 0;
  if (images.bios) {
    const image = imageSource(images.bios);
    const r = loadImage(phys, '-bios', image, readHead(image), ramBase);
    bios = r.range;
    biosEntry = r.entry;
  }

  let kernel: Range | null = null;
  let kernelEntry: number | null = null;
  if (images.kernel) {
    const image = imageSource(images.kernel);
    const head = readHead(image);
    const header = parseLinuxImageHeader(head);
    let at = align(bios ? bios.end : ramBase, KERNEL_ALIGN);
    if (header && header.textOffset > 0) at = Math.max(at, align(ramBase + header.textOffset, KERNEL_ALIGN));
    const r = loadImage(phys, '-kernel', image, head, at, kernelAddressTranslator(ramBase));
    // The Image header's image_size covers the kernel's bss too: nothing else may go there.
    kernel = { start: r.range.start, end: Math.max(r.range.end, header ? r.range.start + header.imageSize : 0) };
    kernelEntry = r.entry;
  }

  // The DTB's size does not depend on where the initrd goes (the cells have fixed width).
  const dtbFor = (initrd: Range | null): Uint8Array => images.dtb ?? virtDtb({
    ...o, ramBase, ramSize: o.ramSize, initrd: initrd ?? undefined,
  });
  const dtbSize = dtbFor(images.initrd ? { start: 0, end: 0 } : null).length;
  const dtbTop = Math.min(ramEnd, ramBase < 3072 * MiB ? 3072 * MiB : ramEnd);
  const dtbAddr = alignDown(dtbTop - dtbSize, DTB_ALIGN);
  const infoAddr = bios ? dtbAddr - PAGE : null;
  const freeTop = infoAddr ?? dtbAddr;

  let initrd: Range | null = null;
  if (images.initrd) {
    const image = imageSource(images.initrd);
    const len = image.size;
    const after = kernel ? kernel.start : ramBase;
    let start = align(after + Math.min(o.ramSize / 2, 128 * MiB), PAGE);
    if (start + len > freeTop) start = alignDown(freeTop - len, PAGE);
    const floor = kernel ? kernel.end : bios ? bios.end : ramBase;
    if (start < floor) throw new Error(`-initrd (${len} bytes) does not fit in RAM with the kernel; raise -m`);
    initrd = placeRaw(phys, '-initrd', image, start);
  }
  if (kernel && kernel.end > dtbAddr) throw new Error('-kernel does not fit in RAM below the device tree; raise -m');

  const dtb = dtbFor(initrd);
  phys.writePhys(dtbAddr, dtb);

  let pc: number;
  let a2 = 0;
  if (bios) {
    pc = biosEntry;
    if (infoAddr !== null) {
      // No kernel: OpenSBI still needs a next stage; point it at the start of RAM after the firmware.
      const next = kernelEntry ?? align(bios.end, KERNEL_ALIGN);
      phys.writePhys(infoAddr, fwDynamicInfo(next, FwNextMode.S, hartId));
      a2 = infoAddr;
    }
  } else if (kernelEntry !== null) {
    pc = kernelEntry;
  } else {
    throw new Error('nothing to boot: give -bios and/or -kernel');
  }
  return {
    pc, a0: hartId, a1: dtbAddr, a2,
    bios, kernel, kernelEntry, initrd,
    dtb: { start: dtbAddr, end: dtbAddr + dtb.length },
    fwDynamicInfo: infoAddr,
  };
}
