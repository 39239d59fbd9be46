// Ops that map to a short fixed Wasm sequence: arithmetic, logic, shifts,
// rotates, bit counts, extensions, byte swaps. Wasm's shifts and rotates take
// the count modulo the width and its clz/ctz of zero give the width, exactly
// as the op table asks.

import { Opc } from '../../ir/ops.js';
import { Temp, Type } from '../../ir/types.js';
import { emitBswap16OnStack, emitBswap32OnStack, emitBswap64OnStack, pushConst } from './emit-bits.js';
import { EmitContext } from './emit-context.js';
import { Op } from './opcodes.js';

/** Binary ops that are one Wasm instruction: [i32 op, i64 op]. */
const DIRECT_BINARY = new Map<Opc, Op>([
  [Opc.add_i32, Op.i32_add], [Opc.add_i64, Op.i64_add],
  [Opc.sub_i32, Op.i32_sub], [Opc.sub_i64, Op.i64_sub],
  [Opc.mul_i32, Op.i32_mul], [Opc.mul_i64, Op.i64_mul],
  [Opc.and_i32, Op.i32_and], [Opc.and_i64, Op.i64_and],
  [Opc.or_i32, Op.i32_or], [Opc.or_i64, Op.i64_or],
  [Opc.xor_i32, Op.i32_xor], [Opc.xor_i64, Op.i64_xor],
  [Opc.shl_i32, Op.i32_shl], [Opc.shl_i64, Op.i64_shl],
  [Opc.shr_i32, Op.i32_shr_u], [Opc.shr_i64, Op.i64_shr_u],
  [Opc.sar_i32, Op.i32_shr_s], [Opc.sar_i64, Op.i64_shr_s],
  [Opc.rotl_i32, Op.i32_rotl], [Opc.rotl_i64, Op.i64_rotl],
  [Opc.rotr_i32, Op.i32_rotr], [Opc.rotr_i64, Op.i64_rotr],
]);

/** Binary ops with one operand or the result inverted: [op, invert b, invert result]. */
const INVERTING_BINARY = new Map<Opc, [logic: 'and' | 'or' | 'xor', invB: boolean, invD: boolean]>([
  [Opc.andc_i32, ['and', true, false]], [Opc.andc_i64, ['and', true, false]],
  [Opc.orc_i32, ['or', true, false]], [Opc.orc_i64, ['or', true, false]],
  [Opc.eqv_i32, ['xor', false, true]], [Opc.eqv_i64, ['xor', false, true]],
  [Opc.nand_i32, ['and', false, true]], [Opc.nand_i64, ['and', false, true]],
  [Opc.nor_i32, ['or', false, true]], [Opc.nor_i64, ['or', false, true]],
]);

/** Unary ops that are one Wasm instruction. */
const DIRECT_UNARY = new Map<Opc, Op>([
  [Opc.clz_i32, Op.i32_clz], [Opc.clz_i64, Op.i64_clz],
  [Opc.ctz_i32, Op.i32_ctz], [Opc.ctz_i64, Op.i64_ctz],
  [Opc.ctpop_i32, Op.i32_popcnt], [Opc.ctpop_i64, Op.i64_popcnt],
  [Opc.ext8s_i32, Op.i32_extend8_s], [Opc.ext8s_i64, Op.i64_extend8_s],
  [Opc.ext16s_i32, Op.i32_extend16_s], [Opc.ext16s_i64, Op.i64_extend16_s],
  [Opc.ext32s_i64, Op.i64_extend32_s],
  [Opc.ext_i32_i64, Op.i64_extend_i32_s],
  [Opc.extu_i32_i64, Op.i64_extend_i32_u],
  [Opc.extrl_i64_i32, Op.i32_wrap_i64],
]);

/** Zero-extensions: AND with a mask. */
const MASKING_UNARY = new Map<Opc, bigint>([
  [Opc.ext8u_i32, 0xffn], [Opc.ext8u_i64, 0xffn],
  [Opc.ext16u_i32, 0xffffn], [Opc.ext16u_i64, 0xffffn],
  [Opc.ext32u_i64, 0xffffffffn],
]);

function logicOp(kind: 'and' | 'or' | 'xor', t: Type): Op {
  const w64 = t === Type.I64;
  if (kind === 'and') return w64 ? Op.i64_and : Op.i32_and;
  if (kind === 'or') return w64 ? Op.i64_or : Op.i32_or;
  return w64 ? Op.i64_xor : Op.i32_xor;
}

function emitNot(e: EmitContext, t: Type): void {
  pushConst(e, t, -1n);
  e.w.op(logicOp('xor', t));
}

/**
 * Emit d = op(a[, b]) for the simple ops; false if opc is not one of them.
 * b is null for unary ops.
 */
export function emitSimpleOp(e: EmitContext, opc: Opc, d: Temp, a: Temp, b: Temp | null): boolean {
  const w = e.w;
  const direct = DIRECT_BINARY.get(opc);
  if (direct !== undefined) {
    e.def(d, () => { e.get(a); e.get(b!); w.op(direct); });
    return true;
  }
  const inverting = INVERTING_BINARY.get(opc);
  if (inverting !== undefined) {
    const [kind, invB, invD] = inverting;
    e.def(d, () => {
      e.get(a);
      e.get(b!);
      if (invB) emitNot(e, d.type);
      w.op(logicOp(kind, d.type));
      if (invD) emitNot(e, d.type);
    });
    return true;
  }
  const unary = DIRECT_UNARY.get(opc);
  if (unary !== undefined) {
    e.def(d, () => { e.get(a); w.op(unary); });
    return true;
  }
  const mask = MASKING_UNARY.get(opc);
  if (mask !== undefined) {
    e.def(d, () => { e.get(a); pushConst(e, d.type, mask); w.op(logicOp('and', d.type)); });
    return true;
  }
  switch (opc) {
    case Opc.neg_i32: case Opc.neg_i64:
      e.def(d, () => { pushConst(e, d.type, 0n); e.get(a); w.op(d.type === Type.I64 ? Op.i64_sub : Op.i32_sub); });
      return true;
    case Opc.not_i32: case Opc.not_i64:
      e.def(d, () => { e.get(a); emitNot(e, d.type); });
      return true;
    case Opc.extrh_i64_i32:
      e.def(d, () => { e.get(a); w.i64Const(32n).op(Op.i64_shr_u).op(Op.i32_wrap_i64); });
      return true;
    case Opc.bswap16_i32: case Opc.bswap32_i32:
      e.def(d, () => { e.get(a); if (opc === Opc.bswap16_i32) emitBswap16OnStack(e); else emitBswap32OnStack(e); });
      return true;
    case Opc.bswap16_i64: case Opc.bswap32_i64:
      e.def(d, () => {
        e.get(a);
        w.op(Op.i32_wrap_i64);
        if (opc === Opc.bswap16_i64) emitBswap16OnStack(e); else emitBswap32OnStack(e);
        w.op(Op.i64_extend_i32_u);
      });
      return true;
    case Opc.bswap64_i64:
      e.def(d, () => { e.get(a); emitBswap64OnStack(e); });
      return true;
  }
  return false;
}
