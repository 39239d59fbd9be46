// The disassembler prints what objdump prints for the sample program.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disassembleInsn } from '../../src/target/riscv/disasm.js';
import { DISASM_SAMPLES } from './disasm-samples.js';

test('disassembly matches objdump for every sample', () => {
  const wrong: string[] = [];
  for (const s of DISASM_SAMPLES) {
    const text = disassembleInsn(s.insn, BigInt(s.pc));
    if (text !== s.text) wrong.push(`${s.insn.toString(16)}: got "${text}", objdump "${s.text}"`);
  }
  assert.deepEqual(wrong, []);
});

test('an undefined encoding prints as data', () => {
  assert.match(disassembleInsn(0, 0n), /illegal/);
});
