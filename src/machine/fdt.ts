// The flattened device tree (DTB), format version 17 (devicetree.org
// specification, chapter 5): a header, the memory reservation map, the
// structure block (tokens for nodes and properties) and the strings block
// (property names, each stored once). Everything is big-endian.
//
// A tree is built as plain FdtNode values, written with writeFdt() and read
// back with parseFdt() (tests, and checking a tree the user supplies).

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_VERSION = 17;
/** Oldest version this blob stays compatible with (16: same structure block). */
export const FDT_LAST_COMP_VERSION = 16;

const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const HEADER_SIZE = 40;

/**
 * A property value: a number is one u32 cell, number[] a list of cells,
 * a string a NUL-terminated string, string[] a string list, a Uint8Array raw
 * bytes, true an empty property (a flag such as interrupt-controller).
 */
export type FdtValue = number | readonly number[] | string | readonly string[] | Uint8Array | true;

export interface FdtNode {
  name: string;
  props: [string, FdtValue][];
  children: FdtNode[];
}

export interface FdtReservation { address: bigint; size: bigint }

export function fdtNode(name: string, props: Record<string, FdtValue> = {}, children: FdtNode[] = []): FdtNode {
  return { name, props: Object.entries(props), children };
}

/** A 64-bit quantity as two cells (for #address-cells / #size-cells = 2). */
export function u64Cells(v: number | bigint): number[] {
  const b = BigInt(v);
  return [Number(b >> 32n) >>> 0, Number(BigInt.asUintN(32, b))];
}

const utf8 = new TextEncoder();

export function encodeValue(v: FdtValue): Uint8Array {
  if (v === true) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'number') v = [v];
  if (typeof v === 'string') v = [v];
  if (v.length > 0 && typeof v[0] === 'string') {
    const parts = (v as readonly string[]).map((s) => utf8.encode(s + '\0'));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  const cells = v as readonly number[];
  const out = new Uint8Array(cells.length * 4);
  const dv = new DataView(out.buffer);
  cells.forEach((c, i) => dv.setUint32(i * 4, c >>> 0));
  return out;
}

/** Serialize a tree (its root's name must be empty) to a DTB. */
export function writeFdt(root: FdtNode, options: { reservations?: FdtReservation[]; bootCpuid?: number } = {}): Uint8Array {
  const strings = new Map<string, number>();
  const stringBytes: number[] = [];
  const struct: number[] = []; // bytes
  const u32 = (v: number) => struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  const pad = () => { while (struct.length % 4) struct.push(0); };
  const nameOff = (name: string): number => {
    let off = strings.get(name);
    if (off === undefined) {
      off = stringBytes.length;
      strings.set(name, off);
      stringBytes.push(...utf8.encode(name), 0);
    }
    return off;
  };
  const emit = (node: FdtNode) => {
    u32(FDT_BEGIN_NODE);
    struct.push(...utf8.encode(node.name), 0);
    pad();
    for (const [name, value] of node.props) {
      const bytes = encodeValue(value);
      u32(FDT_PROP);
      u32(bytes.length);
      u32(nameOff(name));
      for (const b of bytes) struct.push(b);
      pad();
    }
    for (const child of node.children) emit(child);
    u32(FDT_END_NODE);
  };
  emit(root);
  u32(FDT_END);

  const reservations = options.reservations ?? [];
  const rsvOff = HEADER_SIZE; // already 8-aligned
  const rsvSize = (reservations.length + 1) * 16;
  const structOff = rsvOff + rsvSize;
  const stringsOff = structOff + struct.length;
  const total = stringsOff + stringBytes.length;
  const out = new Uint8Array((total + 7) & ~7);
  const dv = new DataView(out.buffer);
  const header = [FDT_MAGIC, out.length, structOff, stringsOff, rsvOff, FDT_VERSION, FDT_LAST_COMP_VERSION,
    options.bootCpuid ?? 0, stringBytes.length, struct.length];
  header.forEach((v, i) => dv.setUint32(i * 4, v >>> 0));
  reservations.forEach((r, i) => {
    dv.setBigUint64(rsvOff + i * 16, r.address);
    dv.setBigUint64(rsvOff + i * 16 + 8, r.size);
  });
  out.set(struct, structOff);
  out.set(stringBytes, stringsOff);
  return out;
}

export interface ParsedFdt {
  root: FdtNode;
  reservations: FdtReservation[];
  version: number;
  lastCompVersion: number;
  bootCpuid: number;
}

const utf8d = new TextDecoder();

/** Read a DTB back (properties come back as raw bytes; see fdtProp* to decode them). */
export function parseFdt(blob: Uint8Array): ParsedFdt {
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const h = (i: number) => dv.getUint32(i * 4);
  if (h(0) !== FDT_MAGIC) throw new Error('not a DTB (bad magic)');
  if (h(1) > blob.length) throw new Error('DTB truncated');
  const structOff = h(2), stringsOff = h(3), rsvOff = h(4);
  const reservations: FdtReservation[] = [];
  for (let at = rsvOff; ; at += 16) {
    const address = dv.getBigUint64(at), size = dv.getBigUint64(at + 8);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }
  const cstr = (at: number): [string, number] => {
    let end = at;
    while (blob[end] !== 0) {
      if (end >= blob.length) throw new Error('unterminated string in DTB');
      end++;
    }
    return [utf8d.decode(blob.subarray(at, end)), end + 1];
  };
  let at = structOff;
  const align = () => { at = (at + 3) & ~3; };
  const stack: FdtNode[] = [];
  let root: FdtNode | null = null;
  for (;;) {
    const token = dv.getUint32(at);
    at += 4;
    if (token === FDT_BEGIN_NODE) {
      const [name, next] = cstr(at);
      at = next;
      align();
      const node: FdtNode = { name, props: [], children: [] };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(node);
      else if (root === null) root = node;
      else throw new Error('DTB has two roots');
      stack.push(node);
    } else if (token === FDT_PROP) {
      const len = dv.getUint32(at), nameoff = dv.getUint32(at + 4);
      at += 8;
      const [name] = cstr(stringsOff + nameoff);
      const node = stack[stack.length - 1];
      if (!node) throw new Error('property outside a node');
      node.props.push([name, blob.slice(at, at + len)]);
      at += len;
      align();
    } else if (token === FDT_END_NODE) {
      if (!stack.pop()) throw new Error('unbalanced FDT_END_NODE');
    } else if (token === FDT_NOP) {
      continue;
    } else if (token === FDT_END) {
      break;
    } else {
      throw new Error(`bad DTB token ${token} at 0x${(at - 4).toString(16)}`);
    }
  }
  if (root === null || stack.length !== 0) throw new Error('DTB structure is incomplete');
  return { root, reservations, version: h(5), lastCompVersion: h(6), bootCpuid: h(7) };
}

/** The node at a path like "/soc/uart@10000000" ("/" is the root). */
export function fdtFind(root: FdtNode, path: string): FdtNode | null {
  let node: FdtNode | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    node = node.children.find((c) => c.name === part);
    if (!node) return null;
  }
  return node;
}

export function fdtPropBytes(node: FdtNode, name: string): Uint8Array | null {
  const p = node.props.find(([n]) => n === name);
  return p ? encodeValue(p[1]) : null;
}

export function fdtPropCells(node: FdtNode, name: string): number[] | null {
  const b = fdtPropBytes(node, name);
  if (b === null) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.length >> 2 }, (_, i) => dv.getUint32(i * 4));
}

export function fdtPropStrings(node: FdtNode, name: string): string[] | null {
  const b = fdtPropBytes(node, name);
  if (b === null) return null;
  const s = utf8d.decode(b);
  return s.endsWith('\0') ? s.slice(0, -1).split('\0') : [s];
}
