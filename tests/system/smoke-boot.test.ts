// Short boots of the whole machine with tiny hand-assembled M-mode programs as
// the firmware: output through the UART, poweroff through the test device,
// a timer interrupt after wfi (the host idles meanwhile), console input, and
// the wemu-system-riscv64 command itself (output, exit status, errors).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BootImage, FileImage, ImageReadError } from '../../src/machine/image-source.js';
import { SystemMachine } from '../../src/machine/system-loop.js';
import { fdtFind, fdtPropBytes, parseFdt } from '../../src/machine/fdt.js';
import { RNG_SEED_BYTES, rngSeedBytes } from '../../src/machine/rng-seed.js';
import { addi, add, assemble, csr, iType, Insn, jal, ld, lui, lw, R, sd, sw, bne } from '../riscv/rv-asm.js';
import { FakeChar } from '../hw/fakes.js';

const UART = 0x1000_0000;
const TEST = 0x10_0000;
const CLINT_MTIMECMP = 0x200_4000;
const CLINT_MTIME = 0x200_bff8;
const MTVEC = 0x305, MIE = 0x304, MSTATUS = 0x300;
const t3 = 28, t4 = 29;

const sb = (rs2: number, rs1: number, imm: number) => ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | ((imm & 0x1f) << 7) | 0x23) >>> 0;
const lbu = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 4, rd, 0x03);
const andi = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 7, rd, 0x13);
const auipc = (rd: number, imm20: number) => ((imm20 << 12) | (rd << 7) | 0x17) >>> 0;
const beq = (rs1: number, rs2: number, imm: number) => {
  const b = bne(rs1, rs2, imm);
  return (b & ~(7 << 12)) >>> 0; // funct3 0
};
const wfi = () => 0x10500073;

/** li rd, v for 32-bit v (lui + addi, with addi's sign extension undone). */
function li(rd: number, v: number): Insn[] {
  const lo = ((v & 0xfff) << 20) >> 20;
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return hi === 0 ? [addi(rd, 0, lo)] : [lui(rd, hi), addi(rd, rd, lo)];
}

/** Print `text` on UART0 (t0 = UART base, t1 scratch). */
function print(text: string): Insn[] {
  const out: Insn[] = [...li(R.t0, UART)];
  for (const c of text) out.push(addi(R.t1, 0, c.charCodeAt(0)), sb(R.t1, R.t0, 0));
  return out;
}

/** Write the test device: PASS (status 0) or FAIL with a status; then spin. */
function finish(status: number): Insn[] {
  const value = status === 0 ? 0x5555 : ((status << 16) | 0x3333) >>> 0;
  return [...li(R.t0, TEST), ...li(R.t1, value), sw(R.t1, R.t0, 0), jal(0, 0)];
}

function image(insns: Insn[]): Uint8Array {
  return assemble(insns);
}

function machine(bios: BootImage, console = new FakeChar()) {
  const m = new SystemMachine({ ramSize: 16 << 20, images: { bios }, console, logSink: () => {} });
  return { m, console };
}

const helloProgram = (status: number) => image([...print('Hello from M mode\n'), ...finish(status)]);

test('a bios that prints on the UART and powers off: output and status', async () => {
  const { m, console } = machine(helloProgram(0));
  const r = await m.run();
  assert.equal(console.text, 'Hello from M mode\n');
  assert.equal(r.reason, 'poweroff');
  assert.equal(r.status, 0);
  assert.ok(r.guestInstructions > 30n && r.guestInstructions < 1000n, `${r.guestInstructions} instructions`);
});

test('the test device\'s FAIL code carries the exit status', async () => {
  const { m } = machine(helloProgram(3));
  const r = await m.run();
  assert.equal(r.reason, 'poweroff');
  assert.equal(r.status, 3);
});

test('boot hands the hart a0 = hart id, a1 = DTB (with its magic), a2 = fw_dynamic info', () => {
  const { m } = machine(helloProgram(0));
  const info = m.boot();
  assert.equal(info.pc, 0x8000_0000);
  assert.equal(info.a0, 0);
  assert.deepEqual([...m.board.phys.readPhys(info.a1, 4)], [0xd0, 0x0d, 0xfe, 0xed]);
  assert.notEqual(info.a2, 0);
});

test('the DTB carries /chosen/rng-seed: fresh bytes at every boot, or the bytes of -seed', () => {
  const seedOf = (m: SystemMachine): number[] => {
    const info = m.boot();
    const size = new DataView(m.board.phys.readPhys(info.a1, 8).buffer).getUint32(4, false);
    const chosen = fdtFind(parseFdt(m.board.phys.readPhys(info.a1, size)).root, '/chosen');
    assert.ok(chosen, 'no /chosen in the DTB in RAM');
    const bytes = fdtPropBytes(chosen, 'rng-seed');
    assert.ok(bytes, 'no rng-seed in /chosen');
    return [...bytes];
  };
  const fresh = machine(helloProgram(0)).m;
  const a = seedOf(fresh);
  const b = seedOf(fresh); // a reset places the DTB again, with new bytes, as QEMU's virt does
  assert.equal(a.length, RNG_SEED_BYTES);
  assert.notDeepEqual(a, b);
  const seeded = (seed: number) => new SystemMachine({ ramSize: 16 << 20, images: { bios: helloProgram(0) }, console: new FakeChar(), logSink: () => {}, seed });
  assert.deepEqual(seedOf(seeded(7)), [...rngSeedBytes(7)]);
  assert.deepEqual(seedOf(seeded(7)), seedOf(seeded(7)));
});

test('wfi idles the host until the CLINT timer fires, then the interrupt is taken', async () => {
  // mtvec = handler; mtimecmp = mtime + 20 ms; MTIE; MIE; wfi loop. Handler: print, poweroff.
  const head: Insn[] = [
    auipc(R.t0, 0), addi(R.t0, R.t0, 0), // patched below: handler offset
    csr(1, 0, MTVEC, R.t0),
    ...li(R.t0, CLINT_MTIME), ld(R.t1, R.t0, 0),
    ...li(R.t2, 200_000), add(R.t1, R.t1, R.t2),
    ...li(R.t0, CLINT_MTIMECMP), sd(R.t1, R.t0, 0),
    addi(R.t2, 0, 0x80), csr(1, 0, MIE, R.t2),
    csr(6, 0, MSTATUS, 8), // csrsi mstatus, MIE
    ...print('sleeping\n'),
    wfi(), jal(0, -4),
  ];
  head[1] = addi(R.t0, R.t0, head.length * 4);
  const handler: Insn[] = [...print('timer\n'), ...finish(0)];
  const { m, console } = machine(image([...head, ...handler]));
  const t0 = performance.now();
  const r = await m.run();
  const ms = performance.now() - t0;
  assert.equal(console.text, 'sleeping\ntimer\n');
  assert.equal(r.status, 0);
  assert.ok(ms >= 15, `woke after ${ms} ms`);
  assert.ok(r.idleMs >= 10, `idle ${r.idleMs} ms`);
  assert.ok(r.guestInstructions < 10_000n, `${r.guestInstructions} instructions: the wfi loop did not spin`);
});

test('console input reaches a polling guest through the event loop', async () => {
  // Echo bytes from the UART until 'q', then poweroff.
  const prog: Insn[] = [
    ...li(R.t0, UART),
    // poll: lbu t1, 5(t0); andi t1, t1, 1; beq t1, zero, poll
    lbu(R.t1, R.t0, 5), andi(R.t1, R.t1, 1), beq(R.t1, 0, -8),
    lbu(R.t2, R.t0, 0), sb(R.t2, R.t0, 0),
    addi(t3, 0, 'q'.charCodeAt(0)), bne(R.t2, t3, -24),
    ...finish(0),
  ];
  const console = new FakeChar();
  const { m } = machine(image(prog), console);
  setTimeout(() => console.type('hi'), 5);
  setTimeout(() => console.type('q'), 30);
  const r = await m.run();
  assert.equal(console.text, 'hiq');
  assert.equal(r.status, 0);
  void t4;
});

const RESET = 0x7777;

/** Print "boot"; if the marker word at RAM + 1 MiB is 0, set it and reset; else poweroff. */
function resetOnceProgram(): Uint8Array {
  const prog: Insn[] = [
    ...print('boot\n'),
    ...li(R.t0, 0x10_0000), auipc(R.t2, 0), add(R.t0, R.t0, R.t2), // t0 = 0x80100000 (the program is at RAM start)
    lw(R.t1, R.t0, 0), bne(R.t1, 0, 0), // patched: to poweroff
    addi(R.t1, 0, 1), sw(R.t1, R.t0, 0),
    ...li(R.t0, TEST), ...li(R.t1, RESET), sw(R.t1, R.t0, 0), jal(0, 0),
  ];
  const branch = prog.findIndex((x, i) => i > 0 && prog[i - 1] === lw(R.t1, R.t0, 0));
  prog[branch] = bne(R.t1, 0, (prog.length - branch) * 4);
  prog.push(...finish(0));
  return image(prog);
}

test('a guest reset reboots (RAM outside the images kept); with noReboot it ends the machine', async () => {
  const prog = resetOnceProgram();
  const once = machine(prog);
  const r = await once.m.run();
  assert.equal(once.console.text, 'boot\nboot\n');
  assert.equal(r.reason, 'poweroff');
  const no = machine(prog);
  no.m.noReboot = true;
  const n = await no.m.run();
  assert.equal(no.console.text, 'boot\n');
  assert.equal(n.reason, 'poweroff');
  assert.equal(n.status, 0);
});

test('a guest reset reads the image file again; if it is gone, run() ends with the error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-sys-'));
  try {
    const file = path.join(dir, 'reset.bin');
    fs.writeFileSync(file, resetOnceProgram());
    const again = machine(new FileImage('-bios', file));
    assert.equal((await again.m.run()).reason, 'poweroff');
    assert.equal(again.console.text, 'boot\nboot\n');
    const gone = machine(new FileImage('-bios', file));
    gone.m.boot();
    fs.rmSync(file);
    await assert.rejects(gone.m.run(), (e) => e instanceof ImageReadError && e.message === `-bios '${file}': no such file`);
    assert.equal(gone.console.text, 'boot\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// --- the command ---------------------------------------------------------------------------

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = path.join(root, 'bin', 'wemu-system-riscv64');

function runCli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000, input: '' });
}

test('wemu-system-riscv64 -bios prog: console output on stdout, the guest\'s exit status', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-sys-'));
  try {
    const bios = path.join(dir, 'hello.bin');
    fs.writeFileSync(bios, helloProgram(7));
    const r = runCli(['-M', 'virt', '-m', '32M', '-bios', bios, '-nographic', '-serial', 'mon:stdio']);
    assert.equal(r.stdout, 'Hello from M mode\n');
    assert.equal(r.status, 7, r.stderr);
    fs.writeFileSync(bios, helloProgram(0));
    const w = runCli(['-m', '32M', '-bios', bios, '-accel', 'tcg,tier=wasm,thresh=1']);
    assert.equal(w.stdout, 'Hello from M mode\n');
    assert.equal(w.status, 0, w.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('wemu-system-riscv64: missing files and bad options are clear errors', () => {
  const r = runCli(['-bios', '/nonexistent/fw.bin']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /-bios '\/nonexistent\/fw.bin': no such file/);
  const k = runCli(['-bios', 'none', '-kernel', '/nonexistent/Image']);
  assert.equal(k.status, 1);
  assert.match(k.stderr, /-kernel '\/nonexistent\/Image': no such file/);
  const o = runCli(['-smp', '2']);
  assert.equal(o.status, 1);
  assert.match(o.stderr, /only one hart/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-sys-'));
  try {
    const big = path.join(dir, 'big.bin');
    fs.writeFileSync(big, helloProgram(0));
    fs.truncateSync(big, 17 << 20);
    const b = runCli(['-m', '16M', '-bios', big]);
    assert.equal(b.status, 1);
    assert.equal(b.stderr, 'wemu-system-riscv64: -bios (17825792 bytes at 0x80000000) does not fit in RAM; raise -m\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('wemu-system-riscv64: an image file gone at a guest reset ends it with a clear error', async () => {
  // Print "boot", wait for a key, reset.
  const prog = image([
    ...print('boot\n'),
    ...li(R.t0, UART), lbu(R.t1, R.t0, 5), andi(R.t1, R.t1, 1), beq(R.t1, 0, -8),
    ...li(R.t0, TEST), ...li(R.t1, RESET), sw(R.t1, R.t0, 0), jal(0, 0),
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wemu-sys-'));
  try {
    const bios = path.join(dir, 'wait-reset.bin');
    fs.writeFileSync(bios, prog);
    const child = spawn(process.execPath, [bin, '-m', '32M', '-bios', bios, '-nographic'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (stdout === 'boot\n') {
        fs.rmSync(bios);
        child.stdin.write('x');
      }
    });
    assert.equal(await exited, 1, stderr);
    assert.equal(stdout, 'boot\n');
    assert.equal(stderr, `wemu-system-riscv64: cannot reset the machine: -bios '${bios}': no such file\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
