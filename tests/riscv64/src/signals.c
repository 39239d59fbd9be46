/* Guest signal handlers: SIGSEGV from a bad pointer, SIGILL from illegal
 * instruction words, SIGBUS from a misaligned AMO (each caught with sigaction
 * and left with siglongjmp), and raise(SIGUSR1), delivered at once and, when
 * blocked, on unblocking. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static sigjmp_buf recovery_point;
static volatile sig_atomic_t caught_signal, caught_code;
static void *volatile caught_address;

static void recovering_handler(int sig, siginfo_t *info, void *ucontext) {
    (void)ucontext;
    caught_signal = sig;
    caught_code = info->si_code;
    caught_address = info->si_addr;
    siglongjmp(recovery_point, 1);
}

static void install(int sig, void (*handler)(int, siginfo_t *, void *)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    if (sigaction(sig, &action, NULL) != 0) perror("sigaction");
}

static void report_caught(const char *what, void *expected_address) {
    printf("%s: caught signal %d (%s), si_code %d, si_addr %s\n", what, (int)caught_signal,
           strsignal(caught_signal), (int)caught_code,
           caught_address == expected_address ? "as expected" : "UNEXPECTED");
}

/* Far above anything a loader maps for a small static program. */
static volatile long *const unmapped_high = (volatile long *)(uintptr_t)0x7fe00000000ul;

static void test_segv(void) {
    install(SIGSEGV, recovering_handler);
    volatile int *bad = (volatile int *)(uintptr_t)0x10;
    if (sigsetjmp(recovery_point, 1) == 0) {
        *bad = 1;
        printf("store to 0x10: no signal\n");
    } else {
        report_caught("store to 0x10", (void *)bad);
    }
    if (sigsetjmp(recovery_point, 1) == 0) {
        long v = *unmapped_high;
        printf("load from unmapped: no signal (%ld)\n", v);
    } else {
        report_caught("load from unmapped", (void *)unmapped_high);
    }
    /* The handler ran on a signal frame; a second fault must work as well. */
    if (sigsetjmp(recovery_point, 1) == 0) {
        *bad = 2;
    } else {
        report_caught("second store to 0x10", (void *)bad);
    }
}

extern char illegal_compressed_insn[], illegal_csr_write_insn[];

static void test_sigill(void) {
    install(SIGILL, recovering_handler);
    if (sigsetjmp(recovery_point, 1) == 0) {
        /* 16 zero bits are defined to be an illegal instruction. */
        __asm__ volatile(".globl illegal_compressed_insn\n"
                         "illegal_compressed_insn: .2byte 0\n");
        printf("c.unimp: no signal\n");
    } else {
        report_caught("c.unimp", illegal_compressed_insn);
    }
    if (sigsetjmp(recovery_point, 1) == 0) {
        /* csrrw zero, cycle, zero: writing a read-only CSR is illegal. */
        __asm__ volatile(".globl illegal_csr_write_insn\n"
                         "illegal_csr_write_insn: .4byte 0xc0001073\n");
        printf("write to cycle: no signal\n");
    } else {
        report_caught("write to cycle", illegal_csr_write_insn);
    }
}

static void test_sigbus(void) {
    install(SIGBUS, recovering_handler);
    static uint64_t words[2] __attribute__((aligned(16)));
    volatile char *misaligned = (volatile char *)words + 1;
    if (sigsetjmp(recovery_point, 1) == 0) {
        uint64_t old;
        __asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(misaligned), "r"(1) : "memory");
        printf("misaligned amoadd.w: no signal\n");
    } else {
        report_caught("misaligned amoadd.w", (void *)misaligned);
    }
    printf("memory after the failed AMO: %016llx\n", (unsigned long long)words[0]);
}

static volatile sig_atomic_t usr1_count;

static void usr1_handler(int sig) {
    usr1_count++;
    static const char message[] = "  in SIGUSR1 handler\n";
    (void)sig;
    (void)!write(1, message, sizeof message - 1);
}

static void test_raise(void) {
    signal(SIGUSR1, usr1_handler);
    fflush(stdout);
    raise(SIGUSR1);
    printf("after raise: handler ran %d time(s)\n", (int)usr1_count);

    sigset_t block, previous;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &previous);
    raise(SIGUSR1);
    sigset_t pending;
    sigpending(&pending);
    printf("while blocked: handler ran %d time(s), pending %d\n", (int)usr1_count,
           sigismember(&pending, SIGUSR1));
    fflush(stdout);
    sigprocmask(SIG_SETMASK, &previous, NULL);
    printf("after unblocking: handler ran %d time(s)\n", (int)usr1_count);

    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored SIGUSR1: handler ran %d time(s)\n", (int)usr1_count);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_segv();
    test_sigill();
    test_sigbus();
    test_raise();
    printf("done\n");
    return 0;
}
