// The full boot: OpenSBI, Debian's kernel and the initramfs of
// scripts/make-system-image.sh, to the BusyBox shell, then `poweroff -f`.
// It takes about a minute (about 2 billion guest instructions), so it runs
// only when asked: WEMU_LINUX_BOOT=1 node --test dist/tests/system/
// (and only if build/system/ has the images).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { SystemMachine } from '../../src/machine/system-loop.js';
import type { CharBackend } from '../../src/hw/device.js';

const dir = 'build/system';
const have = ['fw_dynamic.bin', 'Image', 'initramfs.cpio.gz'].every((f) => existsSync(`${dir}/${f}`));
const skip = !process.env.WEMU_LINUX_BOOT ? 'set WEMU_LINUX_BOOT=1 to run (about a minute)'
  : !have ? 'run scripts/make-system-image.sh first' : false;

test('Linux boots to the BusyBox shell, runs a command and powers off', { skip, timeout: 600_000 }, async () => {
  let out = '';
  let input: ((bytes: Uint8Array) => void) | null = null;
  let typed = false;
  const console: CharBackend = {
    write(bytes) {
      out += Buffer.from(bytes).toString('latin1');
      if (!typed && out.includes('~ # ')) {
        typed = true;
        setTimeout(() => input!(new TextEncoder().encode('echo wemu-$((6*7)); poweroff -f\n')), 10);
      }
    },
    onInput(cb) { input = cb; },
  };
  const m = new SystemMachine({
    ramSize: 256 << 20, bootargs: 'console=ttyS0', console, tier: { kind: 'auto' }, logSink: () => {},
    images: { bios: readFileSync(`${dir}/fw_dynamic.bin`), kernel: readFileSync(`${dir}/Image`), initrd: readFileSync(`${dir}/initramfs.cpio.gz`) },
  });
  const r = await m.run(6_000_000_000n);
  assert.match(out, /OpenSBI v/);
  assert.match(out, /Linux version/);
  assert.match(out, /Run \/init as init process/);
  assert.match(out, /\nwemu-42\r?\n/, out.slice(-2000));
  assert.equal(r.reason, 'poweroff', out.slice(-2000));
  assert.equal(r.status, 0);
});
