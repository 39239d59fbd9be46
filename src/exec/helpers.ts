// Helper functions: code that translated blocks call (QEMU's DEF_HELPER_FLAGS).
//
// Calling convention, identical in every tier and allocation-free:
//   - the backend stores each argument into Cpu.HELPER_ARGS slot i (8 bytes a
//     slot; an i32 argument occupies the low word, the high word is unspecified);
//   - it calls `fn()` with no arguments;
//   - results are read back from Cpu.HELPER_RET (slot 0, then slot 1), 8 bytes
//     each; an i32 result is the low word.
// No BigInt crosses the JS/Wasm boundary, so a call allocates nothing.
//
// A helper that can raise a guest exception throws GUEST_EXCEPTION (see
// exception.ts) after filling Cpu.EXCEPTION; before calling it, the backend
// stores the pc of the current guest instruction into Cpu.PC.

import { HelperSig, HelperSigTable } from '../ir/ir.js';

export const HelperFlag = {
  /** Does not read guest globals: cached registers need not be written back first. */
  NO_READ_GLOBALS: 1 << 0,
  /** Does not write guest globals: cached registers stay valid after the call. */
  NO_WRITE_GLOBALS: 1 << 1,
  /** No side effects: the call may be removed when its results are unused. */
  NO_SIDE_EFFECTS: 1 << 2,
  /** May raise a guest exception (throw GUEST_EXCEPTION): pc is stored first. Implies reading globals. */
  MAY_RAISE: 1 << 3,
} as const;

export interface HelperDef extends HelperSig {
  readonly fn: () => void;
}

export class HelperTable implements HelperSigTable {
  private readonly defs: HelperDef[] = [];
  private readonly byName = new Map<string, number>();

  register(def: HelperDef): number {
    if (def.flags & HelperFlag.MAY_RAISE && def.flags & HelperFlag.NO_READ_GLOBALS) {
      throw new Error(`helper ${def.name}: a helper that may raise reads the guest state`);
    }
    if (def.args.length > 8 || def.ret.length > 2) throw new Error(`helper ${def.name}: too many operands`);
    const existing = this.byName.get(def.name);
    if (existing !== undefined) throw new Error(`helper ${def.name} registered twice`);
    this.defs.push(def);
    this.byName.set(def.name, this.defs.length - 1);
    return this.defs.length - 1;
  }

  sig(id: number): HelperSig {
    const d = this.defs[id];
    if (!d) throw new Error(`no helper ${id}`);
    return d;
  }

  get(id: number): HelperDef {
    return this.defs[id]!;
  }

  idOf(name: string): number {
    const id = this.byName.get(name);
    if (id === undefined) throw new Error(`no helper named ${name}`);
    return id;
  }

  get count(): number {
    return this.defs.length;
  }
}

