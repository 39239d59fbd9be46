// A virtio-mmio transport slot (virtio spec 1.x, "virtio,mmio", version 2).
// For now every slot is empty, as QEMU's virt board shows unused slots:
// MagicValue, Version and VendorID answer, DeviceID is 0 (no device), so the
// guest's driver skips it. Devices (block, net, console, rng) plug in here later.

import { Device } from './device.js';

export const VIRTIO_MMIO_SIZE = 0x1000;
/** "virt" in little-endian ASCII. */
export const VIRTIO_MMIO_MAGIC = 0x74726976;
export const VIRTIO_MMIO_VERSION = 2;
/** "QEMU", the vendor QEMU's transport reports. */
export const VIRTIO_MMIO_VENDOR = 0x554d4551;

export const VirtioMmioReg = { MAGIC: 0x000, VERSION: 0x004, DEVICE_ID: 0x008, VENDOR_ID: 0x00c } as const;

export type VirtioMmioState = Record<string, never>;

export class VirtioMmioSlot implements Device<VirtioMmioState> {
  readonly size = VIRTIO_MMIO_SIZE;
  /** Device type; 0 = empty slot. */
  readonly deviceId = 0;

  constructor(readonly name: string) {}

  read(offset: number, size: number): number {
    if (size !== 4) return 0;
    switch (offset) {
      case VirtioMmioReg.MAGIC: return VIRTIO_MMIO_MAGIC;
      case VirtioMmioReg.VERSION: return VIRTIO_MMIO_VERSION;
      case VirtioMmioReg.DEVICE_ID: return this.deviceId;
      case VirtioMmioReg.VENDOR_ID: return VIRTIO_MMIO_VENDOR;
      default: return 0;
    }
  }

  write(): void {}

  saveState(): VirtioMmioState { return {}; }
  restoreState(): void {}
}
