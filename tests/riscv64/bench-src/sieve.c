/* Benchmark: a sieve of Eratosthenes up to 2,000,000 plus a Dhrystone-like
 * loop of integer arithmetic, string copies and calls through a pointer,
 * repeated SCALE times (argv[1], default 20). */
#include "../src/tiny/tiny.h"

#define LIMIT 2000000
static u8 composite[LIMIT + 1];

static u64 count_primes(void) {
    memset(composite, 0, sizeof composite);
    u64 count = 0;
    for (u64 i = 2; i <= LIMIT; i++) {
        if (composite[i]) continue;
        count++;
        for (u64 j = i * i; j <= LIMIT; j += i) composite[j] = 1;
    }
    return count;
}

struct record { i32 int_field; i32 discriminant; char text[32]; };

static i32 __attribute__((noinline)) mix(i32 a, i32 b) { return (a * 7 + b) ^ (b >> 3); }
static i32 __attribute__((noinline)) fold(i32 a, i32 b) { return a - b * 3 + (a % 11); }

static void copy_text(char *dst, const char *src) {
    while ((*dst++ = *src++)) {}
}

static u64 dhrystone_like(u64 iterations) {
    static const char *const texts[2] = {"DHRYSTONE PROGRAM, SOME STRING", "DHRYSTONE PROGRAM, 2'ND STRING"};
    i32 (*const operations[2])(i32, i32) = {mix, fold};
    struct record records[2] = {{0}};
    u64 acc = 0;
    for (u64 i = 0; i < iterations; i++) {
        struct record *r = &records[i & 1];
        copy_text(r->text, texts[(i >> 1) & 1]);
        r->int_field = operations[i % 2]((i32)i, r->int_field + 3);
        r->discriminant = r->int_field > 0 ? 1 : r->int_field < 0 ? -1 : 0;
        acc += (u64)(u32)r->int_field + (u64)(r->text[19] == '2') + (u64)r->discriminant;
    }
    return acc;
}

int main(int argc, char **argv) {
    u64 scale = argc > 1 ? tiny_parse_u64(argv[1]) : 20;
    u64 primes = 0, acc = 0;
    for (u64 round = 0; round < scale; round++) {
        primes = count_primes();
        acc += dhrystone_like(400000);
    }
    put_str("rounds "); put_udec(scale);
    put_str(" primes "); put_udec(primes);
    put_str(" accumulator "); put_hex64(acc); put_nl();
    return 0;
}
