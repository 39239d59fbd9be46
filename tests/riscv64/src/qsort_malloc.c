/* malloc/realloc/free-heavy code and qsort: a seeded generator builds many
 * variable-sized records, they are sorted, a list is grown and shrunk, and
 * checksums are printed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void) {
    /* xorshift64*: deterministic on every emulator. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

struct record {
    uint64_t key;
    size_t length;
    char *text;
};

static int by_key_then_text(const void *a, const void *b) {
    const struct record *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return strcmp(x->text, y->text);
}

static int compare_ints(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(void) {
    enum { RECORDS = 4000 };
    struct record *records = malloc(RECORDS * sizeof *records);
    for (int i = 0; i < RECORDS; i++) {
        records[i].key = next_random() % 1000;
        records[i].length = 1 + next_random() % 60;
        records[i].text = malloc(records[i].length + 1);
        for (size_t j = 0; j < records[i].length; j++) records[i].text[j] = (char)('a' + next_random() % 26);
        records[i].text[records[i].length] = 0;
    }
    qsort(records, RECORDS, sizeof *records, by_key_then_text);
    uint64_t sum = 0;
    int ordered = 1;
    for (int i = 0; i < RECORDS; i++) {
        sum = sum * 1000003 + records[i].key * 7 + records[i].length + (unsigned char)records[i].text[0];
        if (i && by_key_then_text(&records[i - 1], &records[i]) > 0) ordered = 0;
    }
    printf("records sorted: %s, checksum %016llx\n", ordered ? "yes" : "no", (unsigned long long)sum);
    printf("first: %llu %s\n", (unsigned long long)records[0].key, records[0].text);
    printf("last: %llu %s\n", (unsigned long long)records[RECORDS - 1].key, records[RECORDS - 1].text);

    /* Free every other record, then grow the survivors with realloc. */
    for (int i = 0; i < RECORDS; i += 2) free(records[i].text);
    uint64_t grown = 0;
    for (int i = 1; i < RECORDS; i += 2) {
        size_t n = records[i].length;
        records[i].text = realloc(records[i].text, n * 3 + 1);
        memcpy(records[i].text + n, records[i].text, n);
        memcpy(records[i].text + 2 * n, records[i].text, n);
        records[i].text[3 * n] = 0;
        grown += strlen(records[i].text);
    }
    printf("total length after realloc: %llu\n", (unsigned long long)grown);
    for (int i = 1; i < RECORDS; i += 2) free(records[i].text);
    free(records);

    /* Integers with many duplicates, and negative values. */
    enum { INTS = 50000 };
    int *values = calloc(INTS, sizeof *values);
    for (int i = 0; i < INTS; i++) values[i] = (int)(next_random() % 20001) - 10000;
    qsort(values, INTS, sizeof *values, compare_ints);
    long long total = 0;
    for (int i = 0; i < INTS; i++) total += (long long)values[i] * (i % 7 + 1);
    printf("ints: min %d max %d median %d weighted sum %lld\n", values[0], values[INTS - 1], values[INTS / 2], total);
    free(values);
    printf("done\n");
    return 0;
}
