/*
 * A minimal freestanding runtime for the instruction-level guest tests and
 * the benchmarks: its own _start, raw Linux syscalls and buffered output.
 * Without glibc the binaries stay a few KB, start in a handful of guest
 * instructions and put nothing between a test and the instructions it checks.
 */
#ifndef TINY_H
#define TINY_H

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned long size_t;

#define SYS_write 64
#define SYS_exit_group 94
#define SYS_mmap 222
#define SYS_munmap 215

long tiny_syscall6(long n, long a0, long a1, long a2, long a3, long a4, long a5);
#define tiny_syscall(n, a0, a1, a2) tiny_syscall6((n), (long)(a0), (long)(a1), (long)(a2), 0, 0, 0)

/* Output is buffered and flushed at exit, so a test prints with few syscalls. */
void put_char(char c);
void put_str(const char *s);
void put_hex64(u64 v);          /* 16 hex digits, no prefix */
void put_hex32(u32 v);          /* 8 hex digits, no prefix */
void put_dec(i64 v);
void put_udec(u64 v);
void put_nl(void);
void flush_output(void);
__attribute__((noreturn)) void tiny_exit(int status);

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t tiny_strlen(const char *s);
int tiny_streq(const char *a, const char *b);
u64 tiny_parse_u64(const char *s);

/* The environment and auxiliary vector the program was started with. */
extern char **tiny_environ;
u64 tiny_getauxval(u64 type);
#define AT_PHDR 3
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_RANDOM 25

/* The program's entry point, called by _start; its return value is the exit status. */
int main(int argc, char **argv);

#endif
