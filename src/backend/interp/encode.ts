// Encoding a TB's IR into the interpreter's compact form: [opcode, operand
// words...] records (opcodes in iop.ts), appended to the interpreter's code
// arena (code-arena.ts) after the TB's header.
//
// Operands are word indices into the linear memory's Int32Array: a global at
// (CPU_BASE + offset) / 4, a TB-local temp at its 8-byte slot in the frame
// (FRAME_BASE), a constant at its constant-pool slot. An i64 value is two
// words, low first. insn_start and mb produce no code: the pc of the current
// guest instruction is copied into the ops that need it (guest memory access
// and raising helpers), so marking instructions costs nothing at run time.
// Labels become absolute indices into the arena.
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

import { IRFunction, IRTemp, Op } from '../../ir/ir.js';
import { OP_DEFS, Opc, OpFlag } from '../../ir/ops.js';
import { TempKind, Type } from '../../ir/types.js';
import { HelperFlag, HelperTable } from '../../exec/helpers.js';
import { Cpu, CPU_BASE, FRAME_BASE, FRAME_SIZE, TLB_BASE } from '../../memory/layout.js';
import { MemOp } from '../../memory/memop.js';
import { TLB_TABLE_SIZE, TLB_MMU_COUNT } from '../../memory/tlb-layout.js';
import { CodeArena, HEADER_WORDS } from './code-arena.js';
import { ConstPool } from './const-pool.js';
import { IOp } from './iop.js';

const FRAME_SLOTS = FRAME_SIZE / 8;
/** Words of arena room asked for at a time: more than most TBs' code. */
const ROOM_STEP = 1024;
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

/**
 * Scratch buffers kept across TBs (encoding is not re-entrant): per-temp and
 * per-label tables. Typed arrays of a TB's size live outside the JS heap and
 * cost more to allocate than to fill.
 */
let tempBuf: Int32Array = new Int32Array(1024);
let slotBuf: Int32Array = new Int32Array(1024);
let labelBuf: Int32Array = new Int32Array(256);
let refsBuf: Int32Array = new Int32Array(256);
let branchBuf: Int32Array = new Int32Array(512);

function grown(buf: Int32Array, need: number): Int32Array {
  if (need <= buf.length) return buf;
  let size = buf.length * 2;
  while (size < need) size *= 2;
  const bigger = new Int32Array(size);
  bigger.set(buf);
  return bigger;
}

class Encoder {
  /** The arena's words, written from word `base` on; `len` words so far. */
  private code: Int32Array;
  private readonly base: number;
  private len = 0;
  /** TB-local temp -> frame slot, constant -> its pool word; -1 before the first use. */
  private readonly localSlot: Int32Array;
  private nSlots = 0;
  /** Code index of each label (-1 until set). */
  private readonly labelIp: Int32Array;
  /** Code indices of branch targets still to patch, with their labels, in pairs. */
  private branches: Int32Array;
  private nBranches = 0;
  private pcLo = 0;
  private pcHi = 0;
  /** Reads of each temp (inputs of every op; all temps of a call), for fusion decisions. */
  private readonly useCount: Int32Array;
  /** Branches to each label. */
  private readonly labelRefs: Int32Array;
  private readonly temps: IRTemp[];
  /** The pc a `mov_i64 pc, constant` stores (set by pcStore). */
  private storedLo = 0;
  private storedHi = 0;

  constructor(private readonly fn: IRFunction, private readonly arena: CodeArena, private readonly pool: ConstPool,
    private readonly helpers: HelperTable) {
    const n = fn.temps.length + 1, nLabels = fn.nLabels + 1;
    this.temps = fn.temps;
    this.base = arena.used;
    this.code = arena.room(ROOM_STEP);
    this.useCount = tempBuf = grown(tempBuf, n);
    this.localSlot = slotBuf = grown(slotBuf, n);
    this.labelIp = labelBuf = grown(labelBuf, nLabels);
    this.labelRefs = refsBuf = grown(refsBuf, nLabels);
    this.branches = branchBuf;
    // Plain loops: TypedArray.prototype.fill's call overhead exceeds a TB's ~100 words.
    const useCount = this.useCount, localSlot = this.localSlot, labelIp = this.labelIp, labelRefs = this.labelRefs;
    for (let i = 0; i < n; i++) { useCount[i] = 0; localSlot[i] = -1; }
    for (let i = 0; i < nLabels; i++) { labelIp[i] = -1; labelRefs[i] = 0; }
    const ops = fn.ops;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!, def = OP_DEFS[op.opc]!, a = op.args;
      if (op.opc === Opc.call) {
        for (let i = 0; i < a.length - 1; i++) useCount[a[i]!]!++;
      } else {
        for (let i = def.nOut; i < def.nOut + def.nIn; i++) useCount[a[i]!]!++;
      }
      if (op.opc === Opc.br) labelRefs[a[0]!]!++;
      else if (op.opc === Opc.brcond_i32 || op.opc === Opc.brcond_i64) labelRefs[a[3]!]!++;
    }
  }

  /** Append one word. */
  private put(v: number): void {
    if (this.base + this.len === this.code.length) this.code = this.arena.room(this.len + ROOM_STEP);
    this.code[this.base + this.len++] = v;
  }

  private put3(a: number, b: number, c: number): void {
    this.put(a); this.put(b); this.put(c);
  }

  private put4(a: number, b: number, c: number, d: number): void {
    this.put(a); this.put(b); this.put(c); this.put(d);
  }

  /** t is a TB-local temp read exactly once: an op writing it may be fused into its reader. */
  private singleUseLocal(index: number): boolean {
    return this.temps[index]!.kind === TempKind.Local && this.useCount[index] === 1;
  }

  /** op is `mov_i64 pc, constant`: sets storedLo/storedHi to its value. */
  private pcStore(op: Op | undefined): boolean {
    if (op === undefined || op.opc !== Opc.mov_i64 || this.word(op.args[0]!) !== PC_WORD) return false;
    const t = this.temps[op.args[1]!]!;
    if (t.kind !== TempKind.Const) return false;
    this.storedLo = t.lo; this.storedHi = t.hi;
    return true;
  }

  word(index: number): number {
    const t = this.temps[index]!;
    switch (t.kind) {
      case TempKind.Global:
        if (t.offset % 4 !== 0) throw new Error(`global ${t.name}: offset ${t.offset} is not word aligned`);
        return (CPU_BASE + t.offset) >>> 2;
      case TempKind.Const: {
        // Cached per TB in localSlot (a temp is a local or a constant, never both): the pool costs two Map lookups.
        let w = this.localSlot[index]!;
        if (w < 0) {
          w = this.pool.wordOfPair(t.lo, t.hi);
          this.localSlot[index] = w;
        }
        return w;
      }
      case TempKind.Local: {
        let slot = this.localSlot[index]!;
        if (slot < 0) {
          slot = this.nSlots++;
          if (slot >= FRAME_SLOTS) throw new Error(`TB uses more than ${FRAME_SLOTS} local temps`);
          this.localSlot[index] = slot;
        }
        return (FRAME_BASE >>> 2) + slot * 2;
      }
    }
  }

  /** A branch target word for label, patched once every label is placed. */
  private putBranchTarget(label: number): void {
    if (this.nBranches * 2 + 2 > this.branches.length) this.branches = branchBuf = grown(this.branches, this.nBranches * 2 + 2);
    this.branches[this.nBranches * 2] = this.len;
    this.branches[this.nBranches * 2 + 1] = label;
    this.nBranches++;
    this.put(-1);
  }

  /** Encode the TB after room for its header (code-arena.ts); returns its entry, the index of its first op. */
  encode(): number {
    const ops = this.fn.ops;
    for (let i = 0; i < HEADER_WORDS; i++) this.put(0);
    for (let i = 0; i < ops.length;) i += this.fuse(ops, i) || (this.encodeOp(ops[i]!), 1);
    for (let k = 0; k < this.nBranches; k++) {
      const at = this.branches[k * 2]!, label = this.branches[k * 2 + 1]!;
      const ip = label < this.fn.nLabels ? this.labelIp[label]! : -1;
      if (ip < 0) throw new Error(`branch to label $L${label}, which is never set`);
      this.code[this.base + at] = this.base + ip;
    }
    // Only now is the space taken: a TB that threw left the arena as it was.
    this.arena.used = this.base + this.len;
    return this.base + HEADER_WORDS;
  }

  /** Encode a superoperator starting at ops[i]; returns the IR ops it covers, 0 if none applies. */
  private fuse(ops: readonly Op[], i: number): number {
    const op = ops[i]!, next = ops[i + 1], a = op.args;
    // IOp mirrors Opc: its literal case labels let V8 build a jump table.
    switch (op.opc as number as IOp) {
      case IOp.mov_i64: {
        if (this.pcStore(op) && next !== undefined && next.opc === Opc.goto_tb) {
          this.put4(IOp.GOTO_TB_PC, next.args[0]!, this.storedLo, this.storedHi);
          return 2;
        }
        const v = this.temps[a[1]!]!;
        if (v.kind !== TempKind.Const) return 0;
        this.put4(IOp.MOVI64, this.word(a[0]!), v.lo, v.hi);
        return 1;
      }
      case IOp.brcond_i64: {
        // brcond a,b,cond,L; mov pc,X; goto_tb s1; set_label L; mov pc,Y; goto_tb s0
        const label = a[3]!;
        const fall = this.pcStore(next), fallLo = this.storedLo, fallHi = this.storedHi;
        const fallGoto = ops[i + 2], setL = ops[i + 3], taken = this.pcStore(ops[i + 4]), takenGoto = ops[i + 5];
        if (fall && taken && fallGoto?.opc === Opc.goto_tb && takenGoto?.opc === Opc.goto_tb &&
            setL?.opc === Opc.set_label && setL.args[0] === label && this.labelRefs[label] === 1) {
          this.put4(IOp.BRTB64, this.word(a[0]!), this.word(a[1]!), a[2]!);
          this.put3(takenGoto.args[0]!, this.storedLo, this.storedHi);
          this.put3(fallGoto.args[0]!, fallLo, fallHi);
          return 6;
        }
        return 0;
      }
      case IOp.add_i64: case IOp.sub_i64: {
        if (next === undefined || !this.singleUseLocal(a[0]!)) return 0;
        if (next.opc === Opc.ext32s_i64 && next.args[1] === a[0]) {
          const imm = op.opc === Opc.add_i64 ? this.temps[a[2]!]! : null;
          if (imm !== null && imm.kind === TempKind.Const) this.put4(IOp.ADDIW, this.word(next.args[0]!), this.word(a[1]!), imm.lo);
          else this.put4(op.opc === Opc.add_i64 ? IOp.ADDW : IOp.SUBW, this.word(next.args[0]!), this.word(a[1]!), this.word(a[2]!));
          return 2;
        }
        if (op.opc === Opc.add_i64 && (next.opc === Opc.qemu_ld_i32 || next.opc === Opc.qemu_ld_i64 ||
            next.opc === Opc.qemu_st_i32 || next.opc === Opc.qemu_st_i64) && next.args[1] === a[0]) {
          const imm = this.temps[a[2]!]!, base = a[1]!;
          if (imm.kind !== TempKind.Const || !hasOffsetField(this.memForm(next))) return 0;
          this.encodeGuestMem(next, base, imm.lo, imm.hi);
          return 2;
        }
        return 0;
      }
      case IOp.extrl_i64_i32: {
        // extrl t1, x; shl/shr/sar_i32 t2, t1, n; ext_i32_i64 d, t2
        const shift = next, ext = ops[i + 2];
        if (shift === undefined || ext === undefined || ext.opc !== Opc.ext_i32_i64) return 0;
        const form = shift.opc === Opc.shl_i32 ? IOp.SLLW : shift.opc === Opc.shr_i32 ? IOp.SRLW : shift.opc === Opc.sar_i32 ? IOp.SRAW : null;
        if (form === null || shift.args[1] !== a[0] || shift.args[2] === a[0] || ext.args[1] !== shift.args[0] ||
            !this.singleUseLocal(a[0]!) || !this.singleUseLocal(shift.args[0]!)) return 0;
        this.put4(form, this.word(ext.args[0]!), this.word(a[1]!), this.word(shift.args[2]!));
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

  /** A qemu_ld/st whose address is the temp `base` plus the offset with halves (offLo, offHi). */
  private encodeGuestMem(op: Op, base: number, offLo: number, offHi: number): void {
    const a = op.args, memop = a[2]!, mmu = a[3]!;
    if (mmu < 0 || mmu >= TLB_MMU_COUNT) throw new Error(`MMU index ${mmu} out of range`);
    const form = this.memForm(op);
    this.put4(form, this.word(a[0]!), this.word(base), (TLB_BASE + mmu * TLB_TABLE_SIZE) >>> 2);
    this.put4(memop, mmu, this.pcLo, this.pcHi);
    if (form === IOp.QLD_GENERIC) this.put(op.opc === Opc.qemu_ld_i64 ? 1 : 0);
    else if (hasOffsetField(form)) { this.put(offLo); this.put(offHi); }
  }

  private encodeOp(op: Op): void {
    const a = op.args;
    switch (op.opc as number as IOp) {
      case IOp.insn_start:
        this.pcLo = a[0]!; this.pcHi = a[1]!;
        return;
      case IOp.mb:
        return;
      case IOp.set_label:
        this.labelIp[a[0]!] = this.len;
        return;
      case IOp.br:
        this.put(IOp.br); this.putBranchTarget(a[0]!);
        return;
      case IOp.brcond_i32: case IOp.brcond_i64:
        this.put4(op.opc, this.word(a[0]!), this.word(a[1]!), a[2]!);
        this.putBranchTarget(a[3]!);
        return;
      case IOp.exit_tb: case IOp.goto_tb:
        this.put(op.opc); this.put(a[0]!);
        return;
      case IOp.goto_ptr:
        this.put(IOp.goto_ptr);
        return;
      case IOp.call:
        return this.encodeCall(op);
      case IOp.ld_i32: case IOp.ld_i64: case IOp.st_i32: case IOp.st_i64:
        this.put4(op.opc, this.word(a[0]!), CPU_BASE + a[1]!, a[2]!);
        return;
      case IOp.qemu_ld_i32: case IOp.qemu_ld_i64: case IOp.qemu_st_i32: case IOp.qemu_st_i64:
        this.encodeGuestMem(op, a[1]!, 0, 0);
        return;
      case IOp.add_i64: {
        // add with a constant operand: the immediate travels inline (no pool read).
        const ta = this.temps[a[1]!]!, tb = this.temps[a[2]!]!;
        const imm = tb.kind === TempKind.Const ? tb : ta.kind === TempKind.Const ? ta : null;
        if (imm) {
          const other = imm === tb ? ta : tb;
          this.put4(IOp.ADDI64, this.word(a[0]!), this.word(other.index), imm.lo);
          this.put(imm.hi);
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
    this.put(op.opc);
    const nTemps = def.nOut + def.nIn;
    for (let i = 0; i < a.length; i++) this.put(i < nTemps ? this.word(a[i]!) : a[i]!);
  }

  private encodeCall(op: Op): void {
    const a = op.args, id = a[a.length - 1]!;
    const sig = this.helpers.sig(id);
    const nOut = sig.ret.length, nIn = sig.args.length;
    if (a.length !== nOut + nIn + 1) throw new Error(`call ${sig.name}: ${a.length - 1} temps, helper wants ${nOut + nIn}`);
    const mayRaise = sig.flags & HelperFlag.MAY_RAISE ? 1 : 0;
    this.put4(IOp.call, id, nIn, nOut);
    this.put3(mayRaise, this.pcLo, this.pcHi);
    for (let i = 0; i < nIn; i++) this.put(this.word(a[nOut + i]!));
    for (let i = 0; i < nOut; i++) { this.put(this.word(a[i]!)); this.put(sig.ret[i] === Type.I64 ? 1 : 0); }
  }
}

/**
 * Encode fn for the interpreter at the end of arena (constants go into pool)
 * after HEADER_WORDS words for the caller to fill; returns the entry, the
 * index of the first op.
 */
export function encodeForInterp(fn: IRFunction, arena: CodeArena, pool: ConstPool, helpers: HelperTable): number {
  return new Encoder(fn, arena, pool, helpers).encode();
}
