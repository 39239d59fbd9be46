// IR -> Wasm for one translation block, emitted into its own function of the
// module (module-builder.ts), which owns the locals, the jumps to the
// module's other TBs and the ways out; the TB code reaches them through a
// RegionFrame.
//
// Like the interpreter, entering a TB takes its icount from the slice budget
// (a parameter passed from TB to TB) and counts it as retired;
// Cpu.INSN_COUNT is brought up to date lazily, before anything that may read
// it (helpers) and when the module returns.
//
// Temps: TB locals become Wasm locals, constants become immediates, globals
// are either read and written in the linear memory at CPU_BASE + offset on
// every use, or (cacheGlobals) kept in locals while the TB runs and written
// back at sync points and when it is left (global-cache.ts).
//
// Labels: branches only go forward, so every label is the end of a `block`.
// All blocks are opened at the TB start, the label set last outermost;
// set_label closes the innermost one, and a branch to label L breaks out of
// as many blocks as there are labels set before L still open.

import { IRFunction, Op as IROp } from '../../ir/ir.js';
import { ExitCode, OP_DEFS, Opc } from '../../ir/ops.js';
import { Cond, Temp, TempKind, Type } from '../../ir/types.js';
import { HelperFlag } from '../../exec/helpers.js';
import { Cpu, CPU_BASE } from '../../memory/layout.js';
import { emitAddSub2, emitDeposit, emitDivRem, emitExtract, emitMul2, pushConst } from './emit-bits.js';
import { EmitContext, valType } from './emit-context.js';
import { emitGuestLoad, emitGuestStore, emitHostLoad, emitHostStore, GuestMemoryFns } from './emit-memory.js';
import { EXIT_GOTO_PTR } from './dispatcher.js';
import { CodeWriter } from './encoder.js';
import { Op, ValType } from './opcodes.js';
import { emitSimpleOp } from './emit-simple.js';
import { GlobalCache } from './global-cache.js';

/** Where a goto_tb may continue inside the module. */
export interface ChainTarget {
  /** Module-local TB index. */
  readonly index: number;
  /** Wasm global (i32) that is non-zero while that TB is valid. */
  readonly validGlobal: number;
  /** System mode, a target on another page: taken only while the code TLB maps it as at translation. */
  readonly mapping?: MappingCheck;
}

/** A code TLB entry (linear-memory offset) that must hold this tag and addend (module-builder.ts). */
export interface MappingCheck {
  readonly tlbEntry: number;
  readonly tagLo: number;
  readonly tagHi: number;
  readonly addend: number;
}

/** What the module gives the code generator of one TB. */
export interface TbModuleEnv {
  /** The TB's function in the module. */
  readonly frame: RegionFrame;
  /** The module's slow-path functions (emit-memory.ts: GuestMemoryFns). */
  readonly slowLoad: number;
  readonly slowStore: number;
  /** Function index of the import for helper id. */
  helperFunc(helperId: number): number;
  /** The TB of this module starting at the pc (lo, hi) with the same flags, if any. */
  chainTarget(pcLo: number, pcHi: number): ChainTarget | null;
  /** True if the dispatcher looks goto_ptr targets up among the module's TBs. */
  readonly gotoPtrLookup: boolean;
}

/**
 * The TB's function as its code sees it. `depth` arguments
 * are the number of blocks the TB code has open at that point (its labels
 * and any structured code of the current op); the frame adds its own.
 */
export interface RegionFrame {
  readonly w: CodeWriter;
  /** A new local of the TB's function. */
  newLocal(t: ValType): number;
  /** The globals cached in locals, or null when globals live in memory. */
  readonly cache: GlobalCache | null;
  /** TB entry: take icount from the budget. */
  enterTb(icount: number): void;
  /** Before a helper call or the memory slow path: guest state and Cpu.INSN_COUNT to memory. */
  sync(writeBackGlobals: boolean): void;
  /** Leave the module with ExitCode code. */
  exit(code: number, depth: number): void;
  /** With a slow path's result (i32) on the stack: leave the module with EXIT_RAISED if it is not 0. */
  leaveIfRaised(depth: number): void;
  /** goto_tb through slot to a TB of this module, while it is valid and the slice lasts. */
  chain(target: ChainTarget, slot: number, depth: number): void;
  /** goto_ptr: look Cpu.PC up among the module's TBs (ExitCode.Next on a miss). */
  gotoPtr(depth: number): void;
}

export interface CodegenOptions {
  /** Keep guest globals in Wasm locals within the TB (global-cache.ts). */
  readonly cacheGlobals: boolean;
}

/**
 * Globals cached in locals (per TB: global-cache.ts). Measured on whole
 * guest programs when they were cached across the region function (node 20,
 * shared 2-core machine under load, min user time of interleaved runs):
 * bench_sha256 200: 1.67 s cached vs 1.98 s in memory (3 runs each);
 * bench_sort 40: 3.12 vs 3.03 s, bench_sieve 10: 3.13 vs 3.04 s (2 runs
 * each, within the noise: short TBs, few registers live).
 */
export const DEFAULT_CODEGEN_OPTIONS: CodegenOptions = { cacheGlobals: true };

export interface TbSource {
  readonly ir: IRFunction;
  readonly pcLo: number;
  readonly pcHi: number;
  readonly icount: number;
}

/**
 * Emit one TB's IR into env.frame.w, as code that never falls through: every
 * path ends in a frame exit or chain (or traps).
 */
export function genTbCode(tb: TbSource, env: TbModuleEnv): void {
  new TbCodegen(tb, env).run();
}

const pcBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

class TbCodegen implements EmitContext {
  readonly w: CodeWriter;
  private readonly tempLocal: number[];
  /** Scratch locals by (type << 8) | n (n is small: emit-context.ts). */
  private readonly scratches = new Map<number, number>();
  private readonly ir: IRFunction;
  /** Labels not yet set, innermost block last. */
  private readonly openLabels: number[] = [];
  /** Extra block depth of structured code emitted inside the current op. */
  private nesting = 0;
  /** pc of the current guest instruction (from the last insn_start). */
  private curPc: bigint;
  /** The constant last stored into Cpu.PC on this path, if known: the goto_tb target. */
  private pcConst: bigint | null = null;
  private readonly memFns: GuestMemoryFns;
  private readonly cache: GlobalCache | null;
  private readonly hasCalls: boolean;

  private readonly frame: RegionFrame;

  constructor(private readonly tb: TbSource, private readonly env: TbModuleEnv) {
    this.frame = env.frame;
    this.w = env.frame.w;
    this.ir = tb.ir;
    this.tempLocal = new Array(this.ir.temps.length).fill(-1);
    this.curPc = pcBig(tb.pcLo, tb.pcHi);
    // The memory slow path reads no guest state; when it raises, it has stored the pc and
    // the region's exit writes the cached registers back (emit-memory.ts). Cpu.PC is
    // stored only on the way out, so pcConst still holds on the path that goes on.
    this.memFns = {
      slowLoad: env.slowLoad, slowStore: env.slowStore,
      pushPc: () => void this.w.i64Const(this.curPc),
      leaveIfRaised: (extraDepth) => this.frame.leaveIfRaised(this.depth() + extraDepth),
    };
    this.hasCalls = this.ir.ops.some((op) => op.opc === Opc.call);
    this.cache = this.frame.cache;
  }

  run(): void {
    const setOrder: number[] = [];
    for (const op of this.ir.ops) if (op.opc === Opc.set_label) setOrder.push(op.args[0]!);
    for (let i = setOrder.length - 1; i >= 0; i--) {
      this.openLabels.push(setOrder[i]!);
      this.w.block();
    }
    this.frame.enterTb(this.tb.icount);
    for (const op of this.ir.ops) this.genOp(op);
    if (this.openLabels.length !== 0) throw new Error('wasm codegen: labels left open');
    // Translators end every path with a TB exit; reaching here is a bug, so trap loudly.
    this.w.op(Op.unreachable);
  }

  // --- EmitContext ------------------------------------------------------------

  get(t: Temp): void {
    switch (t.kind) {
      case TempKind.Const:
        pushConst(this, t.type, t.value);
        return;
      case TempKind.Local:
        this.w.localGet(this.localOf(t));
        return;
      case TempKind.Global:
        if (this.cache && this.cache.local(t) >= 0) {
          this.w.localGet(this.cache.local(t));
          return;
        }
        this.w.i32Const(0).mem(t.type === Type.I32 ? Op.i32_load : Op.i64_load, t.type === Type.I32 ? 2 : 3, CPU_BASE + t.offset);
        return;
    }
  }

  def(d: Temp, value: () => void): void {
    if (d.kind === TempKind.Local) {
      value();
      this.w.localSet(this.localOf(d));
      return;
    }
    if (d.kind !== TempKind.Global) throw new Error(`wasm codegen: write to constant ${d.name}`);
    if (this.cache && this.cache.local(d) >= 0) {
      value();
      this.w.localSet(this.cache.local(d));
      return;
    }
    this.w.i32Const(0);
    value();
    this.w.mem(d.type === Type.I32 ? Op.i32_store : Op.i64_store, d.type === Type.I32 ? 2 : 3, CPU_BASE + d.offset);
    if (this.overlapsPc(d.offset, d.type === Type.I32 ? 4 : 8)) this.pcConst = null;
  }

  scratch(type: ValType, n: number): number {
    const key = (type << 8) | n;
    let idx = this.scratches.get(key);
    if (idx === undefined) {
      idx = this.frame.newLocal(type);
      this.scratches.set(key, idx);
    }
    return idx;
  }

  // --- helpers ------------------------------------------------------------------

  private localOf(t: Temp): number {
    let idx = this.tempLocal[t.index]!;
    if (idx < 0) {
      idx = this.frame.newLocal(valType(t.type));
      this.tempLocal[t.index] = idx;
    }
    return idx;
  }

  private overlapsPc(offset: number, size: number): boolean {
    return offset < Cpu.PC + 8 && offset + size > Cpu.PC;
  }

  private storePc(): void {
    this.emitPcStore();
    // Cpu.PC may now hold either value, depending on the path taken at run time.
    this.pcConst = null;
  }

  private emitPcStore(): void {
    this.w.i32Const(0).i64Const(this.curPc).mem(Op.i64_store, 3, CPU_BASE + Cpu.PC);
  }

  private temp(op: IROp, i: number): Temp {
    return this.ir.temp(op.args[i]!);
  }

  /** Push the i32 truth of (a cond b). */
  private cond(c: Cond, a: Temp, b: Temp): void {
    if (c === Cond.Never || c === Cond.Always) {
      this.w.i32Const(c === Cond.Always ? 1 : 0);
      return;
    }
    this.get(a);
    this.get(b);
    this.w.op(compareOp(c, a.type));
  }

  private labelDepth(label: number): number {
    const pos = this.openLabels.lastIndexOf(label);
    if (pos < 0) throw new Error(`wasm codegen: branch to label ${label} that is not ahead`);
    return this.nesting + (this.openLabels.length - 1 - pos);
  }

  /** Blocks the TB code has open here (for the frame's branch depths). */
  private depth(): number {
    return this.openLabels.length + this.nesting;
  }

  // --- ops ------------------------------------------------------------------------

  private genOp(op: IROp): void {
    const a = op.args;
    switch (op.opc) {
      case Opc.insn_start:
        this.curPc = pcBig(a[0]!, a[1]!);
        return;
      case Opc.mb:
        return; // one vCPU thread: nothing to order
      case Opc.mov_i32: case Opc.mov_i64: {
        const d = this.temp(op, 0), s = this.temp(op, 1);
        this.def(d, () => this.get(s));
        if (d.kind === TempKind.Global && d.offset === Cpu.PC && d.type === Type.I64 && s.kind === TempKind.Const) {
          this.pcConst = s.value;
        }
        return;
      }
      case Opc.set_label: {
        const top = this.openLabels.pop();
        if (top !== a[0]) throw new Error('wasm codegen: labels out of order');
        this.w.end();
        this.pcConst = null;
        return;
      }
      case Opc.br:
        this.w.br(this.labelDepth(a[0]!));
        return;
      case Opc.brcond_i32: case Opc.brcond_i64: {
        const c = a[2]! as Cond;
        if (c === Cond.Never) return;
        if (c === Cond.Always) {
          this.w.br(this.labelDepth(a[3]!));
          return;
        }
        this.cond(c, this.temp(op, 0), this.temp(op, 1));
        this.w.brIf(this.labelDepth(a[3]!));
        return;
      }
      case Opc.setcond_i32: case Opc.setcond_i64:
      case Opc.negsetcond_i32: case Opc.negsetcond_i64: {
        const d = this.temp(op, 0);
        const neg = op.opc === Opc.negsetcond_i32 || op.opc === Opc.negsetcond_i64;
        this.def(d, () => {
          if (neg) pushConst(this, d.type, 0n);
          this.cond(a[3]! as Cond, this.temp(op, 1), this.temp(op, 2));
          if (d.type === Type.I64) this.w.op(Op.i64_extend_i32_u);
          if (neg) this.w.op(d.type === Type.I64 ? Op.i64_sub : Op.i32_sub);
        });
        return;
      }
      case Opc.movcond_i32: case Opc.movcond_i64: {
        const d = this.temp(op, 0);
        this.def(d, () => {
          this.get(this.temp(op, 3));
          this.get(this.temp(op, 4));
          this.cond(a[5]! as Cond, this.temp(op, 1), this.temp(op, 2));
          this.w.select();
        });
        return;
      }
      case Opc.div_i32: case Opc.div_i64:
        return emitDivRem(this, this.temp(op, 0), this.temp(op, 1), this.temp(op, 2), 'div');
      case Opc.divu_i32: case Opc.divu_i64:
        return emitDivRem(this, this.temp(op, 0), this.temp(op, 1), this.temp(op, 2), 'divu');
      case Opc.rem_i32: case Opc.rem_i64:
        return emitDivRem(this, this.temp(op, 0), this.temp(op, 1), this.temp(op, 2), 'rem');
      case Opc.remu_i32: case Opc.remu_i64:
        return emitDivRem(this, this.temp(op, 0), this.temp(op, 1), this.temp(op, 2), 'remu');
      case Opc.add2_i32: case Opc.add2_i64: case Opc.sub2_i32: case Opc.sub2_i64:
        return emitAddSub2(this, this.temp(op, 0), this.temp(op, 1), this.temp(op, 2), this.temp(op, 3),
          this.temp(op, 4), this.temp(op, 5), op.opc === Opc.sub2_i32 || op.opc === Opc.sub2_i64);
      case Opc.mulu2_i32: case Opc.mulu2_i64: case Opc.muls2_i32: case Opc.muls2_i64:
        return emitMul2(this, this.temp(op, 0), this.temp(op, 1), this.temp(op, 2), this.temp(op, 3),
          op.opc === Opc.muls2_i32 || op.opc === Opc.muls2_i64);
      case Opc.deposit_i32: case Opc.deposit_i64:
        return emitDeposit(this, this.temp(op, 0), this.temp(op, 1), this.temp(op, 2), a[3]!, a[4]!);
      case Opc.extract_i32: case Opc.extract_i64:
        return emitExtract(this, this.temp(op, 0), this.temp(op, 1), a[2]!, a[3]!, false);
      case Opc.sextract_i32: case Opc.sextract_i64:
        return emitExtract(this, this.temp(op, 0), this.temp(op, 1), a[2]!, a[3]!, true);
      case Opc.ld_i32: case Opc.ld_i64:
        if (this.cache?.anyOverlaps(a[1]!, 8)) this.cache.writeBack();
        emitHostLoad(this, this.temp(op, 0), a[1]!, a[2]!);
        return;
      case Opc.st_i32: case Opc.st_i64:
        emitHostStore(this, this.temp(op, 0), a[1]!, a[2]!);
        this.cache?.reloadOverlapping(a[1]!, 8);
        if (this.overlapsPc(a[1]!, 8)) this.pcConst = null;
        return;
      case Opc.qemu_ld_i32: case Opc.qemu_ld_i64:
        return emitGuestLoad(this, this.memFns, this.temp(op, 0), this.temp(op, 1), a[2]!, a[3]!);
      case Opc.qemu_st_i32: case Opc.qemu_st_i64:
        return emitGuestStore(this, this.memFns, this.temp(op, 0), this.temp(op, 1), a[2]!, a[3]!);
      case Opc.call:
        return this.genCall(op);
      case Opc.exit_tb:
        this.frame.exit(a[0]!, this.depth());
        return;
      case Opc.goto_ptr:
        // Only a TB without helper calls is sure to leave the TB flags (privilege, ...) as they were
        // at its entry, which the module's lookup (pc alone) assumes. The dispatcher compares the
        // target's flags with Cpu.TB_FLAGS, which a helper that changes them keeps current.
        if (this.env.gotoPtrLookup && !this.hasCalls) this.frame.gotoPtr(this.depth());
        else this.frame.exit(EXIT_GOTO_PTR, this.depth());
        return;
      case Opc.goto_tb:
        return this.genGotoTb(a[0]!);
      default:
        if (emitSimpleOp(this, op.opc, this.temp(op, 0), this.temp(op, 1), OP_DEFS[op.opc]!.nIn > 1 ? this.temp(op, 2) : null)) return;
        throw new Error(`wasm codegen: no code for ${OP_DEFS[op.opc]!.name}`);
    }
  }

  private genCall(op: IROp): void {
    const a = op.args;
    const helperId = a[a.length - 1]!;
    const sig = this.ir.helpers.sig(helperId);
    const nOut = sig.ret.length, nIn = sig.args.length;
    for (let i = 0; i < nIn; i++) {
      const t = this.ir.temp(a[nOut + i]!);
      this.w.i32Const(0);
      this.get(t);
      this.w.mem(t.type === Type.I32 ? Op.i32_store : Op.i64_store, t.type === Type.I32 ? 2 : 3, CPU_BASE + Cpu.HELPER_ARGS + 8 * i);
    }
    // Helpers may read Cpu.INSN_COUNT (instret, cycle): the frame syncs it before every call.
    // A helper that writes globals is followed by a reload of all cached ones, so pending writes go first.
    const writesGlobals = !(sig.flags & HelperFlag.NO_WRITE_GLOBALS);
    this.frame.sync(!(sig.flags & HelperFlag.NO_READ_GLOBALS) || (sig.flags & HelperFlag.MAY_RAISE) !== 0 || writesGlobals);
    if (sig.flags & HelperFlag.MAY_RAISE) this.storePc();
    this.w.call(this.env.helperFunc(helperId));
    if (writesGlobals) {
      this.pcConst = null;
      this.cache?.loadAll();
    }
    for (let j = 0; j < nOut; j++) {
      const d = this.ir.temp(a[j]!);
      this.def(d, () => {
        this.w.i32Const(0).mem(d.type === Type.I32 ? Op.i32_load : Op.i64_load, d.type === Type.I32 ? 2 : 3, CPU_BASE + Cpu.HELPER_RET + 8 * j);
      });
    }
  }

  /**
   * Leave the TB through slot `slot`. If the translator stored a constant pc
   * just before and that TB is in this module, continue there while its
   * valid flag is set; otherwise return Chain0/Chain1 to the loop.
   */
  private genGotoTb(slot: number): void {
    const pc = this.pcConst;
    const target = pc === null ? null : this.env.chainTarget(Number(pc & 0xffffffffn) | 0, Number(pc >> 32n) | 0);
    if (target) this.frame.chain(target, slot, this.depth());
    this.frame.exit(slot === 0 ? ExitCode.Chain0 : ExitCode.Chain1, this.depth());
  }
}

function compareOp(c: Cond, t: Type): Op {
  const w64 = t === Type.I64;
  switch (c) {
    case Cond.EQ: return w64 ? Op.i64_eq : Op.i32_eq;
    case Cond.NE: return w64 ? Op.i64_ne : Op.i32_ne;
    case Cond.LT: return w64 ? Op.i64_lt_s : Op.i32_lt_s;
    case Cond.GE: return w64 ? Op.i64_ge_s : Op.i32_ge_s;
    case Cond.LE: return w64 ? Op.i64_le_s : Op.i32_le_s;
    case Cond.GT: return w64 ? Op.i64_gt_s : Op.i32_gt_s;
    case Cond.LTU: return w64 ? Op.i64_lt_u : Op.i32_lt_u;
    case Cond.GEU: return w64 ? Op.i64_ge_u : Op.i32_ge_u;
    case Cond.LEU: return w64 ? Op.i64_le_u : Op.i32_le_u;
    case Cond.GTU: return w64 ? Op.i64_gt_u : Op.i32_gt_u;
    default: throw new Error(`wasm codegen: no compare for cond ${c}`);
  }
}
