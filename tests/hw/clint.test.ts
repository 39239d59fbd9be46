import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clint, ClintReg } from '../../src/hw/clint.js';
import { VirtualClock } from '../../src/hw/clock.js';
import { MipBit } from '../../src/hw/device.js';
import { FakeTime, RecordingIrqSink } from './fakes.js';

function make() {
  const time = new FakeTime();
  const hart = new RecordingIrqSink();
  const clint = new Clint(hart, time);
  return { time, hart, clint };
}

test('msip bit 0 drives MSIP', () => {
  const { hart, clint } = make();
  clint.write(ClintReg.MSIP, 4, 0xffffffff);
  assert.equal(clint.read(ClintReg.MSIP, 4), 1);
  assert.equal(hart.level(MipBit.MSIP), true);
  clint.write(ClintReg.MSIP, 4, 0);
  assert.equal(hart.level(MipBit.MSIP), false);
});

test('mtime counts at 10 MHz from the clock, in 8-byte and 4-byte reads', () => {
  const { time, clint } = make();
  time.ns = 1_000_000_000; // 1 s
  assert.equal(clint.read(ClintReg.MTIME, 8), 10_000_000n);
  time.ns = 500 * 1e9; // 5e9 ticks: needs the high word
  assert.equal(clint.read(ClintReg.MTIME, 4), 5_000_000_000 % 2 ** 32);
  assert.equal(clint.read(ClintReg.MTIME + 4, 4), 1);
  assert.equal(clint.mtimeNumber, 5_000_000_000, 'the same value as a Number');
});

test('mtimecmp resets to the maximum, and MTIP follows mtime >= mtimecmp', () => {
  const { time, hart, clint } = make();
  assert.equal(clint.read(ClintReg.MTIMECMP, 8), 0xffffffffffffffffn);
  assert.equal(clint.nextDeadlineNs(), Infinity);
  clint.write(ClintReg.MTIMECMP, 8, 1000n); // 100 us
  assert.equal(hart.level(MipBit.MTIP), false);
  assert.equal(clint.nextDeadlineNs(), 100_000);
  time.ns = 99_999;
  clint.update();
  assert.equal(hart.level(MipBit.MTIP), false);
  time.ns = 100_000;
  clint.update();
  assert.equal(hart.level(MipBit.MTIP), true);
  assert.equal(clint.nextDeadlineNs(), 100_000, 'a due deadline reads as now');
  clint.write(ClintReg.MTIMECMP, 8, 0xffffffffffffffffn);
  assert.equal(hart.level(MipBit.MTIP), false, 'writing mtimecmp lowers MTIP at once');
});

test('mtimecmp can be written in 32-bit halves', () => {
  const { clint } = make();
  clint.write(ClintReg.MTIMECMP, 4, 0x89abcdef);
  clint.write(ClintReg.MTIMECMP + 4, 4, 0x01234567);
  assert.equal(clint.read(ClintReg.MTIMECMP, 8), 0x0123456789abcdefn);
  assert.equal(clint.read(ClintReg.MTIMECMP + 4, 4), 0x01234567);
});

test('writing mtime moves the counter, which keeps running', () => {
  const { time, clint } = make();
  time.ns = 1000;
  clint.write(ClintReg.MTIME, 8, 5000n);
  assert.equal(clint.read(ClintReg.MTIME, 8), 5000n);
  time.ns += 100;
  assert.equal(clint.read(ClintReg.MTIME, 8), 5001n);
  assert.ok(Number.isNaN(clint.mtimeNumber), 'moved off the clock (it may wrap): no Number, the hart uses mtime');
});

test('save / restore carries msip, mtimecmp and the mtime offset', () => {
  const a = make();
  a.clint.write(ClintReg.MSIP, 4, 1);
  a.clint.write(ClintReg.MTIMECMP, 8, 42n);
  a.clint.write(ClintReg.MTIME, 8, 7n);
  const state = JSON.parse(JSON.stringify(a.clint.saveState()));
  const b = make();
  b.clint.restoreState(state);
  assert.equal(b.clint.read(ClintReg.MTIMECMP, 8), 42n);
  assert.equal(b.clint.read(ClintReg.MTIME, 8), 7n);
  assert.equal(b.hart.level(MipBit.MSIP), true);
});

test('the virtual clock follows host time, stands still while paused, and can be set', () => {
  const host = new FakeTime();
  host.ns = 5000;
  const clock = new VirtualClock(host);
  assert.equal(clock.nowNs(), 0);
  host.ns += 300;
  assert.equal(clock.nowNs(), 300);
  clock.pause();
  host.ns += 1000;
  assert.equal(clock.nowNs(), 300);
  assert.equal(clock.hostNsAt(400), Infinity);
  clock.resume();
  host.ns += 50;
  assert.equal(clock.nowNs(), 350);
  assert.equal(clock.hostNsAt(400), host.ns + 50);
  clock.setNs(1e9);
  assert.equal(clock.nowNs(), 1e9);
});
