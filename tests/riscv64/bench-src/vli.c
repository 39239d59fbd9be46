/* Benchmark: 256-bit modular arithmetic in the style of the kernel's ECC
 * code (crypto/ecc.c): vli_mult-style product-scanning 4x4-limb multiply
 * with a 128-bit + carry accumulator, then a fast reduction modulo the NIST
 * P-256 prime, repeated as a chain of modular squarings and multiplies.
 * SCALE (argv[1], default 100) rounds of 20000 modular multiplies. */
#include "../src/tiny/tiny.h"

typedef unsigned __int128 u128;
#define NDIGITS 4

/* result[0..8) = left * right, column by column (product scanning). */
static __attribute__((noinline)) void vli_mult(u64 *result, const u64 *left, const u64 *right) {
    u128 r01 = 0;
    u64 r2 = 0;
    for (int k = 0; k < 2 * NDIGITS - 1; k++) {
        int min = k < NDIGITS ? 0 : k + 1 - NDIGITS;
        for (int i = min; i <= k && i < NDIGITS; i++) {
            u128 product = (u128)left[i] * right[k - i];
            r01 += product;
            r2 += r01 < product;
        }
        result[k] = (u64)r01;
        r01 = (r01 >> 64) | ((u128)r2 << 64);
        r2 = 0;
    }
    result[2 * NDIGITS - 1] = (u64)r01;
}

static u64 vli_add(u64 *result, const u64 *a, const u64 *b) {
    u64 carry = 0;
    for (int i = 0; i < NDIGITS; i++) {
        u64 sum = a[i] + b[i] + carry;
        if (sum != a[i]) carry = sum < a[i];
        result[i] = sum;
    }
    return carry;
}

static u64 vli_sub(u64 *result, const u64 *a, const u64 *b) {
    u64 borrow = 0;
    for (int i = 0; i < NDIGITS; i++) {
        u64 diff = a[i] - b[i] - borrow;
        if (diff != a[i]) borrow = diff > a[i];
        result[i] = diff;
    }
    return borrow;
}

static int vli_cmp(const u64 *a, const u64 *b) {
    for (int i = NDIGITS - 1; i >= 0; i--) {
        if (a[i] > b[i]) return 1;
        if (a[i] < b[i]) return -1;
    }
    return 0;
}

static const u64 p256[NDIGITS] = {0xFFFFFFFFFFFFFFFFull, 0x00000000FFFFFFFFull, 0x0000000000000000ull, 0xFFFFFFFF00000001ull};

/* result = product mod p256, the NIST fast reduction as sums of 32-bit word rearrangements. */
static __attribute__((noinline)) void mmod_p256(u64 *result, const u64 *product) {
    u64 tmp[NDIGITS];
    long carry;
    for (int i = 0; i < NDIGITS; i++) result[i] = product[i];
    /* s1 */
    tmp[0] = 0; tmp[1] = product[5] & 0xffffffff00000000ull; tmp[2] = product[6]; tmp[3] = product[7];
    carry = vli_add(tmp, tmp, tmp) ? 1 : 0;
    carry += vli_add(result, result, tmp);
    /* s2 */
    tmp[1] = product[6] << 32; tmp[2] = (product[6] >> 32) | (product[7] << 32); tmp[3] = product[7] >> 32;
    carry += vli_add(tmp, tmp, tmp);
    carry += vli_add(result, result, tmp);
    /* s3 */
    tmp[0] = product[4]; tmp[1] = product[5] & 0xffffffff; tmp[2] = 0; tmp[3] = product[7];
    carry += vli_add(result, result, tmp);
    /* s4 */
    tmp[0] = (product[4] >> 32) | (product[5] << 32);
    tmp[1] = (product[5] >> 32) | (product[6] & 0xffffffff00000000ull);
    tmp[2] = product[7]; tmp[3] = (product[6] >> 32) | (product[4] << 32);
    carry += vli_add(result, result, tmp);
    /* d1 */
    tmp[0] = (product[5] >> 32) | (product[6] << 32); tmp[1] = product[6] >> 32; tmp[2] = 0;
    tmp[3] = (product[4] & 0xffffffff) | (product[5] << 32);
    carry -= vli_sub(result, result, tmp);
    /* d2 */
    tmp[0] = product[6]; tmp[1] = product[7]; tmp[2] = 0;
    tmp[3] = (product[4] >> 32) | (product[5] & 0xffffffff00000000ull);
    carry -= vli_sub(result, result, tmp);
    /* d3 */
    tmp[0] = (product[6] >> 32) | (product[7] << 32);
    tmp[1] = (product[7] >> 32) | (product[4] << 32);
    tmp[2] = (product[4] >> 32) | (product[5] << 32); tmp[3] = product[6] << 32;
    carry -= vli_sub(result, result, tmp);
    /* d4 */
    tmp[0] = product[7]; tmp[1] = product[4] & 0xffffffff00000000ull; tmp[2] = product[5];
    tmp[3] = product[6] & 0xffffffff00000000ull;
    carry -= vli_sub(result, result, tmp);
    if (carry < 0) {
        do carry += vli_add(result, result, p256); while (carry < 0);
    } else {
        while (carry || vli_cmp(p256, result) != 1) carry -= vli_sub(result, result, p256);
    }
}

int main(int argc, char **argv) {
    u64 scale = argc > 1 ? tiny_parse_u64(argv[1]) : 100;
    u64 x[NDIGITS] = {0x0123456789abcdefull, 0xfedcba9876543210ull, 0x0f1e2d3c4b5a6978ull, 0x7fffffff00000000ull};
    u64 y[NDIGITS] = {0xdeadbeefcafef00dull, 0x1122334455667788ull, 0x99aabbccddeeff00ull, 0x00000001fffffffeull};
    u64 product[2 * NDIGITS];
    for (u64 round = 0; round < scale; round++) {
        for (int i = 0; i < 10000; i++) {
            vli_mult(product, x, x);
            mmod_p256(x, product);
            vli_mult(product, x, y);
            mmod_p256(y, product);
        }
    }
    put_str("rounds "); put_udec(scale); put_str(" x ");
    for (int i = NDIGITS - 1; i >= 0; i--) put_hex64(x[i]);
    put_str(" y ");
    for (int i = NDIGITS - 1; i >= 0; i--) put_hex64(y[i]);
    put_nl();
    return 0;
}
