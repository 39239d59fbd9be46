/* User-level counter CSRs: cycle, time and instret must be readable (with the
 * pseudo-instructions and with csrr) and must increase while code runs. The
 * values themselves differ between emulators, so only the order is printed. */
#include "tiny/tiny.h"

static void busy_work(void) {
    volatile u64 sink = 0;
    for (u64 i = 0; i < 1000; i++) sink += i;
}

/* Reads until the counter moves (an emulator may derive time from a coarse
 * host clock), giving up after a bound far beyond any real tick period. */
#define CHECK_COUNTER(name, read_insn)                                          \
    do {                                                                        \
        u64 before_, after_;                                                    \
        u64 tries_ = 0;                                                         \
        __asm__ volatile(read_insn : "=r"(before_));                            \
        do {                                                                    \
            busy_work();                                                        \
            __asm__ volatile(read_insn : "=r"(after_));                         \
        } while (after_ == before_ && ++tries_ < 100000);                       \
        put_str(name);                                                          \
        put_str(after_ > before_ ? " increases: yes\n" : " increases: NO\n");  \
    } while (0)

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    CHECK_COUNTER("rdcycle", "rdcycle %0");
    CHECK_COUNTER("rdtime", "rdtime %0");
    CHECK_COUNTER("rdinstret", "rdinstret %0");
    CHECK_COUNTER("csrr cycle", "csrr %0, cycle");
    CHECK_COUNTER("csrr time", "csrr %0, time");
    CHECK_COUNTER("csrr instret", "csrr %0, instret");
    /* csrrs with rs1 = x0 only reads, so it is legal on a read-only CSR. */
    CHECK_COUNTER("csrrs cycle, x0", "csrrs %0, cycle, x0");
    put_str("done\n");
    return 0;
}
