// Type feedback for the direct tier before any guest code runs (the IR
// interpreter has the same: src/backend/interp/warm-up.ts says why).
//
// Without it, DirectTier.execute was optimized 8 times on the Linux boot,
// thrown away at each op the guest reached for the first time ("Insufficient
// type feedback", `node --trace-deopt`), and ran unoptimized in between.
// warmUpDirectTier decodes blocks holding every instruction the tier runs
// itself (random register fields and immediates, loads and stores into a
// mapped page, a kernel-half page whose host address overflows int32 on the
// way, and an unmapped one) and every way out of a block (each branch both
// ways, jal, jalr, auipc + jalr, the length limit, snippets that continue and
// that end the block), chains them in a ring, and runs the ring with values
// of every kind in a scratch memory of its own. Its jump lookups go through a
// real TbCache under TLB flushes (ringLookup), and the fakes standing in for
// the machine's objects change shape every round (reshape). The feedback
// lives with the functions, so the machine's tier starts with all of it: on
// the Linux boot its execute is optimized once and never thrown away
// (`node --trace-deopt`; it was 5 times before the TbCache and the shapes).

import { isGuestException } from '../../../exec/exception.js';
import { CodeFetcher } from '../../../exec/target.js';
import { IrSource, TranslationBlock } from '../../../exec/tb.js';
import { DirectJumpLookup, Snippet, SnippetMaker, Tier } from '../../../exec/tier.js';
import { CodePageTracker, MISS, TbCache } from '../../../exec/tb-cache.js';
import { ExitCode } from '../../../ir/ops.js';
import { CPU_BASE, GUEST_BASE, Cpu } from '../../../memory/layout.js';
import { LinearMemory } from '../../../memory/linear-memory.js';
import { MemorySlowPath } from '../../../memory/softmmu-api.js';
import { PAGE_MASK_LO, PAGE_SIZE, TlbEntry, tlbEntryOffset } from '../../../memory/tlb-layout.js';
import { FLUSHED_PAGE_RING, Tlb } from '../../../memory/tlb.js';
import { Rv } from '../cpu-layout.js';
import { CompiledPattern } from '../decode-spec.js';
import { USER_DECODER } from '../decoder.js';
import { DIRECT_OPS, Shape } from './direct-ops.js';
import { DirectTier, DirectTierOptions, SnippetRunner } from './direct-tier.js';

/** Where the warm-up's code lives (the ring, then one block on a page of its own), and the data pages its loads and stores reach. */
const CODE_VADDR = 0x1000, FAR_VADDR = 0x8000;
/** Two IR sources of different classes (never asked: nothing compiles here). */
const IR_SOURCES: IrSource[] = [{ irFor: () => { throw new Error('warm-up: no IR'); } }, new (class NoIr implements IrSource {
  irFor(): never { throw new Error('warm-up: no IR'); }
})()];
const DATA_VADDR = 0x4000_0000, KERNEL_VADDR = -0x8000_0000 + PAGE_SIZE, UNMAPPED_VADDR = 0x5000_0000;
/** Pages the warm-up's TLB flushes drop (nothing maps them). */
const FLUSHED_VADDR = 0x6000_0000;
/** Pointer registers: memory ops take their base from one; nothing in the ring writes them. */
const POINTERS = [5, 6, 7];
/** Rounds: V8 allocates feedback vectors after a function's first few calls (see the interpreter's warm-up). */
const ROUNDS = 24;
/** Instances of each pattern in the ring. */
const INSTANCES = 4;
/** Instructions per block before its way out. */
const BODY = 12;
/** The ways a block ends, one block each, in a ring. */
const ENDERS = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu', 'c.beqz', 'c.bnez', 'jal', 'c.j', 'jalr', 'call', 'limit', 'snippet'] as const;
type Ender = (typeof ENDERS)[number];

let warmedUp = false;

/** The machine's direct tier, made after the warm-up. */
export function createWarmDirectTier(options: DirectTierOptions): DirectTier {
  warmUpDirectTier();
  return new DirectTier(options);
}

/** Give the direct tier's hot functions feedback for every op, once per process. */
export function warmUpDirectTier(): void {
  if (warmedUp) return;
  warmedUp = true;
  const mem = new LinearMemory(GUEST_BASE + 2 * PAGE_SIZE);
  mapDataPages(mem);
  let seed = 0x2545f491;
  const next = (): number => (seed = (Math.imul(seed, 0x2c1b3c6d) + 0x297a2d39) | 0);
  const code = ringOfBlocks(next);
  const codeBytes = new Uint8Array(new Uint16Array(code).buffer);
  const farBytes = new Uint8Array(new Uint16Array([0x73, 0]).buffer); // ecall
  const fetch: CodeFetcher = {
    fetch16: (lo) => {
      const [bytes, at] = lo >= FAR_VADDR ? [farBytes, lo - FAR_VADDR] : [codeBytes, lo - CODE_VADDR];
      return bytes[at]! | (bytes[at + 1]! << 8);
    },
  };
  const snippets = new FakeSnippets(mem);
  const slowPath: MemorySlowPath = {
    load(lo) {
      mem.i32[(CPU_BASE + Cpu.HELPER_RET) >> 2] = lo;
      mem.i32[((CPU_BASE + Cpu.HELPER_RET) >> 2) + 1] = ~lo;
    },
    store() {},
  };
  // The machine's tier holds a SoftMmu and an InterpTier where this one holds fakes: a first tier
  // with other fakes makes V8 keep those fields as "any object" (see the fields below).
  void new DirectTier({ mem, slowPath: { load() {}, store() {} }, decoder: USER_DECODER, dataMmuIdx: () => 0, interp: new FakeCompiled(mem, new Map(), 0) });
  const tier = new DirectTier({ mem, slowPath, decoder: USER_DECODER, dataMmuIdx: () => 0, interp: snippets });
  tier.snippets = snippets;
  const tbs: TranslationBlock[] = [];
  const decode = (pc: number): TranslationBlock => {
    const { icount, size } = tier.decode(pc, 0, 0, fetch, BODY + 4);
    const tb = new TranslationBlock(pc, 0, 0, icount, size, [0], null);
    // The machine's TBs get their IR source (an ExecLoop): the field holds objects of any class.
    tb.irSource = IR_SOURCES[tbs.length % 2]!;
    tier.adopt(tb);
    tbs.push(tb);
    return tb;
  };
  for (let pc = CODE_VADDR; pc < CODE_VADDR + codeBytes.length;) pc += decode(pc).size;
  // Every block continues in the next, both ways for branches; the last one jumps to another
  // page, unlinked (the tier looks that up), and the block there leaves the ring. (Unlinked
  // slots on the ring's page would take chainFrom here; the machine's first jumps reach it
  // before V8 optimizes execute, and leaving slots unlinked here changed the rounds' paths
  // enough that execute lost feedback elsewhere: 3 deopts on the boot.)
  tbs.forEach((tb, i) => {
    if (i + 1 === tbs.length) return;
    tb.chainTo(0, tbs[i + 1]!);
    tb.chainTo(1, tbs[i + 1]!);
  });
  decode(FAR_VADDR);
  // Some blocks are "compiled": jumps to them go through the compiled tier (DirectTier.through).
  tbs.forEach((tb, i) => {
    if (i > 3 && i % 4 === 1 && i + 1 < tbs.length - 1) tb.wasmCode = COMPILED;
  });
  const byPc = new Map(tbs.map((tb) => [tb.pcLo, tb]));
  const lookup = ringLookup(mem, tbs);
  // The fields the machine sets after making its tier hold objects of other classes there: each is
  // given two kinds here, so V8 already knows them as "any object" (a field type changing under
  // optimized code throws it away; it aborted a 135 ms TurboFan compile of execute on the boot).
  tier.indirectJumps = { lookupIndirect: () => null, lookupDirectEntry: () => MISS, chainFrom: () => null };
  tier.indirectJumps = lookup;
  tier.snippets = { snippet: (pcLo, pcHi, flags, f) => snippets.snippet(pcLo, pcHi, flags, f) };
  tier.snippets = snippets;
  tier.compiledTier = new FakeCompiled(mem, byPc, 1);
  tier.compiledTier = new (class extends FakeCompiled {})(mem, byPc, 0);
  tier.crossPageLookups = true;
  const fakes: object[] = [slowPath, lookup, snippets, tier.compiledTier];
  for (let round = 0; round < ROUNDS; round++) {
    for (const fake of fakes) reshape(fake, round);
    // Two closures: the call is megamorphic, as it must be for the machine's (another function).
    tier.onIndirectJump = round % 2 === 0 ? () => {} : (prev) => { void prev; };
    seedRegisters(mem, round, next);
    tier.budget = round % 5 === 4 ? 8 : Number.MAX_SAFE_INTEGER;
    snippets.round = round;
    try {
      // Most rounds leave the ring early (the fake tiers' exits); some start at its end, whose jump to
      // another page is unlinked, so the tier looks it up (chainSlow's cross-page lookup).
      tier.execute(tbs[round % 4 === 3 ? tbs.length - 2 : round % 3]!);
    } catch (e) {
      // Nothing here raises (pointer registers are never written); should something, the warm-up goes on.
      if (!isGuestException(e)) throw e;
    }
  }
  // The loop hands compiled TBs here too (WasmTiering.compiledVia), and compiled code may leave
  // for compiled code (through() runs that there too): after the rounds above, whose paths this
  // would change, some compiled TBs get compiled successors, some lose their links (through()
  // then links them as the loop would: chainFrom), and entries at compiled TBs run with budgets
  // that end them there and budgets that do not.
  const compiled = tbs.filter((tb) => tb.wasmCode !== null);
  compiled.forEach((tb, i) => {
    const after = tb.jumpTarget(0);
    if (after !== null && after.wasmCode === null && tbs.indexOf(after) % 8 === 2) after.wasmCode = COMPILED;
    if (i % 3 === 1) tb.unchain();
  });
  for (let round = 0; round < 12; round++) {
    seedRegisters(mem, round, next);
    tier.budget = round % 3 === 2 ? 1 : Number.MAX_SAFE_INTEGER;
    try {
      tier.execute(compiled[round % compiled.length]!);
    } catch (e) {
      if (!isGuestException(e)) throw e;
    }
  }
}

/**
 * The jump lookups the machine's exec loop answers, from a TbCache holding
 * the ring whose flush log is a Tlb of the warm-up's memory: each lookup
 * goes through the cache's jump cache, and every so often a TLB flush of
 * one page, of more pages than the cache's ring remembers, or of everything
 * comes first, so the cache's sync takes each of its ways here (on the boot,
 * the first TLB flush after the tier's execute was optimized threw that
 * code away: "Insufficient type feedback"). Every 7th lookup misses, so the
 * tier also takes its way back to the loop.
 */
function ringLookup(mem: LinearMemory, tbs: readonly TranslationBlock[]): DirectJumpLookup {
  const tlb = new Tlb(mem);
  mapDataPages(mem); // the Tlb starts by flushing every entry
  const tracker: CodePageTracker = { protectCodePage() {}, unprotectCodePage() {}, codeHostPage: () => 0, tlbFlushes: tlb };
  const cache = new TbCache(tracker, Infinity, undefined, false);
  for (const tb of tbs) cache.insert(tb);
  let lookups = 0;
  const flushSometimes = (): void => {
    const n = ++lookups;
    if (n % 5 === 0) tlb.flushPage(FLUSHED_VADDR + (n & 3) * PAGE_SIZE, 0);
    if (n % 37 === 0) for (let i = 0; i <= FLUSHED_PAGE_RING; i++) tlb.flushPage(FLUSHED_VADDR, 0);
    if (n % 53 === 0) {
      tlb.flushAll();
      mapDataPages(mem);
    }
  };
  const find = (pcLo: number, pcHi: number, flags: number): TranslationBlock | null =>
    cache.lookup(pcLo, pcHi, flags, 0);
  return {
    lookupIndirect: (pcLo, pcHi, flags) => {
      flushSometimes();
      return find(pcLo, pcHi, flags);
    },
    lookupDirectEntry: (pcLo, pcHi, flags) => {
      flushSometimes();
      if (lookups % 7 === 0) return MISS;
      const entry = cache.lookupDirect(pcLo, pcHi, flags);
      return entry !== MISS ? entry : find(pcLo, pcHi, flags)?.directEntry ?? MISS;
    },
    chainFrom: (_prev, _slot, pcLo, pcHi, flags) => find(pcLo, pcHi, flags),
  };
}

/**
 * Give obj another shape (hidden class). The tier's accesses to the objects
 * the machine gives it later (its SoftMmu, ExecLoop, InterpTier, WasmTier)
 * must not see only the warm-up's fakes: optimized code would check for
 * their shapes and be thrown away at the machine's first call ("wrong map",
 * `node --trace-deopt`). Past four shapes an access is megamorphic: no check.
 */
function reshape(obj: object, round: number): void {
  (obj as Record<string, number>)[`warmUpShape${round}`] = round;
}

/** Map DATA_VADDR and KERNEL_VADDR (both to the scratch page) for reads and writes in TLB 0. */
function mapDataPages(mem: LinearMemory): void {
  for (const vaddr of [DATA_VADDR, KERNEL_VADDR]) {
    const e = tlbEntryOffset(0, vaddr);
    const tag = BigInt.asUintN(64, BigInt(vaddr));
    mem.writeU64(e + TlbEntry.READ_TAG, tag);
    mem.writeU64(e + TlbEntry.WRITE_TAG, tag);
    mem.i32[(e + TlbEntry.ADDEND) >> 2] = (GUEST_BASE - (vaddr & PAGE_MASK_LO)) | 0;
  }
}

/** Registers by round: small, negative, full width, a zero low word, a zero high word; pointers into the pages. */
function seedRegisters(mem: LinearMemory, round: number, next: () => number): void {
  const m = mem.i32, x = (CPU_BASE + Rv.X) >> 2;
  for (let r = 1; r < 32; r++) {
    const v = next();
    const [lo, hi] = [[v >>> 24, 0], [v >> 24 | 0x8000_0000, -1], [v, next()], [0, v], [v, 0]][(round + r) % 5]!;
    m[x + 2 * r] = lo!;
    m[x + 2 * r + 1] = hi!;
  }
  POINTERS.forEach((r, i) => {
    const base = [DATA_VADDR, KERNEL_VADDR, UNMAPPED_VADDR][(round + i) % 3]!;
    m[x + 2 * r] = base + 2048 + 8 * (round % 4);
    m[x + 2 * r + 1] = base < 0 ? -1 : 0;
  });
}

/** The patterns the tier runs itself, but the block enders (they come last, from ENDERS). */
const BODY_PATTERNS: readonly CompiledPattern[] = USER_DECODER.patterns.filter((p) => {
  const info = DIRECT_OPS.get(p.asm?.name ?? p.name);
  return info !== undefined && p.fpRegs === undefined && info.shape !== Shape.Branch && info.shape !== Shape.Jal && info.shape !== Shape.Jalr;
});

/** The ring's code as halfwords: blocks of BODY instructions, then each way out in turn, every body pattern used. */
function ringOfBlocks(next: () => number): number[] {
  const out: number[] = [];
  let k = 0;
  // Each pattern a few times over, with other immediates (a shift by 32 or more takes another path).
  const rounds = Math.ceil(INSTANCES * BODY_PATTERNS.length / BODY / ENDERS.length) + 1;
  for (let r = 0; r < rounds; r++) {
    for (const ender of ENDERS) {
      for (let i = 0; i < (ender === 'limit' ? BODY + 4 : BODY); i++) push(out, instance(BODY_PATTERNS[k++ % BODY_PATTERNS.length]!, next));
      for (const insn of wayOut(ender, next)) push(out, insn);
    }
  }
  // jal zero, FAR_VADDR (from the ring's last halfword but two)
  const at = CODE_VADDR + 2 * out.length, off = FAR_VADDR - at;
  push(out, ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | 0x6f) >>> 0);
  return out;
}

function push(out: number[], insn: number): void {
  out.push(insn & 0xffff);
  if ((insn & 3) === 3) out.push(insn >>> 16);
}

/**
 * A random instance of p that decodes as p: memory ops take their base from
 * a pointer register, and nothing writes one (the AMOs' must stay aligned).
 */
function instance(p: CompiledPattern, next: () => number): number {
  const shape = DIRECT_OPS.get(p.asm?.name ?? p.name)!.shape;
  const store = shape === Shape.Mem && /^(c\.)?s[bhwd]/.test(p.name);
  for (;;) {
    let x = (p.match | (next() & ~p.mask)) >>> 0;
    if (p.length === 2) x &= 0xffff;
    if (p.length === 4 && (shape === Shape.Mem || shape === Shape.Atomic)) x = ((x & ~(31 << 15)) | (POINTERS[next() & 1 ? 0 : 1]! << 15)) >>> 0;
    const d = USER_DECODER.decode(x);
    if (d?.pattern === p && (store || !POINTERS.includes(d.args.rd))) return x;
  }
}

/** The instructions of a way out, to the next block (whatever a branch decides). */
function wayOut(e: Ender, next: () => number): number[] {
  const rs1 = 10 + (next() & 3), rs2 = 12 + (next() & 3);
  const b = (f3: number, off: number): number =>
    ((((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63) >>> 0;
  switch (e) {
    case 'beq': return [b(0, 4)];
    case 'bne': return [b(1, 4)];
    case 'blt': return [b(4, 4)];
    case 'bge': return [b(5, 4)];
    case 'bltu': return [b(6, 4)];
    case 'bgeu': return [b(7, 4)];
    case 'c.beqz': return [0xc001 | ((next() & 7) << 7) | (1 << 3)]; // offset 2
    case 'c.bnez': return [0xe001 | ((next() & 7) << 7) | (1 << 3)];
    case 'jal': return [(0x400000 | (1 << 7) | 0x6f) >>> 0]; // jal ra, +4
    case 'c.j': return [0xa001 | (1 << 3)]; // c.j +2
    // auipc t3, 0; xor t3, t3, zero (so no constant is folded); jalr ra, 12(t3)
    case 'jalr': return [0xe17, 0x000e4e33, ((12 << 20) | (28 << 15) | (1 << 7) | 0x67) >>> 0];
    case 'call': return [0xe17, ((8 << 20) | (28 << 15) | (28 << 7) | 0x67) >>> 0]; // auipc t3, 0; jalr t3, 8(t3)
    case 'limit': return [];
    case 'snippet': return [0x02b57553 /* fadd.d fa0, fa0, fa1, dyn */, 0x0000100f /* fence.i */];
  }
}

/** The compiled code of the warm-up's "compiled" blocks (never run: FakeCompiled stands in for it). */
const COMPILED = {};

/**
 * The compiled tier as the warm-up's tier sees it: it "runs" a compiled block
 * by leaving it for the next one, by each way a compiled TB may leave.
 */
class FakeCompiled implements Tier {
  readonly name = 'warm-up compiled tier';
  budget = 0;
  lastTb: TranslationBlock | null = null;
  private runs = 0;

  constructor(private readonly mem: LinearMemory, private readonly byPc: Map<number, TranslationBlock>, private readonly skew: number) {}

  prepare(): void {}

  execute(tb: TranslationBlock): number {
    this.lastTb = tb;
    this.budget -= tb.icount;
    this.mem.i32[(CPU_BASE + Cpu.PC) >> 2] = tb.pcLo + tb.size;
    const k = ++this.runs + this.skew;
    if (k % 23 === 0) return ExitCode.TargetBase; // an exit of its own: back to the loop
    return k % 3 === 0 ? ExitCode.Next : k % 3 === 1 ? ExitCode.Chain0 : ExitCode.Chain1;
  }

  flush(): void {
    this.byPc.clear();
  }
}

/**
 * Snippets the warm-up's tier runs: each ends the way a real one may
 * (continue, either slot, goto_ptr to the next block), by round; the ecall
 * at the ring's end returns an exit code.
 */
class FakeSnippets implements SnippetMaker, SnippetRunner {
  readonly name = 'warm-up snippets';
  budget = 0;
  lastTb: TranslationBlock | null = null;
  round = 0;
  private calls = 0;
  private readonly exits = new Set<TranslationBlock>();

  constructor(private readonly mem: LinearMemory) {}

  snippet(pcLo: number, pcHi: number, flags: number, fetch: CodeFetcher): Snippet {
    const insn = fetch.fetch16(pcLo, pcHi);
    const tb = new TranslationBlock(pcLo, pcHi, flags, 0, insn === 0x73 ? 2 : 4, [], null);
    if (insn === 0x73) this.exits.add(tb);
    // fence.i and ecall end their block when translated; fadd.d does not.
    return { tb, endsBlock: insn !== 0x7553 };
  }

  prepare(): void {}

  execute(tb: TranslationBlock): number {
    if (this.exits.has(tb)) return ExitCode.TargetBase;
    this.mem.i32[(CPU_BASE + Cpu.PC) >> 2] = tb.pcLo + tb.size;
    const k = ++this.calls + this.round;
    return k % 4 === 3 ? ExitCode.Next : k % 4 === 1 ? ExitCode.Chain1 : ExitCode.Chain0;
  }

  flush(): void {}
}
