// F and D: loads, stores, moves and sign injection inline in IR; every
// arithmetic instruction calls the floating-point helpers registered by
// fp-helpers.ts. Values are raw bit patterns; single-precision values in f
// registers are NaN-boxed (upper 32 bits all ones).

import { Cond, Temp } from '../../ir/types.js';
import { TransFn } from './decode-spec.js';
import { DisasContext } from './translate-context.js';
import { MO } from './translate-common.js';

/** Upper half of a NaN-boxed single. */
const BOX = 0xffffffff00000000n;
/** The canonical single NaN, boxed: what an improperly boxed input reads as. */
const BOXED_CANONICAL_NAN = 0xffffffff7fc00000n;
const SIGN_S = 0x80000000n;
const SIGN_D = 0x8000000000000000n;

/** rm 5 and 6 are reserved; 7 (dynamic) is checked by the helper against frm. */
function validRm(rm: number): boolean {
  return rm !== 5 && rm !== 6;
}

export const transFlw: TransFn = (ctx, a) => {
  const t = ctx.tmp();
  ctx.b.qemuLd(t, ctx.address(a.rs1, a.imm), MO.UW, ctx.mmuIdx);
  ctx.b.bini('or', ctx.fpr(a.rd), t, BOX);
  return true;
};

export const transFld: TransFn = (ctx, a) => {
  ctx.b.qemuLd(ctx.fpr(a.rd), ctx.address(a.rs1, a.imm), MO.Q, ctx.mmuIdx);
  return true;
};

export const transFsw: TransFn = (ctx, a) => {
  ctx.b.qemuSt(ctx.fpr(a.rs2), ctx.address(a.rs1, a.imm), MO.UW, ctx.mmuIdx);
  return true;
};

export const transFsd: TransFn = (ctx, a) => {
  ctx.b.qemuSt(ctx.fpr(a.rs2), ctx.address(a.rs1, a.imm), MO.Q, ctx.mmuIdx);
  return true;
};

/** fmv.x.w: the low 32 bits, sign-extended. */
export const transFmvXW: TransFn = (ctx, a) => {
  if (a.rd !== 0) ctx.b.ext32s(ctx.dest(a.rd), ctx.fpr(a.rs1));
  return true;
};

/** fmv.w.x: the low 32 bits, NaN-boxed. */
export const transFmvWX: TransFn = (ctx, a) => {
  const t = ctx.tmp();
  ctx.b.ext32u(t, ctx.gpr(a.rs1));
  ctx.b.bini('or', ctx.fpr(a.rd), t, BOX);
  return true;
};

export const transFmvXD: TransFn = (ctx, a) => {
  ctx.setGpr(a.rd, ctx.fpr(a.rs1));
  return true;
};

export const transFmvDX: TransFn = (ctx, a) => {
  ctx.b.mov(ctx.fpr(a.rd), ctx.gpr(a.rs1));
  return true;
};

/** A single input as an operation sees it: itself if properly boxed, else the canonical NaN. */
function unboxS(ctx: DisasContext, v: Temp): Temp {
  const t = ctx.tmp();
  ctx.b.movcond(Cond.GEU, t, v, ctx.c64(BOX), v, ctx.c64(BOXED_CANONICAL_NAN));
  return t;
}

export type SignInjection = 'copy' | 'negate' | 'xor';

/**
 * fsgnj/fsgnjn/fsgnjx: rs1's magnitude with a sign from rs2. For singles the
 * inputs are unboxed first and the result keeps rs1's all-ones upper half,
 * so it is boxed.
 */
export function transSignInject(kind: SignInjection, single: boolean): TransFn {
  return (ctx, a) => {
    const b = ctx.b;
    const sign = single ? SIGN_S : SIGN_D;
    const x = single ? unboxS(ctx, ctx.fpr(a.rs1)) : ctx.fpr(a.rs1);
    const y = single ? unboxS(ctx, ctx.fpr(a.rs2)) : ctx.fpr(a.rs2);
    const ySign = ctx.tmp();
    if (kind === 'negate') b.bin('andc', ySign, ctx.c64(sign), y);
    else b.bini('and', ySign, y, sign);
    if (kind === 'xor') {
      b.xor(ctx.fpr(a.rd), x, ySign);
    } else {
      const magnitude = ctx.tmp();
      b.bini('and', magnitude, x, BigInt.asUintN(64, ~sign));
      b.or(ctx.fpr(a.rd), magnitude, ySign);
    }
    return true;
  };
}

// --- helper calls -------------------------------------------------------------

/** Where a result goes: f[rd], or x[rd] (a scratch temp for x0: the helper still sets flags). */
type Dest = 'f' | 'x';
/** What each input is: f[rs1], f[rs2], f[rs3], x[rs1], or the rm field. */
type Src = 'f1' | 'f2' | 'f3' | 'x1' | 'rm';

/** Call FP helper `name` on `srcs` and write its result to `dest`; `usesRm` rejects reserved rm. */
export function fpCall(name: string, dest: Dest, srcs: readonly Src[]): TransFn {
  const usesRm = srcs.includes('rm');
  return (ctx, a) => {
    if (usesRm && !validRm(a.rm)) return false;
    const ins = srcs.map((s): Temp => {
      switch (s) {
        case 'f1': return ctx.fpr(a.rs1);
        case 'f2': return ctx.fpr(a.rs2);
        case 'f3': return ctx.fpr(a.rs3);
        case 'x1': return ctx.gpr(a.rs1);
        case 'rm': return ctx.c32(a.rm);
      }
    });
    const out = dest === 'f' ? ctx.fpr(a.rd) : ctx.dest(a.rd);
    ctx.b.call(ctx.helper(name), [out], ins);
    return true;
  };
}

/** fmin/fmax take an rm argument they ignore; pass round-to-nearest-even. */
export function fpMinMax(name: string): TransFn {
  return (ctx, a) => {
    ctx.b.call(ctx.helper(name), [ctx.fpr(a.rd)], [ctx.fpr(a.rs1), ctx.fpr(a.rs2), ctx.c32(0)]);
    return true;
  };
}
