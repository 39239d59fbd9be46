// The PLIC (platform-level interrupt controller) in QEMU virt's layout
// (hw/intc/sifive_plic.c), for one hart with two contexts:
//   +0x000000  priority of source i at +4*i (source 0 does not exist)
//   +0x001000  pending bits, 32 sources a word (read-only)
//   +0x002000  enable bits of context c at +0x80*c
//   +0x200000  threshold of context c at +0x1000*c; claim/complete at +4
// Context 0 is hart 0 in M mode (drives MEIP), context 1 hart 0 in S mode
// (SEIP). Sources are level-triggered: a source is pending while its line is
// high and it is not claimed; completing it makes it pending again if the
// line is still high (the gateway of the PLIC spec).

import { Device, IrqSink, MipBit, low32 } from './device.js';

/** QEMU virt's VIRT_IRQCHIP_NUM_SOURCES: sources 1..95, riscv,ndev = 95. */
export const PLIC_NUM_SOURCES = 96;
/** VIRT_IRQCHIP_NUM_PRIO_BITS = 3: priorities 0..7. */
export const PLIC_MAX_PRIORITY = 7;
/** hart 0 M, hart 0 S. */
export const PLIC_NUM_CONTEXTS = 2;
/** The window QEMU virt declares (its memmap reserves room for 512 harts' contexts). */
export const PLIC_SIZE = 0x600000;

export const PlicReg = {
  PRIORITY: 0x000000,
  PENDING: 0x001000,
  ENABLE: 0x002000,
  ENABLE_STRIDE: 0x80,
  CONTEXT: 0x200000,
  CONTEXT_STRIDE: 0x1000,
  /** Within a context: threshold at +0, claim/complete at +4. */
  THRESHOLD: 0,
  CLAIM: 4,
} as const;

const WORDS = PLIC_NUM_SOURCES / 32;

export interface PlicState {
  priority: number[];
  level: number[];
  pending: number[];
  claimed: number[];
  enable: number[][];
  threshold: number[];
}

export class Plic implements Device<PlicState>, IrqSink {
  readonly name = 'plic';
  readonly size = PLIC_SIZE;
  private readonly priority = new Uint32Array(PLIC_NUM_SOURCES);
  /** Line levels, pending and claimed bits, 32 sources a word. */
  private readonly level = new Uint32Array(WORDS);
  private readonly pending = new Uint32Array(WORDS);
  private readonly claimed = new Uint32Array(WORDS);
  private readonly enable: Uint32Array[] = [];
  private readonly threshold = new Uint32Array(PLIC_NUM_CONTEXTS);
  /** mip bit each context drives. */
  private readonly contextIrq = [MipBit.MEIP, MipBit.SEIP];
  private readonly contextLevel = [false, false];

  constructor(private readonly hart: IrqSink) {
    for (let c = 0; c < PLIC_NUM_CONTEXTS; c++) this.enable.push(new Uint32Array(WORDS));
  }

  /** A device's interrupt line (IrqSink for the devices: line = source number). */
  setIrq(source: number, level: boolean): void {
    if (source <= 0 || source >= PLIC_NUM_SOURCES) return;
    const w = source >>> 5;
    const bit = 1 << (source & 31);
    if (level) {
      this.level[w] |= bit;
      if (!(this.claimed[w]! & bit)) this.pending[w] |= bit;
    } else {
      this.level[w] &= ~bit;
      this.pending[w] &= ~bit;
    }
    this.update();
  }

  /** The source a claim by context ctx would return (0: none). */
  private best(ctx: number): number {
    let bestId = 0;
    let bestPrio = this.threshold[ctx]!;
    const en = this.enable[ctx]!;
    for (let w = 0; w < WORDS; w++) {
      let bits = this.pending[w]! & en[w]! & ~this.claimed[w]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const id = w * 32 + b;
        if (this.priority[id]! > bestPrio) {
          bestPrio = this.priority[id]!;
          bestId = id;
        }
      }
    }
    return bestId;
  }

  private update(): void {
    for (let c = 0; c < PLIC_NUM_CONTEXTS; c++) {
      const level = this.best(c) !== 0;
      if (level !== this.contextLevel[c]) {
        this.contextLevel[c] = level;
        this.hart.setIrq(this.contextIrq[c]!, level);
      }
    }
  }

  private claim(ctx: number): number {
    const id = this.best(ctx);
    if (id !== 0) {
      const bit = 1 << (id & 31);
      this.pending[id >>> 5] &= ~bit;
      this.claimed[id >>> 5] |= bit;
      this.update();
    }
    return id;
  }

  private complete(id: number): void {
    if (id <= 0 || id >= PLIC_NUM_SOURCES) return;
    const w = id >>> 5;
    const bit = 1 << (id & 31);
    this.claimed[w] &= ~bit;
    if (this.level[w]! & bit) this.pending[w] |= bit;
    this.update();
  }

  read(offset: number, size: number): number | bigint {
    if (size !== 4) return 0;
    if (offset < PlicReg.PENDING) {
      const id = offset >>> 2;
      return id < PLIC_NUM_SOURCES ? this.priority[id]! : 0;
    }
    if (offset < PlicReg.ENABLE) {
      const w = (offset - PlicReg.PENDING) >>> 2;
      return w < WORDS ? this.pending[w]! >>> 0 : 0;
    }
    if (offset < PlicReg.CONTEXT) {
      const ctx = Math.floor((offset - PlicReg.ENABLE) / PlicReg.ENABLE_STRIDE);
      const w = ((offset - PlicReg.ENABLE) % PlicReg.ENABLE_STRIDE) >>> 2;
      return ctx < PLIC_NUM_CONTEXTS && w < WORDS ? this.enable[ctx]![w]! >>> 0 : 0;
    }
    const ctx = Math.floor((offset - PlicReg.CONTEXT) / PlicReg.CONTEXT_STRIDE);
    if (ctx >= PLIC_NUM_CONTEXTS) return 0;
    const reg = (offset - PlicReg.CONTEXT) % PlicReg.CONTEXT_STRIDE;
    if (reg === PlicReg.THRESHOLD) return this.threshold[ctx]!;
    if (reg === PlicReg.CLAIM) return this.claim(ctx);
    return 0;
  }

  write(offset: number, size: number, value: number | bigint): void {
    if (size !== 4) return;
    const v = low32(value);
    if (offset < PlicReg.PENDING) {
      const id = offset >>> 2;
      if (id > 0 && id < PLIC_NUM_SOURCES) this.priority[id] = Math.min(v, PLIC_MAX_PRIORITY);
    } else if (offset < PlicReg.ENABLE) {
      return; // pending bits are read-only
    } else if (offset < PlicReg.CONTEXT) {
      const ctx = Math.floor((offset - PlicReg.ENABLE) / PlicReg.ENABLE_STRIDE);
      const w = ((offset - PlicReg.ENABLE) % PlicReg.ENABLE_STRIDE) >>> 2;
      if (ctx >= PLIC_NUM_CONTEXTS || w >= WORDS) return;
      this.enable[ctx]![w] = w === 0 ? v & ~1 : v; // source 0 does not exist
    } else {
      const ctx = Math.floor((offset - PlicReg.CONTEXT) / PlicReg.CONTEXT_STRIDE);
      if (ctx >= PLIC_NUM_CONTEXTS) return;
      const reg = (offset - PlicReg.CONTEXT) % PlicReg.CONTEXT_STRIDE;
      if (reg === PlicReg.THRESHOLD) this.threshold[ctx] = Math.min(v, PLIC_MAX_PRIORITY);
      else if (reg === PlicReg.CLAIM) this.complete(v);
      else return;
    }
    this.update();
  }

  saveState(): PlicState {
    return {
      priority: [...this.priority],
      level: [...this.level],
      pending: [...this.pending],
      claimed: [...this.claimed],
      enable: this.enable.map((e) => [...e]),
      threshold: [...this.threshold],
    };
  }

  restoreState(s: PlicState): void {
    this.priority.set(s.priority);
    this.level.set(s.level);
    this.pending.set(s.pending);
    this.claimed.set(s.claimed);
    s.enable.forEach((e, c) => this.enable[c]!.set(e));
    this.threshold.set(s.threshold);
    this.update();
  }
}
