// A growable byte buffer with the Wasm binary format's primitive encodings
// (LEB128, names). Translation time only: it may allocate freely.

export class ByteWriter {
  private buf: Uint8Array<ArrayBuffer>;
  private len = 0;

  /** Most writers hold one type, import or small section: start small, double as needed. */
  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  /** Start over empty, keeping the buffer (CodeWriterPool). */
  reset(): void {
    this.len = 0;
  }

  /** Room for `extra` more bytes. The check is inline; growing is not (it is rare). */
  private reserve(extra: number): void {
    if (this.len + extra > this.buf.length) this.grow(extra);
  }

  private grow(extra: number): void {
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): this {
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  bytes(data: ArrayLike<number>): this {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** Unsigned LEB128 of a value in [0, 2^32). */
  u32(v: number): this {
    this.reserve(5);
    this.len = putU32(this.buf, this.len, v);
    return this;
  }

  /** Signed LEB128 of a value in [-2^31, 2^31) (numbers beyond are wrapped to 32 bits). */
  s32(v: number): this {
    this.reserve(5);
    const buf = this.buf;
    let x = v | 0, len = this.len;
    for (;;) {
      const b = x & 0x7f;
      x >>= 7;
      // Done when the remaining bits are pure sign and the sign bit of b agrees.
      if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
        buf[len++] = b;
        break;
      }
      buf[len++] = b | 0x80;
    }
    this.len = len;
    return this;
  }

  /** Signed LEB128 of a 64-bit value (given signed or unsigned; wrapped to 64 bits). */
  s64(v: bigint): this {
    // Most constants in guest code fit in 32 bits, where the encoding is the
    // same and number arithmetic avoids allocating a BigInt per group.
    if (v >= -0x80000000n && v <= 0x7fffffffn) return this.s32(Number(v));
    let x = BigInt.asIntN(64, v);
    if (x >= -0x80000000n && x <= 0x7fffffffn) return this.s32(Number(x));
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      if ((x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0)) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }

  /** Unsigned LEB128 of a 64-bit value (used only by tests and tools; Wasm has no u64 immediates). */
  u64(v: bigint): this {
    let x = BigInt.asUintN(64, v);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.byte(b);
    } while (x !== 0n);
    return this;
  }

  /** A name: byte length then UTF-8 bytes. */
  name(s: string): this {
    // Our names are ASCII (import and export names), whose UTF-8 is their char
    // codes: written directly, without a TextEncoder and its array per name.
    let ascii = true;
    for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
    if (!ascii) {
      const utf8 = new TextEncoder().encode(s);
      this.u32(utf8.length);
      return this.bytes(utf8);
    }
    this.u32(s.length);
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
    return this;
  }

  /** A vector of already-encoded items: count then bytes. */
  vec(count: number, body: ByteWriter): this {
    this.u32(count);
    return this.append(body);
  }

  append(other: ByteWriter): this {
    return this.bytes(other.finish());
  }

  /** Copy the bytes written so far into out at pos; returns the position after them. */
  copyTo(out: Uint8Array, pos: number): number {
    out.set(this.buf.subarray(0, this.len), pos);
    return pos + this.len;
  }

  /** The bytes written so far (a view; copy it if the writer keeps going). */
  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.len);
  }
}

/** Bytes of the unsigned LEB128 encoding of v in [0, 2^32). */
export function u32Size(v: number): number {
  let x = v >>> 0, n = 1;
  while (x >= 0x80) {
    x >>>= 7;
    n++;
  }
  return n;
}

/** Write the unsigned LEB128 encoding of v into out at pos; returns the position after it. */
export function putU32(out: Uint8Array, pos: number, v: number): number {
  let x = v >>> 0;
  while (x >= 0x80) {
    out[pos++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  out[pos++] = x;
  return pos;
}
