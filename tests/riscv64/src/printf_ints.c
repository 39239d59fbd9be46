/* printf of integers of every width and signedness, in decimal, hex and
 * octal, with widths, padding and precisions (built -static-pie). Exercises
 * glibc's formatting: division, multiplication and table lookups. */
#include <inttypes.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>

int main(void) {
    const int8_t s8[] = {0, 1, -1, INT8_MIN, INT8_MAX};
    const uint8_t u8[] = {0, 1, UINT8_MAX, 0x80};
    const int16_t s16[] = {0, -1, INT16_MIN, INT16_MAX, 12345};
    const uint16_t u16[] = {0, UINT16_MAX, 0x8000};
    const int32_t s32[] = {0, -1, INT32_MIN, INT32_MAX, -123456789};
    const uint32_t u32[] = {0, UINT32_MAX, 0x80000000u, 3000000000u};
    const int64_t s64[] = {0, -1, INT64_MIN, INT64_MAX, -1234567890123456789LL};
    const uint64_t u64[] = {0, UINT64_MAX, 0x8000000000000000ull, 10000000000000000000ull};

    for (unsigned i = 0; i < sizeof s8 / sizeof s8[0]; i++)
        printf("s8  %hhd|%5hhd|%-5hhd|%hhx|%hho\n", s8[i], s8[i], s8[i], (unsigned char)s8[i], (unsigned char)s8[i]);
    for (unsigned i = 0; i < sizeof u8 / sizeof u8[0]; i++)
        printf("u8  %hhu|%03hhu|%#hhx|%hhX\n", u8[i], u8[i], u8[i], u8[i]);
    for (unsigned i = 0; i < sizeof s16 / sizeof s16[0]; i++)
        printf("s16 %hd|%+hd|%8hd|%hx\n", s16[i], s16[i], s16[i], (unsigned short)s16[i]);
    for (unsigned i = 0; i < sizeof u16 / sizeof u16[0]; i++)
        printf("u16 %hu|%#ho|%#06hx\n", u16[i], u16[i], u16[i]);
    for (unsigned i = 0; i < sizeof s32 / sizeof s32[0]; i++)
        printf("s32 %d|% d|%012d|%.8d|%x\n", s32[i], s32[i], s32[i], s32[i], (unsigned)s32[i]);
    for (unsigned i = 0; i < sizeof u32 / sizeof u32[0]; i++)
        printf("u32 %u|%o|%#X|%-12u|\n", u32[i], u32[i], u32[i], u32[i]);
    for (unsigned i = 0; i < sizeof s64 / sizeof s64[0]; i++)
        printf("s64 %" PRId64 "|%+25" PRId64 "|%lld|%" PRIx64 "\n", s64[i], s64[i], (long long)s64[i], (uint64_t)s64[i]);
    for (unsigned i = 0; i < sizeof u64 / sizeof u64[0]; i++)
        printf("u64 %" PRIu64 "|%" PRIo64 "|%#" PRIx64 "|%024" PRIX64 "\n", u64[i], u64[i], u64[i], u64[i]);
    printf("size_t %zu ptrdiff %td intmax %jd\n", (size_t)-1, (ptrdiff_t)-5, (intmax_t)INT64_MIN);
    printf("pointer %p null %p\n", (void *)0x1234abcd, (void *)0);
    printf("char '%c' percent %% string \"%8.3s\"\n", 'A', "abcdef");
    int written = 0;
    printf("count%n\n", &written);
    printf("%%n counted %d\n", written);
    return 0;
}
