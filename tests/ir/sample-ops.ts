// One small, well-formed TB per opcode, for coverage tests: every op must
// verify, print, and run in every backend. Globals g0..g3 are i64, h0..h3
// i32; helper 0 is `sample_helper` (i64 -> i64) which adds one.

import { HelperFlag, HelperTable } from '../../src/exec/helpers.js';
import { GlobalDecl, IRFunction } from '../../src/ir/ir.js';
import { OP_DEFS, Opc, OpFlag } from '../../src/ir/ops.js';
import { Cond, Temp, Type } from '../../src/ir/types.js';
import { Cpu, CPU_BASE, CPU_TARGET_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemOp } from '../../src/memory/memop.js';

export const SAMPLE_GLOBALS: readonly GlobalDecl[] = [
  ...[0, 1, 2, 3].map((i) => ({ name: `g${i}`, type: Type.I64, offset: CPU_TARGET_BASE + 8 * i })),
  ...[0, 1, 2, 3].map((i) => ({ name: `h${i}`, type: Type.I32, offset: CPU_TARGET_BASE + 32 + 8 * i })),
];

/** A helper table with sample_helper (id 0): ret = arg + 1, no effects on globals. */
export function sampleHelpers(mem: LinearMemory): HelperTable {
  const helpers = new HelperTable();
  helpers.register({
    name: 'sample_helper', args: [Type.I64], ret: [Type.I64],
    flags: HelperFlag.NO_READ_GLOBALS | HelperFlag.NO_WRITE_GLOBALS,
    fn: () => {
      const argW = (CPU_BASE + Cpu.HELPER_ARGS) >>> 2, retW = (CPU_BASE + Cpu.HELPER_RET) >>> 2;
      const lo = mem.i32[argW]!, sum = (lo + 1) | 0;
      mem.i32[retW] = sum;
      mem.i32[retW + 1] = (mem.i32[argW + 1]! + (sum === 0 ? 1 : 0)) | 0;
    },
  });
  return helpers;
}

function globalOf(fn: IRFunction, type: Type, i: number): Temp {
  return fn.temp(type === Type.I64 ? i : 4 + i);
}

/** Valid constant args for opc. */
function sampleConsts(opc: Opc, fn: IRFunction): number[] {
  return OP_DEFS[opc]!.constNames.map((name) => {
    switch (name) {
      case 'cond': return Cond.LTU;
      case 'pos': return 3;
      case 'len': return 5;
      case 'memop': return MemOp.S32 | MemOp.SIGN;
      case 'offset': return CPU_TARGET_BASE + 64;
      case 'label': return fn.newLabel();
      case 'kind': return 0;
      default: return 0;
    }
  });
}

/** A TB holding opc once (plus what it needs around it), ending in exit_tb. */
export function sampleTb(opc: Opc, helpers: HelperTable): IRFunction {
  const fn = new IRFunction(SAMPLE_GLOBALS, helpers);
  const def = OP_DEFS[opc]!;
  fn.ops.push({ opc: Opc.insn_start, args: [0x10078, 0] });
  if (opc === Opc.call) {
    fn.ops.push({ opc, args: [globalOf(fn, Type.I64, 0).index, globalOf(fn, Type.I64, 1).index, 0] });
  } else if (def.flags & OpFlag.TB_EXIT) {
    fn.ops.push({ opc, args: sampleConsts(opc, fn) });
    return fn;
  } else {
    const outs = def.outTypes.map((t, i) => globalOf(fn, t, i).index);
    const ins = def.inTypes.map((t, i) => globalOf(fn, t, 2 + (i % 2)).index);
    const consts = sampleConsts(opc, fn);
    fn.ops.push({ opc, args: [...outs, ...ins, ...consts] });
    // Branches need their label set after them.
    if (def.constNames.includes('label') && opc !== Opc.set_label) fn.ops.push({ opc: Opc.set_label, args: [consts[consts.length - 1]!] });
  }
  fn.ops.push({ opc: Opc.exit_tb, args: [0] });
  return fn;
}
