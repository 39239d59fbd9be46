// The machine's one WebAssembly.Memory and the typed-array views over it.
//
// Views are replaced when the memory grows (growing detaches the old buffer),
// so code that caches a view must re-read it after anything that can grow the
// memory. Growth happens only outside translated code (mmap, brk, loading),
// so the interpreter and generated code may hold views for a whole TB.

import { GUEST_BASE, LINEAR_PAGE } from './layout.js';

/** wasm32's ceiling: 65536 pages of 64 KiB = 4 GiB. */
export const MAX_LINEAR_PAGES = 65536;

export class LinearMemory {
  readonly memory: WebAssembly.Memory;
  u8!: Uint8Array;
  i8!: Int8Array;
  u16!: Uint16Array;
  i16!: Int16Array;
  u32!: Uint32Array;
  i32!: Int32Array;
  f32!: Float32Array;
  f64!: Float64Array;
  dv!: DataView;
  private readonly growListeners: (() => void)[] = [];

  constructor(initialBytes: number = GUEST_BASE + (16 << 20), maxBytes = MAX_LINEAR_PAGES * LINEAR_PAGE) {
    const initial = Math.ceil(initialBytes / LINEAR_PAGE);
    const maximum = Math.min(MAX_LINEAR_PAGES, Math.ceil(maxBytes / LINEAR_PAGE));
    this.memory = new WebAssembly.Memory({ initial, maximum });
    this.refreshViews();
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Make sure at least `bytes` bytes exist; returns false if the ceiling is hit. */
  ensure(bytes: number): boolean {
    if (bytes <= this.byteLength) return true;
    const pages = Math.ceil((bytes - this.byteLength) / LINEAR_PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      return false;
    }
    this.refreshViews();
    for (const l of this.growListeners) l();
    return true;
  }

  /** Called after every growth, once the views are fresh. */
  onGrow(listener: () => void): void {
    this.growListeners.push(listener);
  }

  private refreshViews(): void {
    const b = this.memory.buffer;
    this.u8 = new Uint8Array(b);
    this.i8 = new Int8Array(b);
    this.u16 = new Uint16Array(b);
    this.i16 = new Int16Array(b);
    this.u32 = new Uint32Array(b);
    this.i32 = new Int32Array(b);
    this.f32 = new Float32Array(b);
    this.f64 = new Float64Array(b);
    this.dv = new DataView(b);
  }

  /** Read a little-endian i64 at a byte offset as a bigint (slow paths and tools only). */
  readU64(offset: number): bigint {
    return this.dv.getBigUint64(offset, true);
  }

  writeU64(offset: number, value: bigint): void {
    this.dv.setBigUint64(offset, BigInt.asUintN(64, value), true);
  }
}
