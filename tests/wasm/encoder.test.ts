// The Wasm binary writer: LEB128 at its edges (checked against a reference
// decoder written from the spec's definition) and a hand-built module with
// imports, globals, a table, structured control and memory ops that must
// validate and compute the right answers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter, CodeWriter, ExternKind, Op, ValType, WasmModuleWriter } from '../../src/backend/wasm/encoder.js';
import { putU32, u32Size } from '../../src/backend/wasm/byte-writer.js';

/** Decode one LEB128 number from bytes: unsigned, or sign-extended from its last group's bit 6. */
function decodeLeb(bytes: Uint8Array, signed: boolean): { value: bigint; length: number } {
  let result = 0n, shift = 0n, i = 0, byte: number;
  do {
    byte = bytes[i++]!;
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  if (signed && byte & 0x40) result -= 1n << shift;
  return { value: result, length: i };
}

const U32_EDGES = [0, 1, 63, 64, 127, 128, 255, 16383, 16384, 0x7fffffff, 0x80000000, 0xffffffff];
const S32_EDGES = [0, 1, -1, 63, 64, -64, -65, 127, 128, -128, -129, 8191, 8192, -8192, -8193, 0x7fffffff, -0x80000000];
const S64_EDGES = [0n, 1n, -1n, 63n, 64n, -64n, -65n, (1n << 31n), -(1n << 31n) - 1n, (1n << 62n), -(1n << 62n), (1n << 63n) - 1n, -(1n << 63n)];

test('LEB128 round-trips at the edges, in the fewest bytes', () => {
  for (const v of U32_EDGES) {
    const bytes = new ByteWriter().u32(v).finish();
    const d = decodeLeb(bytes, false);
    assert.equal(d.value, BigInt(v));
    assert.equal(d.length, bytes.length);
    assert.equal(bytes.length, Math.max(1, Math.ceil(Math.log2(v + 1) / 7)), `u32 ${v} is minimal`);
  }
  for (const v of S32_EDGES) {
    const bytes = new ByteWriter().s32(v).finish();
    assert.equal(decodeLeb(bytes, true).value, BigInt(v), `s32 ${v}`);
    assert.equal(new ByteWriter().s64(BigInt(v)).finish().join(), bytes.join(), 's32 and s64 agree');
  }
  for (const v of S64_EDGES) {
    const bytes = new ByteWriter().s64(v).finish();
    assert.equal(decodeLeb(bytes, true).value, v, `s64 ${v}`);
    assert.ok(bytes.length <= 10);
  }
  // Unsigned 64-bit inputs are taken modulo 2^64 as two's complement.
  assert.equal(decodeLeb(new ByteWriter().s64(0xffffffffffffffffn).finish(), true).value, -1n);
  assert.equal(decodeLeb(new ByteWriter().u64(0xffffffffffffffffn).finish(), false).value, 0xffffffffffffffffn);
  assert.deepEqual([...new ByteWriter().s32(-64).finish()], [0x40]);
  assert.deepEqual([...new ByteWriter().s32(64).finish()], [0xc0, 0x00]);
  assert.deepEqual([...new ByteWriter().u32(624485).finish()], [0xe5, 0x8e, 0x26]);
  // The size-first helpers the module writer uses agree with the writer.
  for (const v of U32_EDGES) {
    const bytes = new ByteWriter().u32(v).finish();
    assert.equal(u32Size(v), bytes.length, `u32Size ${v}`);
    const out = new Uint8Array(8).fill(0xaa);
    assert.equal(putU32(out, 1, v), 1 + bytes.length);
    assert.deepEqual([...out.subarray(1, 1 + bytes.length)], [...bytes], `putU32 ${v}`);
    assert.equal(out[0], 0xaa);
  }
});

/** The sections of a module: id -> [start, end) of each section's content, in order. */
function sections(bytes: Uint8Array): { id: number; start: number; end: number }[] {
  const out: { id: number; start: number; end: number }[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const size = decodeLeb(bytes.subarray(pos), false);
    pos += size.length;
    out.push({ id, start: pos, end: pos + Number(size.value) });
    pos += Number(size.value);
  }
  assert.equal(pos, bytes.length, 'the sections fill the module exactly');
  return out;
}

test('branch hints name an if or br_if of their function, counted from after the body size', () => {
  const m = new WasmModuleWriter();
  const t = m.funcType([ValType.I32], [ValType.I32]);
  const bodies: CodeWriter[] = [];
  for (let k = 0; k < 3; k++) {
    const w = new CodeWriter(4); // tiny, so it grows
    for (let j = 0; j < 50 * k; j++) w.i32Const(j * 77777).op(Op.drop);
    w.localGet(0).hint(k !== 1).if_(ValType.I32).i32Const(1).else_().i32Const(2).end();
    w.block().localGet(0).hint(false).brIf(0).end();
    bodies.push(w);
    m.addFunction(t, k === 2 ? [ValType.I64, ValType.I64, ValType.I32] : [], w);
  }
  const bytes = m.finish();
  assert.ok(WebAssembly.validate(bytes));
  const all = sections(bytes);
  const custom = all.find((s) => s.id === 0)!;
  const code = all.find((s) => s.id === 10)!;
  assert.ok(custom.end <= code.start, 'the hints precede the code section');
  // Where each body starts (the byte after its size).
  const starts: number[] = [];
  let pos = code.start;
  const count = decodeLeb(bytes.subarray(pos), false);
  pos += count.length;
  for (let i = 0; i < Number(count.value); i++) {
    const size = decodeLeb(bytes.subarray(pos), false);
    pos += size.length;
    starts.push(pos);
    pos += Number(size.value);
    assert.equal(bytes[pos - 1], Op.end, `body ${i} ends with end`);
  }
  assert.equal(pos, code.end);
  pos = custom.start;
  const name = decodeLeb(bytes.subarray(pos), false);
  pos += name.length;
  assert.equal(new TextDecoder().decode(bytes.subarray(pos, pos + Number(name.value))), 'metadata.code.branch_hint');
  pos += Number(name.value);
  const next = (): number => { const d = decodeLeb(bytes.subarray(pos), false); pos += d.length; return Number(d.value); };
  const funcs = next();
  assert.equal(funcs, 3);
  for (let f = 0; f < funcs; f++) {
    assert.equal(next(), f, 'function index');
    const hints = next();
    assert.equal(hints, 2);
    const seen: number[] = [];
    for (let h = 0; h < hints; h++) {
      const offset = next();
      assert.equal(next(), 1, 'hint length');
      seen.push(bytes[pos++]!);
      assert.equal(bytes[starts[f]! + offset], h === 0 ? Op.if_ : Op.br_if, `hint ${h} of function ${f} points at its branch`);
    }
    assert.deepEqual(seen, [f !== 1 ? 1 : 0, 0]);
  }
  assert.equal(pos, custom.end);
});

test('a hand-built module validates and runs', () => {
  const m = new WasmModuleWriter();
  const logType = m.funcType([ValType.I32], []);
  const binType = m.funcType([ValType.I32, ValType.I32], [ValType.I32]);
  const i64Type = m.funcType([ValType.I64], [ValType.I64]);
  const memory = new WebAssembly.Memory({ initial: 1 });
  m.importMemory('env', 'memory', 1);
  const log = m.importFunction('env', 'log', logType);
  const counter = m.addGlobal(ValType.I32, true, 5);

  // classify(x, y): br_table on x (0..2) into different answers; default picks via select.
  const classify = new CodeWriter();
  classify.block().block().block().block();
  classify.localGet(0).brTable([0, 1, 2], 3);
  classify.end().i32Const(100).return_();
  classify.end().i32Const(200).return_();
  classify.end().i32Const(300).return_();
  classify.end();
  classify.i32Const(-1).i32Const(-2).localGet(1).select();
  const classifyIdx = m.addFunction(binType, [], classify);

  // sum(n, _): loop with br_if, calls log each round, counts in a global, stores the sum to memory.
  const sum = new CodeWriter();
  sum.block().loop();
  sum.localGet(0).op(Op.i32_eqz).brIf(1);
  sum.localGet(2).localGet(0).op(Op.i32_add).localSet(2);
  sum.localGet(0).call(log);
  sum.globalGet(counter).i32Const(1).op(Op.i32_add).globalSet(counter);
  sum.localGet(0).i32Const(1).op(Op.i32_sub).localSet(0);
  sum.br(0).end().end();
  sum.i32Const(0).localGet(2).mem(Op.i32_store16, 1, 0x100);
  sum.i32Const(0).mem(Op.i32_load16_s, 1, 0x100);
  sum.localGet(2).i32Const(1).op(Op.i32_and).if_(ValType.I32).i32Const(1).else_().i32Const(0).end().op(Op.i32_add);
  const sumIdx = m.addFunction(binType, [ValType.I32], sum);

  // wide(x): 64-bit constant, rotate, store/load with an offset.
  const wide = new CodeWriter();
  wide.i32Const(0).localGet(0).i64Const(-0x123456789abcdefn).op(Op.i64_xor).i64Const(4n).op(Op.i64_rotl).mem(Op.i64_store, 3, 0x200);
  wide.i32Const(8).mem(Op.i64_load, 3, 0x1f8);
  const wideIdx = m.addFunction(i64Type, [], wide);

  m.addTable(3);
  m.addElements(0, [classifyIdx, sumIdx, classifyIdx]);
  m.addExport('classify', ExternKind.Func, classifyIdx);
  m.addExport('sum', ExternKind.Func, sumIdx);
  m.addExport('wide', ExternKind.Func, wideIdx);
  m.addExport('counter', ExternKind.Global, counter);
  const bytes = m.finish();
  assert.ok(WebAssembly.validate(bytes));

  const logged: number[] = [];
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, log: (x: number) => logged.push(x) } });
  const ex = inst.exports as Record<string, unknown>;
  const classifyFn = ex.classify as (x: number, y: number) => number;
  assert.deepEqual([0, 1, 2, 3, 99].map((x) => classifyFn(x, 1)), [100, 200, 300, -1, -1]);
  assert.equal(classifyFn(7, 0), -2);
  assert.equal((ex.sum as (n: number, _: number) => number)(4, 0), 10);
  assert.deepEqual(logged, [4, 3, 2, 1]);
  assert.equal((ex.counter as WebAssembly.Global).value, 9);
  const x = 0x0fedcba987654321n;
  const rotl4 = (v: bigint): bigint => BigInt.asIntN(64, (v << 4n) | (BigInt.asUintN(64, v) >> 60n));
  assert.equal((ex.wide as (v: bigint) => bigint)(x), rotl4(BigInt.asIntN(64, x ^ -0x123456789abcdefn)));
});
