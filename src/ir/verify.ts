// The IR verifier: run between passes in tests and debug runs (as Cranelift
// does), so a malformed TB fails where it was made, not in a backend.
// It throws an Error naming the op (index and text) and what is wrong.

import { IRFunction, Op } from './ir.js';
import { OP_DEFS, Opc, OpFlag } from './ops.js';
import { printOp } from './print.js';
import { TempKind, Type, typeName } from './types.js';
import { CPU_STATE_SIZE } from '../memory/layout.js';
import { MemOp } from '../memory/memop.js';
import { TLB_MMU_COUNT } from '../memory/tlb-layout.js';

/** Cond values run from Never (0) to GTU (11), see types.ts. */
const COND_COUNT = 12;

class Verifier {
  private readonly labelSet: boolean[] = [];
  private readonly labelUsed: boolean[] = [];
  private readonly written = new Set<number>();
  private index = 0;

  constructor(private readonly fn: IRFunction) {}

  private fail(op: Op | null, msg: string): never {
    let where = '';
    if (op) {
      let text: string;
      try { text = printOp(this.fn, op); } catch { text = `${OP_DEFS[op.opc]?.name ?? op.opc} ${op.args.join(',')}`; }
      where = ` at op ${this.index} (${text})`;
    }
    throw new Error(`IR verify: ${msg}${where}`);
  }

  run(): void {
    const ops = this.fn.ops;
    if (ops.length === 0) this.fail(null, 'empty TB: it must end with a TB exit op');
    for (this.index = 0; this.index < ops.length; this.index++) this.checkOp(ops[this.index]!);
    const last = ops[ops.length - 1]!;
    this.index = ops.length - 1;
    if (!(OP_DEFS[last.opc]!.flags & OpFlag.TB_EXIT)) this.fail(last, 'the TB does not end with a TB exit op');
    this.labelUsed.forEach((used, l) => {
      if (used && !this.labelSet[l]) this.fail(null, `label $L${l} is branched to but never set`);
    });
  }

  private checkTemp(op: Op, t: number, type: Type, isOutput: boolean): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.fn.temps.length) this.fail(op, `temp index ${t} out of range`);
    const temp = this.fn.temp(t);
    if (temp.type !== type) this.fail(op, `${temp.name} is ${typeName(temp.type)}, expected ${typeName(type)}`);
    if (isOutput) {
      if (temp.kind === TempKind.Const) this.fail(op, `writes constant ${temp.name}`);
    } else if (temp.kind === TempKind.Local && !this.written.has(t)) {
      this.fail(op, `reads ${temp.name} before any write`);
    }
  }

  private checkOp(op: Op): void {
    const def = OP_DEFS[op.opc];
    if (!def) this.fail(null, `unknown opcode ${op.opc} at op ${this.index}`);
    let outTypes: readonly Type[] = def.outTypes, inTypes: readonly Type[] = def.inTypes;
    if (def.flags & OpFlag.CALL) {
      const id = op.args[op.args.length - 1];
      if (id === undefined) this.fail(op, 'call without a helper');
      let sig;
      try { sig = this.fn.helpers.sig(id); } catch { this.fail(op, `unknown helper ${id}`); }
      outTypes = sig.ret; inTypes = sig.args;
    }
    const nTemps = outTypes.length + inTypes.length;
    if (op.args.length !== nTemps + def.nConst) {
      this.fail(op, `${op.args.length} args, expected ${nTemps} temps and ${def.nConst} constants`);
    }
    // Inputs are read before outputs are written (d = d + 1 is fine).
    inTypes.forEach((t, i) => this.checkTemp(op, op.args[outTypes.length + i]!, t, false));
    outTypes.forEach((t, i) => this.checkTemp(op, op.args[i]!, t, true));
    for (let i = 0; i < outTypes.length; i++) this.written.add(op.args[i]!);
    this.checkConsts(op, op.args.slice(nTemps));
  }

  private checkConsts(op: Op, consts: number[]): void {
    const def = OP_DEFS[op.opc]!;
    const width = (def.outTypes[0] ?? def.inTypes[0]) === Type.I64 ? 64 : 32;
    def.constNames.forEach((name, i) => {
      const v = consts[i]!;
      if (!Number.isInteger(v)) this.fail(op, `constant ${name} is not an integer`);
      switch (name) {
        case 'cond':
          if (v < 0 || v >= COND_COUNT) this.fail(op, `bad condition ${v}`);
          break;
        case 'label':
          if (v < 0 || v >= this.fn.nLabels) this.fail(op, `label ${v} was never allocated`);
          if (op.opc === Opc.set_label) {
            if (this.labelSet[v]) this.fail(op, `label $L${v} set twice`);
            this.labelSet[v] = true;
          } else {
            if (this.labelSet[v]) this.fail(op, `branch backwards to $L${v}`);
            this.labelUsed[v] = true;
          }
          break;
        case 'len':
          if (v < 1 || consts[0]! < 0 || consts[0]! + v > width) this.fail(op, `field pos ${consts[0]}, len ${v} outside ${width} bits`);
          break;
        case 'memop':
          this.checkMemop(op, v, width);
          break;
        case 'mmu':
          if (v < 0 || v >= TLB_MMU_COUNT) this.fail(op, `MMU index ${v} out of range`);
          break;
        case 'offset': {
          const bytes = 1 << ((consts[i + 1] ?? 0) & MemOp.SIZE_MASK);
          if (v < 0 || v + bytes > CPU_STATE_SIZE) this.fail(op, `CPU-state offset ${v} outside the CPU state`);
          break;
        }
        case 'slot':
          if (v !== 0 && v !== 1) this.fail(op, `goto_tb slot ${v}`);
          break;
      }
    });
  }

  private checkMemop(op: Op, memop: number, width: number): void {
    const known = MemOp.SIZE_MASK | MemOp.SIGN | MemOp.BSWAP | MemOp.ALIGN;
    if (memop & ~known) this.fail(op, `unknown MemOp bits 0x${memop.toString(16)}`);
    const bytes = 1 << (memop & MemOp.SIZE_MASK);
    if (bytes * 8 > width) this.fail(op, `a ${bytes * 8}-bit access into an i${width} value`);
  }
}

/** Throws an Error describing the first problem found in fn. */
export function verify(fn: IRFunction): void {
  new Verifier(fn).run();
}
