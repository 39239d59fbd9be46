import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT_BUDGET, EXIT_EXCEPTION, ExecLoop, ExecLoopOptions } from '../../src/exec/exec-loop.js';
import { LogFlag, parseLogMask } from '../../src/exec/log.js';
import { ExitCode, Opc } from '../../src/ir/ops.js';
import { Cpu, CPU_BASE } from '../../src/memory/layout.js';
import { Access, FaultKind, Prot } from '../../src/memory/softmmu-api.js';
import { makeMmu } from '../memory/fakes.js';
import { BigIntTier, R0, ToyTarget, writeProgram } from './toy-guest.js';

const RWX = Prot.READ | Prot.WRITE | Prot.EXEC;
const HALT = ExitCode.TargetBase;

function machine(extra: Partial<ExecLoopOptions> = {}) {
  const m = makeMmu();
  m.map.map(0x1000, m.hostPage(0), RWX);
  const target = new ToyTarget();
  const tier = new BigIntTier(m.mem, m.mmu);
  const loop = new ExecLoop({ mem: m.mem, mmu: m.mmu, target, tier, ...extra });
  const setPc = (pc: number) => m.mem.writeU64(CPU_BASE + Cpu.PC, BigInt(pc));
  const pc = () => Number(m.mem.readU64(CPU_BASE + Cpu.PC));
  const reg = (off: number) => m.mem.readU64(CPU_BASE + off);
  return { ...m, target, tier, loop, setPc, pc, reg };
}

// r1 = 5; do r0 += 1 while (r0 < r1); halt 7
const COUNT_TO_5 = [0x7005, 0x1001, 0x3001, 0x5007];

test('runs TBs to a target exit, translating each TB once and chaining direct jumps', () => {
  const { mmu, loop, target, tier, setPc, pc, reg } = machine();
  writeProgram(mmu, 0x1000, COUNT_TO_5);
  setPc(0x1000);
  assert.equal(loop.run(1_000_000), HALT + 7);
  assert.equal(reg(R0), 5n);
  assert.equal(pc(), 0x1008, 'pc is past the halt');
  // TBs: [0x1000: li1, addi, bltu], [0x1002: addi, bltu], [0x1006: halt]
  assert.equal(target.translations, 3);
  assert.equal(loop.stats.tbsTranslated, 3);
  assert.equal(tier.prepared, 3);
  assert.ok(loop.stats.chainsLinked >= 2, 'back edge and exit edge linked');
  const back = loop.cache.lookup(0x1002, 0, 0, 0)!;
  assert.equal(back.jump0, back, 'the loop TB chains to itself');
  assert.ok(back.execCount >= 3);
  assert.ok(loop.stats.executions < 3 + back.execCount, 'chained TBs ran inside the tier');

  setPc(0x1000);
  assert.equal(loop.run(1_000_000), HALT + 7);
  assert.equal(target.translations, 3, 'second run finds every TB in the cache');
});

test('the budget ends the slice at a TB boundary', () => {
  const { mmu, loop, setPc, reg } = machine();
  writeProgram(mmu, 0x1000, [0x1001, 0x2000]); // r0 += 1; jump 0x1000
  setPc(0x1000);
  assert.equal(loop.run(100), EXIT_BUDGET);
  assert.equal(reg(R0), 50n, '2 instructions per iteration');
  assert.equal(loop.run(10), EXIT_BUDGET);
  assert.equal(reg(R0), 55n);
});

test('an exit request stops the loop and is cleared', () => {
  const { mem, mmu, loop, setPc, reg } = machine();
  writeProgram(mmu, 0x1000, COUNT_TO_5);
  setPc(0x1000);
  mem.i32[(CPU_BASE + Cpu.EXIT_REQUEST) >> 2] = 1;
  assert.equal(loop.run(1000), ExitCode.Requested);
  assert.equal(mem.i32[(CPU_BASE + Cpu.EXIT_REQUEST) >> 2], 0);
  assert.equal(reg(R0), 0n, 'nothing ran');
  assert.equal(loop.run(1000), HALT + 7);
});

test('guest exceptions from a TB and from instruction fetch return EXIT_EXCEPTION with precise pc', () => {
  const { mmu, loop, faults, setPc, pc, reg } = machine();
  writeProgram(mmu, 0x1000, [0x1003, 0x6004, 0x1001, 0x5000]); // r0 += 3; r0 = [0x9004]; ...
  setPc(0x1000);
  assert.equal(loop.run(1000), EXIT_EXCEPTION);
  assert.equal(pc(), 0x1002, 'pc of the faulting load');
  assert.equal(reg(R0), 3n, 'the add before it is done');
  assert.deepEqual(faults.faults.at(-1), { access: Access.Read, fault: FaultKind.Unmapped, lo: 0x9004, hi: 0 });

  writeProgram(mmu, 0x1100, [0x2800]); // jump to 0x2000: unmapped
  setPc(0x1100);
  assert.equal(loop.run(1000), EXIT_EXCEPTION);
  assert.equal(pc(), 0x2000);
  assert.deepEqual(faults.faults.at(-1), { access: Access.Fetch, fault: FaultKind.Unmapped, lo: 0x2000, hi: 0 });
  assert.equal(loop.stats.guestExceptions, 2);
});

test('-d int logs guest exceptions; Cpu.TB_FLAGS holds the flags of the TB entered', () => {
  const lines: string[] = [];
  const { mem, mmu, loop, target, setPc } = machine({ log: { mask: LogFlag.INT, sink: (l: string) => lines.push(l) } });
  target.tbFlags = () => 0x42;
  writeProgram(mmu, 0x1000, [0x6010, 0x5000]);
  setPc(0x1000);
  assert.equal(loop.run(100), EXIT_EXCEPTION);
  assert.equal(mem.i32[(CPU_BASE + Cpu.TB_FLAGS) >> 2], 0x42);
  assert.deepEqual(lines, ['Exception 101 at pc=0x0000000000001000 value=0x9010']);
});

test('self-modifying code: a store into translated code invalidates it before it runs again', () => {
  const { mmu, loop, target, setPc, hostPage } = machine();
  writeProgram(mmu, 0x1000, [0x8009, 0x4005, 0x2005]); // r0 = halt 9; store at 0x100a; jump 0x100a
  writeProgram(mmu, 0x100a, [0x5001]); // halt 1
  setPc(0x100a);
  assert.equal(loop.run(1000), HALT + 1);
  assert.equal(loop.cache.tbsInPage(hostPage(0) >>> 12), 1);
  setPc(0x1000);
  assert.equal(loop.run(1000), HALT + 9, 'the new instruction ran');
  assert.ok(loop.cache.stats.invalidations >= 1);
  assert.equal(target.translations, 3, 'halt TB, store TB, re-translated halt TB');

  // Host-side writes (a read() system call into code) invalidate too.
  mmu.write(0x100a, new Uint8Array([0x02, 0x50])); // halt 2
  setPc(0x100a);
  assert.equal(loop.run(1000), HALT + 2);
});

test('tb-size: the cache is flushed when translated code outgrows it, and execution stays correct', () => {
  // ~100 bytes: every TB is over budget, so each translation flushes first.
  const { mmu, loop, tier, setPc, reg } = machine({ tbSizeMiB: 100 / (1024 * 1024) });
  writeProgram(mmu, 0x1000, COUNT_TO_5);
  setPc(0x1000);
  assert.equal(loop.run(1_000_000), HALT + 7);
  assert.equal(reg(R0), 5n);
  assert.ok(loop.cache.stats.flushes >= 2);
  assert.equal(tier.flushes, loop.cache.stats.flushes, 'the tier forgets everything on each flush');
  assert.ok(loop.cache.size <= 1);
});

test('maxInsnsPerTb bounds the TB length', () => {
  const { mmu, loop, setPc, reg } = machine({ maxInsnsPerTb: 2 });
  writeProgram(mmu, 0x1000, [0x1001, 0x1001, 0x1001, 0x1001, 0x1001, 0x5000]);
  setPc(0x1000);
  assert.equal(loop.run(1000), HALT);
  assert.equal(reg(R0), 5n);
  assert.equal(loop.stats.tbsTranslated, 3);
  for (const pc of [0x1000, 0x1004, 0x1008]) assert.equal(loop.cache.lookup(pc, 0, 0, 0)?.icount, 2);
});

test('-d logging: in_asm, exec, tb-stats and nochain', () => {
  const lines: string[] = [];
  const log = { mask: parseLogMask('in_asm,exec,tb-stats,nochain,cpu'), sink: (l: string) => lines.push(l), dumpCpu: () => 'REGS' };
  const { mmu, loop, setPc, reg } = machine({ log });
  writeProgram(mmu, 0x1000, COUNT_TO_5);
  setPc(0x1000);
  assert.equal(loop.run(1000), HALT + 7);
  assert.equal(reg(R0), 5n);
  const text = lines.join('\n');
  assert.match(text, /IN: \n0x0000000000001000:  7005\s+li1 0x5\n0x0000000000001002:  1001\s+addi 0x1/);
  assert.match(text, /Trace: \[0x0000000000001002\/00000000\]/);
  assert.match(text, /TB 0x0000000000001006 flags=0x0 insns=1 bytes=2/);
  assert.ok(lines.includes('REGS'));
  assert.equal(loop.stats.chainsLinked, 0, 'nochain');
  // Without chaining the loop sees every TB: 1 + 4 loop iterations + halt.
  assert.equal(lines.filter((l) => l.startsWith('Trace')).length, 6);
  assert.throws(() => parseLogMask('in_asm,bogus'), /unknown -d item 'bogus'/);
  assert.equal(parseLogMask('op,op_opt'), LogFlag.OP | LogFlag.OP_OPT);
});

test('a tier without a budget field: the loop counts instructions itself', () => {
  const m = machine();
  const plain = { name: 'plain', get lastTb() { return m.tier.lastTb; }, prepare: (tb: any) => m.tier.prepare(tb),
    execute: (tb: any) => { m.tier.budget = Number.MAX_SAFE_INTEGER; return m.tier.execute(tb); }, flush: () => m.tier.flush() };
  const loop = new ExecLoop({ mem: m.mem, mmu: m.mmu, target: m.target, tier: plain, log: { mask: LogFlag.NOCHAIN, sink: () => {} } });
  writeProgram(m.mmu, 0x1000, [0x1001, 0x2000]);
  m.setPc(0x1000);
  assert.equal(loop.run(21), EXIT_BUDGET);
  assert.equal(m.reg(R0), 11n, 'stops at the first TB boundary at or past the budget');
});

test('-d op and op_opt print the IR before and after the optimizer', () => {
  const lines: string[] = [];
  let optimized = 0;
  const { mmu, loop, setPc } = machine({
    log: { mask: parseLogMask('op,op_opt'), sink: (l: string) => lines.push(l) },
    optimize: (fn) => { optimized++; fn.ops = fn.ops.filter((op) => op.opc !== Opc.insn_start || op.args[0] !== 0x1000); },
  });
  writeProgram(mmu, 0x1000, [0x1004, 0x5003]);
  setPc(0x1000);
  assert.equal(loop.run(100), HALT + 3);
  assert.equal(optimized, 1);
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^OP:\n[^]*0000000000001000[^]*add_i64 r0,r0,\$0x4/);
  assert.match(lines[1]!, /^OP after optimization:\n/);
  assert.doesNotMatch(lines[1]!, /0000000000001000/, 'the optimizer output is what gets printed');
});
