// Compiles a batch of TBs into one Wasm module: one function per TB, called
// through a table by a dispatcher loop, so a goto_tb to a TB of the same
// module continues inside Wasm with no return to TypeScript.
//
// Module interface (all names are part of the contract with wasm-tier.ts):
//   imports  env.memory          the machine's linear memory
//            mem.load, mem.store  the MemorySlowPath functions
//            h.<id>               helper <id>, () -> ()
//   exports  run(entry: i32, budget: i32) -> i32   an ExitCode
//            v<k>    (global i32) 1 while TB k may be entered by a chained jump
//   memory   Cpu.WASM_BUDGET  guest instructions left in the slice (set from
//                             `budget`, read back by the tier after run)
//            Cpu.WASM_LAST_TB module-local index of the TB that ran last
// (Memory, not exported globals, for the values the tier reads after every
// run: a Global's `value` getter cost ~10% of a guest benchmark's time.)
//
// Invalidation is per TB: the tier clears v<k>, and chained jumps test it.
// goto_ptr: in a module whose TBs share one flags value (and hold at most
// MAX_GOTO_PTR_SCAN TBs), a TB without helper calls returns ~GOTO_PTR_LOOKUP
// and the dispatcher looks Cpu.PC up among the module's valid TBs, continuing
// in Wasm on a hit and returning ExitCode.Next on a miss.
// Exits: a TB function returns (next TB index << 1 | goto_tb slot) or ~ExitCode.
// When the dispatcher stops chaining (exit request, budget spent) it returns
// Chain0/Chain1 for that slot, as the interpreter does, so the loop can link
// the TB that ran last (export `last`) to its successor.

import { ExitCode, Opc } from '../../ir/ops.js';
import { Cpu, CPU_BASE } from '../../memory/layout.js';
import { ChainTarget, CodegenOptions, DEFAULT_CODEGEN_OPTIONS, genTbFunction, GOTO_PTR_LOOKUP, TbSource } from './codegen.js';
import { CodeWriter, ExternKind, WasmModuleWriter } from './encoder.js';
import { Op, ValType } from './opcodes.js';

export interface ModuleTbInput extends TbSource {
  /** TB flags: a chained jump only targets a TB with the same flags as its source. */
  readonly flags: number;
}

export interface BuiltModule {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Helper ids imported as h.<id>. */
  readonly helperIds: readonly number[];
}

export const RUN_EXPORT = 'run';
export const validExport = (k: number): string => `v${k}`;

const I32 = ValType.I32;

function usedHelpers(tbs: readonly ModuleTbInput[]): number[] {
  const ids = new Set<number>();
  for (const tb of tbs) {
    for (const op of tb.ir.ops) if (op.opc === Opc.call) ids.add(op.args[op.args.length - 1]!);
  }
  return [...ids].sort((x, y) => x - y);
}

const pcKey = (lo: number, hi: number, flags: number): string => `${hi >>> 0}:${lo >>> 0}:${flags}`;

/**
 * Most TBs the dispatcher compares Cpu.PC against for a goto_ptr (a linear
 * scan, ~1 ns a compare): beyond this a miss costs about as much as the
 * return to the loop it saves (~100 ns).
 */
const MAX_GOTO_PTR_SCAN = 64;

export function buildModule(tbs: readonly ModuleTbInput[], options: CodegenOptions = DEFAULT_CODEGEN_OPTIONS): BuiltModule {
  if (tbs.length === 0) throw new Error('wasm: empty module');
  const m = new WasmModuleWriter();
  const voidFn = m.funcType([], []);
  const tbFnType = m.funcType([], [I32]);
  const runType = m.funcType([I32, I32], [I32]);

  // Imports first: they take the low function indices.
  m.importMemory('env', 'memory', 1);
  const slowLoad = m.importFunction('mem', 'load', m.funcType([I32, I32, I32, I32], []));
  const slowStore = m.importFunction('mem', 'store', m.funcType([I32, I32, I32, I32, I32, I32], []));
  const helperIds = usedHelpers(tbs);
  const helperFuncs = new Map<number, number>();
  for (const id of helperIds) helperFuncs.set(id, m.importFunction('h', String(id), voidFn));

  const validGlobals = tbs.map(() => m.addGlobal(I32, true, 1));

  const byPc = new Map<string, ChainTarget>();
  tbs.forEach((tb, index) => {
    const key = pcKey(tb.pcLo, tb.pcHi, tb.flags);
    if (!byPc.has(key)) byPc.set(key, { index, validGlobal: validGlobals[index]! });
  });

  // The lookup matches on pc alone, so every TB must share the flags of the one jumping.
  const gotoPtrLookup = tbs.length <= MAX_GOTO_PTR_SCAN && tbs.every((tb) => tb.flags === tbs[0]!.flags);
  const tbFuncs = tbs.map((tb) => {
    const env = {
      slowLoad, slowStore, gotoPtrLookup,
      helperFunc: (id: number): number => helperFuncs.get(id)!,
      chainTarget: (lo: number, hi: number): ChainTarget | null => byPc.get(pcKey(lo, hi, tb.flags)) ?? null,
    };
    const { code, locals } = genTbFunction(tb, env, options);
    return m.addFunction(tbFnType, locals, code);
  });
  m.addTable(tbs.length);
  m.addElements(0, tbFuncs);

  const lookup = gotoPtrLookup ? tbs.map((tb, k) => ({ pc: pcBig(tb.pcLo, tb.pcHi), validGlobal: validGlobals[k]! })) : [];
  const run = m.addFunction(runType, [I32, I32, ValType.I64], genDispatcher(tbFnType, lookup));
  m.addExport(RUN_EXPORT, ExternKind.Func, run);
  validGlobals.forEach((g, k) => m.addExport(validExport(k), ExternKind.Global, g));
  return { bytes: m.finish(), helperIds };
}

/**
 * run(entry, budget): call TBs until one returns an exit. The loop's back
 * edge is the only loop in generated code, so it is where the exit-request
 * word and the slice budget are polled (DESIGN.md decision 6).
 */
interface LookupEntry {
  readonly pc: bigint;
  readonly validGlobal: number;
}

const pcBig = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

function genDispatcher(tbFnType: number, lookup: readonly LookupEntry[]): CodeWriter {
  const ENTRY = 0, BUDGET = 1, RESULT = 2, STOP = 3, PC = 4;
  const BUDGET_AT = CPU_BASE + Cpu.WASM_BUDGET, LAST_AT = CPU_BASE + Cpu.WASM_LAST_TB;
  const w = new CodeWriter();
  w.i32Const(0).localGet(BUDGET).mem(Op.i32_store, 2, BUDGET_AT);
  w.loop();
  w.i32Const(0).localGet(ENTRY).mem(Op.i32_store, 2, LAST_AT);
  w.localGet(ENTRY).callIndirect(tbFnType).localTee(RESULT);
  w.i32Const(0).op(Op.i32_lt_s).if_();
  {
    // An exit, or a goto_ptr to look up among this module's TBs.
    w.localGet(RESULT).i32Const(~GOTO_PTR_LOOKUP).op(Op.i32_ne).if_().localGet(RESULT).i32Const(-1).op(Op.i32_xor).return_().end();
    w.i32Const(0).mem(Op.i64_load, 3, CPU_BASE + Cpu.PC).localSet(PC);
    w.block();
    lookup.forEach((entry, k) => {
      w.localGet(PC).i64Const(entry.pc).op(Op.i64_eq).globalGet(entry.validGlobal).op(Op.i32_and);
      w.if_().i32Const(k).localSet(ENTRY).br(1).end();
    });
    w.i32Const(ExitCode.Next).return_();
    w.end();
    w.i32Const(ExitCode.Next).localSet(STOP);
  }
  w.else_();
  w.localGet(RESULT).i32Const(1).op(Op.i32_shr_u).localSet(ENTRY);
  w.localGet(RESULT).i32Const(1).op(Op.i32_and).i32Const(ExitCode.Chain0).op(Op.i32_add).localSet(STOP);
  w.end();
  // The TB stored its successor's pc into Cpu.PC, so stopping here is a clean TB boundary.
  w.i32Const(0).mem(Op.i32_load, 2, CPU_BASE + Cpu.EXIT_REQUEST);
  w.i32Const(0).mem(Op.i32_load, 2, BUDGET_AT).i32Const(0).op(Op.i32_le_s).op(Op.i32_or);
  w.if_().localGet(STOP).return_().end();
  w.br(0);
  w.end();
  w.op(Op.unreachable);
  return w;
}
