/* RV64I branches, jumps, loads and stores: every branch over every pair of
 * edge values, jal/jalr link values and target rounding, and every load and
 * store width with positive and negative offsets. */
#include "tiny/report.h"

#define TEST_BRANCH(insn)                                                       \
    for (size_t i_ = 0; i_ < EDGE_COUNT; i_++)                                 \
        for (size_t j_ = 0; j_ < EDGE_COUNT; j_++) {                           \
            u64 taken_;                                                         \
            __asm__ volatile("li %0, 0\n " insn " %1, %2, 1f\n j 2f\n"          \
                             "1: li %0, 1\n2:\n"                                \
                             : "=&r"(taken_)                                    \
                             : "r"(edge_values[i_]), "r"(edge_values[j_]));     \
            report2(insn, edge_values[i_], edge_values[j_], taken_);           \
        }

static void test_branches(void) {
    TEST_BRANCH("beq"); TEST_BRANCH("bne");
    TEST_BRANCH("blt"); TEST_BRANCH("bge");
    TEST_BRANCH("bltu"); TEST_BRANCH("bgeu");
}

/* A backward branch loop, so a TB that branches to itself is exercised. */
static void test_backward_loop(void) {
    u64 count = 0, sum = 0;
    __asm__ volatile("li t0, 100\n"
                     "1: add %1, %1, t0\n addi %0, %0, 1\n addi t0, t0, -1\n bnez t0, 1b\n"
                     : "+r"(count), "+r"(sum) : : "t0");
    report2("loop-count-sum", 100, 0, count * 100000 + sum);
}

static void test_jumps(void) {
    u64 link, label;
    __asm__ volatile("jal %0, 1f\n 1: la %1, 1b\n" : "=r"(link), "=r"(label));
    report1("jal-link-is-next-pc", "-", 0, link == label);

    /* jalr clears bit 0 of the computed target. */
    u64 reached;
    __asm__ volatile("la t1, 1f\n addi t1, t1, 1\n li %0, 0\n jalr t0, 0(t1)\n"
                     "li %0, 99\n"
                     "1: li %0, 1\n"
                     : "=&r"(reached) : : "t0", "t1");
    report1("jalr-odd-target", "-", 0, reached);

    /* jalr with a negative offset, and with rd == rs1 (the link is written
     * after the target is computed from the old value). */
    __asm__ volatile("la t1, 1f\n addi t1, t1, 16\n li %0, 0\n jalr t1, -16(t1)\n"
                     "li %0, 99\n"
                     "1: li %0, 1\n"
                     : "=&r"(reached) : : "t1");
    report1("jalr-negative-offset-rd-eq-rs1", "-", 0, reached);

    /* A call through a register and return via ret. */
    u64 value;
    __asm__ volatile("la t1, 2f\n jalr ra, 0(t1)\n j 3f\n"
                     "2: li %0, 42\n ret\n"
                     "3:\n"
                     : "=r"(value) : : "t1", "ra");
    report1("jalr-call-ret", "-", 0, value);
}

static u8 memory[64] __attribute__((aligned(16)));

static void fill_memory(void) {
    for (int i = 0; i < 64; i++) memory[i] = (u8)(0x81 + i * 0x11);
}

#define TEST_LOAD(insn, off)                                                    \
    do {                                                                        \
        u64 r_;                                                                 \
        __asm__ volatile(insn " %0, " #off "(%1)" : "=r"(r_) : "r"(memory + 32) : "memory"); \
        report1(insn, #off, 0, r_);                                            \
    } while (0)

static void test_loads(void) {
    fill_memory();
    TEST_LOAD("lb", 0);  TEST_LOAD("lb", 1);  TEST_LOAD("lb", -32); TEST_LOAD("lb", 31);
    TEST_LOAD("lbu", 0); TEST_LOAD("lbu", 1); TEST_LOAD("lbu", -32); TEST_LOAD("lbu", 31);
    TEST_LOAD("lh", 0);  TEST_LOAD("lh", 2);  TEST_LOAD("lh", -32); TEST_LOAD("lh", 30);
    TEST_LOAD("lhu", 0); TEST_LOAD("lhu", 2); TEST_LOAD("lhu", -32); TEST_LOAD("lhu", 30);
    TEST_LOAD("lw", 0);  TEST_LOAD("lw", 4);  TEST_LOAD("lw", -32); TEST_LOAD("lw", 28);
    TEST_LOAD("lwu", 0); TEST_LOAD("lwu", 4); TEST_LOAD("lwu", -32); TEST_LOAD("lwu", 28);
    TEST_LOAD("ld", 0);  TEST_LOAD("ld", 8);  TEST_LOAD("ld", -32); TEST_LOAD("ld", 24);
}

static void dump_memory(const char *what) {
    put_str(what); put_str(":");
    for (int i = 0; i < 64; i++) {
        if (i % 16 == 0) put_str("\n ");
        put_char(' ');
        put_char("0123456789abcdef"[memory[i] >> 4]);
        put_char("0123456789abcdef"[memory[i] & 15]);
    }
    put_nl();
}

static void test_stores(void) {
    const u64 value = 0xf1e2d3c4b5a69788ul;
    memset(memory, 0, sizeof memory);
    __asm__ volatile("sb %1, 0(%0)\n sb %1, -31(%0)\n sb %1, 31(%0)\n"
                     : : "r"(memory + 32), "r"(value) : "memory");
    dump_memory("after-sb");
    memset(memory, 0, sizeof memory);
    __asm__ volatile("sh %1, 0(%0)\n sh %1, -30(%0)\n sh %1, 30(%0)\n"
                     : : "r"(memory + 32), "r"(value) : "memory");
    dump_memory("after-sh");
    memset(memory, 0, sizeof memory);
    __asm__ volatile("sw %1, 0(%0)\n sw %1, -28(%0)\n sw %1, 28(%0)\n"
                     : : "r"(memory + 32), "r"(value) : "memory");
    dump_memory("after-sw");
    memset(memory, 0, sizeof memory);
    __asm__ volatile("sd %1, 0(%0)\n sd %1, -24(%0)\n sd %1, 24(%0)\n"
                     : : "r"(memory + 32), "r"(value) : "memory");
    dump_memory("after-sd");
}

/* Fences have no visible effect in a single thread but must decode and run. */
static void test_fences(void) {
    u64 r = 0;
    __asm__ volatile("fence\n fence rw, rw\n fence r, r\n fence w, w\n fence iorw, iorw\n"
                     "fence.i\n li %0, 1\n" : "=r"(r) : : "memory");
    report1("fences-run", "-", 0, r);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    test_fences();
    test_branches();
    test_backward_loop();
    test_jumps();
    test_loads();
    test_stores();
    put_str("done\n");
    return 0;
}
