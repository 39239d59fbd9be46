// Encoding a TB's IR into the interpreter's compact form: one Int32Array of
// [opcode, operand words...] records (opcodes in iop.ts).
//
// Operands are word indices into the linear memory's Int32Array: a global at
// (CPU_BASE + offset) / 4, a TB-local temp at its 8-byte slot in the frame
// (FRAME_BASE), a constant at its constant-pool slot. An i64 value is two
// words, low first. insn_start and mb produce no code: the pc of the current
// guest instruction is copied into the ops that need it (guest memory access
// and raising helpers), so marking instructions costs nothing at run time.
// Labels become absolute indices into the code array.
//
// Superoperators (iop.ts) replace the commonest op sequences. Dynamic IOp
// counts (dispatches per guest instruction) before they existed:
// bench_sha256 1.64, bench_sort 1.50, bench_sieve 1.59; the top pairs were
//   mov_i64 pc,$c + goto_tb           17% (sort), 13% (sieve)
//   brcond_i64 + mov_i64 pc,$c        13% (sort), 13% (sieve)
//   extrl_i64_i32 + shl/shr_i32 + ext_i32_i64 (slliw/srliw)  27% (sha256)
//   add_i64 + ext32s_i64 (addw/addiw) 6% (sha256)
//   add_i64 tmp,base,$off + qemu_ld/st (every load/store with an offset)
// A sequence is fused only when its intermediate temps are TB locals read by
// nothing else (useCount 1), so dropping their writes is invisible.

import { IRFunction, Op } from '../../ir/ir.js';
import { OP_DEFS, Opc, OpFlag } from '../../ir/ops.js';
import { Temp, TempKind, Type } from '../../ir/types.js';
import { HelperFlag, HelperTable } from '../../exec/helpers.js';
import { Cpu, CPU_BASE, FRAME_BASE, FRAME_SIZE, TLB_BASE } from '../../memory/layout.js';
import { MemOp } from '../../memory/memop.js';
import { TLB_TABLE_SIZE, TLB_MMU_COUNT } from '../../memory/tlb-layout.js';
import { ConstPool } from './const-pool.js';
import { IOp } from './iop.js';

const FRAME_SLOTS = FRAME_SIZE / 8;
const PC_WORD = (CPU_BASE + Cpu.PC) >>> 2;

/** Little-endian fast forms carry an inline address offset; the generic ones do not. */
function hasOffsetField(form: IOp): boolean {
  return form !== IOp.QLD_GENERIC && form !== IOp.QST_GENERIC;
}

/** Little-endian qemu_ld forms by (destination is i64, MemOp size | SIGN). */
function qemuLdForm(is64: boolean, memop: number): IOp {
  if (memop & MemOp.BSWAP && (memop & MemOp.SIZE_MASK) !== MemOp.S8) return IOp.QLD_GENERIC;
  const size = memop & MemOp.SIZE_MASK, sign = (memop & MemOp.SIGN) !== 0;
  if (!is64) {
    switch (size) {
      case MemOp.S8: return sign ? IOp.QLD32_8S : IOp.QLD32_8U;
      case MemOp.S16: return sign ? IOp.QLD32_16S : IOp.QLD32_16U;
      case MemOp.S32: return IOp.QLD32_32;
      default: throw new Error('qemu_ld_i32 with a 64-bit MemOp');
    }
  }
  switch (size) {
    case MemOp.S8: return sign ? IOp.QLD64_8S : IOp.QLD64_8U;
    case MemOp.S16: return sign ? IOp.QLD64_16S : IOp.QLD64_16U;
    case MemOp.S32: return sign ? IOp.QLD64_32S : IOp.QLD64_32U;
    default: return IOp.QLD64_64;
  }
}

function qemuStForm(memop: number): IOp {
  if (memop & MemOp.BSWAP && (memop & MemOp.SIZE_MASK) !== MemOp.S8) return IOp.QST_GENERIC;
  return [IOp.QST_8, IOp.QST_16, IOp.QST_32, IOp.QST_64][memop & MemOp.SIZE_MASK]!;
}

class Encoder {
  private readonly code: number[] = [];
  private readonly localSlot = new Map<number, number>();
  private readonly labelIp: number[] = [];
  private readonly pendingBranches: { at: number; label: number }[] = [];
  private pcLo = 0;
  private pcHi = 0;
  /** Reads of each temp (inputs of every op; all temps of a call), for fusion decisions. */
  private readonly useCount: Int32Array;
  /** Branches to each label. */
  private readonly labelRefs: number[] = [];

  constructor(private readonly fn: IRFunction, private readonly pool: ConstPool, private readonly helpers: HelperTable) {
    this.useCount = new Int32Array(fn.temps.length + 1);
    for (const op of fn.ops) {
      const def = OP_DEFS[op.opc]!, a = op.args;
      if (op.opc === Opc.call) {
        for (let i = 0; i < a.length - 1; i++) this.useCount[a[i]!]!++;
      } else {
        for (let i = def.nOut; i < def.nOut + def.nIn; i++) this.useCount[a[i]!]!++;
      }
      if (op.opc === Opc.br) this.labelRefs[a[0]!] = (this.labelRefs[a[0]!] ?? 0) + 1;
      else if (op.opc === Opc.brcond_i32 || op.opc === Opc.brcond_i64) this.labelRefs[a[3]!] = (this.labelRefs[a[3]!] ?? 0) + 1;
    }
  }

  /** t is a TB-local temp read exactly once: an op writing it may be fused into its reader. */
  private singleUseLocal(index: number): boolean {
    return this.fn.temp(index).kind === TempKind.Local && this.useCount[index] === 1;
  }

  private constOf(index: number): bigint | null {
    const t = this.fn.temp(index);
    return t.kind === TempKind.Const ? t.value : null;
  }

  /** op is `mov_i64 pc, constant`: its value as [lo, hi], else null. */
  private pcStore(op: Op | undefined): [number, number] | null {
    if (op === undefined || op.opc !== Opc.mov_i64 || this.word(op.args[0]!) !== PC_WORD) return null;
    const v = this.constOf(op.args[1]!);
    return v === null ? null : [Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0];
  }

  word(index: number): number {
    const t: Temp = this.fn.temp(index);
    switch (t.kind) {
      case TempKind.Global:
        if (t.offset % 4 !== 0) throw new Error(`global ${t.name}: offset ${t.offset} is not word aligned`);
        return (CPU_BASE + t.offset) >>> 2;
      case TempKind.Const:
        return this.pool.wordOf(t.value);
      case TempKind.Local: {
        let slot = this.localSlot.get(index);
        if (slot === undefined) {
          slot = this.localSlot.size;
          if (slot >= FRAME_SLOTS) throw new Error(`TB uses more than ${FRAME_SLOTS} local temps`);
          this.localSlot.set(index, slot);
        }
        return (FRAME_BASE >>> 2) + slot * 2;
      }
    }
  }

  branchTarget(label: number): number {
    this.pendingBranches.push({ at: this.code.length, label });
    return -1;
  }

  encode(): Int32Array {
    const ops = this.fn.ops;
    for (let i = 0; i < ops.length;) i += this.fuse(ops, i) || (this.encodeOp(ops[i]!), 1);
    for (const { at, label } of this.pendingBranches) {
      const ip = this.labelIp[label];
      if (ip === undefined) throw new Error(`branch to label $L${label}, which is never set`);
      this.code[at] = ip;
    }
    return Int32Array.from(this.code);
  }

  /** Encode a superoperator starting at ops[i]; returns the IR ops it covers, 0 if none applies. */
  private fuse(ops: readonly Op[], i: number): number {
    const op = ops[i]!, next = ops[i + 1], c = this.code, a = op.args;
    switch (op.opc) {
      case Opc.mov_i64: {
        const pc = this.pcStore(op);
        if (pc !== null && next !== undefined && next.opc === Opc.goto_tb) {
          c.push(IOp.GOTO_TB_PC, next.args[0]!, pc[0], pc[1]);
          return 2;
        }
        const v = this.constOf(a[1]!);
        if (v === null) return 0;
        c.push(IOp.MOVI64, this.word(a[0]!), Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0);
        return 1;
      }
      case Opc.brcond_i64: {
        // brcond a,b,cond,L; mov pc,X; goto_tb s1; set_label L; mov pc,Y; goto_tb s0
        const label = a[3]!;
        const fall = this.pcStore(next), fallGoto = ops[i + 2], setL = ops[i + 3], taken = this.pcStore(ops[i + 4]), takenGoto = ops[i + 5];
        if (fall !== null && taken !== null && fallGoto?.opc === Opc.goto_tb && takenGoto?.opc === Opc.goto_tb &&
            setL?.opc === Opc.set_label && setL.args[0] === label && this.labelRefs[label] === 1) {
          c.push(IOp.BRTB64, this.word(a[0]!), this.word(a[1]!), a[2]!,
            takenGoto.args[0]!, taken[0], taken[1], fallGoto.args[0]!, fall[0], fall[1]);
          return 6;
        }
        return 0;
      }
      case Opc.add_i64: case Opc.sub_i64: {
        if (next === undefined || !this.singleUseLocal(a[0]!)) return 0;
        if (next.opc === Opc.ext32s_i64 && next.args[1] === a[0]) {
          const imm = op.opc === Opc.add_i64 ? this.constOf(a[2]!) : null;
          if (imm !== null) c.push(IOp.ADDIW, this.word(next.args[0]!), this.word(a[1]!), Number(imm & 0xffffffffn) | 0);
          else c.push(op.opc === Opc.add_i64 ? IOp.ADDW : IOp.SUBW, this.word(next.args[0]!), this.word(a[1]!), this.word(a[2]!));
          return 2;
        }
        if (op.opc === Opc.add_i64 && (next.opc === Opc.qemu_ld_i32 || next.opc === Opc.qemu_ld_i64 ||
            next.opc === Opc.qemu_st_i32 || next.opc === Opc.qemu_st_i64) && next.args[1] === a[0]) {
          const imm = this.constOf(a[2]!), base = a[1]!;
          if (imm === null || !hasOffsetField(this.memForm(next))) return 0;
          this.encodeGuestMem(next, base, imm);
          return 2;
        }
        return 0;
      }
      case Opc.extrl_i64_i32: {
        // extrl t1, x; shl/shr/sar_i32 t2, t1, n; ext_i32_i64 d, t2
        const shift = next, ext = ops[i + 2];
        if (shift === undefined || ext === undefined || ext.opc !== Opc.ext_i32_i64) return 0;
        const form = shift.opc === Opc.shl_i32 ? IOp.SLLW : shift.opc === Opc.shr_i32 ? IOp.SRLW : shift.opc === Opc.sar_i32 ? IOp.SRAW : null;
        if (form === null || shift.args[1] !== a[0] || shift.args[2] === a[0] || ext.args[1] !== shift.args[0] ||
            !this.singleUseLocal(a[0]!) || !this.singleUseLocal(shift.args[0]!)) return 0;
        c.push(form, this.word(ext.args[0]!), this.word(a[1]!), this.word(shift.args[2]!));
        return 3;
      }
    }
    return 0;
  }

  private memForm(op: Op): IOp {
    const memop = op.args[2]!;
    const isLoad = op.opc === Opc.qemu_ld_i32 || op.opc === Opc.qemu_ld_i64;
    return isLoad ? qemuLdForm(op.opc === Opc.qemu_ld_i64, memop) : qemuStForm(memop);
  }

  /** A qemu_ld/st whose address is the temp `base` plus `offset`. */
  private encodeGuestMem(op: Op, base: number, offset: bigint): void {
    const a = op.args, memop = a[2]!, mmu = a[3]!;
    if (mmu < 0 || mmu >= TLB_MMU_COUNT) throw new Error(`MMU index ${mmu} out of range`);
    const form = this.memForm(op);
    this.code.push(form, this.word(a[0]!), this.word(base), (TLB_BASE + mmu * TLB_TABLE_SIZE) >>> 2, memop, mmu, this.pcLo, this.pcHi);
    if (form === IOp.QLD_GENERIC) this.code.push(op.opc === Opc.qemu_ld_i64 ? 1 : 0);
    else if (hasOffsetField(form)) this.code.push(Number(offset & 0xffffffffn) | 0, Number((offset >> 32n) & 0xffffffffn) | 0);
  }

  private encodeOp(op: Op): void {
    const c = this.code, a = op.args;
    switch (op.opc) {
      case Opc.insn_start:
        this.pcLo = a[0]!; this.pcHi = a[1]!;
        return;
      case Opc.mb:
        return;
      case Opc.set_label:
        this.labelIp[a[0]!] = c.length;
        return;
      case Opc.br:
        c.push(IOp.br); c.push(this.branchTarget(a[0]!));
        return;
      case Opc.brcond_i32: case Opc.brcond_i64:
        c.push(op.opc, this.word(a[0]!), this.word(a[1]!), a[2]!);
        c.push(this.branchTarget(a[3]!));
        return;
      case Opc.exit_tb: case Opc.goto_tb:
        c.push(op.opc, a[0]!);
        return;
      case Opc.goto_ptr:
        c.push(IOp.goto_ptr);
        return;
      case Opc.call:
        return this.encodeCall(op);
      case Opc.ld_i32: case Opc.ld_i64: case Opc.st_i32: case Opc.st_i64:
        c.push(op.opc, this.word(a[0]!), CPU_BASE + a[1]!, a[2]!);
        return;
      case Opc.qemu_ld_i32: case Opc.qemu_ld_i64: case Opc.qemu_st_i32: case Opc.qemu_st_i64:
        this.encodeGuestMem(op, a[1]!, 0n);
        return;
      case Opc.add_i64: {
        // add with a constant operand: the immediate travels inline (no pool read).
        const ta = this.fn.temp(a[1]!), tb = this.fn.temp(a[2]!);
        const imm = tb.kind === TempKind.Const ? tb : ta.kind === TempKind.Const ? ta : null;
        if (imm) {
          const other = imm === tb ? ta : tb;
          c.push(IOp.ADDI64, this.word(a[0]!), this.word(other.index), Number(imm.value & 0xffffffffn) | 0, Number(imm.value >> 32n) | 0);
          return;
        }
        break;
      }
    }
    const def = OP_DEFS[op.opc]!;
    if (def.flags & (OpFlag.BB_END | OpFlag.CALL | OpFlag.GUEST_MEM | OpFlag.HOST_MEM)) {
      throw new Error(`interpreter: no encoding for ${def.name}`);
    }
    // A value op: opcode, then temps as words, then constant args as they are.
    c.push(op.opc);
    const nTemps = def.nOut + def.nIn;
    for (let i = 0; i < a.length; i++) c.push(i < nTemps ? this.word(a[i]!) : a[i]!);
  }

  private encodeCall(op: Op): void {
    const a = op.args, id = a[a.length - 1]!;
    const sig = this.helpers.sig(id);
    const nOut = sig.ret.length, nIn = sig.args.length;
    if (a.length !== nOut + nIn + 1) throw new Error(`call ${sig.name}: ${a.length - 1} temps, helper wants ${nOut + nIn}`);
    const mayRaise = sig.flags & HelperFlag.MAY_RAISE ? 1 : 0;
    this.code.push(IOp.call, id, nIn, nOut, mayRaise, this.pcLo, this.pcHi);
    for (let i = 0; i < nIn; i++) this.code.push(this.word(a[nOut + i]!));
    for (let i = 0; i < nOut; i++) this.code.push(this.word(a[i]!), sig.ret[i] === Type.I64 ? 1 : 0);
  }
}

/** Encode fn for the interpreter; constants go into pool. */
export function encodeForInterp(fn: IRFunction, pool: ConstPool, helpers: HelperTable): Int32Array {
  return new Encoder(fn, pool, helpers).encode();
}

