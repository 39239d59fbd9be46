/* RV64A: lr/sc success and failure paths, and every AMO (.w and .d) over
 * pairs of edge values, printing the value returned and the memory after. */
#include "tiny/report.h"

static u64 cell[2] __attribute__((aligned(16)));

static void report_sc(const char *what, u64 sc_result, u64 memory_after) {
    put_str(what);
    put_str(sc_result == 0 ? ": sc succeeded" : ": sc failed");
    put_str(", memory "); put_hex64(memory_after); put_nl();
}

static void test_lr_sc(void) {
    u64 loaded, fail;

    cell[0] = 0x1111111111111111ul;
    __asm__ volatile("lr.d %0, (%2)\n sc.d %1, %3, (%2)\n"
                     : "=&r"(loaded), "=&r"(fail) : "r"(&cell[0]), "r"(0x2222222222222222ul) : "memory");
    put_str("lr.d loaded "); put_hex64(loaded); put_nl();
    report_sc("lr.d/sc.d same address", fail, cell[0]);

    /* The successful sc above consumed the reservation. */
    __asm__ volatile("sc.d %0, %2, (%1)\n" : "=&r"(fail) : "r"(&cell[0]), "r"(0x3333ul) : "memory");
    report_sc("sc.d without lr", fail, cell[0]);

    cell[0] = 0x4444ul;
    __asm__ volatile("lr.d %0, (%2)\n sd %4, 0(%2)\n sc.d %1, %3, (%2)\n"
                     : "=&r"(loaded), "=&r"(fail)
                     : "r"(&cell[0]), "r"(0x5555ul), "r"(0x6666ul) : "memory");
    report_sc("sc.d after a store of a new value", fail, cell[0]);

    cell[0] = 0x7777ul;
    cell[1] = 0x8888ul;
    __asm__ volatile("lr.d %0, (%2)\n sc.d %1, %4, (%3)\n"
                     : "=&r"(loaded), "=&r"(fail)
                     : "r"(&cell[0]), "r"(&cell[1]), "r"(0x9999ul) : "memory");
    report_sc("sc.d to a different address (other cell)", fail, cell[1]);

    /* lr.w sign-extends; sc.w writes only the low word. */
    cell[0] = 0xaaaaaaaa80000001ul;
    __asm__ volatile("lr.w %0, (%2)\n sc.w %1, %3, (%2)\n"
                     : "=&r"(loaded), "=&r"(fail) : "r"(&cell[0]), "r"(0x12345678fffffffeul) : "memory");
    put_str("lr.w loaded "); put_hex64(loaded); put_nl();
    report_sc("lr.w/sc.w same address", fail, cell[0]);
    __asm__ volatile("sc.w %0, %2, (%1)\n" : "=&r"(fail) : "r"(&cell[0]), "r"(0x3333ul) : "memory");
    report_sc("sc.w without lr", fail, cell[0]);

    /* aq/rl variants and a retry loop as atomics libraries write it. */
    cell[0] = 10;
    u64 old;
    __asm__ volatile("1: lr.d.aq %0, (%2)\n addi %1, %0, 5\n sc.d.rl %1, %1, (%2)\n bnez %1, 1b\n"
                     : "=&r"(old), "=&r"(fail) : "r"(&cell[0]) : "memory");
    put_str("lr.d.aq/sc.d.rl loop: old "); put_hex64(old);
    put_str(" new "); put_hex64(cell[0]); put_nl();
}

#define TEST_AMO(insn)                                                          \
    for (size_t i_ = 0; i_ < EDGE_COUNT; i_ += 2)                              \
        for (size_t j_ = 0; j_ < EDGE_COUNT; j_++) {                           \
            u64 returned_;                                                      \
            cell[0] = edge_values[i_];                                          \
            __asm__ volatile(insn " %0, %2, (%1)"                               \
                             : "=&r"(returned_)                                 \
                             : "r"(&cell[0]), "r"(edge_values[j_]) : "memory"); \
            put_str(insn); put_char(' ');                                       \
            put_hex64(edge_values[i_]); put_char(' ');                          \
            put_hex64(edge_values[j_]); put_str(" -> rd ");                     \
            put_hex64(returned_); put_str(" mem ");                             \
            put_hex64(cell[0]); put_nl();                                       \
        }

static void test_amos(void) {
    TEST_AMO("amoswap.d"); TEST_AMO("amoadd.d");
    TEST_AMO("amoand.d");  TEST_AMO("amoor.d");  TEST_AMO("amoxor.d");
    TEST_AMO("amomin.d");  TEST_AMO("amomax.d");
    TEST_AMO("amominu.d"); TEST_AMO("amomaxu.d");
    TEST_AMO("amoswap.w"); TEST_AMO("amoadd.w");
    TEST_AMO("amoand.w");  TEST_AMO("amoor.w");  TEST_AMO("amoxor.w");
    TEST_AMO("amomin.w");  TEST_AMO("amomax.w");
    TEST_AMO("amominu.w"); TEST_AMO("amomaxu.w");
    TEST_AMO("amoadd.d.aqrl"); TEST_AMO("amoswap.w.aq"); TEST_AMO("amomax.w.rl");
}

/* An AMO whose rd is x0 still writes memory. */
static void test_amo_rd_zero(void) {
    cell[0] = 5;
    __asm__ volatile("amoadd.d x0, %1, (%0)" : : "r"(&cell[0]), "r"(7ul) : "memory");
    put_str("amoadd.d rd=x0 mem "); put_hex64(cell[0]); put_nl();
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    test_lr_sc();
    test_amos();
    test_amo_rd_zero();
    put_str("done\n");
    return 0;
}
