/* Misaligned loads and stores of every size, at every offset within a word
 * and across a page boundary. User-mode Linux makes them work transparently
 * (in hardware or by trap-and-emulate), so the results must be exact. */
#include "tiny/report.h"

static u8 pages[8192] __attribute__((aligned(4096)));

static void fill(void) {
    for (int i = 0; i < 8192; i++) pages[i] = (u8)(i * 7 + 3);
}

#define LOAD_AT(insn, address)                                                  \
    ({ u64 r_; __asm__ volatile(insn " %0, 0(%1)" : "=r"(r_) : "r"(address) : "memory"); r_; })

static void test_loads_at(const char *where, u8 *base) {
    for (int off = 0; off < 8; off++) {
        u8 *p = base + off;
        put_str(where); put_str(" +"); put_dec(off); put_nl();
        report1("  lh", "-", off, LOAD_AT("lh", p));
        report1("  lhu", "-", off, LOAD_AT("lhu", p));
        report1("  lw", "-", off, LOAD_AT("lw", p));
        report1("  lwu", "-", off, LOAD_AT("lwu", p));
        report1("  ld", "-", off, LOAD_AT("ld", p));
    }
}

static void dump(u8 *p, int n) {
    for (int i = 0; i < n; i++) {
        put_char(' ');
        put_char("0123456789abcdef"[p[i] >> 4]);
        put_char("0123456789abcdef"[p[i] & 15]);
    }
    put_nl();
}

static void test_stores_at(const char *where, u8 *base) {
    const u64 value = 0x0807060504030201ul;
    for (int off = 1; off < 8; off++) {
        u8 *p = base + off;
        fill();
        __asm__ volatile("sh %1, 0(%0)" : : "r"(p), "r"(value) : "memory");
        put_str(where); put_str(" sh +"); put_dec(off); put_str(":"); dump(base, 16);
        fill();
        __asm__ volatile("sw %1, 0(%0)" : : "r"(p), "r"(value) : "memory");
        put_str(where); put_str(" sw +"); put_dec(off); put_str(":"); dump(base, 16);
        fill();
        __asm__ volatile("sd %1, 0(%0)" : : "r"(p), "r"(value) : "memory");
        put_str(where); put_str(" sd +"); put_dec(off); put_str(":"); dump(base, 16);
    }
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    fill();
    test_loads_at("in-page", pages + 64);
    test_loads_at("page-crossing", pages + 4096 - 8);
    test_stores_at("in-page", pages + 64);
    test_stores_at("page-crossing", pages + 4096 - 8);
    put_str("done\n");
    return 0;
}
