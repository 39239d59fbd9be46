/* Benchmark: fill an array of 64-bit integers from a seeded generator, sort
 * it (quicksort with insertion sort for small ranges), check the order and
 * print a checksum; SCALE (argv[1], default 80) rounds of 100000 elements. */
#include "../src/tiny/tiny.h"

#define ELEMENTS 100000
static u64 values[ELEMENTS];

static u64 rng_state = 0x243f6a8885a308d3ul;
static u64 next_random(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void insertion_sort(u64 *a, long n) {
    for (long i = 1; i < n; i++) {
        u64 v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) a[j + 1] = a[j], j--;
        a[j + 1] = v;
    }
}

static void quicksort(u64 *a, long n) {
    while (n > 16) {
        u64 x = a[0], y = a[n / 2], z = a[n - 1]; /* median of three */
        u64 pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i >= j) break;
            u64 t = a[i]; a[i] = a[j]; a[j] = t;
            i++, j--;
        }
        /* Recurse into the smaller half, loop on the larger. */
        if (j + 1 < n - j - 1) { quicksort(a, j + 1); a += j + 1; n -= j + 1; }
        else { quicksort(a + j + 1, n - j - 1); n = j + 1; }
    }
    insertion_sort(a, n);
}

int main(int argc, char **argv) {
    u64 scale = argc > 1 ? tiny_parse_u64(argv[1]) : 80;
    u64 checksum = 0;
    int ordered = 1;
    for (u64 round = 0; round < scale; round++) {
        for (long i = 0; i < ELEMENTS; i++) values[i] = next_random() % 1000000007ul;
        quicksort(values, ELEMENTS);
        for (long i = 0; i < ELEMENTS; i++) {
            if (i && values[i - 1] > values[i]) ordered = 0;
            checksum = checksum * 6364136223846793005ul + values[i];
        }
    }
    put_str("rounds "); put_udec(scale);
    put_str(ordered ? " sorted" : " NOT SORTED");
    put_str(" checksum "); put_hex64(checksum); put_nl();
    return ordered ? 0 : 1;
}
