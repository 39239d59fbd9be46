// The guest FP test's expected output (qemu-riscv64 running fp-test) replayed
// through wemu's FP helpers: every line of an instruction that has a helper
// must give the same register image and fflags. This checks the helpers'
// register-level contract (NaN-boxing, static and dynamic rm) against the
// very output the guest test will be compared with.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelperTable } from '../../src/exec/helpers.js';
import { Cpu, CPU_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { Rv } from '../../src/target/riscv/cpu-layout.js';
import { FP_HELPER_NAMES, registerFpHelpers } from '../../src/target/riscv/fp-helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const EXPECTED = resolve(here, '../../../tests/riscv64-fp/fp-test.expected');
const MODES = ['rne', 'rtz', 'rdn', 'rup', 'rmm'];
const RM_DYNAMIC = 7n;

test('fp-test.expected agrees with the FP helpers', () => {
  const mem = new LinearMemory(0x40_0000);
  const helpers = new HelperTable();
  registerFpHelpers(helpers, mem);
  const known = new Set(FP_HELPER_NAMES);
  const ARG = CPU_BASE + Cpu.HELPER_ARGS;
  const failures: string[] = [];
  let checked = 0;
  for (const line of readFileSync(EXPECTED, 'latin1').split('\n')) {
    // "<insn>/<mode>[frm] <operands...> = <result> <flags>"
    const m = /^([a-z.]+)\/([a-z]+)(\d?) ([0-9a-f ]+) = ([0-9a-f]+) ([0-9a-f]+)$/.exec(line);
    if (!m) continue;
    const [, insn, mode, frm, operands, result, flags] = m as unknown as string[];
    const name = insn!.replace(/\./g, '_');
    if (!known.has(name)) continue; // fmv, fsgnj: translated inline, not helpers
    const h = helpers.get(helpers.idOf(name));
    const args = operands!.split(' ').map((x) => BigInt('0x' + x));
    args.forEach((a, i) => mem.writeU64(ARG + 8 * i, a));
    if (h.args.length > args.length) {
      mem.writeU64(ARG + 8 * args.length, mode === 'dyn' ? RM_DYNAMIC : BigInt(MODES.indexOf(mode!)));
    }
    mem.dv.setInt32(CPU_BASE + Rv.FRM, mode === 'dyn' ? Number(frm || '0') : 0, true);
    mem.dv.setInt32(CPU_BASE + Rv.FFLAGS, 0, true);
    h.fn();
    checked++;
    const got = mem.readU64(CPU_BASE + Cpu.HELPER_RET);
    const gotFlags = mem.dv.getInt32(CPU_BASE + Rv.FFLAGS, true);
    if (got !== BigInt('0x' + result) || gotFlags !== parseInt(flags!, 16)) {
      failures.push(`${line}: got ${got.toString(16)} ${gotFlags.toString(16)}`);
    }
  }
  assert.ok(checked > 10000, `only ${checked} lines checked`);
  assert.equal(failures.length, 0, `${failures.length} mismatches:\n${failures.slice(0, 10).join('\n')}`);
});
