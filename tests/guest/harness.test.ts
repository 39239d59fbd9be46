/**
 * The guest-test and benchmark harnesses' own logic, independent of any
 * emulator: output comparison, stderr normalisation, the manifest, the
 * instruction-count parser and the result table.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstDifference } from './compare-output.js';
import { binDir, expectedPaths, loadManifest, normaliseStderr } from './guest-manifest.js';
import { parseInstructionCount } from '../../bench/measure.js';
import { formatTable } from '../../bench/report.js';
import { benchPrograms } from '../../bench/programs.js';

test('firstDifference is undefined for equal outputs', () => {
  assert.equal(firstDifference('a\nb\n', 'a\nb\n'), undefined);
});

test('firstDifference names the first differing line and both versions', () => {
  const message = firstDifference('one\ntwo\nthree\n', 'one\nTWO\nthree\n');
  assert.match(message ?? '', /line 2:/);
  assert.match(message ?? '', /expected: "two"/);
  assert.match(message ?? '', /actual: {3}"TWO"/);
});

test('firstDifference reports a truncated output as end of output', () => {
  const message = firstDifference('one\ntwo', 'one');
  assert.match(message ?? '', /line 2:/);
  assert.match(message ?? '', /actual: {3}<end of output>/);
});

test('normaliseStderr replaces the emulator name at line starts only', () => {
  assert.equal(
    normaliseStderr('qemu: uncaught target signal 11\nwemu-riscv64: x\nsays qemu: y\nqemu-riscv64: z'),
    'EMU: uncaught target signal 11\nEMU: x\nsays qemu: y\nEMU: z',
  );
});

test('the manifest names unique programs, each with a binary and expected output', () => {
  const programs = loadManifest();
  assert.ok(programs.length >= 12, `only ${programs.length} programs`);
  const names = new Set(programs.map((program) => program.name));
  assert.equal(names.size, programs.length, 'duplicate program names');
  for (const program of programs) {
    assert.ok(existsSync(join(binDir, program.name)), `missing binary for ${program.name}`);
    const paths = expectedPaths(program.name);
    assert.ok(existsSync(paths.out) && existsSync(paths.status), `missing expected output for ${program.name}`);
  }
});

test('every benchmark binary is built', () => {
  for (const program of benchPrograms) assert.ok(existsSync(join(binDir, program.binary)), `missing ${program.binary}`);
});

test('parseInstructionCount reads the tb-stats line', () => {
  assert.equal(parseInstructionCount('TB 0x10 insns=3\nguest instructions: 15372017\nTBs translated: 82\n'), 15372017);
  assert.equal(parseInstructionCount('no stats here'), undefined);
});

test('formatTable aligns columns and shows missing values as dashes', () => {
  const table = formatTable([
    { program: 'sort', tier: 'interp', scale: 2, fullScale: 80, instructions: 1000, wemuSeconds: 0.5, wemuMips: 0.002, outputMatches: true },
    { program: 'sieve', tier: 'wasm', scale: 1, fullScale: 20, note: 'tier not available' },
  ]);
  const lines = table.split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[2], /^sort\s+interp\s+2\/80\s+1000\s+0\.50\s+0\.0\s+-/);
  assert.match(lines[3], /tier not available$/);
  assert.equal(lines[0].indexOf('tier'), lines[2].indexOf('interp'));
});
