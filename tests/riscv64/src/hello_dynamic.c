/* A dynamically linked program: the emulator must load the ELF interpreter
 * (ld-linux-riscv64-lp64d.so.1) from the -L sysroot, which maps libc.so.6
 * and resolves symbols before main runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    char *copy = strdup("dynamically linked");
    printf("hello from a %s program, %d argument(s)\n", copy, argc - 1);
    for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
    free(copy);
    printf("strtol(\"-0x7f\") = %ld\n", strtol("-0x7f", NULL, 0));
    return 0;
}
