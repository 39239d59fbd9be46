/* argv, envp and the auxiliary vector as the loader set them up. Built as a
 * static PIE (the loader must pick a base and the program relocates itself),
 * on the tiny runtime. Only environment variables starting with WEMU_T_ are
 * printed: the rest differ per machine. */
#include "tiny/tiny.h"

static int starts_with(const char *s, const char *prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return 0;
    return 1;
}

static int string_less(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return (u8)*a < (u8)*b;
}

static void put_yes_no(const char *label, int condition) {
    put_str(label); put_str(condition ? ": yes\n" : ": no\n");
}

/* A pointer in initialised data: correct only after self-relocation. */
static const char *const relocated_greeting = "relocated pointer works";

int main(int argc, char **argv) {
    put_str("argc = "); put_dec(argc); put_nl();
    for (int i = 1; i < argc; i++) {
        put_str("argv["); put_dec(i); put_str("] = \""); put_str(argv[i]);
        put_str("\" ("); put_udec(tiny_strlen(argv[i])); put_str(" bytes)\n");
    }
    put_yes_no("argv[argc] is NULL", argv[argc] == 0);
    /* Sorted, since emulators and shells may pass the environment in any order. */
    const char *matches[64];
    int matching = 0;
    for (char **e = tiny_environ; *e && matching < 64; e++)
        if (starts_with(*e, "WEMU_T_")) matches[matching++] = *e;
    for (int i = 1; i < matching; i++)
        for (int j = i; j > 0 && string_less(matches[j], matches[j - 1]); j--) {
            const char *t = matches[j]; matches[j] = matches[j - 1]; matches[j - 1] = t;
        }
    for (int i = 0; i < matching; i++) {
        put_str("env "); put_str(matches[i]); put_nl();
    }
    put_dec(matching); put_str(" WEMU_T_ variables\n");
    put_str("AT_PAGESZ = "); put_udec(tiny_getauxval(AT_PAGESZ)); put_nl();
    put_yes_no("AT_PHDR set", tiny_getauxval(AT_PHDR) != 0);
    put_yes_no("AT_ENTRY set", tiny_getauxval(AT_ENTRY) != 0);
    put_yes_no("AT_RANDOM set", tiny_getauxval(AT_RANDOM) != 0);
    put_yes_no("stack pointer 16-byte aligned at entry", ((u64)argv - 8) % 16 == 0);
    put_str(relocated_greeting); put_nl();
    return 0;
}
