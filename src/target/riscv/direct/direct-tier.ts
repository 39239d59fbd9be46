// The direct tier: the first tier of every TB in tier=auto, running RISC-V
// code from its decoded form (direct-ops.ts) without translating it.
//
// Why a tier before the IR interpreter: most TBs of a Linux boot are cold.
// Of the ~76K TBs a boot makes, 31% run once and 53% at most 8 times, yet each
// cost ~11 us to translate (decode, IR, optimizer, the interpreter's
// encoding, the frozen IR for the Wasm tier): ~15% of the boot, for code that
// runs a few instructions. Decoding a block into ops costs a fraction of
// that, and the ops are 2-3 words an instruction where the IR interpreter's
// code was ~10, so cold code also misses the cache less while it runs. A TB
// is translated only when the Wasm tier compiles it (ExecLoop.irFor), from
// the same guest bytes. v86 runs cold code the same way, from guest bytes.
//
// Execution follows the IR interpreter's rules (src/backend/interp/
// interp-tier.ts): entering a block counts it and its icount (Cpu.INSN_COUNT,
// the budget), chained jumps follow the links the header remembers or the
// TB objects' links, goto_ptr (jalr) continues through the loop's jump cache,
// a block at exactly hotThreshold executions is left to the loop, and
// guest state is precise at a fault: registers live in the CPU state, and
// Cpu.PC is set to the faulting instruction before anything that may raise.
//
// Instructions the tier does not run itself (floating point, CSRs,
// privileged instructions, ecall, ebreak, fence.i, illegal encodings) run as
// snippets: one-instruction TBs of the IR interpreter (predecode.ts).

import { TranslationBlock } from '../../../exec/tb.js';
import { CodeFetcher } from '../../../exec/target.js';
import { DecodingTier, DirectJumpLookup, SnippetMaker, Tier } from '../../../exec/tier.js';
import { MISS } from '../../../exec/tb-cache.js';
import { ExitCode } from '../../../ir/ops.js';
import { Cond } from '../../../ir/types.js';
import { LinearMemory } from '../../../memory/linear-memory.js';
import { MemOp } from '../../../memory/memop.js';
import { MemorySlowPath } from '../../../memory/softmmu-api.js';
import { PAGE_BITS, PAGE_MASK_LO, TLB_TABLE_SIZE } from '../../../memory/tlb-layout.js';
import { CPU_BASE, TLB_BASE } from '../../../memory/layout.js';
import { CodeArena, HEADER_WORDS, TbHeader } from '../../../backend/interp/code-arena.js';
import { ArenaTbs, EntryFields } from '../../../backend/interp/arena-tbs.js';
import {
  bswap32, ctz32, div32, div64, DivKind, mul2x64, mul64, popcount32, shift64, ShiftKind,
} from '../../../backend/interp/arith64.js';
import { cond64 } from '../../../backend/interp/cond.js';
import { Excp, Rv } from '../cpu-layout.js';
import { RiscvDecoder } from '../decoder.js';
import { raiseGuestException } from '../rv-helpers.js';
import { DOp, OP_MASK, SNIPPET_ENDS } from './direct-ops.js';
import { BlockDecoder, BlockPrologue, PROLOGUE_WORDS } from './predecode.js';
import {
  EXIT_REQUEST_W, HELPER_RET_W, INSN_COUNT_W, MASK16, MASK32, MASK64, MASK8, PC_W, TB_FLAGS_W, TLB_INDEX_MASK, W_ADDEND, W_READ_TAG,
  W_WRITE_TAG,
} from '../../../memory/words.js';

/** The TB fields holding a TB's place in this tier's arena. */
const DIRECT_ENTRY: EntryFields = {
  entry: (tb) => tb.directEntry,
  set: (tb, entry, words) => { tb.directEntry = entry; tb.directWords = words; },
};

/** x0's word: its slot in the CPU state is never written, so register 0 reads as zero. */
const XW = (CPU_BASE + Rv.X) >>> 2;
const RES_ADDR_W = (CPU_BASE + Rv.RES_ADDR) >>> 2;
const RES_VALUE_W = (CPU_BASE + Rv.RES_VALUE) >>> 2;
const AMO_W = (CPU_BASE + Rv.AMO_IN_PROGRESS) >>> 2;

/** rd << 1, rs1 << 1, rs2 << 1 from an op word: added to XW, the register's word. */
const RD2 = 7, RS12 = 12, RS22 = 17;

/** The IR interpreter, as the direct tier uses it: for snippets. */
export interface SnippetRunner extends Tier {
  budget: number;
}

export interface DirectTierOptions {
  mem: LinearMemory;
  slowPath: MemorySlowPath;
  decoder: RiscvDecoder;
  /** The data MMU index of TB flags (loads and stores). */
  dataMmuIdx(flags: number): number;
  /** Runs the snippets. */
  interp: SnippetRunner;
  /** Words the code arena starts with (tests use small ones). */
  initialWords?: number;
}

export class DirectTier implements DecodingTier {
  readonly name = 'direct';
  /** Guest instructions left in this time slice; the loop sets it before execute. */
  budget = Number.MAX_SAFE_INTEGER;
  /** Guest instructions of the TBs this tier entered (each counted whole, as Cpu.INSN_COUNT does). */
  instructions = 0;
  /** Set by the exec loop: goto_ptr continues through its jump cache. */
  indirectJumps: DirectJumpLookup | null = null;
  /** Set when the loop never links across pages: unlinked jumps to another page look up too. */
  crossPageLookups = false;
  hotThreshold = Infinity;
  /** Made by the exec loop (translator, optimizer, IR interpreter): see predecode.ts. */
  snippets: SnippetMaker | null = null;
  /** The tier compiled TBs run in (the Wasm tier): jumps to them go there from here (through()). */
  compiledTier: (Tier & { budget: number }) | null = null;
  /**
   * Told of every goto_ptr between this tier and the compiled one that does
   * not go back to the loop (the tier policy grows compiled regions along them).
   */
  onIndirectJump: ((prev: TranslationBlock | null, next: TranslationBlock) => void) | null = null;
  /** The compiled TB through() runs next, and the last one it ran while the loop has not been back. */
  private compiledNext: TranslationBlock | null = null;
  private compiledLast: TranslationBlock | null = null;
  private readonly mem: LinearMemory;
  private readonly slowPath: MemorySlowPath;
  private readonly interp: SnippetRunner;
  private readonly dataMmuIdx: (flags: number) => number;
  private readonly decoder: BlockDecoder;
  private readonly arena: CodeArena;
  /** The TBs with code in the arena. */
  private readonly tbs: ArenaTbs;
  /** Every snippet of the blocks in the arena, by the index their SNIPPET op holds. */
  private snippetTbs: TranslationBlock[] = [];
  /** Entry of the block entered last (-1: none). */
  private lastEntry = -1;
  /** decode()'s result, waiting for adopt(). */
  private pendingEntry = -1;

  constructor(options: DirectTierOptions) {
    this.mem = options.mem;
    this.slowPath = options.slowPath;
    this.interp = options.interp;
    this.dataMmuIdx = options.dataMmuIdx;
    this.decoder = new BlockDecoder(options.decoder);
    this.arena = new CodeArena(undefined, options.initialWords ?? INITIAL_CODE_WORDS);
    this.tbs = new ArenaTbs(this.arena, DIRECT_ENTRY);
  }

  get codeSpaceFull(): boolean {
    return this.arena.full;
  }

  get codeWordsUsed(): number {
    return this.arena.used;
  }

  get lastTb(): TranslationBlock | null {
    if (this.compiledLast !== null) return this.compiledLast;
    return this.lastEntry < 0 ? null : this.tbs.at(this.lastEntry);
  }

  /**
   * Decode the block at (pcLo, pcHi) under `flags` into the code arena; the
   * loop then makes its TB and hands it to adopt(). Throws GUEST_EXCEPTION on
   * a fetch fault, as translation does.
   */
  decode(pcLo: number, pcHi: number, flags: number, fetch: CodeFetcher, maxInsns: number): { icount: number; size: number } {
    if (this.snippets === null) throw new Error('direct tier: no snippet maker');
    const arena = this.arena;
    const start = arena.used;
    const entry = start + HEADER_WORDS;
    const w = arena.room(HEADER_WORDS + PROLOGUE_WORDS);
    const mmu = this.dataMmuIdx(flags);
    w[entry + BlockPrologue.PC_LO] = pcLo;
    w[entry + BlockPrologue.PC_HI] = pcHi;
    w[entry + BlockPrologue.TLB_WORD] = (TLB_BASE + mmu * TLB_TABLE_SIZE) >>> 2;
    w[entry + BlockPrologue.MMU_IDX] = mmu;
    const firstSnippet = this.snippetTbs.length;
    try {
      const block = this.decoder.decode(arena, entry, pcLo, pcHi, flags, fetch, maxInsns, this.snippets, this.snippetTbs);
      this.pendingEntry = entry;
      return block;
    } catch (e) {
      arena.used = start;
      this.snippetTbs.length = firstSnippet;
      throw e;
    }
  }

  /** tb is the block decode() just made: give it its header and its place here. */
  adopt(tb: TranslationBlock): void {
    const entry = this.pendingEntry;
    if (entry < 0) throw new Error('direct tier: adopt without decode');
    this.pendingEntry = -1;
    this.tbs.add(tb, entry);
  }

  prepare(tb: TranslationBlock): void {
    if (tb.directEntry < 0) throw new Error('direct tier: TB not decoded here');
  }

  /**
   * tb was invalidated: forget it. Its words and its snippets stay until the
   * next flush: a block invalidated by its own store runs on to its end.
   */
  release(tb: TranslationBlock): void {
    this.tbs.release(tb);
  }

  flush(): void {
    this.tbs.clear();
    this.snippetTbs = [];
    this.arena.reset();
    this.lastEntry = -1;
    this.pendingEntry = -1;
  }

  /**
   * Where goto_tb slot `slot` of the block at `entry` continues here, or -1
   * (see InterpTier.chainSlow). An unlinked slot is linked here as the loop
   * would link it (DirectJumpLookup.chainFrom), rather than by a trip through
   * the loop: 46K of the Linux boot's loop entries were such first jumps.
   */
  private chainSlow(code: Int32Array, entry: number, slot: number, pcLo: number, pcHi: number): number {
    const cur = this.tbs.at(entry);
    if (cur === null) return -1;
    let next = slot === 0 ? cur.jump0 : cur.jump1;
    if (next === null) {
      const lookup = this.indirectJumps;
      if (lookup === null) return -1;
      const flags = this.mem.i32[TB_FLAGS_W]!;
      // A jump to another page is never linked in system mode: it is looked up every time.
      next = this.crossPageLookups && (((pcLo ^ cur.pcLo) & PAGE_MASK_LO) !== 0 || pcHi !== cur.pcHi)
        ? lookup.lookupIndirect(pcLo, pcHi, flags)
        : lookup.chainFrom(cur, slot === 0 ? 0 : 1, pcLo, pcHi, flags);
      if (next === null) return -1;
    }
    if (next.directEntry < 0) return this.compiled(next) ? THROUGH_COMPILED : -1;
    if (code[next.directEntry + TbHeader.RUNNABLE] === 0 && this.compiled(next)) return THROUGH_COMPILED;
    const to = next.directEntry;
    if ((slot === 0 ? cur.jump0 : cur.jump1) === next) code[entry + TbHeader.LINK0 + slot] = to;
    return code[to + TbHeader.RUNNABLE] === 0 || code[to + TbHeader.COUNT] === this.hotThreshold ? -1 : to;
  }

  /** next may run in the compiled tier (chainSlow then answers THROUGH_COMPILED, and compiledNext is next). */
  private compiled(next: TranslationBlock): boolean {
    if (this.compiledTier === null || next.wasmCode === null || !next.valid) return false;
    this.compiledNext = next;
    return true;
  }

  /**
   * Run the compiled TB next and what it chains to in the compiled tier, as
   * the loop would, and go on with what it leaves for: another compiled TB
   * (one the compiled tier's own lookups missed, after a TLB flush or in
   * another page) runs there too, and a block this tier may run, here: the
   * entry to continue at, or ~ the exit code to return to the loop (lastTb
   * is then the compiled tier's last TB, for the loop's links).
   * (~r, not -r - 1: for exit code 0, -r is -0, a heap number, and optimized
   * code that had seen only small integers there was thrown away.)
   * Linux boot: 1.0M of the loop's 1.7M entries were cold code calling hot
   * functions and their returns, through the loop both ways; later ~200K
   * were compiled code leaving for compiled code through the loop.
   */
  private through(next: TranslationBlock): number {
    const hot = this.compiledTier!;
    const lookup = this.indirectJumps;
    let r: number;
    // One way back to the loop, after the loop below (one `~r` for V8's feedback, whichever way it left).
    for (;;) {
      hot.budget = this.budget;
      r = hot.execute(next);
      this.budget = hot.budget;
      const last = hot.lastTb;
      this.compiledLast = last;
      this.compiledNext = null;
      const m = this.mem.i32;
      if (last === null || this.budget <= 0 || m[EXIT_REQUEST_W] !== 0) break;
      let following: TranslationBlock | null = null;
      if (r === ExitCode.Chain0 || r === ExitCode.Chain1) {
        // An unlinked slot is linked here as the loop would (chainFrom); one to another page is looked up.
        following = last.jumpTarget(r - ExitCode.Chain0);
        if (following === null && lookup !== null) following = lookup.chainFrom(last, r === ExitCode.Chain0 ? 0 : 1, m[PC_W]!, m[PC_W + 1]!, m[TB_FLAGS_W]!);
      } else if (r === ExitCode.Next && lookup !== null) {
        following = lookup.lookupIndirect(m[PC_W]!, m[PC_W + 1]!, m[TB_FLAGS_W]!);
      }
      if (following === null) break;
      const to = following.directEntry;
      const code = this.arena.words;
      const compiled = to < 0 || code[to + TbHeader.RUNNABLE] === 0;
      if (compiled ? !this.compiled(following) : code[to + TbHeader.COUNT] === this.hotThreshold) break;
      // The loop notes what ran after a jump it saw (compiled regions grow along those): so does this, for the jumps it takes instead.
      this.onIndirectJump?.(last, following);
      if (!compiled) {
        this.compiledLast = null;
        return to;
      }
      next = following;
    }
    return ~r;
  }

  /** Cpu.PC = the pc of the instruction `off` bytes into the block at `entry`. */
  private setPc(code: Int32Array, entry: number, off: number): void {
    const m = this.mem.i32;
    const s = (code[entry + BlockPrologue.PC_LO]! >>> 0) + off;
    m[PC_W] = s | 0;
    m[PC_W + 1] = (code[entry + BlockPrologue.PC_HI]! + (s > 0xffffffff ? 1 : 0)) | 0;
  }

  /** A load the TLB fast path missed: the slow path leaves the value, extended per memop, in Cpu.HELPER_RET. */
  private loadSlow(code: Int32Array, entry: number, off: number, vlo: number, vhi: number, memop: number): void {
    this.setPc(code, entry, off);
    this.slowPath.load(vlo, vhi, memop, code[entry + BlockPrologue.MMU_IDX]!);
  }

  private storeSlow(code: Int32Array, entry: number, off: number, vlo: number, vhi: number, lo: number, hi: number, memop: number): void {
    this.setPc(code, entry, off);
    this.slowPath.store(vlo, vhi, lo, hi, memop, code[entry + BlockPrologue.MMU_IDX]!);
  }

  execute(tb: TranslationBlock): number {
    const code = this.arena.words;
    const mem = this.mem;
    // Views are re-read after anything that may grow the memory (slow paths, snippets).
    let m = mem.i32, u8 = mem.u8, i8 = mem.i8, u16 = mem.u16, i16 = mem.i16;
    let entry = tb.directEntry;
    this.compiledLast = null;
    if (this.compiled(tb)) {
      // A compiled TB the loop hands here (WasmTiering.compiledVia): it runs there, and what it
      // leaves for runs here, as after a jump from here (through()), not through the loop.
      entry = this.through(tb);
      if (entry < 0) return ~entry;
    } else if (entry < 0) {
      throw new Error('direct tier: TB not decoded here');
    }
    for (;;) {
      this.lastEntry = entry;
      code[entry + TbHeader.COUNT]++;
      const icount = code[entry + TbHeader.ICOUNT]!;
      this.budget -= icount;
      this.instructions += icount;
      const lo = m[INSN_COUNT_W]!, sum = (lo + icount) | 0;
      if ((sum >>> 0) < (lo >>> 0)) m[INSN_COUNT_W + 1] = (m[INSN_COUNT_W + 1]! + 1) | 0;
      m[INSN_COUNT_W] = sum;
      const tlbW = code[entry + BlockPrologue.TLB_WORD]!;
      let ip = entry + PROLOGUE_WORDS;
      /** The goto_tb slot the block left by, with Cpu.PC set; -1 for goto_ptr. */
      let slot: number;
      run: for (;;) {
        const w = code[ip]!;
        switch (w & OP_MASK) {
          case DOp.MV: {
            const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62);
            m[d] = m[a]!; m[d + 1] = m[a + 1]!; ip += 1; break;
          }
          case DOp.LI: { const d = XW + ((w >>> RD2) & 62); m[d] = code[ip + 1]!; m[d + 1] = code[ip + 2]!; ip += 3; break; }
          case DOp.ADDI: {
            const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), imm = code[ip + 1]!, al = m[a]!, r = (al + imm) | 0;
            m[d + 1] = (m[a + 1]! + (imm >> 31) + ((r >>> 0) < (al >>> 0) ? 1 : 0)) | 0; m[d] = r; ip += 2; break;
          }
          case DOp.ADDIW: { const d = XW + ((w >>> RD2) & 62), r = (m[XW + ((w >>> RS12) & 62)]! + code[ip + 1]!) | 0; m[d] = r; m[d + 1] = r >> 31; ip += 2; break; }
          case DOp.ADD: {
            const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62), al = m[a]!, r = (al + m[b]!) | 0;
            m[d + 1] = (m[a + 1]! + m[b + 1]! + ((r >>> 0) < (al >>> 0) ? 1 : 0)) | 0; m[d] = r; ip += 1; break;
          }
          case DOp.SUB: {
            const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62), al = m[a]!, bl = m[b]!;
            m[d + 1] = (m[a + 1]! - m[b + 1]! - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; m[d] = (al - bl) | 0; ip += 1; break;
          }
          case DOp.ADDW: { const d = XW + ((w >>> RD2) & 62), r = (m[XW + ((w >>> RS12) & 62)]! + m[XW + ((w >>> RS22) & 62)]!) | 0; m[d] = r; m[d + 1] = r >> 31; ip += 1; break; }
          case DOp.SUBW: { const d = XW + ((w >>> RD2) & 62), r = (m[XW + ((w >>> RS12) & 62)]! - m[XW + ((w >>> RS22) & 62)]!) | 0; m[d] = r; m[d + 1] = r >> 31; ip += 1; break; }
          case DOp.AND: { const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62); m[d] = m[a]! & m[b]!; m[d + 1] = m[a + 1]! & m[b + 1]!; ip += 1; break; }
          case DOp.OR: { const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62); m[d] = m[a]! | m[b]!; m[d + 1] = m[a + 1]! | m[b + 1]!; ip += 1; break; }
          case DOp.XOR: { const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62); m[d] = m[a]! ^ m[b]!; m[d + 1] = m[a + 1]! ^ m[b + 1]!; ip += 1; break; }
          case DOp.ANDI: { const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), imm = code[ip + 1]!; m[d] = m[a]! & imm; m[d + 1] = m[a + 1]! & (imm >> 31); ip += 2; break; }
          case DOp.ORI: { const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), imm = code[ip + 1]!; m[d] = m[a]! | imm; m[d + 1] = m[a + 1]! | (imm >> 31); ip += 2; break; }
          case DOp.XORI: { const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), imm = code[ip + 1]!; m[d] = m[a]! ^ imm; m[d + 1] = m[a + 1]! ^ (imm >> 31); ip += 2; break; }
          // Shift amounts are 1..63 (predecode.ts makes a shift by 0 a move).
          case DOp.SLLI: {
            const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), n = code[ip + 1]!, al = m[a]!;
            if (n < 32) { m[d + 1] = (m[a + 1]! << n) | (al >>> (32 - n)); m[d] = al << n; } else { m[d + 1] = al << (n - 32); m[d] = 0; }
            ip += 2; break;
          }
          case DOp.SRLI: {
            const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), n = code[ip + 1]!, ah = m[a + 1]!;
            if (n < 32) { m[d] = (m[a]! >>> n) | (ah << (32 - n)); m[d + 1] = ah >>> n; } else { m[d] = ah >>> (n - 32); m[d + 1] = 0; }
            ip += 2; break;
          }
          case DOp.SRAI: {
            const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), n = code[ip + 1]!, ah = m[a + 1]!;
            if (n < 32) { m[d] = (m[a]! >>> n) | (ah << (32 - n)); m[d + 1] = ah >> n; } else { m[d] = ah >> (n - 32); m[d + 1] = ah >> 31; }
            ip += 2; break;
          }
          case DOp.SLLIW: { const d = XW + ((w >>> RD2) & 62), r = m[XW + ((w >>> RS12) & 62)]! << code[ip + 1]!; m[d] = r; m[d + 1] = r >> 31; ip += 2; break; }
          case DOp.SRLIW: { const d = XW + ((w >>> RD2) & 62), r = (m[XW + ((w >>> RS12) & 62)]! >>> code[ip + 1]!) | 0; m[d] = r; m[d + 1] = r >> 31; ip += 2; break; }
          case DOp.SRAIW: { const d = XW + ((w >>> RD2) & 62), r = m[XW + ((w >>> RS12) & 62)]! >> code[ip + 1]!; m[d] = r; m[d + 1] = r >> 31; ip += 2; break; }
          case DOp.SLTU: case DOp.SLT: {
            const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62);
            m[d] = cond64((w & OP_MASK) === DOp.SLT ? Cond.LT : Cond.LTU, m[a]!, m[a + 1]!, m[b]!, m[b + 1]!) ? 1 : 0; m[d + 1] = 0; ip += 1; break;
          }
          case DOp.SLTIU: case DOp.SLTI: {
            const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), imm = code[ip + 1]!;
            m[d] = cond64((w & OP_MASK) === DOp.SLTI ? Cond.LT : Cond.LTU, m[a]!, m[a + 1]!, imm, imm >> 31) ? 1 : 0; m[d + 1] = 0; ip += 2; break;
          }

          // --- loads and stores: the TLB fast path inline (tlb-layout.ts) ----------------
          case DOp.LB: case DOp.LBU: {
            const a = XW + ((w >>> RS12) & 62), al = m[a]!, imm = code[ip + 1]!, vlo = (al + imm) | 0;
            const vhi = (m[a + 1]! + (imm >> 31) + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
            const e = tlbW + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << 3), signed = (w & OP_MASK) === DOp.LB;
            let v: number;
            if ((vlo & MASK8) === m[e + W_READ_TAG] && vhi === m[e + W_READ_TAG + 1]) {
              const host = (vlo + m[e + W_ADDEND]!) >>> 0;
              v = signed ? i8[host]! : u8[host]!;
            } else {
              this.loadSlow(code, entry, code[ip + 2]!, vlo, vhi, signed ? MemOp.S8 | MemOp.SIGN : MemOp.S8);
              m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
              v = m[HELPER_RET_W]!;
            }
            const d = (w >>> RD2) & 62;
            if (d !== 0) { m[XW + d] = v; m[XW + d + 1] = v >> 31; }
            ip += 3; break;
          }
          case DOp.LH: case DOp.LHU: {
            const a = XW + ((w >>> RS12) & 62), al = m[a]!, imm = code[ip + 1]!, vlo = (al + imm) | 0;
            const vhi = (m[a + 1]! + (imm >> 31) + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
            const e = tlbW + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << 3), signed = (w & OP_MASK) === DOp.LH;
            let v: number;
            if ((vlo & MASK16) === m[e + W_READ_TAG] && vhi === m[e + W_READ_TAG + 1]) {
              const host = (vlo + m[e + W_ADDEND]!) >>> 0;
              v = signed ? i16[host >>> 1]! : u16[host >>> 1]!;
            } else {
              this.loadSlow(code, entry, code[ip + 2]!, vlo, vhi, signed ? MemOp.S16 | MemOp.SIGN : MemOp.S16);
              m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
              v = m[HELPER_RET_W]!;
            }
            const d = (w >>> RD2) & 62;
            if (d !== 0) { m[XW + d] = v; m[XW + d + 1] = v >> 31; }
            ip += 3; break;
          }
          case DOp.LW: case DOp.LWU: {
            const a = XW + ((w >>> RS12) & 62), al = m[a]!, imm = code[ip + 1]!, vlo = (al + imm) | 0;
            const vhi = (m[a + 1]! + (imm >> 31) + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
            const e = tlbW + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << 3), signed = (w & OP_MASK) === DOp.LW;
            let v: number;
            if ((vlo & MASK32) === m[e + W_READ_TAG] && vhi === m[e + W_READ_TAG + 1]) {
              v = m[((vlo + m[e + W_ADDEND]!) >>> 0) >>> 2]!;
            } else {
              this.loadSlow(code, entry, code[ip + 2]!, vlo, vhi, signed ? MemOp.S32 | MemOp.SIGN : MemOp.S32);
              m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
              v = m[HELPER_RET_W]!;
            }
            const d = (w >>> RD2) & 62;
            if (d !== 0) { m[XW + d] = v; m[XW + d + 1] = signed ? v >> 31 : 0; }
            ip += 3; break;
          }
          case DOp.LD: {
            const a = XW + ((w >>> RS12) & 62), al = m[a]!, imm = code[ip + 1]!, vlo = (al + imm) | 0;
            const vhi = (m[a + 1]! + (imm >> 31) + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
            const e = tlbW + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << 3);
            let lo: number, hi: number;
            if ((vlo & MASK64) === m[e + W_READ_TAG] && vhi === m[e + W_READ_TAG + 1]) {
              const h = ((vlo + m[e + W_ADDEND]!) >>> 0) >>> 2;
              lo = m[h]!; hi = m[h + 1]!;
            } else {
              this.loadSlow(code, entry, code[ip + 2]!, vlo, vhi, MemOp.S64);
              m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
              lo = m[HELPER_RET_W]!; hi = m[HELPER_RET_W + 1]!;
            }
            const d = (w >>> RD2) & 62;
            if (d !== 0) { m[XW + d] = lo; m[XW + d + 1] = hi; }
            ip += 3; break;
          }
          case DOp.SB: case DOp.SH: case DOp.SW: case DOp.SD: {
            const op = w & OP_MASK, a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62);
            const al = m[a]!, imm = code[ip + 1]!, vlo = (al + imm) | 0;
            const vhi = (m[a + 1]! + (imm >> 31) + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
            const e = tlbW + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << 3);
            const mask = op === DOp.SB ? MASK8 : op === DOp.SH ? MASK16 : op === DOp.SW ? MASK32 : MASK64;
            if ((vlo & mask) === m[e + W_WRITE_TAG] && vhi === m[e + W_WRITE_TAG + 1]) {
              const host = (vlo + m[e + W_ADDEND]!) >>> 0;
              if (op === DOp.SB) u8[host] = m[b]!;
              else if (op === DOp.SH) u16[host >>> 1] = m[b]!;
              else if (op === DOp.SW) m[host >>> 2] = m[b]!;
              else { m[host >>> 2] = m[b]!; m[(host >>> 2) + 1] = m[b + 1]!; }
            } else {
              const memop = op === DOp.SB ? MemOp.S8 : op === DOp.SH ? MemOp.S16 : op === DOp.SW ? MemOp.S32 : MemOp.S64;
              this.storeSlow(code, entry, code[ip + 2]!, vlo, vhi, m[b]!, m[b + 1]!, memop);
              m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
            }
            ip += 3; break;
          }

          // --- block ends ---------------------------------------------------------------
          case DOp.BEQ: case DOp.BNE: {
            const a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62);
            if ((m[a] === m[b] && m[a + 1] === m[b + 1]) === ((w & OP_MASK) === DOp.BEQ)) {
              slot = 0; m[PC_W] = code[ip + 1]!; m[PC_W + 1] = code[ip + 2]!;
            } else {
              slot = 1; m[PC_W] = code[ip + 3]!; m[PC_W + 1] = code[ip + 4]!;
            }
            break run;
          }
          case DOp.BLT: case DOp.BGE: case DOp.BLTU: case DOp.BGEU: {
            const a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62);
            if (cond64(BRANCH_COND[(w & OP_MASK) - DOp.BEQ]!, m[a]!, m[a + 1]!, m[b]!, m[b + 1]!)) {
              slot = 0; m[PC_W] = code[ip + 1]!; m[PC_W + 1] = code[ip + 2]!;
            } else {
              slot = 1; m[PC_W] = code[ip + 3]!; m[PC_W + 1] = code[ip + 4]!;
            }
            break run;
          }
          case DOp.JAL: {
            const d = (w >>> RD2) & 62;
            if (d !== 0) { m[XW + d] = code[ip + 1]!; m[XW + d + 1] = code[ip + 2]!; }
            m[PC_W] = code[ip + 3]!; m[PC_W + 1] = code[ip + 4]!;
            slot = 0; break run;
          }
          case DOp.JALR: {
            // The target is computed before rd is written: rd may be rs1.
            const a = XW + ((w >>> RS12) & 62), al = m[a]!, imm = code[ip + 1]!, tlo = (al + imm) | 0;
            const thi = (m[a + 1]! + (imm >> 31) + ((tlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
            const d = (w >>> RD2) & 62;
            if (d !== 0) { m[XW + d] = code[ip + 2]!; m[XW + d + 1] = code[ip + 3]!; }
            m[PC_W] = tlo & ~1; m[PC_W + 1] = thi;
            slot = -1; break run;
          }
          case DOp.CALL: {
            const d = (w >>> RD2) & 62;
            if (d !== 0) { m[XW + d] = code[ip + 1]!; m[XW + d + 1] = code[ip + 2]!; }
            m[PC_W] = code[ip + 3]!; m[PC_W + 1] = code[ip + 4]!;
            slot = -1; break run;
          }
          case DOp.END: slot = 0; m[PC_W] = code[ip + 1]!; m[PC_W + 1] = code[ip + 2]!; break run;
          case DOp.SNIPPET: {
            const snippet = this.snippetTbs[code[ip + 1]!]!;
            this.setPc(code, entry, code[ip + 2]!);
            const interp = this.interp;
            interp.budget = 0; // run the snippet alone: no chaining from it
            const r = interp.execute(snippet);
            m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
            if ((w & SNIPPET_ENDS) === 0) { ip += 3; break; }
            if (r === ExitCode.Chain0) slot = 0;
            else if (r === ExitCode.Chain1) slot = 1;
            else if (r === ExitCode.Next) slot = -1;
            else return r;
            break run;
          }
          default:
            ip = (w & OP_MASK) >= DOp.LR_W ? this.atomic(code, entry, ip, w, tlbW) : this.rare(code, ip, w);
            m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
            break;
        }
      }
      // Continue in the next block when it may run here (see interp-tier.ts, which this follows).
      // A compiled target runs in the compiled tier from here (through()), without the loop.
      let to: number;
      if (slot >= 0) {
        to = code[entry + TbHeader.LINK0 + slot]!;
        if (to < 0 || code[to + TbHeader.RUNNABLE] === 0) to = this.chainSlow(code, entry, slot, m[PC_W]!, m[PC_W + 1]!);
        else if (code[to + TbHeader.COUNT] === this.hotThreshold) to = -1;
        if (to < 0 || this.budget <= 0 || m[EXIT_REQUEST_W] !== 0) {
          if (to !== THROUGH_COMPILED || this.budget <= 0 || m[EXIT_REQUEST_W] !== 0) return slot === 0 ? ExitCode.Chain0 : ExitCode.Chain1;
          to = this.through(this.compiledNext!);
          if (to < 0) return ~to;
        }
      } else {
        const lookup = this.indirectJumps;
        if (lookup === null || this.budget <= 0 || m[EXIT_REQUEST_W] !== 0) return ExitCode.Next;
        to = lookup.lookupDirectEntry(m[PC_W]!, m[PC_W + 1]!, m[TB_FLAGS_W]!);
        if (to < 0 || code[to + TbHeader.RUNNABLE] === 0 || code[to + TbHeader.COUNT] === this.hotThreshold) {
          // Not one to run here: a compiled one runs through(); the rest go back to the loop.
          if (to === MISS) return ExitCode.Next;
          const next = lookup.lookupIndirect(m[PC_W]!, m[PC_W + 1]!, m[TB_FLAGS_W]!);
          if (next === null || !this.compiled(next)) return ExitCode.Next;
          this.onIndirectJump?.(this.tbs.at(entry), next);
          to = this.through(next);
          if (to < 0) return ~to;
        }
      }
      entry = to;
    }
  }

  /** The register ops left out of execute's switch: runs the op at ip, returns the next ip. */
  private rare(code: Int32Array, ip: number, w: number): number {
    const m = this.mem.i32;
    const d = XW + ((w >>> RD2) & 62), a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62);
    const al = m[a]!, ah = m[a + 1]!;
    switch (w & OP_MASK) {
      case DOp.SLL: shift64(m, d, al, ah, m[b]!, ShiftKind.Shl); return ip + 1;
      case DOp.SRL: shift64(m, d, al, ah, m[b]!, ShiftKind.Shr); return ip + 1;
      case DOp.SRA: shift64(m, d, al, ah, m[b]!, ShiftKind.Sar); return ip + 1;
      case DOp.SLLW: return setW(m, d, al << (m[b]! & 31), ip + 1);
      case DOp.SRLW: return setW(m, d, al >>> (m[b]! & 31), ip + 1);
      case DOp.SRAW: return setW(m, d, al >> (m[b]! & 31), ip + 1);
      case DOp.MUL: mul64(m, d, a, b); return ip + 1;
      case DOp.MULH: mul2x64(m, HELPER_RET_W, d, a, b, true); return ip + 1;
      case DOp.MULHU: mul2x64(m, HELPER_RET_W, d, a, b, false); return ip + 1;
      case DOp.MULHSU: {
        // The unsigned product's high half, minus rs2 when rs1 is negative (translate-rvm.ts).
        const bl = m[b]!, bh = m[b + 1]!;
        mul2x64(m, HELPER_RET_W, d, a, b, false);
        if (ah < 0) { const lo = m[d]!; m[d] = (lo - bl) | 0; m[d + 1] = (m[d + 1]! - bh - ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; }
        return ip + 1;
      }
      case DOp.DIV: div64(m, d, a, b, DivKind.Div); return ip + 1;
      case DOp.DIVU: div64(m, d, a, b, DivKind.DivU); return ip + 1;
      case DOp.REM: div64(m, d, a, b, DivKind.Rem); return ip + 1;
      case DOp.REMU: div64(m, d, a, b, DivKind.RemU); return ip + 1;
      case DOp.MULW: return setW(m, d, Math.imul(al, m[b]!), ip + 1);
      case DOp.DIVW: return setW(m, d, div32(al, m[b]!, DivKind.Div), ip + 1);
      case DOp.DIVUW: return setW(m, d, div32(al, m[b]!, DivKind.DivU), ip + 1);
      case DOp.REMW: return setW(m, d, div32(al, m[b]!, DivKind.Rem), ip + 1);
      case DOp.REMUW: return setW(m, d, div32(al, m[b]!, DivKind.RemU), ip + 1);
      case DOp.ADD_UW: return add64(m, d, al, 0, m[b]!, m[b + 1]!, ip + 1);
      case DOp.SH1ADD: case DOp.SH2ADD: case DOp.SH3ADD: {
        shift64(m, HELPER_RET_W, al, ah, (w & OP_MASK) - DOp.SH1ADD + 1, ShiftKind.Shl);
        return add64(m, d, m[HELPER_RET_W]!, m[HELPER_RET_W + 1]!, m[b]!, m[b + 1]!, ip + 1);
      }
      case DOp.SH1ADD_UW: case DOp.SH2ADD_UW: case DOp.SH3ADD_UW: {
        shift64(m, HELPER_RET_W, al, 0, (w & OP_MASK) - DOp.SH1ADD_UW + 1, ShiftKind.Shl);
        return add64(m, d, m[HELPER_RET_W]!, m[HELPER_RET_W + 1]!, m[b]!, m[b + 1]!, ip + 1);
      }
      case DOp.ANDN: m[d] = al & ~m[b]!; m[d + 1] = ah & ~m[b + 1]!; return ip + 1;
      case DOp.ORN: m[d] = al | ~m[b]!; m[d + 1] = ah | ~m[b + 1]!; return ip + 1;
      case DOp.XNOR: m[d] = ~(al ^ m[b]!); m[d + 1] = ~(ah ^ m[b + 1]!); return ip + 1;
      case DOp.MIN: case DOp.MINU: case DOp.MAX: case DOp.MAXU: {
        const bl = m[b]!, bh = m[b + 1]!, op = w & OP_MASK;
        const cond = op === DOp.MIN ? Cond.LT : op === DOp.MINU ? Cond.LTU : op === DOp.MAX ? Cond.GT : Cond.GTU;
        const keepA = cond64(cond, al, ah, bl, bh);
        m[d] = keepA ? al : bl; m[d + 1] = keepA ? ah : bh; return ip + 1;
      }
      case DOp.ROL: shift64(m, d, al, ah, m[b]!, ShiftKind.Rotl); return ip + 1;
      case DOp.ROR: shift64(m, d, al, ah, m[b]!, ShiftKind.Rotr); return ip + 1;
      case DOp.ROLW: { const n = m[b]! & 31; return setW(m, d, (al << n) | (al >>> ((32 - n) & 31)), ip + 1); }
      case DOp.RORW: { const n = m[b]! & 31; return setW(m, d, (al >>> n) | (al << ((32 - n) & 31)), ip + 1); }
      case DOp.BCLR: case DOp.BSET: case DOp.BINV: return bitOp(m, d, al, ah, w & OP_MASK, m[b]!, ip + 1);
      case DOp.BEXT: shift64(m, d, al, ah, m[b]!, ShiftKind.Shr); m[d] &= 1; m[d + 1] = 0; return ip + 1;
      case DOp.CLZ: m[d] = ah !== 0 ? Math.clz32(ah) : 32 + Math.clz32(al); m[d + 1] = 0; return ip + 1;
      case DOp.CTZ: m[d] = al !== 0 ? ctz32(al) : 32 + ctz32(ah); m[d + 1] = 0; return ip + 1;
      case DOp.CPOP: m[d] = popcount32(al) + popcount32(ah); m[d + 1] = 0; return ip + 1;
      case DOp.CLZW: m[d] = Math.clz32(al); m[d + 1] = 0; return ip + 1;
      case DOp.CTZW: m[d] = ctz32(al); m[d + 1] = 0; return ip + 1;
      case DOp.CPOPW: m[d] = popcount32(al); m[d + 1] = 0; return ip + 1;
      case DOp.SEXT_B: return setW(m, d, (al << 24) >> 24, ip + 1);
      case DOp.SEXT_H: return setW(m, d, (al << 16) >> 16, ip + 1);
      case DOp.ZEXT_H: m[d] = al & 0xffff; m[d + 1] = 0; return ip + 1;
      case DOp.ORC_B: m[d] = orcB(al); m[d + 1] = orcB(ah); return ip + 1;
      case DOp.REV8: m[d] = bswap32(ah); m[d + 1] = bswap32(al); return ip + 1;

      // Register-immediate: the immediate is code[ip + 1].
      case DOp.SLLI_UW: shift64(m, d, al, 0, code[ip + 1]!, ShiftKind.Shl); return ip + 2;
      case DOp.RORI: shift64(m, d, al, ah, code[ip + 1]!, ShiftKind.Rotr); return ip + 2;
      case DOp.RORIW: { const n = code[ip + 1]! & 31; return setW(m, d, (al >>> n) | (al << ((32 - n) & 31)), ip + 2); }
      case DOp.BCLRI: case DOp.BSETI: case DOp.BINVI:
        return bitOp(m, d, al, ah, (w & OP_MASK) - DOp.BCLRI + DOp.BCLR, code[ip + 1]!, ip + 2);
      case DOp.BEXTI: shift64(m, d, al, ah, code[ip + 1]!, ShiftKind.Shr); m[d] &= 1; m[d + 1] = 0; return ip + 2;
      default:
        throw new Error(`direct tier: bad op ${w & OP_MASK} at ${ip}`);
    }
  }

  /**
   * LR, SC and the AMOs, as translate-rva.ts translates them: every access
   * aligned (MemOp.ALIGN), an AMO's misalignment and its load's page fault
   * reported as store/AMO faults, SC compare-and-swap against the value LR
   * loaded. Returns the next ip.
   */
  private atomic(code: Int32Array, entry: number, ip: number, w: number, tlbW: number): number {
    let m = this.mem.i32;
    const op = w & OP_MASK, a = XW + ((w >>> RS12) & 62), b = XW + ((w >>> RS22) & 62), rd = (w >>> RD2) & 62, off = code[ip + 1]!;
    const vlo = m[a]!, vhi = m[a + 1]!;
    const word = op === DOp.LR_W || op === DOp.SC_W || (op >= DOp.AMOSWAP_W && op <= DOp.AMOMAXU_W);
    const memop = (word ? MemOp.S32 | MemOp.SIGN : MemOp.S64) | MemOp.ALIGN;
    let lo: number, hi: number;
    if (op === DOp.LR_W || op === DOp.LR_D) {
      this.loadSlow(code, entry, off, vlo, vhi, memop);
      m = this.mem.i32;
      lo = m[HELPER_RET_W]!; hi = m[HELPER_RET_W + 1]!;
      m[RES_ADDR_W] = vlo; m[RES_ADDR_W + 1] = vhi;
      m[RES_VALUE_W] = lo; m[RES_VALUE_W + 1] = hi;
    } else if (op === DOp.SC_W || op === DOp.SC_D) {
      lo = 1; hi = 0;
      if (m[RES_ADDR_W] === vlo && m[RES_ADDR_W + 1] === vhi) {
        this.loadSlow(code, entry, off, vlo, vhi, memop);
        m = this.mem.i32;
        if (m[HELPER_RET_W] === m[RES_VALUE_W] && m[HELPER_RET_W + 1] === m[RES_VALUE_W + 1]) {
          this.storeSlow(code, entry, off, vlo, vhi, m[b]!, m[b + 1]!, memop);
          m = this.mem.i32;
          lo = 0;
        }
      }
      // Any SC, successful or not, ends the reservation.
      m[RES_ADDR_W] = -1; m[RES_ADDR_W + 1] = -1;
    } else {
      if ((vlo & (word ? 3 : 7)) !== 0) {
        this.setPc(code, entry, off);
        raiseGuestException(this.mem, Excp.STORE_MISALIGNED, vlo, vhi);
      }
      const e = tlbW + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << 3);
      let host = -1;
      if ((vlo & (word ? MASK32 : MASK64)) === m[e + W_WRITE_TAG] && vhi === m[e + W_WRITE_TAG + 1]) {
        // Writable means readable (RISC-V has no write-only pages): both halves in place.
        host = ((vlo + m[e + W_ADDEND]!) >>> 0) >>> 2;
        lo = m[host]!; hi = word ? lo >> 31 : m[host + 1]!;
      } else {
        // An AMO faults as a store even when its load part finds the page missing.
        m[AMO_W] = 1;
        this.loadSlow(code, entry, off, vlo, vhi, memop);
        m = this.mem.i32;
        m[AMO_W] = 0;
        lo = m[HELPER_RET_W]!; hi = m[HELPER_RET_W + 1]!;
      }
      const sl = m[b]!, sh = m[b + 1]!;
      amoResult(op, word, lo, hi, sl, sh);
      if (host >= 0) {
        m[host] = amoLo;
        if (!word) m[host + 1] = amoHi;
      } else {
        this.storeSlow(code, entry, off, vlo, vhi, amoLo, amoHi, memop);
        m = this.mem.i32;
      }
    }
    if (rd !== 0) { m[XW + rd] = lo; m[XW + rd + 1] = hi; }
    return ip + 2;
  }
}

/**
 * The code arena's first size: 16 MiB, untouched until used (a fresh
 * allocation this large is mapped zero pages), so it never grows by copying
 * on a Linux boot (~2M words) and costs a small program nothing.
 */
const INITIAL_CODE_WORDS = 1 << 22;

/** chainSlow's answer when the target is compiled: through() runs it. */
const THROUGH_COMPILED = -2;

const BRANCH_COND: readonly Cond[] = [Cond.EQ, Cond.NE, Cond.LT, Cond.GE, Cond.LTU, Cond.GEU];

/** d = the 32-bit value v sign-extended; returns next. */
function setW(m: Int32Array, d: number, v: number, next: number): number {
  m[d] = v | 0; m[d + 1] = v >> 31;
  return next;
}

/** d = (ah:al) + (bh:bl); returns next. */
function add64(m: Int32Array, d: number, al: number, ah: number, bl: number, bh: number, next: number): number {
  const r = (al + bl) | 0;
  m[d + 1] = (ah + bh + ((r >>> 0) < (al >>> 0) ? 1 : 0)) | 0; m[d] = r;
  return next;
}

/** bclr / bset / binv of bit n mod 64; returns next. */
function bitOp(m: Int32Array, d: number, al: number, ah: number, op: DOp, n: number, next: number): number {
  const bit = 1 << (n & 31), high = (n & 32) !== 0;
  const ml = high ? 0 : bit, mh = high ? bit : 0;
  if (op === DOp.BCLR) { m[d] = al & ~ml; m[d + 1] = ah & ~mh; }
  else if (op === DOp.BSET) { m[d] = al | ml; m[d + 1] = ah | mh; }
  else { m[d] = al ^ ml; m[d + 1] = ah ^ mh; }
  return next;
}

/** orc.b of one word: each non-zero byte becomes 0xff. */
function orcB(x: number): number {
  return ((x & 0xff) ? 0xff : 0) | ((x & 0xff00) ? 0xff00 : 0) | ((x & 0xff0000) ? 0xff0000 : 0) | ((x & 0xff000000) ? 0xff000000 : 0);
}

/** The value an AMO stores, from the old memory value and rs2: module-level, so nothing allocates. */
let amoLo = 0, amoHi = 0;
function amoResult(op: DOp, word: boolean, ol: number, oh: number, sl: number, sh: number): void {
  switch (word ? op - DOp.AMOSWAP_W : op - DOp.AMOSWAP_D) {
    case 0: amoLo = sl; amoHi = sh; return; // swap
    case 1: { const r = (ol + sl) | 0; amoHi = (oh + sh + ((r >>> 0) < (ol >>> 0) ? 1 : 0)) | 0; amoLo = r; return; }
    case 2: amoLo = ol ^ sl; amoHi = oh ^ sh; return;
    case 3: amoLo = ol & sl; amoHi = oh & sh; return;
    case 4: amoLo = ol | sl; amoHi = oh | sh; return;
    default: {
      // min, max, minu, maxu: .w compares the words (sign- or zero-extended), .d the doublewords.
      const kind = (word ? op - DOp.AMOMIN_W : op - DOp.AMOMIN_D);
      const cond = kind === 0 ? Cond.LT : kind === 1 ? Cond.GT : kind === 2 ? Cond.LTU : Cond.GTU;
      const unsigned = kind >= 2;
      const keepOld = word
        ? cond64(cond, ol, unsigned ? 0 : ol >> 31, sl, unsigned ? 0 : sl >> 31)
        : cond64(cond, ol, oh, sl, sh);
      amoLo = keepOld ? ol : sl; amoHi = keepOld ? oh : sh;
    }
  }
}
