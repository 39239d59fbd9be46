// The RISC-V helpers end to end: operands through the HELPER_ARGS slots,
// NaN-boxing, static and dynamic rounding modes, fflags accrual, reserved
// rounding modes, all against QEMU's vectors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelperFlag, HelperTable } from '../../src/exec/helpers.js';
import { GUEST_EXCEPTION } from '../../src/exec/exception.js';
import { Cpu, CPU_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { Excp, Rv } from '../../src/target/riscv/cpu-layout.js';
import { FP_HELPER_NAMES, registerFpHelpers } from '../../src/target/riscv/fp-helpers.js';
import { loadVectors } from './vectors.js';

const mem = new LinearMemory(0x40_0000);
const helpers = new HelperTable();
registerFpHelpers(helpers, mem);

const ARG = CPU_BASE + Cpu.HELPER_ARGS;
const RET = CPU_BASE + Cpu.HELPER_RET;
const BOX = 0xffffffff00000000n;

function setArg(i: number, v: bigint): void {
  mem.writeU64(ARG + 8 * i, v);
}
function fflags(): number {
  return mem.dv.getInt32(CPU_BASE + Rv.FFLAGS, true);
}
function setFflags(v: number): void {
  mem.dv.setInt32(CPU_BASE + Rv.FFLAGS, v, true);
}
function setFrm(v: number): void {
  mem.dv.setInt32(CPU_BASE + Rv.FRM, v, true);
}
function call(name: string): bigint {
  helpers.get(helpers.idOf(name)).fn();
  return mem.readU64(RET);
}

/** Whether a vector operand / result is a binary32 value (boxed in registers). */
function singleOperand(op: string): boolean {
  if (op.startsWith('fcvt.s.') && op !== 'fcvt.s.d') return false; // integer operand
  if (op.startsWith('fcvt.d.') && op !== 'fcvt.d.s') return false;
  return op.endsWith('.s') || op === 'fcvt.d.s';
}
function singleResult(op: string): boolean {
  return /^f(add|sub|mul|div|sqrt|madd|msub|nmsub|nmadd|min|max)\.s$/.test(op) || op.startsWith('fcvt.s.');
}

test('every helper is registered with the agreed signature and flags', () => {
  for (const name of FP_HELPER_NAMES) {
    const h = helpers.get(helpers.idOf(name));
    const takesRm = h.args.length > 0 && h.args[h.args.length - 1] === 0 /* Type.I32 */;
    const noRm = /^f(min|max|eq|lt|le|class)_/.test(name);
    if (noRm) assert.equal(h.flags, HelperFlag.NO_READ_GLOBALS | HelperFlag.NO_WRITE_GLOBALS, name);
    else {
      assert.ok(takesRm, name);
      assert.equal(h.flags, HelperFlag.MAY_RAISE | HelperFlag.NO_WRITE_GLOBALS, name);
    }
  }
  assert.equal(helpers.count, FP_HELPER_NAMES.length);
});

for (const section of loadVectors()) {
  test(`helper ${section.op.replace(/\./g, '_')} matches qemu (static and dynamic rm)`, () => {
    const name = section.op.replace(/\./g, '_');
    const boxArgs = singleOperand(section.op), boxResult = singleResult(section.op);
    const failures: string[] = [];
    let n = 0;
    for (const row of section.rows) {
      row.args.forEach((a, i) => setArg(i, boxArgs ? a | BOX : a));
      const modes = section.hasRm ? 5 : 1;
      for (let rm = 0; rm < modes; rm++) {
        // Every fourth vector goes through the dynamic mode (rm = 7, frm = rm).
        const dynamic = section.hasRm && (n++ & 3) === 0;
        if (section.hasRm) {
          setArg(row.args.length, dynamic ? 7n : BigInt(rm));
          setFrm(dynamic ? rm : 5); // a reserved frm must not matter under a static rm
        }
        setFflags(0);
        const r = call(name);
        const want = boxResult ? row.results[rm]! | BOX : row.results[rm]!;
        if (r !== want || fflags() !== row.flags[rm]) {
          failures.push(`${row.args.map((a) => a.toString(16)).join(' ')} rm=${rm}${dynamic ? ' (dyn)' : ''}: got ${r.toString(16)}/${fflags()} want ${want.toString(16)}/${row.flags[rm]}`);
        }
      }
    }
    assert.equal(failures.length, 0, `${failures.length} mismatches:\n${failures.slice(0, 8).join('\n')}`);
  });
}

test('single operands that are not NaN-boxed read as the canonical NaN', () => {
  setFrm(0);
  setArg(0, 0x3f800000n); // 1.0f without the box
  setArg(1, 0x3f800000n | BOX);
  setArg(2, 0n);
  setFflags(0);
  assert.equal(call('fadd_s'), 0x7fc00000n | BOX);
  assert.equal(fflags(), 0, 'the canonical NaN is quiet');
  setFflags(0);
  assert.equal(call('fclass_s'), 1n << 9n);
  setArg(1, 0n); // rm of fcvt_d_s
  assert.equal(call('fcvt_d_s'), 0x7ff8000000000000n);
  assert.equal(fflags(), 0);
});

test('fflags accumulate: earlier flags stay set', () => {
  setFflags(0x10);
  setArg(0, 0x3ff0000000000000n);
  setArg(1, 0x4008000000000000n);
  setArg(2, 0n);
  assert.equal(call('fdiv_d'), 0x3fd5555555555555n);
  assert.equal(fflags(), 0x11);
});

test('a reserved dynamic rounding mode raises illegal instruction', () => {
  for (const frm of [5, 6, 7]) {
    setFrm(frm);
    setArg(0, 0x3ff0000000000000n);
    setArg(1, 0x3ff0000000000000n);
    setArg(2, 7n);
    mem.dv.setInt32(CPU_BASE + Cpu.EXCEPTION, -1, true);
    mem.writeU64(CPU_BASE + Cpu.EXCEPTION_VALUE, 1234n);
    assert.throws(() => call('fadd_d'), (e: unknown) => e === GUEST_EXCEPTION);
    assert.equal(mem.dv.getInt32(CPU_BASE + Cpu.EXCEPTION, true), Excp.ILLEGAL_INSN);
    assert.equal(mem.readU64(CPU_BASE + Cpu.EXCEPTION_VALUE), 0n);
  }
  setFrm(0);
});
