// Measures what the tiering defaults rest on (not part of npm test):
//   npm run build && node dist/tests/wasm/bench-tier.js
// - ns per TB execution of a small loop in the interpreter and in Wasm
//   (the loop TB chains to itself, so Wasm stays inside its dispatcher);
// - cost of compiling TBs to Wasm, per TB, in batches of 1 and of 100;
// - the break-even execution count = compile cost / time saved per execution.

import { HelperTable } from '../../src/exec/helpers.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { Cond, Type } from '../../src/ir/types.js';
import { GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemOp } from '../../src/memory/memop.js';
import { PAGE_MASK_LO, tlbEntryOffset, TlbEntry } from '../../src/memory/tlb-layout.js';
import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { WasmTier } from '../../src/backend/wasm/wasm-tier.js';
import { Rng } from '../ir/op-cases.js';
import { randomTb } from './ir-fuzz.js';
import { G_PC, gR, newTb, writeReg } from './ir-fixtures.js';
import { unusedSlowPath } from './wasm-harness.js';

const PAGE = 0x4000_0000n, HOST = GUEST_BASE + 0x20000;

/** 8 guest instructions: load, add, xor, shift, store, counter, compare, branch back to itself. */
function loopTb(helpers: HelperTable): TranslationBlock {
  const { fn, b } = newTb(helpers);
  const r = (i: number) => b.global(gR(i));
  const addr = b.local(Type.I64);
  const exit = b.newLabel();
  let pc = 0x1000n;
  const insn = (): void => { b.insnStart(pc); pc += 4n; };
  insn(); b.and(addr, r(1), b.const64(0xff8)); b.add(addr, addr, b.const64(PAGE));
  insn(); b.qemuLd(r(2), addr, MemOp.S64, 0);
  insn(); b.add(r(3), r(3), r(2));
  insn(); b.xor(r(4), r(4), r(3));
  insn(); b.bini('shl', r(5), r(4), 3);
  insn(); b.qemuSt(r(5), addr, MemOp.S32, 0);
  insn(); b.addi(r(1), r(1), 8);
  insn(); b.brcond(Cond.GEU, r(1), r(6), exit);
  b.mov(b.global(G_PC), b.const64(0x1000)); b.gotoTb(0);
  b.setLabel(exit); b.mov(b.global(G_PC), b.const64(pc)); b.exitTb(16);
  return new TranslationBlock(0x1000, 0, 0, 8, 32, [], fn);
}

function mapPage(mem: LinearMemory): void {
  const e = tlbEntryOffset(0, Number(PAGE));
  mem.writeU64(e + TlbEntry.READ_TAG, PAGE);
  mem.writeU64(e + TlbEntry.WRITE_TAG, PAGE);
  mem.i32[(e + TlbEntry.ADDEND) >> 2] = (HOST - (Number(PAGE) & PAGE_MASK_LO)) | 0;
}

const ITERS = 2_000_000;

function timeLoop(label: string, run: () => void, mem: LinearMemory): number {
  writeReg(mem, 1, 0n);
  writeReg(mem, 6, BigInt(ITERS * 8));
  const t0 = performance.now();
  run();
  const ns = ((performance.now() - t0) * 1e6) / ITERS;
  console.log(`${label.padEnd(10)} ${ns.toFixed(1)} ns per TB (${((8 / ns) * 1000).toFixed(0)} guest MIPS)`);
  return ns;
}

const helpers = new HelperTable();
const mem = new LinearMemory();
mapPage(mem);
const tb = loopTb(helpers);
tb.chainTo(0, tb); // let the interpreter chain the loop too
const interp = new InterpTier(mem, helpers, unusedSlowPath);
interp.prepare(tb);
const wasm = new WasmTier(mem, helpers, unusedSlowPath);
wasm.compile([tb]);
const tbNoCache = loopTb(helpers);
tbNoCache.chainTo(0, tbNoCache);
const wasmNoCache = new WasmTier(mem, helpers, unusedSlowPath, { codegen: { cacheGlobals: false } });
wasmNoCache.compile([tbNoCache]);
const runAll = (tier: InterpTier | WasmTier, which = tb): void => {
  tier.budget = Number.MAX_SAFE_INTEGER;
  while (tier.execute(which) !== 16);
};
for (let warm = 0; warm < 2; warm++) {
  const i = timeLoop('interp', () => runAll(interp), mem);
  const w = timeLoop('wasm', () => runAll(wasm), mem);
  timeLoop('wasm-nocache', () => runAll(wasmNoCache, tbNoCache), mem);
  if (warm === 1) console.log(`wasm/interp speed-up ${(i / w).toFixed(1)}x, saves ${(i - w).toFixed(1)} ns per execution`);
}

function compileCost(batch: number, total: number): number {
  const rng = new Rng(3);
  const tbs = Array.from({ length: total }, (_, k) => randomTb(rng, 0x10000 + 0x1000 * k, 40, helpers));
  const tier = new WasmTier(mem, helpers, unusedSlowPath);
  const t0 = performance.now();
  for (let i = 0; i < total; i += batch) tier.compile(tbs.slice(i, i + batch));
  const ms = performance.now() - t0;
  const perTbUs = (ms * 1000) / total;
  console.log(`compile batch=${String(batch).padEnd(4)} ${perTbUs.toFixed(0)} us per TB, ${(tier.stats.bytes / total).toFixed(0)} bytes per TB`);
  return perTbUs;
}
compileCost(1, 200);
compileCost(100, 2000);
