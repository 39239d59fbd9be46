// wemu's software floating point (binary32, binary64), bit-exact with QEMU's
// softfloat as RISC-V configures it: canonical default NaN, no payload
// propagation, tininess after rounding.
//
// Two paths with one meaning:
//   soft-*.ts   the exact path: bigint significands, every rounding mode,
//               every operand; the reference the tests hold against QEMU.
//   fast*.ts    host-double paths that decide most operations exactly (via
//               error-free transformations) and return NaN to mean "ask the
//               exact path".
// Flags accumulate in fpStatus (status.ts), as RISC-V fflags bits.

export { BINARY32, BINARY64, FpFlag, RoundingMode } from './format.js';
export type { FloatFormat } from './format.js';
export { fpStatus } from './status.js';
export { softAdd, softSub, softMul, softDiv, softSqrt, softMulAdd } from './soft-arith.js';
export { softToInt, softFromInt, softConvert, INT32, UINT32, INT64, UINT64 } from './soft-convert.js';
export { fastAdd32, fastSub32, fastMul32, fastDiv32, fastSqrt32, fastMulAdd32, roundToSingle } from './fast32.js';
export { fastAdd64, fastSub64, fastMul64, fastDiv64, fastSqrt64, fastMulAdd64 } from './fast64.js';
export { floatToInt, IntKind, integerToSingle, integerToDouble, narrowToSingle, roundToIntegral } from './fast-convert.js';
export { fpEq, fpLt, fpLe, fpMinMax, MinMaxPick, classify32, classify64, FClass } from './compare.js';
