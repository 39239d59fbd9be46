// A typed writer for the WebAssembly binary format: the instructions of one
// function body (CodeWriter) and a whole module (WasmModuleWriter).
// Our own, with no runtime dependency; everything here runs at translation
// time only, so it may allocate.

import { ByteWriter, putU32, u32Size } from './byte-writer.js';
import { BLOCK_VOID, ExternKind, FUNC_TYPE, FUNCREF, Op, Section, ValType } from './opcodes.js';

export { ByteWriter } from './byte-writer.js';
export { ValType, Op, BLOCK_VOID, ExternKind } from './opcodes.js';

/** Block type of a structured instruction: no result, or one value. */
export type BlockType = ValType | typeof BLOCK_VOID;

/** The instructions of one function body. */
export class CodeWriter extends ByteWriter {
  /** Branch hints: [code offset of an if or br_if, 1 if its condition is likely true, else 0]. */
  readonly branchHints: [offset: number, likely: number][] = [];

  /** A TB body is typically a few hundred bytes to a few KB. */
  constructor(initialCapacity = 1024) {
    super(initialCapacity);
  }

  override reset(): void {
    super.reset();
    this.branchHints.length = 0;
  }

  /**
   * Hint the next instruction, an if or br_if: its condition is likely (or
   * unlikely) true (the branch hinting proposal's custom section). V8 then
   * moves the unlikely arm out of line. Node 20's V8 reads the section only
   * under --experimental-wasm-branch-hinting; otherwise it is ignored.
   */
  hint(likely: boolean): this {
    this.branchHints.push([this.length, likely ? 1 : 0]);
    return this;
  }

  op(o: Op): this {
    return this.byte(o);
  }

  i32Const(v: number): this {
    return this.byte(Op.i32_const).s32(v);
  }

  i64Const(v: bigint): this {
    return this.byte(Op.i64_const).s64(v);
  }

  localGet(index: number): this {
    return this.byte(Op.local_get).u32(index);
  }

  localSet(index: number): this {
    return this.byte(Op.local_set).u32(index);
  }

  localTee(index: number): this {
    return this.byte(Op.local_tee).u32(index);
  }

  globalGet(index: number): this {
    return this.byte(Op.global_get).u32(index);
  }

  globalSet(index: number): this {
    return this.byte(Op.global_set).u32(index);
  }

  /** A load or store with its memarg: log2 alignment hint and constant offset. */
  mem(o: Op, alignLog2: number, offset: number): this {
    return this.byte(o).u32(alignLog2).u32(offset);
  }

  block(type: BlockType = BLOCK_VOID): this {
    return this.byte(Op.block).byte(type);
  }

  loop(type: BlockType = BLOCK_VOID): this {
    return this.byte(Op.loop).byte(type);
  }

  if_(type: BlockType = BLOCK_VOID): this {
    return this.byte(Op.if_).byte(type);
  }

  else_(): this {
    return this.byte(Op.else_);
  }

  end(): this {
    return this.byte(Op.end);
  }

  br(depth: number): this {
    return this.byte(Op.br).u32(depth);
  }

  brIf(depth: number): this {
    return this.byte(Op.br_if).u32(depth);
  }

  brTable(depths: readonly number[], defaultDepth: number): this {
    this.byte(Op.br_table).u32(depths.length);
    for (const d of depths) this.u32(d);
    return this.u32(defaultDepth);
  }

  call(funcIndex: number): this {
    return this.byte(Op.call).u32(funcIndex);
  }

  /** A tail call: the caller's frame is gone before funcIndex runs (its results are the caller's). */
  returnCall(funcIndex: number): this {
    return this.byte(Op.return_call).u32(funcIndex);
  }

  callIndirect(typeIndex: number, tableIndex = 0): this {
    return this.byte(Op.call_indirect).u32(typeIndex).u32(tableIndex);
  }

  select(): this {
    return this.byte(Op.select);
  }

  return_(): this {
    return this.byte(Op.return_);
  }
}

/**
 * Function bodies to reuse from one module to the next: a module's bodies
 * are copied into its bytes at WasmModuleWriter.finish, so their writers are
 * free again afterwards. A fresh 1 KB Uint8Array per TB was ~6% of code
 * generation (bench/translate-speed.js --wasm).
 */
export class CodeWriterPool {
  private readonly free: CodeWriter[] = [];
  private readonly lent: CodeWriter[] = [];

  /** An empty writer, lent until releaseAll. */
  take(): CodeWriter {
    const w = this.free.pop() ?? new CodeWriter();
    w.reset();
    this.lent.push(w);
    return w;
  }

  /** Every writer taken is free again: call once nothing reads their bytes any more. */
  releaseAll(): void {
    for (const w of this.lent) this.free.push(w);
    this.lent.length = 0;
  }
}

interface FuncBody {
  typeIndex: number;
  locals: readonly ValType[];
  code: CodeWriter;
}

/**
 * Collects a module's parts and writes them as sections in the order the
 * spec requires. Imports must all be declared before the first function,
 * because imported functions take the low function indices.
 */
export class WasmModuleWriter {
  private readonly types: string[] = [];
  private readonly typeBytes: ByteWriter[] = [];
  private readonly imports = new ByteWriter();
  private importCount = 0;
  private importedFuncs = 0;
  private readonly funcs: FuncBody[] = [];
  private readonly globals = new ByteWriter();
  private globalCount = 0;
  private readonly exports = new ByteWriter();
  private exportCount = 0;
  private tableMin = -1;
  private readonly elems: { offset: number; funcs: number[] }[] = [];

  /** The index of the function type (params) -> (results), shared when equal. */
  funcType(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(',')}>${results.join(',')}`;
    const hit = this.types.indexOf(key);
    if (hit >= 0) return hit;
    const w = new ByteWriter().byte(FUNC_TYPE).u32(params.length).bytes(params).u32(results.length).bytes(results);
    this.types.push(key);
    this.typeBytes.push(w);
    return this.types.length - 1;
  }

  importFunction(module: string, name: string, typeIndex: number): number {
    if (this.funcs.length > 0) throw new Error('wasm: imports must precede functions');
    this.imports.name(module).name(name).byte(ExternKind.Func).u32(typeIndex);
    this.importCount++;
    return this.importedFuncs++;
  }

  importMemory(module: string, name: string, minPages: number, maxPages?: number): void {
    this.imports.name(module).name(name).byte(ExternKind.Memory);
    if (maxPages === undefined) this.imports.byte(0).u32(minPages);
    else this.imports.byte(1).u32(minPages).u32(maxPages);
    this.importCount++;
  }

  /** Imported functions so far: the index the first added function gets. */
  get importedFunctionCount(): number {
    return this.importedFuncs;
  }

  addFunction(typeIndex: number, locals: readonly ValType[], code: CodeWriter): number {
    this.funcs.push({ typeIndex, locals, code });
    return this.importedFuncs + this.funcs.length - 1;
  }

  /** A global with a constant initial value (i32 given as number, i64 as bigint). */
  addGlobal(type: ValType, mutable: boolean, init: number | bigint): number {
    this.globals.byte(type).byte(mutable ? 1 : 0);
    if (type === ValType.I32) this.globals.byte(Op.i32_const).s32(Number(init));
    else this.globals.byte(Op.i64_const).s64(BigInt(init));
    this.globals.byte(Op.end);
    return this.globalCount++;
  }

  addExport(name: string, kind: ExternKind, index: number): void {
    this.exports.name(name).byte(kind).u32(index);
    this.exportCount++;
  }

  /** Table 0, of funcref, with at least min entries. */
  addTable(min: number): void {
    this.tableMin = min;
  }

  /** An active element segment filling table 0 from offset. */
  addElements(offset: number, funcIndices: number[]): void {
    this.elems.push({ offset, funcs: funcIndices });
  }

  /**
   * The module's bytes. The sections before the code section are small and
   * built in a writer; the function bodies, most of a module, are copied
   * once, straight into the result (measured on the Linux boot: the nested
   * writers copied each body five times and were ~2% of the main thread).
   */
  finish(): Uint8Array<ArrayBuffer> {
    const types = new ByteWriter();
    for (const t of this.typeBytes) types.append(t);
    const fnTypes = new ByteWriter(this.funcs.length + 8);
    for (const f of this.funcs) fnTypes.u32(f.typeIndex);
    const table = this.tableMin >= 0 ? new ByteWriter().byte(FUNCREF).byte(0).u32(this.tableMin) : null;
    const elems = new ByteWriter();
    for (const e of this.elems) {
      // Flags 0: active, table 0, offset expression, vector of function indices.
      elems.u32(0).byte(Op.i32_const).s32(e.offset).byte(Op.end).u32(e.funcs.length);
      for (const f of e.funcs) elems.u32(f);
    }
    // A body: its size, the locals (runs of one type), the instructions, end.
    const locals = this.funcs.map((f) => localRuns(f.locals));
    const localsBytes = locals.map(localsSize);
    const bodySizes = this.funcs.map((f, i) => localsBytes[i]! + f.code.length + 1);
    // Branch hints, a custom section that must precede the code section; an
    // offset counts from the byte after the body's size.
    const hints = new ByteWriter();
    let hinted = 0;
    this.funcs.forEach((f, i) => {
      if (f.code.branchHints.length === 0) return;
      hinted++;
      hints.u32(this.importedFuncs + i).u32(f.code.branchHints.length);
      for (const [offset, likely] of f.code.branchHints) hints.u32(localsBytes[i]! + offset).u32(1).byte(likely);
    });

    // Every section before the code section, in a writer sized for them all
    // (it grew while written before, ~3% of code generation).
    const parts = [types, this.imports, fnTypes, table, this.globals, this.exports, elems, hints];
    const head = new ByteWriter(64 + parts.reduce((n, p) => n + (p?.length ?? 0), 0));
    head.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: Section, count: number, body: ByteWriter | null): void => {
      if (count === 0 || body === null) return;
      head.byte(id).u32(u32Size(count) + body.length).u32(count).append(body);
    };
    section(Section.Type, this.typeBytes.length, types);
    section(Section.Import, this.importCount, this.imports);
    section(Section.Function, this.funcs.length, fnTypes);
    section(Section.Table, 1, table);
    section(Section.Global, this.globalCount, this.globals);
    section(Section.Export, this.exportCount, this.exports);
    section(Section.Element, this.elems.length, elems);
    if (hinted > 0) {
      const name = new ByteWriter().name(BRANCH_HINT_SECTION);
      head.byte(Section.Custom).u32(name.length + u32Size(hinted) + hints.length).append(name).u32(hinted).append(hints);
    }
    if (this.funcs.length === 0) return head.finish().slice();
    let codeSize = u32Size(this.funcs.length);
    for (const size of bodySizes) codeSize += u32Size(size) + size;
    const out = new Uint8Array(head.length + 1 + u32Size(codeSize) + codeSize);
    let pos = head.copyTo(out, 0);
    out[pos++] = Section.Code;
    pos = putU32(out, pos, codeSize);
    pos = putU32(out, pos, this.funcs.length);
    this.funcs.forEach((f, i) => {
      pos = putU32(out, pos, bodySizes[i]!);
      pos = putLocals(out, pos, locals[i]!);
      pos = f.code.copyTo(out, pos);
      out[pos++] = Op.end;
    });
    return out;
  }
}

const BRANCH_HINT_SECTION = 'metadata.code.branch_hint';

/** A body's locals as runs of one type: [count, type, count, type, ...]. */
function localRuns(types: readonly ValType[]): number[] {
  const runs: number[] = [];
  for (const t of types) {
    if (runs.length > 0 && runs[runs.length - 1] === t) runs[runs.length - 2]!++;
    else runs.push(1, t);
  }
  return runs;
}

/** Bytes of a locals declaration: the number of runs, then each run's count and type. */
function localsSize(runs: readonly number[]): number {
  let n = u32Size(runs.length / 2);
  for (let i = 0; i < runs.length; i += 2) n += u32Size(runs[i]!) + 1;
  return n;
}

function putLocals(out: Uint8Array, pos: number, runs: readonly number[]): number {
  pos = putU32(out, pos, runs.length / 2);
  for (let i = 0; i < runs.length; i += 2) {
    pos = putU32(out, pos, runs[i]!);
    out[pos++] = runs[i + 1]!;
  }
  return pos;
}
