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

import { IRFunction, Op } from '../../ir/ir.js';
import { OP_DEFS, Opc, OpFlag } from '../../ir/ops.js';
import { Temp, TempKind, Type } from '../../ir/types.js';
import { HelperFlag, HelperTable } from '../../exec/helpers.js';
import { CPU_BASE, FRAME_BASE, FRAME_SIZE, TLB_BASE } from '../../memory/layout.js';
import { MemOp } from '../../memory/memop.js';
import { TLB_TABLE_SIZE, TLB_MMU_COUNT } from '../../memory/tlb-layout.js';
import { ConstPool } from './const-pool.js';
import { IOp } from './iop.js';

const FRAME_SLOTS = FRAME_SIZE / 8;

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

  constructor(private readonly fn: IRFunction, private readonly pool: ConstPool, private readonly helpers: HelperTable) {}

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
    for (const op of this.fn.ops) this.encodeOp(op);
    for (const { at, label } of this.pendingBranches) {
      const ip = this.labelIp[label];
      if (ip === undefined) throw new Error(`branch to label $L${label}, which is never set`);
      this.code[at] = ip;
    }
    return Int32Array.from(this.code);
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
      case Opc.qemu_ld_i32: case Opc.qemu_ld_i64: case Opc.qemu_st_i32: case Opc.qemu_st_i64: {
        const memop = a[2]!, mmu = a[3]!;
        if (mmu < 0 || mmu >= TLB_MMU_COUNT) throw new Error(`MMU index ${mmu} out of range`);
        const isLoad = op.opc === Opc.qemu_ld_i32 || op.opc === Opc.qemu_ld_i64;
        const form = isLoad ? qemuLdForm(op.opc === Opc.qemu_ld_i64, memop) : qemuStForm(memop);
        c.push(form, this.word(a[0]!), this.word(a[1]!), (TLB_BASE + mmu * TLB_TABLE_SIZE) >>> 2, memop, mmu, this.pcLo, this.pcHi);
        if (form === IOp.QLD_GENERIC) c.push(op.opc === Opc.qemu_ld_i64 ? 1 : 0);
        return;
      }
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

