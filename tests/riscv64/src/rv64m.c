/* RV64M: every multiply/divide instruction over edge values, which include
 * division by zero and the MIN / -1 overflow case in both 64 and 32 bits. */
#include "tiny/report.h"

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    TEST_RR("mul");   TEST_RR("mulh");  TEST_RR("mulhsu"); TEST_RR("mulhu");
    TEST_RR("div");   TEST_RR("divu");  TEST_RR("rem");    TEST_RR("remu");
    TEST_RR("mulw");  TEST_RR("divw");  TEST_RR("divuw");
    TEST_RR("remw");  TEST_RR("remuw");
    put_str("done\n");
    return 0;
}
