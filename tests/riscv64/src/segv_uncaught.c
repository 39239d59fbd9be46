/* Ends by an uncaught SIGSEGV: the emulator must report
 * "uncaught target signal 11 (Segmentation fault)" and die by that signal
 * (exit status 139 as a shell sees it), after the output already written. */
#include <stdint.h>
#include <stdio.h>

int main(void) {
    printf("about to dereference a bad pointer\n");
    fflush(stdout);
    volatile uintptr_t bad_address = 0x8; /* volatile: the compiler cannot see it is bad */
    *(volatile int *)bad_address = 42;
    printf("still alive: wrong\n");
    return 0;
}
