// Frozen IR (src/ir/frozen.ts): every TB of a real RISC-V program's text,
// translated and optimized as the execution loop does, comes back from
// freeze + thaw with the same temps, ops and labels, and the Wasm tier builds
// the same module bytes from the thawed IR as from the live one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IRBuilder } from '../../src/ir/builder.js';
import { freezeIR, thawIR } from '../../src/ir/frozen.js';
import { IRFunction } from '../../src/ir/ir.js';
import { optimize } from '../../src/ir/optimize.js';
import { printIR } from '../../src/ir/print.js';
import { OP_DEFS, OpFlag } from '../../src/ir/ops.js';
import { TempKind } from '../../src/ir/types.js';
import { buildModule } from '../../src/backend/wasm/module-builder.js';
import { CodeFetcher } from '../../src/exec/target.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { parseElf, PF_X } from '../../src/user/elf.js';
import { RiscvTarget } from '../../src/target/riscv/riscv-target.js';

// Compiled to dist/tests/ir/; the guest programs stay in the source tree.
const PROGRAM = fileURLToPath(new URL('../../../tests/riscv64/bin/qsort_malloc', import.meta.url));

interface Translated {
  fn: IRFunction;
  pcLo: number;
  icount: number;
  size: number;
}

/** Every TB of the program's text, cut as a linear sweep: a TB starts where the previous one ended. */
function translateText(limit: number): Translated[] {
  const elf = parseElf(readFileSync(PROGRAM));
  const text = elf.loads.find((p) => (p.flags & PF_X) !== 0)!;
  const code = elf.data.subarray(text.offset, text.offset + text.filesz);
  const base = Number(text.vaddr);
  const fetcher: CodeFetcher = {
    fetch16(lo: number): number {
      const off = (lo >>> 0) - base;
      if (off < 0 || off + 1 >= code.length) throw new Error('fetch outside the text');
      return code[off]! | (code[off + 1]! << 8);
    },
  };
  const target = new RiscvTarget(new LinearMemory());
  const out: Translated[] = [];
  for (let off = 0; off + 4 <= code.length && out.length < limit;) {
    const fn = new IRFunction(target.globals, target.helpers);
    const pcLo = (base + off) | 0;
    let r;
    try {
      r = target.translate(new IRBuilder(fn), pcLo, 0, 0, fetcher, 512);
    } catch {
      break; // ran off the end of the text
    }
    optimize(fn);
    out.push({ fn, pcLo, icount: r.icount, size: r.size });
    off += r.size;
  }
  return out;
}

const tbs = translateText(4000);

test('the sweep translates a real amount of code, with constants, locals and calls', () => {
  assert.ok(tbs.length > 1000, `only ${tbs.length} TBs`);
  const temps = tbs.flatMap((t) => t.fn.temps.slice(t.fn.nGlobals));
  assert.ok(temps.some((t) => t.kind === TempKind.Const && t.hi !== 0 && t.hi !== -1), 'no wide constant');
  assert.ok(temps.some((t) => t.kind === TempKind.Local));
  assert.ok(tbs.some((t) => t.fn.ops.some((op) => isCall(op.opc))), 'no helper call');
});

test('freeze then thaw gives back the same IR for every TB', () => {
  for (const { fn, pcLo } of tbs) {
    const back = thawIR(freezeIR(fn));
    const where = `TB at 0x${(pcLo >>> 0).toString(16)}`;
    assert.equal(back.temps.length, fn.temps.length, where);
    for (let i = 0; i < fn.temps.length; i++) {
      const a = fn.temps[i]!, b = back.temps[i]!;
      assert.deepEqual([b.index, b.kind, b.type, b.offset, b.lo, b.hi], [a.index, a.kind, a.type, a.offset, a.lo, a.hi], `${where} temp ${i}`);
    }
    assert.deepEqual(back.ops, fn.ops.map((op) => ({ opc: op.opc, args: [...op.args] })), where);
    assert.equal(back.nLabels, fn.nLabels, where);
    assert.equal(printIR(back), printIR(fn), where);
  }
});

test('a TB keeps its IR frozen, and the Wasm module built from it is byte for byte the one from the live IR', () => {
  const batch = tbs.slice(0, 200);
  const input = (fn: IRFunction, t: Translated) => ({ ir: fn, pcLo: t.pcLo, pcHi: 0, icount: t.icount, size: t.size, flags: 0, hostPage: 1 });
  const live = buildModule(batch.map((t) => input(t.fn, t)));
  const thawed = buildModule(batch.map((t) => {
    const tb = new TranslationBlock(t.pcLo, 0, 0, t.icount, t.size, [1], t.fn);
    tb.freezeIr();
    assert.equal(tb.ir, null);
    assert.ok(tb.hasIr && tb.frozenIrBytes > 0);
    const fn = tb.irForCompile()!;
    assert.notEqual(fn, t.fn);
    return input(fn, t);
  }));
  assert.deepEqual(thawed.helperIds, live.helperIds);
  assert.ok(Buffer.from(thawed.bytes).equals(Buffer.from(live.bytes)), 'module bytes differ');
});

test('thawing under another globals table is refused', () => {
  const frozen = freezeIR(tbs[0]!.fn);
  const other = Object.assign(Object.create(Object.getPrototypeOf(frozen)), frozen, { globals: frozen.globals.slice(1) });
  assert.throws(() => thawIR(other), /globals table changed/);
});

function isCall(opc: number): boolean {
  return (OP_DEFS[opc]!.flags & OpFlag.CALL) !== 0;
}
