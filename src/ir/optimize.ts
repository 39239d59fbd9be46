// The TB optimizer (QEMU's optimize.c, in spirit), in place:
//   1. a forward pass: copy and constant propagation into inputs, constant
//      folding through evalOp (fold.ts), algebraic identities, brcond with a
//      known outcome becomes br or disappears, unreachable ops after br and
//      TB exits are dropped;
//   2. a backward pass: dead-code elimination by liveness.
//
// What may be assumed where:
//   - knowledge (constants, copies) is dropped at every label: a label joins
//     paths the forward pass has not followed;
//   - globals are live at every TB exit and before anything that may read
//     them: helpers without NO_READ_GLOBALS, anything that may raise (a fault
//     must see precise state: qemu_ld/st, raising helpers) and host ld;
//     helpers without NO_WRITE_GLOBALS and host st invalidate what the forward
//     pass knows about globals;
//   - locals die at TB exits. Branches only go forward, so one backward pass
//     with the live set saved at each label is exact.

import { evalOp } from './fold.js';
import { evalCondPair, FOLD_HI, FOLD_LO, foldPair } from './fold-fast.js';
import { IRFunction, IRTemp, Op } from './ir.js';
import { OP_DEFS, Opc, OpFlag } from './ops.js';
import { Cond, TempKind, Type } from './types.js';

/** HelperFlag values (src/exec/helpers.ts), repeated so ir/ does not import exec/. */
const NO_READ_GLOBALS = 1 << 0, NO_WRITE_GLOBALS = 1 << 1, NO_SIDE_EFFECTS = 1 << 2, HELPER_MAY_RAISE = 1 << 3;

function widthOf(t: Type): 32 | 64 {
  return t === Type.I32 ? 32 : 64;
}

/** The op families foldIdentity knows, by opcode (computed once, not per op). */
const enum Fam { None, Add, Sub, And, Or, Xor, Mul, Shift, Andc }

const FAMILY: Uint8Array = (() => {
  const f = new Uint8Array(OP_DEFS.length);
  const byBase: Record<string, Fam> = {
    add: Fam.Add, sub: Fam.Sub, and: Fam.And, or: Fam.Or, xor: Fam.Xor, mul: Fam.Mul,
    shl: Fam.Shift, shr: Fam.Shift, sar: Fam.Shift, rotl: Fam.Shift, rotr: Fam.Shift, andc: Fam.Andc,
  };
  for (const def of OP_DEFS) {
    const m = /^(.*)_i(32|64)$/.exec(def.name);
    if (m !== null && def.nOut === 1 && def.nIn === 2) f[def.opc] = byBase[m[1]!] ?? Fam.None;
  }
  return f;
})();

/**
 * Per-temp scratch arrays, kept across TBs: a TB has ~100 temps, and typed
 * arrays that size are allocated outside the JS heap, which costs more than
 * the pass itself. Callers fill the part they use.
 */
let scratchI32 = new Int32Array(1024);
let scratchU8 = new Uint8Array(1024);
let scratchLive = new Uint8Array(1024);

function ensureScratch(n: number): void {
  if (n <= scratchI32.length) return;
  let size = scratchI32.length;
  while (size < n) size *= 2;
  scratchI32 = new Int32Array(size);
  scratchU8 = new Uint8Array(size);
  scratchLive = new Uint8Array(size);
}

/** What the forward pass does with an opcode (see foldFamily). */
const enum Fold { Mov, Movcond, Value, Keep, HostStore, Call, Brcond, End }

/**
 * One fold per op family, over every opcode (the compiler checks the switch
 * is exhaustive). Evaluated once per opcode into FOLD_OF: a switch over
 * `Opc` members compiles to a chain of compares, a switch over FOLD_OF's
 * small literals to a jump table.
 */
function foldOf(opc: Opc): Fold {
  switch (opc) {
    case Opc.mov_i32: case Opc.mov_i64:
      return Fold.Mov;
    case Opc.movcond_i32: case Opc.movcond_i64:
      return Fold.Movcond;
    case Opc.setcond_i32: case Opc.setcond_i64: case Opc.negsetcond_i32: case Opc.negsetcond_i64:
    case Opc.add_i32: case Opc.add_i64: case Opc.sub_i32: case Opc.sub_i64:
    case Opc.mul_i32: case Opc.mul_i64: case Opc.neg_i32: case Opc.neg_i64:
    case Opc.div_i32: case Opc.div_i64: case Opc.divu_i32: case Opc.divu_i64:
    case Opc.rem_i32: case Opc.rem_i64: case Opc.remu_i32: case Opc.remu_i64:
    case Opc.add2_i32: case Opc.add2_i64: case Opc.sub2_i32: case Opc.sub2_i64:
    case Opc.mulu2_i32: case Opc.mulu2_i64: case Opc.muls2_i32: case Opc.muls2_i64:
    case Opc.and_i32: case Opc.and_i64: case Opc.or_i32: case Opc.or_i64:
    case Opc.xor_i32: case Opc.xor_i64: case Opc.andc_i32: case Opc.andc_i64:
    case Opc.orc_i32: case Opc.orc_i64: case Opc.eqv_i32: case Opc.eqv_i64:
    case Opc.nand_i32: case Opc.nand_i64: case Opc.nor_i32: case Opc.nor_i64:
    case Opc.not_i32: case Opc.not_i64:
    case Opc.shl_i32: case Opc.shl_i64: case Opc.shr_i32: case Opc.shr_i64:
    case Opc.sar_i32: case Opc.sar_i64: case Opc.rotl_i32: case Opc.rotl_i64:
    case Opc.rotr_i32: case Opc.rotr_i64:
    case Opc.clz_i32: case Opc.clz_i64: case Opc.ctz_i32: case Opc.ctz_i64:
    case Opc.ctpop_i32: case Opc.ctpop_i64:
    case Opc.deposit_i32: case Opc.deposit_i64: case Opc.extract_i32: case Opc.extract_i64:
    case Opc.sextract_i32: case Opc.sextract_i64:
    case Opc.ext8s_i32: case Opc.ext8s_i64: case Opc.ext8u_i32: case Opc.ext8u_i64:
    case Opc.ext16s_i32: case Opc.ext16s_i64: case Opc.ext16u_i32: case Opc.ext16u_i64:
    case Opc.ext32s_i64: case Opc.ext32u_i64: case Opc.ext_i32_i64: case Opc.extu_i32_i64:
    case Opc.extrl_i64_i32: case Opc.extrh_i64_i32:
    case Opc.bswap16_i32: case Opc.bswap16_i64: case Opc.bswap32_i32: case Opc.bswap32_i64:
    case Opc.bswap64_i64:
      return Fold.Value;
    case Opc.ld_i32: case Opc.ld_i64:
    case Opc.qemu_ld_i32: case Opc.qemu_ld_i64: case Opc.qemu_st_i32: case Opc.qemu_st_i64:
    case Opc.set_label: case Opc.insn_start: case Opc.mb:
      return Fold.Keep;
    case Opc.st_i32: case Opc.st_i64:
      return Fold.HostStore;
    case Opc.call:
      return Fold.Call;
    case Opc.brcond_i32: case Opc.brcond_i64:
      return Fold.Brcond;
    case Opc.br: case Opc.exit_tb: case Opc.goto_tb: case Opc.goto_ptr:
      return Fold.End;
    default: {
      const unhandled: never = opc;
      throw new Error(`optimize: no fold for opcode ${unhandled}`);
    }
  }
}

const FOLD_OF: Uint8Array = Uint8Array.from(OP_DEFS, (def) => foldOf(def.opc));

class ForwardPass {
  /** copyOf[t]: a temp holding the same value as t (its representative), or -1. */
  private readonly copyOf: Int32Array;
  /** isCopySource[t]: some temp may be recorded as a copy of t (so writing t must scan). */
  private readonly isCopySource: Uint8Array;
  private readonly out: Op[] = [];
  private reachable = true;
  private readonly temps: IRTemp[];

  constructor(private readonly fn: IRFunction) {
    // Folding adds constant temps as it goes (at most two per op): room for them too.
    const limit = fn.temps.length + 2 * fn.ops.length + 2;
    ensureScratch(limit);
    this.copyOf = scratchI32;
    this.isCopySource = scratchU8;
    this.copyOf.fill(-1, 0, limit);
    this.isCopySource.fill(0, 0, limit);
    this.temps = fn.temps;
  }

  run(): void {
    const ops = this.fn.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.opc === Opc.set_label) { this.resetAll(); this.reachable = true; }
      if (!this.reachable) continue;
      // A third of all ops: nothing to fold, nothing to forget.
      if (op.opc === Opc.insn_start) { this.out.push(op); continue; }
      this.foldOp(op);
    }
    this.fn.ops = this.out;
  }

  private resetAll(): void {
    const n = this.temps.length;
    this.copyOf.fill(-1, 0, n);
    this.isCopySource.fill(0, 0, n);
  }

  /** Forget what is known about temp t (it is being written) and about copies of it. */
  private invalidate(t: number): void {
    this.copyOf[t] = -1;
    // Only a copy source needs the scan: keeps the pass linear on typical TBs.
    if (!this.isCopySource[t]) return;
    this.isCopySource[t] = 0;
    const copyOf = this.copyOf, n = this.temps.length;
    for (let i = 0; i < n; i++) if (copyOf[i] === t) copyOf[i] = -1;
  }

  private invalidateGlobals(): void {
    const copyOf = this.copyOf, n = this.temps.length, nGlobals = this.fn.nGlobals;
    copyOf.fill(-1, 0, nGlobals);
    for (let i = nGlobals; i < n; i++) {
      const src = copyOf[i]!;
      if (src >= 0 && src < nGlobals) copyOf[i] = -1;
    }
  }

  /** The best temp to read instead of t: a constant, else the copy's source. */
  private canonical(t: number): number {
    const c = this.copyOf[t]!;
    return c >= 0 ? c : t;
  }

  private isConst(t: number): boolean {
    return this.temps[t]!.kind === TempKind.Const;
  }

  /** t is the constant with halves (lo, hi). */
  private isConstPair(t: number, lo: number, hi: number): boolean {
    const temp = this.temps[t]!;
    return temp.kind === TempKind.Const && temp.lo === lo && temp.hi === hi;
  }

  /** d = src; `reuse` is the op being folded, kept instead of a new one when it already says exactly that. */
  private emitMov(d: number, src: number, reuse?: Op): void {
    const dt = this.temps[d]!;
    this.invalidate(d);
    if (d === src) return;
    const opc = dt.type === Type.I32 ? Opc.mov_i32 : Opc.mov_i64;
    if (reuse !== undefined && reuse.opc === opc && reuse.args[0] === d && reuse.args[1] === src) this.out.push(reuse);
    else this.out.push({ opc, args: [d, src] });
    // Any source may be recorded: a write to it (and, for a global, a call or
    // host store that may write it) drops the copies that name it.
    const source = this.canonical(src);
    this.copyOf[d] = source;
    this.isCopySource[source] = 1;
  }

  /** d = the constant with halves (lo, hi), at d's type. */
  private emitConstPair(d: number, lo: number, hi: number): void {
    this.emitMov(d, this.fn.constantPair(this.temps[d]!.type, lo, hi).index);
  }

  private emitConst(d: number, value: bigint): void {
    this.emitMov(d, this.fn.constant(this.temps[d]!.type, value).index);
  }

  private foldOp(op: Op): void {
    const def = OP_DEFS[op.opc]!;
    const call = (def.flags & OpFlag.CALL) !== 0;
    const nOut = call ? this.fn.nOut(op) : def.nOut, nIn = call ? this.fn.nIn(op) : def.nIn;
    // Copy/constant propagation into the inputs.
    const args = op.args, copyOf = this.copyOf;
    for (let i = nOut; i < nOut + nIn; i++) {
      const c = copyOf[args[i]!]!;
      if (c >= 0) args[i] = c;
    }
    if (!this.foldFamily(op, nOut, nIn)) {
      for (let i = 0; i < nOut; i++) this.invalidate(args[i]!);
      this.out.push(op);
    }
  }

  /**
   * Fold op by its family (FOLD_OF). Returns true when the family emitted the
   * op's replacement itself; false to keep the op as it is.
   */
  private foldFamily(op: Op, nOut: number, nIn: number): boolean {
    switch (FOLD_OF[op.opc] as Fold) {
      case Fold.Mov:
        this.emitMov(op.args[0]!, op.args[1]!, op);
        return true;
      case Fold.Movcond:
        return this.foldMovcond(op);
      case Fold.Value:
        return this.foldValue(op, nOut, nIn);
      case Fold.Keep:
        return false;
      case Fold.HostStore:
        // A host store may land on a global's slot.
        this.invalidateGlobals();
        return false;
      case Fold.Call: {
        const flags = this.fn.helpers.sig(op.args[op.args.length - 1]!).flags;
        if (!(flags & NO_WRITE_GLOBALS)) this.invalidateGlobals();
        return false;
      }
      case Fold.Brcond:
        this.foldBrcond(op);
        return true;
      case Fold.End:
        // Nothing after these runs until the next label.
        this.out.push(op);
        this.reachable = false;
        return true;
    }
  }

  /** Constant folding and identities for value ops; true when op was replaced. */
  private foldValue(op: Op, nOut: number, nIn: number): boolean {
    const a = op.args;
    for (let i = 0; i < nIn; i++) {
      if (!this.isConst(a[nOut + i]!)) return nOut === 1 && nIn === 2 ? this.foldIdentity(op) : false;
    }
    if (nOut === 1 && nIn <= 2) {
      const x = this.temps[a[1]!]!, y = nIn === 2 ? this.temps[a[2]!]! : x;
      if (foldPair(op.opc, x.lo, x.hi, y.lo, y.hi, a[3] ?? 0)) {
        this.emitConstPair(a[0]!, FOLD_LO, FOLD_HI);
        return true;
      }
    }
    // The rest (rare): the BigInt reference folder.
    const inputs: bigint[] = [];
    for (let i = 0; i < nIn; i++) inputs.push(this.temps[a[nOut + i]!]!.value);
    const results = evalOp(op.opc, inputs, a.slice(nOut + nIn));
    for (let i = 0; i < nOut; i++) this.emitConst(a[i]!, results[i]!);
    return true;
  }

  /** x op x, x op 0, x op ones and friends (QEMU's fold_xx_to_i / fold_xi_to_x). */
  private foldIdentity(op: Op): boolean {
    const fam = FAMILY[op.opc]! as Fam;
    if (fam === Fam.None) return false;
    const a = op.args;
    const d = a[0]!, x = a[1]!, y = a[2]!;
    const type = this.temps[d]!.type;
    if (this.temps[x]!.type !== type || this.temps[y]!.type !== type) return false;
    const onesHi = type === Type.I32 ? 0 : -1;
    const y0 = this.isConstPair(y, 0, 0), x0 = this.isConstPair(x, 0, 0);
    switch (fam) {
      case Fam.Add: case Fam.Or: case Fam.Xor:
        if (y0) { this.emitMov(d, x); return true; }
        if (x0) { this.emitMov(d, y); return true; }
        if (fam !== Fam.Add && x === y) { fam === Fam.Or ? this.emitMov(d, x) : this.emitConstPair(d, 0, 0); return true; }
        if (fam === Fam.Or && (this.isConstPair(y, -1, onesHi) || this.isConstPair(x, -1, onesHi))) { this.emitConstPair(d, -1, onesHi); return true; }
        return false;
      case Fam.Sub:
        if (y0) { this.emitMov(d, x); return true; }
        if (x === y) { this.emitConstPair(d, 0, 0); return true; }
        return false;
      case Fam.And:
        if (y0 || x0) { this.emitConstPair(d, 0, 0); return true; }
        if (this.isConstPair(y, -1, onesHi) || x === y) { this.emitMov(d, x); return true; }
        if (this.isConstPair(x, -1, onesHi)) { this.emitMov(d, y); return true; }
        return false;
      case Fam.Mul:
        if (y0 || x0) { this.emitConstPair(d, 0, 0); return true; }
        if (this.isConstPair(y, 1, 0)) { this.emitMov(d, x); return true; }
        if (this.isConstPair(x, 1, 0)) { this.emitMov(d, y); return true; }
        return false;
      case Fam.Shift: {
        // A count that is a multiple of the width: its low log2(width) bits are zero.
        const cy = this.temps[y]!;
        if (cy.kind === TempKind.Const && (cy.lo & (widthOf(type) - 1)) === 0) { this.emitMov(d, x); return true; }
        if (x0) { this.emitConstPair(d, 0, 0); return true; }
        return false;
      }
      case Fam.Andc:
        if (x === y || x0) { this.emitConstPair(d, 0, 0); return true; }
        if (y0) { this.emitMov(d, x); return true; }
        return false;
      default:
        return false;
    }
  }

  private foldMovcond(op: Op): boolean {
    const a = op.args;
    const d = a[0]!, c1 = a[1]!, c2 = a[2]!, v1 = a[3]!, v2 = a[4]!, cond = a[5]!;
    const outcome = this.knownCond(cond, c1, c2, widthOf(this.temps[c1]!.type));
    if (outcome === undefined) return false;
    this.emitMov(d, outcome ? v1 : v2);
    return true;
  }

  private knownCond(cond: Cond, a: number, b: number, bits: 32 | 64): boolean | undefined {
    if (cond === Cond.Always) return true;
    if (cond === Cond.Never) return false;
    const ta = this.temps[a]!, tb = this.temps[b]!;
    if (ta.kind === TempKind.Const && tb.kind === TempKind.Const) return evalCondPair(cond, bits, ta.lo, ta.hi, tb.lo, tb.hi);
    if (a === b) return evalCondPair(cond, bits, 0, 0, 0, 0);
    return undefined;
  }

  private foldBrcond(op: Op): void {
    const a = op.args;
    const outcome = this.knownCond(a[2]!, a[0]!, a[1]!, widthOf(this.temps[a[0]!]!.type));
    if (outcome === false) return;
    if (outcome === true) {
      this.out.push({ opc: Opc.br, args: [a[3]!] });
      this.reachable = false;
      return;
    }
    this.out.push(op);
  }
}

/** How the dead-code pass treats an opcode (by table, for the same reason as FOLD_OF). */
const enum Live { Plain, Label, Br, Brcond, Exit }

const LIVE_KIND: Uint8Array = Uint8Array.from(OP_DEFS, (def) => {
  switch (def.opc) {
    case Opc.set_label: return Live.Label;
    case Opc.br: return Live.Br;
    case Opc.brcond_i32: case Opc.brcond_i64: return Live.Brcond;
    case Opc.exit_tb: case Opc.goto_tb: case Opc.goto_ptr: return Live.Exit;
    default: return Live.Plain;
  }
});

/** Ops without side effects: removed when no output is live (calls: by their helper). */
const REMOVABLE: Uint8Array = Uint8Array.from(OP_DEFS, (def) => ((def.flags & OpFlag.SIDE_EFFECTS) === 0 ? 1 : 0));

/**
 * Ops before which every global must hold its value: anything that may raise
 * (a fault sees precise state) and host loads (they may read a global's
 * slot). Host stores only write. Calls: by their helper.
 */
const READS_GLOBALS: Uint8Array = Uint8Array.from(OP_DEFS, (def) => {
  if (def.flags & OpFlag.MAY_RAISE) return 1;
  return (def.flags & OpFlag.HOST_MEM) !== 0 && def.opc !== Opc.st_i32 && def.opc !== Opc.st_i64 ? 1 : 0;
});

/** Live sets saved at labels, reused across TBs (a TB has a label or two). */
const labelLivePool: Uint8Array[] = [];

class DeadCodePass {
  private readonly live: Uint8Array;
  /** The live set at each label, or null before the label is seen (walking backwards). */
  private readonly liveAtLabel: (Uint8Array | null)[] = [];
  private readonly n: number;

  constructor(private readonly fn: IRFunction) {
    this.n = fn.temps.length;
    ensureScratch(this.n);
    this.live = scratchLive;
    this.live.fill(0, 0, this.n);
  }

  private globalsLive(): void {
    this.live.fill(1, 0, this.fn.nGlobals);
  }

  run(): void {
    const kept: Op[] = [];
    const ops = this.fn.ops;
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (this.visit(op)) kept.push(op);
    }
    this.fn.ops = kept.reverse();
  }

  /** A copy of the current live set for label l. */
  private saveLabel(l: number): void {
    let saved = labelLivePool[l];
    if (saved === undefined || saved.length < this.n) {
      saved = new Uint8Array(Math.max(this.n, 256));
      labelLivePool[l] = saved;
    }
    const live = this.live;
    for (let t = 0; t < this.n; t++) saved[t] = live[t]!;
    this.liveAtLabel[l] = saved;
  }

  /** Updates liveness across op (backwards); false when op is dead. */
  private visit(op: Op): boolean {
    const opc = op.opc;
    const a = op.args, live = this.live, n = this.n;
    switch (LIVE_KIND[opc] as Live) {
      case Live.Label:
        this.saveLabel(a[0]!);
        return true;
      case Live.Br: {
        const atTarget = this.liveAtLabel[a[0]!];
        if (atTarget) for (let t = 0; t < n; t++) live[t] = atTarget[t]!;
        else live.fill(0, 0, n);
        return true;
      }
      case Live.Brcond: {
        const atTarget = this.liveAtLabel[a[3]!];
        if (atTarget) for (let t = 0; t < n; t++) live[t]! |= atTarget[t]!;
        live[a[0]!] = 1; live[a[1]!] = 1;
        return true;
      }
      case Live.Exit:
        // Control leaves the TB: every global is read by what runs next, no local is.
        live.fill(0, 0, n);
        this.globalsLive();
        return true;
      case Live.Plain:
        break;
    }
    const def = OP_DEFS[opc]!;
    let nOut = def.nOut, nIn = def.nIn;
    let removable = REMOVABLE[opc] === 1;
    let readsGlobals = READS_GLOBALS[opc] === 1;
    if (opc === Opc.call) {
      const sig = this.fn.helpers.sig(a[a.length - 1]!);
      nOut = sig.ret.length; nIn = sig.args.length;
      removable = (sig.flags & NO_SIDE_EFFECTS) !== 0 && (sig.flags & HELPER_MAY_RAISE) === 0;
      readsGlobals = (sig.flags & NO_READ_GLOBALS) === 0 || (sig.flags & HELPER_MAY_RAISE) !== 0;
    }
    if (removable && nOut > 0) {
      let anyLive = false;
      for (let i = 0; i < nOut; i++) if (live[a[i]!]) anyLive = true;
      if (!anyLive) return false;
    }
    for (let i = 0; i < nOut; i++) live[a[i]!] = 0;
    if (readsGlobals) this.globalsLive();
    for (let i = nOut; i < nOut + nIn; i++) live[a[i]!] = 1;
    return true;
  }
}

/** Optimize fn in place. */
export function optimize(fn: IRFunction): void {
  new ForwardPass(fn).run();
  new DeadCodePass(fn).run();
}
