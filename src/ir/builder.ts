// The IR builder: what translators call to emit ops (QEMU's tcg-op.c).
// It simplifies as it emits: identities (x + 0, x & -1, shift by 0, ...) become
// moves and a move of a temp to itself disappears, so translators can stay
// naive and the optimizer has less to do.

import { IRFunction, Op } from './ir.js';
import { Opc, opFor } from './ops.js';
import { Cond, Temp, TempKind, Type } from './types.js';

type Bin = 'add' | 'sub' | 'mul' | 'and' | 'or' | 'xor' | 'andc' | 'orc' | 'eqv' | 'nand' | 'nor'
  | 'shl' | 'shr' | 'sar' | 'rotl' | 'rotr' | 'div' | 'divu' | 'rem' | 'remu';
type Un = 'neg' | 'not' | 'clz' | 'ctz' | 'ctpop' | 'ext8s' | 'ext8u' | 'ext16s' | 'ext16u' | 'bswap16' | 'bswap32';

function isConst(t: Temp, v: bigint): boolean {
  return t.kind === TempKind.Const && t.value === v;
}

function allOnes(type: Type): bigint {
  return type === Type.I32 ? 0xffffffffn : 0xffffffffffffffffn;
}

export class IRBuilder {
  constructor(readonly fn: IRFunction) {}

  // --- temps -------------------------------------------------------------

  local(type: Type): Temp {
    return this.fn.newLocal(type);
  }

  const32(v: bigint | number): Temp {
    return this.fn.constant(Type.I32, v);
  }

  const64(v: bigint | number): Temp {
    return this.fn.constant(Type.I64, v);
  }

  constant(type: Type, v: bigint | number): Temp {
    return this.fn.constant(type, v);
  }

  global(index: number): Temp {
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

  // --- moves and arithmetic ------------------------------------------------

  mov(d: Temp, a: Temp): void {
    if (d.index === a.index) return;
    this.emit(opFor('mov', d.type), d.index, a.index);
  }

  /** d = a OP b, typed by d. */
  bin(name: Bin, d: Temp, a: Temp, b: Temp): void {
    const zero = isConst(b, 0n);
    switch (name) {
      case 'add': case 'sub': case 'or': case 'xor':
      case 'shl': case 'shr': case 'sar': case 'rotl': case 'rotr':
        if (zero) return this.mov(d, a);
        break;
      case 'and':
        if (isConst(b, allOnes(d.type))) return this.mov(d, a);
        break;
      case 'mul': case 'div': case 'divu':
        if (isConst(b, 1n)) return this.mov(d, a);
        break;
    }
    this.emit(opFor(name, d.type), d.index, a.index, b.index);
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
    this.emit(opFor(name, d.type), d.index, a.index);
  }

  ext32s(d: Temp, a: Temp): void { this.emit(Opc.ext32s_i64, d.index, a.index); }
  ext32u(d: Temp, a: Temp): void { this.emit(Opc.ext32u_i64, d.index, a.index); }
  bswap64(d: Temp, a: Temp): void { this.emit(Opc.bswap64_i64, d.index, a.index); }
  /** i64 d = sign-extended i32 a. */
  extI32I64(d: Temp, a: Temp): void { this.emit(Opc.ext_i32_i64, d.index, a.index); }
  /** i64 d = zero-extended i32 a. */
  extuI32I64(d: Temp, a: Temp): void { this.emit(Opc.extu_i32_i64, d.index, a.index); }
  /** i32 d = low half of i64 a. */
  extrlI64I32(d: Temp, a: Temp): void { this.emit(Opc.extrl_i64_i32, d.index, a.index); }
  /** i32 d = high half of i64 a. */
  extrhI64I32(d: Temp, a: Temp): void { this.emit(Opc.extrh_i64_i32, d.index, a.index); }

  setcond(cond: Cond, d: Temp, a: Temp, b: Temp): void {
    this.emit(opFor('setcond', d.type), d.index, a.index, b.index, cond);
  }

  negsetcond(cond: Cond, d: Temp, a: Temp, b: Temp): void {
    this.emit(opFor('negsetcond', d.type), d.index, a.index, b.index, cond);
  }

  /** d = (c1 cond c2) ? v1 : v2 */
  movcond(cond: Cond, d: Temp, c1: Temp, c2: Temp, v1: Temp, v2: Temp): void {
    if (v1.index === v2.index) return this.mov(d, v1);
    this.emit(opFor('movcond', d.type), d.index, c1.index, c2.index, v1.index, v2.index, cond);
  }

  deposit(d: Temp, a: Temp, b: Temp, pos: number, len: number): void {
    this.emit(opFor('deposit', d.type), d.index, a.index, b.index, pos, len);
  }

  extract(d: Temp, a: Temp, pos: number, len: number): void {
    this.emit(opFor('extract', d.type), d.index, a.index, pos, len);
  }

  sextract(d: Temp, a: Temp, pos: number, len: number): void {
    this.emit(opFor('sextract', d.type), d.index, a.index, pos, len);
  }

  add2(dl: Temp, dh: Temp, al: Temp, ah: Temp, bl: Temp, bh: Temp): void {
    this.emit(opFor('add2', dl.type), dl.index, dh.index, al.index, ah.index, bl.index, bh.index);
  }

  sub2(dl: Temp, dh: Temp, al: Temp, ah: Temp, bl: Temp, bh: Temp): void {
    this.emit(opFor('sub2', dl.type), dl.index, dh.index, al.index, ah.index, bl.index, bh.index);
  }

  mulu2(dl: Temp, dh: Temp, a: Temp, b: Temp): void {
    this.emit(opFor('mulu2', dl.type), dl.index, dh.index, a.index, b.index);
  }

  muls2(dl: Temp, dh: Temp, a: Temp, b: Temp): void {
    this.emit(opFor('muls2', dl.type), dl.index, dh.index, a.index, b.index);
  }

  // --- memory ----------------------------------------------------------------

  /** d = CPU state at offset (relative to the CPU base), MemOp size/sign. */
  ld(d: Temp, offset: number, memop: number): void {
    this.emit(opFor('ld', d.type), d.index, offset, memop);
  }

  /** CPU state at offset = a, MemOp size. */
  st(a: Temp, offset: number, memop: number): void {
    this.emit(opFor('st', a.type), a.index, offset, memop);
  }

  /** d = guest memory at addr (i64 virtual address). */
  qemuLd(d: Temp, addr: Temp, memop: number, mmuIdx: number): void {
    this.emit(opFor('qemu_ld', d.type), d.index, addr.index, memop, mmuIdx);
  }

  /** guest memory at addr = v. */
  qemuSt(v: Temp, addr: Temp, memop: number, mmuIdx: number): void {
    this.emit(opFor('qemu_st', v.type), v.index, addr.index, memop, mmuIdx);
  }

  // --- control ---------------------------------------------------------------

  setLabel(label: number): void {
    this.emit(Opc.set_label, label);
  }

  br(label: number): void {
    this.emit(Opc.br, label);
  }

  brcond(cond: Cond, a: Temp, b: Temp, label: number): void {
    if (cond === Cond.Never) return;
    if (cond === Cond.Always) return this.br(label);
    this.emit(opFor('brcond', a.type), a.index, b.index, cond, label);
  }

  /** outs = helper(ins). Counts and types are checked by the verifier. */
  call(helperId: number, outs: readonly Temp[], ins: readonly Temp[]): void {
    this.emit(Opc.call, ...outs.map((t) => t.index), ...ins.map((t) => t.index), helperId);
  }

  exitTb(code: number): void {
    this.emit(Opc.exit_tb, code);
  }

  gotoTb(slot: 0 | 1): void {
    this.emit(Opc.goto_tb, slot);
  }

  gotoPtr(): void {
    this.emit(Opc.goto_ptr);
  }

  /** Marks the start of the guest instruction at pc (a 64-bit address). */
  insnStart(pc: bigint): void {
    const u = BigInt.asUintN(64, pc);
    this.emit(Opc.insn_start, Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0);
  }

  mb(kind: number): void {
    this.emit(Opc.mb, kind);
  }
}
