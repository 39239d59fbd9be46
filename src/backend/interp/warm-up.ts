// Type feedback for the interpreter before any guest code runs.
//
// V8 optimizes InterpTier.execute (one big switch) once it is hot, from the
// type feedback its cases have gathered so far. A case that has never run has
// none, so the first time the guest reaches it the optimized code is thrown
// away ("Insufficient type feedback for binary operation") and execute is
// optimized again later. On the Linux boot that happened 14 times
// (`node --trace-deopt`): execute was compiled 23 times, 2.3 s of V8's
// background threads (which the boot's Wasm compiles share), and the main
// thread ran ~4% of the boot in unoptimized code in between (perf).
//
// warmUpInterpreter runs every op form of the interpreter, with small and
// large values, both ways through every branch and every kind of TB exit
// and chain, in a scratch memory of its own, before the first TB. The
// feedback lives with the function, not the instance, so the machine's
// interpreter starts with all of it.

import { HelperFlag, HelperTable } from '../../exec/helpers.js';
import { TranslationBlock } from '../../exec/tb.js';
import { IndirectJumpLookup } from '../../exec/tier.js';
import { VALUE_OPS } from '../../ir/fold.js';
import { IRBuilder } from '../../ir/builder.js';
import { GlobalDecl, IRFunction } from '../../ir/ir.js';
import { ExitCode, OP_DEFS, Opc } from '../../ir/ops.js';
import { Cond, Temp, Type } from '../../ir/types.js';
import { Cpu, CPU_BASE, CPU_TARGET_BASE, GUEST_BASE } from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { MemOp } from '../../memory/memop.js';
import { MemorySlowPath } from '../../memory/softmmu-api.js';
import { PAGE_MASK_LO, PAGE_SIZE, TlbEntry, tlbEntryOffset } from '../../memory/tlb-layout.js';
import { CodeArena } from './code-arena.js';
import { InterpTier } from './interp-tier.js';

/** pc, r1..r6 (i64), w7 (i32). */
const GLOBALS: GlobalDecl[] = [
  { name: 'pc', type: Type.I64, offset: Cpu.PC },
  ...[1, 2, 3, 4, 5, 6].map((i) => ({ name: `r${i}`, type: Type.I64, offset: CPU_TARGET_BASE + 8 * i })),
  { name: 'w7', type: Type.I32, offset: CPU_TARGET_BASE + 8 * 7 },
];
const G_PC = 0, G_W7 = 7;
const regWord = (i: number): number => (CPU_BASE + CPU_TARGET_BASE + 8 * i) >> 2;

/**
 * Pages the scratch TLB maps (loads and stores hit) and one it does not (the
 * slow path runs). The second mapped one is where a kernel lives
 * (0xffffffff80001000): its host address overflows int32 on the way
 * (vaddr + addend), as every access to kernel data does.
 */
const MAPPED_VADDR = 0x4000_0000, KERNEL_VADDR = -0x8000_0000 + PAGE_SIZE, UNMAPPED_VADDR = 0x5000_0000;
const MAPPED_HOST = GUEST_BASE;
const MMU = 0;
/**
 * TB pcs: TB 4 on a page of its own, reached by a cross-page jump; TB 5,
 * never linked, jumps to TB 0 on its page (the chaining step's same-page
 * test runs both ways).
 */
const PCS = [0x1000, 0x1100, 0x1200, 0x1300, 0x3000, 0x1400];
/**
 * Rounds: V8 allocates a function's feedback vector only after its first
 * few calls (8 in V8 11), so the TBs run well past that, with the register
 * values changing every round.
 */
const ROUNDS = 24;
/**
 * Register values by round: small positive, small negative, full width, a
 * zero low word, a zero high word, so each op sees every kind on its inputs
 * (and both arms of tests like clz's "high word zero?").
 */
const VALUE_KINDS = 5;
/**
 * Helpers of every kind the interpreter treats differently (may raise: the
 * pc is stored first); more than four, so the call site is megamorphic, as
 * it is in a machine with its dozens of helpers.
 */
const HELPER_FLAGS = [
  0, HelperFlag.NO_WRITE_GLOBALS, HelperFlag.NO_READ_GLOBALS | HelperFlag.NO_WRITE_GLOBALS, HelperFlag.MAY_RAISE,
  HelperFlag.MAY_RAISE | HelperFlag.NO_WRITE_GLOBALS,
];

let warmedUp = false;

/** The machine's interpreter, made after the warm-up (every machine makes its interpreter here). */
export function createWarmInterpTier(mem: LinearMemory, helpers: HelperTable, slowPath: MemorySlowPath): InterpTier {
  warmUpInterpreter();
  return new InterpTier(mem, helpers, slowPath);
}

/** Give the interpreter's hot functions feedback for every op, once per process. */
export function warmUpInterpreter(): void {
  if (warmedUp) return;
  warmedUp = true;
  const mem = new LinearMemory(GUEST_BASE + PAGE_SIZE);
  const helpers = new HelperTable();
  const helperIds = HELPER_FLAGS.map((flags, i) => helpers.register({
    name: `warm_up_${i}`, args: [Type.I32, Type.I64], ret: i % 2 ? [Type.I64] : [Type.I32, Type.I64], flags, fn: () => {},
  }));
  const slowPath: MemorySlowPath = {
    load(lo) {
      mem.i32[(CPU_BASE + Cpu.HELPER_RET) >> 2] = lo;
      mem.i32[((CPU_BASE + Cpu.HELPER_RET) >> 2) + 1] = ~lo;
    },
    store() {},
  };
  generalizeTbFields(helpers);
  const tier = new InterpTier(mem, helpers, slowPath);
  const tbs = PCS.slice(0, 5).map((pc, k) => new TranslationBlock(pc, 0, 0, 1, 4, [0], buildTb(k, helpers, helperIds)));
  for (const tb of tbs) tier.prepare(tb);
  // 0 -> 1 by a link, 1 -> 2 by either exit of a two-way branch, 2 -> 3 by goto_ptr, 3 -> 4 across pages.
  tbs[0]!.chainTo(0, tbs[1]!);
  tbs[1]!.chainTo(0, tbs[2]!);
  tbs[1]!.chainTo(1, tbs[2]!);
  const lookup: IndirectJumpLookup = {
    lookupIndirect: (pcLo) => tbs.find((tb) => tb.pcLo === pcLo) ?? null,
  };
  tier.indirectJumps = lookup;
  tier.crossPageLookups = true;
  mapPages(mem);

  let seed = 0x9e3779b9;
  const next = (): number => (seed = (Math.imul(seed, 0x2c1b3c6d) + 0x297a2d39) | 0);
  for (let round = 0; round < ROUNDS; round++) {
    const m = mem.i32;
    for (let r = 1; r <= 7; r++) {
      const x = next();
      const [lo, hi] = [[x >>> 24, 0], [x >> 24 | 0x8000_0000, -1], [x, next()], [0, x], [x, 0]][(round + r) % VALUE_KINDS]!;
      m[regWord(r)] = lo!;
      m[regWord(r) + 1] = hi!;
    }
    tier.budget = round % 3 === 0 ? 1 : Number.MAX_SAFE_INTEGER;
    tier.execute(tbs[round % 3 === 2 ? 2 : 0]!);
    // TBs the tier has not prepared yet (execute prepares them).
    tier.execute(new TranslationBlock(PCS[4]!, 0, 0, 1, 4, [0], buildTb(4, helpers, helperIds)));
    tier.execute(new TranslationBlock(PCS[5]!, 0, 0, 1, 4, [0], buildTb(5, helpers, helperIds)));
  }
}

/**
 * Write the TranslationBlock fields the machine changes after construction
 * and the warm-up's own TBs do not (the cold slot, the links and interpEntry
 * change below), with the kinds of value they will hold, so that V8's map for
 * TBs has them mutable and of any type before execute is optimized. Otherwise
 * the first TB invalidated (valid = false: a "const" field written) or
 * compiled (wasmCode set) changes the map under the optimized interpreter,
 * which is thrown away (a lazy deopt, once each, on the Linux boot while the
 * kernel starts) and runs unoptimized until V8 compiles it again.
 */
let tbShapesPrepared = false;

/** generalizeTbFields, once per process: for a machine whose cold tier is not this interpreter (its own warm-up calls it too). */
export function prepareTbShapes(): void {
  generalizeTbFields(new HelperTable());
}

function generalizeTbFields(helpers: HelperTable): void {
  if (tbShapesPrepared) return;
  tbShapesPrepared = true;
  const tb = new TranslationBlock(PCS[0]!, 0, 0, 1, 4, [0], new IRFunction(GLOBALS, helpers));
  tb.bindColdSlot(new CodeArena(2, 2, 0), 0);
  tb.valid = false;
  tb.wasmCode = { module: null, index: 0, exits: 0, check: null };
  tb.wasmCode = null;
  tb.unbindColdSlot();
  tb.interpEntry = -1;
  tb.successors = [tb];
  tb.successors = null;
  tb.hashNext = tb;
  tb.hashNext = null;
  tb.cachedBytes = 1;
  tb.freezeIr();
}

/** Map the pages at MAPPED_VADDR and KERNEL_VADDR (both to MAPPED_HOST) for reads and writes in the scratch TLB. */
function mapPages(mem: LinearMemory): void {
  for (const vaddr of [MAPPED_VADDR, KERNEL_VADDR]) {
    const e = tlbEntryOffset(MMU, vaddr);
    const tag = BigInt.asUintN(64, BigInt(vaddr));
    mem.writeU64(e + TlbEntry.READ_TAG, tag);
    mem.writeU64(e + TlbEntry.WRITE_TAG, tag);
    mem.i32[(e + TlbEntry.ADDEND) >> 2] = (MAPPED_HOST - (vaddr & PAGE_MASK_LO)) | 0;
  }
}

/** The IR of warm-up TB k (see PCS and the links in warmUpInterpreter). */
function buildTb(k: number, helpers: HelperTable, helperIds: readonly number[]): IRFunction {
  const fn = new IRFunction(GLOBALS, helpers);
  const b = new IRBuilder(fn);
  b.insnStart(BigInt(PCS[k]!));
  const pc = b.global(G_PC);
  switch (k) {
    case 0:
      everyOp(b, helperIds);
      b.mov(pc, b.const64(PCS[1]!));
      b.gotoTb(0);
      break;
    case 1: {
      // The translator's conditional branch: both exits are goto_tb.
      const taken = b.newLabel();
      b.brcond(Cond.LT, b.global(1), b.global(2), taken);
      b.mov(pc, b.const64(PCS[2]!));
      b.gotoTb(1);
      b.setLabel(taken);
      b.mov(pc, b.const64(PCS[2]!));
      b.gotoTb(0);
      break;
    }
    case 2:
      b.mov(pc, b.const64(PCS[3]!));
      b.gotoPtr();
      break;
    case 3:
      b.mov(pc, b.const64(PCS[4]!));
      b.gotoTb(0);
      break;
    case 5:
      b.mov(pc, b.const64(PCS[0]!));
      b.gotoTb(0);
      break;
    default:
      b.exitTb(ExitCode.TargetBase);
  }
  return fn;
}

/** Every value op with every constant choice, guest loads and stores of every form, host accesses, calls, branches. */
function everyOp(b: IRBuilder, helperIds: readonly number[]): void {
  const i64s: Temp[] = [1, 2, 3, 4, 5, 6].map((i) => b.global(i));
  const i32s: Temp[] = [b.global(G_W7)];
  for (let i = 0; i < 3; i++) {
    const l = b.local(Type.I32);
    b.extrlI64I32(l, i64s[i + 1]!);
    i32s.push(l);
  }
  let n = 0;
  const pick = (t: Type): Temp => {
    const xs = t === Type.I32 ? i32s : i64s;
    return xs[n++ % xs.length]!;
  };
  // Results go to locals, so every op reads the registers as the round seeded them.
  const results = { [Type.I32]: [b.local(Type.I32), b.local(Type.I32)], [Type.I64]: [b.local(Type.I64), b.local(Type.I64)] };
  const result = (t: Type, i = 0): Temp => results[t]![i]!;
  for (const opc of VALUE_OPS) {
    const def = OP_DEFS[opc]!;
    for (const consts of constVariants(opc)) {
      const outs = def.outTypes.map((t, i) => result(t, i));
      const ins = def.inTypes.map((t) => (n % 9 === 0 ? b.constant(t, 0x7fff_0001 + n) : pick(t)));
      b.emit(opc, ...outs.map((t) => t.index), ...ins.map((t) => t.index), ...consts);
      // Both ways through a branch on what the op computed.
      const skip = b.newLabel();
      const t = def.outTypes[0] ?? Type.I64;
      b.brcond((2 + (n % 10)) as Cond, outs[0] ?? pick(t), pick(t), skip);
      b.setLabel(skip);
    }
  }
  for (let size = 0; size < 4; size++) {
    for (const flags of [0, MemOp.SIGN, MemOp.BSWAP, MemOp.SIGN | MemOp.BSWAP]) {
      for (const vaddr of [MAPPED_VADDR, KERNEL_VADDR, UNMAPPED_VADDR]) {
        for (const t of [Type.I32, Type.I64]) {
          const memop = (t === Type.I32 && size === 3 ? 2 : size) | flags;
          b.qemuLd(result(t), pageAddress(b, pick(Type.I64), vaddr), memop, MMU);
          b.qemuSt(pick(t), pageAddress(b, pick(Type.I64), vaddr), memop & ~MemOp.SIGN, MMU);
        }
      }
    }
  }
  for (const t of [Type.I32, Type.I64]) {
    const memop = t === Type.I32 ? MemOp.S32 : MemOp.S64;
    b.ld(result(t), CPU_TARGET_BASE + 8 * 3, memop);
    b.st(pick(t), CPU_TARGET_BASE + 8 * 4, memop);
  }
  // The RV64 "W" shapes the encoder fuses (ADDW, SUBW, ADDIW, SLLW, SRLW, SRAW):
  // ops of their own in the interpreter, which no single IR op above reaches.
  for (let i = 0; i < 2; i++) {
    for (const name of ['add', 'sub', 'addi'] as const) {
      const t = b.local(Type.I64);
      if (name === 'addi') b.addi(t, pick(Type.I64), 0x7ff - 0x1000 * i);
      else b.bin(name, t, pick(Type.I64), pick(Type.I64));
      b.ext32s(result(Type.I64), t);
    }
    for (const name of ['shl', 'shr', 'sar'] as const) {
      const x = b.local(Type.I32), y = b.local(Type.I32);
      b.extrlI64I32(x, pick(Type.I64));
      b.bin(name, y, x, pick(Type.I32));
      b.extI32I64(result(Type.I64), y);
    }
  }
  helperIds.forEach((id, i) => {
    b.call(id, i % 2 ? [result(Type.I64)] : [result(Type.I32), result(Type.I64)], [pick(Type.I32), pick(Type.I64)]);
  });
}

/** An aligned address in the page at vaddr, from x: base + constant, which the encoder fuses into the access. */
function pageAddress(b: IRBuilder, x: Temp, vaddr: number): Temp {
  const offset = b.local(Type.I64), addr = b.local(Type.I64);
  b.and(offset, x, b.const64(PAGE_SIZE - 8));
  b.add(addr, offset, b.const64(vaddr));
  return addr;
}

/** The constant operands an op is warmed up with: every real condition, a spread of bit fields. */
function constVariants(opc: Opc): number[][] {
  const def = OP_DEFS[opc]!;
  const names = def.constNames.join(',');
  if (names === 'cond') return Array.from({ length: 10 }, (_, i) => [Cond.EQ + i]);
  if (names === 'pos,len') {
    const width = (def.outTypes[0] ?? def.inTypes[0]) === Type.I32 ? 32 : 64;
    return [[0, 8], [3, 1], [8, 16], [0, 32], [16, width - 16], [width - 1, 1]];
  }
  if (def.nConst !== 0) throw new Error(`warm-up: no constants for ${def.name}`);
  return [[]];
}
