import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MipBit } from '../../src/hw/device.js';
import { Plic, PlicReg } from '../../src/hw/plic.js';
import { RecordingIrqSink } from './fakes.js';

const M = 0, S = 1;
const prio = (id: number) => PlicReg.PRIORITY + 4 * id;
const enable = (ctx: number, word = 0) => PlicReg.ENABLE + PlicReg.ENABLE_STRIDE * ctx + 4 * word;
const threshold = (ctx: number) => PlicReg.CONTEXT + PlicReg.CONTEXT_STRIDE * ctx + PlicReg.THRESHOLD;
const claim = (ctx: number) => PlicReg.CONTEXT + PlicReg.CONTEXT_STRIDE * ctx + PlicReg.CLAIM;

function make() {
  const hart = new RecordingIrqSink();
  return { hart, plic: new Plic(hart) };
}

test('priorities: 3 bits per source, source 0 hard-wired to 0', () => {
  const { plic } = make();
  plic.write(prio(10), 4, 5);
  plic.write(prio(11), 4, 0xff);
  plic.write(prio(0), 4, 3);
  assert.equal(plic.read(prio(10), 4), 5);
  assert.equal(plic.read(prio(11), 4), 7);
  assert.equal(plic.read(prio(0), 4), 0);
});

test('pending follows the line level and is read-only', () => {
  const { plic } = make();
  plic.setIrq(10, true);
  plic.setIrq(33, true);
  assert.equal(plic.read(PlicReg.PENDING, 4), 1 << 10);
  assert.equal(plic.read(PlicReg.PENDING + 4, 4), 1 << 1);
  plic.write(PlicReg.PENDING, 4, 0);
  assert.equal(plic.read(PlicReg.PENDING, 4), 1 << 10);
  plic.setIrq(10, false);
  assert.equal(plic.read(PlicReg.PENDING, 4), 0);
});

test('an enabled source above the threshold raises MEIP (context 0) or SEIP (context 1)', () => {
  const { hart, plic } = make();
  plic.write(prio(10), 4, 1);
  plic.setIrq(10, true);
  assert.equal(hart.level(MipBit.MEIP), false, 'not enabled');
  plic.write(enable(S), 4, 1 << 10);
  assert.equal(plic.read(enable(S), 4), 1 << 10);
  assert.equal(hart.level(MipBit.SEIP), true);
  assert.equal(hart.level(MipBit.MEIP), false);
  plic.write(threshold(S), 4, 1);
  assert.equal(plic.read(threshold(S), 4), 1);
  assert.equal(hart.level(MipBit.SEIP), false, 'priority must exceed the threshold');
  plic.write(threshold(S), 4, 0);
  plic.write(enable(M), 4, 1 << 10);
  assert.equal(hart.level(MipBit.MEIP), true);
  plic.write(prio(10), 4, 0);
  assert.equal(hart.level(MipBit.MEIP), false, 'priority 0 never interrupts');
});

test('claim returns the highest priority (lowest id on ties), complete re-arms a still-high line', () => {
  const { hart, plic } = make();
  for (const id of [5, 10, 11]) plic.write(prio(id), 4, id === 11 ? 3 : 2);
  plic.write(enable(S), 4, (1 << 5) | (1 << 10) | (1 << 11));
  plic.setIrq(10, true);
  plic.setIrq(5, true);
  plic.setIrq(11, true);
  assert.equal(plic.read(claim(S), 4), 11);
  assert.equal(plic.read(claim(S), 4), 5);
  assert.equal(plic.read(claim(S), 4), 10);
  assert.equal(plic.read(claim(S), 4), 0, 'nothing left');
  assert.equal(hart.level(MipBit.SEIP), false, 'all claimed');
  plic.setIrq(5, false);
  plic.write(claim(S), 4, 5);
  assert.equal(hart.level(MipBit.SEIP), false, 'a low line stays quiet after complete');
  plic.write(claim(S), 4, 10);
  assert.equal(hart.level(MipBit.SEIP), true, 'source 10 is still high: pending again');
  assert.equal(plic.read(claim(S), 4), 10);
});

test('a claimed source does not become pending again before complete', () => {
  const { plic } = make();
  plic.write(prio(3), 4, 1);
  plic.write(enable(M), 4, 1 << 3);
  plic.setIrq(3, true);
  assert.equal(plic.read(claim(M), 4), 3);
  plic.setIrq(3, false);
  plic.setIrq(3, true);
  assert.equal(plic.read(PlicReg.PENDING, 4), 0);
  plic.write(claim(M), 4, 3);
  assert.equal(plic.read(PlicReg.PENDING, 4), 1 << 3);
});

test('claim respects the threshold; source 0 cannot be enabled; sources past 95 are ignored', () => {
  const { plic } = make();
  plic.write(prio(7), 4, 2);
  plic.write(enable(M), 4, 0xffffffff);
  assert.equal(plic.read(enable(M), 4), 0xfffffffe);
  plic.write(threshold(M), 4, 2);
  plic.setIrq(7, true);
  assert.equal(plic.read(claim(M), 4), 0);
  plic.setIrq(96, true);
  plic.setIrq(0, true);
  assert.equal(plic.read(PlicReg.PENDING + 8, 4), 0);
  assert.equal(plic.read(PlicReg.PENDING + 12, 4), 0);
});

test('save / restore', () => {
  const a = make();
  a.plic.write(prio(10), 4, 4);
  a.plic.write(enable(S), 4, 1 << 10);
  a.plic.setIrq(10, true);
  const b = make();
  b.plic.restoreState(JSON.parse(JSON.stringify(a.plic.saveState())));
  assert.equal(b.hart.level(MipBit.SEIP), true);
  assert.equal(b.plic.read(claim(S), 4), 10);
});
