/* Benchmark: multi-precision multiply-accumulate in the style of the Linux
 * kernel's MPI library (lib/crypto/mpi): addmul_1 / submul_1 / mul_1 / add_n
 * row loops over 64-bit limbs with 64x64->128 products (mul + mulhu through
 * unsigned __int128) and add/sltu carry chains. Each round multiplies two
 * 32-limb numbers 62 times, by schoolbook rows, folding the 64-limb product
 * back with submul_1; SCALE (argv[1], default 2000) rounds.
 * Prints a digest of the final numbers so a wrong limb is visible. */
#include "../src/tiny/tiny.h"

typedef unsigned __int128 u128;
#define LIMBS 32

/* (hi, lo) = a * b, as the kernel's umul_ppmm. */
#define umul_ppmm(hi, lo, a, b) do { u128 p_ = (u128)(a) * (b); (lo) = (u64)p_; (hi) = (u64)(p_ >> 64); } while (0)

/* res[0..n) += s1[0..n) * limb; returns the carry-out limb. */
static __attribute__((noinline)) u64 addmul_1(u64 *res, const u64 *s1, long n, u64 limb) {
    u64 carry = 0;
    for (long i = 0; i < n; i++) {
        u64 hi, lo;
        umul_ppmm(hi, lo, s1[i], limb);
        lo += carry;
        carry = (lo < carry) + hi;
        u64 r = res[i];
        lo = r + lo;
        carry += lo < r;
        res[i] = lo;
    }
    return carry;
}

/* res[0..n) -= s1[0..n) * limb; returns the borrow-out limb. */
static __attribute__((noinline)) u64 submul_1(u64 *res, const u64 *s1, long n, u64 limb) {
    u64 carry = 0;
    for (long i = 0; i < n; i++) {
        u64 hi, lo;
        umul_ppmm(hi, lo, s1[i], limb);
        lo += carry;
        carry = (lo < carry) + hi;
        u64 r = res[i];
        lo = r - lo;
        carry += lo > r;
        res[i] = lo;
    }
    return carry;
}

/* res[0..n) = s1[0..n) * limb; returns the high limb. */
static __attribute__((noinline)) u64 mul_1(u64 *res, const u64 *s1, long n, u64 limb) {
    u64 carry = 0;
    for (long i = 0; i < n; i++) {
        u64 hi, lo;
        umul_ppmm(hi, lo, s1[i], limb);
        lo += carry;
        carry = (lo < carry) + hi;
        res[i] = lo;
    }
    return carry;
}

/* res[0..n) = a[0..n) + b[0..n); returns the carry. */
static __attribute__((noinline)) u64 add_n(u64 *res, const u64 *a, const u64 *b, long n) {
    u64 carry = 0;
    for (long i = 0; i < n; i++) {
        u64 x = a[i], y = b[i] + carry;
        carry = y < carry;
        y += x;
        carry += y < x;
        res[i] = y;
    }
    return carry;
}

static u64 number[LIMBS], other[LIMBS], product[2 * LIMBS];

int main(int argc, char **argv) {
    u64 scale = argc > 1 ? tiny_parse_u64(argv[1]) : 2000;
    u64 seed = 0x9e3779b97f4a7c15ul;
    for (int i = 0; i < LIMBS; i++) {
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        number[i] = seed;
        other[i] = seed ^ (seed >> 29);
    }
    u64 acc = 0;
    for (u64 round = 0; round < scale; round++) {
        for (int rep = 0; rep < 2000 / LIMBS; rep++) {
            /* product = number * other, row by row */
            product[LIMBS] = mul_1(product, number, LIMBS, other[0]);
            for (int i = 1; i < LIMBS; i++) product[LIMBS + i] = addmul_1(product + i, number, LIMBS, other[i]);
            /* fold the high half back into the low half: low -= high * other[k] */
            for (int i = 0; i < LIMBS; i += 4) acc += submul_1(product, product + LIMBS, LIMBS, other[i] | 1);
            acc += add_n(number, number, product, LIMBS);
            other[rep % LIMBS] ^= acc;
        }
    }
    u64 digest = acc;
    for (int i = 0; i < LIMBS; i++) digest = (digest ^ number[i]) * 0x100000001b3ul;
    put_str("rounds "); put_udec(scale); put_str(" mpi "); put_hex64(digest);
    put_str(" "); put_hex64(number[0]); put_str(" "); put_hex64(other[LIMBS - 1]); put_nl();
    return 0;
}
