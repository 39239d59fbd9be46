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
import { IRFunction, Op } from './ir.js';
import { OP_DEFS, Opc, OpFlag, opFor } from './ops.js';
import { Cond, evalCondBig, Temp, TempKind, Type } from './types.js';

/** HelperFlag values (src/exec/helpers.ts), repeated so ir/ does not import exec/. */
const NO_READ_GLOBALS = 1 << 0, NO_WRITE_GLOBALS = 1 << 1, NO_SIDE_EFFECTS = 1 << 2, HELPER_MAY_RAISE = 1 << 3;

function widthOf(t: Type): 32 | 64 {
  return t === Type.I32 ? 32 : 64;
}

class ForwardPass {
  /** copyOf[t]: a temp holding the same value as t (its representative), or -1. */
  private readonly copyOf: Int32Array;
  /** isCopySource[t]: some temp may be recorded as a copy of t (so writing t must scan). */
  private readonly isCopySource: Uint8Array;
  private readonly out: Op[] = [];
  private reachable = true;

  constructor(private readonly fn: IRFunction) {
    this.copyOf = new Int32Array(fn.temps.length + 1).fill(-1);
    this.isCopySource = new Uint8Array(fn.temps.length + 1);
  }

  run(): void {
    for (const op of this.fn.ops) {
      if (op.opc === Opc.set_label) { this.resetAll(); this.reachable = true; }
      if (!this.reachable) continue;
      this.foldOp(op);
    }
    this.fn.ops = this.out;
  }

  private temp(i: number): Temp {
    return this.fn.temp(i);
  }

  private resetAll(): void {
    this.copyOf.fill(-1);
    this.isCopySource.fill(0);
  }

  /** Forget what is known about temp t (it is being written) and about copies of it. */
  private invalidate(t: number): void {
    this.copyOf[t] = -1;
    // Only a copy source needs the scan: keeps the pass linear on typical TBs.
    if (!this.isCopySource[t]) return;
    this.isCopySource[t] = 0;
    for (let i = 0; i < this.copyOf.length; i++) if (this.copyOf[i] === t) this.copyOf[i] = -1;
  }

  private invalidateGlobals(): void {
    for (let i = 0; i < this.copyOf.length; i++) {
      const src = this.copyOf[i]!;
      if (i < this.fn.nGlobals || (src >= 0 && src < this.fn.nGlobals)) this.copyOf[i] = -1;
    }
  }

  /** The best temp to read instead of t: a constant, else the copy's source. */
  private canonical(t: number): number {
    const c = this.copyOf[t]!;
    return c >= 0 ? c : t;
  }

  private constValue(t: number): bigint | undefined {
    const temp = this.temp(t);
    return temp.kind === TempKind.Const ? temp.value : undefined;
  }

  private emitMov(d: number, src: number): void {
    const dt = this.temp(d);
    this.invalidate(d);
    if (d === src) return;
    this.out.push({ opc: opFor('mov', dt.type), args: [d, src] });
    // Any source may be recorded: a write to it (and, for a global, a call or
    // host store that may write it) drops the copies that name it.
    const source = this.canonical(src);
    this.copyOf[d] = source;
    this.isCopySource[source] = 1;
  }

  private emitConst(d: number, value: bigint): void {
    this.emitMov(d, this.fn.constant(this.temp(d).type, value).index);
  }

  private foldOp(op: Op): void {
    const nOut = this.fn.nOut(op), nIn = this.fn.nIn(op);
    // Copy/constant propagation into the inputs.
    for (let i = nOut; i < nOut + nIn; i++) op.args[i] = this.canonical(op.args[i]!);
    if (!this.foldFamily(op, nOut, nIn)) {
      for (let i = 0; i < nOut; i++) this.invalidate(op.args[i]!);
      this.out.push(op);
    }
  }

  /**
   * One fold per op family, over every opcode (the compiler checks the switch
   * is exhaustive). Returns true when the family emitted the op's replacement
   * itself; false to keep the op as it is.
   */
  private foldFamily(op: Op, nOut: number, nIn: number): boolean {
    const opc = op.opc;
    switch (opc) {
      case Opc.mov_i32: case Opc.mov_i64:
        this.emitMov(op.args[0]!, op.args[1]!);
        return true;
      case Opc.movcond_i32: case Opc.movcond_i64:
        return this.foldMovcond(op);
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
        return this.foldValue(op, nOut, nIn);
      case Opc.ld_i32: case Opc.ld_i64:
      case Opc.qemu_ld_i32: case Opc.qemu_ld_i64: case Opc.qemu_st_i32: case Opc.qemu_st_i64:
        return false;
      case Opc.st_i32: case Opc.st_i64:
        // A host store may land on a global's slot.
        this.invalidateGlobals();
        return false;
      case Opc.call: {
        const flags = this.fn.helpers.sig(op.args[op.args.length - 1]!).flags;
        if (!(flags & NO_WRITE_GLOBALS)) this.invalidateGlobals();
        return false;
      }
      case Opc.brcond_i32: case Opc.brcond_i64:
        this.foldBrcond(op);
        return true;
      case Opc.br: case Opc.exit_tb: case Opc.goto_tb: case Opc.goto_ptr:
        // Nothing after these runs until the next label.
        this.out.push(op);
        this.reachable = false;
        return true;
      case Opc.set_label: case Opc.insn_start: case Opc.mb:
        return false;
      default: {
        const unhandled: never = opc;
        throw new Error(`optimize: no fold for opcode ${unhandled}`);
      }
    }
  }

  /** Constant folding and identities for value ops; true when op was replaced. */
  private foldValue(op: Op, nOut: number, nIn: number): boolean {
    const a = op.args;
    const inputs: bigint[] = [];
    for (let i = 0; i < nIn; i++) {
      const v = this.constValue(a[nOut + i]!);
      if (v === undefined) break;
      inputs.push(v);
    }
    if (inputs.length === nIn) {
      const results = evalOp(op.opc, inputs, a.slice(nOut + nIn));
      for (let i = 0; i < nOut; i++) this.emitConst(a[i]!, results[i]!);
      return true;
    }
    return nOut === 1 && nIn === 2 ? this.foldIdentity(op) : false;
  }

  /** x op x, x op 0, x op ones and friends (QEMU's fold_xx_to_i / fold_xi_to_x). */
  private foldIdentity(op: Op): boolean {
    const [d, x, y] = op.args as [number, number, number];
    const type = this.temp(d).type, bits = widthOf(type);
    if (this.temp(x).type !== type || this.temp(y).type !== type) return false;
    const cy = this.constValue(y), cx = this.constValue(x);
    const ones = (1n << BigInt(bits)) - 1n;
    const base = OP_DEFS[op.opc]!.name.replace(/_i(32|64)$/, '');
    switch (base) {
      case 'add': case 'or': case 'xor':
        if (cy === 0n) { this.emitMov(d, x); return true; }
        if (cx === 0n) { this.emitMov(d, y); return true; }
        if (base !== 'add' && x === y) { base === 'or' ? this.emitMov(d, x) : this.emitConst(d, 0n); return true; }
        if (base === 'or' && (cy === ones || cx === ones)) { this.emitConst(d, ones); return true; }
        return false;
      case 'sub':
        if (cy === 0n) { this.emitMov(d, x); return true; }
        if (x === y) { this.emitConst(d, 0n); return true; }
        return false;
      case 'and':
        if (cy === 0n || cx === 0n) { this.emitConst(d, 0n); return true; }
        if (cy === ones || x === y) { this.emitMov(d, x); return true; }
        if (cx === ones) { this.emitMov(d, y); return true; }
        return false;
      case 'mul':
        if (cy === 0n || cx === 0n) { this.emitConst(d, 0n); return true; }
        if (cy === 1n) { this.emitMov(d, x); return true; }
        if (cx === 1n) { this.emitMov(d, y); return true; }
        return false;
      case 'shl': case 'shr': case 'sar': case 'rotl': case 'rotr':
        if (cy !== undefined && cy % BigInt(bits) === 0n) { this.emitMov(d, x); return true; }
        if (cx === 0n) { this.emitConst(d, 0n); return true; }
        return false;
      case 'andc':
        if (x === y || cx === 0n) { this.emitConst(d, 0n); return true; }
        if (cy === 0n) { this.emitMov(d, x); return true; }
        return false;
      default:
        return false;
    }
  }

  private foldMovcond(op: Op): boolean {
    const [d, c1, c2, v1, v2, cond] = op.args as [number, number, number, number, number, number];
    const outcome = this.knownCond(cond, c1, c2, widthOf(this.temp(c1).type));
    if (outcome === undefined) return false;
    this.emitMov(d, outcome ? v1 : v2);
    return true;
  }

  private knownCond(cond: Cond, a: number, b: number, bits: 32 | 64): boolean | undefined {
    if (cond === Cond.Always) return true;
    if (cond === Cond.Never) return false;
    const ca = this.constValue(a), cb = this.constValue(b);
    if (ca !== undefined && cb !== undefined) return evalCondBig(cond, ca, cb, bits);
    if (a === b) return evalCondBig(cond, 0n, 0n, bits);
    return undefined;
  }

  private foldBrcond(op: Op): void {
    const [a, b, cond, label] = op.args as [number, number, number, number];
    const outcome = this.knownCond(cond, a, b, widthOf(this.temp(a).type));
    if (outcome === false) return;
    if (outcome === true) {
      this.out.push({ opc: Opc.br, args: [label] });
      this.reachable = false;
      return;
    }
    this.out.push(op);
  }
}

class DeadCodePass {
  private readonly live: Uint8Array;
  private readonly liveAtLabel = new Map<number, Uint8Array>();

  constructor(private readonly fn: IRFunction) {
    this.live = new Uint8Array(fn.temps.length);
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

  /** Updates liveness across op (backwards); false when op is dead. */
  private visit(op: Op): boolean {
    const def = OP_DEFS[op.opc]!;
    const a = op.args;
    switch (op.opc) {
      case Opc.set_label:
        this.liveAtLabel.set(a[0]!, this.live.slice());
        return true;
      case Opc.br:
        this.live.set(this.liveAtLabel.get(a[0]!) ?? this.live.fill(0));
        return true;
      case Opc.brcond_i32: case Opc.brcond_i64: {
        const atTarget = this.liveAtLabel.get(a[3]!);
        if (atTarget) for (let t = 0; t < this.live.length; t++) this.live[t]! |= atTarget[t]!;
        this.live[a[0]!] = 1; this.live[a[1]!] = 1;
        return true;
      }
      case Opc.exit_tb: case Opc.goto_tb: case Opc.goto_ptr:
        // Control leaves the TB: every global is read by what runs next, no local is.
        this.live.fill(0);
        this.globalsLive();
        return true;
    }
    const nOut = this.fn.nOut(op), nIn = this.fn.nIn(op);
    let removable = (def.flags & OpFlag.SIDE_EFFECTS) === 0;
    let readsGlobals = (def.flags & (OpFlag.MAY_RAISE | OpFlag.HOST_MEM)) !== 0 && op.opc !== Opc.st_i32 && op.opc !== Opc.st_i64;
    if (def.flags & OpFlag.MAY_RAISE) readsGlobals = true;
    if (op.opc === Opc.call) {
      const flags = this.fn.helpers.sig(a[a.length - 1]!).flags;
      removable = (flags & NO_SIDE_EFFECTS) !== 0 && (flags & HELPER_MAY_RAISE) === 0;
      readsGlobals = (flags & NO_READ_GLOBALS) === 0 || (flags & HELPER_MAY_RAISE) !== 0;
    }
    if (removable && nOut > 0) {
      let anyLive = false;
      for (let i = 0; i < nOut; i++) if (this.live[a[i]!]) anyLive = true;
      if (!anyLive) return false;
    }
    for (let i = 0; i < nOut; i++) this.live[a[i]!] = 0;
    if (readsGlobals) this.globalsLive();
    for (let i = nOut; i < nOut + nIn; i++) this.live[a[i]!] = 1;
    return true;
  }
}

/** Optimize fn in place. */
export function optimize(fn: IRFunction): void {
  new ForwardPass(fn).run();
  new DeadCodePass(fn).run();
}
