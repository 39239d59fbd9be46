// The wemu-riscv64 command: argument parsing in-process, and a few real runs
// of bin/wemu-riscv64 (exit codes, error messages, a real static C program).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { guestEnvironment, parseCommandLine, UsageError } from '../../src/cli/user-args.js';
import { helloElf } from './elf-builder.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = path.join(root, 'bin', 'wemu-riscv64');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-cli-test-'));

test('options before the program; everything after it belongs to the guest', () => {
  const o = parseCommandLine(['-L', '/sys', '-E', 'A=1,B=x,y', '-U', 'HOME', '-d', 'in_asm,strace,tb-stats', '-D', 'log.txt',
    '-accel', 'tcg,tb-size=64,tier=interp,thresh=500,max-instances=100', 'prog', '-d', 'x']);
  assert.equal(o.sysroot, '/sys');
  assert.deepEqual(o.setEnv, ['A=1', 'B=x,y']);
  assert.deepEqual(o.unsetEnv, ['HOME']);
  assert.deepEqual(o.logItems, ['in_asm', 'tb-stats']);
  assert.equal(o.strace, true);
  assert.equal(o.tbStats, true);
  assert.equal(o.logFile, 'log.txt');
  assert.equal(o.tbSizeMiB, 64);
  assert.deepEqual(o.tier, { kind: 'interp', threshold: 500, maxInstances: 100 });
  assert.equal(o.program, 'prog');
  assert.deepEqual(o.programArgs, ['-d', 'x']);
});

test('bad command lines are usage errors', () => {
  for (const args of [[], ['-nope', 'p'], ['-L'], ['-d', 'bogus', 'p'], ['-accel', 'kvm', 'p'], ['-accel', 'tcg,tier=jit', 'p'],
    ['-accel', 'tcg,tb-size=0', 'p'], ['-accel', 'tcg,thresh=abc', 'p'], ['-E', 'NOEQUALS', 'p']]) {
    assert.throws(() => parseCommandLine(args), UsageError, JSON.stringify(args));
  }
});

test('the guest environment is the host one with -U and -E applied', () => {
  const env = guestEnvironment({ A: '1', B: '2', PATH: '/bin' }, { setEnv: ['B=3', 'C=4'], unsetEnv: ['A'] });
  assert.deepEqual(env, ['B=3', 'PATH=/bin', 'C=4']);
});

test('bin/wemu-riscv64 runs a program and returns its exit status', () => {
  const file = path.join(tmp, 'hello');
  fs.writeFileSync(file, helloElf(9));
  const r = spawnSync(bin, [file], { encoding: 'utf8' });
  assert.equal(r.stdout, 'hi\n');
  assert.equal(r.status, 9);
});

test('-d tb-stats -D file writes the counters (guest instructions: N) to the log file', () => {
  const file = path.join(tmp, 'hello-stats');
  const log = path.join(tmp, 'stats.log');
  fs.writeFileSync(file, helloElf(0));
  const r = spawnSync(bin, ['-d', 'tb-stats', '-D', log, '-strace', file], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '', 'the log goes to the file, not stderr');
  const text = fs.readFileSync(log, 'utf8');
  assert.match(text, /^guest instructions: 9$/m);
  assert.match(text, /write\(1,0x[0-9a-f]+,3\) = 3/);
});

test('bin/wemu-riscv64 reports a bad program or command line in one line, exit 1', () => {
  const corrupt = path.join(tmp, 'corrupt');
  fs.writeFileSync(corrupt, helloElf().slice(0, 200));
  for (const args of [[corrupt], [path.join(tmp, 'missing')], ['-bogus', corrupt], ['/etc/hostname']]) {
    const r = spawnSync(bin, args, { encoding: 'utf8' });
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, /^wemu-riscv64: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a real static C program built with riscv64-linux-gnu-gcc', () => {
  const src = path.join(tmp, 'c-hello.c');
  const exe = path.join(tmp, 'c-hello');
  fs.writeFileSync(src, '#include <stdio.h>\n#include <stdlib.h>\nint main(int c, char **v) { printf("hello %d %s %s\\n", c, v[1], getenv("WEMU_T")); return 5; }\n');
  execFileSync('riscv64-linux-gnu-gcc', ['-static', '-O2', '-o', exe, src]);
  const r = spawnSync(bin, ['-E', 'WEMU_T=yes', exe, 'arg'], { encoding: 'utf8' });
  assert.equal(r.stdout, 'hello 2 arg yes\n');
  assert.equal(r.status, 5);
});
