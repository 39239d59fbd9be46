// Files under /proc/self that must describe the guest, not the emulator
// (as qemu-user fakes them): the memory map. Served from memory.

import { GuestMemoryMap } from './guest-memory-map.js';

/** Column where qemu (and the kernel) start the path in /proc/self/maps. */
const MAPS_PATH_COLUMN = 73;

export function procMaps(map: GuestMemoryMap): string {
  const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
  let out = '';
  for (const r of map.listRegions()) {
    const perms = (r.prot & 1 ? 'r' : '-') + (r.prot & 2 ? 'w' : '-') + (r.prot & 4 ? 'x' : '-') + 'p';
    const line = `${hex(r.start, 1)}-${hex(r.end, 1)} ${perms} 00000000 00:00 0`;
    const name = r.name === '[heap]' || r.name === '[sigpage]' ? '' : r.name;
    out += line.padEnd(MAPS_PATH_COLUMN) + name + '\n';
  }
  return out;
}

/** The synthetic contents for a guest path, or null when the host file should be used. */
export function syntheticProcFile(guestPath: string, pid: number, map: GuestMemoryMap): Uint8Array | null {
  if (guestPath === '/proc/self/maps' || guestPath === `/proc/${pid}/maps`) return Buffer.from(procMaps(map));
  return null;
}
