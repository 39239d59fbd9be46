// Decoding a block of guest code into the direct tier's ops (direct-ops.ts).
//
// A block ends where the translator (riscv-target.ts) ends a TB: after an
// instruction that ends one (a branch, a jump, an instruction whose
// translation says so), at the page end, at the length limit, and before a
// 4-byte instruction that straddles the page end (it starts its own block,
// so that its fetch fault cannot come after earlier instructions ran). So a
// block and the TB translated from the same pc cover the same instructions,
// and the Wasm tier can compile a block by translating it
// (ExecLoop.irFor), with goto_tb slots that mean what the block's exits do.
//
// Instructions the tier does not run itself go to the IR interpreter one at
// a time: the translator makes a one-instruction TB of each (a snippet,
// SnippetMaker in exec/tier.ts), and the block runs it in its place.

import { CodeFetcher } from '../../../exec/target.js';
import { TranslationBlock } from '../../../exec/tb.js';
import { SnippetMaker } from '../../../exec/tier.js';
import { CodeArena } from '../../../backend/interp/code-arena.js';
import { PAGE_SIZE } from '../../../memory/tlb-layout.js';
import { InsnArgs, CompiledPattern } from '../decode-spec.js';
import { emptyArgs } from '../decode-formats.js';
import { insnLength, RiscvDecoder } from '../decoder.js';
import { DIRECT_OPS, DOp, OpInfo, opWord, RD_SHIFT, Shape, SNIPPET_ENDS_RD } from './direct-ops.js';

/** Words before a block's first op: where it starts and its data MMU's TLB. */
export const enum BlockPrologue { PC_LO = 0, PC_HI = 1, TLB_WORD = 2, MMU_IDX = 3 }
export const PROLOGUE_WORDS = 4;

export interface DecodedBlock {
  icount: number;
  size: number;
}

/** The longest op, in words (a branch). */
const MAX_OP_WORDS = 5;

/** (hi:lo) + offset, for |offset| < 2^31: the low and the high word. */
let sumLo = 0, sumHi = 0;
function add64(lo: number, hi: number, offset: number): void {
  const s = ((lo >>> 0) + offset);
  sumLo = s | 0;
  sumHi = (hi + Math.floor(s / 4294967296)) | 0;
}

export class BlockDecoder {
  private readonly infoOf = new Map<CompiledPattern, OpInfo | null>();
  private readonly args: InsnArgs = emptyArgs();

  constructor(private readonly decoder: RiscvDecoder) {}

  /**
   * Decode the block at (pcLo, pcHi) into `arena` from `entry` on (the caller
   * has written the header and prologue); its snippets go to the end of
   * `table`, whose indices the SNIPPET ops hold. Fetch faults throw as in
   * translation: only the first instruction of a block can fault.
   */
  decode(arena: CodeArena, entry: number, pcLo: number, pcHi: number, flags: number,
    fetch: CodeFetcher, maxInsns: number, snippets: SnippetMaker, table: TranslationBlock[]): DecodedBlock {
    const args = this.args;
    const pageOff = pcLo & (PAGE_SIZE - 1);
    let p = entry + PROLOGUE_WORDS;
    /** Where the last op is, when it is an LI (-1: it is not): constant folding with the next instruction. */
    let liAt = -1;
    let size = 0, icount = 0;
    let lo = pcLo | 0, hi = pcHi | 0;
    // Room for the whole block at once: at most 5 words an instruction (3 but for the last), and the END.
    const w = arena.room(p - arena.used + MAX_OP_WORDS * Math.min(maxInsns, PAGE_SIZE / 2) + 3);
    for (;;) {
      const first = fetch.fetch16(lo, hi);
      const length = insnLength(first);
      if (icount > 0 && length === 4 && pageOff + size === PAGE_SIZE - 2) {
        p = end(w, p, lo, hi);
        break;
      }
      add64(lo, hi, 2);
      const insn = length === 2 ? first : (first | (fetch.fetch16(sumLo, sumHi) << 16)) >>> 0;
      add64(lo, hi, length);
      const nextLo = sumLo, nextHi = sumHi;
      const pattern = this.decoder.decodeInto(insn, args);
      const info = pattern === null ? null : this.info(pattern);
      const opStart = p;
      let ends = false;
      if (info === null) {
        const s = snippets.snippet(lo, hi, flags, fetch);
        w[p] = opWord(DOp.SNIPPET, s.endsBlock ? SNIPPET_ENDS_RD : 0, 0, 0); w[p + 1] = table.length; w[p + 2] = size;
        table.push(s.tb);
        p += 3;
        ends = s.endsBlock;
      } else {
        const { rd, rs1, rs2, imm } = args;
        switch (info.shape) {
          case Shape.R:
            if (rd === 0) break;
            if (info.op === DOp.ADD && (rs1 === 0 || rs2 === 0)) { w[p++] = opWord(DOp.MV, rd, rs1 | rs2, 0); break; }
            w[p++] = opWord(info.op, rd, rs1, rs2);
            break;
          case Shape.I:
            if (rd === 0) break;
            if (info.op === DOp.LI) {
              // lui: the immediate; auipc: pc + immediate.
              if (pattern!.name === 'auipc') add64(lo, hi, imm); else { sumLo = imm; sumHi = imm >> 31; }
              liAt = p;
              p = li(w, p, rd, sumLo, sumHi);
            } else if (rs1 === 0 && (info.op === DOp.ADDI || info.op === DOp.ORI || info.op === DOp.XORI)) {
              liAt = p;
              p = li(w, p, rd, imm, imm >> 31);
            } else if (liAt >= 0 && liReg(w, liAt) === rs1 && (info.op === DOp.ADDI || info.op === DOp.ADDIW)) {
              // lui + addi(w), auipc + addi: the sum is a constant too. Into the same register, it
              // replaces the first constant (nothing in between can read it).
              if (info.op === DOp.ADDI) add64(w[liAt + 1]!, w[liAt + 2]!, imm);
              else { sumLo = (w[liAt + 1]! + imm) | 0; sumHi = sumLo >> 31; }
              if (rd === rs1) li(w, liAt, rd, sumLo, sumHi);
              else { liAt = p; p = li(w, p, rd, sumLo, sumHi); }
            } else if (imm === 0 && (info.op === DOp.ADDI || info.op === DOp.SLLI || info.op === DOp.SRLI || info.op === DOp.SRAI)) {
              w[p++] = opWord(DOp.MV, rd, rs1, 0);
            } else {
              w[p] = opWord(info.op, rd, rs1, 0); w[p + 1] = imm; p += 2;
            }
            break;
          case Shape.Mem:
            w[p] = opWord(info.op, rd, rs1, rs2); w[p + 1] = imm; w[p + 2] = size; p += 3;
            break;
          case Shape.Atomic:
            w[p] = opWord(info.op, rd, rs1, rs2); w[p + 1] = size; p += 2;
            break;
          case Shape.Branch:
            add64(lo, hi, imm);
            w[p] = opWord(info.op, 0, rs1, rs2); w[p + 1] = sumLo; w[p + 2] = sumHi; w[p + 3] = nextLo; w[p + 4] = nextHi;
            p += 5; ends = true;
            break;
          case Shape.Jal:
            add64(lo, hi, imm);
            w[p] = opWord(DOp.JAL, rd, 0, 0); w[p + 1] = nextLo; w[p + 2] = nextHi; w[p + 3] = sumLo; w[p + 4] = sumHi;
            p += 5; ends = true;
            break;
          case Shape.Jalr:
            if (liAt >= 0 && liReg(w, liAt) === rs1) {
              // auipc + jalr (a call out of jal's reach): the target is a constant. When the link
              // goes to the same register, the constant is dead.
              add64(w[liAt + 1]!, w[liAt + 2]!, imm);
              if (rd === rs1) p = liAt;
              w[p] = opWord(DOp.CALL, rd, 0, 0); w[p + 1] = nextLo; w[p + 2] = nextHi; w[p + 3] = sumLo & ~1; w[p + 4] = sumHi;
              p += 5;
            } else {
              w[p] = opWord(DOp.JALR, rd, rs1, 0); w[p + 1] = imm; w[p + 2] = nextLo; w[p + 3] = nextHi;
              p += 4;
            }
            ends = true;
            break;
          case Shape.Nop:
            break;
        }
      }
      // An op emitted that is not the LI just made (or the one just folded into): no constant to fold with.
      if (p !== opStart && liAt !== opStart) liAt = -1;
      icount++;
      size += length;
      lo = nextLo; hi = nextHi;
      if (ends) break;
      if (icount >= maxInsns || pageOff + size >= PAGE_SIZE) {
        p = end(w, p, lo, hi);
        break;
      }
    }
    arena.used = p;
    return { icount, size };
  }

  /** How the tier runs instructions of this pattern, or null for a snippet (floating point: always). */
  private info(pattern: CompiledPattern): OpInfo | null {
    let info = this.infoOf.get(pattern);
    if (info === undefined) {
      info = pattern.fpRegs !== undefined ? null : DIRECT_OPS.get(pattern.asm?.name ?? pattern.name) ?? null;
      this.infoOf.set(pattern, info);
    }
    return info;
  }
}

/** The END op at p: the block ran out, the next instruction is at (lo, hi). */
function end(w: Int32Array, p: number, lo: number, hi: number): number {
  w[p] = opWord(DOp.END, 0, 0, 0); w[p + 1] = lo; w[p + 2] = hi;
  return p + 3;
}

/** The register the LI op at p writes. */
function liReg(w: Int32Array, p: number): number {
  return (w[p]! >>> RD_SHIFT) & 31;
}

function li(w: Int32Array, p: number, rd: number, lo: number, hi: number): number {
  w[p] = opWord(DOp.LI, rd, 0, 0); w[p + 1] = lo; w[p + 2] = hi;
  return p + 3;
}
