// The execution loop (QEMU's cpu_exec, in spirit): find or translate the TB
// at the current pc, run it in the tier the policy picks, chain direct jumps,
// and come back to the caller on exits, exceptions and the end of the slice.
//
// Exit codes of run():
//   - a TB's own code >= ExitCode.TargetBase (halt, wfi, ecall, ...);
//   - ExitCode.Requested: Cpu.EXIT_REQUEST was set (cleared here);
//   - EXIT_BUDGET: the slice's instruction budget is spent, at a TB boundary;
//   - EXIT_EXCEPTION: a guest exception was raised (by a TB, a helper, the slow
//     path, or an instruction fetch while translating). Cpu.EXCEPTION,
//     Cpu.EXCEPTION_VALUE and Cpu.PC are left for the caller (the target's
//     exception entry).
//
// Self-modifying code: a store into a host page holding TBs reaches the MMU's
// slow path, which calls back here; the page's TBs are invalidated and
// unlinked before the store lands. The TB doing the store finishes as
// translated (RISC-V requires fence.i before new code is guaranteed to run).

import { IRBuilder } from '../ir/builder.js';
import { IRFunction } from '../ir/ir.js';
import { ExitCode } from '../ir/ops.js';
import { printIR } from '../ir/print.js';
import { Cpu, CPU_BASE } from '../memory/layout.js';
import { LinearMemory } from '../memory/linear-memory.js';
import { RecordingCodeFetcher, SoftMmu } from '../memory/softmmu.js';
import { isGuestException } from './exception.js';
import { ExecLogger, hex64, LogFlag } from './log.js';
import { CodeFetcher, GuestTarget } from './target.js';
import { IrSource, TranslationBlock } from './tb.js';
import { estimateTbBytes, MISS, TbCache } from './tb-cache.js';
import { DecodingTier, DirectJumpLookup, IndirectJumpLookup, Snippet, SnippetMaker, Tier } from './tier.js';
import { HostPageFetcher } from './host-page-fetcher.js';
import { ColdTierPolicy, TierPolicy } from './tier-policy.js';
import { EXIT_REQUEST_W, PC_W, TB_FLAGS_W } from '../memory/words.js';

export const EXIT_EXCEPTION = -1;
export const EXIT_BUDGET = -2;

/**
 * Controls the interpreter tier exposes (src/backend/interp/interp-tier.ts).
 * A tier with a numeric `budget` takes each TB's icount from it as it enters
 * the TB (including the first) and stops chaining at zero; for a tier without
 * one the loop subtracts the entered TB's icount itself.
 */
export interface SliceBudget {
  budget: number;
}

export interface ColdTierControls {
  /** Set when the tier's constant pool or code space is nearly exhausted: the loop flushes the TB cache. */
  readonly codeSpaceFull?: boolean;
  /** tb was invalidated: the tier may drop what it holds for it before the next flush. */
  release?(tb: TranslationBlock): void;
  /**
   * Present (null) on a tier that can follow goto_ptr itself: the loop sets
   * it to itself when indirect chaining is on (ExecLoopOptions.indirectChaining).
   */
  indirectJumps?: IndirectJumpLookup | null;
  /** Unlinked jumps to another page go through indirectJumps (set when the loop never links across pages). */
  crossPageLookups?: boolean;
  /** TierPolicy.hotThreshold, for a cold tier that chains TBs itself. */
  hotThreshold?: number;
}

export interface ExecLoopOptions {
  mem: LinearMemory;
  mmu: SoftMmu;
  target: GuestTarget;
  /**
   * The cold tier (the IR interpreter): prepares every new TB, and runs it
   * unless the policy says otherwise. With `direct`, it runs snippets only.
   */
  tier: Tier & ColdTierControls;
  /**
   * A tier that runs guest code from its decoded form: every new TB is made
   * by decoding it there instead of translating it, and is translated when
   * the Wasm tier first compiles it (irFor). The default policy runs it.
   */
  direct?: DecodingTier;
  /** Which tier runs a TB; default: always the cold tier. */
  policy?: TierPolicy;
  /** The IR optimizer, run on every new TB before the tier sees it. */
  optimize?: (fn: IRFunction) => void;
  log?: ExecLogger;
  /** `-accel tcg,tb-size=N`: flush the TB cache when its estimated size exceeds N MiB. */
  tbSizeMiB?: number;
  /** Longest TB in guest instructions (QEMU's TCG_MAX_INSNS is 512). */
  maxInsnsPerTb?: number;
  /**
   * Let the cold tier follow indirect jumps (goto_ptr) through the jump cache
   * without returning here. Default: on when no policy is given (interpreter
   * only) or the policy has a hotThreshold (the cold tier then returns here
   * for hot TBs); off otherwise, as the policy must see every TB.
   */
  indirectChaining?: boolean;
  /**
   * Direct chaining across guest pages (default true). System mode turns it
   * off: page tables change under translated code (TbCache.link).
   */
  chainAcrossPages?: boolean;
}

/**
 * Default TB cache budget. QEMU sizes its code buffer at 1 GiB on 64-bit
 * hosts; ours lives on the JS heap, whose default old-space limit in Node is a
 * few GiB, so a quarter of a GiB leaves room for guest RAM and the rest.
 */
const DEFAULT_TB_SIZE_MIB = 256;
/** QEMU's TCG_MAX_INSNS: bounds translation latency and the IR of one TB. */
const DEFAULT_MAX_INSNS_PER_TB = 512;

export interface ExecStats {
  /** TBs made with IR (by the translator; with a direct tier, the snippets). */
  tbsTranslated: number;
  /** TBs made by decoding them in the direct tier. */
  tbsDecoded: number;
  /** Direct-tier TBs translated for the Wasm tier. */
  tbsTranslatedLate: number;
  /** TBs entered from the loop (chained TBs entered inside a tier are not counted here). */
  executions: number;
  /** Links made between TBs for direct jumps. */
  chainsLinked: number;
  guestExceptions: number;
  exitRequests: number;
}

const EXCEPTION_W = (CPU_BASE + Cpu.EXCEPTION) >> 2;

export class ExecLoop implements DirectJumpLookup, IrSource, SnippetMaker {
  readonly cache: TbCache;
  readonly stats: ExecStats = { tbsTranslated: 0, tbsDecoded: 0, tbsTranslatedLate: 0, executions: 0, chainsLinked: 0, guestExceptions: 0, exitRequests: 0 };
  readonly policy: TierPolicy;
  private readonly mem: LinearMemory;
  private readonly mmu: SoftMmu;
  private readonly target: GuestTarget;
  private readonly cold: Tier & ColdTierControls;
  private readonly direct: DecodingTier | undefined;
  private readonly optimize: ((fn: IRFunction) => void) | undefined;
  private readonly log: ExecLogger | undefined;
  private readonly logMask: number;
  private readonly maxInsns: number;

  constructor(options: ExecLoopOptions) {
    this.mem = options.mem;
    this.mmu = options.mmu;
    this.target = options.target;
    this.cold = options.tier;
    this.direct = options.direct;
    this.policy = options.policy ?? new ColdTierPolicy(options.direct ?? options.tier);
    this.optimize = options.optimize;
    this.log = options.log;
    this.logMask = options.log?.mask ?? 0;
    this.maxInsns = options.maxInsnsPerTb ?? DEFAULT_MAX_INSNS_PER_TB;
    const limit = (options.tbSizeMiB ?? DEFAULT_TB_SIZE_MIB) * 1024 * 1024;
    this.cache = new TbCache(this.mmu, limit, {
      onInvalidate: (tb) => {
        this.policy.onInvalidate(tb);
        this.cold.release?.(tb);
        this.direct?.release(tb);
      },
      onFlush: () => {
        this.cold.flush();
        this.direct?.flush();
        this.policy.onFlush();
      },
    }, options.chainAcrossPages ?? true);
    this.mmu.onCodeWrite = (hostPage) => this.invalidateHostPage(hostPage);
    const hot = options.policy?.hotThreshold;
    const indirect = options.indirectChaining ?? (options.policy === undefined || hot !== undefined);
    const crossPageLookups = !(options.chainAcrossPages ?? true);
    if ('hotThreshold' in this.cold && hot !== undefined) this.cold.hotThreshold = hot;
    if (indirect && 'indirectJumps' in this.cold) {
      this.cold.indirectJumps = this;
      if ('crossPageLookups' in this.cold) this.cold.crossPageLookups = crossPageLookups;
    }
    const direct = this.direct;
    if (direct !== undefined) {
      direct.snippets = this;
      if (hot !== undefined) direct.hotThreshold = hot;
      if (indirect) {
        direct.indirectJumps = this;
        direct.crossPageLookups = crossPageLookups;
      }
    }
  }

  // The tiers' lookups are the loop's own (the jump cache, a stale slot's mapping check, the hash
  // table): one that answered only from a current jump cache slot sent 142K goto_ptr jumps of the
  // Linux boot back through this loop only to be found here (72K in stale slots, 70K in the hash
  // table). `flags` is Cpu.TB_FLAGS, current: the loop stores it before each entry and every helper
  // that changes the flags stores them (system-helpers.ts).

  lookupIndirect(pcLo: number, pcHi: number, flags: number): TranslationBlock | null {
    return this.cache.lookup(pcLo, pcHi, flags, this.target.codeMmuIdx(flags));
  }

  lookupDirectEntry(pcLo: number, pcHi: number, flags: number): number {
    const entry = this.cache.lookupDirect(pcLo, pcHi, flags);
    if (entry !== MISS) return entry;
    const tb = this.lookupIndirect(pcLo, pcHi, flags);
    return tb === null ? MISS : tb.directEntry;
  }

  chainFrom(prev: TranslationBlock, slot: 0 | 1, pcLo: number, pcHi: number, flags: number): TranslationBlock | null {
    if (this.logMask & LogFlag.NOCHAIN) return null;
    const tb = this.lookupIndirect(pcLo, pcHi, flags);
    if (tb !== null && this.cache.link(prev, slot, tb)) this.stats.chainsLinked++;
    return tb;
  }

  /** Run until an exit (see the file comment); at most about budgetInsns guest instructions. */
  run(budgetInsns: number): number {
    const nochain = (this.logMask & LogFlag.NOCHAIN) !== 0;
    let remaining = budgetInsns;
    let prev: TranslationBlock | null = null;
    let prevSlot: 0 | 1 = 0;
    try {
      for (;;) {
        const m = this.mem.i32;
        if (m[EXIT_REQUEST_W] !== 0) {
          m[EXIT_REQUEST_W] = 0;
          this.stats.exitRequests++;
          return ExitCode.Requested;
        }
        if (remaining <= 0) return EXIT_BUDGET;
        const flags = this.target.tbFlags();
        const pcLo = m[PC_W]!, pcHi = m[PC_W + 1]!;
        // A chained exit through a linked slot: the link is the lookup, as when a tier follows it
        // itself (an interpreter -> Wasm or Wasm -> interpreter transition, most of the loop's entries).
        let tb = prev !== null ? prev.jumpTarget(prevSlot) : null;
        if (tb === null || !tb.valid || tb.flags !== flags || tb.pcLo !== pcLo || tb.pcHi !== pcHi) {
          tb = this.lookupIndirect(pcLo, pcHi, flags);
          if (tb === null) tb = this.translate(pcLo, pcHi, flags);
          // Translation may have flushed the cache or invalidated prev: link() re-checks both are valid.
          if (prev !== null && !nochain && this.cache.link(prev, prevSlot, tb)) this.stats.chainsLinked++;
        }
        prev = null;

        // The flags the tiers' lookups and the helpers see; a helper that changes them stores the new ones.
        m[TB_FLAGS_W] = flags;
        const tier = this.policy.tierFor(tb);
        if (this.logMask & (LogFlag.EXEC | LogFlag.CPU)) this.logEntry(tb);
        const budgeted = tier as Tier & Partial<SliceBudget>;
        const hasBudget = typeof budgeted.budget === 'number';
        if (hasBudget) budgeted.budget = remaining;
        this.stats.executions++;
        const code = tier.execute(tb);
        remaining = hasBudget ? budgeted.budget! : remaining - tb.icount;

        if (code === ExitCode.Chain0 || code === ExitCode.Chain1) {
          const last = tier.lastTb;
          if (last !== null && last.valid) {
            prev = last;
            prevSlot = code === ExitCode.Chain0 ? 0 : 1;
          }
        } else if (code === ExitCode.Requested) {
          this.mem.i32[EXIT_REQUEST_W] = 0;
          this.stats.exitRequests++;
          return ExitCode.Requested;
        } else if (code >= ExitCode.TargetBase) {
          return code;
        }
      }
    } catch (e) {
      if (!isGuestException(e)) throw e;
      this.stats.guestExceptions++;
      if (this.logMask & LogFlag.INT) this.logException();
      return EXIT_EXCEPTION;
    }
  }

  /** Drop every TB with code in hostPage (a write, an unmap, a page reused by user mode). */
  invalidateHostPage(hostPage: number): number {
    return this.cache.invalidatePage(hostPage);
  }

  /** Drop every TB (fence.i with a big hammer, tb-size reached, tests). */
  flushAll(): void {
    this.cache.flush();
  }

  /**
   * Make the TB at (pcLo, pcHi) under flags, by decoding it in the direct
   * tier or translating it, and add it to the cache. Throws GUEST_EXCEPTION
   * on a fetch fault.
   */
  private translate(pcLo: number, pcHi: number, flags: number): TranslationBlock {
    // Flush before translating rather than after, so the TB made now survives.
    if (this.cache.overBudget()) this.cache.flush();
    const target = this.target;
    const codeMmuIdx = target.codeMmuIdx(flags);
    const fetcher = this.mmu.codeFetcher(codeMmuIdx);
    if (this.direct !== undefined) return this.decode(pcLo, pcHi, flags, fetcher, codeMmuIdx);
    const fn = new IRFunction(target.globals, target.helpers);
    const result = target.translate(new IRBuilder(fn), pcLo, pcHi, flags, fetcher, this.maxInsns);
    if (this.logMask & LogFlag.IN_ASM) this.logGuestCode(pcLo, pcHi, result.size, codeMmuIdx);
    this.optimizeLogged(fn);
    const tb = new TranslationBlock(pcLo | 0, pcHi | 0, flags, result.icount, result.size, fetcher.hostPages.slice(), fn);
    this.cold.prepare(tb);
    if (this.cold.codeSpaceFull) {
      // The pool has room for this TB but maybe not the next: start over with an empty one.
      this.cache.flush();
      this.cold.prepare(tb);
    }
    // Most TBs never get hot: their IR waits for the Wasm tier as one typed array (frozen.ts).
    tb.freezeIr();
    const bytes = estimateTbBytes(tb);
    this.cache.insert(tb, bytes);
    this.stats.tbsTranslated++;
    if (this.logMask & LogFlag.TB_STATS) {
      this.log!.sink(`TB ${hex64(pcLo, pcHi)} flags=0x${(flags >>> 0).toString(16)} insns=${result.icount} bytes=${result.size} ops=${fn.ops.length} size~${bytes}`);
    }
    return tb;
  }

  /** translate() with a direct tier: the TB is decoded there, and has no IR until irFor. */
  private decode(pcLo: number, pcHi: number, flags: number, fetcher: RecordingCodeFetcher, codeMmuIdx: number): TranslationBlock {
    const direct = this.direct!;
    // Snippets take room in the cold tier's code space too.
    if (direct.codeSpaceFull || this.cold.codeSpaceFull) this.cache.flush();
    const { icount, size } = direct.decode(pcLo, pcHi, flags, fetcher, this.maxInsns);
    if (this.logMask & LogFlag.IN_ASM) this.logGuestCode(pcLo, pcHi, size, codeMmuIdx);
    const tb = new TranslationBlock(pcLo | 0, pcHi | 0, flags, icount, size, fetcher.hostPages.slice(), null);
    tb.irSource = this;
    direct.adopt(tb);
    const bytes = estimateTbBytes(tb);
    this.cache.insert(tb, bytes);
    this.stats.tbsDecoded++;
    if (this.logMask & LogFlag.TB_STATS) {
      this.log!.sink(`TB ${hex64(pcLo, pcHi)} flags=0x${(flags >>> 0).toString(16)} insns=${icount} bytes=${size} decoded size~${bytes}`);
    }
    return tb;
  }

  /**
   * The IR of a TB the direct tier made (IrSource), for the Wasm tier:
   * translated from the guest bytes in its host pages, which cannot have
   * changed while it is valid (a write to them invalidates it), and no
   * longer than the block, so it covers the same instructions.
   */
  irFor(tb: TranslationBlock): IRFunction {
    const fn = new IRFunction(this.target.globals, this.target.helpers);
    const fetch = new HostPageFetcher(this.mem, tb);
    const result = this.target.translate(new IRBuilder(fn), tb.pcLo, tb.pcHi, tb.flags, fetch, tb.icount);
    if (result.icount !== tb.icount || result.size !== tb.size) {
      throw new Error(`TB ${hex64(tb.pcLo, tb.pcHi)}: translated ${result.icount} instructions (${result.size} bytes) where the block has ${tb.icount} (${tb.size})`);
    }
    this.optimizeLogged(fn);
    this.stats.tbsTranslatedLate++;
    return fn;
  }

  /** A one-instruction TB for the IR interpreter, run by the direct tier in the instruction's place (SnippetMaker). */
  snippet(pcLo: number, pcHi: number, flags: number, fetch: CodeFetcher): Snippet {
    const fn = new IRFunction(this.target.globals, this.target.helpers);
    const result = this.target.translate(new IRBuilder(fn), pcLo, pcHi, flags, fetch, 1);
    this.optimizeLogged(fn);
    // Not in the cache, and icount 0: the block it belongs to is, and counts it.
    const tb = new TranslationBlock(pcLo | 0, pcHi | 0, flags, 0, result.size, [], fn);
    this.cold.prepare(tb);
    tb.ir = null;
    this.stats.tbsTranslated++;
    return { tb, endsBlock: result.endsTb };
  }

  /** Run the optimizer on fn, logging it before and after for -d op, op_opt. */
  private optimizeLogged(fn: IRFunction): void {
    if (this.logMask & LogFlag.OP) this.log!.sink(`OP:\n${printIR(fn)}`);
    if (this.optimize) {
      this.optimize(fn);
      if (this.logMask & LogFlag.OP_OPT) this.log!.sink(`OP after optimization:\n${printIR(fn)}`);
    }
  }

  private logGuestCode(pcLo: number, pcHi: number, size: number, codeMmuIdx: number): void {
    const fetcher = this.mmu.codeFetcher(codeMmuIdx);
    const lines = ['----------------', 'IN: '];
    const start = (BigInt(pcHi >>> 0) << 32n) | BigInt(pcLo >>> 0);
    for (let off = 0n; off < BigInt(size);) {
      const pc = BigInt.asUintN(64, start + off);
      const { text, length } = this.target.disassemble(pc, fetcher);
      const lo = Number(pc & 0xffffffffn), hi = Number(pc >> 32n);
      let bytes = '';
      for (let i = length - 2; i >= 0; i -= 2) {
        const at = BigInt.asUintN(64, pc + BigInt(i));
        bytes += fetcher.fetch16(Number(at & 0xffffffffn), Number(at >> 32n)).toString(16).padStart(4, '0');
      }
      lines.push(`${hex64(lo, hi)}:  ${bytes.padEnd(16)}  ${text}`);
      off += BigInt(Math.max(length, 2));
    }
    this.log!.sink(lines.join('\n') + '\n');
  }

  private logEntry(tb: TranslationBlock): void {
    const log = this.log!;
    if (this.logMask & LogFlag.EXEC) {
      log.sink(`Trace: [${hex64(tb.pcLo, tb.pcHi)}/${(tb.flags >>> 0).toString(16).padStart(8, '0')}] icount=${tb.icount}`);
    }
    if (this.logMask & LogFlag.CPU && log.dumpCpu) log.sink(log.dumpCpu());
  }

  private logException(): void {
    const m = this.mem.i32;
    const value = this.mem.readU64(CPU_BASE + Cpu.EXCEPTION_VALUE);
    this.log!.sink(`Exception ${m[EXCEPTION_W]} at pc=${hex64(m[PC_W]!, m[PC_W + 1]!)} value=0x${value.toString(16)}`);
  }
}
