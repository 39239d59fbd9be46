// The memory map and interrupt numbers of QEMU's riscv `virt` board
// (hw/riscv/virt.c, virt_memmap[]), for the devices wemu has. Firmware and
// kernels built for QEMU's virt find everything where they expect it.

export interface VirtRegion {
  readonly base: number;
  readonly size: number;
}

export const VirtMap = {
  TEST: { base: 0x0010_0000, size: 0x1000 },
  RTC: { base: 0x0010_1000, size: 0x1000 },
  CLINT: { base: 0x0200_0000, size: 0x1_0000 },
  PLIC: { base: 0x0c00_0000, size: 0x60_0000 },
  UART0: { base: 0x1000_0000, size: 0x100 },
  /** The first of VIRTIO_COUNT slots, VIRTIO_STRIDE apart. */
  VIRTIO: { base: 0x1000_1000, size: 0x1000 },
  DRAM: { base: 0x8000_0000, size: 0 },
} as const satisfies Record<string, VirtRegion>;

export const VIRTIO_COUNT = 8;
export const VIRTIO_STRIDE = 0x1000;

/** PLIC source numbers (VIRT's UART0_IRQ, RTC_IRQ, VIRTIO_IRQ). */
export const VirtIrq = {
  UART0: 10,
  RTC: 11,
  /** Slot i (0..7) uses VIRTIO + i. */
  VIRTIO: 1,
} as const;

export function virtioSlot(i: number): VirtRegion {
  return { base: VirtMap.VIRTIO.base + i * VIRTIO_STRIDE, size: VirtMap.VIRTIO.size };
}

/** QEMU virt's default -m (128 MiB); -m sizes the one DRAM region at VirtMap.DRAM.base. */
export const VIRT_DEFAULT_RAM = 128 << 20;
