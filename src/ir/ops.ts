// The op table: the single source of truth for the IR (DESIGN.md decision 2).
//
// Every op is declared once here with its operand counts, constant arguments,
// flags and meaning. The builder, printer, verifier, optimizer, interpreter and
// Wasm code generator all dispatch on `Opc`; tests/ir/op-coverage.test.ts fails
// if any backend lacks an op.
//
// Operand order in an Op's `args`: outputs, then inputs, then constant args.
// Outputs and inputs are temp indices; constant args are plain numbers.
//
// Semantics are total: every op is defined for every input (no "undefined"
// cases as in TCG), so the interpreter, the Wasm tier and the optimizer can be
// compared bit for bit on random inputs. In particular:
//   - shift and rotate counts are taken modulo the width;
//   - div/divu by zero give all ones; rem/remu by zero give the dividend;
//     signed MIN / -1 gives MIN and MIN % -1 gives 0 (RISC-V's answers);
//   - clz/ctz of zero give the width.

import { Type } from './types.js';

/** Op flags. */
export const OpFlag = {
  /** Ends a basic block (branches, labels, TB exits). */
  BB_END: 1 << 0,
  /** Has effects beyond its outputs: never removed by dead-code elimination. */
  SIDE_EFFECTS: 1 << 1,
  /** May raise a guest exception: state must be precise before it (DESIGN.md decision 4). */
  MAY_RAISE: 1 << 2,
  /** Calls a helper (variadic: counts come from the helper's declaration). */
  CALL: 1 << 3,
  /** Ends the TB: control leaves it (exit_tb, goto_tb, goto_ptr). */
  TB_EXIT: 1 << 4,
  /** Reads or writes guest memory through the TLB. */
  GUEST_MEM: 1 << 5,
  /** Reads or writes the CPU state directly (host ld/st). */
  HOST_MEM: 1 << 6,
} as const;

export enum Opc {
  // Moves
  mov_i32, mov_i64,
  // Conditions
  setcond_i32, setcond_i64,
  negsetcond_i32, negsetcond_i64,
  movcond_i32, movcond_i64,
  // Arithmetic
  add_i32, add_i64,
  sub_i32, sub_i64,
  mul_i32, mul_i64,
  neg_i32, neg_i64,
  div_i32, div_i64,
  divu_i32, divu_i64,
  rem_i32, rem_i64,
  remu_i32, remu_i64,
  add2_i32, add2_i64,
  sub2_i32, sub2_i64,
  mulu2_i32, mulu2_i64,
  muls2_i32, muls2_i64,
  // Logic
  and_i32, and_i64,
  or_i32, or_i64,
  xor_i32, xor_i64,
  andc_i32, andc_i64,
  orc_i32, orc_i64,
  eqv_i32, eqv_i64,
  nand_i32, nand_i64,
  nor_i32, nor_i64,
  not_i32, not_i64,
  // Shifts and rotates
  shl_i32, shl_i64,
  shr_i32, shr_i64,
  sar_i32, sar_i64,
  rotl_i32, rotl_i64,
  rotr_i32, rotr_i64,
  // Bit counting
  clz_i32, clz_i64,
  ctz_i32, ctz_i64,
  ctpop_i32, ctpop_i64,
  // Bit fields
  deposit_i32, deposit_i64,
  extract_i32, extract_i64,
  sextract_i32, sextract_i64,
  // Extensions and width changes
  ext8s_i32, ext8s_i64,
  ext8u_i32, ext8u_i64,
  ext16s_i32, ext16s_i64,
  ext16u_i32, ext16u_i64,
  ext32s_i64, ext32u_i64,
  ext_i32_i64, extu_i32_i64,
  extrl_i64_i32, extrh_i64_i32,
  // Byte swaps
  bswap16_i32, bswap16_i64,
  bswap32_i32, bswap32_i64,
  bswap64_i64,
  // Host memory: the CPU state
  ld_i32, ld_i64,
  st_i32, st_i64,
  // Guest memory through the TLB
  qemu_ld_i32, qemu_ld_i64,
  qemu_st_i32, qemu_st_i64,
  // Control flow
  set_label,
  br,
  brcond_i32, brcond_i64,
  // Calls
  call,
  // TB exits
  exit_tb,
  goto_tb,
  goto_ptr,
  // Markers
  insn_start,
  mb,
}

export interface OpDef {
  readonly opc: Opc;
  readonly name: string;
  /** Number of output temps. For `call`: taken from the helper. */
  readonly nOut: number;
  /** Number of input temps. For `call`: taken from the helper. */
  readonly nIn: number;
  /** Number of constant args (numbers) after the temps. */
  readonly nConst: number;
  readonly flags: number;
  /** The type of the outputs and inputs, or per-position types for mixed ops. */
  readonly outTypes: readonly Type[];
  readonly inTypes: readonly Type[];
  /** Names of the constant args, for the printer and docs. */
  readonly constNames: readonly string[];
  /** Meaning, in the notation of docs/devel/tcg-ops.rst. */
  readonly doc: string;
}

const I = Type.I32, L = Type.I64;
const { BB_END, SIDE_EFFECTS, MAY_RAISE, CALL, TB_EXIT, GUEST_MEM, HOST_MEM } = OpFlag;

type Spec = [outTypes: Type[], inTypes: Type[], constNames: string[], flags: number, doc: string];

function rep<T>(n: number, t: T): T[] {
  return new Array(n).fill(t);
}

/** An op with the same shape in i32 and i64: `name_i32` and `name_i64`. */
function both(nOut: number, nIn: number, consts: string[], flags: number, doc: string): [Spec, Spec] {
  return [
    [rep(nOut, I), rep(nIn, I), consts, flags, doc],
    [rep(nOut, L), rep(nIn, L), consts, flags, doc],
  ];
}

// Ordered exactly as the enum; checked at module load below.
const SPECS: Spec[] = [
  ...both(1, 1, [], 0, 'd = a'),
  ...both(1, 2, ['cond'], 0, 'd = (a cond b) ? 1 : 0'),
  ...both(1, 2, ['cond'], 0, 'd = (a cond b) ? -1 : 0'),
  ...both(1, 4, ['cond'], 0, 'd = (c1 cond c2) ? v1 : v2; inputs c1, c2, v1, v2'),
  ...both(1, 2, [], 0, 'd = a + b'),
  ...both(1, 2, [], 0, 'd = a - b'),
  ...both(1, 2, [], 0, 'd = a * b (low half)'),
  ...both(1, 1, [], 0, 'd = -a'),
  ...both(1, 2, [], 0, 'd = a / b signed; b == 0 gives -1; MIN / -1 gives MIN'),
  ...both(1, 2, [], 0, 'd = a / b unsigned; b == 0 gives all ones'),
  ...both(1, 2, [], 0, 'd = a % b signed (sign of a); b == 0 gives a; MIN % -1 gives 0'),
  ...both(1, 2, [], 0, 'd = a % b unsigned; b == 0 gives a'),
  ...both(2, 4, [], 0, '(dl, dh) = (al, ah) + (bl, bh), double-width'),
  ...both(2, 4, [], 0, '(dl, dh) = (al, ah) - (bl, bh), double-width'),
  ...both(2, 2, [], 0, '(dl, dh) = a * b unsigned, full product'),
  ...both(2, 2, [], 0, '(dl, dh) = a * b signed, full product'),
  ...both(1, 2, [], 0, 'd = a & b'),
  ...both(1, 2, [], 0, 'd = a | b'),
  ...both(1, 2, [], 0, 'd = a ^ b'),
  ...both(1, 2, [], 0, 'd = a & ~b'),
  ...both(1, 2, [], 0, 'd = a | ~b'),
  ...both(1, 2, [], 0, 'd = ~(a ^ b)'),
  ...both(1, 2, [], 0, 'd = ~(a & b)'),
  ...both(1, 2, [], 0, 'd = ~(a | b)'),
  ...both(1, 1, [], 0, 'd = ~a'),
  ...both(1, 2, [], 0, 'd = a << (b mod width)'),
  ...both(1, 2, [], 0, 'd = a >>> (b mod width), logical'),
  ...both(1, 2, [], 0, 'd = a >> (b mod width), arithmetic'),
  ...both(1, 2, [], 0, 'd = a rotated left by (b mod width)'),
  ...both(1, 2, [], 0, 'd = a rotated right by (b mod width)'),
  ...both(1, 1, [], 0, 'd = leading zero count of a; width when a == 0'),
  ...both(1, 1, [], 0, 'd = trailing zero count of a; width when a == 0'),
  ...both(1, 1, [], 0, 'd = number of set bits of a'),
  ...both(1, 2, ['pos', 'len'], 0, 'd = a with bits [pos, pos+len) replaced by the low len bits of b'),
  ...both(1, 1, ['pos', 'len'], 0, 'd = bits [pos, pos+len) of a, zero-extended'),
  ...both(1, 1, ['pos', 'len'], 0, 'd = bits [pos, pos+len) of a, sign-extended'),
  ...both(1, 1, [], 0, 'd = sign-extend low 8 bits of a'),
  ...both(1, 1, [], 0, 'd = zero-extend low 8 bits of a'),
  ...both(1, 1, [], 0, 'd = sign-extend low 16 bits of a'),
  ...both(1, 1, [], 0, 'd = zero-extend low 16 bits of a'),
  [[L], [L], [], 0, 'd = sign-extend low 32 bits of a'],
  [[L], [L], [], 0, 'd = zero-extend low 32 bits of a'],
  [[L], [I], [], 0, 'd = sign-extend i32 a to i64'],
  [[L], [I], [], 0, 'd = zero-extend i32 a to i64'],
  [[I], [L], [], 0, 'd = low 32 bits of a'],
  [[I], [L], [], 0, 'd = high 32 bits of a'],
  ...both(1, 1, [], 0, 'd = bytes of the low 16 bits of a swapped, zero-extended'),
  ...both(1, 1, [], 0, 'd = bytes of the low 32 bits of a swapped, zero-extended'),
  [[L], [L], [], 0, 'd = bytes of a swapped'],
  [[I], [], ['offset', 'memop'], HOST_MEM, 'd = CPU state at offset, as memop (size, sign); offset is relative to the CPU base'],
  [[L], [], ['offset', 'memop'], HOST_MEM, 'd = CPU state at offset, as memop (size, sign); offset is relative to the CPU base'],
  [[], [I], ['offset', 'memop'], HOST_MEM | SIDE_EFFECTS, 'CPU state at offset = low (memop size) bits of a'],
  [[], [L], ['offset', 'memop'], HOST_MEM | SIDE_EFFECTS, 'CPU state at offset = low (memop size) bits of a'],
  [[I], [L], ['memop', 'mmu'], GUEST_MEM | MAY_RAISE | SIDE_EFFECTS, 'd = guest memory at virtual address a, through TLB mmu'],
  [[L], [L], ['memop', 'mmu'], GUEST_MEM | MAY_RAISE | SIDE_EFFECTS, 'd = guest memory at virtual address a, through TLB mmu'],
  [[], [I, L], ['memop', 'mmu'], GUEST_MEM | MAY_RAISE | SIDE_EFFECTS, 'guest memory at virtual address (second input) = value (first input)'],
  [[], [L, L], ['memop', 'mmu'], GUEST_MEM | MAY_RAISE | SIDE_EFFECTS, 'guest memory at virtual address (second input) = value (first input)'],
  [[], [], ['label'], BB_END | SIDE_EFFECTS, 'label: target of br and brcond; starts a basic block'],
  [[], [], ['label'], BB_END | SIDE_EFFECTS, 'goto label (forward only)'],
  [[], [I, I], ['cond', 'label'], BB_END | SIDE_EFFECTS, 'if (a cond b) goto label (forward only)'],
  [[], [L, L], ['cond', 'label'], BB_END | SIDE_EFFECTS, 'if (a cond b) goto label (forward only)'],
  [[], [], ['helper'], CALL | SIDE_EFFECTS, 'outputs = helper(inputs); counts, types and effects from the helper table'],
  [[], [], ['code'], BB_END | TB_EXIT | SIDE_EFFECTS, 'leave the TB and return code to the execution loop (ExitCode)'],
  [[], [], ['slot'], BB_END | TB_EXIT | SIDE_EFFECTS, 'jump to the TB at the pc already stored in the CPU state; may be chained through slot 0 or 1'],
  [[], [], [], BB_END | TB_EXIT | SIDE_EFFECTS, 'jump to the TB at the pc stored in the CPU state, found by lookup'],
  [[], [], ['pc_lo', 'pc_hi'], SIDE_EFFECTS, 'start of the guest instruction at pc; anchors precise exceptions'],
  [[], [], ['kind'], SIDE_EFFECTS, 'memory barrier (a no-op while there is one vCPU thread)'],
];

function buildTable(): OpDef[] {
  const names = Object.keys(Opc).filter((k) => isNaN(Number(k)));
  if (names.length !== SPECS.length) {
    throw new Error(`op table: ${names.length} opcodes but ${SPECS.length} specs`);
  }
  return names.map((name, opc) => {
    const [outTypes, inTypes, constNames, flags, doc] = SPECS[opc]!;
    if (Opc[name as keyof typeof Opc] !== opc) throw new Error(`op table: ${name} out of order`);
    return {
      opc, name, nOut: outTypes.length, nIn: inTypes.length, nConst: constNames.length,
      flags, outTypes, inTypes, constNames, doc,
    };
  });
}

/** OP_DEFS[opc] describes opcode opc. */
export const OP_DEFS: readonly OpDef[] = buildTable();

export const OP_COUNT = OP_DEFS.length;

/** The opcode for name_i32 / name_i64 by type, e.g. opFor('add', Type.I64). */
export function opFor(base: string, type: Type): Opc {
  const opc = Opc[`${base}_${type === Type.I32 ? 'i32' : 'i64'}` as keyof typeof Opc];
  if (opc === undefined) throw new Error(`no op ${base} for this type`);
  return opc;
}

/** Exit codes returned to the execution loop when a TB ends. */
export const enum ExitCode {
  /** The next pc is in the CPU state; find its TB by lookup. */
  Next = 0,
  /** goto_tb slot 0 / 1 not chained: the loop may chain it now. */
  Chain0 = 1,
  Chain1 = 2,
  /** The exit-request word was set (interrupt, end of slice, invalidation). */
  Requested = 3,
  /** Codes from this value up are the target's own (e.g. "halt", "wfi"). */
  TargetBase = 16,
}
