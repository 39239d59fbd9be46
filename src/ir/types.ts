// Basic vocabulary of the IR: value types, temps, conditions, labels.
// Kept free of any guest or backend knowledge (see DESIGN.md, "Layout").

/** IR value types. i64 values are plain 64-bit integers; signedness lives in the ops. */
export const enum Type {
  I32 = 0,
  I64 = 1,
}

export function typeName(t: Type): string {
  return t === Type.I32 ? 'i32' : 'i64';
}

/**
 * Where a temp lives.
 * - Global: bound to a fixed byte offset in the CPU state (relative to the CPU
 *   base); survives across TBs. Guest registers are globals.
 * - Local: lives for one TB only.
 * - Const: an immutable value known at translation time.
 */
export const enum TempKind {
  Global = 0,
  Local = 1,
  Const = 2,
}

export interface Temp {
  /** Index into the owning IRFunction's temps array. */
  readonly index: number;
  readonly kind: TempKind;
  readonly type: Type;
  /** Global: byte offset of the value in the CPU state. */
  readonly offset: number;
  /** Const: the value, as an unsigned 64-bit (or 32-bit) bigint. Translation time only. */
  readonly value: bigint;
  /** Name for the printer (globals: "x5", "pc"; locals: "tmp3"; consts: "$0x10"). */
  readonly name: string;
}

/**
 * Comparison conditions for setcond/negsetcond/movcond/brcond.
 * Values are stable: they appear in golden IR dumps and in encoded code.
 */
export const enum Cond {
  Never = 0,
  Always = 1,
  EQ = 2,
  NE = 3,
  LT = 4,
  GE = 5,
  LE = 6,
  GT = 7,
  LTU = 8,
  GEU = 9,
  LEU = 10,
  GTU = 11,
}

export const COND_NAMES = ['never', 'always', 'eq', 'ne', 'lt', 'ge', 'le', 'gt', 'ltu', 'geu', 'leu', 'gtu'];

/** The condition that is true exactly when `c` is false. */
export function invertCond(c: Cond): Cond {
  switch (c) {
    case Cond.Never: return Cond.Always;
    case Cond.Always: return Cond.Never;
    case Cond.EQ: return Cond.NE;
    case Cond.NE: return Cond.EQ;
    case Cond.LT: return Cond.GE;
    case Cond.GE: return Cond.LT;
    case Cond.LE: return Cond.GT;
    case Cond.GT: return Cond.LE;
    case Cond.LTU: return Cond.GEU;
    case Cond.GEU: return Cond.LTU;
    case Cond.LEU: return Cond.GTU;
    case Cond.GTU: return Cond.LEU;
  }
}

/** The condition with its operands swapped: a c b == b swapCond(c) a. */
export function swapCond(c: Cond): Cond {
  switch (c) {
    case Cond.LT: return Cond.GT;
    case Cond.GT: return Cond.LT;
    case Cond.LE: return Cond.GE;
    case Cond.GE: return Cond.LE;
    case Cond.LTU: return Cond.GTU;
    case Cond.GTU: return Cond.LTU;
    case Cond.LEU: return Cond.GEU;
    case Cond.GEU: return Cond.LEU;
    default: return c;
  }
}

/** Evaluate a condition on two values given as bigints of the op's width. */
export function evalCondBig(c: Cond, a: bigint, b: bigint, bits: 32 | 64): boolean {
  const sa = BigInt.asIntN(bits, a), sb = BigInt.asIntN(bits, b);
  const ua = BigInt.asUintN(bits, a), ub = BigInt.asUintN(bits, b);
  switch (c) {
    case Cond.Never: return false;
    case Cond.Always: return true;
    case Cond.EQ: return ua === ub;
    case Cond.NE: return ua !== ub;
    case Cond.LT: return sa < sb;
    case Cond.GE: return sa >= sb;
    case Cond.LE: return sa <= sb;
    case Cond.GT: return sa > sb;
    case Cond.LTU: return ua < ub;
    case Cond.GEU: return ua >= ub;
    case Cond.LEU: return ua <= ub;
    case Cond.GTU: return ua > ub;
  }
}
