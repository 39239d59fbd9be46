// The full boot: OpenSBI, Debian's kernel and the initramfs of
// scripts/make-system-image.sh, through bin/wemu-system-riscv64 -nographic,
// to the BusyBox shell; then commands typed on the serial console (the
// child's stdin/stdout): uname, /proc/cpuinfo, sha256sum of a file written in
// the guest, a shell loop, the clock against host time, and `poweroff -f`,
// after which wemu must exit 0. About a minute (some 2 billion guest
// instructions). It runs when build/system/ has the images, or when
// WEMU_LINUX_BOOT=1 (then missing images are a failure); otherwise it is
// reported as skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/tests/system/ -> the repository root
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = join(root, 'build', 'system');
const images = ['fw_dynamic.bin', 'Image', 'initramfs.cpio.gz'];
const missing = images.filter((f) => !existsSync(join(dir, f)));
const asked = !!process.env.WEMU_LINUX_BOOT && process.env.WEMU_LINUX_BOOT !== '0';
const skip = missing.length === 0 || asked ? false
  : `no Linux images in build/system/ (missing ${missing.join(', ')}): run scripts/make-system-image.sh, or set WEMU_LINUX_BOOT=1 to make that a failure`;

const PROMPT = '~ # ';
const BOOT_TIMEOUT_MS = 480_000;
const COMMAND_TIMEOUT_MS = 60_000;

/** The serial console of a running wemu-system-riscv64: what it printed so far, and keys to type. */
class Serial {
  out = '';
  err = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<void>;
  private seq = 0;

  constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (b: Buffer) => { this.out += b.toString('latin1').replace(/\r/g, ''); });
    child.stderr!.on('data', (b: Buffer) => { this.err += b.toString('latin1'); });
    this.exited = new Promise((res) => child.on('exit', (code, signal) => { this.exit = { code, signal }; res(); }));
  }

  tail(n = 1500): string {
    return `--- console (last ${n} chars) ---\n${this.out.slice(-n)}\n--- stderr ---\n${this.err.slice(-1000)}`;
  }

  /** Wait until `pattern` shows at or after `from`; the match and where it ends. */
  async waitFor(pattern: RegExp, from: number, timeoutMs: number, what: string): Promise<{ m: RegExpExecArray; end: number }> {
    const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
    const t0 = Date.now();
    for (;;) {
      const m = re.exec(this.out.slice(from));
      if (m) return { m, end: from + m.index + m[0].length };
      if (this.exit) assert.fail(`wemu exited (${JSON.stringify(this.exit)}) while waiting for ${what}\n${this.tail()}`);
      if (Date.now() - t0 > timeoutMs) assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${this.tail()}`);
      await sleep(50);
    }
  }

  type(text: string): void {
    this.child.stdin!.write(text);
  }

  /**
   * Run one shell command line (kept short: BusyBox's line editing assumes 80
   * columns) and return its output, between markers the echo of the typed
   * line cannot match ("-""-b1" echoes as typed, prints as --b1).
   */
  async run(cmd: string): Promise<string> {
    const n = ++this.seq;
    const from = this.out.length;
    const line = `echo -""-b${n};${cmd};echo -""-e${n}=$?`;
    assert.ok(line.length + PROMPT.length < 80, `command line too long for the console: ${line}`);
    this.type(`${line}\n`);
    const begin = await this.waitFor(new RegExp(`(^|\\n)--b${n}\\n`), from, COMMAND_TIMEOUT_MS, `the output of \`${cmd}\``);
    const end = await this.waitFor(new RegExp(`(^|\\n)--e${n}=(\\d+)\\n`), begin.end, COMMAND_TIMEOUT_MS, `the end of \`${cmd}\``);
    await this.waitFor(new RegExp(escape(PROMPT)), end.end, COMMAND_TIMEOUT_MS, `the prompt after \`${cmd}\``);
    const output = this.out.slice(begin.end, end.end - end.m[0].length + end.m[1].length);
    assert.equal(end.m[2], '0', `\`${cmd}\` exited ${end.m[2]}; output:\n${output}`);
    return output;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('Linux boots to the BusyBox shell, runs commands on the serial console and powers off', { skip, timeout: 900_000 }, async () => {
  assert.deepEqual(missing, [], `WEMU_LINUX_BOOT is set but build/system/ lacks ${missing.join(', ')}: run scripts/make-system-image.sh`);
  const child = spawn(process.execPath, [
    join(root, 'bin', 'wemu-system-riscv64'), '-M', 'virt', '-m', '256M',
    '-bios', join(dir, 'fw_dynamic.bin'), '-kernel', join(dir, 'Image'), '-initrd', join(dir, 'initramfs.cpio.gz'),
    '-append', 'console=ttyS0', '-nographic', '-accel', 'tcg,tier=auto',
  ], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const serial = new Serial(child);
  try {
    await serial.waitFor(/OpenSBI v/, 0, BOOT_TIMEOUT_MS, 'OpenSBI\'s banner');
    await serial.waitFor(/Linux version/, 0, BOOT_TIMEOUT_MS, 'the kernel\'s first lines');
    const init = await serial.waitFor(/Run \/init as init process/, 0, BOOT_TIMEOUT_MS, 'the kernel starting /init');
    // The DTB's rng-seed: the kernel trusts it and has its RNG ready before /init, as under QEMU.
    assert.match(serial.out.slice(0, init.end), /random: crng init done/, `no "crng init done" before /init\n${serial.tail()}`);
    await serial.waitFor(new RegExp(escape(PROMPT)), 0, BOOT_TIMEOUT_MS, `the shell prompt "${PROMPT}"`);

    const uname = await serial.run('uname -a');
    assert.match(uname, /^Linux /m, `uname -a: ${uname}`);
    assert.match(uname, /riscv64/, `uname -a: ${uname}`);

    const cpuinfo = await serial.run('cat /proc/cpuinfo');
    assert.match(cpuinfo, /^isa\s*:\s*rv64i/m, `/proc/cpuinfo has no rv64 isa line:\n${cpuinfo}`);
    assert.match(cpuinfo, /^processor\s*:\s*0$/m, `/proc/cpuinfo:\n${cpuinfo}`);

    const content = 'wemu 42\nab\tc\n';
    await serial.run(`printf 'wemu %d\\nab\\tc\\n' 42 >/tmp/h`);
    const expected = createHash('sha256').update(content).digest('hex');
    const sum = await serial.run('sha256sum /tmp/h');
    assert.equal(sum.trim(), `${expected}  /tmp/h`, 'sha256sum in the guest differs from node:crypto\'s');

    const loop = await serial.run('for i in 1 2 3; do echo n$i; done');
    assert.equal(loop, 'n1\nn2\nn3\n');

    const first = Number((await serial.run('date +%s')).trim());
    await sleep(2000);
    const second = Number((await serial.run('date +%s')).trim());
    assert.ok(Number.isInteger(first) && Number.isInteger(second), `date +%s printed ${first} and ${second}`);
    const delta = second - first;
    assert.ok(delta >= 1 && delta <= 4, `the guest clock advanced ${delta} s over a ~2 s host wait (${first} -> ${second})`);

    serial.type('poweroff -f\n');
    const done = await Promise.race([serial.exited.then(() => true), sleep(COMMAND_TIMEOUT_MS).then(() => false)]);
    assert.ok(done, `wemu did not exit within ${COMMAND_TIMEOUT_MS / 1000} s of poweroff -f\n${serial.tail()}`);
    assert.deepEqual(serial.exit, { code: 0, signal: null }, `wemu's exit after poweroff -f\n${serial.tail()}`);
  } finally {
    if (!serial.exit) child.kill('SIGKILL');
  }
});
