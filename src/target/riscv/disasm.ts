// The disassembler for -d in_asm, driven by the decode tables: a pattern's
// mnemonic and format give the text, in objdump's syntax (ABI register names,
// decimal offsets, hex shift amounts and upper immediates, absolute branch
// targets in hex) with objdump's common aliases (li, mv, ret, beqz, ...).
// Compressed instructions print as the 32-bit instruction they expand to, as
// objdump prints them.

import { Fmt, InsnArgs } from './decode-spec.js';
import { RiscvDecoder, USER_DECODER } from './decoder.js';
import { CsrDef, USER_CSRS, csrName } from './translate-csr.js';

export const X_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

export const F_NAMES = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];

const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'rm5', 'rm6', 'dyn'];
const DYNAMIC_RM = 7;
/** Exact conversions: objdump never prints their (ignored) rounding mode. */
const EXACT_CONVERSIONS = new Set(['fcvt.d.w', 'fcvt.d.wu', 'fcvt.d.s']);
const FUNCT3_FIELD = 0x7000;
const FENCE_ALL = 0xff;
const FENCE_RW_RW = 0x33;
/** fm = 1000 marks fence.tso; pause (Zihintpause) is fence w,0. */
const FENCE_FM_TSO = 0x8;
const PAUSE = 0x0100000f;

/** Pseudo-instruction names objdump uses for plain CSR reads and writes. */
const CSR_READ_ALIAS: Record<string, string> = {
  fflags: 'frflags', frm: 'frrm', fcsr: 'frcsr', cycle: 'rdcycle', time: 'rdtime', instret: 'rdinstret',
};
const CSR_SWAP_ALIAS: Record<string, string> = { fflags: 'fsflags', frm: 'fsrm', fcsr: 'fscsr' };

function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

function fenceSet(bits: number): string {
  return (bits & 8 ? 'i' : '') + (bits & 4 ? 'o' : '') + (bits & 2 ? 'r' : '') + (bits & 1 ? 'w' : '');
}

function isLoadOpcode(insn: number): boolean {
  const opcode = insn & 0x7f;
  return opcode === 0x03 || opcode === 0x07;
}

/** One instruction as text; `pc` places branch targets. */
export function disassembleInsn(insn: number, pc: bigint, csrs: ReadonlyMap<number, CsrDef> = USER_CSRS,
  decoder: RiscvDecoder = USER_DECODER): string {
  const decoded = decoder.decode(insn);
  if (!decoded || decoded.pattern.asm?.name === 'illegal') return `.insn ${hex(insn >>> 0)} (illegal)`;
  const p = decoded.pattern, a = decoded.args;
  const name = p.asm?.name ?? p.name;
  const fmt = p.asm?.fmt ?? p.fmt;
  const fp = p.fpRegs ?? '';
  const rd = (fp.includes('d') ? F_NAMES : X_NAMES)[a.rd]!;
  const rs1 = (fp.includes('1') ? F_NAMES : X_NAMES)[a.rs1]!;
  const rs2 = (fp.includes('2') ? F_NAMES : X_NAMES)[a.rs2]!;
  const rs3 = F_NAMES[a.rs3]!;
  // FP instructions whose funct3 is a rounding mode print it unless dynamic.
  const hasRm = fp !== '' && p.length === 4 && (p.mask & FUNCT3_FIELD) === 0 && !isLoadOpcode(insn) && (insn & 0x7f) !== 0x27;
  const rmSuffix = hasRm && a.rm !== DYNAMIC_RM && !EXACT_CONVERSIONS.has(name) ? `,${RM_NAMES[a.rm]}` : '';
  const target = (): string => BigInt.asUintN(64, pc + BigInt(a.imm)).toString(16);

  const alias = aliasFor(name, fmt, a, rd, rs1, rs2, target, csrs);
  if (alias !== null) return alias;

  switch (fmt) {
    case Fmt.R: return `${name}\t${rd},${rs1},${rs2}${rmSuffix}`;
    case Fmt.R2: return `${name}\t${rd},${rs1}${rmSuffix}`;
    case Fmt.R4: return `${name}\t${rd},${rs1},${rs2},${rs3}${rmSuffix}`;
    case Fmt.I:
      if (name === 'jalr' || name.startsWith('l') || name === 'flw' || name === 'fld') return `${name}\t${rd},${a.imm}(${rs1})`;
      return `${name}\t${rd},${rs1},${a.imm}`;
    case Fmt.S: return `${name}\t${rs2},${a.imm}(${rs1})`;
    case Fmt.B: return `${name}\t${rs1},${rs2},${target()}`;
    case Fmt.U: return `${name}\t${rd},${hex((a.imm >>> 12) & 0xfffff)}`;
    case Fmt.J: return `${name}\t${rd},${target()}`;
    case Fmt.Sh: case Fmt.ShW: return `${name}\t${rd},${rs1},${hex(a.imm)}`;
    case Fmt.Csr: return `${name}\t${rd},${csrName(a.csr, csrs)},${rs1}`;
    case Fmt.CsrI: return `${name}\t${rd},${csrName(a.csr, csrs)},${a.imm}`;
    case Fmt.Amo: return `${name}${ordering(a)}\t${rd},${rs2},(${rs1})`;
    case Fmt.Lr: return `${name}${ordering(a)}\t${rd},(${rs1})`;
    case Fmt.Fence:
      if (insn >>> 0 === PAUSE) return 'pause';
      if (insn >>> 28 === FENCE_FM_TSO && a.imm === FENCE_RW_RW) return 'fence.tso';
      return a.imm === FENCE_ALL ? 'fence' : `fence\t${fenceSet(a.imm >> 4)},${fenceSet(a.imm & 0xf)}`;
    default: return name;
  }
}

function ordering(a: InsnArgs): string {
  return a.aq && a.rl ? '.aqrl' : a.aq ? '.aq' : a.rl ? '.rl' : '';
}

/** objdump's pseudo-instructions, or null to print the instruction itself. */
function aliasFor(name: string, fmt: Fmt, a: InsnArgs, rd: string, rs1: string, rs2: string,
  target: () => string, csrs: ReadonlyMap<number, CsrDef>): string | null {
  switch (name) {
    case 'addi':
      if (a.rd === 0 && a.rs1 === 0 && a.imm === 0) return 'nop';
      if (a.rs1 === 0) return `li\t${rd},${a.imm}`;
      if (a.imm === 0) return `mv\t${rd},${rs1}`;
      return null;
    case 'mv': return `mv\t${rd},${rs2}`;
    case 'addiw': return a.imm === 0 ? `sext.w\t${rd},${rs1}` : null;
    case 'xori': return a.imm === -1 ? `not\t${rd},${rs1}` : null;
    case 'andi': return a.imm === 0xff ? `zext.b\t${rd},${rs1}` : null;
    case 'sltiu': return a.imm === 1 ? `seqz\t${rd},${rs1}` : null;
    case 'sub': return a.rs1 === 0 ? `neg\t${rd},${rs2}` : null;
    case 'subw': return a.rs1 === 0 ? `negw\t${rd},${rs2}` : null;
    case 'sltu': return a.rs1 === 0 ? `snez\t${rd},${rs2}` : null;
    case 'slt': return a.rs2 === 0 ? `sltz\t${rd},${rs1}` : a.rs1 === 0 ? `sgtz\t${rd},${rs2}` : null;
    case 'beq': return a.rs2 === 0 ? `beqz\t${rs1},${target()}` : null;
    case 'bne': return a.rs2 === 0 ? `bnez\t${rs1},${target()}` : null;
    case 'blt': return a.rs2 === 0 ? `bltz\t${rs1},${target()}` : a.rs1 === 0 ? `bgtz\t${rs2},${target()}` : null;
    case 'bge': return a.rs2 === 0 ? `bgez\t${rs1},${target()}` : a.rs1 === 0 ? `blez\t${rs2},${target()}` : null;
    case 'jal': return a.rd === 0 ? `j\t${target()}` : a.rd === 1 ? `jal\t${target()}` : null;
    case 'jalr':
      if (a.imm !== 0) return null;
      if (a.rd === 0) return a.rs1 === 1 ? 'ret' : `jr\t${rs1}`;
      return a.rd === 1 ? `jalr\t${rs1}` : null;
    case 'fsgnj.s': case 'fsgnj.d': case 'fsgnjn.s': case 'fsgnjn.d': case 'fsgnjx.s': case 'fsgnjx.d': {
      if (a.rs1 !== a.rs2) return null;
      const base = name.startsWith('fsgnjx') ? 'fabs' : name.startsWith('fsgnjn') ? 'fneg' : 'fmv';
      return `${base}${name.slice(-2)}\t${rd},${rs1}`;
    }
  }
  if (fmt === Fmt.Csr || fmt === Fmt.CsrI) {
    const csr = csrName(a.csr, csrs);
    const src = fmt === Fmt.Csr ? rs1 : String(a.imm);
    if (name === 'csrrs' && a.rs1 === 0) return `${CSR_READ_ALIAS[csr] ?? 'csrr'}\t${rd}${CSR_READ_ALIAS[csr] ? '' : ',' + csr}`;
    const swap = CSR_SWAP_ALIAS[csr];
    if ((name === 'csrrw' || name === 'csrrwi') && swap) {
      const suffix = name === 'csrrwi' ? 'i' : '';
      return a.rd === 0 ? `${swap}${suffix}\t${src}` : `${swap}${suffix}\t${rd},${src}`;
    }
    if (a.rd === 0 && (name === 'csrrw' || name === 'csrrs' || name === 'csrrc')) return `csr${name[4]}\t${csr},${src}`;
  }
  return null;
}
