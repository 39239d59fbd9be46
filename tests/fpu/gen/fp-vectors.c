/*
 * Reference vectors for wemu's soft-float library (src/fpu), computed by the
 * RISC-V F/D instructions themselves under qemu-riscv64.
 *
 * Output (text, one section per operation):
 *   @ <op> <operand count> <rounding: "rm" = one result per mode rne..rmm, "-" = one result>
 *   <operand hex>... <result hex>:<fflags hex> [x5 for "rm"]
 * binary32 values are 8 hex digits, binary64 and integer registers 16.
 * Operands are edge values (their cross product) and seeded random ones.
 *
 * Usage: fp-vectors [random-count-per-op]   (see scripts/gen-fp-vectors.sh)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t u32;
typedef uint64_t u64;

static inline float f_of(u32 x) { float f; memcpy(&f, &x, 4); return f; }
static inline u32 bits_f(float f) { u32 x; memcpy(&x, &f, 4); return x; }
static inline double d_of(u64 x) { double d; memcpy(&d, &x, 8); return d; }
static inline u64 bits_d(double d) { u64 x; memcpy(&x, &d, 8); return x; }

static inline void clear_flags(void) { asm volatile("fsflags zero" ::: "memory"); }
static inline unsigned read_flags(void) { unsigned f; asm volatile("frflags %0" : "=r"(f) :: "memory"); return f; }

/* Each wrapper selects the static rounding mode with a switch: rm is part of the encoding. */
#define STMT_BIN(insn, m) asm volatile(insn " %0,%1,%2," m : "=f"(r) : "f"(x), "f"(y))
#define STMT_UN(insn, m) asm volatile(insn " %0,%1," m : "=f"(r) : "f"(x))
#define STMT_TOI(insn, m) asm volatile(insn " %0,%1," m : "=r"(r) : "f"(x))
#define STMT_FROMI(insn, m) asm volatile(insn " %0,%1," m : "=f"(r) : "r"(x))
#define STMT_TERN(insn, m) asm volatile(insn " %0,%1,%2,%3," m : "=f"(r) : "f"(x), "f"(y), "f"(z))

#define BIN(name, insn, T, BITS, OF) \
  static u64 name(int rm, u64 a, u64 b, u64 c, unsigned *fl) { \
    (void)c; T x = OF(a), y = OF(b), r; clear_flags(); \
    switch (rm) { \
      case 0: STMT_BIN(insn, "rne"); break; case 1: STMT_BIN(insn, "rtz"); break; \
      case 2: STMT_BIN(insn, "rdn"); break; case 3: STMT_BIN(insn, "rup"); break; \
      default: STMT_BIN(insn, "rmm"); break; } \
    *fl = read_flags(); return BITS(r); }

#define UN(name, insn, T, BITS, OF) \
  static u64 name(int rm, u64 a, u64 b, u64 c, unsigned *fl) { \
    (void)b; (void)c; T x = OF(a), r; clear_flags(); \
    switch (rm) { \
      case 0: STMT_UN(insn, "rne"); break; case 1: STMT_UN(insn, "rtz"); break; \
      case 2: STMT_UN(insn, "rdn"); break; case 3: STMT_UN(insn, "rup"); break; \
      default: STMT_UN(insn, "rmm"); break; } \
    *fl = read_flags(); return BITS(r); }

#define TERN(name, insn, T, BITS, OF) \
  static u64 name(int rm, u64 a, u64 b, u64 c, unsigned *fl) { \
    T x = OF(a), y = OF(b), z = OF(c), r; clear_flags(); \
    switch (rm) { \
      case 0: STMT_TERN(insn, "rne"); break; case 1: STMT_TERN(insn, "rtz"); break; \
      case 2: STMT_TERN(insn, "rdn"); break; case 3: STMT_TERN(insn, "rup"); break; \
      default: STMT_TERN(insn, "rmm"); break; } \
    *fl = read_flags(); return BITS(r); }

/* Instructions without a rounding mode; results read from an integer or f register. */
#define NORM_BIN(name, insn, T, RT, BITS, OF, CON) \
  static u64 name(int rm, u64 a, u64 b, u64 c, unsigned *fl) { \
    (void)rm; (void)c; T x = OF(a), y = OF(b); RT r; clear_flags(); \
    asm volatile(insn " %0,%1,%2" : "=" CON(r) : "f"(x), "f"(y)); \
    *fl = read_flags(); return BITS(r); }

#define F32(x) f_of((u32)(x))
#define B32(x) ((u64)bits_f(x))
#define F64(x) d_of(x)
#define B64(x) bits_d(x)
#define IDENT(x) ((u64)(x))
#define CON_F "f"
#define CON_R "r"

BIN(fadd_s, "fadd.s", float, B32, F32)
BIN(fsub_s, "fsub.s", float, B32, F32)
BIN(fmul_s, "fmul.s", float, B32, F32)
BIN(fdiv_s, "fdiv.s", float, B32, F32)
UN(fsqrt_s, "fsqrt.s", float, B32, F32)
TERN(fmadd_s, "fmadd.s", float, B32, F32)
TERN(fmsub_s, "fmsub.s", float, B32, F32)
TERN(fnmsub_s, "fnmsub.s", float, B32, F32)
TERN(fnmadd_s, "fnmadd.s", float, B32, F32)
BIN(fadd_d, "fadd.d", double, B64, F64)
BIN(fsub_d, "fsub.d", double, B64, F64)
BIN(fmul_d, "fmul.d", double, B64, F64)
BIN(fdiv_d, "fdiv.d", double, B64, F64)
UN(fsqrt_d, "fsqrt.d", double, B64, F64)
TERN(fmadd_d, "fmadd.d", double, B64, F64)
TERN(fmsub_d, "fmsub.d", double, B64, F64)
TERN(fnmsub_d, "fnmsub.d", double, B64, F64)
TERN(fnmadd_d, "fnmadd.d", double, B64, F64)
NORM_BIN(fmin_s, "fmin.s", float, float, B32, F32, "f")
NORM_BIN(fmax_s, "fmax.s", float, float, B32, F32, "f")
NORM_BIN(feq_s, "feq.s", float, long, IDENT, F32, "r")
NORM_BIN(flt_s, "flt.s", float, long, IDENT, F32, "r")
NORM_BIN(fle_s, "fle.s", float, long, IDENT, F32, "r")
NORM_BIN(fmin_d, "fmin.d", double, double, B64, F64, "f")
NORM_BIN(fmax_d, "fmax.d", double, double, B64, F64, "f")
NORM_BIN(feq_d, "feq.d", double, long, IDENT, F64, "r")
NORM_BIN(flt_d, "flt.d", double, long, IDENT, F64, "r")
NORM_BIN(fle_d, "fle.d", double, long, IDENT, F64, "r")

static u64 fclass_s(int rm, u64 a, u64 b, u64 c, unsigned *fl) {
  (void)rm; (void)b; (void)c; float x = F32(a); long r; clear_flags();
  asm volatile("fclass.s %0,%1" : "=r"(r) : "f"(x)); *fl = read_flags(); return (u64)r;
}
static u64 fclass_d(int rm, u64 a, u64 b, u64 c, unsigned *fl) {
  (void)rm; (void)b; (void)c; double x = F64(a); long r; clear_flags();
  asm volatile("fclass.d %0,%1" : "=r"(r) : "f"(x)); *fl = read_flags(); return (u64)r;
}

/* float -> integer register */
#define TOINT(name, insn, T, OF) \
  static u64 name(int rm, u64 a, u64 b, u64 c, unsigned *fl) { \
    (void)b; (void)c; T x = OF(a); long r; clear_flags(); \
    switch (rm) { \
      case 0: STMT_TOI(insn, "rne"); break; case 1: STMT_TOI(insn, "rtz"); break; \
      case 2: STMT_TOI(insn, "rdn"); break; case 3: STMT_TOI(insn, "rup"); break; \
      default: STMT_TOI(insn, "rmm"); break; } \
    *fl = read_flags(); return (u64)r; }
TOINT(fcvt_w_s, "fcvt.w.s", float, F32)
TOINT(fcvt_wu_s, "fcvt.wu.s", float, F32)
TOINT(fcvt_l_s, "fcvt.l.s", float, F32)
TOINT(fcvt_lu_s, "fcvt.lu.s", float, F32)
TOINT(fcvt_w_d, "fcvt.w.d", double, F64)
TOINT(fcvt_wu_d, "fcvt.wu.d", double, F64)
TOINT(fcvt_l_d, "fcvt.l.d", double, F64)
TOINT(fcvt_lu_d, "fcvt.lu.d", double, F64)
/* integer register -> float */
#define FROMINT(name, insn, T, BITS) \
  static u64 name(int rm, u64 a, u64 b, u64 c, unsigned *fl) { \
    (void)b; (void)c; long x = (long)a; T r; clear_flags(); \
    switch (rm) { \
      case 0: STMT_FROMI(insn, "rne"); break; case 1: STMT_FROMI(insn, "rtz"); break; \
      case 2: STMT_FROMI(insn, "rdn"); break; case 3: STMT_FROMI(insn, "rup"); break; \
      default: STMT_FROMI(insn, "rmm"); break; } \
    *fl = read_flags(); return BITS(r); }
FROMINT(fcvt_s_w, "fcvt.s.w", float, B32)
FROMINT(fcvt_s_wu, "fcvt.s.wu", float, B32)
FROMINT(fcvt_s_l, "fcvt.s.l", float, B32)
FROMINT(fcvt_s_lu, "fcvt.s.lu", float, B32)
/* Exact conversions: the assembler takes no rounding mode for these. */
static u64 fcvt_d_w(int rm, u64 a, u64 b, u64 c, unsigned *fl) {
  (void)rm; (void)b; (void)c; long x = (long)a; double r; clear_flags();
  asm volatile("fcvt.d.w %0,%1" : "=f"(r) : "r"(x)); *fl = read_flags(); return B64(r);
}
static u64 fcvt_d_wu(int rm, u64 a, u64 b, u64 c, unsigned *fl) {
  (void)rm; (void)b; (void)c; long x = (long)a; double r; clear_flags();
  asm volatile("fcvt.d.wu %0,%1" : "=f"(r) : "r"(x)); *fl = read_flags(); return B64(r);
}
FROMINT(fcvt_d_l, "fcvt.d.l", double, B64)
FROMINT(fcvt_d_lu, "fcvt.d.lu", double, B64)
static u64 fcvt_s_d(int rm, u64 a, u64 b, u64 c, unsigned *fl) {
  (void)b; (void)c; double x = F64(a); float r; clear_flags();
  switch (rm) {
    case 0: STMT_UN("fcvt.s.d", "rne"); break; case 1: STMT_UN("fcvt.s.d", "rtz"); break;
    case 2: STMT_UN("fcvt.s.d", "rdn"); break; case 3: STMT_UN("fcvt.s.d", "rup"); break;
    default: STMT_UN("fcvt.s.d", "rmm"); break; }
  *fl = read_flags(); return B32(r);
}
static u64 fcvt_d_s(int rm, u64 a, u64 b, u64 c, unsigned *fl) {
  (void)rm; (void)b; (void)c; float x = F32(a); double r; clear_flags();
  asm volatile("fcvt.d.s %0,%1" : "=f"(r) : "f"(x)); *fl = read_flags(); return B64(r);
}

/* ---- operands ---------------------------------------------------------- */

static const u32 EDGE32[] = {
  0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000, 0x80800000,
  0x00800001, 0x00400000, 0x7f7fffff, 0xff7fffff, 0x7f000000, 0x7f800000, 0xff800000, 0x7fc00000,
  0xffc00000, 0x7f800001, 0x7fa00000, 0xffbfffff, 0x3f800000, 0xbf800000, 0x3f800001, 0x3f7fffff,
  0x40000000, 0x3f000000, 0xbf000000, 0x3effffff, 0x3fc00000, 0xbfc00000, 0x40200000, 0xc0200000,
  0x40400000, 0x3f400000, 0x3eaaaaab, 0x4b000000, 0x4b000001, 0x4b800000, 0x4b7fffff, 0x34000000,
  0x33800000, 0x4f000000, 0x4effffff, 0xcf000000, 0xcf000001, 0x4f800000, 0x4f7fffff, 0x5f000000,
  0x5effffff, 0xdf000000, 0xdf000001, 0x5f800000, 0x5f7fffff, 0x1f800000, 0x20000000, 0x5e800000,
};
static const u64 EDGE64[] = {
  0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x8000000000000001,
  0x000fffffffffffff, 0x800fffffffffffff, 0x0010000000000000, 0x8010000000000000,
  0x0010000000000001, 0x0008000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,
  0x7fe0000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
  0xfff8000000000000, 0x7ff0000000000001, 0x7ff4000000000000, 0xfff7ffffffffffff,
  0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000001, 0x3fefffffffffffff,
  0x4000000000000000, 0x3fe0000000000000, 0xbfe0000000000000, 0x3fdfffffffffffff,
  0x3ff8000000000000, 0xbff8000000000000, 0x4004000000000000, 0xc004000000000000,
  0x4008000000000000, 0x3fe8000000000000, 0x3fd5555555555555, 0x4330000000000000,
  0x4330000000000001, 0x4340000000000000, 0x433fffffffffffff, 0x3cb0000000000000,
  0x41e0000000000000, 0x41dfffffffe00000, 0x41dfffffffc00000, 0xc1e0000000000000,
  0xc1e0000000200000, 0xc1e0000000100000, 0x41f0000000000000, 0x41efffffffe00000,
  0x41effffffff00000, 0x43e0000000000000, 0x43dfffffffffffff, 0xc3e0000000000000,
  0xc3e0000000000001, 0x43f0000000000000, 0x43efffffffffffff, 0x47efffffe0000000,
  0x47effffff0000000, 0x47effffff0000001, 0x3810000000000000, 0x380fffffffffffff,
  0x380ffffff0000000, 0x36a0000000000000, 0x3690000000000000, 0x3690000000000001,
  0x1ff0000000000000, 0x2000000000000000, 0x5fd0000000000000,
};
/* Subsets for three-operand FMA cross products (all 56^3 would be too many). */
static const u32 FMA_EDGE32[] = {
  0x00000000, 0x80000000, 0x00000001, 0x00800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
  0x7f800001, 0x3f800000, 0xbf800000, 0x3f800001, 0x3f7fffff, 0x3f000000, 0x1f800000, 0x5f800000,
};
static const u64 FMA_EDGE64[] = {
  0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x0010000000000000,
  0x7fefffffffffffff, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
  0x7ff0000000000001, 0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000001,
  0x3fefffffffffffff, 0x3fe0000000000000, 0x1ff0000000000000, 0x5fd0000000000000,
};
static const u64 EDGE_INT[] = {
  0, 1, 0xffffffffffffffff, 2, 3, 0xfffffffffffffffd, 0x7fffffff, 0x80000000, 0xffffffff80000000,
  0xffffffff7fffffff, 0xffffffff, 0x100000000, 0x7fffffffffffffff, 0x8000000000000000,
  0x8000000000000001, 0xfffffffffffffffe, 0xffffff, 0x1000000, 0x1000001, 0x1000002, 0x1000003,
  0xffffffffff000001, 0x1fffffffffffff, 0x20000000000000, 0x20000000000001, 0x20000000000003,
  0xffdfffffffffffff, 0x7fffff80, 0x7fffffc0, 0xffffff80, 0xffffffc0, 0x7ffffc0000000000,
  0x7ffffe0000000000, 0xfffffe0000000000, 0x7ffffffffffffc00, 0x7ffffffffffffe00,
  0xfffffffffffff800, 0xfffffffffffffc00, 0x0000000012345678, 0xfedcba9876543210,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static u64 rng_state = 0x9e3779b97f4a7c15ull;
static u64 rnd(void) {
  /* xorshift64* (Vigna): deterministic, fast, good enough for operands */
  rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}

/* A random operand of the format, biased towards interesting regions. */
static u64 rand_float(int is64) {
  int mb = is64 ? 52 : 23, eb = is64 ? 11 : 8;
  u64 sign = rnd() & 1, man = rnd() & ((1ull << mb) - 1);
  unsigned bias = (1u << (eb - 1)) - 1, maxe = (1u << eb) - 1;
  u64 e;
  switch (rnd() % 8) {
    case 0: return is64 ? rnd() : (u32)rnd();                       /* any bits */
    case 1: e = rnd() % 4; if (rnd() & 1) e = maxe - 1 - e; break;  /* near the range ends */
    case 2: e = bias - 40 + rnd() % 80; man &= ~((1ull << (rnd() % mb)) - 1); break; /* short significands: exact/tie cases */
    case 3: { u64 v = is64 ? EDGE64[rnd() % N(EDGE64)] : EDGE32[rnd() % N(EDGE32)];
              v += (rnd() % 5) - 2;                                   /* edge neighbours */
              return is64 ? v : (u32)v; }
    case 4: e = bias + rnd() % 66; break;                           /* integer range 1 .. 2^65 */
    default: e = bias - 30 + rnd() % 60; break;                      /* ordinary magnitudes */
  }
  return (sign << (mb + eb)) | (e << mb) | man;
}

static u64 rand_int(void) {
  u64 v = rnd();
  int len = 1 + rnd() % 64;
  if (len < 64) v &= (1ull << len) - 1;
  if (rnd() % 4 == 0) v &= ~((1ull << (rnd() % 40)) - 1); /* trailing zeros: exact and tie conversions */
  if (rnd() & 1) v = -v;
  return v;
}

typedef u64 (*OpFn)(int rm, u64 a, u64 b, u64 c, unsigned *fl);

static int hexw(int is64) { return is64 ? 16 : 8; }

static void emit(OpFn fn, int nargs, int hasRm, int argW, int resW, u64 a, u64 b, u64 c) {
  u64 args[3] = { a, b, c };
  for (int i = 0; i < nargs; i++) printf("%0*llx ", argW, (unsigned long long)args[i]);
  for (int rm = 0; rm < (hasRm ? 5 : 1); rm++) {
    unsigned fl;
    u64 r = fn(rm, a, b, c, &fl);
    if (resW == 8) r &= 0xffffffffu;
    printf("%0*llx:%x%s", resW, (unsigned long long)r, fl, rm + 1 < (hasRm ? 5 : 1) ? " " : "\n");
  }
}

/* Random operand tuples: independent, or correlated so sums cancel. */
static void random_tuple(int is64, int nargs, u64 *a, u64 *b, u64 *c) {
  *a = rand_float(is64); *b = rand_float(is64); *c = rand_float(is64);
  if (rnd() % 4 == 0) {
    if (nargs == 2) {
      u64 flip = is64 ? 1ull << 63 : 1u << 31;
      *b = (*a ^ (rnd() & 1 ? flip : 0)) + (rnd() % 64) - 32;
      if (!is64) *b &= 0xffffffffu;
    } else if (nargs == 3) {
      if (is64) *c = bits_d(-(d_of(*a) * d_of(*b))) + (rnd() % 64) - 32;
      else *c = (u32)(bits_f(-(f_of(*a) * f_of(*b))) + (rnd() % 64) - 32);
    }
  }
}

static void section_float(const char *name, OpFn fn, int is64, int nargs, int hasRm, int resW, long nrand) {
  const int w = hexw(is64);
  printf("@ %s %d %s\n", name, nargs, hasRm ? "rm" : "-");
  if (nargs == 3) {
    int n = is64 ? N(FMA_EDGE64) : N(FMA_EDGE32);
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int k = 0; k < n; k++) {
      u64 a = is64 ? FMA_EDGE64[i] : FMA_EDGE32[i], b = is64 ? FMA_EDGE64[j] : FMA_EDGE32[j];
      u64 c = is64 ? FMA_EDGE64[k] : FMA_EDGE32[k];
      emit(fn, 3, hasRm, w, resW, a, b, c);
    }
  } else {
    int n = is64 ? N(EDGE64) : N(EDGE32);
    for (int i = 0; i < n; i++) {
      u64 a = is64 ? EDGE64[i] : EDGE32[i];
      if (nargs == 1) { emit(fn, 1, hasRm, w, resW, a, 0, 0); continue; }
      for (int j = 0; j < n; j++) emit(fn, 2, hasRm, w, resW, a, is64 ? EDGE64[j] : EDGE32[j], 0);
    }
  }
  for (long i = 0; i < nrand; i++) {
    u64 a, b, c;
    random_tuple(is64, nargs, &a, &b, &c);
    emit(fn, nargs, hasRm, w, resW, a, b, c);
  }
}

static void section_from_int(const char *name, OpFn fn, int resW, long nrand) {
  printf("@ %s 1 rm\n", name);
  for (unsigned i = 0; i < N(EDGE_INT); i++) emit(fn, 1, 1, 16, resW, EDGE_INT[i], 0, 0);
  for (long i = 0; i < nrand; i++) emit(fn, 1, 1, 16, resW, rand_int(), 0, 0);
}

int main(int argc, char **argv) {
  long nrand = argc > 1 ? atol(argv[1]) : 400;
  section_float("fadd.s", fadd_s, 0, 2, 1, 8, nrand);
  section_float("fsub.s", fsub_s, 0, 2, 1, 8, nrand);
  section_float("fmul.s", fmul_s, 0, 2, 1, 8, nrand);
  section_float("fdiv.s", fdiv_s, 0, 2, 1, 8, nrand);
  section_float("fsqrt.s", fsqrt_s, 0, 1, 1, 8, nrand);
  section_float("fmadd.s", fmadd_s, 0, 3, 1, 8, nrand);
  section_float("fmsub.s", fmsub_s, 0, 3, 1, 8, nrand);
  section_float("fnmsub.s", fnmsub_s, 0, 3, 1, 8, nrand);
  section_float("fnmadd.s", fnmadd_s, 0, 3, 1, 8, nrand);
  section_float("fmin.s", fmin_s, 0, 2, 0, 8, nrand);
  section_float("fmax.s", fmax_s, 0, 2, 0, 8, nrand);
  section_float("feq.s", feq_s, 0, 2, 0, 16, nrand);
  section_float("flt.s", flt_s, 0, 2, 0, 16, nrand);
  section_float("fle.s", fle_s, 0, 2, 0, 16, nrand);
  section_float("fclass.s", fclass_s, 0, 1, 0, 16, nrand);
  section_float("fcvt.w.s", fcvt_w_s, 0, 1, 1, 16, nrand);
  section_float("fcvt.wu.s", fcvt_wu_s, 0, 1, 1, 16, nrand);
  section_float("fcvt.l.s", fcvt_l_s, 0, 1, 1, 16, nrand);
  section_float("fcvt.lu.s", fcvt_lu_s, 0, 1, 1, 16, nrand);
  section_float("fcvt.d.s", fcvt_d_s, 0, 1, 0, 16, nrand);
  section_from_int("fcvt.s.w", fcvt_s_w, 8, nrand);
  section_from_int("fcvt.s.wu", fcvt_s_wu, 8, nrand);
  section_from_int("fcvt.s.l", fcvt_s_l, 8, nrand);
  section_from_int("fcvt.s.lu", fcvt_s_lu, 8, nrand);

  section_float("fadd.d", fadd_d, 1, 2, 1, 16, nrand);
  section_float("fsub.d", fsub_d, 1, 2, 1, 16, nrand);
  section_float("fmul.d", fmul_d, 1, 2, 1, 16, nrand);
  section_float("fdiv.d", fdiv_d, 1, 2, 1, 16, nrand);
  section_float("fsqrt.d", fsqrt_d, 1, 1, 1, 16, nrand);
  section_float("fmadd.d", fmadd_d, 1, 3, 1, 16, nrand);
  section_float("fmsub.d", fmsub_d, 1, 3, 1, 16, nrand);
  section_float("fnmsub.d", fnmsub_d, 1, 3, 1, 16, nrand);
  section_float("fnmadd.d", fnmadd_d, 1, 3, 1, 16, nrand);
  section_float("fmin.d", fmin_d, 1, 2, 0, 16, nrand);
  section_float("fmax.d", fmax_d, 1, 2, 0, 16, nrand);
  section_float("feq.d", feq_d, 1, 2, 0, 16, nrand);
  section_float("flt.d", flt_d, 1, 2, 0, 16, nrand);
  section_float("fle.d", fle_d, 1, 2, 0, 16, nrand);
  section_float("fclass.d", fclass_d, 1, 1, 0, 16, nrand);
  section_float("fcvt.w.d", fcvt_w_d, 1, 1, 1, 16, nrand);
  section_float("fcvt.wu.d", fcvt_wu_d, 1, 1, 1, 16, nrand);
  section_float("fcvt.l.d", fcvt_l_d, 1, 1, 1, 16, nrand);
  section_float("fcvt.lu.d", fcvt_lu_d, 1, 1, 1, 16, nrand);
  section_float("fcvt.s.d", fcvt_s_d, 1, 1, 1, 8, nrand);
  section_from_int("fcvt.d.w", fcvt_d_w, 16, nrand);
  section_from_int("fcvt.d.wu", fcvt_d_wu, 16, nrand);
  section_from_int("fcvt.d.l", fcvt_d_l, 16, nrand);
  section_from_int("fcvt.d.lu", fcvt_d_lu, 16, nrand);
  return 0;
}
