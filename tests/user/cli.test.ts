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

test('by default blocks are interpreted until hot, then compiled to Wasm (tier=auto)', () => {
  assert.deepEqual(parseCommandLine(['prog']).tier, { kind: 'auto' });
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

test('fork, waitpid, system() and a pipe work through fork emulation', () => {
  const src = path.join(tmp, 'c-fork.c');
  const exe = path.join(tmp, 'c-fork');
  fs.writeFileSync(src, `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  int fds[2]; pipe(fds);
  pid_t child = fork();
  if (child == 0) { write(fds[1], "via pipe", 8); _exit(9); }
  int status; pid_t waited = waitpid(child, &status, 0);
  char buf[16] = {0}; read(fds[0], buf, 8);
  printf("%d %d %s\\n", waited == child, WEXITSTATUS(status), buf);
  int r = system("exit 3");
  printf("system %d\\n", WEXITSTATUS(r));
  return 0;
}
`);
  execFileSync('riscv64-linux-gnu-gcc', ['-static', '-O2', '-o', exe, src]);
  const r = spawnSync(bin, [exe], { encoding: 'utf8' });
  assert.equal(r.stdout, '1 9 via pipe\nsystem 3\n');
  assert.equal(r.status, 0);
});

test('a dynamically linked program loads its interpreter from the -L sysroot', () => {
  const src = path.join(tmp, 'c-dyn.c');
  const exe = path.join(tmp, 'c-dyn');
  fs.writeFileSync(src, `#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  char exe[512]; ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1); exe[n > 0 ? n : 0] = 0;
  FILE *maps = fopen("/proc/self/maps", "r"); char line[512]; int libc = 0;
  while (fgets(line, sizeof line, maps)) if (strstr(line, "libc.so.6")) libc = 1;
  printf("%s %d\\n", strrchr(exe, '/') + 1, libc);
  return 0;
}
`);
  execFileSync('riscv64-linux-gnu-gcc', ['-O2', '-o', exe, src]);
  const r = spawnSync(bin, ['-L', '/usr/riscv64-linux-gnu', exe], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'c-dyn 1\n');
  assert.equal(r.status, 0);
});
