/* The freestanding runtime described in tiny.h. */
#include "tiny.h"

long tiny_syscall6(long n, long a0, long a1, long a2, long a3, long a4, long a5) {
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a3 __asm__("a3") = a3;
    register long r_a4 __asm__("a4") = a4;
    register long r_a5 __asm__("a5") = a5;
    register long r_a7 __asm__("a7") = n;
    __asm__ volatile("ecall"
                     : "+r"(r_a0)
                     : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a7)
                     : "memory");
    return r_a0;
}

char **tiny_environ;
u64 *tiny_auxv;

/* Called by _start (start.S or start_pie.S): finds envp and auxv behind argv,
 * runs main and exits with its status. */
__attribute__((noreturn)) void tiny_start_main(long argc, char **argv) {
    tiny_environ = argv + argc + 1;
    char **e = tiny_environ;
    while (*e) e++;
    tiny_auxv = (u64 *)(e + 1);
    tiny_exit(main((int)argc, argv));
}

u64 tiny_getauxval(u64 type) {
    for (u64 *a = tiny_auxv; a[0] != 0; a += 2)
        if (a[0] == type) return a[1];
    return 0;
}

static char out_buf[4096];
static size_t out_len;

void flush_output(void) {
    size_t done = 0;
    while (done < out_len) {
        long n = tiny_syscall(SYS_write, 1, out_buf + done, out_len - done);
        if (n <= 0) break;
        done += (size_t)n;
    }
    out_len = 0;
}

void put_char(char c) {
    if (out_len == sizeof out_buf) flush_output();
    out_buf[out_len++] = c;
}

void put_str(const char *s) {
    while (*s) put_char(*s++);
}

void put_nl(void) { put_char('\n'); }

static void put_hex_digits(u64 v, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        put_char("0123456789abcdef"[(v >> shift) & 15]);
}

void put_hex64(u64 v) { put_hex_digits(v, 16); }
void put_hex32(u32 v) { put_hex_digits(v, 8); }

void put_udec(u64 v) {
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) put_char(digits[--n]);
}

void put_dec(i64 v) {
    if (v < 0) {
        put_char('-');
        put_udec(-(u64)v);
    } else {
        put_udec((u64)v);
    }
}

void tiny_exit(int status) {
    flush_output();
    for (;;) tiny_syscall(SYS_exit_group, status, 0, 0);
}

void *memset(void *dst, int c, size_t n) {
    volatile u8 *d = dst; /* volatile: keep gcc from turning this into a memset call */
    while (n--) *d++ = (u8)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
    volatile u8 *d = dst;
    const u8 *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

size_t tiny_strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int tiny_streq(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

u64 tiny_parse_u64(const char *s) {
    u64 v = 0;
    while (*s >= '0' && *s <= '9') v = v * 10 + (u64)(*s++ - '0');
    return v;
}
