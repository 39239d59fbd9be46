// The IR as text, in the spirit of QEMU's `-d op`: one op per line, each
// guest instruction introduced by ` ---- <pc>`, operands as temp names
// (globals by their target name, locals tmpN, constants $0xN), labels $LN,
// conditions and MemOps by name, helpers by name.

import { IRFunction, Op } from './ir.js';
import { OP_DEFS, Opc, OpFlag } from './ops.js';
import { COND_NAMES } from './types.js';
import { memopName } from '../memory/memop.js';

function hex(n: number): string {
  return `$0x${(n >>> 0).toString(16)}`;
}

function insnPc(op: Op): string {
  const lo = BigInt(op.args[0]! >>> 0), hi = BigInt(op.args[1]! >>> 0);
  return ((hi << 32n) | lo).toString(16).padStart(16, '0');
}

function constArg(name: string, value: number, fn: IRFunction): string {
  switch (name) {
    case 'cond': return COND_NAMES[value] ?? `cond?${value}`;
    case 'label': return `$L${value}`;
    case 'memop': return memopName(value);
    case 'mmu': return String(value);
    case 'helper': return fn.helpers.sig(value).name;
    default: return hex(value);
  }
}

/** One op as text, without the leading space. */
export function printOp(fn: IRFunction, op: Op): string {
  if (op.opc === Opc.insn_start) return `---- ${insnPc(op)}`;
  const def = OP_DEFS[op.opc]!;
  const a = op.args;
  if (def.flags & OpFlag.CALL) {
    // QEMU prints the helper first, then outputs and inputs.
    const temps = a.slice(0, a.length - 1).map((t) => fn.temp(t).name);
    return `call ${[fn.helpers.sig(a[a.length - 1]!).name, ...temps].join(',')}`;
  }
  const nTemps = def.nOut + def.nIn;
  const parts: string[] = [];
  for (let i = 0; i < nTemps; i++) parts.push(fn.temp(a[i]!).name);
  if (def.flags & OpFlag.HOST_MEM) {
    // ld/st address the CPU state: "env" plus the offset, like QEMU.
    parts.push('env', hex(a[nTemps]!), memopName(a[nTemps + 1]!));
  } else {
    def.constNames.forEach((name, i) => parts.push(constArg(name, a[nTemps + i]!, fn)));
  }
  return parts.length > 0 ? `${def.name} ${parts.join(',')}` : def.name;
}

/** The whole function, one op per line, each line starting with a space as in QEMU's log. */
export function printIR(fn: IRFunction): string {
  return fn.ops.map((op) => ` ${printOp(fn, op)}\n`).join('');
}
