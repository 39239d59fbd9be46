// The reference semantics of every value-computing op, in BigInt.
//
// This is the optimizer's constant folder and the oracle of the differential
// tests (interpreter and Wasm tier are both checked against it), so it is
// written for obviousness, not speed: translation time and tests only.
//
// Inputs and outputs are unsigned bigints of the op's width (i32 values as
// 0..2^32-1, i64 values as 0..2^64-1). Mixed-width ops (ext_i32_i64,
// extrl_i64_i32, ...) take and give each operand at its own width, as in the
// op table. The total semantics of ops.ts are followed exactly: shift counts
// modulo the width, division by zero and MIN / -1 as RISC-V defines them,
// clz/ctz of zero give the width.

import { OP_DEFS, Opc, OpFlag } from './ops.js';
import { Cond, Type, evalCondBig } from './types.js';

type Bits = 32 | 64;

const u = (bits: Bits, v: bigint): bigint => BigInt.asUintN(bits, v);
const s = (bits: Bits, v: bigint): bigint => BigInt.asIntN(bits, v);
const ones = (bits: Bits): bigint => (1n << BigInt(bits)) - 1n;

/** Op families that are not values: memory, control, calls and markers. */
const NON_VALUE_FLAGS = OpFlag.GUEST_MEM | OpFlag.HOST_MEM | OpFlag.CALL | OpFlag.BB_END | OpFlag.TB_EXIT;

/** True for every op evalOp can compute (a pure function of its inputs and constant args). */
export function isValueOp(opc: Opc): boolean {
  const def = OP_DEFS[opc]!;
  return (def.flags & (NON_VALUE_FLAGS | OpFlag.SIDE_EFFECTS)) === 0;
}

/** Every value op, in opcode order (for coverage tests and generators). */
export const VALUE_OPS: readonly Opc[] = OP_DEFS.filter((d) => isValueOp(d.opc)).map((d) => d.opc);

/** The width of an op's first output (or first input for ops without outputs). */
export function opBits(opc: Opc): Bits {
  const def = OP_DEFS[opc]!;
  const t = def.outTypes.length > 0 ? def.outTypes[0] : def.inTypes[0];
  return t === Type.I32 ? 32 : 64;
}

function clz(bits: Bits, a: bigint): bigint {
  return a === 0n ? BigInt(bits) : BigInt(bits - a.toString(2).length);
}

function ctz(bits: Bits, a: bigint): bigint {
  // a & -a isolates the lowest set bit.
  return a === 0n ? BigInt(bits) : BigInt((a & -a).toString(2).length - 1);
}

function ctpop(a: bigint): bigint {
  let n = 0;
  for (const digit of a.toString(2)) if (digit === '1') n++;
  return BigInt(n);
}

function bswap(bytes: number, a: bigint): bigint {
  let r = 0n;
  for (let i = 0; i < bytes; i++) r = (r << 8n) | ((a >> BigInt(8 * i)) & 0xffn);
  return r;
}

function rotl(bits: Bits, a: bigint, n: bigint): bigint {
  const k = n % BigInt(bits);
  return k === 0n ? a : u(bits, (a << k) | (a >> (BigInt(bits) - k)));
}

function divSigned(bits: Bits, a: bigint, b: bigint): bigint {
  const sa = s(bits, a), sb = s(bits, b);
  if (sb === 0n) return ones(bits);
  // BigInt division truncates toward zero like RISC-V; MIN / -1 wraps back to MIN.
  return u(bits, sa / sb);
}

function remSigned(bits: Bits, a: bigint, b: bigint): bigint {
  const sa = s(bits, a), sb = s(bits, b);
  if (sb === 0n) return a;
  return u(bits, sa % sb);
}

function fieldMask(len: number): bigint {
  return (1n << BigInt(len)) - 1n;
}

/**
 * Evaluate a value op. `inputs` are the op's input values (unsigned, each at
 * its own width), `consts` its constant args; returns the outputs in order.
 */
export function evalOp(opc: Opc, inputs: readonly bigint[], consts: readonly number[]): bigint[] {
  const bits = opBits(opc);
  const W = BigInt(bits);
  const a = inputs[0] ?? 0n, b = inputs[1] ?? 0n;
  switch (opc) {
    case Opc.mov_i32: case Opc.mov_i64: return [a];
    case Opc.setcond_i32: case Opc.setcond_i64:
      return [evalCondBig(consts[0] as Cond, a, b, bits) ? 1n : 0n];
    case Opc.negsetcond_i32: case Opc.negsetcond_i64:
      return [evalCondBig(consts[0] as Cond, a, b, bits) ? ones(bits) : 0n];
    case Opc.movcond_i32: case Opc.movcond_i64:
      return [evalCondBig(consts[0] as Cond, a, b, bits) ? inputs[2]! : inputs[3]!];
    case Opc.add_i32: case Opc.add_i64: return [u(bits, a + b)];
    case Opc.sub_i32: case Opc.sub_i64: return [u(bits, a - b)];
    case Opc.mul_i32: case Opc.mul_i64: return [u(bits, a * b)];
    case Opc.neg_i32: case Opc.neg_i64: return [u(bits, -a)];
    case Opc.div_i32: case Opc.div_i64: return [divSigned(bits, a, b)];
    case Opc.divu_i32: case Opc.divu_i64: return [b === 0n ? ones(bits) : a / b];
    case Opc.rem_i32: case Opc.rem_i64: return [remSigned(bits, a, b)];
    case Opc.remu_i32: case Opc.remu_i64: return [b === 0n ? a : a % b];
    case Opc.add2_i32: case Opc.add2_i64: {
      const sum = BigInt.asUintN(2 * bits, (b << W | a) + (inputs[3]! << W | inputs[2]!));
      return [u(bits, sum), sum >> W];
    }
    case Opc.sub2_i32: case Opc.sub2_i64: {
      const diff = BigInt.asUintN(2 * bits, (b << W | a) - (inputs[3]! << W | inputs[2]!));
      return [u(bits, diff), diff >> W];
    }
    case Opc.mulu2_i32: case Opc.mulu2_i64: {
      const p = a * b;
      return [u(bits, p), u(bits, p >> W)];
    }
    case Opc.muls2_i32: case Opc.muls2_i64: {
      const p = BigInt.asUintN(2 * bits, s(bits, a) * s(bits, b));
      return [u(bits, p), u(bits, p >> W)];
    }
    case Opc.and_i32: case Opc.and_i64: return [a & b];
    case Opc.or_i32: case Opc.or_i64: return [a | b];
    case Opc.xor_i32: case Opc.xor_i64: return [a ^ b];
    case Opc.andc_i32: case Opc.andc_i64: return [a & u(bits, ~b)];
    case Opc.orc_i32: case Opc.orc_i64: return [u(bits, a | ~b)];
    case Opc.eqv_i32: case Opc.eqv_i64: return [u(bits, ~(a ^ b))];
    case Opc.nand_i32: case Opc.nand_i64: return [u(bits, ~(a & b))];
    case Opc.nor_i32: case Opc.nor_i64: return [u(bits, ~(a | b))];
    case Opc.not_i32: case Opc.not_i64: return [u(bits, ~a)];
    case Opc.shl_i32: case Opc.shl_i64: return [u(bits, a << (b % W))];
    case Opc.shr_i32: case Opc.shr_i64: return [a >> (b % W)];
    case Opc.sar_i32: case Opc.sar_i64: return [u(bits, s(bits, a) >> (b % W))];
    case Opc.rotl_i32: case Opc.rotl_i64: return [rotl(bits, a, b)];
    case Opc.rotr_i32: case Opc.rotr_i64: return [rotl(bits, a, (W - (b % W)) % W)];
    case Opc.clz_i32: case Opc.clz_i64: return [clz(bits, a)];
    case Opc.ctz_i32: case Opc.ctz_i64: return [ctz(bits, a)];
    case Opc.ctpop_i32: case Opc.ctpop_i64: return [ctpop(a)];
    case Opc.deposit_i32: case Opc.deposit_i64: {
      const pos = BigInt(consts[0]!), mask = fieldMask(consts[1]!) << pos;
      return [u(bits, (a & ~mask) | ((b << pos) & mask))];
    }
    case Opc.extract_i32: case Opc.extract_i64:
      return [(a >> BigInt(consts[0]!)) & fieldMask(consts[1]!)];
    case Opc.sextract_i32: case Opc.sextract_i64: {
      const field = (a >> BigInt(consts[0]!)) & fieldMask(consts[1]!);
      return [u(bits, BigInt.asIntN(consts[1]!, field))];
    }
    case Opc.ext8s_i32: case Opc.ext8s_i64: return [u(bits, BigInt.asIntN(8, a))];
    case Opc.ext8u_i32: case Opc.ext8u_i64: return [a & 0xffn];
    case Opc.ext16s_i32: case Opc.ext16s_i64: return [u(bits, BigInt.asIntN(16, a))];
    case Opc.ext16u_i32: case Opc.ext16u_i64: return [a & 0xffffn];
    case Opc.ext32s_i64: return [u(64, BigInt.asIntN(32, a))];
    case Opc.ext32u_i64: return [a & 0xffffffffn];
    case Opc.ext_i32_i64: return [u(64, BigInt.asIntN(32, a))];
    case Opc.extu_i32_i64: return [u(32, a)];
    case Opc.extrl_i64_i32: return [u(32, a)];
    case Opc.extrh_i64_i32: return [u(32, a >> 32n)];
    case Opc.bswap16_i32: case Opc.bswap16_i64: return [bswap(2, a)];
    case Opc.bswap32_i32: case Opc.bswap32_i64: return [bswap(4, a)];
    case Opc.bswap64_i64: return [bswap(8, a)];
    default:
      throw new Error(`evalOp: ${OP_DEFS[opc]!.name} is not a value op`);
  }
}
