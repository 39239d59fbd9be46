// Interpreter throughput on integer code: a RISC-V-shaped loop TB (as the
// translator plus optimizer would emit it) chained to itself through goto_tb,
// so the measurement covers op dispatch, the TLB fast path and chaining.
// Prints guest MIPS. Run: node dist/bench/interp-speed.js

import { IRBuilder } from '../src/ir/builder.js';
import { IRFunction } from '../src/ir/ir.js';
import { ExitCode } from '../src/ir/ops.js';
import { optimize } from '../src/ir/optimize.js';
import { verify } from '../src/ir/verify.js';
import { Cond } from '../src/ir/types.js';
import { HelperTable } from '../src/exec/helpers.js';
import { TranslationBlock } from '../src/exec/tb.js';
import { CPU_BASE, GUEST_BASE } from '../src/memory/layout.js';
import { LinearMemory } from '../src/memory/linear-memory.js';
import { MemOp } from '../src/memory/memop.js';
import { MemorySlowPath } from '../src/memory/softmmu-api.js';
import { tlbEntryOffset, TlbEntry } from '../src/memory/tlb-layout.js';
import { InterpTier } from '../src/backend/interp/interp-tier.js';
import { gX, G_PC, RV_GLOBALS, xOffset } from '../src/target/riscv/cpu-layout.js';

const LOOP_ITERATIONS = 3_000_000;
const ROUNDS = 5;
const DATA_VADDR = 0x20000;

const mem = new LinearMemory();
const noSlowPath: MemorySlowPath = {
  load() { throw new Error('slow path in benchmark'); },
  store() { throw new Error('slow path in benchmark'); },
};
const helpers = new HelperTable();
const tier = new InterpTier(mem, helpers, noSlowPath);

// One TLB entry mapping the data page, read and write.
const e = tlbEntryOffset(0, DATA_VADDR);
mem.i32[(e + TlbEntry.READ_TAG) >> 2] = DATA_VADDR; mem.i32[(e + TlbEntry.READ_TAG + 4) >> 2] = 0;
mem.i32[(e + TlbEntry.WRITE_TAG) >> 2] = DATA_VADDR; mem.i32[(e + TlbEntry.WRITE_TAG + 4) >> 2] = 0;
mem.i32[(e + TlbEntry.ADDEND) >> 2] = GUEST_BASE - DATA_VADDR;

const fn = new IRFunction(RV_GLOBALS, helpers);
const b = new IRBuilder(fn);
const x = (r: number) => fn.temp(gX(r));
let pc = 0x1000n;
const insn = (): void => { b.insnStart(pc); pc += 4n; };
insn(); b.addi(x(10), x(10), 8);                        // addi a0, a0, 8
insn(); b.bini('and', x(12), x(10), 0xff8);             // andi a2, a0, 0xff8
insn(); b.addi(x(12), x(12), DATA_VADDR);               // add a2, a2, s0 (base)
insn(); b.qemuLd(x(11), x(12), MemOp.S64, 0);           // ld a1, 0(a2)
insn(); b.add(x(5), x(5), x(11));                       // add t0, t0, a1
insn(); b.xor(x(6), x(6), x(5));                        // xor t1, t1, t0
insn(); b.bini('shl', x(7), x(6), 3);                   // slli t2, t1, 3
insn(); b.qemuSt(x(7), x(12), MemOp.S64, 0);            // sd t2, 0(a2)
insn(); b.addi(x(8), x(8), -1);                         // addi s0, s0, -1
insn();                                                 // bnez s0, loop
const done = b.newLabel();
b.brcond(Cond.EQ, x(8), b.const64(0), done);
b.mov(fn.temp(G_PC), b.const64(0x1000)); b.gotoTb(0);
b.setLabel(done);
b.mov(fn.temp(G_PC), b.const64(pc)); b.exitTb(ExitCode.Next);
const ICOUNT = Number((pc - 0x1000n) / 4n);
verify(fn); optimize(fn); verify(fn);

const tb = new TranslationBlock(0x1000, 0, 0, ICOUNT, ICOUNT * 4, [], fn);
tier.prepare(tb);
tb.chainTo(0, tb);

let best = Infinity;
for (let round = 0; round < ROUNDS; round++) {
  mem.writeU64(CPU_BASE + xOffset(8), BigInt(LOOP_ITERATIONS));
  tier.budget = Number.MAX_SAFE_INTEGER;
  const t0 = performance.now();
  const exit = tier.execute(tb);
  const ms = performance.now() - t0;
  if (exit !== ExitCode.Next) throw new Error(`unexpected exit ${exit}`);
  best = Math.min(best, ms);
}
const mips = (LOOP_ITERATIONS * ICOUNT) / (best * 1000);
const encodedOps = tb.interpWords;
console.log(`interp: ${ICOUNT} guest insns per TB, ${encodedOps} code words; best of ${ROUNDS}: ${best.toFixed(1)} ms for ${LOOP_ITERATIONS * ICOUNT} insns = ${mips.toFixed(1)} guest MIPS`);
