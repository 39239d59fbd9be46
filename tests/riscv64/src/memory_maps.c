/* Address-space syscalls: anonymous mmap (with contents checked), munmap
 * (touching the hole must fault), mremap growing and moving, mprotect, and
 * brk / sbrk. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static sigjmp_buf recovery_point;

static void on_segv(int sig) {
    (void)sig;
    siglongjmp(recovery_point, 1);
}

static int touch_faults(volatile char *p) {
    if (sigsetjmp(recovery_point, 1) == 0) {
        (void)*p;
        return 0;
    }
    return 1;
}

static unsigned long checksum(const unsigned char *p, size_t n) {
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i++) sum = sum * 31 + p[i];
    return sum;
}

int main(void) {
    signal(SIGSEGV, on_segv);

    unsigned char *map = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap: %s\n", map == MAP_FAILED ? "failed" : "ok");
    printf("fresh mapping is zero: %s\n", checksum(map, 8 * PAGE) == 0 ? "yes" : "no");
    printf("page aligned: %s\n", ((uintptr_t)map & (PAGE - 1)) == 0 ? "yes" : "no");
    for (int i = 0; i < 8 * PAGE; i++) map[i] = (unsigned char)(i ^ (i >> 8));
    printf("checksum: %lx\n", checksum(map, 8 * PAGE));

    printf("munmap of pages 2-3: %d\n", munmap(map + 2 * PAGE, 2 * PAGE));
    printf("touch page 1: %s\n", touch_faults((char *)map + PAGE) ? "faults" : "ok");
    printf("touch page 2: %s\n", touch_faults((char *)map + 2 * PAGE) ? "faults" : "ok");
    printf("touch page 4: %s\n", touch_faults((char *)map + 4 * PAGE) ? "faults" : "ok");

    /* Grow the first two pages; contents must follow the mapping. */
    unsigned long before = checksum(map, 2 * PAGE);
    unsigned char *grown = mremap(map, 2 * PAGE, 16 * PAGE, MREMAP_MAYMOVE);
    printf("mremap grow: %s\n", grown == MAP_FAILED ? "failed" : "ok");
    printf("contents kept: %s\n", checksum(grown, 2 * PAGE) == before ? "yes" : "no");
    printf("new tail is zero: %s\n", checksum(grown + 2 * PAGE, 14 * PAGE) == 0 ? "yes" : "no");
    memset(grown + 15 * PAGE, 0x5a, PAGE);
    unsigned char *shrunk = mremap(grown, 16 * PAGE, PAGE, 0);
    printf("mremap shrink in place: %s\n", shrunk == grown ? "yes" : "no");

    printf("mprotect read-only: %d\n", mprotect(shrunk, PAGE, PROT_READ));
    printf("read after mprotect: %d\n", shrunk[5]);
    if (sigsetjmp(recovery_point, 1) == 0) {
        ((volatile unsigned char *)shrunk)[5] = 1;
        printf("write after mprotect: no fault\n");
    } else {
        printf("write after mprotect: faults\n");
    }
    munmap(shrunk, PAGE);
    munmap(map + 4 * PAGE, 4 * PAGE);

    /* brk: grow, use, shrink. */
    char *start = sbrk(0);
    char *old = sbrk(3 * PAGE + 100);
    printf("sbrk returned old break: %s\n", old == start ? "yes" : "no");
    memset(old, 0x77, 3 * PAGE + 100);
    printf("new heap usable, sum: %lx\n", checksum((unsigned char *)old, 3 * PAGE + 100));
    printf("break moved by: %ld\n", (long)((char *)sbrk(0) - start));
    sbrk(-(3 * PAGE + 100));
    printf("break restored: %s\n", sbrk(0) == start ? "yes" : "no");

    /* A big malloc goes through mmap, a small one through brk. */
    char *big = malloc(1 << 22);
    memset(big, 1, 1 << 22);
    printf("4 MiB malloc sum: %lx\n", checksum((unsigned char *)big, 1 << 22));
    free(big);
    printf("done\n");
    return 0;
}
