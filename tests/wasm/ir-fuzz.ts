// A small random-IR fuzzer: TBs of random value ops over a few globals,
// locals and constants, with forward branches and guest loads/stores on one
// mapped page (the TLB fast path) and on an unmapped one (the slow path,
// which faults for half of its addresses), run in the interpreter and in Wasm
// from the same state; the guest registers, the page, what the slow path
// stored, the pc, INSN_COUNT and the exit code must agree.
// Used by fuzz.test.ts (quick) and fuzz-long.ts (long runs).

import { VALUE_OPS } from '../../src/ir/fold.js';
import { IRBuilder } from '../../src/ir/builder.js';
import { ExitCode, OP_DEFS, Opc } from '../../src/ir/ops.js';
import { Cond, Temp, Type } from '../../src/ir/types.js';
import { HelperFlag, HelperTable } from '../../src/exec/helpers.js';
import { GUEST_EXCEPTION, isGuestException } from '../../src/exec/exception.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { Cpu, CPU_BASE, GUEST_BASE } from '../../src/memory/layout.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { MemOp } from '../../src/memory/memop.js';
import { MemorySlowPath } from '../../src/memory/softmmu-api.js';
import { PAGE_MASK_LO, PAGE_SIZE, tlbEntryOffset, TlbEntry } from '../../src/memory/tlb-layout.js';
import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { WasmTier } from '../../src/backend/wasm/wasm-tier.js';
import { CodegenOptions } from '../../src/backend/wasm/codegen.js';
import { constChoices, Rng } from '../ir/op-cases.js';
import { G_PC, G_W7, gR, newTb, regOffset } from './ir-fixtures.js';

const PAGE_VADDR = 0x4000_0000n;
const PAGE_HOST = GUEST_BASE + 0x10000;
/** A page the TLB does not map: every access takes the slow path. */
const SLOW_VADDR = 0x5000_0000n;
/** Where the fuzz slow path keeps that page's contents (hashed into snapshots with the mapped page). */
const SLOW_HOST = PAGE_HOST + PAGE_SIZE;
const MMU = 0;

class Gen {
  private readonly i64s: Temp[] = [];
  private readonly i32s: Temp[] = [];
  private readonly pending: number[] = [];

  constructor(private readonly rng: Rng, private readonly b: IRBuilder, private readonly helperIds: readonly number[]) {
    for (let i = 1; i <= 6; i++) this.i64s.push(b.global(gR(i)));
    this.i32s.push(b.global(G_W7));
    // Locals get a value before any branch, so every path defines them.
    for (let i = 0; i < 3; i++) {
      const l = b.local(Type.I64);
      b.mov(l, this.pick(this.i64s));
      this.i64s.push(l);
    }
    for (let i = 0; i < 3; i++) {
      const l = b.local(Type.I32);
      b.extrlI64I32(l, this.pick(this.i64s));
      this.i32s.push(l);
    }
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rng.below(xs.length)]!;
  }

  private value(): bigint {
    const r = this.rng.next64();
    switch (this.rng.below(4)) {
      case 0: return r & 0xffn;
      case 1: return BigInt.asUintN(64, -(r & 0xfffn));
      default: return r;
    }
  }

  private input(t: Type): Temp {
    if (this.rng.below(5) === 0) return this.b.constant(t, this.value());
    return this.pick(t === Type.I32 ? this.i32s : this.i64s);
  }

  private output(t: Type): Temp {
    return this.pick(t === Type.I32 ? this.i32s : this.i64s);
  }

  valueOp(): void {
    const opc = this.pick(VALUE_OPS);
    const def = OP_DEFS[opc]!;
    const outs = def.outTypes.map((t) => this.output(t));
    if (outs.length === 2 && outs[0] === outs[1]) return; // two outputs to one temp: order is unspecified
    const ins = def.inTypes.map((t) => this.input(t));
    const consts = this.pick(constChoices(opc));
    this.b.emit(opc, ...outs.map((t) => t.index), ...ins.map((t) => t.index), ...consts);
  }

  branch(): void {
    const label = this.b.newLabel();
    const t = this.rng.below(2) === 0 ? Type.I32 : Type.I64;
    const cond = 2 + this.rng.below(10); // a real comparison, not never/always
    this.b.brcond(cond as Cond, this.input(t), this.input(t), label);
    this.pending.push(label);
  }

  setSomeLabel(): void {
    if (this.pending.length === 0) return;
    const i = this.rng.below(this.pending.length);
    this.b.setLabel(this.pending.splice(i, 1)[0]!);
  }

  memoryOp(): void {
    // An aligned address inside the mapped page (fast path), or one time in four the unmapped one.
    const addr = this.b.local(Type.I64);
    this.b.and(addr, this.pick(this.i64s), this.b.const64(PAGE_SIZE - 8));
    this.b.add(addr, addr, this.b.const64(this.rng.below(4) === 0 ? SLOW_VADDR : PAGE_VADDR));
    const size = this.rng.below(4);
    const memop = size | (this.rng.below(2) ? MemOp.SIGN : 0) | (this.rng.below(3) === 0 ? MemOp.BSWAP : 0);
    const t = this.rng.below(3) === 0 ? Type.I32 : Type.I64;
    // An i32 value with a 64-bit access has no defined high half: not generated.
    const fitting = t === Type.I32 && size === 3 ? 2 | (memop & ~3) : memop;
    if (this.rng.below(2)) this.b.qemuLd(this.output(t), addr, fitting, MMU);
    else this.b.qemuSt(this.input(t), addr, fitting & ~MemOp.SIGN, MMU);
  }

  /** A helper call (helpers that read, write or ignore globals, or may raise). */
  call(): void {
    const id = this.pick(this.helperIds);
    this.b.call(id, [this.output(Type.I64)], [this.input(Type.I64)]);
  }

  /** Host ld/st of a guest register's slot in the CPU state, bypassing the temp. */
  hostAccess(): void {
    const reg = 1 + this.rng.below(6);
    const offset = regOffset(reg) - CPU_BASE;
    if (this.rng.below(2)) this.b.ld(this.output(Type.I64), offset, MemOp.S64);
    else this.b.st(this.input(Type.I64), offset, MemOp.S64);
  }

  finish(pcNext: bigint): void {
    while (this.pending.length > 0) this.setSomeLabel();
    if (this.rng.below(2)) {
      this.b.mov(this.b.global(G_PC), this.b.const64(pcNext));
      this.b.gotoTb(this.rng.below(2) as 0 | 1);
    } else {
      this.b.exitTb(ExitCode.TargetBase + this.rng.below(4));
    }
  }
}

/** A random TB at pc with about `length` ops. */
export function randomTb(rng: Rng, pc: number, length: number, helpers: HelperTable, helperIds: readonly number[] = []): TranslationBlock {
  const { fn, b } = newTb(helpers);
  b.insnStart(BigInt(pc));
  const g = new Gen(rng, b, helperIds);
  let icount = 1;
  for (let i = 0; i < length; i++) {
    const r = rng.below(22);
    if (r < 13) g.valueOp();
    else if (r === 20 && helperIds.length > 0) g.call();
    else if (r === 21) g.hostAccess();
    else if (r < 15) g.branch();
    else if (r < 17) g.setSomeLabel();
    else if (r < 19) g.memoryOp();
    else b.insnStart(BigInt(pc + 4 * icount++));
  }
  g.finish(BigInt(pc + 0x100));
  return new TranslationBlock(pc, 0, 0, icount, 4 * icount, [], fn);
}

function mapFuzzPage(mem: LinearMemory): void {
  const lo = Number(PAGE_VADDR);
  const e = tlbEntryOffset(MMU, lo);
  mem.writeU64(e + TlbEntry.READ_TAG, PAGE_VADDR);
  mem.writeU64(e + TlbEntry.WRITE_TAG, PAGE_VADDR);
  mem.i32[(e + TlbEntry.ADDEND) >> 2] = (PAGE_HOST - (lo & PAGE_MASK_LO)) | 0;
}

function seedState(mem: LinearMemory, rng: Rng): void {
  for (let i = 1; i <= 7; i++) mem.writeU64(regOffset(i), rng.next64());
  mem.writeU64(CPU_BASE + Cpu.PC, 0n);
  mem.writeU64(CPU_BASE + Cpu.INSN_COUNT, 0n);
  for (let i = 0; i < 2 * PAGE_SIZE; i += 8) mem.writeU64(PAGE_HOST + i, rng.next64());
}

/**
 * The slow path of the unmapped page, for whichever memory runs now: an
 * address with bit 3 set faults (GUEST_EXCEPTION, as a page fault would);
 * the others read and write SLOW_HOST (little-endian, the value extended per
 * the MemOp), as a device would.
 */
function fuzzSlowPath(current: () => LinearMemory): MemorySlowPath {
  const at = (lo: number): number => SLOW_HOST + (lo & (PAGE_SIZE - 8));
  const raiseIfFaulting = (lo: number): void => {
    if (lo & 8) {
      current().i32[(CPU_BASE + Cpu.EXCEPTION) >> 2] = 13;
      throw GUEST_EXCEPTION;
    }
  };
  return {
    load(lo, _hi, memop) {
      raiseIfFaulting(lo);
      const bits = 8 << (memop & MemOp.SIZE_MASK);
      let v = BigInt.asUintN(bits, current().readU64(at(lo)));
      if (memop & MemOp.BSWAP) v = swapBytes(v, bits / 8);
      if (memop & MemOp.SIGN) v = BigInt.asIntN(bits, v);
      current().writeU64(CPU_BASE + Cpu.HELPER_RET, BigInt.asUintN(64, v));
    },
    store(lo, _hi, valLo, valHi, memop) {
      raiseIfFaulting(lo);
      const n = 1 << (memop & MemOp.SIZE_MASK);
      let v = BigInt.asUintN(8 * n, (BigInt(valHi >>> 0) << 32n) | BigInt(valLo >>> 0));
      if (memop & MemOp.BSWAP) v = swapBytes(v, n);
      const mem = current();
      for (let i = 0; i < n; i++) mem.u8[at(lo) + i] = Number((v >> BigInt(8 * i)) & 0xffn);
    },
  };
}

function swapBytes(v: bigint, n: number): bigint {
  let r = 0n;
  for (let i = 0; i < n; i++) r |= ((v >> BigInt(8 * i)) & 0xffn) << BigInt(8 * (n - 1 - i));
  return r;
}

/** Helpers touching the guest state of whichever memory runs now. */
function fuzzHelpers(helpers: HelperTable, current: () => LinearMemory): number[] {
  const arg = (): bigint => current().readU64(CPU_BASE + Cpu.HELPER_ARGS);
  const ret = (v: bigint): void => current().writeU64(CPU_BASE + Cpu.HELPER_RET, BigInt.asUintN(64, v));
  return [
    helpers.register({ name: 'pure', args: [Type.I64], ret: [Type.I64], flags: HelperFlag.NO_READ_GLOBALS | HelperFlag.NO_WRITE_GLOBALS,
      fn: () => ret(arg() * 3n) }),
    helpers.register({ name: 'reads_r3', args: [Type.I64], ret: [Type.I64], flags: HelperFlag.NO_WRITE_GLOBALS,
      fn: () => ret(arg() ^ current().readU64(regOffset(3))) }),
    helpers.register({ name: 'writes_r4', args: [Type.I64], ret: [Type.I64], flags: 0,
      fn: () => { current().writeU64(regOffset(4), BigInt.asUintN(64, arg() + 1n)); ret(current().readU64(regOffset(5))); } }),
    helpers.register({ name: 'may_raise', args: [Type.I64], ret: [Type.I64], flags: HelperFlag.MAY_RAISE,
      fn: () => {
        if ((arg() & 7n) === 0n) throw GUEST_EXCEPTION;
        ret(current().readU64(regOffset(2)) + current().readU64(CPU_BASE + Cpu.PC));
      } }),
  ];
}

function runCatching(run: () => number): number {
  try {
    return run();
  } catch (e) {
    if (isGuestException(e)) return -1;
    throw e;
  }
}

function snapshot(mem: LinearMemory, code: number): string {
  const regs = [1, 2, 3, 4, 5, 6].map((i) => mem.readU64(regOffset(i)).toString(16));
  regs.push((mem.readU64(regOffset(7)) & 0xffffffffn).toString(16));
  let page = 0;
  for (let i = 0; i < 2 * PAGE_SIZE; i++) page = (Math.imul(page, 31) + mem.u8[PAGE_HOST + i]!) | 0;
  // exit_tb leaves Cpu.PC unspecified (the translator stores it when it matters): the
  // interpreter stores the pc before every slow path, Wasm only before raising.
  const pc = code >= ExitCode.TargetBase ? '-' : mem.readU64(CPU_BASE + Cpu.PC).toString(16);
  return `exit=${code} pc=${pc} icount=${mem.readU64(CPU_BASE + Cpu.INSN_COUNT)} regs=${regs.join(',')} page=${page}`;
}

export interface FuzzResult {
  readonly programs: number;
  readonly mismatches: string[];
}

/**
 * Run `programs` random TBs (compiled `perModule` at a time) in both tiers,
 * each from several random start states.
 */
export function fuzz(seed: number, programs: number, codegen: CodegenOptions, perModule = 50, statesPerTb = 3, length = 30): FuzzResult {
  const rng = new Rng(seed);
  const helpers = new HelperTable();
  const memI = new LinearMemory(), memW = new LinearMemory();
  let current = memI;
  const helperIds = fuzzHelpers(helpers, () => current);
  const slowPath = fuzzSlowPath(() => current);
  const interp = new InterpTier(memI, helpers, slowPath);
  const wasm = new WasmTier(memW, helpers, slowPath, { codegen });
  mapFuzzPage(memI);
  mapFuzzPage(memW);
  const mismatches: string[] = [];
  for (let done = 0; done < programs; done += perModule) {
    const tbs: TranslationBlock[] = [];
    for (let k = 0; k < Math.min(perModule, programs - done); k++) tbs.push(randomTb(rng, 0x10000 + 0x1000 * k, length, helpers, helperIds));
    wasm.compile(tbs);
    for (const tb of tbs) {
      interp.prepare(tb);
      for (let s = 0; s < statesPerTb; s++) {
        const stateSeed = rng.below(1 << 30);
        seedState(memI, new Rng(stateSeed));
        seedState(memW, new Rng(stateSeed));
        interp.budget = 1000;
        wasm.budget = 1000;
        current = memI;
        const a = snapshot(memI, runCatching(() => interp.execute(tb)));
        current = memW;
        const b = snapshot(memW, runCatching(() => wasm.execute(tb)));
        if (a !== b && mismatches.length < 5) mismatches.push(`seed ${seed} tb ${tb.pcLo.toString(16)} state ${stateSeed}:\n interp ${a}\n wasm   ${b}`);
      }
    }
  }
  return { programs, mismatches };
}

/**
 * Run `programs` random TBs in the interpreter alone, from random start
 * states (tests of how V8 treats the interpreter: warm-up.test.ts).
 */
export function fuzzInterpreter(seed: number, programs: number, statesPerTb = 3, length = 30): void {
  const rng = new Rng(seed);
  const helpers = new HelperTable();
  const mem = new LinearMemory();
  const helperIds = fuzzHelpers(helpers, () => mem);
  const interp = new InterpTier(mem, helpers, fuzzSlowPath(() => mem));
  mapFuzzPage(mem);
  for (let k = 0; k < programs; k++) {
    const tb = randomTb(rng, 0x10000 + 0x1000 * k, length, helpers, helperIds);
    for (let s = 0; s < statesPerTb; s++) {
      seedState(mem, new Rng(rng.below(1 << 30)));
      interp.budget = 1000;
      runCatching(() => interp.execute(tb));
    }
  }
}
