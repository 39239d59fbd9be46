// wemu-system-riscv64 runs itself again under glibc's malloc tunables
// (src/cli/malloc-tuning.ts): the machine runs in the second process, with
// the tunables in its environment; signals to the first reach it, and it
// stops when the first is killed outright. Run as a command, its sh line
// sets the same and starts node once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MALLOC_TUNABLES, mallocTunedEnv, v8PoolSize } from '../../src/cli/malloc-tuning.js';
import { addi, assemble, jal, lui, R, sType } from '../riscv/rv-asm.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = path.join(root, 'bin', 'wemu-system-riscv64');
const linux = process.platform === 'linux';

/**
 * GLIBC_TUNABLES as /proc/PID/environ shows it once glibc has read it: glibc
 * parses the variable in place, ending it after its first tunable (the
 * others still apply: `ld.so --list-tunables` under the same variable lists
 * them all).
 */
const glibcVisible = (tunables: string): string => tunables.split(':')[0]!;

test('mallocTunedEnv adds the tunables and the V8 pool size to those already set', () => {
  assert.equal(mallocTunedEnv({}).GLIBC_TUNABLES, MALLOC_TUNABLES);
  assert.equal(mallocTunedEnv({ GLIBC_TUNABLES: 'glibc.pthread.rseq=0' }).GLIBC_TUNABLES, `glibc.pthread.rseq=0:${MALLOC_TUNABLES}`);
  assert.match(MALLOC_TUNABLES, /trim_threshold=\d+/);
  assert.match(MALLOC_TUNABLES, /hugetlb=1/);
  assert.equal(mallocTunedEnv({}).WEMU_MALLOC_TUNED, '0', 'a launcher\'s env names no first process to watch');
  assert.equal(mallocTunedEnv({}).NODE_OPTIONS, `--v8-pool-size=${v8PoolSize()}`);
  assert.equal(mallocTunedEnv({ NODE_OPTIONS: '--no-warnings' }).NODE_OPTIONS, `--no-warnings --v8-pool-size=${v8PoolSize()}`);
  assert.equal(mallocTunedEnv({ NODE_OPTIONS: '--v8-pool-size=3' }).NODE_OPTIONS, '--v8-pool-size=3', 'a pool size given stays');
  assert.deepEqual([1, 2, 3, 4, 8, 64].map(v8PoolSize), [1, 1, 2, 3, 4, 4], 'all cores but one, 1 to 4');
});

/** M-mode firmware: print "up\n" on the UART, then spin forever. */
function spinner(): Uint8Array {
  const sb = (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 0, 0x23);
  const out = [lui(R.t0, 0x10000)]; // UART at 0x10000000
  for (const c of 'up\n') out.push(addi(R.t1, 0, c.charCodeAt(0)), sb(R.t1, R.t0, 0));
  out.push(jal(0, 0));
  return assemble(out);
}

/** Start the command on the spinner; resolves once the guest has printed, with the machine's process id. */
async function startSpinner(dir: string): Promise<{ first: ChildProcess; second: number }> {
  const bios = path.join(dir, 'spin.bin');
  fs.writeFileSync(bios, spinner());
  const first = spawn(process.execPath, [bin, '-m', '32M', '-bios', bios, '-nographic'], { stdio: ['pipe', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    first.stdout!.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('up\n')) resolve(); });
    first.on('exit', (code) => reject(new Error(`exited (${code}) before the guest printed`)));
  });
  const children = fs.readFileSync(`/proc/${first.pid}/task/${first.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  assert.equal(children.length, 1, 'one second process');
  return { first, second: Number(children[0]) };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

async function gone(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

test('the machine runs in a second process under the tunables; SIGTERM to the first ends both with 143', { skip: !linux }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-tune-'));
  let first: ChildProcess | null = null, second = 0;
  try {
    ({ first, second } = await startSpinner(dir));
    const env = fs.readFileSync(`/proc/${second}/environ`, 'latin1').split('\0');
    assert.ok(env.includes(`GLIBC_TUNABLES=${glibcVisible(MALLOC_TUNABLES)}`), 'tunables in the second process');
    assert.ok(env.some((kv) => kv.startsWith('NODE_OPTIONS=') && kv.includes('--v8-pool-size=')), 'the pool size in the second process');
    const exited = new Promise<number | null>((resolve) => first!.on('exit', (code) => resolve(code)));
    first.kill('SIGTERM');
    assert.equal(await exited, 143);
    assert.ok(await gone(second, 10_000), 'the second process ended');
  } finally {
    first?.kill('SIGKILL');
    if (second && alive(second)) process.kill(second, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('run as a command, its sh line sets the tunables and the pool size and starts node once', { skip: !linux }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-tune-'));
  const bios = path.join(dir, 'spin.bin');
  fs.writeFileSync(bios, spinner());
  const env = { ...process.env };
  for (const k of ['WEMU_NO_MALLOC_TUNING', 'WEMU_MALLOC_TUNED', 'NODE_OPTIONS', 'GLIBC_TUNABLES']) delete env[k];
  const machine = spawn(bin, ['-m', '32M', '-bios', bios, '-nographic'], { stdio: ['pipe', 'pipe', 'pipe'], env });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      machine.stdout!.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('up\n')) resolve(); });
      machine.on('exit', (code) => reject(new Error(`exited (${code}) before the guest printed`)));
    });
    const argv = fs.readFileSync(`/proc/${machine.pid}/cmdline`, 'latin1').split('\0');
    assert.ok(argv.includes(`--v8-pool-size=${v8PoolSize()}`), `node's command line: ${argv.join(' ')}`);
    const vars = fs.readFileSync(`/proc/${machine.pid}/environ`, 'latin1').split('\0');
    assert.ok(vars.includes(`GLIBC_TUNABLES=${glibcVisible(MALLOC_TUNABLES)}`), `the tunables: ${vars.filter((v) => v.startsWith('GLIBC'))}`);
    const shLine = fs.readFileSync(bin, 'utf8').split('\n')[1]!;
    assert.ok(shLine.includes(`glibc.malloc.trim_threshold=`) && shLine.includes(`}${MALLOC_TUNABLES}"`), 'the sh line sets malloc-tuning.ts\'s tunables');
    const children = fs.readFileSync(`/proc/${machine.pid}/task/${machine.pid}/children`, 'utf8').trim();
    assert.equal(children, '', 'no second process');
    const exited = new Promise<number | null>((resolve) => machine.on('exit', (code) => resolve(code)));
    machine.kill('SIGTERM');
    assert.equal(await exited, 143);
  } finally {
    machine.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the second process stops when the first is killed with SIGKILL', { skip: !linux }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-tune-'));
  let second = 0;
  try {
    ({ second } = await startSpinner(dir).then((s) => { s.first.kill('SIGKILL'); return s; }));
    assert.ok(await gone(second, 10_000), 'the second process ended without its parent');
  } finally {
    if (second && alive(second)) process.kill(second, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
