import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IrqLine } from '../../src/hw/device.js';
import { GoldfishRtc, RtcReg } from '../../src/hw/goldfish-rtc.js';
import { SifiveTest } from '../../src/hw/sifive-test.js';
import { VirtioMmioSlot, VirtioMmioReg } from '../../src/hw/virtio-mmio.js';
import { FakePower, FakeTime, RecordingIrqSink } from './fakes.js';

test('sifive test: 0x5555 powers off with 0, 0x3333 fails with the high half, 0x7777 resets', () => {
  const power = new FakePower();
  const dev = new SifiveTest(power);
  dev.write(0, 4, 0x5555);
  dev.write(0, 4, (3 << 16) | 0x3333);
  dev.write(0, 4, 0x7777);
  dev.write(0, 4, 0x1234);
  dev.write(4, 4, 0x5555);
  assert.deepEqual(power.calls, ['poweroff 0', 'poweroff 3', 'reset']);
  assert.equal(dev.read(), 0);
});

function makeRtc() {
  const time = new FakeTime();
  time.ns = 0x1_2345_6789 * 1000;
  const plic = new RecordingIrqSink();
  const rtc = new GoldfishRtc(time, new IrqLine(plic, 11));
  return { time, plic, rtc };
}

test('goldfish rtc: TIME_LOW latches TIME_HIGH from the host clock in ns', () => {
  const { time, rtc } = makeRtc();
  const t = BigInt(time.ns);
  const lo = rtc.read(RtcReg.TIME_LOW, 4);
  time.ns += 2 ** 40; // the high half changes, the latch must not
  const hi = rtc.read(RtcReg.TIME_HIGH, 4);
  assert.equal((BigInt(hi) << 32n) | BigInt(lo), t);
});

test('goldfish rtc: writing the time sets an offset from the host clock', () => {
  const { time, rtc } = makeRtc();
  rtc.write(RtcReg.TIME_HIGH, 4, 0);
  rtc.write(RtcReg.TIME_LOW, 4, 1000);
  assert.equal(rtc.read(RtcReg.TIME_LOW, 4), 1000);
  time.ns += 5;
  assert.equal(rtc.read(RtcReg.TIME_LOW, 4), 1005);
  assert.equal(rtc.read(RtcReg.TIME_HIGH, 4), 0);
});

test('goldfish rtc: an alarm raises the line when due and enabled, CLEAR_INTERRUPT lowers it', () => {
  const { time, plic, rtc } = makeRtc();
  const due = BigInt(time.ns) + 500n;
  rtc.write(RtcReg.IRQ_ENABLED, 4, 1);
  rtc.write(RtcReg.ALARM_HIGH, 4, Number(due >> 32n));
  rtc.write(RtcReg.ALARM_LOW, 4, Number(BigInt.asUintN(32, due)));
  assert.equal(rtc.read(RtcReg.ALARM_STATUS, 4), 1);
  assert.equal(rtc.nextAlarmNs(), due);
  rtc.update();
  assert.equal(plic.level(11), false);
  time.ns += 500;
  rtc.update();
  assert.equal(plic.level(11), true);
  assert.equal(rtc.read(RtcReg.ALARM_STATUS, 4), 0);
  rtc.write(RtcReg.CLEAR_INTERRUPT, 4, 1);
  assert.equal(plic.level(11), false);
  rtc.write(RtcReg.ALARM_LOW, 4, 0);
  rtc.write(RtcReg.CLEAR_ALARM, 4, 1);
  assert.equal(rtc.read(RtcReg.ALARM_STATUS, 4), 0);
  const s = JSON.parse(JSON.stringify(rtc.saveState()));
  const other = makeRtc();
  other.rtc.restoreState(s);
  assert.equal(other.rtc.read(RtcReg.IRQ_ENABLED, 4), 1);
});

test('virtio-mmio empty slot: magic, version 2, device id 0, vendor; writes ignored', () => {
  const slot = new VirtioMmioSlot('virtio0');
  slot.write();
  assert.equal(slot.read(VirtioMmioReg.MAGIC, 4), 0x74726976);
  assert.equal(slot.read(VirtioMmioReg.VERSION, 4), 2);
  assert.equal(slot.read(VirtioMmioReg.DEVICE_ID, 4), 0);
  assert.equal(slot.read(VirtioMmioReg.VENDOR_ID, 4), 0x554d4551);
  assert.equal(slot.read(0x70, 4), 0);
});
