// The frontend keeps the pc as two int32 halves (no BigInt per instruction):
// pcs, pc-relative constants and TB ends must come out as the 64-bit
// arithmetic says, also where the low half carries or borrows (a TB just
// below 4 GiB, a backward branch across it, kernel addresses near 2^64).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IRBuilder } from '../../src/ir/builder.js';
import { IRFunction } from '../../src/ir/ir.js';
import { Opc } from '../../src/ir/ops.js';
import { TempKind } from '../../src/ir/types.js';
import { verify } from '../../src/ir/verify.js';
import { CodeFetcher } from '../../src/exec/target.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { GUEST_BASE } from '../../src/memory/layout.js';
import { G_PC } from '../../src/target/riscv/cpu-layout.js';
import { RiscvTarget } from '../../src/target/riscv/riscv-target.js';
import { Insn, addi, assemble, bne, c16, ebreak, jal } from './rv-asm.js';

const mem = new LinearMemory(GUEST_BASE + 4096);
const target = new RiscvTarget(mem, { mmuIdx: 0 });
const MASK64 = (1n << 64n) - 1n;

/** Serves a program placed at a 64-bit address; records every fetch. */
class Fetcher implements CodeFetcher {
  readonly fetched: bigint[] = [];
  constructor(private readonly base: bigint, private readonly bytes: Uint8Array) {}
  fetch16(lo: number, hi: number): number {
    const at = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    this.fetched.push(at);
    const i = Number((at - this.base) & MASK64);
    if (i < 0 || i + 1 >= this.bytes.length) throw new Error(`fetch outside the program at 0x${at.toString(16)}`);
    return this.bytes[i]! | (this.bytes[i + 1]! << 8);
  }
}

function translateAt(pc: bigint, insns: readonly Insn[]): { fn: IRFunction; icount: number; size: number; fetcher: Fetcher } {
  const fn = new IRFunction(target.globals, target.helpers);
  const fetcher = new Fetcher(pc, assemble(insns));
  const r = target.translate(new IRBuilder(fn), Number(pc & 0xffffffffn) | 0, Number(pc >> 32n) | 0, target.tbFlags(), fetcher, 512);
  verify(fn);
  return { fn, ...r, fetcher };
}

const insnPcs = (fn: IRFunction): bigint[] => fn.ops.filter((o) => o.opc === Opc.insn_start)
  .map((o) => (BigInt(o.args[1]! >>> 0) << 32n) | BigInt(o.args[0]! >>> 0));

/** Every constant stored to pc, in op order. */
const pcStores = (fn: IRFunction): bigint[] => fn.ops
  .filter((o) => o.opc === Opc.mov_i64 && o.args[0] === G_PC && fn.temp(o.args[1]!).kind === TempKind.Const)
  .map((o) => fn.temp(o.args[1]!).value);

/** The constant moved into x[rd]. */
function constWritten(fn: IRFunction, rd: number): bigint | undefined {
  const g = target.globals.findIndex((d) => d.name === `x${rd}`);
  const op = fn.ops.find((o) => o.opc === Opc.mov_i64 && o.args[0] === g);
  return op === undefined ? undefined : fn.temp(op.args[1]!).value;
}

test('a TB ending at 2^32 stores a pc whose low half carried into the high half', () => {
  const { fn, icount, size } = translateAt(0xfffffff8n, [addi(10, 10, 1), addi(10, 10, 1), ebreak()]);
  assert.equal(icount, 2, 'the page (and TB) ends at 2^32');
  assert.equal(size, 8);
  assert.deepEqual(insnPcs(fn), [0xfffffff8n, 0xfffffffcn]);
  assert.deepEqual(pcStores(fn), [0x100000000n]);
});

test('a 4-byte instruction straddling 2^32 fetches its halves from both sides', () => {
  const { fn, fetcher, size } = translateAt(0xfffffffen, [jal(0, 0x10)]);
  assert.equal(size, 4);
  assert.deepEqual(insnPcs(fn), [0xfffffffen]);
  assert.ok(fetcher.fetched.includes(0x100000000n), 'second half of the jal read at 2^32');
  assert.deepEqual(pcStores(fn), [0xfffffffen + 0x10n]);
  // After another instruction it starts a TB of its own instead.
  const r = translateAt(0xfffffffcn, [c16(0x0505) /* c.addi a0, 1 */, jal(0, 0x10)]);
  assert.equal(r.icount, 1);
  assert.deepEqual(pcStores(r.fn), [0xfffffffen]);
});

test('pc-relative values borrow and carry: jal/auipc/branches around 2^32', () => {
  // jal ra, -0x20 at 0x1_0000_0004: the link is 0x1_0000_0008, the target below 4 GiB.
  const { fn } = translateAt(0x100000004n, [jal(1, -0x20)]);
  assert.equal(constWritten(fn, 1), 0x100000008n);
  assert.deepEqual(pcStores(fn), [0xffffffe4n]);
  // auipc a0, 0x1 (a0 = pc + 0x1000) at 0xffff_f800, then a branch back over 4 GiB.
  const auipc = ((0x1 << 12) | (10 << 7) | 0x17) >>> 0;
  const r = translateAt(0xfffff800n, [auipc, ebreak()]);
  assert.equal(constWritten(r.fn, 10), 0x100000800n);
  const b = translateAt(0x100000000n, [bne(10, 0, -8)]);
  assert.deepEqual(pcStores(b.fn), [0x100000004n, 0xfffffff8n], 'fall-through, then taken');
});

test('kernel addresses: the top of the address space wraps to 0', () => {
  const { fn } = translateAt(0xfffffffffffffff8n, [jal(1, 0x10)]);
  assert.equal(constWritten(fn, 1), 0xfffffffffffffffcn);
  assert.deepEqual(pcStores(fn), [0x8n]);
  const k = translateAt(0xffffffff80200000n, [addi(10, 10, 1), ebreak()]);
  assert.deepEqual(insnPcs(k.fn), [0xffffffff80200000n, 0xffffffff80200004n]);
  // ebreak's tval is its own pc.
  const call = k.fn.ops.find((o) => o.opc === Opc.call)!;
  assert.equal(k.fn.temp(call.args[1]!).value, 0xffffffff80200004n);
});
