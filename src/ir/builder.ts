// The IR builder: what translators call to emit ops (QEMU's tcg-op.c).
// It simplifies as it emits: identities (x + 0, x & -1, shift by 0, ...) become
// moves and a move of a temp to itself disappears, so translators can stay
// naive and the optimizer has less to do.

import { IRFunction, IRTemp, Op } from './ir.js';
import { Opc } from './ops.js';
import { Cond, Temp, TempKind, Type } from './types.js';

type Bin = 'add' | 'sub' | 'mul' | 'and' | 'or' | 'xor' | 'andc' | 'orc' | 'eqv' | 'nand' | 'nor'
  | 'shl' | 'shr' | 'sar' | 'rotl' | 'rotr' | 'div' | 'divu' | 'rem' | 'remu';
type Un = 'neg' | 'not' | 'clz' | 'ctz' | 'ctpop' | 'ext8s' | 'ext8u' | 'ext16s' | 'ext16u' | 'bswap16' | 'bswap32';

/**
 * OPC[base][type]: the opcode name_i32 / name_i64, looked up once at load
 * (ops.ts's opFor builds a string per call, too slow for every emitted op).
 */
const OPC: Record<string, [Opc, Opc]> = (() => {
  const table: Record<string, [Opc, Opc]> = Object.create(null);
  for (const key of Object.keys(Opc)) {
    const m = /^(.*)_i(32|64)$/.exec(key);
    if (m === null) continue;
    const pair = table[m[1]!] ?? (table[m[1]!] = [-1 as Opc, -1 as Opc]);
    pair[m[2] === '32' ? Type.I32 : Type.I64] = Opc[key as keyof typeof Opc];
  }
  return table;
})();

function opFor(base: string, type: Type): Opc {
  const opc = OPC[base]?.[type];
  if (opc === undefined || opc < 0) throw new Error(`no op ${base} for this type`);
  return opc;
}

/** t is the constant with halves (lo, hi). */
function isConstPair(t: Temp, lo: number, hi: number): boolean {
  return t.kind === TempKind.Const && (t as IRTemp).lo === lo && (t as IRTemp).hi === hi;
}

/** t is the constant 0, 1, or all ones of its type. */
function isZero(t: Temp): boolean { return isConstPair(t, 0, 0); }
function isOne(t: Temp): boolean { return isConstPair(t, 1, 0); }
function isAllOnes(t: Temp): boolean { return isConstPair(t, -1, t.type === Type.I32 ? 0 : -1); }

export class IRBuilder {
  constructor(readonly fn: IRFunction) {}

  // --- temps -------------------------------------------------------------

  local(type: Type): IRTemp {
    return this.fn.newLocal(type);
  }

  const32(v: bigint | number): IRTemp {
    return this.fn.constant(Type.I32, v);
  }

  const64(v: bigint | number): IRTemp {
    return this.fn.constant(Type.I64, v);
  }

  /** The i64 constant (hi << 32) | lo, from its int32 halves (no BigInt). */
  const64Pair(lo: number, hi: number): IRTemp {
    return this.fn.constantPair(Type.I64, lo, hi);
  }

  constant(type: Type, v: bigint | number): IRTemp {
    return this.fn.constant(type, v);
  }

  global(index: number): IRTemp {
    return this.fn.temp(index);
  }

  newLabel(): number {
    return this.fn.newLabel();
  }

  /** Append a raw op. Prefer the typed methods below. */
  emit(opc: Opc, ...args: number[]): Op {
    const op: Op = { opc, args };
    this.fn.ops.push(op);
    return op;
  }

  /** Append an op whose args array the caller made (no rest-parameter copy). */
  private push(opc: Opc, args: number[]): void {
    this.fn.ops.push({ opc, args });
  }

  // --- moves and arithmetic ------------------------------------------------

  mov(d: Temp, a: Temp): void {
    if (d.index === a.index) return;
    this.push(d.type === Type.I32 ? Opc.mov_i32 : Opc.mov_i64, [d.index, a.index]);
  }

  /** d = a OP b, typed by d. */
  bin(name: Bin, d: Temp, a: Temp, b: Temp): void {
    if (b.kind === TempKind.Const) {
      switch (name) {
        case 'add': case 'sub': case 'or': case 'xor':
        case 'shl': case 'shr': case 'sar': case 'rotl': case 'rotr':
          if (isZero(b)) return this.mov(d, a);
          break;
        case 'and':
          if (isAllOnes(b)) return this.mov(d, a);
          break;
        case 'mul': case 'div': case 'divu':
          if (isOne(b)) return this.mov(d, a);
          break;
      }
    }
    this.push(opFor(name, d.type), [d.index, a.index, b.index]);
  }

  /** d = a OP imm, typed by d. */
  bini(name: Bin, d: Temp, a: Temp, imm: bigint | number): void {
    this.bin(name, d, a, this.fn.constant(d.type, imm));
  }

  add(d: Temp, a: Temp, b: Temp): void { this.bin('add', d, a, b); }
  sub(d: Temp, a: Temp, b: Temp): void { this.bin('sub', d, a, b); }
  and(d: Temp, a: Temp, b: Temp): void { this.bin('and', d, a, b); }
  or(d: Temp, a: Temp, b: Temp): void { this.bin('or', d, a, b); }
  xor(d: Temp, a: Temp, b: Temp): void { this.bin('xor', d, a, b); }
  addi(d: Temp, a: Temp, imm: bigint | number): void { this.bini('add', d, a, imm); }

  /** d = OP a, typed by d. */
  un(name: Un, d: Temp, a: Temp): void {
    this.push(opFor(name, d.type), [d.index, a.index]);
  }

  ext32s(d: Temp, a: Temp): void { this.push(Opc.ext32s_i64, [d.index, a.index]); }
  ext32u(d: Temp, a: Temp): void { this.push(Opc.ext32u_i64, [d.index, a.index]); }
  bswap64(d: Temp, a: Temp): void { this.push(Opc.bswap64_i64, [d.index, a.index]); }
  /** i64 d = sign-extended i32 a. */
  extI32I64(d: Temp, a: Temp): void { this.push(Opc.ext_i32_i64, [d.index, a.index]); }
  /** i64 d = zero-extended i32 a. */
  extuI32I64(d: Temp, a: Temp): void { this.push(Opc.extu_i32_i64, [d.index, a.index]); }
  /** i32 d = low half of i64 a. */
  extrlI64I32(d: Temp, a: Temp): void { this.push(Opc.extrl_i64_i32, [d.index, a.index]); }
  /** i32 d = high half of i64 a. */
  extrhI64I32(d: Temp, a: Temp): void { this.push(Opc.extrh_i64_i32, [d.index, a.index]); }

  setcond(cond: Cond, d: Temp, a: Temp, b: Temp): void {
    this.push((d.type === Type.I32 ? Opc.setcond_i32 : Opc.setcond_i64), [d.index, a.index, b.index, cond]);
  }

  negsetcond(cond: Cond, d: Temp, a: Temp, b: Temp): void {
    this.push((d.type === Type.I32 ? Opc.negsetcond_i32 : Opc.negsetcond_i64), [d.index, a.index, b.index, cond]);
  }

  /** d = (c1 cond c2) ? v1 : v2 */
  movcond(cond: Cond, d: Temp, c1: Temp, c2: Temp, v1: Temp, v2: Temp): void {
    if (v1.index === v2.index) return this.mov(d, v1);
    this.push((d.type === Type.I32 ? Opc.movcond_i32 : Opc.movcond_i64), [d.index, c1.index, c2.index, v1.index, v2.index, cond]);
  }

  deposit(d: Temp, a: Temp, b: Temp, pos: number, len: number): void {
    this.push((d.type === Type.I32 ? Opc.deposit_i32 : Opc.deposit_i64), [d.index, a.index, b.index, pos, len]);
  }

  extract(d: Temp, a: Temp, pos: number, len: number): void {
    this.push((d.type === Type.I32 ? Opc.extract_i32 : Opc.extract_i64), [d.index, a.index, pos, len]);
  }

  sextract(d: Temp, a: Temp, pos: number, len: number): void {
    this.push((d.type === Type.I32 ? Opc.sextract_i32 : Opc.sextract_i64), [d.index, a.index, pos, len]);
  }

  add2(dl: Temp, dh: Temp, al: Temp, ah: Temp, bl: Temp, bh: Temp): void {
    this.push((dl.type === Type.I32 ? Opc.add2_i32 : Opc.add2_i64), [dl.index, dh.index, al.index, ah.index, bl.index, bh.index]);
  }

  sub2(dl: Temp, dh: Temp, al: Temp, ah: Temp, bl: Temp, bh: Temp): void {
    this.push((dl.type === Type.I32 ? Opc.sub2_i32 : Opc.sub2_i64), [dl.index, dh.index, al.index, ah.index, bl.index, bh.index]);
  }

  mulu2(dl: Temp, dh: Temp, a: Temp, b: Temp): void {
    this.push((dl.type === Type.I32 ? Opc.mulu2_i32 : Opc.mulu2_i64), [dl.index, dh.index, a.index, b.index]);
  }

  muls2(dl: Temp, dh: Temp, a: Temp, b: Temp): void {
    this.push((dl.type === Type.I32 ? Opc.muls2_i32 : Opc.muls2_i64), [dl.index, dh.index, a.index, b.index]);
  }

  // --- memory ----------------------------------------------------------------

  /** d = CPU state at offset (relative to the CPU base), MemOp size/sign. */
  ld(d: Temp, offset: number, memop: number): void {
    this.push((d.type === Type.I32 ? Opc.ld_i32 : Opc.ld_i64), [d.index, offset, memop]);
  }

  /** CPU state at offset = a, MemOp size. */
  st(a: Temp, offset: number, memop: number): void {
    this.push((a.type === Type.I32 ? Opc.st_i32 : Opc.st_i64), [a.index, offset, memop]);
  }

  /** d = guest memory at addr (i64 virtual address). */
  qemuLd(d: Temp, addr: Temp, memop: number, mmuIdx: number): void {
    this.push((d.type === Type.I32 ? Opc.qemu_ld_i32 : Opc.qemu_ld_i64), [d.index, addr.index, memop, mmuIdx]);
  }

  /** guest memory at addr = v. */
  qemuSt(v: Temp, addr: Temp, memop: number, mmuIdx: number): void {
    this.push((v.type === Type.I32 ? Opc.qemu_st_i32 : Opc.qemu_st_i64), [v.index, addr.index, memop, mmuIdx]);
  }

  // --- control ---------------------------------------------------------------

  setLabel(label: number): void {
    this.push(Opc.set_label, [label]);
  }

  br(label: number): void {
    this.push(Opc.br, [label]);
  }

  brcond(cond: Cond, a: Temp, b: Temp, label: number): void {
    if (cond === Cond.Never) return;
    if (cond === Cond.Always) return this.br(label);
    this.push((a.type === Type.I32 ? Opc.brcond_i32 : Opc.brcond_i64), [a.index, b.index, cond, label]);
  }

  /** outs = helper(ins). Counts and types are checked by the verifier. */
  call(helperId: number, outs: readonly Temp[], ins: readonly Temp[]): void {
    const args: number[] = [];
    for (let i = 0; i < outs.length; i++) args.push(outs[i]!.index);
    for (let i = 0; i < ins.length; i++) args.push(ins[i]!.index);
    args.push(helperId);
    this.push(Opc.call, args);
  }

  exitTb(code: number): void {
    this.push(Opc.exit_tb, [code]);
  }

  gotoTb(slot: 0 | 1): void {
    this.push(Opc.goto_tb, [slot]);
  }

  gotoPtr(): void {
    this.push(Opc.goto_ptr, []);
  }

  /** Marks the start of the guest instruction at pc (a 64-bit address). */
  insnStart(pc: bigint): void {
    const u = BigInt.asUintN(64, pc);
    this.insnStartPair(Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0);
  }

  /** insnStart for the pc whose int32 halves are lo and hi. */
  insnStartPair(lo: number, hi: number): void {
    this.push(Opc.insn_start, [lo | 0, hi | 0]);
  }

  mb(kind: number): void {
    this.push(Opc.mb, [kind]);
  }
}
