/*
 * Guest test of the RISC-V F and D extensions for wemu: every F/D
 * instruction over edge and seeded random operands, under the five static
 * rounding modes and the dynamic one (frm set to each valid mode), printing
 * the destination register image and fflags. qemu-riscv64's output is the
 * expected output (fp-test.expected); scripts/build-fp-tests.sh rebuilds both.
 *
 * Usage: fp-test [random-count] [lines|digest] [instruction-name-filter]
 *   lines  (default) one line per execution: "insn/mode operands = result flags"
 *   digest one line per instruction, mode and block of DIGEST_BLOCK operand
 *          tuples: an FNV-1a hash of results and flags (for long comparisons,
 *          see scripts/compare-fp-long.sh)
 * Operands are raw 64-bit register images: single-precision operands are
 * usually NaN-boxed, sometimes not (which must read as the canonical NaN).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef u64 (*OpFn)(u64 a, u64 b, u64 c, unsigned *fl);

/* Operand tuples per digest line: small enough to localize a difference. */
#define DIGEST_BLOCK 4096

/* ---- instruction wrappers: one asm block per (instruction, rounding mode) ---- */

#define LOAD3 "fmv.d.x ft0,%2\n\tfmv.d.x ft1,%3\n\tfmv.d.x ft3,%4\n\tfsflags zero\n\t"
#define TAIL_F "\n\tfrflags %1\n\tfmv.x.d %0,ft2"
#define TAIL_X "\n\tfrflags %1"
#define T_R3(insn, rm) LOAD3 insn " ft2,ft0,ft1,ft3" rm TAIL_F
#define T_R2(insn, rm) LOAD3 insn " ft2,ft0,ft1" rm TAIL_F
#define T_R1(insn, rm) LOAD3 insn " ft2,ft0" rm TAIL_F
#define T_F2X(insn, rm) LOAD3 insn " %0,ft0" rm TAIL_X
#define T_X2F(insn, rm) LOAD3 insn " ft2,%2" rm TAIL_F
#define T_CMP(insn, rm) LOAD3 insn " %0,ft0,ft1" rm TAIL_X

#define WRAP(fname, TEMPLATE, insn, rm) \
  static u64 fname(u64 a, u64 b, u64 c, unsigned *fl) { \
    u64 r = 0; unsigned f; \
    asm volatile(TEMPLATE(insn, rm) : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3"); \
    *fl = f; return r; }

/* Six variants: rne rtz rdn rup rmm, then dyn (the caller sets frm). */
#define DEF_RM(id, TEMPLATE, insn) \
  WRAP(id##_rne, TEMPLATE, insn, ",rne") WRAP(id##_rtz, TEMPLATE, insn, ",rtz") \
  WRAP(id##_rdn, TEMPLATE, insn, ",rdn") WRAP(id##_rup, TEMPLATE, insn, ",rup") \
  WRAP(id##_rmm, TEMPLATE, insn, ",rmm") WRAP(id##_dyn, TEMPLATE, insn, "")
#define DEF_NORM(id, TEMPLATE, insn) WRAP(id##_dyn, TEMPLATE, insn, "")

#define FNS_RM(id) { id##_rne, id##_rtz, id##_rdn, id##_rup, id##_rmm, id##_dyn }
#define FNS_NORM(id) { 0, 0, 0, 0, 0, id##_dyn }

DEF_RM(fadd_s, T_R2, "fadd.s") DEF_RM(fsub_s, T_R2, "fsub.s") DEF_RM(fmul_s, T_R2, "fmul.s")
DEF_RM(fdiv_s, T_R2, "fdiv.s") DEF_RM(fsqrt_s, T_R1, "fsqrt.s")
DEF_RM(fmadd_s, T_R3, "fmadd.s") DEF_RM(fmsub_s, T_R3, "fmsub.s")
DEF_RM(fnmsub_s, T_R3, "fnmsub.s") DEF_RM(fnmadd_s, T_R3, "fnmadd.s")
DEF_RM(fadd_d, T_R2, "fadd.d") DEF_RM(fsub_d, T_R2, "fsub.d") DEF_RM(fmul_d, T_R2, "fmul.d")
DEF_RM(fdiv_d, T_R2, "fdiv.d") DEF_RM(fsqrt_d, T_R1, "fsqrt.d")
DEF_RM(fmadd_d, T_R3, "fmadd.d") DEF_RM(fmsub_d, T_R3, "fmsub.d")
DEF_RM(fnmsub_d, T_R3, "fnmsub.d") DEF_RM(fnmadd_d, T_R3, "fnmadd.d")
DEF_NORM(fmin_s, T_R2, "fmin.s") DEF_NORM(fmax_s, T_R2, "fmax.s")
DEF_NORM(fmin_d, T_R2, "fmin.d") DEF_NORM(fmax_d, T_R2, "fmax.d")
DEF_NORM(fsgnj_s, T_R2, "fsgnj.s") DEF_NORM(fsgnjn_s, T_R2, "fsgnjn.s") DEF_NORM(fsgnjx_s, T_R2, "fsgnjx.s")
DEF_NORM(fsgnj_d, T_R2, "fsgnj.d") DEF_NORM(fsgnjn_d, T_R2, "fsgnjn.d") DEF_NORM(fsgnjx_d, T_R2, "fsgnjx.d")
DEF_NORM(feq_s, T_CMP, "feq.s") DEF_NORM(flt_s, T_CMP, "flt.s") DEF_NORM(fle_s, T_CMP, "fle.s")
DEF_NORM(feq_d, T_CMP, "feq.d") DEF_NORM(flt_d, T_CMP, "flt.d") DEF_NORM(fle_d, T_CMP, "fle.d")
DEF_NORM(fclass_s, T_F2X, "fclass.s") DEF_NORM(fclass_d, T_F2X, "fclass.d")
DEF_NORM(fmv_x_w, T_F2X, "fmv.x.w") DEF_NORM(fmv_w_x, T_X2F, "fmv.w.x")
DEF_NORM(fmv_x_d, T_F2X, "fmv.x.d") DEF_NORM(fmv_d_x, T_X2F, "fmv.d.x")
DEF_RM(fcvt_w_s, T_F2X, "fcvt.w.s") DEF_RM(fcvt_wu_s, T_F2X, "fcvt.wu.s")
DEF_RM(fcvt_l_s, T_F2X, "fcvt.l.s") DEF_RM(fcvt_lu_s, T_F2X, "fcvt.lu.s")
DEF_RM(fcvt_w_d, T_F2X, "fcvt.w.d") DEF_RM(fcvt_wu_d, T_F2X, "fcvt.wu.d")
DEF_RM(fcvt_l_d, T_F2X, "fcvt.l.d") DEF_RM(fcvt_lu_d, T_F2X, "fcvt.lu.d")
DEF_RM(fcvt_s_w, T_X2F, "fcvt.s.w") DEF_RM(fcvt_s_wu, T_X2F, "fcvt.s.wu")
DEF_RM(fcvt_s_l, T_X2F, "fcvt.s.l") DEF_RM(fcvt_s_lu, T_X2F, "fcvt.s.lu")
DEF_NORM(fcvt_d_w, T_X2F, "fcvt.d.w") DEF_NORM(fcvt_d_wu, T_X2F, "fcvt.d.wu")
DEF_RM(fcvt_d_l, T_X2F, "fcvt.d.l") DEF_RM(fcvt_d_lu, T_X2F, "fcvt.d.lu")
DEF_RM(fcvt_s_d, T_R1, "fcvt.s.d") DEF_NORM(fcvt_d_s, T_R1, "fcvt.d.s")

/* Operand kinds: which generator feeds each operand. */
enum Kind { S = 0, D = 1, X = 2 };

struct Insn {
  const char *name;
  int nargs;
  enum Kind kind;  /* operand kind (all operands alike) */
  OpFn fns[6];     /* static modes rne..rmm, then dyn; null = no static rm */
};

static const struct Insn INSNS[] = {
  { "fadd.s", 2, S, FNS_RM(fadd_s) }, { "fsub.s", 2, S, FNS_RM(fsub_s) },
  { "fmul.s", 2, S, FNS_RM(fmul_s) }, { "fdiv.s", 2, S, FNS_RM(fdiv_s) },
  { "fsqrt.s", 1, S, FNS_RM(fsqrt_s) },
  { "fmadd.s", 3, S, FNS_RM(fmadd_s) }, { "fmsub.s", 3, S, FNS_RM(fmsub_s) },
  { "fnmsub.s", 3, S, FNS_RM(fnmsub_s) }, { "fnmadd.s", 3, S, FNS_RM(fnmadd_s) },
  { "fmin.s", 2, S, FNS_NORM(fmin_s) }, { "fmax.s", 2, S, FNS_NORM(fmax_s) },
  { "fsgnj.s", 2, S, FNS_NORM(fsgnj_s) }, { "fsgnjn.s", 2, S, FNS_NORM(fsgnjn_s) },
  { "fsgnjx.s", 2, S, FNS_NORM(fsgnjx_s) },
  { "feq.s", 2, S, FNS_NORM(feq_s) }, { "flt.s", 2, S, FNS_NORM(flt_s) }, { "fle.s", 2, S, FNS_NORM(fle_s) },
  { "fclass.s", 1, S, FNS_NORM(fclass_s) }, { "fmv.x.w", 1, S, FNS_NORM(fmv_x_w) },
  { "fmv.w.x", 1, X, FNS_NORM(fmv_w_x) },
  { "fcvt.w.s", 1, S, FNS_RM(fcvt_w_s) }, { "fcvt.wu.s", 1, S, FNS_RM(fcvt_wu_s) },
  { "fcvt.l.s", 1, S, FNS_RM(fcvt_l_s) }, { "fcvt.lu.s", 1, S, FNS_RM(fcvt_lu_s) },
  { "fcvt.s.w", 1, X, FNS_RM(fcvt_s_w) }, { "fcvt.s.wu", 1, X, FNS_RM(fcvt_s_wu) },
  { "fcvt.s.l", 1, X, FNS_RM(fcvt_s_l) }, { "fcvt.s.lu", 1, X, FNS_RM(fcvt_s_lu) },
  { "fcvt.d.s", 1, S, FNS_NORM(fcvt_d_s) },
  { "fadd.d", 2, D, FNS_RM(fadd_d) }, { "fsub.d", 2, D, FNS_RM(fsub_d) },
  { "fmul.d", 2, D, FNS_RM(fmul_d) }, { "fdiv.d", 2, D, FNS_RM(fdiv_d) },
  { "fsqrt.d", 1, D, FNS_RM(fsqrt_d) },
  { "fmadd.d", 3, D, FNS_RM(fmadd_d) }, { "fmsub.d", 3, D, FNS_RM(fmsub_d) },
  { "fnmsub.d", 3, D, FNS_RM(fnmsub_d) }, { "fnmadd.d", 3, D, FNS_RM(fnmadd_d) },
  { "fmin.d", 2, D, FNS_NORM(fmin_d) }, { "fmax.d", 2, D, FNS_NORM(fmax_d) },
  { "fsgnj.d", 2, D, FNS_NORM(fsgnj_d) }, { "fsgnjn.d", 2, D, FNS_NORM(fsgnjn_d) },
  { "fsgnjx.d", 2, D, FNS_NORM(fsgnjx_d) },
  { "feq.d", 2, D, FNS_NORM(feq_d) }, { "flt.d", 2, D, FNS_NORM(flt_d) }, { "fle.d", 2, D, FNS_NORM(fle_d) },
  { "fclass.d", 1, D, FNS_NORM(fclass_d) }, { "fmv.x.d", 1, D, FNS_NORM(fmv_x_d) },
  { "fmv.d.x", 1, X, FNS_NORM(fmv_d_x) },
  { "fcvt.w.d", 1, D, FNS_RM(fcvt_w_d) }, { "fcvt.wu.d", 1, D, FNS_RM(fcvt_wu_d) },
  { "fcvt.l.d", 1, D, FNS_RM(fcvt_l_d) }, { "fcvt.lu.d", 1, D, FNS_RM(fcvt_lu_d) },
  { "fcvt.d.w", 1, X, FNS_NORM(fcvt_d_w) }, { "fcvt.d.wu", 1, X, FNS_NORM(fcvt_d_wu) },
  { "fcvt.d.l", 1, X, FNS_RM(fcvt_d_l) }, { "fcvt.d.lu", 1, X, FNS_RM(fcvt_d_lu) },
  { "fcvt.s.d", 1, D, FNS_RM(fcvt_s_d) },
};
#define N(a) (sizeof(a) / sizeof((a)[0]))
static const char *const MODE_NAMES[6] = { "rne", "rtz", "rdn", "rup", "rmm", "dyn" };

/* ---- operands ---------------------------------------------------------------- */

#define BOX 0xffffffff00000000ull
static const u64 EDGE_S[] = {
  BOX | 0x00000000, BOX | 0x80000000, BOX | 0x00000001, BOX | 0x00800000, BOX | 0x7f7fffff,
  BOX | 0xff800000, BOX | 0x7f800000, BOX | 0x7fc00000, BOX | 0x7f800001, BOX | 0x3f800000,
  BOX | 0xbfc00000,
  0x000000003f800000ull, /* not NaN-boxed: reads as the canonical NaN */
  BOX | 0x807fffff, BOX | 0x40200000, BOX | 0x4f000000, BOX | 0xdf000000,
};
static const u64 EDGE_D[] = {
  0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x0010000000000000,
  0x7fefffffffffffff, 0xfff0000000000000, 0x7ff0000000000000, 0x7ff8000000000000,
  0x7ff0000000000001, 0x3ff0000000000000, 0xbff8000000000000, 0x800fffffffffffff,
  0x4004000000000000, 0x41e0000000000000, 0xc3e0000000000000, 0x43f0000000000000,
};
static const u64 EDGE_X[] = {
  0, 1, 0xffffffffffffffff, 0x7fffffff, 0xffffffff80000000, 0xffffffff, 0x1000001,
  0x7fffffffffffffff, 0x8000000000000000, 0x20000000000001, 0x7ffffffffffffe00, 0xfffffffffffffc00,
};
/* Cross products use the first edges only, to keep the expected output small
   (the library's own vectors cover the full edge products). */
#define PAIR_EDGES 12
#define FMA_EDGES 5

static u64 rng_state;
static u64 rnd(void) {
  /* xorshift64* (Vigna) */
  rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}

static u64 rand_float(int is64) {
  int mb = is64 ? 52 : 23, eb = is64 ? 11 : 8;
  u64 sign = rnd() & 1, man = rnd() & ((1ull << mb) - 1), e;
  unsigned bias = (1u << (eb - 1)) - 1, maxe = (1u << eb) - 1;
  switch (rnd() % 8) {
    case 0: e = rnd() & maxe; break;                                 /* any exponent, NaNs included */
    case 1: e = rnd() % 4; if (rnd() & 1) e = maxe - 1 - e; break;   /* near the range ends */
    case 2: e = bias - 40 + rnd() % 80; man &= ~((1ull << (rnd() % mb)) - 1); break; /* ties, exact cases */
    case 3: e = bias + rnd() % 66; break;                            /* integer range */
    default: e = bias - 30 + rnd() % 60; break;
  }
  u64 v = (sign << (mb + eb)) | (e << mb) | man;
  if (is64) return v;
  return (rnd() % 64 == 0) ? v : BOX | v; /* now and then not NaN-boxed */
}

static u64 rand_int(void) {
  u64 v = rnd();
  int len = 1 + rnd() % 64;
  if (len < 64) v &= (1ull << len) - 1;
  if (rnd() % 4 == 0) v &= ~((1ull << (rnd() % 40)) - 1);
  return (rnd() & 1) ? -v : v;
}

static u64 rand_operand(enum Kind k) {
  return k == X ? rand_int() : rand_float(k == D);
}

static const struct Insn *find_insn(const char *name) {
  for (unsigned i = 0; i < N(INSNS); i++) if (strcmp(INSNS[i].name, name) == 0) return &INSNS[i];
  abort();
}

/* ---- running ------------------------------------------------------------------ */

static int digest_mode;
static u64 digest;
static long digest_count, digest_block;

static void set_frm(int m) { asm volatile("fsrm %0" :: "r"(m)); }

static void finish_block(const struct Insn *in, int mode) {
  if (digest_count == 0) return;
  printf("%s/%s block %ld: %016llx\n", in->name, MODE_NAMES[mode], digest_block, (unsigned long long)digest);
  digest = 0xcbf29ce484222325ull;
  digest_count = 0;
  digest_block++;
}

static void run_one(const struct Insn *in, int mode, const u64 *ops) {
  unsigned fl;
  if (mode == 5) set_frm(in->fns[0] ? ((int)(ops[0] ^ ops[1]) & 0x7) % 5 : 0);
  u64 r = in->fns[mode](ops[0], ops[1], ops[2], &fl);
  if (digest_mode) {
    /* FNV-1a over the result's 8 bytes and the flags byte */
    for (int i = 0; i < 8; i++) { digest ^= (r >> (8 * i)) & 0xff; digest *= 0x100000001b3ull; }
    digest ^= fl; digest *= 0x100000001b3ull;
    return;
  }
  printf("%s/%s", in->name, MODE_NAMES[mode]);
  if (mode == 5 && in->fns[0]) { unsigned frm; asm volatile("frrm %0" : "=r"(frm)); printf("%u", frm); }
  for (int i = 0; i < in->nargs; i++) printf(" %llx", (unsigned long long)ops[i]);
  printf(" = %llx %x\n", (unsigned long long)r, fl);
}

/* Every mode the instruction has, on one operand tuple. */
static void run_modes(const struct Insn *in, const u64 *ops, long *n) {
  for (int m = 0; m < 6; m++) if (in->fns[m]) run_one(in, m, ops);
  (*n)++;
}

static void run_insn(const struct Insn *in, long count) {
  const u64 *edges = in->kind == S ? EDGE_S : in->kind == D ? EDGE_D : EDGE_X;
  const int nedges = in->kind == S ? N(EDGE_S) : in->kind == D ? N(EDGE_D) : N(EDGE_X);
  u64 ops[3] = { 0, 0, 0 };
  long n = 0;
  digest = 0xcbf29ce484222325ull; digest_count = 0; digest_block = 0;
  /* Each instruction has its own random stream, so a filter reproduces it. */
  rng_state = 0x9e3779b97f4a7c15ull;
  for (const char *p = in->name; *p; p++) rng_state = (rng_state ^ (u64)*p) * 0x100000001b3ull;
  if (!digest_mode) {
    if (in->nargs == 3) {
      for (int i = 0; i < FMA_EDGES; i++) for (int j = 0; j < FMA_EDGES; j++) for (int k = 0; k < FMA_EDGES; k++) {
        ops[0] = edges[i]; ops[1] = edges[j]; ops[2] = edges[k];
        run_modes(in, ops, &n);
      }
    } else if (in->nargs == 2) {
      for (int i = 0; i < PAIR_EDGES; i++) for (int j = 0; j < PAIR_EDGES; j++) {
        ops[0] = edges[i]; ops[1] = edges[j];
        run_modes(in, ops, &n);
      }
    } else {
      for (int i = 0; i < nedges; i++) { ops[0] = edges[i]; run_modes(in, ops, &n); }
    }
  }
  /* In digest mode the per-mode hashes cover the same tuples in the same order. */
  for (int m = 0; m < 6; m++) {
    if (!in->fns[m]) continue;
    if (!digest_mode && m > 0) break;
    rng_state = 0x9e3779b97f4a7c15ull;
    for (const char *p = in->name; *p; p++) rng_state = (rng_state ^ (u64)*p) * 0x100000001b3ull;
    for (long i = 0; i < count; i++) {
      for (int k = 0; k < 3; k++) ops[k] = rand_operand(in->kind);
      if (in->nargs == 3 && in->kind != X && rnd() % 4 == 0) {
        /* c close to -(a*b): cancellation */
        unsigned fl;
        const struct Insn *mul = find_insn(in->kind == D ? "fmul.d" : "fmul.s");
        ops[2] = mul->fns[0](ops[0], ops[1], 0, &fl) ^ (in->kind == D ? 1ull << 63 : 1ull << 31);
        ops[2] += (rnd() % 16) - 8;
      }
      if (digest_mode) {
        run_one(in, m, ops);
        if (++digest_count == DIGEST_BLOCK) finish_block(in, m);
      } else {
        run_modes(in, ops, &n);
      }
    }
    if (digest_mode) finish_block(in, m);
  }
}

/* ---- loads, stores, fcsr --------------------------------------------------------- */

static void test_memory(void) {
  static u64 buf[8] __attribute__((aligned(16)));
  for (int i = 0; i < 8; i++) buf[i] = 0x0123456789abcdefull * (i + 1);
  u64 r0, r1, r2, r3;
  asm volatile(
      "flw ft0, 4(%4)\n\t"           /* loads NaN-box the 32-bit value */
      "fmv.x.d %0, ft0\n\t"
      "fld ft1, 8(%4)\n\t"
      "fmv.x.d %1, ft1\n\t"
      "fsw ft1, 16(%4)\n\t"          /* fsw stores the low word as is, boxed or not */
      "fsd ft0, 24(%4)\n\t"
      "flw ft2, 16(%4)\n\t"
      "fmv.x.d %2, ft2\n\t"
      "fld ft3, -8(%5)\n\t"
      "fmv.x.d %3, ft3\n\t"
      : "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3) : "r"(buf), "r"(buf + 8) : "ft0", "ft1", "ft2", "ft3", "memory");
  printf("mem flw/fld/fsw/fsd: %llx %llx %llx %llx\n", (unsigned long long)r0, (unsigned long long)r1,
         (unsigned long long)r2, (unsigned long long)r3);
  for (int i = 0; i < 8; i++) printf("mem buf[%d] %llx\n", i, (unsigned long long)buf[i]);

  /* Compressed forms: c.fld/c.fsd take x8-x15 and f8-f15; c.fldsp/c.fsdsp use sp. */
  register u64 *base asm("a0") = buf;
  u64 c0, c1;
  asm volatile(
      "c.fld fa1, 40(a0)\n\t"
      "c.fsd fa1, 48(a0)\n\t"
      "addi sp, sp, -32\n\t"
      "c.fsdsp fa1, 16(sp)\n\t"
      "c.fldsp fa2, 16(sp)\n\t"
      "ld %1, 16(sp)\n\t"
      "addi sp, sp, 32\n\t"
      "fmv.x.d %0, fa2\n\t"
      : "=&r"(c0), "=&r"(c1) : "r"(base) : "fa1", "fa2", "memory");
  printf("mem c.fld/c.fsd/c.fldsp/c.fsdsp: %llx %llx %llx\n", (unsigned long long)c0, (unsigned long long)c1,
         (unsigned long long)buf[6]);
}

static void test_fcsr(void) {
  unsigned a, b, c, d, e, f;
  asm volatile(
      "fscsr zero\n\t"
      "li t0, 0x3ff\n\t"
      "fscsr %0, t0\n\t"      /* old value */
      "frcsr %1\n\t"          /* only 8 bits exist */
      "fsrmi %2, 3\n\t"
      "fsflagsi %3, 5\n\t"
      "frcsr %4\n\t"
      "csrrc %5, fcsr, 0x1f\n\t"
      : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d), "=&r"(e), "=&r"(f) :: "t0");
  printf("fcsr: %x %x %x %x %x %x\n", a, b, c, d, e, f);
  /* Flags accrue across instructions until cleared. */
  double one = 1.0, three = 3.0, zero = 0.0, q1, q2;
  unsigned acc;
  asm volatile(
      "fsflags zero\n\tfsrm zero\n\t"
      "fdiv.d %0, %3, %4\n\t"
      "fdiv.d %1, %3, %5\n\t"
      "frflags %2\n\t"
      : "=&f"(q1), "=&f"(q2), "=&r"(acc) : "f"(one), "f"(three), "f"(zero));
  printf("fflags accrue: %x\n", acc);
}

static sigjmp_buf illegal_jump;
static void on_sigill(int sig) { (void)sig; siglongjmp(illegal_jump, 1); }

/* A reserved dynamic rounding mode makes rounding instructions illegal. Last, since it needs signals. */
static void test_reserved_frm(void) {
  signal(SIGILL, on_sigill);
  for (int frm = 5; frm <= 7; frm++) {
    if (sigsetjmp(illegal_jump, 1) == 0) {
      double x = 1.0, y;
      set_frm(frm);
      asm volatile("fadd.d %0, %1, %1" : "=f"(y) : "f"(x));
      set_frm(0);
      printf("frm %d: no trap\n", frm);
    } else {
      set_frm(0);
      printf("frm %d: SIGILL\n", frm);
    }
  }
}

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 16;
  digest_mode = argc > 2 && strcmp(argv[2], "digest") == 0;
  const char *filter = argc > 3 ? argv[3] : 0;
  for (unsigned i = 0; i < N(INSNS); i++) {
    if (filter && strcmp(filter, INSNS[i].name) != 0) continue;
    run_insn(&INSNS[i], count);
  }
  if (!filter) {
    test_memory();
    test_fcsr();
    test_reserved_frm();
  }
  printf("done\n");
  return 0;
}
