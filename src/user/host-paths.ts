// Guest paths -> host paths, with qemu's -L rule: an absolute path is looked
// up inside the sysroot first and used there if it exists. Relative paths are
// resolved against the (real, host) current directory or a directory fd.

import * as fs from 'node:fs';
import * as path from 'node:path';

export class HostPaths {
  constructor(
    /** The -L directory (absolute), or null. */
    readonly sysroot: string | null,
    /** The program's host path: what /proc/self/exe names. */
    readonly exeHostPath: string,
  ) {}

  /** Host path for an absolute guest path (sysroot first, then the host's own tree). */
  absolute(guestPath: string): string {
    if (guestPath === '/proc/self/exe' || guestPath === `/proc/${process.pid}/exe`) return this.exeHostPath;
    if (this.sysroot && guestPath.startsWith('/')) {
      const inside = path.join(this.sysroot, guestPath);
      if (fs.existsSync(inside)) return inside;
    }
    return guestPath;
  }

  /** Resolve guestPath against baseDir (a host directory, or null for the current directory). */
  resolve(guestPath: string, baseDir: string | null): string {
    if (guestPath.startsWith('/')) return this.absolute(guestPath);
    return baseDir === null ? guestPath : path.join(baseDir, guestPath);
  }
}
