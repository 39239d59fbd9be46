// The IR of one translation block: its temps and its op list.

import { OP_DEFS, Opc, OpFlag } from './ops.js';
import { Temp, TempKind, Type } from './types.js';

/** One IR instruction. `args` = outputs, inputs (temp indices), then constant args. */
export interface Op {
  opc: Opc;
  args: number[];
}

/** A guest-visible global declared by a target: a named slot in the CPU state. */
export interface GlobalDecl {
  readonly name: string;
  readonly type: Type;
  /** Byte offset relative to the CPU base. */
  readonly offset: number;
}

/**
 * The helper signature as the IR sees it: `call` ops take their operand counts
 * and types from here. The function itself lives in the exec helper table.
 */
export interface HelperSig {
  readonly name: string;
  readonly args: readonly Type[];
  readonly ret: readonly Type[];
  /** HelperFlag bits (src/exec/helpers.ts). */
  readonly flags: number;
}

export interface HelperSigTable {
  sig(id: number): HelperSig;
}

/**
 * A TB's IR. Temps 0..globals.length-1 are the target's globals, in the
 * target's declaration order, so a global has the same index in every TB.
 */
export class IRFunction {
  readonly temps: Temp[] = [];
  ops: Op[] = [];
  nLabels = 0;
  readonly nGlobals: number;
  private readonly constCache = new Map<string, number>();

  constructor(readonly globals: readonly GlobalDecl[], readonly helpers: HelperSigTable) {
    for (const g of globals) {
      this.temps.push({ index: this.temps.length, kind: TempKind.Global, type: g.type, offset: g.offset, value: 0n, name: g.name });
    }
    this.nGlobals = globals.length;
  }

  newLocal(type: Type): Temp {
    const t: Temp = { index: this.temps.length, kind: TempKind.Local, type, offset: -1, value: 0n, name: `tmp${this.temps.length - this.nGlobals}` };
    this.temps.push(t);
    return t;
  }

  /** The constant temp for value (masked to the type's width); one temp per distinct value. */
  constant(type: Type, value: bigint | number): Temp {
    const v = type === Type.I32 ? BigInt.asUintN(32, BigInt(value)) : BigInt.asUintN(64, BigInt(value));
    const key = `${type}:${v}`;
    const hit = this.constCache.get(key);
    if (hit !== undefined) return this.temps[hit]!;
    const t: Temp = { index: this.temps.length, kind: TempKind.Const, type, offset: -1, value: v, name: `$0x${v.toString(16)}` };
    this.temps.push(t);
    this.constCache.set(key, t.index);
    return t;
  }

  newLabel(): number {
    return this.nLabels++;
  }

  temp(index: number): Temp {
    return this.temps[index]!;
  }

  /** Number of output temps of op (call: from its helper). */
  nOut(op: Op): number {
    const def = OP_DEFS[op.opc]!;
    return def.flags & OpFlag.CALL ? this.helpers.sig(op.args[op.args.length - 1]!).ret.length : def.nOut;
  }

  /** Number of input temps of op (call: from its helper). */
  nIn(op: Op): number {
    const def = OP_DEFS[op.opc]!;
    return def.flags & OpFlag.CALL ? this.helpers.sig(op.args[op.args.length - 1]!).args.length : def.nIn;
  }
}
