// Warming the dispatch loop up before guest code runs.
//
// V8 optimizes InterpTier.execute (one function, a switch over every IOp)
// with the type feedback gathered so far, and compiles every case never run
// yet into a deoptimization. Each op a guest program reaches for the first
// time after that throws the whole loop back to the bytecode interpreter
// until V8 has re-optimized it (tens of ms for a function this size), five or
// six times per program. Measured on bench_sort / bench_sha256 before this
// file: 5 deopts of execute per run, and about 0.6 s of each 1.5 s run went
// to start-up and warm-up (steady-state 57 guest MIPS against 25 on average).
// So the first InterpTier of a process runs every encoding once, on a private
// LinearMemory with random operands (large values, so the feedback says
// "int32", not "small integer"), before any guest code.

import { IRBuilder } from '../../ir/builder.js';
import { GlobalDecl, IRFunction } from '../../ir/ir.js';
import { OP_DEFS, Opc } from '../../ir/ops.js';
import { VALUE_OPS } from '../../ir/fold.js';
import { Cond, Temp, Type } from '../../ir/types.js';
import { HelperTable } from '../../exec/helpers.js';
import { TranslationBlock } from '../../exec/tb.js';
import type { IndirectJumpLookup } from '../../exec/tier.js';
import { Cpu, FRAME_BASE, FRAME_SIZE, GUEST_BASE } from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { MemOp } from '../../memory/memop.js';
import { MemorySlowPath } from '../../memory/softmmu-api.js';
import { PAGE_SIZE, tlbEntryOffset, TlbEntry } from '../../memory/tlb-layout.js';
import type { InterpTier } from './interp-tier.js';

/**
 * Calls of execute: V8 allocates a function's feedback vector only after a
 * few calls (8 in Node 20), so the first rounds collect nothing; each round
 * runs the chain of warm-up TBs 4 times (through goto_ptr).
 */
const WARM_UP_CALLS = 16;
const LAPS_PER_CALL = 4;
/** Guest page the warm-up's loads and stores hit in the TLB (mmu 0). */
const DATA_VADDR = 0x7000_0000;

const noSlowPath: MemorySlowPath = { load() {}, store() {} };

/** A private memory and tier to warm up on; the caller makes the tier (no import cycle). */
export function warmUp(makeTier: (mem: LinearMemory, helpers: HelperTable, slowPath: MemorySlowPath) => InterpTier): void {
  const mem = new LinearMemory(GUEST_BASE + 2 * PAGE_SIZE, GUEST_BASE + 2 * PAGE_SIZE);
  const helpers = new HelperTable();
  const helperId = helpers.register({ name: 'warm_up', args: [Type.I64], ret: [Type.I64], flags: 0, fn: () => {} });
  const tier = makeTier(mem, helpers, noSlowPath);
  const globals: GlobalDecl[] = [{ name: 'pc', type: Type.I64, offset: Cpu.PC }];
  // TLB entry for DATA_VADDR: readable and writable, backed by the guest page.
  const e = tlbEntryOffset(0, DATA_VADDR);
  mem.i32[(e + TlbEntry.READ_TAG) >> 2] = DATA_VADDR; mem.i32[(e + TlbEntry.READ_TAG + 4) >> 2] = 0;
  mem.i32[(e + TlbEntry.WRITE_TAG) >> 2] = DATA_VADDR; mem.i32[(e + TlbEntry.WRITE_TAG + 4) >> 2] = 0;
  mem.i32[(e + TlbEntry.ADDEND) >> 2] = (GUEST_BASE - DATA_VADDR) | 0;

  const tbs: TranslationBlock[] = [];
  const build = (body: (b: IRBuilder, fn: IRFunction, pc: Temp) => void): TranslationBlock => {
    const fn = new IRFunction(globals, helpers);
    const b = new IRBuilder(fn);
    b.insnStart(BigInt(0x1000 + 4 * tbs.length));
    body(b, fn, fn.temp(0));
    const tb = new TranslationBlock(0x1000 + 4 * tbs.length, 0, 0, 1, 4, [], fn);
    tier.prepare(tb);
    tbs.push(tb);
    return tb;
  };
  const c64 = (fn: IRFunction, v: number | bigint) => fn.constant(Type.I64, v);
  /** A two-way TB end: brcond cond; each way sets pc and goes to slot 1 / 0 (BRTB64_*). */
  const brTbEnd = (b: IRBuilder, fn: IRFunction, pc: Temp, cond: Cond, x: Temp, y: Temp): void => {
    const taken = b.newLabel();
    b.brcond(cond, x, y, taken);
    b.mov(pc, c64(fn, 0x2000)); b.gotoTb(1);
    b.setLabel(taken);
    b.mov(pc, c64(fn, 0x3000)); b.gotoTb(0);
  };

  // 1. Every value op on locals (random frame contents), then the fused and specialised forms.
  build((b, fn, pc) => {
    const pick = (t: Type) => fn.newLocal(t);
    for (const opc of VALUE_OPS) {
      const def = OP_DEFS[opc]!;
      const args: number[] = [];
      for (let i = 0; i < def.nOut; i++) args.push(pick(def.outTypes[i] ?? def.outTypes[0]!).index);
      for (let i = 0; i < def.nIn; i++) args.push(pick(def.inTypes[i] ?? def.inTypes[0]!).index);
      for (const name of def.constNames) args.push(name === 'cond' ? Cond.LTU : name === 'pos' ? 3 : name === 'len' ? 9 : 0);
      b.emit(opc, ...args);
    }
    const x = pick(Type.I64), y = pick(Type.I64), t = pick(Type.I64), d = pick(Type.I64), w = pick(Type.I32), w2 = pick(Type.I32);
    b.mov(d, c64(fn, 0x12345678_9abcdef0n));                              // MOVI64
    b.emit(Opc.add_i64, t.index, x.index, c64(fn, 0x1234).index); b.ext32s(d, t); // ADDIW
    const t2 = pick(Type.I64); b.emit(Opc.add_i64, t2.index, x.index, y.index); b.ext32s(d, t2); // ADDW
    const t3 = pick(Type.I64); b.emit(Opc.sub_i64, t3.index, x.index, y.index); b.ext32s(d, t3); // SUBW
    b.emit(Opc.add_i64, d.index, x.index, c64(fn, -8).index);               // ADDI64
    for (const shift of [Opc.shl_i32, Opc.shr_i32, Opc.sar_i32]) {         // SLLW, SRLW, SRAW
      const a32 = pick(Type.I32), s32 = pick(Type.I32);
      b.extrlI64I32(a32, x); b.emit(shift, s32.index, a32.index, fn.constant(Type.I32, 7).index); b.extI32I64(d, s32);
    }
    for (const cond of [Cond.EQ, Cond.NE, Cond.LT, Cond.GE, Cond.LTU, Cond.GEU, Cond.LE]) { // BR64_*, brcond_i64
      const l = b.newLabel(); b.brcond(cond, x, y, l); b.setLabel(l);
    }
    const l32 = b.newLabel(); b.brcond(Cond.LT, w, w2, l32); b.setLabel(l32);
    const skip = b.newLabel(); b.br(skip); b.setLabel(skip);
    b.ld(d, Cpu.HELPER_ARGS, MemOp.S64); b.st(d, Cpu.HELPER_ARGS, MemOp.S64);
    b.ld(w, Cpu.HELPER_ARGS, MemOp.S32); b.st(w, Cpu.HELPER_ARGS, MemOp.S32);
    b.call(helperId, [d], [x]);
    // Guest memory: every size and sign, both widths, with and without a folded offset, then generic and missing forms.
    const base = pick(Type.I64), miss = pick(Type.I64);
    b.mov(base, c64(fn, DATA_VADDR)); b.mov(miss, c64(fn, DATA_VADDR + PAGE_SIZE));
    for (const size of [MemOp.S8, MemOp.S16, MemOp.S32, MemOp.S64]) {
      for (const sign of size === MemOp.S64 ? [0] : [0, MemOp.SIGN]) {
        const a = pick(Type.I64); b.emit(Opc.add_i64, a.index, base.index, c64(fn, 16).index);
        b.qemuLd(d, a, size | sign, 0);
        b.qemuLd(d, base, size | sign, 0);
        b.qemuLd(d, miss, size | sign, 0);
        b.qemuLd(d, base, size | sign | MemOp.BSWAP, 0);
        if (size !== MemOp.S64) { b.qemuLd(w, base, size | sign, 0); b.qemuLd(w, miss, size | sign, 0); }
      }
      const a = pick(Type.I64); b.emit(Opc.add_i64, a.index, base.index, c64(fn, 24).index);
      b.qemuSt(d, a, size, 0); b.qemuSt(d, base, size, 0); b.qemuSt(d, miss, size, 0); b.qemuSt(d, base, size | MemOp.BSWAP, 0);
      if (size !== MemOp.S64) b.qemuSt(w, base, size, 0);
    }
    b.mov(pc, c64(fn, 0x2000)); b.gotoTb(0);                              // GOTO_TB_PC
  });
  // 2. The two-way TB ends, one TB per condition, chained in a row.
  for (const cond of [Cond.EQ, Cond.NE, Cond.LT, Cond.GE, Cond.LTU, Cond.GEU, Cond.LE]) {
    build((b, fn, pc) => brTbEnd(b, fn, pc, cond, fn.newLocal(Type.I64), fn.newLocal(Type.I64)));
  }
  // 3. A plain goto_tb, then goto_ptr back to the start through a stand-in jump cache.
  build((b) => b.gotoTb(0));
  build((b, fn, pc) => { b.mov(pc, fn.newLocal(Type.I64)); b.gotoPtr(); });
  for (let i = 0; i + 1 < tbs.length; i++) tbs[i]!.jump[0] = tbs[i]!.jump[1] = tbs[i + 1]!;
  let laps = 0;
  const lookup: IndirectJumpLookup = { lookupIndirect: () => (++laps % LAPS_PER_CALL === 0 ? null : tbs[0]!) };
  tier.indirectJumps = lookup;

  const frameWords = FRAME_SIZE >> 2, frameW = FRAME_BASE >> 2;
  for (let call = 0; call < WARM_UP_CALLS; call++) {
    // Random words, most beyond the small-integer range.
    for (let i = 0; i < frameWords; i++) mem.i32[frameW + i] = (Math.random() * 0x1_0000_0000) | 0;
    tier.budget = Number.MAX_SAFE_INTEGER;
    tier.execute(tbs[0]!);
  }
}
