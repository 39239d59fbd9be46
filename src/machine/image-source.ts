// Where the boot loader gets an image's bytes: from memory (tests, tools) or
// from a file, read straight into the guest RAM the image will occupy each
// time the machine boots. Reading Debian's 31 MB kernel Image into a Buffer
// and copying that into RAM touched every page twice (~16K first-touch page
// faults, ~10 us each on the reference machine); one read into RAM touches
// the RAM pages only. A guest reset reads the file again instead of keeping
// a pristine copy (QEMU keeps one as a ROM blob), which would be the same
// 31 MB a second time.

import * as fs from 'node:fs';

/** An image the boot loader reads parts of. */
export interface ImageSource {
  readonly size: number;
  /** Fill `out` with the image's bytes [offset, offset + out.length). */
  readInto(out: Uint8Array, offset: number): void;
}

/** What the boot images are given as: bytes, or a source to read them from. */
export type BootImage = Uint8Array | ImageSource;

/** An image file that is missing, unreadable, or no longer the file the machine started with. */
export class ImageReadError extends Error {
  override readonly name = 'ImageReadError';
}

class MemoryImage implements ImageSource {
  constructor(readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  readInto(out: Uint8Array, offset: number): void {
    out.set(this.bytes.subarray(offset, offset + out.length));
  }
}

/**
 * An image file, opened for each read. Its size and modification time are
 * taken when this is made (the command line is read): placement depends on
 * the size, and a file rewritten since (a rebuilt kernel half copied over the
 * old one) is not the machine the user started, so reading it then is an
 * error rather than a boot.
 */
export class FileImage implements ImageSource {
  readonly size: number;
  private readonly mtimeMs: number;

  /** `what` names the image in errors: "-kernel". */
  constructor(readonly what: string, readonly path: string) {
    const st = this.attempt(() => fs.statSync(path));
    if (!st.isFile()) throw this.error('not a regular file');
    if (st.size === 0) throw this.error('empty file');
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
  }

  readInto(out: Uint8Array, offset: number): void {
    const fd = this.attempt(() => fs.openSync(this.path, 'r'));
    try {
      const st = this.attempt(() => fs.fstatSync(fd));
      if (st.size !== this.size || st.mtimeMs !== this.mtimeMs) throw this.error('changed since the machine started');
      // read() may return fewer bytes than asked (Linux caps one call at 2 GiB - 4 KiB).
      for (let done = 0; done < out.length;) {
        const n = this.attempt(() => fs.readSync(fd, out, done, out.length - done, offset + done));
        if (n === 0) throw this.error('changed since the machine started');
        done += n;
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  private attempt<T>(io: () => T): T {
    try {
      return io();
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw this.error(code === 'ENOENT' ? 'no such file' : (e as Error).message);
    }
  }

  private error(why: string): ImageReadError {
    return new ImageReadError(`${this.what} '${this.path}': ${why}`);
  }
}

export function imageSource(image: BootImage): ImageSource {
  return image instanceof Uint8Array ? new MemoryImage(image) : image;
}

/** The image's first `length` bytes (all of it if shorter), in a new array. */
export function readImageBytes(image: ImageSource, length: number): Uint8Array {
  const out = new Uint8Array(Math.min(length, image.size));
  image.readInto(out, 0);
  return out;
}
