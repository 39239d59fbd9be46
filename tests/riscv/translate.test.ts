// Translation to IR: every sample instruction gives IR the verifier accepts,
// TBs end where they must, and a small TB prints as expected.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IRBuilder } from '../../src/ir/builder.js';
import { IRFunction } from '../../src/ir/ir.js';
import { ExitCode, Opc } from '../../src/ir/ops.js';
import { printIR } from '../../src/ir/print.js';
import { verify } from '../../src/ir/verify.js';
import { CodeFetcher } from '../../src/exec/target.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { GUEST_BASE } from '../../src/memory/layout.js';
import { RiscvTarget } from '../../src/target/riscv/riscv-target.js';
import { dumpCpu } from '../../src/target/riscv/cpu-dump.js';
import { Fmt, InsnPattern } from '../../src/target/riscv/decode-spec.js';
import { findAmbiguities } from '../../src/target/riscv/decoder.js';
import { JmpKind } from '../../src/target/riscv/translate-context.js';
import { CsrDef } from '../../src/target/riscv/translate-csr.js';
import { DISASM_SAMPLES } from './disasm-samples.js';
import { Insn, add, addi, assemble, bne, c16, csr, ecall, fp, jalr } from './rv-asm.js';

const mem = new LinearMemory(GUEST_BASE + 4096);
const target = new RiscvTarget(mem, { mmuIdx: 0 });

/** Serves code from a byte array placed at `base`. */
class ArrayFetcher implements CodeFetcher {
  constructor(private readonly base: number, private readonly bytes: Uint8Array) {}
  fetch16(lo: number): number {
    const i = (lo >>> 0) - this.base;
    if (i < 0 || i + 1 >= this.bytes.length) throw new Error(`fetch outside the program at 0x${(lo >>> 0).toString(16)}`);
    return this.bytes[i]! | (this.bytes[i + 1]! << 8);
  }
}

function translate(insns: readonly Insn[], pc = 0x10000, maxInsns = 512): { fn: IRFunction; icount: number; size: number } {
  const fn = new IRFunction(target.globals, target.helpers);
  const bytes = assemble(insns);
  const r = target.translate(new IRBuilder(fn), pc, 0, target.tbFlags(), new ArrayFetcher(pc, bytes), maxInsns);
  return { fn, ...r };
}

const lastOp = (fn: IRFunction): Opc => fn.ops[fn.ops.length - 1]!.opc;
const count = (fn: IRFunction, opc: Opc): number => fn.ops.filter((o) => o.opc === opc).length;

test('every sample instruction translates to verified IR ending the TB', () => {
  for (const s of DISASM_SAMPLES) {
    const insn: Insn = (s.insn & 3) === 3 ? s.insn : c16(s.insn);
    const { fn } = translate([insn, ecall()], 0x10000 + s.pc);
    assert.doesNotThrow(() => verify(fn), `${s.text}`);
    assert.ok([Opc.goto_tb, Opc.goto_ptr, Opc.exit_tb].includes(lastOp(fn)), `${s.text} ends with a TB exit`);
  }
});

test('a straight-line TB: insn_start per instruction, x0 dropped, ends at ecall', () => {
  const { fn, icount, size } = translate([addi(10, 0, 5), add(0, 10, 10), add(11, 10, 0), ecall()]);
  verify(fn);
  assert.equal(icount, 4);
  assert.equal(size, 16);
  assert.equal(count(fn, Opc.insn_start), 4);
  const text = printIR(fn);
  assert.match(text, /mov_i64 x10,\$0x5/);
  assert.doesNotMatch(text, /[ ,]x0\b/, 'x0 is never read or written as a global');
  assert.match(text, /call raise_exception,\$0x8,\$0x0/);
  assert.equal(lastOp(fn), Opc.exit_tb);
});

test('a conditional branch ends the TB with goto_tb 1 (fall through) and goto_tb 0 (taken)', () => {
  const { fn, icount } = translate([addi(10, 10, -1), bne(10, 0, -4), addi(11, 0, 1)]);
  verify(fn);
  assert.equal(icount, 2, 'stops at the branch');
  const text = printIR(fn);
  assert.match(text, /brcond_i64 x10,\$0x0,ne,\$L0\n mov_i64 pc,\$0x10008\n goto_tb \$0x1\n set_label \$L0\n mov_i64 pc,\$0x10000\n goto_tb \$0x0\n$/);
});

test('jalr ends with goto_ptr', () => {
  const { fn } = translate([jalr(0, 1, 0)]);
  verify(fn);
  assert.equal(lastOp(fn), Opc.goto_ptr);
});

test('TBs stop at maxInsns, at the page end, and before an instruction straddling it', () => {
  const nops = Array.from({ length: 8 }, () => addi(0, 0, 0));
  assert.equal(translate(nops, 0x10000, 3).icount, 3);
  const atEnd = translate([addi(10, 10, 1), addi(10, 10, 1), addi(10, 10, 1)], 0x10ff8);
  assert.equal(atEnd.size, 8, 'the page ends after two instructions');
  const straddle = translate([addi(10, 10, 1), c16(0x0505), addi(10, 10, 1), ecall()], 0x10ff8);
  assert.equal(straddle.size, 6, 'cut before the instruction at page end - 2');
  const first = translate([addi(10, 10, 1), ecall()], 0x10ffe);
  assert.equal(first.size, 4, 'a straddling instruction first in its TB is translated');
  assert.equal(first.icount, 1);
});

test('illegal encodings and reserved rounding modes raise illegal instruction with the bits', () => {
  for (const bad of [0xffffffff, fp(0x01, 5, 1, 2, 3), csr(1, 10, 0xc01, 11)]) {
    const { fn } = translate([bad]);
    verify(fn);
    assert.match(printIR(fn), new RegExp(`call raise_exception,\\$0x2,\\$0x${bad.toString(16)}`));
  }
  const zero = translate([c16(0)]);
  assert.match(printIR(zero.fn), /call raise_exception,\$0x2,\$0x0/);
});

test('dumpCpu prints pc and every register', () => {
  const text = dumpCpu(mem);
  assert.match(text, /^ pc {7}0{16}$/m);
  assert.match(text, / x10\/a0 +0{16}/);
  assert.match(text, / f31\/ft11 +0{16}/);
  assert.equal(text.match(/ x\d+\//g)!.length, 32);
});

test('a machine can add instructions and CSRs through the target options', () => {
  const wfi: InsnPattern = {
    name: 'wfi', bits: '0001000 00101 00000 000 00000 1110011', fmt: Fmt.None,
    trans: (ctx) => { ctx.b.exitTb(ExitCode.TargetBase); ctx.jmp = JmpKind.NoReturn; return true; },
  };
  const scratch: CsrDef = { name: 'sscratch', read: (ctx, d) => ctx.b.ld(d, 0x800, 3), write: (ctx, v) => ctx.b.st(v, 0x800, 3) };
  const system = new RiscvTarget(mem, { extraPatterns: [wfi], csrs: new Map([[0x140, scratch]]) });
  assert.deepEqual(findAmbiguities(system.decoder.patterns), []);
  const fn = new IRFunction(system.globals, system.helpers);
  const code = assemble([csr(1, 10, 0x140, 11), 0x10500073]);
  const r = system.translate(new IRBuilder(fn), 0x10000, 0, 3, new ArrayFetcher(0x10000, code), 16);
  verify(fn);
  assert.equal(r.icount, 2);
  assert.equal(lastOp(fn), Opc.exit_tb);
  assert.equal(system.disassemble(0x10004n, new ArrayFetcher(0x10000, code)).text, 'wfi');
  assert.equal(system.disassemble(0x10000n, new ArrayFetcher(0x10000, code)).text, 'csrrw\ta0,sscratch,a1');
  // The user-mode target still rejects both.
  assert.match(printIR(translate([0x10500073]).fn), /raise_exception,\$0x2/);
});
