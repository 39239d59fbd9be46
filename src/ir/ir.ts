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
 * A temp. Constants hold their value as two int32 halves (`lo`, `hi`; hi is 0
 * for i32), which translation compares and hashes without BigInt; the bigint
 * `value` and the printer's `name` are made on first use only, because most
 * TBs are translated once and never printed (a Linux boot translates ~70K).
 */
export class IRTemp implements Temp {
  private valueCache: bigint | undefined;
  private nameCache: string | undefined;

  constructor(
    readonly index: number,
    readonly kind: TempKind,
    readonly type: Type,
    readonly offset: number,
    /** Const: low 32 bits of the value, as an int32. */
    readonly lo: number,
    /** Const: high 32 bits of the value (0 for i32), as an int32. */
    readonly hi: number,
    name: string | undefined,
    /** Local: its number among the TB's locals (for the name tmpN). */
    private readonly localNumber: number,
  ) {
    this.nameCache = name;
  }

  get value(): bigint {
    if (this.valueCache === undefined) {
      this.valueCache = this.kind !== TempKind.Const ? 0n
        : this.hi === 0 ? BigInt(this.lo >>> 0)
        : (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
    }
    return this.valueCache;
  }

  get name(): string {
    if (this.nameCache === undefined) {
      this.nameCache = this.kind === TempKind.Local ? `tmp${this.localNumber}` : `$0x${this.value.toString(16)}`;
    }
    return this.nameCache;
  }
}

/**
 * The globals' temps, made once per globals table and shared by every
 * IRFunction over it (temps are immutable), instead of ~70 objects per TB.
 */
const globalTempsOf = new WeakMap<readonly GlobalDecl[], IRTemp[]>();

/** The last table looked up (a machine has one): skips the WeakMap on nearly every TB. */
let lastGlobals: readonly GlobalDecl[] | null = null;
let lastGlobalTemps: IRTemp[] = [];

function globalTemps(globals: readonly GlobalDecl[]): IRTemp[] {
  if (globals === lastGlobals) return lastGlobalTemps;
  let temps = globalTempsOf.get(globals);
  if (temps === undefined) {
    temps = globals.map((g, i) => new IRTemp(i, TempKind.Global, g.type, g.offset, 0, 0, g.name, -1));
    globalTempsOf.set(globals, temps);
  }
  lastGlobals = globals;
  lastGlobalTemps = temps;
  return temps;
}

/** Up to this many constants a TB's constant cache is a linear scan (most TBs have a handful). */
const LINEAR_CONSTS = 16;

/**
 * A TB's IR. Temps 0..globals.length-1 are the target's globals, in the
 * target's declaration order, so a global has the same index in every TB.
 */
export class IRFunction {
  readonly temps: IRTemp[];
  ops: Op[] = [];
  nLabels = 0;
  readonly nGlobals: number;
  /** The constant temps, in creation order. */
  private readonly consts: IRTemp[] = [];
  /** Beyond LINEAR_CONSTS: constant temps by a hash of (lo, hi, type), chained in arrays. */
  private constTable: Map<number, IRTemp[]> | null = null;

  constructor(readonly globals: readonly GlobalDecl[], readonly helpers: HelperSigTable) {
    this.temps = globalTemps(globals).slice();
    this.nGlobals = globals.length;
  }

  newLocal(type: Type): IRTemp {
    const index = this.temps.length;
    const t = new IRTemp(index, TempKind.Local, type, -1, 0, 0, undefined, index - this.nGlobals);
    this.temps.push(t);
    return t;
  }

  /** The constant temp for value (masked to the type's width); one temp per distinct value. */
  constant(type: Type, value: bigint | number): IRTemp {
    if (typeof value === 'number' && value === (value | 0)) {
      // The common case: an int32 immediate, sign-extended to 64 bits.
      return this.constantPair(type, value, type === Type.I32 || value >= 0 ? 0 : -1);
    }
    return this.constantWide(type, value);
  }

  /** constant() for bigints and numbers beyond int32 (kept apart so constant() stays small and inlinable). */
  private constantWide(type: Type, value: bigint | number): IRTemp {
    const v = BigInt.asUintN(64, BigInt(value));
    return this.constantPair(type, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
  }

  /** The constant temp whose value has low half lo and high half hi (ignored for i32). */
  constantPair(type: Type, lo: number, hi: number): IRTemp {
    lo |= 0;
    hi = type === Type.I32 ? 0 : hi | 0;
    if (this.constTable === null) {
      const consts = this.consts;
      for (let i = 0; i < consts.length; i++) {
        const c = consts[i]!;
        if (c.lo === lo && c.hi === hi && c.type === type) return c;
      }
    } else {
      const chain = this.constTable.get(constHash(type, lo, hi));
      if (chain !== undefined) {
        for (let i = 0; i < chain.length; i++) {
          const c = chain[i]!;
          if (c.lo === lo && c.hi === hi && c.type === type) return c;
        }
      }
    }
    const t = new IRTemp(this.temps.length, TempKind.Const, type, -1, lo, hi, undefined, -1);
    this.temps.push(t);
    this.consts.push(t);
    if (this.constTable !== null) this.addToTable(t);
    else if (this.consts.length > LINEAR_CONSTS) {
      this.constTable = new Map();
      for (const c of this.consts) this.addToTable(c);
    }
    return t;
  }

  private addToTable(t: IRTemp): void {
    const h = constHash(t.type, t.lo, t.hi);
    const chain = this.constTable!.get(h);
    if (chain === undefined) this.constTable!.set(h, [t]);
    else chain.push(t);
  }

  newLabel(): number {
    return this.nLabels++;
  }

  temp(index: number): IRTemp {
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

/** A small-integer hash of a constant (kept in SMI range so the Map key allocates nothing). */
function constHash(type: Type, lo: number, hi: number): number {
  return ((Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca77) ^ type) >>> 2);
}

