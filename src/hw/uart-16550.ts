// The ns16550a UART of QEMU's virt board (hw/char/serial.c), registers one
// byte apart (reg-shift 0):
//   0 RBR (read) / THR (write)       DLL while LCR.DLAB
//   1 IER                            DLM while LCR.DLAB
//   2 IIR (read) / FCR (write)
//   3 LCR   4 MCR   5 LSR   6 MSR   7 SCR
// Transmission is instant (THR is always empty); received bytes wait in a
// FIFO of 16 (1 with the FIFO off), and bytes the host sends beyond that
// wait in an unbounded queue rather than being lost, as a paste would be on
// a real line. The interrupt output is level-triggered (PLIC source 10 on
// virt): receiver-line status (overrun), received data, THR empty, modem status,
// in the 16550's priority order. MCR loopback feeds THR back into the
// receiver and MCR's outputs into MSR.

import { CharBackend, Device, IrqLine } from './device.js';

export const UART_SIZE = 0x100;
/** QEMU virt's UART clock (the DT's clock-frequency). */
export const UART_CLOCK_HZ = 3686400;
const FIFO_SIZE = 16;

export const UartReg = { RBR: 0, THR: 0, DLL: 0, IER: 1, DLM: 1, IIR: 2, FCR: 2, LCR: 3, MCR: 4, LSR: 5, MSR: 6, SCR: 7 } as const;

export const Ier = { RDA: 0x01, THRE: 0x02, RLS: 0x04, MSR: 0x08 } as const;
export const Iir = { NONE: 0x01, MSR: 0x00, THRE: 0x02, RDA: 0x04, RLS: 0x06, FIFO_ENABLED: 0xc0 } as const;
export const Fcr = { ENABLE: 0x01, CLEAR_RX: 0x02, CLEAR_TX: 0x04 } as const;
export const Lcr = { DLAB: 0x80 } as const;
export const Mcr = { DTR: 0x01, RTS: 0x02, OUT1: 0x04, OUT2: 0x08, LOOP: 0x10 } as const;
export const Lsr = { DR: 0x01, OE: 0x02, THRE: 0x20, TEMT: 0x40 } as const;
export const Msr = { DCTS: 0x01, DDSR: 0x02, TERI: 0x04, DDCD: 0x08, CTS: 0x10, DSR: 0x20, RI: 0x40, DCD: 0x80 } as const;

export interface UartState {
  ier: number; lcr: number; mcr: number; lsr: number; msr: number; scr: number; fcr: number;
  dll: number; dlm: number;
  threPending: boolean;
  rx: number[];
  hostQueue: number[];
}

export class Uart16550 implements Device<UartState> {
  readonly name = 'uart';
  readonly size = UART_SIZE;
  private ier = 0;
  private lcr = 0;
  private mcr: number = Mcr.OUT2;
  /** Only the error bits (OE) live here; DR, THRE and TEMT are computed. */
  private lsrErrors = 0;
  /** Modem inputs when not in loopback: carrier and clear-to-send up, as QEMU's chardev reports. */
  private msr: number = Msr.DCD | Msr.DSR | Msr.CTS;
  private scr = 0;
  private fcr = 0;
  private dll = 0x0c; // 9600 baud at 1.8432 MHz, the PC's default
  private dlm = 0;
  /** THR-empty interrupt armed (cleared by reading IIR while it is the source, or by writing THR). */
  private threPending = false;
  private readonly rx: number[] = [];
  /** Bytes the host sent that did not fit the FIFO yet. */
  private readonly hostQueue: number[] = [];

  constructor(private readonly backend: CharBackend, private readonly irq: IrqLine) {
    backend.onInput((bytes) => this.receive(bytes));
  }

  /** Bytes arriving from the host side. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.hostQueue.push(b);
    this.refill();
    this.update();
  }

  private get fifoEnabled(): boolean { return (this.fcr & Fcr.ENABLE) !== 0; }
  private get rxCapacity(): number { return this.fifoEnabled ? FIFO_SIZE : 1; }

  /** Move host bytes into the receiver while it has room (not in loopback: the line is cut then). */
  private refill(): void {
    if (this.mcr & Mcr.LOOP) return;
    while (this.hostQueue.length > 0 && this.rx.length < this.rxCapacity) this.rx.push(this.hostQueue.shift()!);
  }

  /** A byte at the receiver from the line (loopback): overrun if no room. */
  private receiveFromLine(b: number): void {
    if (this.rx.length >= this.rxCapacity) this.lsrErrors |= Lsr.OE;
    else this.rx.push(b);
  }

  private lsr(): number {
    return (this.rx.length > 0 ? Lsr.DR : 0) | Lsr.THRE | Lsr.TEMT | this.lsrErrors;
  }

  private modemStatus(): number {
    if (!(this.mcr & Mcr.LOOP)) return this.msr;
    const m = this.mcr;
    const lines = (m & Mcr.RTS ? Msr.CTS : 0) | (m & Mcr.DTR ? Msr.DSR : 0)
      | (m & Mcr.OUT1 ? Msr.RI : 0) | (m & Mcr.OUT2 ? Msr.DCD : 0);
    return lines | (this.msr & 0x0f);
  }

  /** The interrupt identification (without the FIFO bits), in priority order. */
  private iirSource(): number {
    if ((this.ier & Ier.RLS) && (this.lsrErrors & Lsr.OE)) return Iir.RLS;
    if ((this.ier & Ier.RDA) && this.rx.length > 0) return Iir.RDA;
    if ((this.ier & Ier.THRE) && this.threPending) return Iir.THRE;
    if ((this.ier & Ier.MSR) && (this.modemStatus() & 0x0f)) return Iir.MSR;
    return Iir.NONE;
  }

  private update(): void {
    this.irq.set(this.iirSource() !== Iir.NONE);
  }

  read(offset: number, _size: number): number {
    let v = 0;
    switch (offset) {
      case UartReg.RBR:
        if (this.lcr & Lcr.DLAB) { v = this.dll; break; }
        v = this.rx.length > 0 ? this.rx.shift()! : 0;
        this.refill();
        break;
      case UartReg.IER: v = this.lcr & Lcr.DLAB ? this.dlm : this.ier; break;
      case UartReg.IIR: {
        const src = this.iirSource();
        if (src === Iir.THRE) this.threPending = false;
        v = src | (this.fifoEnabled ? Iir.FIFO_ENABLED : 0);
        break;
      }
      case UartReg.LCR: v = this.lcr; break;
      case UartReg.MCR: v = this.mcr; break;
      case UartReg.LSR:
        v = this.lsr();
        this.lsrErrors = 0;
        break;
      case UartReg.MSR:
        v = this.modemStatus();
        this.msr &= 0xf0; // reading clears the delta bits
        break;
      case UartReg.SCR: v = this.scr; break;
      default: return 0;
    }
    this.update();
    return v;
  }

  write(offset: number, _size: number, value: number | bigint): void {
    const v = Number(BigInt.asUintN(8, BigInt(value)));
    switch (offset) {
      case UartReg.THR:
        if (this.lcr & Lcr.DLAB) { this.dll = v; break; }
        if (this.mcr & Mcr.LOOP) this.receiveFromLine(v);
        else this.backend.write(Uint8Array.of(v));
        this.threPending = true; // transmitted at once: THR is empty again
        break;
      case UartReg.IER: {
        if (this.lcr & Lcr.DLAB) { this.dlm = v; break; }
        const was = this.ier;
        this.ier = v & 0x0f;
        // Enabling the THRE interrupt while THR is empty raises it (as serial.c's thr_ipending).
        if (!(was & Ier.THRE) && (this.ier & Ier.THRE)) this.threPending = true;
        break;
      }
      case UartReg.FCR:
        if ((v & Fcr.ENABLE) !== (this.fcr & Fcr.ENABLE)) this.rx.length = 0; // toggling the FIFO resets it
        if (v & Fcr.CLEAR_RX) this.rx.length = 0;
        this.fcr = v & 0xc9;
        this.refill();
        break;
      case UartReg.LCR: this.lcr = v; break;
      case UartReg.MCR: {
        const before = this.modemStatus() & 0xf0;
        this.mcr = v & 0x1f;
        const after = this.modemStatus() & 0xf0;
        if (this.mcr & Mcr.LOOP) this.msr = (this.msr & 0xf0) | deltas(before, after) | (this.msr & 0x0f);
        this.refill();
        break;
      }
      case UartReg.SCR: this.scr = v; break;
      default: return; // LSR and MSR are read-only
    }
    this.update();
  }

  saveState(): UartState {
    return {
      ier: this.ier, lcr: this.lcr, mcr: this.mcr, lsr: this.lsrErrors, msr: this.msr, scr: this.scr, fcr: this.fcr,
      dll: this.dll, dlm: this.dlm, threPending: this.threPending, rx: [...this.rx], hostQueue: [...this.hostQueue],
    };
  }

  restoreState(s: UartState): void {
    this.ier = s.ier; this.lcr = s.lcr; this.mcr = s.mcr; this.lsrErrors = s.lsr; this.msr = s.msr;
    this.scr = s.scr; this.fcr = s.fcr; this.dll = s.dll; this.dlm = s.dlm; this.threPending = s.threPending;
    this.rx.length = 0; this.rx.push(...s.rx);
    this.hostQueue.length = 0; this.hostQueue.push(...s.hostQueue);
    this.update();
  }
}

/** MSR delta bits for a change of the modem lines from `before` to `after` (high nibbles). */
function deltas(before: number, after: number): number {
  const changed = before ^ after;
  return (changed & Msr.CTS ? Msr.DCTS : 0) | (changed & Msr.DSR ? Msr.DDSR : 0)
    | (changed & Msr.DCD ? Msr.DDCD : 0) | (before & Msr.RI && !(after & Msr.RI) ? Msr.TERI : 0);
}
