// The -nographic escape keys of NodeConsole, as in QEMU's mux: Ctrl-A h
// prints the help, Ctrl-A x quits, Ctrl-A Ctrl-A sends one Ctrl-A.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESCAPE_HELP, NodeConsole } from '../../src/machine/node-console.js';

/** A console whose output and guest input are recorded, without touching process.stdin. */
function harness() {
  const shown: string[] = [];
  const guest: number[] = [];
  let quits = 0;
  const c = new NodeConsole(() => { quits++; }, (bytes) => { shown.push(Buffer.from(bytes).toString('latin1')); });
  // onInput would start reading the real stdin; set the consumer directly.
  (c as unknown as { consumer: (bytes: Uint8Array) => void }).consumer = (bytes) => guest.push(...bytes);
  return { c, shown, guest, quits: () => quits };
}

const keys = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

test('Ctrl-A h prints the escape-key help and sends nothing to the guest', () => {
  const h = harness();
  h.c.input(keys('a\x01hb'));
  assert.deepEqual(h.shown, [ESCAPE_HELP]);
  assert.deepEqual(h.guest, [0x61, 0x62]);
  assert.equal(h.quits(), 0);
  for (const line of ['C-a h    print this help', 'C-a x    exit emulator', 'C-a C-a  sends C-a']) {
    assert.ok(ESCAPE_HELP.includes(`${line}\n\r`), `help has "${line}"`);
  }
});

test('Ctrl-A H and Ctrl-A ? print the help too, also when the escape ends a chunk', () => {
  const h = harness();
  h.c.input(keys('\x01'));
  h.c.input(keys('H'));
  h.c.input(keys('\x01?'));
  assert.deepEqual(h.shown, [ESCAPE_HELP, ESCAPE_HELP]);
  assert.deepEqual(h.guest, []);
});

test('Ctrl-A Ctrl-A sends one Ctrl-A; another key after Ctrl-A passes with it', () => {
  const h = harness();
  h.c.input(keys('\x01\x01z\x01c'));
  assert.deepEqual(h.guest, [0x01, 0x7a, 0x01, 0x63]);
  assert.deepEqual(h.shown, []);
});

test('Ctrl-A x quits after delivering the keys before it', () => {
  const h = harness();
  h.c.input(keys('ls\x01xignored'));
  assert.equal(h.quits(), 1);
  assert.deepEqual(h.guest, [0x6c, 0x73]);
});

test('guest output goes to the output writer in one write per turn of the event loop', async () => {
  const h = harness();
  for (const b of keys('hello\r\n')) h.c.write(Uint8Array.of(b));
  assert.deepEqual(h.shown, [], 'held until the event loop turns');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(h.shown, ['hello\r\n']);
  h.c.write(keys('a'));
  h.c.write(keys('b'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(h.shown, ['hello\r\n', 'ab']);
});

test('close() and the escape help write the held-back guest output first', () => {
  const h = harness();
  h.c.write(keys('boot'));
  h.c.input(keys('\x01h'));
  assert.deepEqual(h.shown, ['boot', ESCAPE_HELP]);
  h.c.write(keys('bye'));
  h.c.close();
  assert.deepEqual(h.shown, ['boot', ESCAPE_HELP, 'bye']);
});
