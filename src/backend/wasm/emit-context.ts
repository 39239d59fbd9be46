// What the per-op emitters (arithmetic, memory) need from the TB code
// generator: the instruction writer, operand access and scratch locals.

import { Temp, Type } from '../../ir/types.js';
import { CodeWriter } from './encoder.js';
import { ValType } from './opcodes.js';

export interface EmitContext {
  readonly w: CodeWriter;
  /** Push the value of temp t (a local, a constant, or a load of a global). Pure: may be emitted twice. */
  get(t: Temp): void;
  /** Store the value computed by `value` into temp d (address first for globals). */
  def(d: Temp, value: () => void): void;
  /**
   * The n-th scratch local of a type. Emitters use fixed numbers so nested
   * emitters never share one: see the numbering notes where they are used.
   */
  scratch(type: ValType, n: number): number;
}

export function valType(t: Type): ValType {
  return t === Type.I32 ? ValType.I32 : ValType.I64;
}
