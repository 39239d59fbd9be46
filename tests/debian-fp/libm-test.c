/* Floating-point workload in C for scripts/compare-debian-fp.sh: glibc libm
 * (sin, cos, tan, exp, log, log2, pow, sqrt, fma, cbrt, hypot, atan2, ...),
 * floor/ceil/rint/nearbyint/lrint under every fesetround mode, fenv flags,
 * strtod, and printf with %a, %e, %g and %.17g.  Built statically with
 * riscv64-linux-gnu-gcc by scripts/build-libm-test.sh; the stripped binary is
 * committed beside this source so CI needs no cross compiler. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* volatile keeps gcc from folding the calls at compile time. */
static volatile double inputs[] = {
  0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1e-300, 1e-8, 0.1, 0.5, 0.7853981633974483,
  1.0, 1.5, 2.0, 3.141592653589793, 10.0, 100.25, 1e6 + 0.5, 1e22, 1.7976931348623157e308,
  -0.1, -1.0, -2.5, -1e10, INFINITY, -INFINITY, NAN,
};
#define N_INPUTS (sizeof inputs / sizeof inputs[0])

static void line(const char *name, double x, double r) {
  printf("%-9s %-24.17g -> %a %.17g %e %g\n", name, x, r, r, r, r);
}

static void linef(const char *name, float x, float r) {
  printf("%-9s %-14.9g -> %a %.9g %e\n", name, (double)x, (double)r, (double)r, (double)r);
}

static const struct { int mode; const char *name; } modes[] = {
  {FE_TONEAREST, "nearest"}, {FE_DOWNWARD, "down"}, {FE_UPWARD, "up"}, {FE_TOWARDZERO, "zero"},
};

int main(void) {
  /* One-argument functions over every input. */
  static const struct { const char *name; double (*fn)(double); } unary[] = {
    {"sin", sin}, {"cos", cos}, {"tan", tan}, {"exp", exp}, {"log", log}, {"log2", log2},
    {"log10", log10}, {"sqrt", sqrt}, {"cbrt", cbrt}, {"expm1", expm1}, {"log1p", log1p},
    {"atan", atan}, {"asin", asin}, {"sinh", sinh}, {"tanh", tanh}, {"erf", erf}, {"tgamma", tgamma},
  };
  for (size_t f = 0; f < sizeof unary / sizeof unary[0]; f++)
    for (size_t i = 0; i < N_INPUTS; i++) line(unary[f].name, inputs[i], unary[f].fn(inputs[i]));

  /* Two- and three-argument functions over pairs of inputs. */
  for (size_t i = 0; i < N_INPUTS; i += 2) {
    for (size_t j = 1; j < N_INPUTS; j += 3) {
      double x = inputs[i], y = inputs[j];
      printf("pow(%g,%g)=%a atan2=%a hypot=%a fmod=%a remainder=%a fmax=%a\n", x, y, pow(x, y),
             atan2(x, y), hypot(x, y), fmod(x, y), remainder(x, y), fmax(x, y));
      printf("  fma(x,y,-x*y)=%a fma(x,y,1)=%.17g copysign=%g nextafter=%a\n", fma(x, y, -(x * y)),
             fma(x, y, 1.0), copysign(x, y), nextafter(x, y));
    }
  }

  /* Single precision, where the libm float variants have their own code. */
  for (size_t i = 0; i < N_INPUTS; i += 2) {
    float x = (float)inputs[i];
    linef("sinf", x, sinf(x));
    linef("expf", x, expf(x));
    linef("logf", x, logf(x));
    linef("powf", x, powf(x, 1.25f));
    linef("sqrtf", x, sqrtf(x));
    linef("fmaf", x, fmaf(x, 3.0f, -0.1f));
  }

  /* Rounding functions and correctly rounded arithmetic under each mode. */
  static volatile double halves[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 4503599627370495.5, -0.0, 1e300};
  for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
    fesetround(modes[m].mode);
    printf("mode %s (fegetround ok: %d)\n", modes[m].name, fegetround() == modes[m].mode);
    for (size_t i = 0; i < sizeof halves / sizeof halves[0]; i++) {
      double h = halves[i];
      printf("  %.17g floor=%g ceil=%g rint=%g nearbyint=%g round=%g trunc=%g lrint=%ld llround=%lld\n", h,
             floor(h), ceil(h), rint(h), nearbyint(h), round(h), trunc(h), lrint(h), llround(h));
    }
    volatile double one = 1.0, three = 3.0, tiny = 1e-300, big = 1e300;
    printf("  1/3=%a 2/3=%a sqrt2=%a big*big=%g tiny*tiny=%a -1/3=%a\n", one / three, 2 * one / three,
           sqrt(2 * one), big * big, tiny * tiny, -one / three);
    printf("  fma(1/3,3,-1)=%a exp(1)=%a log(10)=%a sin(1e22)=%a (float)0.1=%a strtod=%a\n",
           fma(one / three, three, -one), exp(one), log(10 * one), sin(1e22 * one),
           (double)(float)(one / 10), strtod("0.1000000000000000055511151231257827", NULL));
  }
  fesetround(FE_TONEAREST);

  /* Exception flags. */
  static const struct { int flag; const char *name; } flags[] = {
    {FE_INEXACT, "inexact"}, {FE_UNDERFLOW, "underflow"}, {FE_OVERFLOW, "overflow"},
    {FE_DIVBYZERO, "divbyzero"}, {FE_INVALID, "invalid"},
  };
  volatile double z = 0.0, o = 1.0, t = 1e-310, b = 1e308;
  double results[6];
  const char *ops[] = {"1/3", "0/0", "1/0", "1e308*10", "1e-310/1e10", "sqrt(-1)"};
  for (int k = 0; k < 6; k++) {
    feclearexcept(FE_ALL_EXCEPT);
    switch (k) {
      case 0: results[k] = o / 3; break;
      case 1: results[k] = z / z; break;
      case 2: results[k] = o / z; break;
      case 3: results[k] = b * 10; break;
      case 4: results[k] = t / 1e10; break;
      default: results[k] = sqrt(-o); break;
    }
    printf("%-12s %a flags:", ops[k], results[k]);
    for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
      if (fetestexcept(flags[f].flag)) printf(" %s", flags[f].name);
    printf("\n");
  }

  /* printf and strtod at the edges of the format. */
  static volatile double edge[] = {0.1, 1.0 / 3, 123456789.0, 1e-7, 1e21, 5e-324, DBL_MAX, DBL_MIN, -0.0, 0.5, 1e15, 9.5};
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
    double e = edge[i];
    printf("%a|%A|%.3a|%e|%.0e|%.20e|%g|%#g|%.0g|%.17g|%.40g|%f|%.0f|%+010.3f\n", e, e, e, e, e, e, e, e, e, e, e,
           e < 1e30 ? e : 0, e, e);
  }
  const char *texts[] = {"1e-400", "0x1.fffffffffffffp1023", "0x1p-1075", "2.4703282292062328e-324",
                         "123.456e-2", "-nan", "inf", "1.7976931348623158e308", "0.30000000000000004"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    char *end;
    double v = strtod(texts[i], &end);
    printf("strtod(%s) = %a %.17g rest=%zu strtof=%a\n", texts[i], v, v, strlen(end), (double)strtof(texts[i], NULL));
  }

  /* Conversions to integers (fcvt with their saturation and NaN rules: the
   * out-of-range casts are undefined in C, the instructions are not), NaN
   * signs and payloads, fmin/fmax with NaN, classification. */
  static volatile double conv[] = {2.5, -2.5, 3.7, -3.7, 2147483647.5, -2147483649.0, 4294967296.0,
                                   9.3e18, 1.9e19, -1.0, -9.3e18, INFINITY, -INFINITY, NAN};
  for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
    fesetround(modes[m].mode);
    printf("conv %s:", modes[m].name);
    for (size_t i = 0; i < sizeof conv / sizeof conv[0]; i++) {
      double v = conv[i];
      float f = (float)v;
      printf(" [%d %u %ld %lu %ld %d %a]", (int)v, (unsigned)v, (long)v, (unsigned long)v, lrint(v), (int)f,
             (double)(float)(v / 3));
    }
    printf("\n");
  }
  fesetround(FE_TONEAREST);
  volatile double zero = 0.0, qnan = NAN;
  volatile float fzero = 0.0f;
  double dn = zero / zero, negn = -(zero / zero);
  float fn = fzero / fzero;
  union { double d; unsigned long u; } bits;
  union { float f; unsigned u; } fbits;
  bits.d = dn; printf("0/0 bits %016lx %f", bits.u, dn);
  bits.d = negn; printf(" -(0/0) bits %016lx %f", bits.u, negn);
  fbits.f = fn; printf(" 0f/0f bits %08x", fbits.u);
  bits.d = (double)fn; printf(" (double)nanf %016lx", bits.u);
  fbits.f = (float)negn; printf(" (float)-nan %08x", fbits.u);
  bits.d = qnan + 1.0; printf(" nan+1 %016lx\n", bits.u);
  printf("fmin/fmax: %g %g %g %g %g %g\n", fmin(qnan, 1.0), fmax(1.0, qnan), fmin(-0.0, 0.0), fmax(-0.0, 0.0),
         fminf((float)qnan, -2.0f), fmaxf(0.0f, -0.0f));
  static volatile double classes[] = {0.0, -0.0, 5e-324, -1e-310, 1.0, -INFINITY, NAN, DBL_MAX};
  for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
    double v = classes[i];
    printf("class %g: fpclassify=%d isnan=%d isinf=%d isnormal=%d signbit=%d isless(v,1)=%d isunordered=%d\n", v,
           fpclassify(v), isnan(v), isinf(v), isnormal(v), signbit(v) != 0, isless(v, 1.0), isunordered(v, 1.0));
  }

  /* long double is IEEE binary128 in software (libgcc) on riscv64. */
  volatile long double third = 1.0L / 3, big = 1e4000L;
  printf("long double: %La %.30Lg %Le %Lg %.36Lg\n", third, third * 3 - 1, big * 1.5L, sqrtl(2.0L),
         (long double)0.1 - 0.1L);
  printf("long double: %.25Lg %La %Lg\n", expl(1.0L), strtold("1.18973149535723176508575932662800702e4932", NULL),
         (long double)DBL_MAX * DBL_MAX);

  /* A sum of series: rounding accumulates over many operations. */
  double s = 0, c = 0;
  for (int k = 1; k <= 100000; k++) {
    double term = 1.0 / ((double)k * k);
    double yk = term - c, tk = s + yk;  /* Kahan */
    c = (tk - s) - yk;
    s = tk;
  }
  printf("basel %a %.17g pi~%.17g\n", s, s, sqrt(6 * s));
  return 0;
}
