// The decoder, generated at module load from the decode tables.
//
// 32-bit patterns are bucketed by opcode (bits 6:0) and funct3 (bits 14:12);
// a pattern that leaves funct3 open (lui, jal, R4 forms) lands in all eight
// buckets of its opcode. 16-bit patterns are bucketed by quadrant (bits 1:0)
// and funct3 (bits 15:13). Inside a bucket, patterns are tried most specific
// first (most fixed bits), so a carve-out such as c.nop or a reserved
// encoding wins over the general form it overlaps. findAmbiguities() checks
// that this rule always gives one answer.

import { CompiledPattern, InsnArgs, InsnPattern, compilePattern } from './decode-spec.js';
import { emptyArgs, extractArgs } from './decode-formats.js';
import { RVI_PATTERNS } from './decode-rvi.js';
import { RVM_PATTERNS } from './decode-rvm.js';
import { RVA_PATTERNS } from './decode-rva.js';
import { RVC_PATTERNS } from './decode-rvc.js';
import { ZICSR_PATTERNS } from './decode-zicsr.js';
import { ZBA_PATTERNS, ZBB_PATTERNS, ZBS_PATTERNS } from './decode-zb.js';
import { FP_PATTERNS } from './decode-fp.js';

export const ALL_PATTERNS: readonly CompiledPattern[] = [
  ...RVI_PATTERNS, ...RVM_PATTERNS, ...RVA_PATTERNS, ...ZICSR_PATTERNS, ...FP_PATTERNS,
  ...ZBA_PATTERNS, ...ZBB_PATTERNS, ...ZBS_PATTERNS, ...RVC_PATTERNS,
].map((p: InsnPattern) => compilePattern(p));

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

const OPCODE_MASK = 0x7f, FUNCT3_SHIFT_32 = 12, FUNCT3_SHIFT_16 = 13, FUNCT3_MASK = 0x7;

function bucketKey32(insn: number): number {
  return (insn & OPCODE_MASK) | (((insn >>> FUNCT3_SHIFT_32) & FUNCT3_MASK) << 7);
}

function bucketKey16(insn: number): number {
  return (insn & 3) | (((insn >>> FUNCT3_SHIFT_16) & FUNCT3_MASK) << 2);
}

function buildBuckets(patterns: readonly CompiledPattern[], length: 2 | 4): CompiledPattern[][] {
  const keyOf = length === 4 ? bucketKey32 : bucketKey16;
  const buckets: CompiledPattern[][] = Array.from({ length: 1 << (length === 4 ? 10 : 5) }, () => []);
  for (const p of patterns) {
    if (p.length !== length) continue;
    // A key's bits are instruction bits: the pattern fixes some of them (its
    // bucket keys all share those) and leaves the rest open (it lands in
    // every bucket they can make). Enumerating the open bits' subsets visits
    // just those buckets (at most 8 a pattern), not all of them for each
    // pattern: at module load, unoptimized, that scan took ~15 ms a decoder.
    const fixed = keyOf(p.mask), key = keyOf(p.match & p.mask), open = (buckets.length - 1) & ~fixed;
    for (let sub = open; ; sub = (sub - 1) & open) {
      buckets[key | sub]!.push(p);
      if (sub === 0) break;
    }
  }
  // Patterns went in in table order; the stable sort keeps that order among equally specific ones.
  for (const b of buckets) b.sort((x, y) => popcount(y.mask) - popcount(x.mask));
  return buckets;
}

/** The length in bytes of the instruction whose first halfword is `lo16`. */
export function insnLength(lo16: number): 2 | 4 {
  return (lo16 & 3) === 3 ? 4 : 2;
}

export interface Decoded {
  readonly pattern: CompiledPattern;
  readonly args: InsnArgs;
}

/** A decoder over a set of patterns (the user-level ISA, or that plus a machine's privileged instructions). */
export class RiscvDecoder {
  readonly patterns: readonly CompiledPattern[];
  private readonly buckets32: CompiledPattern[][];
  private readonly buckets16: CompiledPattern[][];

  constructor(patterns: readonly CompiledPattern[]) {
    this.patterns = patterns;
    this.buckets32 = buildBuckets(patterns, 4);
    this.buckets16 = buildBuckets(patterns, 2);
  }

  /** This decoder plus more patterns (e.g. mret, sret, wfi, sfence.vma for system mode). */
  extend(extra: readonly InsnPattern[]): RiscvDecoder {
    return new RiscvDecoder([...this.patterns, ...extra.map((p) => compilePattern(p))]);
  }

  /** Decode `insn` (16 or 32 bits, by its low bits); null for an undefined encoding. */
  decode(insn: number): Decoded | null {
    const args = emptyArgs();
    const pattern = this.decodeInto(insn, args);
    return pattern === null ? null : { pattern, args };
  }

  /**
   * Decode `insn` into `args` (every field rewritten, so one object can serve
   * a whole TB without allocating); the pattern, or null for an undefined encoding.
   */
  decodeInto(insn: number, args: InsnArgs): CompiledPattern | null {
    const length = insnLength(insn & 0xffff);
    const bucket = length === 4 ? this.buckets32[bucketKey32(insn)]! : this.buckets16[bucketKey16(insn & 0xffff)]!;
    const bits = length === 4 ? insn >>> 0 : insn & 0xffff;
    for (let i = 0; i < bucket.length; i++) {
      const p = bucket[i]!;
      if (((bits & p.mask) >>> 0) === p.match) {
        args.rd = 0; args.rs1 = 0; args.rs2 = 0; args.rs3 = 0; args.imm = 0;
        args.rm = 0; args.csr = 0; args.aq = 0; args.rl = 0;
        extractArgs(p.fmt, bits, args);
        return p;
      }
    }
    return null;
  }
}

/** RV64GC + Zba/Zbb/Zbs + Zicsr/Zifencei: what user mode runs. */
export const USER_DECODER = new RiscvDecoder(ALL_PATTERNS);

export function decode(insn: number): Decoded | null {
  return USER_DECODER.decode(insn);
}

/**
 * Pairs of patterns that can match the same instruction without a rule
 * saying which wins. Overlap is fine when one pattern fixes strictly more
 * bits (a carve-out), or when a third pattern fixes every bit either fixes
 * and covers their whole intersection. Two patterns fixing the same number
 * of bits that overlap are always ambiguous.
 */
export function findAmbiguities(patterns: readonly CompiledPattern[] = ALL_PATTERNS): string[] {
  const problems: string[] = [];
  for (let i = 0; i < patterns.length; i++) {
    for (let j = i + 1; j < patterns.length; j++) {
      const p = patterns[i]!, q = patterns[j]!;
      if (p.length !== q.length) continue;
      const common = p.mask & q.mask;
      if (((p.match ^ q.match) & common) !== 0) continue; // disjoint
      const pInQ = (p.mask & q.mask) === q.mask, qInP = (p.mask & q.mask) === p.mask;
      if (pInQ !== qInP) continue; // one strictly more specific
      const unionMask = (p.mask | q.mask) >>> 0, unionMatch = ((p.match & p.mask) | (q.match & q.mask)) >>> 0;
      const resolved = patterns.some((r) => r.length === p.length && r.mask === unionMask && r.match === unionMatch && r !== p && r !== q);
      if (!resolved) problems.push(`${p.name} / ${q.name}`);
    }
  }
  return problems;
}
