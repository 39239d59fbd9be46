// TBs of the shapes the interpreter encodes as ops of their own and that the
// random programs of ir-fuzz.ts never form: the RV64 "W" forms (ADDW, SUBW,
// ADDIW, SLLW, SRLW, SRAW) and loads and stores of kernel-half addresses,
// whose host address overflows int32 on the way. warm-up-child.ts runs them
// after the fuzz, so a warm-up that leaves them out fails warm-up.test.ts.

import { HelperTable } from '../../src/exec/helpers.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { ExitCode } from '../../src/ir/ops.js';
import { Type } from '../../src/ir/types.js';
import { GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { PAGE_MASK_LO, PAGE_SIZE, tlbEntryOffset, TlbEntry } from '../../src/memory/tlb-layout.js';
import { gR, newTb, writeReg } from '../wasm/ir-fixtures.js';

/** 0xffffffff80002000: a kernel address, mapped in the TLB of MMU index 0. */
const KERNEL_VADDR = -0x8000_0000 + 2 * PAGE_SIZE;

function shapesTb(helpers: HelperTable): TranslationBlock {
  const { fn, b } = newTb(helpers);
  b.insnStart(0x2000n);
  const r = (i: number) => b.global(gR(i));
  for (const name of ['add', 'sub', 'addi'] as const) {
    const t = b.local(Type.I64);
    if (name === 'addi') b.addi(t, r(1), -5);
    else b.bin(name, t, r(1), r(2));
    b.ext32s(r(3), t);
  }
  for (const name of ['shl', 'shr', 'sar'] as const) {
    const x = b.local(Type.I32), n = b.local(Type.I32), y = b.local(Type.I32);
    b.extrlI64I32(n, r(2));
    b.extrlI64I32(x, r(1)); // right before the shift: the encoder fuses extrl, shift, ext
    b.bin(name, y, x, n);
    b.extI32I64(r(4), y);
  }
  for (const size of [0, 1, 2, 3]) {
    const offset = b.local(Type.I64), addr = b.local(Type.I64);
    b.and(offset, r(5), b.const64(PAGE_SIZE - 8));
    b.add(addr, offset, b.const64(KERNEL_VADDR));
    b.qemuLd(r(6), addr, size, 0);
    b.qemuSt(r(6), addr, size, 0);
  }
  b.exitTb(ExitCode.TargetBase);
  return new TranslationBlock(0x2000, 0, 0, 1, 4, [], fn);
}

export function runShapes(mem: LinearMemory, helpers: HelperTable, interp: InterpTier): void {
  const e = tlbEntryOffset(0, KERNEL_VADDR);
  const tag = BigInt.asUintN(64, BigInt(KERNEL_VADDR));
  mem.writeU64(e + TlbEntry.READ_TAG, tag);
  mem.writeU64(e + TlbEntry.WRITE_TAG, tag);
  mem.i32[(e + TlbEntry.ADDEND) >> 2] = (GUEST_BASE - (KERNEL_VADDR & PAGE_MASK_LO)) | 0;
  const tb = shapesTb(helpers);
  for (let k = 0; k < 8; k++) {
    for (let i = 1; i <= 5; i++) writeReg(mem, i, BigInt.asUintN(64, BigInt(k * 0x1234567 - i * 0x89abcdef) << BigInt(k * 5)));
    interp.budget = 1000;
    interp.execute(tb);
  }
}
