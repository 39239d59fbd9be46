// A toy guest for exec-loop tests: 16-bit instructions, two registers.
//   0x1nnn  r0 += nnn
//   0x2nnn  jump to 0x1000 + 2*nnn            (ends the TB, goto_tb 0)
//   0x3nnn  if r0 <u r1 jump to 0x1000 + 2*nnn (ends the TB, goto_tb 0 / 1)
//   0x4nnn  store low 16 bits of r0 at 0x1000 + 2*nnn
//   0x5nnn  halt: exit with ExitCode.TargetBase + nnn
//   0x6nnn  r0 = u32 at 0x9000 + nnn          (unmapped in the tests: faults)
//   0x7nnn  r1 = nnn
//   0x8nnn  r0 = 0x5000 | nnn                 (builds a halt instruction to store)
// And a fake tier that runs IR with BigInts, following chains like the real interpreter.

import { IRBuilder } from '../../src/ir/builder.js';
import { GlobalDecl, IRFunction } from '../../src/ir/ir.js';
import { ExitCode, Opc } from '../../src/ir/ops.js';
import { Cond, TempKind, Type, evalCondBig } from '../../src/ir/types.js';
import { HelperTable } from '../../src/exec/helpers.js';
import { CodeFetcher, GuestTarget, TranslateResult } from '../../src/exec/target.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { Tier } from '../../src/exec/tier.js';
import { Cpu, CPU_BASE, CPU_TARGET_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemOp } from '../../src/memory/memop.js';
import { MemorySlowPath } from '../../src/memory/softmmu-api.js';
import { PAGE_SIZE } from '../../src/memory/tlb-layout.js';

export const R0 = CPU_TARGET_BASE;
export const R1 = CPU_TARGET_BASE + 8;
const G_PC = 0, G_R0 = 1, G_R1 = 2;

export const TOY_GLOBALS: readonly GlobalDecl[] = [
  { name: 'pc', type: Type.I64, offset: Cpu.PC },
  { name: 'r0', type: Type.I64, offset: R0 },
  { name: 'r1', type: Type.I64, offset: R1 },
];

const target = (nnn: number): number => 0x1000 + 2 * nnn;

export class ToyTarget implements GuestTarget {
  readonly name = 'toy16';
  readonly globals = TOY_GLOBALS;
  readonly helpers = new HelperTable();
  translations = 0;

  tbFlags(): number { return 0; }
  codeMmuIdx(_flags: number): number { return 0; }

  translate(b: IRBuilder, pcLo: number, _pcHi: number, _flags: number, fetch: CodeFetcher, maxInsns: number): TranslateResult {
    this.translations++;
    const start = pcLo >>> 0;
    const pcG = b.global(G_PC), r0 = b.global(G_R0), r1 = b.global(G_R1);
    let pc = start;
    let icount = 0;
    const done = (endsTb = true): TranslateResult => ({ icount, size: pc - start, endsTb });
    for (;;) {
      const insn = fetch.fetch16(pc, 0);
      b.insnStart(BigInt(pc));
      icount++;
      const nnn = insn & 0xfff;
      const next = pc + 2;
      switch (insn >>> 12) {
        case 1: b.addi(r0, r0, nnn); break;
        case 2: b.mov(pcG, b.const64(target(nnn))); b.gotoTb(0); pc = next; return done();
        case 3: {
          const taken = b.newLabel();
          b.brcond(Cond.LTU, r0, r1, taken);
          b.mov(pcG, b.const64(next)); b.gotoTb(1);
          b.setLabel(taken);
          b.mov(pcG, b.const64(target(nnn))); b.gotoTb(0);
          pc = next;
          return done();
        }
        case 4: b.qemuSt(r0, b.const64(target(nnn)), MemOp.S16, 0); break;
        case 5: b.mov(pcG, b.const64(next)); b.exitTb(ExitCode.TargetBase + nnn); pc = next; return done();
        case 6: b.qemuLd(r0, b.const64(0x9000 + nnn), MemOp.S32, 0); break;
        case 7: b.mov(r1, b.const64(nnn)); break;
        case 8: b.mov(r0, b.const64(0x5000 | nnn)); break;
        default: throw new Error(`toy16: bad instruction 0x${insn.toString(16)} at 0x${pc.toString(16)}`);
      }
      pc = next;
      if (icount >= maxInsns || pc % PAGE_SIZE === 0) {
        b.mov(pcG, b.const64(pc));
        b.gotoTb(0);
        return done(false);
      }
    }
  }

  disassemble(pc: bigint, fetch: CodeFetcher): { text: string; length: number } {
    const insn = fetch.fetch16(Number(pc), 0);
    const names = ['?', 'addi', 'j', 'bltu', 'sh', 'halt', 'lw', 'li1', 'mkhalt'];
    return { text: `${names[insn >>> 12] ?? '?'} 0x${(insn & 0xfff).toString(16)}`, length: 2 };
  }
}

/** Runs IR directly (BigInt values: test code only), with the interpreter's budget and chaining rules. */
export class BigIntTier implements Tier {
  readonly name = 'bigint';
  budget = Number.MAX_SAFE_INTEGER;
  lastTb: TranslationBlock | null = null;
  prepared = 0;
  flushes = 0;
  /** This tier's "code" for each TB is the IR itself: the loop freezes tb.ir after prepare (src/ir/frozen.ts). */
  private readonly code = new WeakMap<TranslationBlock, IRFunction>();

  constructor(private readonly mem: LinearMemory, private readonly slowPath: MemorySlowPath) {}

  prepare(tb: TranslationBlock): void {
    this.prepared++;
    this.code.set(tb, tb.irForCompile()!);
  }

  flush(): void {
    this.flushes++;
    this.lastTb = null;
  }

  execute(tb: TranslationBlock): number {
    let cur = tb;
    for (;;) {
      this.lastTb = cur;
      cur.execCount++;
      this.budget -= cur.icount;
      const r = this.runOne(this.code.get(cur)!);
      if (r.kind === 'exit') return r.code;
      const next = cur.jumpTarget(r.slot);
      const m = this.mem.i32;
      if (next === null || !next.valid || this.budget <= 0 || m[(CPU_BASE + Cpu.EXIT_REQUEST) >> 2] !== 0) {
        return r.slot === 0 ? ExitCode.Chain0 : ExitCode.Chain1;
      }
      cur = next;
    }
  }

  private runOne(fn: IRFunction): { kind: 'exit'; code: number } | { kind: 'goto'; slot: 0 | 1 } {
    const locals = new Map<number, bigint>();
    const get = (i: number): bigint => {
      const t = fn.temp(i);
      if (t.kind === TempKind.Const) return t.value;
      if (t.kind === TempKind.Global) return this.mem.readU64(CPU_BASE + t.offset);
      return locals.get(i) ?? 0n;
    };
    const set = (i: number, v: bigint): void => {
      const t = fn.temp(i);
      if (t.kind === TempKind.Global) this.mem.writeU64(CPU_BASE + t.offset, v);
      else locals.set(i, BigInt.asUintN(64, v));
    };
    const labels = new Map<number, number>();
    fn.ops.forEach((op, i) => { if (op.opc === Opc.set_label) labels.set(op.args[0]!, i); });
    let pc = 0n;
    for (let i = 0; i < fn.ops.length; i++) {
      const { opc, args } = fn.ops[i]!;
      switch (opc) {
        case Opc.insn_start: pc = (BigInt(args[1]! >>> 0) << 32n) | BigInt(args[0]! >>> 0); break;
        case Opc.mov_i64: set(args[0]!, get(args[1]!)); break;
        case Opc.add_i64: set(args[0]!, BigInt.asUintN(64, get(args[1]!) + get(args[2]!))); break;
        case Opc.set_label: break;
        case Opc.br: i = labels.get(args[0]!)!; break;
        case Opc.brcond_i64: if (evalCondBig(args[2]! as Cond, get(args[0]!), get(args[1]!), 64)) i = labels.get(args[3]!)!; break;
        case Opc.qemu_st_i64: {
          this.mem.writeU64(CPU_BASE + Cpu.PC, pc);
          const v = get(args[0]!), a = get(args[1]!);
          this.slowPath.store(Number(a & 0xffffffffn), Number(a >> 32n), Number(v & 0xffffffffn), Number(v >> 32n), args[2]!, args[3]!);
          break;
        }
        case Opc.qemu_ld_i64: {
          this.mem.writeU64(CPU_BASE + Cpu.PC, pc);
          const a = get(args[1]!);
          this.slowPath.load(Number(a & 0xffffffffn), Number(a >> 32n), args[2]!, args[3]!);
          set(args[0]!, this.mem.readU64(CPU_BASE + Cpu.HELPER_RET));
          break;
        }
        case Opc.exit_tb: return { kind: 'exit', code: args[0]! };
        case Opc.goto_tb: return { kind: 'goto', slot: args[0]! as 0 | 1 };
        case Opc.goto_ptr: return { kind: 'exit', code: ExitCode.Next };
        default: throw new Error(`bigint tier: op ${Opc[opc]} not supported`);
      }
    }
    throw new Error('bigint tier: fell off the end of the TB');
  }
}

/** Write toy instructions at a guest address through the MMU's host-side access. */
export function writeProgram(mmu: { write(vaddr: number, data: Uint8Array): boolean }, vaddr: number, insns: number[]): void {
  const bytes = new Uint8Array(insns.length * 2);
  insns.forEach((w, i) => { bytes[2 * i] = w & 0xff; bytes[2 * i + 1] = w >>> 8; });
  if (!mmu.write(vaddr, bytes)) throw new Error('program does not fit the mapping');
}
