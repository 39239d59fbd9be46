// The direct tier against the IR interpreter (DESIGN.md: differential testing
// is the backbone): random programs (direct-fuzz.ts) from the same random
// state must end in the same state on both, down to the instruction count
// (so the direct tier's blocks are the translator's TBs) and every byte of
// the data page. Each program runs twice on the same machines, the second
// time through the blocks and links the first made. WEMU_FUZZ_PROGRAMS and
// WEMU_FUZZ_SEED run more programs or another seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cpu, CPU_BASE, GUEST_BASE } from '../../src/memory/layout.js';
import { PAGE_SIZE } from '../../src/memory/tlb-layout.js';
import { Rv } from '../../src/target/riscv/cpu-layout.js';
import { pointerValue, randomProgram, randomValue, rng } from './direct-fuzz.js';
import { CODE, RvMachine } from './rv-machine.js';

const PROGRAMS = Number(process.env.WEMU_FUZZ_PROGRAMS ?? 400);
const SEED = Number(process.env.WEMU_FUZZ_SEED ?? 0x5eed);
/** The data page, the read-only page: both start with the same random bytes. */
const DATA_HOST = GUEST_BASE + 2 * PAGE_SIZE;
const RODATA_HOST = GUEST_BASE + 3 * PAGE_SIZE;

interface Start { regs: bigint[]; fregs: bigint[]; fflags: number; frm: number; data: Uint8Array; rodata: Uint8Array }

function randomStart(r: () => number): Start {
  const regs = Array.from({ length: 32 }, (_, i) => i === 0 ? 0n : [2, 8, 9].includes(i) ? pointerValue(i, r) : randomValue(r));
  const fregs = Array.from({ length: 32 }, () => randomValue(r));
  const bytes = () => Uint8Array.from({ length: PAGE_SIZE }, () => r() & 0xff);
  return { regs, fregs, fflags: r() & 0x1f, frm: r() % 5, data: bytes(), rodata: bytes() };
}

function setUp(m: RvMachine, s: Start): void {
  for (let i = 1; i < 32; i++) m.setX(i, s.regs[i]!);
  for (let i = 0; i < 32; i++) m.setF(i, s.fregs[i]!);
  m.setWord32(Rv.FFLAGS, s.fflags);
  m.setWord32(Rv.FRM, s.frm);
  m.mem.writeU64(CPU_BASE + Rv.RES_ADDR, 0xffffffffffffffffn);
  m.mem.writeU64(CPU_BASE + Cpu.INSN_COUNT, 0n);
  m.mem.u8.set(s.data, DATA_HOST);
  m.mem.u8.set(s.rodata, RODATA_HOST);
  m.pc = BigInt(CODE);
}

/** Everything a program can change, as one printable record. */
function endState(m: RvMachine, cause: number): Record<string, string> {
  const st: Record<string, string> = {
    cause: String(cause), pc: m.pc.toString(16), tval: m.tval.toString(16),
    insns: m.mem.readU64(CPU_BASE + Cpu.INSN_COUNT).toString(),
    fflags: String(m.word32(Rv.FFLAGS)), frm: String(m.word32(Rv.FRM)),
    resAddr: m.mem.readU64(CPU_BASE + Rv.RES_ADDR).toString(16), resValue: m.mem.readU64(CPU_BASE + Rv.RES_VALUE).toString(16),
    data: Buffer.from(m.mem.u8.subarray(DATA_HOST, DATA_HOST + PAGE_SIZE)).toString('hex'),
  };
  for (let i = 0; i < 32; i++) st[`x${i}`] = m.x(i).toString(16);
  for (let i = 0; i < 32; i++) st[`f${i}`] = m.f(i).toString(16);
  return st;
}

function runProgram(m: RvMachine, start: Start): Record<string, string> {
  setUp(m, start);
  return endState(m, m.run(100_000));
}

test(`direct tier = IR interpreter on ${PROGRAMS} random programs (seed ${SEED})`, (t) => {
  const r = rng(SEED);
  let faults = 0, instructions = 0n;
  for (let n = 0; n < PROGRAMS; n++) {
    const program = randomProgram(r, 4 + (r() % 20));
    const start = randomStart(r);
    const interp = new RvMachine(), direct = new RvMachine({ direct: true });
    interp.load(program);
    direct.load(program);
    for (const pass of ['first', 'second']) {
      const want = runProgram(interp, start);
      const got = runProgram(direct, start);
      assert.deepEqual(got, want, `program ${n} (seed ${SEED}), ${pass} run`);
      if (pass === 'first') {
        if (want.cause !== '8') faults++;
        instructions += BigInt(want.insns!);
      }
    }
    assert.ok(direct.loop.stats.tbsDecoded > 0, 'the direct tier made the TBs');
    assert.equal(interp.loop.stats.tbsDecoded, 0);
  }
  t.diagnostic(`${instructions} instructions, ${faults} programs ended in a fault`);
  // The programs must reach far enough, and fault often enough, to test what they are for.
  assert.ok(instructions > BigInt(PROGRAMS) * 10n, `${instructions} instructions in ${PROGRAMS} programs`);
  assert.ok(faults > PROGRAMS / 20 && faults < PROGRAMS * 0.9, `${faults} of ${PROGRAMS} programs ended in a fault`);
});

test('blocks end at a page end and before an instruction straddling it, as TBs do', { timeout: 20_000 }, () => {
  // addi a0, a0, k: four of them from 14 bytes before the second code page's start,
  // so the fourth straddles the page end; then one more and ecall on the next page.
  const addi = (k: number): number => ((k << 20) | (10 << 15) | (10 << 7) | 0x13) >>> 0;
  const program = [addi(1), addi(2), addi(4), addi(8), addi(16), 0x73];
  for (const start of [CODE + PAGE_SIZE - 14, CODE + PAGE_SIZE - 8]) {
    const states = [new RvMachine(), new RvMachine({ direct: true })].map((m) => {
      m.load(program, start);
      m.setX(10, 0n);
      m.mem.writeU64(CPU_BASE + Cpu.INSN_COUNT, 0n);
      return endState(m, m.run(1000));
    });
    assert.deepEqual(states[1], states[0]);
    assert.equal(states[0]!.x10, (31).toString(16));
    assert.equal(states[0]!.cause, '8');
  }
});
