// Branch hints (encoder.ts CodeWriter.hint): the custom section must name the
// function, point at the hinted if/br_if counted from the start of the
// function body (the byte after its size), and leave the module valid.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeWriter, ExternKind, Op, ValType, WasmModuleWriter } from '../../src/backend/wasm/encoder.js';

/** An unsigned LEB128 number at bytes[at]: value and the offset after it. */
function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0, shift = 0, byte: number;
  do {
    byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

/** Each function body of the module's code section, from the byte after its size. */
function functionBodies(bytes: Uint8Array): Uint8Array[] {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, start] = leb(bytes, at + 1);
    if (id === 10) {
      let [count, p] = leb(bytes, start);
      const bodies: Uint8Array[] = [];
      for (; count > 0; count--) {
        const [len, bodyStart] = leb(bytes, p);
        bodies.push(bytes.subarray(bodyStart, bodyStart + len));
        p = bodyStart + len;
      }
      return bodies;
    }
    at = start + size;
  }
  throw new Error('no code section');
}

test('branch hints point at the hinted instructions and the module still runs', () => {
  const m = new WasmModuleWriter();
  m.importFunction('env', 'f', m.funcType([], [])); // hinted functions are numbered after the imports
  const type = m.funcType([ValType.I32], [ValType.I32]);
  const plain = new CodeWriter();
  plain.localGet(0);
  m.addFunction(type, [], plain);
  const hinted = new CodeWriter();
  hinted.block().localGet(0).i32Const(10).op(Op.i32_gt_u).hint(false).brIf(0);
  hinted.localGet(0).hint(true).if_(ValType.I32).i32Const(1).else_().i32Const(2).end().localSet(0);
  hinted.end().localGet(0);
  const idx = m.addFunction(type, [ValType.I64, ValType.I32], hinted);
  m.addExport('g', ExternKind.Func, idx);
  const bytes = m.finish();
  assert.ok(WebAssembly.validate(bytes));

  const mod = new WebAssembly.Module(bytes);
  const [section] = WebAssembly.Module.customSections(mod, 'metadata.code.branch_hint');
  assert.ok(section);
  const s = new Uint8Array(section);
  let p = 0, n: number, func: number, count: number;
  [n, p] = leb(s, p);
  [func, p] = leb(s, p);
  [count, p] = leb(s, p);
  assert.deepEqual([n, func, count], [1, idx, 2]);
  const body = functionBodies(bytes)[1]!;
  const hints: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    let offset: number, size: number;
    [offset, p] = leb(s, p);
    [size, p] = leb(s, p);
    assert.equal(size, 1);
    hints.push([body[offset]!, s[p++]!]);
  }
  assert.deepEqual(hints, [[Op.br_if, 0], [Op.if_, 1]]);

  const g = new WebAssembly.Instance(mod, { env: { f: () => {} } }).exports.g as (x: number) => number;
  assert.deepEqual([0, 5, 11].map(g), [2, 1, 11]);
});
