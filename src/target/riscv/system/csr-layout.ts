// System-mode RISC-V state: where each privileged CSR lives in the CPU state
// block (from Rv.CSR_BASE), the CSR numbers, and the bit fields the trap,
// interrupt and MMU code share. Every offset is defined here and nowhere else
// (DESIGN.md decision 1), so a save/restore of the CPU state block carries
// the privileged state too.

import { Rv } from '../cpu-layout.js';

/** Byte offsets (relative to the CPU base) of the system CSRs. All i64 slots unless said otherwise. */
export const SysCsr = {
  /** mstatus without SD (computed on read) and with UXL/SXL forced on every write. sstatus is a view. */
  MSTATUS: Rv.CSR_BASE + 0x000,
  MEDELEG: Rv.CSR_BASE + 0x008,
  MIDELEG: Rv.CSR_BASE + 0x010,
  MIE: Rv.CSR_BASE + 0x018,
  /** Software-written mip bits (SSIP, STIP without Sstc, SEIP). */
  MIP_SW: Rv.CSR_BASE + 0x020,
  /** i32: interrupt lines driven by devices (MSIP, MTIP, MEIP, SEIP), ORed into mip. */
  MIP_LINES: Rv.CSR_BASE + 0x028,
  MTVEC: Rv.CSR_BASE + 0x030,
  STVEC: Rv.CSR_BASE + 0x038,
  MEPC: Rv.CSR_BASE + 0x040,
  SEPC: Rv.CSR_BASE + 0x048,
  MCAUSE: Rv.CSR_BASE + 0x050,
  SCAUSE: Rv.CSR_BASE + 0x058,
  MTVAL: Rv.CSR_BASE + 0x060,
  STVAL: Rv.CSR_BASE + 0x068,
  MSCRATCH: Rv.CSR_BASE + 0x070,
  SSCRATCH: Rv.CSR_BASE + 0x078,
  SATP: Rv.CSR_BASE + 0x080,
  /** i32 */
  MCOUNTEREN: Rv.CSR_BASE + 0x088,
  /** i32 */
  SCOUNTEREN: Rv.CSR_BASE + 0x08c,
  MENVCFG: Rv.CSR_BASE + 0x090,
  SENVCFG: Rv.CSR_BASE + 0x098,
  MHARTID: Rv.CSR_BASE + 0x0a0,
  /** mcycle / minstret = Cpu.INSN_COUNT + offset (written by csrw mcycle / minstret). */
  MCYCLE_OFFSET: Rv.CSR_BASE + 0x0a8,
  MINSTRET_OFFSET: Rv.CSR_BASE + 0x0b0,
  STIMECMP: Rv.CSR_BASE + 0x0b8,
  PMPCFG0: Rv.CSR_BASE + 0x0c0,
  PMPCFG2: Rv.CSR_BASE + 0x0c8,
  /** 16 x i64 */
  PMPADDR: Rv.CSR_BASE + 0x0d0,
  /** End of the block (the next free offset). */
  END: Rv.CSR_BASE + 0x150,
} as const;

/** CSR numbers of the privileged architecture (plus the user counters system mode redefines). */
export const Csr = {
  FFLAGS: 0x001, FRM: 0x002, FCSR: 0x003,
  CYCLE: 0xc00, TIME: 0xc01, INSTRET: 0xc02, HPMCOUNTER3: 0xc03, HPMCOUNTER31: 0xc1f,
  SSTATUS: 0x100, SIE: 0x104, STVEC: 0x105, SCOUNTEREN: 0x106, SENVCFG: 0x10a,
  SSCRATCH: 0x140, SEPC: 0x141, SCAUSE: 0x142, STVAL: 0x143, SIP: 0x144, STIMECMP: 0x14d,
  SATP: 0x180,
  MSTATUS: 0x300, MISA: 0x301, MEDELEG: 0x302, MIDELEG: 0x303, MIE: 0x304, MTVEC: 0x305, MCOUNTEREN: 0x306,
  MENVCFG: 0x30a, MCOUNTINHIBIT: 0x320, MHPMEVENT3: 0x323, MHPMEVENT31: 0x33f,
  MSCRATCH: 0x340, MEPC: 0x341, MCAUSE: 0x342, MTVAL: 0x343, MIP: 0x344,
  PMPCFG0: 0x3a0, PMPCFG2: 0x3a2, PMPADDR0: 0x3b0, PMPADDR15: 0x3bf,
  MCYCLE: 0xb00, MINSTRET: 0xb02, MHPMCOUNTER3: 0xb03, MHPMCOUNTER31: 0xb1f,
  MVENDORID: 0xf11, MARCHID: 0xf12, MIMPID: 0xf13, MHARTID: 0xf14, MCONFIGPTR: 0xf15,
} as const;

/** Privilege levels (the value of Rv.PRIV). */
export const Priv = { U: 0, S: 1, M: 3 } as const;

/** mstatus fields (bit masks, as bigints: the register is 64 bits wide). */
export const Mstatus = {
  SIE: 1n << 1n,
  MIE: 1n << 3n,
  SPIE: 1n << 5n,
  MPIE: 1n << 7n,
  SPP: 1n << 8n,
  MPP: 3n << 11n,
  MPP_SHIFT: 11n,
  FS: 3n << 13n,
  FS_SHIFT: 13n,
  MPRV: 1n << 17n,
  SUM: 1n << 18n,
  MXR: 1n << 19n,
  TVM: 1n << 20n,
  TW: 1n << 21n,
  TSR: 1n << 22n,
  /** UXL = SXL = 2 (64-bit), read-only. */
  UXL_SXL_64: (2n << 32n) | (2n << 34n),
  SD: 1n << 63n,
} as const;

/** mstatus bits an M-mode write may change. */
export const MSTATUS_WRITABLE = Mstatus.SIE | Mstatus.MIE | Mstatus.SPIE | Mstatus.MPIE | Mstatus.SPP | Mstatus.MPP
  | Mstatus.FS | Mstatus.MPRV | Mstatus.SUM | Mstatus.MXR | Mstatus.TVM | Mstatus.TW | Mstatus.TSR;
/** The bits sstatus shows (UXL and SD included; they stay read-only). */
export const SSTATUS_VISIBLE = Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.FS | Mstatus.SUM | Mstatus.MXR
  | (3n << 32n) | Mstatus.SD;
export const SSTATUS_WRITABLE = Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.FS | Mstatus.SUM | Mstatus.MXR;

/** Interrupt numbers (mcause values with the interrupt bit set; bit positions in mip / mie). */
export const Irq = {
  SSI: 1, MSI: 3, STI: 5, MTI: 7, SEI: 9, MEI: 11,
} as const;

/** mip / mie bit masks (numbers: all fit in 32 bits). */
export const Mip = {
  SSIP: 1 << Irq.SSI, MSIP: 1 << Irq.MSI, STIP: 1 << Irq.STI, MTIP: 1 << Irq.MTI, SEIP: 1 << Irq.SEI, MEIP: 1 << Irq.MEI,
} as const;

export const S_INTERRUPTS = Mip.SSIP | Mip.STIP | Mip.SEIP;
export const ALL_INTERRUPTS = S_INTERRUPTS | Mip.MSIP | Mip.MTIP | Mip.MEIP;

/**
 * The order interrupts are taken in when several are pending for the same
 * privilege level (privileged spec 3.1.9): MEI, MSI, MTI, SEI, SSI, STI.
 */
export const IRQ_PRIORITY: readonly number[] = [Irq.MEI, Irq.MSI, Irq.MTI, Irq.SEI, Irq.SSI, Irq.STI];

/** Exceptions medeleg may delegate: all but ecall from M (11) and the reserved 10 and 14. */
export const DELEGABLE_EXCEPTIONS = 0xb3ffn;

/** misa: MXL = 2 (RV64), extensions I M A F D C S U. */
export const MISA_VALUE = (2n << 62n)
  | [..."IMAFDCSU"].reduce((bits, c) => bits | (1n << BigInt(c.charCodeAt(0) - 65)), 0n);

/** satp fields (RV64). */
export const Satp = {
  MODE_SHIFT: 60n,
  BARE: 0,
  SV39: 8,
  SV48: 9,
  /** 16 ASID bits are writable (ASIDLEN = 16, as QEMU). */
  ASID_MASK: 0xffffn << 44n,
  PPN_MASK: (1n << 44n) - 1n,
} as const;

/** menvcfg: FIOM (bit 0) and, with Sstc, STCE (bit 63). senvcfg: FIOM. */
export const Envcfg = {
  FIOM: 1n,
  STCE: 1n << 63n,
} as const;

/** PMP: pmpaddr holds bits 55:2 of an address (54 bits); pmpcfg bits 6:5 of each byte are reserved. */
export const PMPADDR_MASK = (1n << 54n) - 1n;
export const PMPCFG_MASK = 0x9f9f9f9f9f9f9f9fn;
export const PMP_COUNT = 16;
