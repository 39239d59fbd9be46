// The virt board end to end through the SoftMmu: guest loads and stores at
// device addresses reach the devices, device interrupts reach the hart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MipBit } from '../../src/hw/device.js';
import { VirtualClock } from '../../src/hw/clock.js';
import { VirtBoard } from '../../src/machine/virt.js';
import { VirtMap } from '../../src/machine/virt-map.js';
import { GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemOp } from '../../src/memory/memop.js';
import { Access, FaultKind, PageLookup, PageTranslator, Prot } from '../../src/memory/softmmu-api.js';
import { SoftMmu } from '../../src/memory/softmmu.js';
import { PhysicalMemoryMap } from '../../src/memory/address-space.js';
import { FakeFaults, helperRet } from '../memory/fakes.js';
import { FakeChar, FakePower, FakeTime, RecordingIrqSink } from '../hw/fakes.js';

/** M mode with no paging: virtual = physical. */
class Bare implements PageTranslator {
  constructor(private readonly phys: PhysicalMemoryMap) {}
  translatePage(lo: number, hi: number, _a: Access, _m: number, out: PageLookup): FaultKind {
    return this.phys.lookupPage((hi >>> 0) * 2 ** 32 + (lo >>> 0), Prot.READ | Prot.WRITE | Prot.EXEC, out)
      ? FaultKind.None : FaultKind.Unmapped;
  }
}

function make() {
  const mem = new LinearMemory(GUEST_BASE + (1 << 20));
  const hart = new RecordingIrqSink();
  const console = new FakeChar();
  const power = new FakePower();
  const host = new FakeTime();
  const board = new VirtBoard({ mem, ramSize: 16 << 20, hart, console, power, clock: new VirtualClock(host), wallClock: host });
  const mmu = new SoftMmu(mem, new Bare(board.phys), new FakeFaults(mem));
  mmu.mmioBus = board.phys;
  const st = (addr: number, v: number | bigint, op: number = MemOp.S32) => {
    const b = BigInt(v);
    mmu.store(addr >>> 0, Math.floor(addr / 2 ** 32), Number(BigInt.asUintN(32, b)) | 0, Number(b >> 32n) | 0, op, 3);
  };
  const ld = (addr: number, op: number = MemOp.S32) => {
    mmu.load(addr >>> 0, 0, op, 3);
    return helperRet(mem);
  };
  return { mem, hart, console, power, host, board, mmu, st, ld };
}

test('RAM sits at 0x80000000 with the requested size', () => {
  const { board, st, ld } = make();
  assert.equal(board.ram.base, 0x8000_0000);
  assert.equal(board.ram.size, 16 << 20);
  st(0x80ff_fff8, 0x1122334455667788n, MemOp.S64);
  assert.equal(ld(0x80ff_fff8, MemOp.S64), 0x1122334455667788n);
});

test('a byte stored to UART0 reaches the console; LSR reads through the MMU', () => {
  const { console, st, ld } = make();
  for (const c of 'OK') st(VirtMap.UART0.base, c.charCodeAt(0), MemOp.S8);
  assert.equal(console.text, 'OK');
  assert.equal(ld(VirtMap.UART0.base + 5, MemOp.S8), 0x60n);
});

test('UART input raises SEIP through PLIC source 10, claim and complete through the MMU', () => {
  const { hart, console, st, ld } = make();
  const plic = VirtMap.PLIC.base;
  st(plic + 4 * 10, 1);
  st(plic + 0x2000 + 0x80, 1 << 10); // context 1 = S mode
  st(VirtMap.UART0.base + 1, 1, MemOp.S8); // IER.RDA
  console.type('x');
  assert.equal(hart.level(MipBit.SEIP), true);
  assert.equal(ld(plic + 0x201004), 10n);
  assert.equal(ld(VirtMap.UART0.base, MemOp.S8), 0x78n);
  st(plic + 0x201004, 10);
  assert.equal(hart.level(MipBit.SEIP), false);
});

test('CLINT: 64-bit mtimecmp store, MTIP after the deadline, msip', () => {
  const { hart, host, board, st, ld } = make();
  st(VirtMap.CLINT.base + 0x4000, 100n, MemOp.S64);
  assert.equal(board.nextDeadlineNs(), 10_000);
  host.ns += 10_000;
  board.update();
  assert.equal(hart.level(MipBit.MTIP), true);
  assert.equal(ld(VirtMap.CLINT.base + 0xbff8, MemOp.S64), 100n);
  st(VirtMap.CLINT.base, 1);
  assert.equal(hart.level(MipBit.MSIP), true);
});

test('test device poweroff, RTC time and the empty virtio slots', () => {
  const { power, host, st, ld } = make();
  host.ns = 123456789;
  assert.equal(ld(VirtMap.RTC.base), 123456789n);
  for (let i = 0; i < 8; i++) {
    assert.equal(ld(0x1000_1000 + i * 0x1000), 0x74726976n);
    assert.equal(ld(0x1000_1000 + i * 0x1000 + 8), 0n);
  }
  st(VirtMap.TEST.base, 0x5555);
  assert.deepEqual(power.calls, ['poweroff 0']);
});

test('board state saves and restores through JSON', () => {
  const a = make();
  a.st(VirtMap.PLIC.base + 40, 3);
  a.st(VirtMap.UART0.base + 7, 0x42, MemOp.S8);
  const state = JSON.parse(JSON.stringify(a.board.saveState()));
  const b = make();
  b.board.restoreState(state);
  assert.equal(b.ld(VirtMap.PLIC.base + 40), 3n);
  assert.equal(b.ld(VirtMap.UART0.base + 7, MemOp.S8), 0x42n);
});
