// The dispatcher: one small Wasm module that enters region modules through a
// function table and follows jumps from one module to another without
// returning to TypeScript (QEMU's chaining across TBs, for modules).
//
// A region module (module-builder.ts) returns when its code jumps to a pc it
// does not hold: Chain0/Chain1 for a goto_tb, EXIT_GOTO_PTR for a goto_ptr,
// with Cpu.PC set. Both keep the TB flags the code was entered with (a TB
// whose helper changes them ends with exit_tb instead, and the FS clean ->
// dirty change only makes a TB translated for "clean" call a helper it no
// longer needs), so the dispatcher looks (pc, Cpu.TB_FLAGS) up in a jump
// cache in linear memory and, on a hit, calls that TB's module at once. On a
// miss, a spent budget or an exit request it returns to the tier, converting
// EXIT_GOTO_PTR back to ExitCode.Next. EXIT_RAISED (a memory fault) goes
// back as it is.
//
// Measured on the Linux boot before this existed: 9.7M returns from Wasm to
// the loop, each costing ~1 us in the loop, tiering and JS-to-Wasm wrapper.
//
// The tier (wasm-tier.ts) keeps the table and the jump cache right: a module
// gets a slot while it has a live instance, and the jump cache only names
// valid TBs of modules with a slot. In system mode an entry also names the
// code TLB entry of its pc and the addend the TB's page had: the jump is
// taken only while the TLB still maps the pc there (a page table may have
// changed since; QEMU's lookup checks the physical address the same way). A
// TLB miss goes back to the loop, whose lookup walks the page table.
//
// Jump cache entry (32 bytes): pc lo, pc hi, flags, slot << 12 | entry,
// TLB entry offset (0: no check), addend, pc lo & PAGE_MASK_LO, unused.

import { ExitCode } from '../../ir/ops.js';
import {
  Cpu, CPU_BASE, WASM_JUMP_CACHE_BASE, WASM_JUMP_CACHE_ENTRIES, WASM_MAX_SLOTS, WASM_SLOT_USE_BASE,
} from '../../memory/layout.js';
import { LinearMemory } from '../../memory/linear-memory.js';
import { PAGE_MASK_LO, TlbEntry } from '../../memory/tlb-layout.js';
import { CodeWriter, ExternKind, WasmModuleWriter } from './encoder.js';
import { Op, ValType } from './opcodes.js';

/**
 * A region module's result for a goto_ptr whose target it does not hold:
 * Cpu.PC is the target and the TB flags are unchanged. Never seen outside
 * the Wasm tier (the dispatcher answers ExitCode.Next instead).
 */
export const EXIT_GOTO_PTR = 8;

/**
 * A region module's result when a memory slow path raised a guest exception
 * (Cpu.EXCEPTION set, Cpu.PC the faulting instruction's, the cached guest
 * registers written back by the region's exit): the tier throws
 * GUEST_EXCEPTION for the loop. Never followed by the dispatcher.
 */
export const EXIT_RAISED = 9;

/** Bits of a jump cache value holding the module-local entry (the rest is the slot). */
const ENTRY_BITS = 12;
export const MAX_MODULE_ENTRIES = 1 << ENTRY_BITS;
const ENTRY_SHIFT = 5;
const ENTRY_BYTES = 1 << ENTRY_SHIFT;
const EMPTY_FLAGS = -1; // no TB has all flag bits set

/** Jump cache index of a pc: pcs are 2-byte aligned; fold in higher bits so nearby pages spread. */
export function jumpCacheIndex(pcLo: number): number {
  return ((pcLo ^ (pcLo >>> 14)) >>> 1) & (WASM_JUMP_CACHE_ENTRIES - 1);
}

type RunFn = (entry: number, budget: number) => number;
type EnterFn = (slot: number, entry: number, budget: number) => number;

export class WasmDispatcher {
  readonly enter: EnterFn;
  private readonly table: WebAssembly.Table;
  private readonly free: number[] = [];
  private nextSlot = 0;

  constructor(private readonly mem: LinearMemory) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(buildDispatcher()), { env: { memory: mem.memory } });
    this.enter = instance.exports.enter as EnterFn;
    this.table = instance.exports.table as WebAssembly.Table;
    this.clearJumpCache();
  }

  /** A table slot for a live instance's run function. Throws when all WASM_MAX_SLOTS are taken. */
  addModule(run: RunFn): number {
    const slot = this.free.pop() ?? this.nextSlot++;
    if (slot >= WASM_MAX_SLOTS) throw new Error(`wasm: more than ${WASM_MAX_SLOTS} live instances`);
    if (slot >= this.table.length) this.table.grow(Math.max(16, this.table.length));
    this.table.set(slot, run);
    return slot;
  }

  /** Free slot (its module's jump cache entries must be removed first: removeEntry). */
  removeModule(slot: number): void {
    this.table.set(slot, null);
    this.free.push(slot);
  }

  /**
   * Enter (slot, entry) for (pc, flags); with tlbEntry (a linear-memory
   * offset, 0 for none) only while that code TLB entry maps the pc's page
   * with this addend.
   */
  setEntry(pcLo: number, pcHi: number, flags: number, slot: number, entry: number, tlbEntry = 0, addend = 0): void {
    const w = (WASM_JUMP_CACHE_BASE >> 2) + jumpCacheIndex(pcLo) * (ENTRY_BYTES >> 2);
    const m = this.mem.i32;
    m[w] = pcLo;
    m[w + 1] = pcHi;
    m[w + 2] = flags;
    m[w + 3] = (slot << ENTRY_BITS) | entry;
    m[w + 4] = tlbEntry;
    m[w + 5] = addend;
    m[w + 6] = pcLo & PAGE_MASK_LO;
  }

  /** Forget the entry of (pc, flags) if it names (slot, entry). */
  removeEntry(pcLo: number, pcHi: number, flags: number, slot: number, entry: number): void {
    const w = (WASM_JUMP_CACHE_BASE >> 2) + jumpCacheIndex(pcLo) * (ENTRY_BYTES >> 2);
    const m = this.mem.i32;
    if (m[w] === pcLo && m[w + 1] === pcHi && m[w + 2] === flags && m[w + 3] === ((slot << ENTRY_BITS) | entry)) m[w + 2] = EMPTY_FLAGS;
  }

  /** Every slot free, every entry empty (a TB cache flush). */
  reset(): void {
    for (let s = 0; s < this.nextSlot; s++) this.table.set(s, null);
    this.free.length = 0;
    this.nextSlot = 0;
    this.clearJumpCache();
  }

  /** The tick the dispatcher stored for slot at its last entry. */
  lastUse(slot: number): number {
    return this.mem.i32[(WASM_SLOT_USE_BASE >> 2) + slot]!;
  }

  private clearJumpCache(): void {
    const m = this.mem.i32;
    const base = WASM_JUMP_CACHE_BASE >> 2;
    for (let i = 0; i < WASM_JUMP_CACHE_ENTRIES; i++) m[base + i * (ENTRY_BYTES >> 2) + 2] = EMPTY_FLAGS;
  }
}

// enter(slot, entry, budget) -> ExitCode, and its locals.
const SLOT = 0, ENTRY = 1, BUDGET = 2, RESULT = 3, PC_LO = 4, E = 5, V = 6, T = 7;
const at = (field: number): number => CPU_BASE + field;

function buildDispatcher(): Uint8Array<ArrayBuffer> {
  const m = new WasmModuleWriter();
  const I32 = ValType.I32;
  const runType = m.funcType([I32, I32], [I32]);
  const enterType = m.funcType([I32, I32, I32], [I32]);
  m.importMemory('env', 'memory', 1);
  m.addTable(16);
  const w = new CodeWriter(512);
  const load = (addr: number): CodeWriter => w.i32Const(0).mem(Op.i32_load, 2, addr);

  w.loop(); // $next: enter (SLOT, ENTRY) with BUDGET
  w.block(); // $return
  w.i32Const(0).localGet(SLOT).mem(Op.i32_store, 2, at(Cpu.WASM_LAST_SLOT));
  w.localGet(SLOT).i32Const(2).op(Op.i32_shl);
  load(at(Cpu.WASM_USE_TICK)).mem(Op.i32_store, 2, WASM_SLOT_USE_BASE);
  w.localGet(ENTRY).localGet(BUDGET).localGet(SLOT).callIndirect(runType).localSet(RESULT);
  // Follow Chain0, Chain1 and EXIT_GOTO_PTR only: anything else may have changed the TB flags.
  w.localGet(RESULT).i32Const(ExitCode.Chain0).op(Op.i32_sub).i32Const(2).op(Op.i32_lt_u);
  w.localGet(RESULT).i32Const(EXIT_GOTO_PTR).op(Op.i32_eq).op(Op.i32_or).op(Op.i32_eqz).brIf(0);
  // Hinted: a followed exit usually finds its target (misses, a spent budget, requests are rare).
  load(at(Cpu.WASM_BUDGET)).localTee(BUDGET).i32Const(0).op(Op.i32_le_s).hint(false).brIf(0);
  load(at(Cpu.EXIT_REQUEST)).hint(false).brIf(0);
  // E = the jump cache entry of Cpu.PC
  load(at(Cpu.PC)).localTee(PC_LO).localGet(PC_LO).i32Const(14).op(Op.i32_shr_u).op(Op.i32_xor);
  w.i32Const(1).op(Op.i32_shr_u).i32Const(WASM_JUMP_CACHE_ENTRIES - 1).op(Op.i32_and);
  w.i32Const(ENTRY_SHIFT).op(Op.i32_shl).i32Const(WASM_JUMP_CACHE_BASE).op(Op.i32_add).localSet(E);
  w.localGet(E).mem(Op.i32_load, 2, 0).localGet(PC_LO).op(Op.i32_ne).hint(false).brIf(0);
  w.localGet(E).mem(Op.i32_load, 2, 4);
  load(at(Cpu.PC + 4)).op(Op.i32_ne).hint(false).brIf(0);
  w.localGet(E).mem(Op.i32_load, 2, 8);
  load(at(Cpu.TB_FLAGS)).op(Op.i32_ne).hint(false).brIf(0);
  // The pc's page must still map where the TB came from.
  w.localGet(E).mem(Op.i32_load, 2, 16).localTee(T).if_();
  w.localGet(T).mem(Op.i32_load, 2, TlbEntry.CODE_TAG).localGet(E).mem(Op.i32_load, 2, 24).op(Op.i32_ne).hint(false).brIf(1);
  w.localGet(T).mem(Op.i32_load, 2, TlbEntry.CODE_TAG + 4).localGet(E).mem(Op.i32_load, 2, 4).op(Op.i32_ne).hint(false).brIf(1);
  w.localGet(T).mem(Op.i32_load, 2, TlbEntry.ADDEND).localGet(E).mem(Op.i32_load, 2, 20).op(Op.i32_ne).hint(false).brIf(1);
  w.end();
  w.localGet(E).mem(Op.i32_load, 2, 12).localTee(V).i32Const(ENTRY_BITS).op(Op.i32_shr_u).localSet(SLOT);
  w.localGet(V).i32Const(MAX_MODULE_ENTRIES - 1).op(Op.i32_and).localSet(ENTRY);
  w.i32Const(0);
  load(at(Cpu.WASM_HOPS)).i32Const(1).op(Op.i32_add).mem(Op.i32_store, 2, at(Cpu.WASM_HOPS));
  w.br(1); // $next
  w.end(); // $return
  w.localGet(RESULT).i32Const(EXIT_GOTO_PTR).op(Op.i32_eq);
  w.if_(I32).i32Const(ExitCode.Next).else_().localGet(RESULT).end();
  w.op(Op.return_);
  w.end(); // $next
  w.op(Op.unreachable);

  const enter = m.addFunction(enterType, [I32, I32, I32, I32, I32], w);
  m.addExport('enter', ExternKind.Func, enter);
  m.addExport('table', ExternKind.Table, 0);
  return m.finish();
}
