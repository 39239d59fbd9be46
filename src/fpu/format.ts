// Vocabulary of the floating-point library: formats, rounding modes, flags.
//
// Encodings follow RISC-V on purpose (rounding modes as the rm field, flags
// as the fflags bits), so the RISC-V helpers pass them through unchanged.

/** IEEE 754 rounding-direction attributes, numbered as RISC-V's rm field. */
export const enum RoundingMode {
  /** roundTiesToEven */
  RNE = 0,
  /** roundTowardZero */
  RTZ = 1,
  /** roundTowardNegative */
  RDN = 2,
  /** roundTowardPositive */
  RUP = 3,
  /** roundTiesToAway */
  RMM = 4,
}

/** Exception flags, as the bits of RISC-V's fflags. */
export const enum FpFlag {
  NX = 1,
  UF = 2,
  OF = 4,
  DZ = 8,
  NV = 16,
}

/** A binary interchange format, described by its field widths. */
export interface FloatFormat {
  readonly name: 'binary32' | 'binary64';
  readonly bits: 32 | 64;
  /** Stored significand bits (without the implicit bit). */
  readonly manBits: number;
  readonly expBits: number;
  readonly bias: number;
  /** Precision p: significand bits including the implicit one. */
  readonly precision: number;
  /** Smallest normal exponent (1 - bias). */
  readonly emin: number;
  /** Largest finite exponent (bias). */
  readonly emax: number;
  /** The same fields as bigints, for the exact software path. */
  readonly manMask: bigint;
  readonly expMask: bigint;
  readonly signBit: bigint;
  readonly quietBit: bigint;
  readonly defaultNaN: bigint;
  readonly infinity: bigint;
  /** Largest finite magnitude. */
  readonly maxFinite: bigint;
}

function makeFormat(name: 'binary32' | 'binary64', bits: 32 | 64, expBits: number): FloatFormat {
  const manBits = bits - 1 - expBits;
  const bias = (1 << (expBits - 1)) - 1;
  const manMask = (1n << BigInt(manBits)) - 1n;
  const expMask = ((1n << BigInt(expBits)) - 1n) << BigInt(manBits);
  return {
    name, bits, manBits, expBits, bias,
    precision: manBits + 1,
    emin: 1 - bias,
    emax: bias,
    manMask, expMask,
    signBit: 1n << BigInt(bits - 1),
    quietBit: 1n << BigInt(manBits - 1),
    // RISC-V's canonical NaN: positive, quiet bit only.
    defaultNaN: expMask | (1n << BigInt(manBits - 1)),
    infinity: expMask,
    maxFinite: expMask - 1n,
  };
}

export const BINARY32 = makeFormat('binary32', 32, 8);
export const BINARY64 = makeFormat('binary64', 64, 11);

/** Canonical NaNs as plain numbers / words (the fast paths avoid bigints). */
export const DEFAULT_NAN_32 = 0x7fc00000;
export const DEFAULT_NAN_64_HI = 0x7ff80000;

/** Smallest positive normal values, as host doubles. */
export const MIN_NORMAL_32 = 2 ** -126;
export const MIN_NORMAL_64 = 2 ** -1022;
