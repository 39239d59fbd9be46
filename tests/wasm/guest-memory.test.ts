// qemu_ld/qemu_st in generated Wasm: the inline TLB fast path (hits for
// every size, sign and byte order), the slow path on a miss, on a misaligned
// access and on a write-protected page, and a slow path that faults: the
// module leaves with EXIT_RAISED, Cpu.PC at the accessing instruction and the
// registers it cached written back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUEST_EXCEPTION } from '../../src/exec/exception.js';
import { HelperTable } from '../../src/exec/helpers.js';
import { EXIT_RAISED } from '../../src/backend/wasm/dispatcher.js';
import { ExitCode } from '../../src/ir/ops.js';
import { Cpu, CPU_BASE, GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemOp } from '../../src/memory/memop.js';
import { MemorySlowPath } from '../../src/memory/softmmu-api.js';
import { PAGE_MASK_LO, tlbEntryOffset, TlbEntry } from '../../src/memory/tlb-layout.js';
import { Type } from '../../src/ir/types.js';
import { compileTbs, tbInput } from './wasm-harness.js';
import { gR, G_W7, newTb, readCpu64, readReg, writeReg } from './ir-fixtures.js';

const VADDR = 0x7654_3000n; // a guest page
const VADDR_HI = 0x12n << 32n; // and one above 4 GiB, to check the high tag word
const HOST = GUEST_BASE + 0x5000;
const MMU = 2;

interface SlowCall { kind: 'load' | 'store'; lo: number; hi: number; memop: number; mmu: number; valLo?: number; valHi?: number }

/** Records every call; faults (GUEST_EXCEPTION) at addresses whose low word is faultLo. */
function fakeSlowPath(mem: LinearMemory, calls: SlowCall[], loadValue: bigint, faultLo?: number): MemorySlowPath {
  const raiseAt = (lo: number): void => {
    if (lo !== faultLo) return;
    mem.i32[(CPU_BASE + Cpu.EXCEPTION) >> 2] = 13;
    throw GUEST_EXCEPTION;
  };
  return {
    load(lo, hi, memop, mmu) {
      calls.push({ kind: 'load', lo, hi, memop, mmu });
      raiseAt(lo);
      mem.writeU64(CPU_BASE + Cpu.HELPER_RET, loadValue);
    },
    store(lo, hi, valLo, valHi, memop, mmu) {
      calls.push({ kind: 'store', lo, hi, valLo, valHi, memop, mmu });
      raiseAt(lo);
    },
  };
}

function mapPage(mem: LinearMemory, vaddr: bigint, host: number, writable: boolean): void {
  const lo = Number(vaddr & 0xffffffffn) | 0, hi = Number(vaddr >> 32n) | 0;
  const e = tlbEntryOffset(MMU, lo);
  const tag = BigInt.asUintN(64, vaddr & ~0xfffn);
  mem.writeU64(e + TlbEntry.READ_TAG, tag);
  mem.writeU64(e + TlbEntry.WRITE_TAG, writable ? tag : 0xffffffffffffffffn);
  mem.writeU64(e + TlbEntry.CODE_TAG, 0xffffffffffffffffn);
  mem.i32[(e + TlbEntry.ADDEND) >> 2] = (host - (lo & PAGE_MASK_LO)) | 0;
  void hi;
}

/** Reference little/big-endian extraction of a value of 2^size bytes at byte offset off. */
function expectedLoad(bytes: Uint8Array, off: number, memop: number, bits: 32 | 64): bigint {
  const n = 1 << (memop & 3);
  let v = 0n;
  for (let i = 0; i < n; i++) {
    const byte = BigInt(bytes[off + i]!);
    v |= memop & MemOp.BSWAP ? byte << BigInt(8 * (n - 1 - i)) : byte << BigInt(8 * i);
  }
  if (memop & MemOp.SIGN) v = BigInt.asIntN(8 * n, v);
  return BigInt.asUintN(bits, v);
}

const MEMOPS: number[] = [];
for (let size = 0; size < 4; size++) for (const sign of [0, MemOp.SIGN]) for (const bs of [0, MemOp.BSWAP]) MEMOPS.push(size | sign | bs);

test('qemu_ld fast path: every size, sign and byte order, i64 and i32 results', () => {
  const mem = new LinearMemory();
  const calls: SlowCall[] = [];
  for (const base of [VADDR, VADDR_HI | VADDR]) {
    mapPage(mem, base, HOST, true);
    const pattern = new Uint8Array(128).map((_, i) => (i * 37 + 0x81) & 0xff);
    mem.u8.set(pattern, HOST + 0x100);
    const tbs = MEMOPS.flatMap((memop) => [Type.I64, Type.I32].map((type) => {
      const { fn, b } = newTb(new HelperTable());
      b.insnStart(0x1000n);
      b.qemuLd(type === Type.I64 ? b.global(gR(2)) : b.global(G_W7), b.global(gR(1)), memop, MMU);
      b.exitTb(0);
      return { memop, type, input: tbInput(fn) };
    }));
    const mod = compileTbs(tbs.map((t) => t.input), mem, fakeSlowPath(mem, calls, 0n));
    tbs.forEach(({ memop, type }, k) => {
      const off = 8 << (memop & 3); // naturally aligned
      writeReg(mem, 1, base + 0x100n + BigInt(off));
      assert.equal(mod.run(k, 100), ExitCode.Next);
      const got = type === Type.I64 ? readReg(mem, 2) : BigInt(mem.u32[(CPU_BASE + 256 + 56) >> 2]!);
      assert.equal(got, expectedLoad(pattern, off, memop, type === Type.I64 ? 64 : 32), `memop ${memop} type ${type}`);
    });
  }
  assert.deepEqual(calls, []);
});

test('qemu_st fast path: every size and byte order', () => {
  const mem = new LinearMemory();
  const calls: SlowCall[] = [];
  mapPage(mem, VADDR, HOST, true);
  const value = 0x1122334455667788n;
  const stores = MEMOPS.filter((m) => !(m & MemOp.SIGN));
  const tbs = stores.map((memop) => {
    const { fn, b } = newTb(new HelperTable());
    b.insnStart(0x1000n);
    b.qemuSt(b.global(gR(2)), b.global(gR(1)), memop, MMU);
    b.exitTb(0);
    return tbInput(fn);
  });
  const mod = compileTbs(tbs, mem, fakeSlowPath(mem, calls, 0n));
  stores.forEach((memop, k) => {
    mem.u8.fill(0xee, HOST, HOST + 32);
    writeReg(mem, 1, VADDR + 8n);
    writeReg(mem, 2, value);
    assert.equal(mod.run(k, 100), ExitCode.Next);
    const n = 1 << (memop & 3);
    for (let i = 0; i < n; i++) {
      const shift = memop & MemOp.BSWAP ? 8 * (n - 1 - i) : 8 * i;
      assert.equal(mem.u8[HOST + 8 + i], Number((value >> BigInt(shift)) & 0xffn), `memop ${memop} byte ${i}`);
    }
    assert.equal(mem.u8[HOST + 8 + n], 0xee, 'no byte beyond the access');
  });
  assert.deepEqual(calls, []);
});

test('slow path: miss, misaligned and write-protected', () => {
  const mem = new LinearMemory();
  const calls: SlowCall[] = [];
  mapPage(mem, VADDR, HOST, false);
  const { fn, b } = newTb(new HelperTable());
  b.insnStart(0x2000n);
  b.qemuLd(b.global(gR(2)), b.global(gR(1)), MemOp.S32 | MemOp.SIGN, MMU);
  b.insnStart(0x2004n);
  b.qemuSt(b.global(gR(3)), b.global(gR(1)), MemOp.S64, MMU);
  b.exitTb(0);
  const mod = compileTbs([tbInput(fn, 0x2000, 2)], mem, fakeSlowPath(mem, calls, 0xffffffff80000001n));

  // Aligned load on the mapped page hits; the store hits the protected write tag.
  mem.u32[(HOST + 0x40) >> 2] = 0x80000000;
  writeReg(mem, 1, VADDR + 0x40n);
  writeReg(mem, 3, 0xaabbccdd11223344n);
  assert.equal(mod.run(0, 100), ExitCode.Next);
  assert.equal(readReg(mem, 2), 0xffffffff80000000n);
  assert.deepEqual(calls, [{ kind: 'store', lo: Number(VADDR + 0x40n) | 0, hi: 0, valLo: 0x11223344, valHi: 0xaabbccdd | 0, memop: MemOp.S64, mmu: MMU }]);

  // Misaligned: both go slow.
  calls.length = 0;
  writeReg(mem, 1, VADDR + 0x42n);
  mod.run(0, 100);
  assert.equal(readReg(mem, 2), 0xffffffff80000001n, 'value from HELPER_RET');
  assert.deepEqual(calls.map((c) => [c.kind, c.lo]), [['load', Number(VADDR + 0x42n) | 0], ['store', Number(VADDR + 0x42n) | 0]]);

  // Miss: same page offset, different high word.
  calls.length = 0;
  writeReg(mem, 1, VADDR_HI | (VADDR + 0x40n));
  mod.run(0, 100);
  assert.deepEqual(calls.map((c) => [c.kind, c.hi]), [['load', 0x12], ['store', 0x12]]);
});

test('a faulting slow path: EXIT_RAISED, Cpu.PC at the instruction, cached registers written back', () => {
  const mem = new LinearMemory();
  const calls: SlowCall[] = [];
  const { fn, b } = newTb(new HelperTable());
  b.insnStart(0x3000n);
  b.add(b.global(gR(4)), b.global(gR(4)), b.const64(5)); // a register the region caches and writes
  b.insnStart(0x3004n);
  b.qemuLd(b.global(gR(2)), b.global(gR(1)), MemOp.S64, MMU); // misses (nothing mapped)
  b.insnStart(0x3008n);
  b.add(b.global(gR(4)), b.global(gR(4)), b.const64(100));
  b.exitTb(ExitCode.TargetBase);
  const mod = compileTbs([tbInput(fn, 0x3000, 3)], mem, fakeSlowPath(mem, calls, 7n, 0x1230));
  mem.writeU64(CPU_BASE + Cpu.PC, 0x9999n);

  writeReg(mem, 1, 0x1238n); // no fault: the TB runs to its end
  writeReg(mem, 4, 1n);
  assert.equal(mod.run(0, 100), ExitCode.TargetBase);
  assert.equal(readReg(mem, 2), 7n);
  assert.equal(readReg(mem, 4), 106n);
  assert.equal(readCpu64(mem, Cpu.PC), 0x9999n, 'a slow path that does not fault leaves Cpu.PC alone');

  writeReg(mem, 1, 0x1230n); // faults
  writeReg(mem, 2, 0x55n);
  writeReg(mem, 4, 1n);
  mem.writeU64(CPU_BASE + Cpu.INSN_COUNT, 0n);
  assert.equal(mod.run(0, 100), EXIT_RAISED);
  assert.equal(readCpu64(mem, Cpu.PC), 0x3004n, 'the faulting instruction');
  assert.equal(readReg(mem, 4), 6n, 'the write before the fault is in the CPU state, the one after is not done');
  assert.equal(readReg(mem, 2), 0x55n, 'the load did not write');
  assert.equal(readCpu64(mem, Cpu.INSN_COUNT), 3n, 'the whole TB is charged on entry, as in the interpreter');
  assert.equal(mod.budget, 97);
  assert.equal(calls.length, 2);
});

test('INSN_COUNT and budget are charged on TB entry', () => {
  const mem = new LinearMemory();
  const { fn, b } = newTb(new HelperTable());
  b.insnStart(0x3000n);
  b.exitTb(ExitCode.TargetBase + 1);
  const mod = compileTbs([tbInput(fn, 0x3000, 7)], mem);
  mem.writeU64(CPU_BASE + Cpu.INSN_COUNT, 0xfffffffen);
  assert.equal(mod.run(0, 100), ExitCode.TargetBase + 1);
  assert.equal(readCpu64(mem, Cpu.INSN_COUNT), 0xfffffffen + 7n, 'carries into the high word');
  assert.equal(mod.budget, 93);
});
