// Whole-stack runs: hand-assembled programs through ELF loading, translation,
// the interpreter, system calls and signals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runUserProgram, UserModeResult } from '../../src/user/user-mode.js';
import { A0, A1, A7, auipc, buildElf, code, EBREAK, ECALL, helloElf, ld, li, addi, SP, sd, sumLoopElf } from './elf-builder.js';
import type { TierKind } from '../../src/user/tier-options.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-user-test-'));

function writeProgram(name: string, image: Uint8Array): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, image);
  return file;
}

async function run(file: string, argv: string[] = [file]): Promise<{ result: UserModeResult; stdout: string; log: string }> {
  let stdout = '';
  let log = '';
  const result = await runUserProgram({
    program: file,
    argv,
    env: ['HOME=/nowhere'],
    stdoutSink: (b) => (stdout += Buffer.from(b).toString()),
    logSink: (t) => (log += t),
    strace: true,
  });
  return { result, stdout, log };
}

test('write(1, "hi\\n", 3); exit(7) runs through the whole stack', async () => {
  const { result, stdout, log } = await run(writeProgram('hello', helloElf(7)));
  assert.equal(stdout, 'hi\n');
  assert.equal(result.exitCode, 7);
  assert.equal(result.signal, null);
  assert.equal(result.guestInstructions, 9n);
  assert.match(log, /write\(1,0x1[0-9a-f]+,3\) = 3/);
  assert.match(log, /exit\(7\)/);
});

test('argc and argv reach the program on its stack', async () => {
  // exit(argc * 8 + strlen-ish check): exit with argc, read from 0(sp)
  const words = [ld(A0, SP, 0), li(A7, 93), ECALL];
  const file = writeProgram('argc', buildElf({ entry: 0x10000, segments: [{ vaddr: 0x10000, flags: 5, data: code(words) }] }));
  const { result } = await run(file, [file, 'a', 'b', 'c']);
  assert.equal(result.exitCode, 4);
});

test('an unknown system call returns -ENOSYS', async () => {
  const words = [li(A7, 2000 & 0x7ff), ECALL, addi(A0, A0, 38 + 1), li(A7, 93), ECALL];
  const file = writeProgram('enosys', buildElf({ entry: 0x10000, segments: [{ vaddr: 0x10000, flags: 5, data: code(words) }] }));
  const { result } = await run(file);
  assert.equal(result.exitCode, 1, '-38 + 39');
});

test('a store to an unmapped page kills the program with SIGSEGV', async () => {
  const words = [li(A1, 0x100), sd(A0, A1, 0), li(A0, 0), li(A7, 93), ECALL];
  const file = writeProgram('segv', buildElf({ entry: 0x10000, segments: [{ vaddr: 0x10000, flags: 5, data: code(words) }] }));
  const { result, log } = await run(file);
  assert.equal(result.signal, 11);
  assert.equal(result.exitCode, 139);
  assert.equal(result.coreDump, true);
  assert.match(log, /--- SIGSEGV \{si_signo=SIGSEGV, si_code=1, si_addr=0x0000000000000100\} ---/);
});

test('ebreak without a handler ends in SIGTRAP', async () => {
  const file = writeProgram('trap', buildElf({ entry: 0x10000, segments: [{ vaddr: 0x10000, flags: 5, data: code([EBREAK]) }] }));
  const { result } = await run(file);
  assert.equal(result.signal, 5);
});

test('a SIGSEGV handler runs on a signal frame and returns through the trampoline', async () => {
  // Program: rt_sigaction(SIGSEGV, {handler, SA_SIGINFO}); fault at 0x100 (an
  // ld with rd = a0); the handler adds 8 to the saved pc (sigcontext pc at
  // uc + 176) so the faulting ld is skipped, and returns; then exit(42).
  // Layout: [0] main code, [0x100] handler, [0x200] sigaction struct.
  const base = 0x10000;
  const main = [
    li(A0, 11),            // sig
    auipc(A1, 0), addi(A1, A1, 0x200 - 4), // &act (at base + 0x200)
    li(12, 0),             // oldact = NULL
    li(13, 8),             // sigsetsize
    li(A7, 134), ECALL,    // rt_sigaction
    li(5, 0x100),
    ld(A0, 5, 0),          // faults; the handler skips this and the next instruction
    li(A0, 1),             // skipped
    li(A0, 42), li(A7, 93), ECALL,
  ];
  const handler = [
    ld(5, 12, 176),        // t0 = uc->uc_mcontext.pc
    addi(5, 5, 8),
    sd(5, 12, 176),
    0x00008067,            // ret
  ];
  const image = new Uint8Array(0x300);
  image.set(code(main), 0);
  image.set(code(handler), 0x100);
  const act = new DataView(image.buffer, 0x200, 24);
  act.setBigUint64(0, BigInt(base + 0x100), true);
  act.setBigUint64(8, 4n, true); // SA_SIGINFO
  const file = writeProgram('handler', buildElf({ entry: base, segments: [{ vaddr: base, flags: 5, data: image }] }));
  const { result, log } = await run(file);
  assert.equal(result.signal, null, log);
  assert.equal(result.exitCode, 42);
  assert.match(log, /rt_sigreturn/);
});

test('every tier runs a hot loop to the same result', async () => {
  const file = writeProgram('loop', sumLoopElf(1000));
  for (const kind of ['interp', 'auto', 'wasm'] as TierKind[]) {
    const result = await runUserProgram({ program: file, argv: [file], env: [], tier: { kind, threshold: 10 } });
    assert.equal(result.exitCode, 500500 & 0xff, kind);
    assert.equal(result.guestInstructions, 2n + 3n * 1000n + 2n, kind);
  }
});

test('a corrupt program is refused before running', async () => {
  const file = writeProgram('corrupt', helloElf().slice(0, 90));
  await assert.rejects(run(file), /truncated program headers/);
});
