import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IrqLine } from '../../src/hw/device.js';
import { Fcr, Ier, Iir, Lcr, Lsr, Mcr, Msr, Uart16550, UartReg } from '../../src/hw/uart-16550.js';
import { FakeChar, RecordingIrqSink } from './fakes.js';

function make() {
  const chr = new FakeChar();
  const plic = new RecordingIrqSink();
  const uart = new Uart16550(chr, new IrqLine(plic, 10));
  const irq = () => plic.level(10);
  return { chr, plic, uart, irq };
}

test('THR writes go to the backend at once; LSR says the transmitter is empty', () => {
  const { chr, uart } = make();
  for (const c of 'hi\n') uart.write(UartReg.THR, 1, c.charCodeAt(0));
  assert.equal(chr.text, 'hi\n');
  assert.equal(uart.read(UartReg.LSR, 1), Lsr.THRE | Lsr.TEMT);
});

test('received bytes: DR in LSR, RBR in order, RDA interrupt while data waits', () => {
  const { chr, uart, irq } = make();
  uart.write(UartReg.IER, 1, Ier.RDA);
  assert.equal(irq(), false);
  chr.type('a');
  assert.equal(irq(), true);
  assert.equal(uart.read(UartReg.IIR, 1), Iir.RDA);
  assert.equal(uart.read(UartReg.LSR, 1) & Lsr.DR, Lsr.DR);
  assert.equal(uart.read(UartReg.RBR, 1), 0x61);
  assert.equal(uart.read(UartReg.LSR, 1) & Lsr.DR, 0);
  assert.equal(irq(), false);
  assert.equal(uart.read(UartReg.IIR, 1), Iir.NONE);
});

test('the receive FIFO holds 16 bytes; the rest waits on the host side, none is lost', () => {
  const { chr, uart } = make();
  uart.write(UartReg.FCR, 1, Fcr.ENABLE);
  const text = 'abcdefghijklmnopqrstuvwxyz';
  chr.type(text);
  assert.equal(uart.read(UartReg.IIR, 1) & Iir.FIFO_ENABLED, Iir.FIFO_ENABLED);
  let got = '';
  while (uart.read(UartReg.LSR, 1) & Lsr.DR) got += String.fromCharCode(uart.read(UartReg.RBR, 1));
  assert.equal(got, text);
  assert.equal(uart.saveState().rx.length, 0);
});

test('FIFO off: one byte at a time; FCR clear-receive empties the FIFO', () => {
  const { chr, uart } = make();
  chr.type('xy');
  assert.equal(uart.saveState().rx.length, 1);
  assert.equal(uart.read(UartReg.RBR, 1), 0x78);
  assert.equal(uart.read(UartReg.RBR, 1), 0x79);
  uart.write(UartReg.FCR, 1, Fcr.ENABLE);
  chr.type('123');
  uart.write(UartReg.FCR, 1, Fcr.ENABLE | Fcr.CLEAR_RX);
  assert.equal(uart.read(UartReg.LSR, 1) & Lsr.DR, 0);
});

test('THRE interrupt: raised when enabled with THR empty, cleared by reading IIR, re-raised by a write', () => {
  const { uart, irq } = make();
  uart.write(UartReg.IER, 1, Ier.THRE);
  assert.equal(irq(), true);
  assert.equal(uart.read(UartReg.IIR, 1), Iir.THRE);
  assert.equal(irq(), false);
  assert.equal(uart.read(UartReg.IIR, 1), Iir.NONE);
  uart.write(UartReg.THR, 1, 0x41);
  assert.equal(irq(), true);
  uart.write(UartReg.IER, 1, 0);
  assert.equal(irq(), false);
});

test('received data outranks THR empty in IIR', () => {
  const { chr, uart } = make();
  uart.write(UartReg.IER, 1, Ier.THRE | Ier.RDA);
  chr.type('z');
  assert.equal(uart.read(UartReg.IIR, 1), Iir.RDA);
  uart.read(UartReg.RBR, 1);
  assert.equal(uart.read(UartReg.IIR, 1), Iir.THRE);
});

test('DLAB switches offsets 0 and 1 to the divisor latch', () => {
  const { chr, uart } = make();
  uart.write(UartReg.IER, 1, Ier.RDA);
  uart.write(UartReg.LCR, 1, Lcr.DLAB | 0x03);
  uart.write(UartReg.DLL, 1, 0x01);
  uart.write(UartReg.DLM, 1, 0x02);
  assert.equal(uart.read(UartReg.DLL, 1), 0x01);
  assert.equal(uart.read(UartReg.DLM, 1), 0x02);
  assert.equal(chr.out.length, 0, 'DLL write is not transmitted');
  uart.write(UartReg.LCR, 1, 0x03);
  assert.equal(uart.read(UartReg.LCR, 1), 0x03);
  assert.equal(uart.read(UartReg.IER, 1), Ier.RDA);
});

test('scratch register, MCR, and MSR with carrier / clear-to-send up', () => {
  const { uart } = make();
  uart.write(UartReg.SCR, 1, 0x5a);
  assert.equal(uart.read(UartReg.SCR, 1), 0x5a);
  uart.write(UartReg.MCR, 1, Mcr.DTR | Mcr.RTS | Mcr.OUT2);
  assert.equal(uart.read(UartReg.MCR, 1), Mcr.DTR | Mcr.RTS | Mcr.OUT2);
  assert.equal(uart.read(UartReg.MSR, 1), Msr.DCD | Msr.DSR | Msr.CTS);
});

test('loopback: THR comes back on RBR, MCR outputs show in MSR, overrun sets OE', () => {
  const { chr, uart, irq } = make();
  uart.write(UartReg.MCR, 1, Mcr.LOOP | Mcr.RTS);
  assert.equal(uart.read(UartReg.MSR, 1) & 0xf0, Msr.CTS);
  uart.write(UartReg.THR, 1, 0x55);
  assert.equal(chr.out.length, 0);
  assert.equal(uart.read(UartReg.RBR, 1), 0x55);
  uart.write(UartReg.IER, 1, Ier.RLS);
  uart.write(UartReg.THR, 1, 1);
  uart.write(UartReg.THR, 1, 2); // FIFO off: no room
  assert.equal(irq(), true);
  assert.equal(uart.read(UartReg.IIR, 1), Iir.RLS);
  assert.equal(uart.read(UartReg.LSR, 1) & Lsr.OE, Lsr.OE);
  assert.equal(uart.read(UartReg.LSR, 1) & Lsr.OE, 0, 'reading LSR clears OE');
  assert.equal(irq(), false);
});

test('save / restore keeps registers and unread bytes', () => {
  const a = make();
  a.uart.write(UartReg.IER, 1, Ier.RDA);
  a.uart.write(UartReg.FCR, 1, Fcr.ENABLE);
  a.chr.type('ok');
  const b = make();
  b.uart.restoreState(JSON.parse(JSON.stringify(a.uart.saveState())));
  assert.equal(b.irq(), true);
  assert.equal(b.uart.read(UartReg.RBR, 1), 0x6f);
  assert.equal(b.uart.read(UartReg.RBR, 1), 0x6b);
});
