/* RV64I arithmetic, logic, shift and compare instructions, register and
 * immediate forms, including every W form's sign extension. */
#include "tiny/report.h"

static void test_register_forms(void) {
    TEST_RR("add");  TEST_RR("sub");
    TEST_RR("and");  TEST_RR("or");   TEST_RR("xor");
    TEST_RR("sll");  TEST_RR("srl");  TEST_RR("sra");
    TEST_RR("slt");  TEST_RR("sltu");
    TEST_RR("addw"); TEST_RR("subw");
    TEST_RR("sllw"); TEST_RR("srlw"); TEST_RR("sraw");
}

static void test_immediate_forms(void) {
    TEST_RI("addi", 0);   TEST_RI("addi", 1);   TEST_RI("addi", -1);
    TEST_RI("addi", 2047); TEST_RI("addi", -2048);
    TEST_RI("addiw", 0);  TEST_RI("addiw", 1);  TEST_RI("addiw", -1);
    TEST_RI("addiw", 2047); TEST_RI("addiw", -2048);
    TEST_RI("andi", -1);  TEST_RI("andi", 0x7ff); TEST_RI("andi", -2048); TEST_RI("andi", 0x555);
    TEST_RI("ori", -1);   TEST_RI("ori", 0x7ff);  TEST_RI("ori", -2048);  TEST_RI("ori", 0);
    TEST_RI("xori", -1);  TEST_RI("xori", 0x7ff); TEST_RI("xori", -2048); TEST_RI("xori", 0);
    TEST_RI("slti", 0);   TEST_RI("slti", 1);   TEST_RI("slti", -1);
    TEST_RI("slti", 2047); TEST_RI("slti", -2048);
    TEST_RI("sltiu", 0);  TEST_RI("sltiu", 1);  TEST_RI("sltiu", -1);
    TEST_RI("sltiu", 2047); TEST_RI("sltiu", -2048);
    TEST_RI("slli", 0);   TEST_RI("slli", 1);   TEST_RI("slli", 31);
    TEST_RI("slli", 32);  TEST_RI("slli", 63);
    TEST_RI("srli", 0);   TEST_RI("srli", 1);   TEST_RI("srli", 31);
    TEST_RI("srli", 32);  TEST_RI("srli", 63);
    TEST_RI("srai", 0);   TEST_RI("srai", 1);   TEST_RI("srai", 31);
    TEST_RI("srai", 32);  TEST_RI("srai", 63);
    TEST_RI("slliw", 0);  TEST_RI("slliw", 1);  TEST_RI("slliw", 31);
    TEST_RI("srliw", 0);  TEST_RI("srliw", 1);  TEST_RI("srliw", 31);
    TEST_RI("sraiw", 0);  TEST_RI("sraiw", 1);  TEST_RI("sraiw", 31);
}

/* lui sign-extends bit 31 into the upper half; auipc adds to its own pc. */
static void test_upper_immediates(void) {
    u64 r;
    __asm__ volatile("lui %0, 0x80000" : "=r"(r)); report1("lui", "0x80000", 0, r);
    __asm__ volatile("lui %0, 0x7ffff" : "=r"(r)); report1("lui", "0x7ffff", 0, r);
    __asm__ volatile("lui %0, 0xfffff" : "=r"(r)); report1("lui", "0xfffff", 0, r);
    __asm__ volatile("lui %0, 0x1" : "=r"(r));     report1("lui", "0x1", 0, r);
    u64 here, ahead, behind;
    __asm__ volatile("1: auipc %0, 0\n auipc %1, 1\n auipc %2, 0xfffff\n"
                     : "=r"(here), "=r"(ahead), "=r"(behind));
    report1("auipc-distance", "1", 0, ahead - here);
    report1("auipc-distance", "0xfffff", 0, behind - here);
    u64 label;
    __asm__ volatile("1: auipc %0, 0\n la %1, 1b\n" : "=r"(here), "=r"(label));
    report1("auipc-equals-pc", "0", 0, here == label);
}

/* Writes to x0 are discarded; reads of x0 give zero. */
static void test_zero_register(void) {
    u64 r;
    __asm__ volatile("addi x0, x0, 5\n li t0, 7\n add x0, t0, t0\n mv %0, x0" : "=r"(r) : : "t0");
    report1("x0-after-writes", "-", 0, r);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    test_register_forms();
    test_immediate_forms();
    test_upper_immediates();
    test_zero_register();
    put_str("done\n");
    return 0;
}
