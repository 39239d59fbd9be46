// The cold tier: runs a TB's IR, encoded by encode.ts, with one switch.
//
// 64-bit values are two Int32Array words (lo, hi) with carry arithmetic.
// Measured with bench/interp-repr.ts (node 20 / V8 11.3, 2 shared cores at
// load average ~10, best of 5 interleaved rounds, a dependent chain of 64-bit
// add, xor, logical shift and unsigned compare on values in memory):
//   i32 word pairs + carry      3.97 ns/op
//   BigInt64Array               3.86 ns/op
//   Float64 hi*2^32+lo         20.00 ns/op
// BigInt64Array ties only because V8 lowers add/xor/shift-by-constant wrapped
// in BigInt.asIntN(64) to machine words inside optimized code; mul, div,
// variable shifts and anything in unoptimized or deoptimized code allocate a
// BigInt per value, and BigInt is banned from hot paths. Word pairs are as
// fast and never allocate, so they are the representation; i32 ops use one word.
// Whole-interpreter throughput, bench/interp-speed.ts (a 10-instruction
// RISC-V-shaped loop TB with a load and a store through the TLB fast path,
// chained to itself): 54 guest MIPS on the same loaded machine (30-37 at load
// average 13). The commonest form, add_i64 with a constant (addi, address
// arithmetic), has its own encoding (ADDI64) with the immediate inline.
//
// Execution (see Tier in exec/tier.ts):
//   - entering a TB bumps its execCount, adds its icount to Cpu.INSN_COUNT
//     and takes icount from `budget` (all up front: a TB that faults midway
//     has counted its whole icount; the loop may correct that if it cares);
//   - the TB passed to execute always runs, whatever the budget;
//   - goto_tb follows tb.jump0 / jump1 without returning when the target is
//     valid, prepared for this tier (interpEntry set) and not compiled to Wasm
//     (wasmCode null: the loop should run that one in Wasm), Cpu.EXIT_REQUEST
//     is 0 and budget is still above 0; otherwise it returns
//     ExitCode.Chain0/Chain1, so an exhausted budget ends the slice at a TB
//     boundary with that TB's normal exit code;
//   - goto_ptr continues in the TB the loop's jump cache holds for the new pc
//     (indirectJumps, set by the loop) under the same conditions, and
//     otherwise returns ExitCode.Next; so does an unlinked goto_tb to another
//     page when the loop never links across pages (crossPageLookups: system
//     mode), as a link to it will never come;
//   - a TB at exactly hotThreshold executions is not chained to: the loop
//     hands it to the tier policy, which queues it for Wasm (only then: while
//     its module compiles in the background it keeps running here, chained);
//   - exit_tb returns its code.
//
// TB ends are superoperators (GOTO_TB_PC, BRTB64; see encode.ts) that
// `break chain` to one shared, inline chaining step at the bottom of the loop.

import { ExitCode } from '../../ir/ops.js';
import { Cond } from '../../ir/types.js';
import { HelperTable } from '../../exec/helpers.js';
import { TranslationBlock } from '../../exec/tb.js';
import { IndirectJumpLookup, Tier } from '../../exec/tier.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { MemorySlowPath } from '../../memory/softmmu-api.js';
import { PAGE_BITS, PAGE_MASK_LO } from '../../memory/tlb-layout.js';
import {
  addsub2x64, bswap32, ctz32, deposit64, div32, div64, DivKind, extract64, mul2x64, mul64,
  mulhs32, mulhu32, popcount32, shift64, ShiftKind,
} from './arith64.js';
import { cond32, cond64 } from './cond.js';
import { ArenaTbs, EntryFields } from './arena-tbs.js';
import { CodeArena, TbHeader } from './code-arena.js';
import { ConstPool } from './const-pool.js';
import { encodeForInterp } from './encode.js';
import { guestLoadGeneric, guestStoreGeneric, hostLoad, hostStore } from './memory-ops.js';
import { IOp } from './iop.js';
import {
  EXIT_REQUEST_W, HELPER_ARGS_W, HELPER_RET_W, INSN_COUNT_W, MASK16, MASK32, MASK64, MASK8, PC_W, TB_FLAGS_W, TLB_ENTRY_WORD_SHIFT,
  TLB_INDEX_MASK, W_ADDEND, W_READ_TAG, W_WRITE_TAG,
} from '../../memory/words.js';

/** The TB fields holding a TB's place in this tier's arena. */
const INTERP_ENTRY: EntryFields = {
  entry: (tb) => tb.interpEntry,
  set: (tb, entry, words) => { tb.interpEntry = entry; tb.interpWords = words; },
};


export class InterpTier implements Tier {
  readonly name = 'interp';
  /** Guest instructions left in this time slice; the loop sets it before execute. */
  budget = Number.MAX_SAFE_INTEGER;
  /** Guest instructions of the TBs this tier entered (each counted whole, as Cpu.INSN_COUNT does). */
  instructions = 0;
  /** Set by the exec loop when goto_ptr may continue here (ExecLoopOptions.indirectChaining). */
  indirectJumps: IndirectJumpLookup | null = null;
  /** Set by the exec loop when it never links TBs across pages: unlinked cross-page jumps use indirectJumps too. */
  crossPageLookups = false;
  /** Executions at which the loop's tier policy wants to see a TB, once (Infinity: never). */
  hotThreshold = Infinity;
  private readonly pool: ConstPool;
  private readonly arena = new CodeArena();
  /** The TBs with code in the arena. */
  private readonly tbs = new ArenaTbs(this.arena, INTERP_ENTRY);
  /** Entry of the TB entered last (-1: none): lastTb, without a TB object store at every jump. */
  private lastEntry = -1;

  constructor(private readonly mem: LinearMemory, private readonly helpers: HelperTable, private readonly slowPath: MemorySlowPath) {
    this.pool = new ConstPool(mem);
  }

  /** True when the constant pool or the code arena is nearly exhausted: the loop should flush the TB cache soon. */
  get codeSpaceFull(): boolean {
    return this.pool.full || this.arena.full;
  }

  /** Code-arena words in use (for statistics and tests). */
  get codeWordsUsed(): number {
    return this.arena.used;
  }

  /** Constant-pool slots in use (for statistics and tests). */
  get constPoolSlotsUsed(): number {
    return this.pool.slotsUsed;
  }

  /** The TB whose exit produced execute's last return value (null after a flush, or if it was released since). */
  get lastTb(): TranslationBlock | null {
    return this.lastEntry < 0 ? null : this.tbs.at(this.lastEntry);
  }

  prepare(tb: TranslationBlock): void {
    const ir = tb.irForCompile();
    if (ir === null) throw new Error('interp: TB has no IR');
    this.release(tb); // prepared before: that code is dropped
    const arena = this.arena;
    this.tbs.add(tb, encodeForInterp(ir, arena, this.pool, this.helpers));
  }

  /**
   * Forget tb's code here (it was invalidated; the exec loop tells): the TB
   * object is not kept alive by this tier until the next flush, and it can
   * never run here again without a new prepare.
   */
  release(tb: TranslationBlock): void {
    this.tbs.release(tb);
  }

  flush(): void {
    this.tbs.clear();
    this.pool.reset();
    this.arena.reset();
    this.lastEntry = -1;
  }

  /**
   * Where goto_tb slot `slot` of the TB at `entry` continues here, or -1 (the
   * loop takes over): the TB cache's link or, for an unlinked jump to another
   * page when the loop never links across pages, the jump cache. A link is
   * remembered in the header for execute's next pass; a cross-page lookup is
   * not, as page tables change under it.
   */
  private chainSlow(code: Int32Array, entry: number, slot: number, pcLo: number, pcHi: number): number {
    const cur = this.tbs.at(entry);
    if (cur === null) return -1;
    let next = slot === 0 ? cur.jump0 : cur.jump1;
    if (next !== null) {
      if (next.interpEntry < 0) return -1;
      code[entry + TbHeader.LINK0 + slot] = next.interpEntry;
    } else if (this.crossPageLookups && this.indirectJumps !== null && ((((pcLo ^ cur.pcLo) & PAGE_MASK_LO) !== 0 || pcHi !== cur.pcHi))) {
      next = this.indirectJumps.lookupIndirect(pcLo, pcHi, this.mem.i32[TB_FLAGS_W]!);
      if (next === null || next.interpEntry < 0) return -1;
    } else {
      return -1;
    }
    const to = next.interpEntry;
    return code[to + TbHeader.RUNNABLE] === 0 || code[to + TbHeader.COUNT] === this.hotThreshold ? -1 : to;
  }

  /** The ops left out of execute's switch: runs the op at ip, returns the next ip. */
  private rare(code: Int32Array, ip: number): number {
    const mem = this.mem;
    const m = mem.i32;
    switch (code[ip] as IOp) {
        case IOp.andc_i32: m[code[ip + 1]!] = m[code[ip + 2]!]! & ~m[code[ip + 3]!]!; ip += 4; break;
        case IOp.andc_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!; m[d] = m[a]! & ~m[b]!; m[d + 1] = m[a + 1]! & ~m[b + 1]!; ip += 4; break; }
        case IOp.orc_i32: m[code[ip + 1]!] = m[code[ip + 2]!]! | ~m[code[ip + 3]!]!; ip += 4; break;
        case IOp.orc_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!; m[d] = m[a]! | ~m[b]!; m[d + 1] = m[a + 1]! | ~m[b + 1]!; ip += 4; break; }
        case IOp.eqv_i32: m[code[ip + 1]!] = ~(m[code[ip + 2]!]! ^ m[code[ip + 3]!]!); ip += 4; break;
        case IOp.eqv_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!; m[d] = ~(m[a]! ^ m[b]!); m[d + 1] = ~(m[a + 1]! ^ m[b + 1]!); ip += 4; break; }
        case IOp.nand_i32: m[code[ip + 1]!] = ~(m[code[ip + 2]!]! & m[code[ip + 3]!]!); ip += 4; break;
        case IOp.nand_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!; m[d] = ~(m[a]! & m[b]!); m[d + 1] = ~(m[a + 1]! & m[b + 1]!); ip += 4; break; }
        case IOp.nor_i32: m[code[ip + 1]!] = ~(m[code[ip + 2]!]! | m[code[ip + 3]!]!); ip += 4; break;
        case IOp.nor_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!; m[d] = ~(m[a]! | m[b]!); m[d + 1] = ~(m[a + 1]! | m[b + 1]!); ip += 4; break; }
        case IOp.not_i32: m[code[ip + 1]!] = ~m[code[ip + 2]!]!; ip += 3; break;
        case IOp.neg_i32: m[code[ip + 1]!] = -m[code[ip + 2]!]! | 0; ip += 3; break;
        case IOp.div_i32: m[code[ip + 1]!] = div32(m[code[ip + 2]!]!, m[code[ip + 3]!]!, DivKind.Div); ip += 4; break;
        case IOp.divu_i32: m[code[ip + 1]!] = div32(m[code[ip + 2]!]!, m[code[ip + 3]!]!, DivKind.DivU); ip += 4; break;
        case IOp.rem_i32: m[code[ip + 1]!] = div32(m[code[ip + 2]!]!, m[code[ip + 3]!]!, DivKind.Rem); ip += 4; break;
        case IOp.remu_i32: m[code[ip + 1]!] = div32(m[code[ip + 2]!]!, m[code[ip + 3]!]!, DivKind.RemU); ip += 4; break;
        case IOp.div_i64: div64(m, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!, DivKind.Div); ip += 4; break;
        case IOp.divu_i64: div64(m, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!, DivKind.DivU); ip += 4; break;
        case IOp.rem_i64: div64(m, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!, DivKind.Rem); ip += 4; break;
        case IOp.remu_i64: div64(m, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!, DivKind.RemU); ip += 4; break;
        case IOp.add2_i32: case IOp.sub2_i32: {
          const al = m[code[ip + 3]!]!, ah = m[code[ip + 4]!]!, bl = m[code[ip + 5]!]!, bh = m[code[ip + 6]!]!;
          let lo: number, hi: number;
          if (code[ip] === IOp.add2_i32) { lo = (al + bl) | 0; hi = (ah + bh + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; } else { lo = (al - bl) | 0; hi = (ah - bh - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; }
          m[code[ip + 1]!] = lo; m[code[ip + 2]!] = hi; ip += 7; break;
        }
        case IOp.add2_i64: case IOp.sub2_i64:
          addsub2x64(m, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!, code[ip + 4]!, code[ip + 5]!, code[ip + 6]!, code[ip] === IOp.sub2_i64);
          ip += 7; break;
        case IOp.mulu2_i32: case IOp.muls2_i32: {
          const a = m[code[ip + 3]!]!, b = m[code[ip + 4]!]!;
          const hi = code[ip] === IOp.mulu2_i32 ? mulhu32(a, b) : mulhs32(a, b);
          m[code[ip + 1]!] = Math.imul(a, b); m[code[ip + 2]!] = hi; ip += 5; break;
        }
        case IOp.mulu2_i64: case IOp.muls2_i64:
          mul2x64(m, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!, code[ip + 4]!, code[ip] === IOp.muls2_i64); ip += 5; break;
        case IOp.rotl_i32: { const x = m[code[ip + 2]!]!, n = m[code[ip + 3]!]! & 31; m[code[ip + 1]!] = (x << n) | (x >>> ((32 - n) & 31)); ip += 4; break; }
        case IOp.rotr_i32: { const x = m[code[ip + 2]!]!, n = m[code[ip + 3]!]! & 31; m[code[ip + 1]!] = (x >>> n) | (x << ((32 - n) & 31)); ip += 4; break; }
        case IOp.rotl_i64: { const a = code[ip + 2]!; shift64(m, code[ip + 1]!, m[a]!, m[a + 1]!, m[code[ip + 3]!]!, ShiftKind.Rotl); ip += 4; break; }
        case IOp.rotr_i64: { const a = code[ip + 2]!; shift64(m, code[ip + 1]!, m[a]!, m[a + 1]!, m[code[ip + 3]!]!, ShiftKind.Rotr); ip += 4; break; }
        case IOp.clz_i32: m[code[ip + 1]!] = Math.clz32(m[code[ip + 2]!]!); ip += 3; break;
        case IOp.clz_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, hi = m[a + 1]!; m[d] = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(m[a]!); m[d + 1] = 0; ip += 3; break; }
        case IOp.ctz_i32: m[code[ip + 1]!] = ctz32(m[code[ip + 2]!]!); ip += 3; break;
        case IOp.ctz_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, lo = m[a]!; m[d] = lo !== 0 ? ctz32(lo) : 32 + ctz32(m[a + 1]!); m[d + 1] = 0; ip += 3; break; }
        case IOp.ctpop_i32: m[code[ip + 1]!] = popcount32(m[code[ip + 2]!]!); ip += 3; break;
        case IOp.ctpop_i64: { const d = code[ip + 1]!, a = code[ip + 2]!; m[d] = popcount32(m[a]!) + popcount32(m[a + 1]!); m[d + 1] = 0; ip += 3; break; }
        case IOp.negsetcond_i32: m[code[ip + 1]!] = cond32(code[ip + 4]! as Cond, m[code[ip + 2]!]!, m[code[ip + 3]!]!) ? -1 : 0; ip += 5; break;
        case IOp.negsetcond_i64: {
          const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!;
          const v = cond64(code[ip + 4]! as Cond, m[a]!, m[a + 1]!, m[b]!, m[b + 1]!) ? -1 : 0; m[d] = v; m[d + 1] = v; ip += 5; break;
        }
        case IOp.movcond_i32: {
          const src = cond32(code[ip + 6]! as Cond, m[code[ip + 2]!]!, m[code[ip + 3]!]!) ? code[ip + 4]! : code[ip + 5]!;
          m[code[ip + 1]!] = m[src]!; ip += 7; break;
        }
        case IOp.movcond_i64: {
          const a = code[ip + 2]!, b = code[ip + 3]!, d = code[ip + 1]!;
          const src = cond64(code[ip + 6]! as Cond, m[a]!, m[a + 1]!, m[b]!, m[b + 1]!) ? code[ip + 4]! : code[ip + 5]!;
          m[d] = m[src]!; m[d + 1] = m[src + 1]!; ip += 7; break;
        }
        case IOp.deposit_i32: {
          const pos = code[ip + 4]!, len = code[ip + 5]!, mask = (len >= 32 ? -1 : (1 << len) - 1) << pos;
          m[code[ip + 1]!] = (m[code[ip + 2]!]! & ~mask) | ((m[code[ip + 3]!]! << pos) & mask); ip += 6; break;
        }
        case IOp.extract_i32: {
          const pos = code[ip + 3]!, len = code[ip + 4]!;
          m[code[ip + 1]!] = (m[code[ip + 2]!]! >>> pos) & (len >= 32 ? -1 : (1 << len) - 1); ip += 5; break;
        }
        case IOp.sextract_i32: {
          const pos = code[ip + 3]!, len = code[ip + 4]!;
          m[code[ip + 1]!] = (m[code[ip + 2]!]! << (32 - pos - len)) >> (32 - len); ip += 5; break;
        }
        case IOp.deposit_i64: deposit64(m, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!, code[ip + 4]!, code[ip + 5]!); ip += 6; break;
        case IOp.extract_i64: case IOp.sextract_i64: {
          const a = code[ip + 2]!;
          extract64(m, code[ip + 1]!, m[a]!, m[a + 1]!, code[ip + 3]!, code[ip + 4]!, code[ip] === IOp.sextract_i64); ip += 5; break;
        }
        case IOp.ext8s_i32: m[code[ip + 1]!] = (m[code[ip + 2]!]! << 24) >> 24; ip += 3; break;
        case IOp.ext8u_i32: m[code[ip + 1]!] = m[code[ip + 2]!]! & 0xff; ip += 3; break;
        case IOp.ext16s_i32: m[code[ip + 1]!] = (m[code[ip + 2]!]! << 16) >> 16; ip += 3; break;
        case IOp.ext16u_i32: m[code[ip + 1]!] = m[code[ip + 2]!]! & 0xffff; ip += 3; break;
        case IOp.bswap16_i32: { const x = m[code[ip + 2]!]!; m[code[ip + 1]!] = ((x & 0xff) << 8) | ((x >>> 8) & 0xff); ip += 3; break; }
        case IOp.bswap16_i64: { const d = code[ip + 1]!, x = m[code[ip + 2]!]!; m[d] = ((x & 0xff) << 8) | ((x >>> 8) & 0xff); m[d + 1] = 0; ip += 3; break; }
        case IOp.bswap32_i32: m[code[ip + 1]!] = bswap32(m[code[ip + 2]!]!); ip += 3; break;
        case IOp.bswap32_i64: { const d = code[ip + 1]!; m[d] = bswap32(m[code[ip + 2]!]!); m[d + 1] = 0; ip += 3; break; }
        case IOp.bswap64_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, lo = m[a]!, hi = m[a + 1]!; m[d] = bswap32(hi); m[d + 1] = bswap32(lo); ip += 3; break; }

        // --- host memory: the CPU state ------------------------------------
        case IOp.ld_i32: case IOp.ld_i64:
          hostLoad(mem, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!, code[ip] === IOp.ld_i64); ip += 4; break;
        case IOp.st_i32: case IOp.st_i64:
          hostStore(mem, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!); ip += 4; break;

        // --- guest memory: the TLB fast path inline (tlb-layout.ts) ---------
        case IOp.QLD_GENERIC:
          guestLoadGeneric(mem, this.slowPath, code, ip);
          ip += 9; break;
        case IOp.QST_GENERIC:
          guestStoreGeneric(mem, this.slowPath, code, ip);
          ip += 8; break;

      default:
        throw new Error(`interp: bad opcode ${code[ip]} at ${ip}`);
    }
    return ip;
  }

  private missLoad(m: Int32Array, code: Int32Array, ip: number, vlo: number, vhi: number): void {
    m[PC_W] = code[ip + 6]!; m[PC_W + 1] = code[ip + 7]!;
    this.slowPath.load(vlo, vhi, code[ip + 4]!, code[ip + 5]!);
  }

  private missStore(m: Int32Array, code: Int32Array, ip: number, vlo: number, vhi: number): void {
    m[PC_W] = code[ip + 6]!; m[PC_W + 1] = code[ip + 7]!;
    const v = code[ip + 1]!;
    this.slowPath.store(vlo, vhi, m[v]!, m[v + 1]!, code[ip + 4]!, code[ip + 5]!);
  }

  execute(tb: TranslationBlock): number {
    if (tb.interpEntry < 0) this.prepare(tb);
    // After prepare, which may grow the arena; nothing encodes while a TB runs (code-arena.ts).
    const code = this.arena.words;
    const mem = this.mem;
    // Views are re-read after anything that may grow the memory (helpers, slow paths).
    let m = mem.i32, u8 = mem.u8, i8 = mem.i8, u16 = mem.u16, i16 = mem.i16;
    /** The running TB's entry: its header is at code[entry + TbHeader.*]. */
    let entry = tb.interpEntry;
    let ip = entry;
    for (;;) {
      // Enter the TB at `entry` (the first one, or one chained to below).
      this.lastEntry = entry;
      code[entry + TbHeader.COUNT]++;
      const icount = code[entry + TbHeader.ICOUNT]!;
      this.budget -= icount;
      this.instructions += icount;
      const lo = m[INSN_COUNT_W]!, sum = (lo + icount) | 0;
      if ((sum >>> 0) < (lo >>> 0)) m[INSN_COUNT_W + 1] = (m[INSN_COUNT_W + 1]! + 1) | 0;
      m[INSN_COUNT_W] = sum;
      /** The goto_tb slot the TB left by, with Cpu.PC set; -1 for goto_ptr. */
      let slot: number;
      run: for (;;) {
      switch (code[ip] as IOp) {
        case IOp.mov_i32: m[code[ip + 1]!] = m[code[ip + 2]!]!; ip += 3; break;
        case IOp.mov_i64: { const d = code[ip + 1]!, a = code[ip + 2]!; m[d] = m[a]!; m[d + 1] = m[a + 1]!; ip += 3; break; }
        case IOp.ADDI64: {
          const d = code[ip + 1]!, a = code[ip + 2]!, al = m[a]!, lo = (al + code[ip + 3]!) | 0;
          m[d + 1] = (m[a + 1]! + code[ip + 4]! + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; m[d] = lo;
          ip += 5; break;
        }
        case IOp.MOVI64: { const d = code[ip + 1]!; m[d] = code[ip + 2]!; m[d + 1] = code[ip + 3]!; ip += 4; break; }
        case IOp.ADDIW: { const d = code[ip + 1]!, v = (m[code[ip + 2]!]! + code[ip + 3]!) | 0; m[d] = v; m[d + 1] = v >> 31; ip += 4; break; }
        case IOp.ADDW: { const d = code[ip + 1]!, v = (m[code[ip + 2]!]! + m[code[ip + 3]!]!) | 0; m[d] = v; m[d + 1] = v >> 31; ip += 4; break; }
        case IOp.SUBW: { const d = code[ip + 1]!, v = (m[code[ip + 2]!]! - m[code[ip + 3]!]!) | 0; m[d] = v; m[d + 1] = v >> 31; ip += 4; break; }
        case IOp.SLLW: { const d = code[ip + 1]!, v = m[code[ip + 2]!]! << (m[code[ip + 3]!]! & 31); m[d] = v; m[d + 1] = v >> 31; ip += 4; break; }
        case IOp.SRLW: { const d = code[ip + 1]!, v = (m[code[ip + 2]!]! >>> (m[code[ip + 3]!]! & 31)) | 0; m[d] = v; m[d + 1] = v >> 31; ip += 4; break; }
        case IOp.SRAW: { const d = code[ip + 1]!, v = m[code[ip + 2]!]! >> (m[code[ip + 3]!]! & 31); m[d] = v; m[d + 1] = v >> 31; ip += 4; break; }
        case IOp.add_i32: m[code[ip + 1]!] = (m[code[ip + 2]!]! + m[code[ip + 3]!]!) | 0; ip += 4; break;
        case IOp.add_i64: {
          const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!, al = m[a]!, lo = (al + m[b]!) | 0;
          m[d + 1] = (m[a + 1]! + m[b + 1]! + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; m[d] = lo;
          ip += 4; break;
        }
        case IOp.sub_i32: m[code[ip + 1]!] = (m[code[ip + 2]!]! - m[code[ip + 3]!]!) | 0; ip += 4; break;
        case IOp.sub_i64: {
          const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!, al = m[a]!, bl = m[b]!;
          m[d + 1] = (m[a + 1]! - m[b + 1]! - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; m[d] = (al - bl) | 0;
          ip += 4; break;
        }
        case IOp.and_i32: m[code[ip + 1]!] = m[code[ip + 2]!]! & m[code[ip + 3]!]!; ip += 4; break;
        case IOp.and_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!; m[d] = m[a]! & m[b]!; m[d + 1] = m[a + 1]! & m[b + 1]!; ip += 4; break; }
        case IOp.or_i32: m[code[ip + 1]!] = m[code[ip + 2]!]! | m[code[ip + 3]!]!; ip += 4; break;
        case IOp.or_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!; m[d] = m[a]! | m[b]!; m[d + 1] = m[a + 1]! | m[b + 1]!; ip += 4; break; }
        case IOp.xor_i32: m[code[ip + 1]!] = m[code[ip + 2]!]! ^ m[code[ip + 3]!]!; ip += 4; break;
        case IOp.xor_i64: { const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!; m[d] = m[a]! ^ m[b]!; m[d + 1] = m[a + 1]! ^ m[b + 1]!; ip += 4; break; }
        case IOp.not_i64: { const d = code[ip + 1]!, a = code[ip + 2]!; m[d] = ~m[a]!; m[d + 1] = ~m[a + 1]!; ip += 3; break; }
        case IOp.neg_i64: {
          const d = code[ip + 1]!, a = code[ip + 2]!, al = m[a]!;
          m[d + 1] = (~m[a + 1]! + (al === 0 ? 1 : 0)) | 0; m[d] = -al | 0; ip += 3; break;
        }
        case IOp.mul_i32: m[code[ip + 1]!] = Math.imul(m[code[ip + 2]!]!, m[code[ip + 3]!]!); ip += 4; break;
        case IOp.mul_i64: mul64(m, code[ip + 1]!, code[ip + 2]!, code[ip + 3]!); ip += 4; break;
        case IOp.shl_i32: m[code[ip + 1]!] = m[code[ip + 2]!]! << (m[code[ip + 3]!]! & 31); ip += 4; break;
        case IOp.shr_i32: m[code[ip + 1]!] = (m[code[ip + 2]!]! >>> (m[code[ip + 3]!]! & 31)) | 0; ip += 4; break;
        case IOp.sar_i32: m[code[ip + 1]!] = m[code[ip + 2]!]! >> (m[code[ip + 3]!]! & 31); ip += 4; break;
        case IOp.shl_i64: { const a = code[ip + 2]!; shift64(m, code[ip + 1]!, m[a]!, m[a + 1]!, m[code[ip + 3]!]!, ShiftKind.Shl); ip += 4; break; }
        case IOp.shr_i64: { const a = code[ip + 2]!; shift64(m, code[ip + 1]!, m[a]!, m[a + 1]!, m[code[ip + 3]!]!, ShiftKind.Shr); ip += 4; break; }
        case IOp.sar_i64: { const a = code[ip + 2]!; shift64(m, code[ip + 1]!, m[a]!, m[a + 1]!, m[code[ip + 3]!]!, ShiftKind.Sar); ip += 4; break; }
        case IOp.setcond_i32: m[code[ip + 1]!] = cond32(code[ip + 4]! as Cond, m[code[ip + 2]!]!, m[code[ip + 3]!]!) ? 1 : 0; ip += 5; break;
        case IOp.setcond_i64: {
          const d = code[ip + 1]!, a = code[ip + 2]!, b = code[ip + 3]!;
          m[d] = cond64(code[ip + 4]! as Cond, m[a]!, m[a + 1]!, m[b]!, m[b + 1]!) ? 1 : 0; m[d + 1] = 0; ip += 5; break;
        }
        case IOp.ext8s_i64: { const d = code[ip + 1]!, v = (m[code[ip + 2]!]! << 24) >> 24; m[d] = v; m[d + 1] = v >> 31; ip += 3; break; }
        case IOp.ext8u_i64: { const d = code[ip + 1]!; m[d] = m[code[ip + 2]!]! & 0xff; m[d + 1] = 0; ip += 3; break; }
        case IOp.ext16s_i64: { const d = code[ip + 1]!, v = (m[code[ip + 2]!]! << 16) >> 16; m[d] = v; m[d + 1] = v >> 31; ip += 3; break; }
        case IOp.ext16u_i64: { const d = code[ip + 1]!; m[d] = m[code[ip + 2]!]! & 0xffff; m[d + 1] = 0; ip += 3; break; }
        case IOp.ext32s_i64: case IOp.ext_i32_i64: { const d = code[ip + 1]!, v = m[code[ip + 2]!]!; m[d] = v; m[d + 1] = v >> 31; ip += 3; break; }
        case IOp.ext32u_i64: case IOp.extu_i32_i64: { const d = code[ip + 1]!; m[d] = m[code[ip + 2]!]!; m[d + 1] = 0; ip += 3; break; }
        case IOp.extrl_i64_i32: m[code[ip + 1]!] = m[code[ip + 2]!]!; ip += 3; break;
        case IOp.extrh_i64_i32: m[code[ip + 1]!] = m[code[ip + 2]! + 1]!; ip += 3; break;
        // Guest loads by size: the TLB fast path inline, one case per size
        // (a shared method measured slower: V8 did not inline it here).
        case IOp.QLD32_8U: case IOp.QLD32_8S: case IOp.QLD64_8U: case IOp.QLD64_8S: {
          const op = code[ip]!, d = code[ip + 1]!, a = code[ip + 2]!, al = m[a]!, vlo = (al + code[ip + 8]!) | 0;
          const vhi = (m[a + 1]! + code[ip + 9]! + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          const e = code[ip + 3]! + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << TLB_ENTRY_WORD_SHIFT);
          let v: number;
          if ((vlo & MASK8) === m[e + W_READ_TAG] && vhi === m[e + W_READ_TAG + 1]) {
            const host = (vlo + m[e + W_ADDEND]!) >>> 0;
            v = op === IOp.QLD32_8S || op === IOp.QLD64_8S ? i8[host]! : u8[host]!;
          } else {
            this.missLoad(m, code, ip, vlo, vhi);
            m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
            v = m[HELPER_RET_W]!;
          }
          m[d] = v;
          if (op >= IOp.QLD64_8U) m[d + 1] = v >> 31;
          ip += 10; break;
        }
        case IOp.QLD32_16U: case IOp.QLD32_16S: case IOp.QLD64_16U: case IOp.QLD64_16S: {
          const op = code[ip]!, d = code[ip + 1]!, a = code[ip + 2]!, al = m[a]!, vlo = (al + code[ip + 8]!) | 0;
          const vhi = (m[a + 1]! + code[ip + 9]! + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          const e = code[ip + 3]! + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << TLB_ENTRY_WORD_SHIFT);
          let v: number;
          if ((vlo & MASK16) === m[e + W_READ_TAG] && vhi === m[e + W_READ_TAG + 1]) {
            const host = (vlo + m[e + W_ADDEND]!) >>> 0;
            v = op === IOp.QLD32_16S || op === IOp.QLD64_16S ? i16[host >>> 1]! : u16[host >>> 1]!;
          } else {
            this.missLoad(m, code, ip, vlo, vhi);
            m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
            v = m[HELPER_RET_W]!;
          }
          m[d] = v;
          if (op >= IOp.QLD64_8U) m[d + 1] = v >> 31;
          ip += 10; break;
        }
        case IOp.QLD32_32: case IOp.QLD64_32U: case IOp.QLD64_32S: {
          const op = code[ip]!, d = code[ip + 1]!, a = code[ip + 2]!, al = m[a]!, vlo = (al + code[ip + 8]!) | 0;
          const vhi = (m[a + 1]! + code[ip + 9]! + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          const e = code[ip + 3]! + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << TLB_ENTRY_WORD_SHIFT);
          let v: number;
          if ((vlo & MASK32) === m[e + W_READ_TAG] && vhi === m[e + W_READ_TAG + 1]) {
            v = m[((vlo + m[e + W_ADDEND]!) >>> 0) >>> 2]!;
          } else {
            this.missLoad(m, code, ip, vlo, vhi);
            m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
            v = m[HELPER_RET_W]!;
          }
          m[d] = v;
          if (op === IOp.QLD64_32S) m[d + 1] = v >> 31; else if (op === IOp.QLD64_32U) m[d + 1] = 0;
          ip += 10; break;
        }
        case IOp.QLD64_64: {
          const d = code[ip + 1]!, a = code[ip + 2]!, al = m[a]!, vlo = (al + code[ip + 8]!) | 0;
          const vhi = (m[a + 1]! + code[ip + 9]! + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          const e = code[ip + 3]! + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << TLB_ENTRY_WORD_SHIFT);
          if ((vlo & MASK64) === m[e + W_READ_TAG] && vhi === m[e + W_READ_TAG + 1]) {
            const w = ((vlo + m[e + W_ADDEND]!) >>> 0) >>> 2;
            m[d] = m[w]!; m[d + 1] = m[w + 1]!;
          } else {
            this.missLoad(m, code, ip, vlo, vhi);
            m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
            m[d] = m[HELPER_RET_W]!; m[d + 1] = m[HELPER_RET_W + 1]!;
          }
          ip += 10; break;
        }
        case IOp.QST_8: case IOp.QST_16: case IOp.QST_32: case IOp.QST_64: {
          const op = code[ip]!, v = code[ip + 1]!, a = code[ip + 2]!, al = m[a]!, vlo = (al + code[ip + 8]!) | 0;
          const vhi = (m[a + 1]! + code[ip + 9]! + ((vlo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
          const e = code[ip + 3]! + (((vlo >>> PAGE_BITS) & TLB_INDEX_MASK) << TLB_ENTRY_WORD_SHIFT);
          const mask = op === IOp.QST_8 ? MASK8 : op === IOp.QST_16 ? MASK16 : op === IOp.QST_32 ? MASK32 : MASK64;
          if ((vlo & mask) === m[e + W_WRITE_TAG] && vhi === m[e + W_WRITE_TAG + 1]) {
            const host = (vlo + m[e + W_ADDEND]!) >>> 0;
            if (op === IOp.QST_8) u8[host] = m[v]!;
            else if (op === IOp.QST_16) u16[host >>> 1] = m[v]!;
            else if (op === IOp.QST_32) m[host >>> 2] = m[v]!;
            else { m[host >>> 2] = m[v]!; m[(host >>> 2) + 1] = m[v + 1]!; }
          } else {
            this.missStore(m, code, ip, vlo, vhi);
            m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
          }
          ip += 10; break;
        }
        // --- calls ----------------------------------------------------------
        case IOp.call: {
          const nIn = code[ip + 2]!, nOut = code[ip + 3]!;
          let p = ip + 7;
          for (let i = 0; i < nIn; i++, p++) {
            const w = code[p]!;
            m[HELPER_ARGS_W + 2 * i] = m[w]!; m[HELPER_ARGS_W + 2 * i + 1] = m[w + 1]!;
          }
          if (code[ip + 4] !== 0) { m[PC_W] = code[ip + 5]!; m[PC_W + 1] = code[ip + 6]!; }
          this.helpers.get(code[ip + 1]!).fn();
          m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
          for (let i = 0; i < nOut; i++, p += 2) {
            const w = code[p]!;
            m[w] = m[HELPER_RET_W + 2 * i]!;
            if (code[p + 1] !== 0) m[w + 1] = m[HELPER_RET_W + 2 * i + 1]!;
          }
          ip = p; break;
        }

        // --- control ----------------------------------------------------------
        case IOp.br: ip = code[ip + 1]!; break;
        case IOp.brcond_i32:
          ip = cond32(code[ip + 3]! as Cond, m[code[ip + 1]!]!, m[code[ip + 2]!]!) ? code[ip + 4]! : ip + 5; break;
        case IOp.brcond_i64: {
          const a = code[ip + 1]!, b = code[ip + 2]!;
          ip = cond64(code[ip + 3]! as Cond, m[a]!, m[a + 1]!, m[b]!, m[b + 1]!) ? code[ip + 4]! : ip + 5; break;
        }
        // TB ends: a [slot, pcLo, pcHi] exit stores the pc, then leaves the switch by its slot.
        case IOp.GOTO_TB_PC:
          slot = code[ip + 1]!; m[PC_W] = code[ip + 2]!; m[PC_W + 1] = code[ip + 3]!;
          break run;
        case IOp.BRTB64: {
          const a = code[ip + 1]!, b = code[ip + 2]!;
          const p = cond64(code[ip + 3]! as Cond, m[a]!, m[a + 1]!, m[b]!, m[b + 1]!) ? ip + 4 : ip + 7;
          slot = code[p]!; m[PC_W] = code[p + 1]!; m[PC_W + 1] = code[p + 2]!;
          break run;
        }
        case IOp.exit_tb: return code[ip + 1]!;
        case IOp.goto_ptr: slot = -1; break run;
        case IOp.goto_tb: slot = code[ip + 1]!; break run; // the TB stored the pc itself
        default:
          // Everything else is in rare(), out of this function: V8 compiles
          // (and after a deopt recompiles) this loop in one piece, and with
          // every op inline that took 200 ms of CPU per compile (Node 20,
          // loaded machine), several times per run.
          ip = this.rare(code, ip);
          m = mem.i32; u8 = mem.u8; i8 = mem.i8; u16 = mem.u16; i16 = mem.i16;
          break;
      }
      }
      // Continue in the next TB when it may run here (see the file comment),
      // inline rather than a method: a call from this loop was not inlined by
      // V8 and cost 10% of bench_sort (the live values are spilled around it).
      // A goto_tb follows the link its header remembers when that target may
      // still run here; otherwise chainSlow asks the TB object. goto_ptr
      // (slot -1) takes the TB the loop's jump cache holds for Cpu.PC.
      let to: number;
      if (slot >= 0) {
        to = code[entry + TbHeader.LINK0 + slot]!;
        if (to < 0 || code[to + TbHeader.RUNNABLE] === 0) to = this.chainSlow(code, entry, slot, m[PC_W]!, m[PC_W + 1]!);
        else if (code[to + TbHeader.COUNT] === this.hotThreshold) to = -1;
        if (to < 0 || this.budget <= 0 || m[EXIT_REQUEST_W] !== 0) return slot === 0 ? ExitCode.Chain0 : ExitCode.Chain1;
      } else {
        const lookup = this.indirectJumps;
        if (lookup === null || this.budget <= 0 || m[EXIT_REQUEST_W] !== 0) return ExitCode.Next;
        const next = lookup.lookupIndirect(m[PC_W]!, m[PC_W + 1]!, m[TB_FLAGS_W]!);
        if (next === null) return ExitCode.Next;
        to = next.interpEntry;
        if (to < 0 || code[to + TbHeader.RUNNABLE] === 0 || code[to + TbHeader.COUNT] === this.hotThreshold) return ExitCode.Next;
      }
      entry = to; ip = to;
    }
  }
}
