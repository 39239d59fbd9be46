// The decode tables: unambiguous, complete for the sample program, and
// rejecting reserved encodings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_PATTERNS, decode, findAmbiguities } from '../../src/target/riscv/decoder.js';
import { compilePattern, Fmt } from '../../src/target/riscv/decode-spec.js';
import { DISASM_SAMPLES } from './disasm-samples.js';

test('no two patterns overlap without a more specific pattern deciding', () => {
  assert.deepEqual(findAmbiguities(), []);
});

test('the ambiguity check catches a real overlap', () => {
  const never = () => true;
  const a = compilePattern({ name: 'a', bits: '------- ----- ----- 000 ----- 0110011', fmt: Fmt.R, trans: never });
  const b = compilePattern({ name: 'b', bits: '0000000 ----- ----- --- ----- 0110011', fmt: Fmt.R, trans: never });
  assert.deepEqual(findAmbiguities([a, b]), ['a / b']);
});

test('pattern names are unique', () => {
  const names = ALL_PATTERNS.map((p) => p.name);
  assert.equal(new Set(names).size, names.length);
});

test('every sample decodes to the pattern its source line named', () => {
  for (const s of DISASM_SAMPLES) {
    const d = decode(s.insn);
    assert.ok(d, `${s.insn.toString(16)} (${s.pattern}) does not decode`);
    assert.equal(d.pattern.name, s.pattern, `encoding ${s.insn.toString(16)}`);
  }
});

test('every instruction pattern is exercised by a sample', () => {
  const seen = new Set(DISASM_SAMPLES.map((s) => s.pattern));
  const missing = ALL_PATTERNS.filter((p) => p.asm?.name !== 'illegal' && !seen.has(p.name)).map((p) => p.name);
  assert.deepEqual(missing, []);
});

test('operands of hand-assembled encodings', () => {
  // addi a0, a1, -1
  assert.deepEqual(pick(0xfff58513), { name: 'addi', rd: 10, rs1: 11, imm: -1 });
  // beq a0, a1, -4096 (the most negative B offset)
  assert.deepEqual(pick(0x80b50063), { name: 'beq', rs1: 10, rs2: 11, imm: -4096 });
  // jal ra, -2 ... j with imm[20] set: 0xfffff0ef = jal ra, -2
  assert.deepEqual(pick(0xfffff0ef), { name: 'jal', rd: 1, imm: -2 });
  // c.addi16sp sp, 496 (all positive immediate bits) = 0x617d
  assert.deepEqual(pick(0x617d), { name: 'c.addi16sp', rd: 2, rs1: 2, imm: 496 });
  // c.lui a0, 0xfffe0 (nzimm = -32 << 12) = 0x7501
  assert.deepEqual(pick(0x7501), { name: 'c.lui', rd: 10, imm: -32 << 12 });
  // c.j with the largest offset 2046 = 0xaffd
  assert.deepEqual(pick(0xaffd), { name: 'c.j', rd: 0, imm: 2046 });
  // c.beqz a5, -256 = 0xd381
  assert.deepEqual(pick(0xd381), { name: 'c.beqz', rs1: 15, rs2: 0, imm: -256 });
  // c.sdsp ra, 504(sp) = 0xff86
  assert.deepEqual(pick(0xff86), { name: 'c.sdsp', rs1: 2, rs2: 1, imm: 504 });
  // c.ldsp s0, 504(sp) = 0x747e
  assert.deepEqual(pick(0x747e), { name: 'c.ldsp', rd: 8, rs1: 2, imm: 504 });
  // c.lw a5, 124(a5) = 0x5ffc
  assert.deepEqual(pick(0x5ffc), { name: 'c.lw', rd: 15, rs1: 15, imm: 124 });
  // c.addi4spn s0, sp, 1020 = 0x1fe0
  assert.deepEqual(pick(0x1fe0), { name: 'c.addi4spn', rd: 8, rs1: 2, imm: 1020 });
  // fmadd.d fa0, fa1, fa2, fa3, rdn
  assert.deepEqual(pick(0x6ac5a543), { name: 'fmadd.d', rd: 10, rs1: 11, rs2: 12, rs3: 13, rm: 2 });
});

test('reserved and undefined encodings do not decode to an instruction', () => {
  const illegal = (insn: number): boolean => {
    const d = decode(insn);
    return d === null || d.pattern.asm?.name === 'illegal';
  };
  assert.ok(illegal(0x0000), 'all-zero halfword');
  assert.ok(illegal(0x00000000), 'all-zero word');
  assert.ok(illegal(0xffffffff), 'all ones');
  assert.ok(illegal(0x6001), 'c.lui with zero immediate');
  assert.ok(illegal(0x6101), 'c.addi16sp with zero immediate');
  assert.ok(illegal(0x2001), 'c.addiw x0');
  assert.ok(illegal(0x8002), 'c.jr x0');
  assert.ok(illegal(0x4002), 'c.lwsp x0');
  assert.ok(illegal(0x6002), 'c.ldsp x0');
  assert.ok(illegal(0x8000), 'quadrant 0 funct3 100');
  assert.ok(illegal(0x9c41), 'c.subw-group reserved (funct2 10)');
  assert.ok(illegal(0x02c5853b | (1 << 28)), 'OP-32 with an unknown funct7');
  assert.ok(illegal(0x10200073), 'sret is not a user instruction here');
});

function pick(insn: number): Record<string, number | string> {
  const d = decode(insn);
  assert.ok(d, `0x${insn.toString(16)} does not decode`);
  const out: Record<string, number | string> = { name: d.pattern.name };
  const a = d.args;
  // Report only the operands the format defines, so expectations stay short.
  const byFmt: Partial<Record<Fmt, (keyof typeof a)[]>> = {
    [Fmt.I]: ['rd', 'rs1', 'imm'], [Fmt.B]: ['rs1', 'rs2', 'imm'], [Fmt.J]: ['rd', 'imm'],
    [Fmt.CADDI16SP]: ['rd', 'rs1', 'imm'], [Fmt.CLUI]: ['rd', 'imm'], [Fmt.CJ]: ['rd', 'imm'],
    [Fmt.CB]: ['rs1', 'rs2', 'imm'], [Fmt.CSDSP]: ['rs1', 'rs2', 'imm'], [Fmt.CLDSP]: ['rd', 'rs1', 'imm'],
    [Fmt.CLW]: ['rd', 'rs1', 'imm'], [Fmt.CIW]: ['rd', 'rs1', 'imm'], [Fmt.R4]: ['rd', 'rs1', 'rs2', 'rs3', 'rm'],
  };
  for (const f of byFmt[d.pattern.fmt] ?? []) out[f] = a[f];
  return out;
}
