/* Shared printing for the instruction tests: one line per result, in hex, so a
 * single wrong bit is visible in a diff against the expected output. */
#ifndef REPORT_H
#define REPORT_H
#include "tiny.h"

/* Operand values that hit the edges: zero, small, shift amounts 31/32/63/64,
 * 32-bit sign boundaries and 64-bit sign boundaries. */
static const u64 edge_values[] = {
    0x0000000000000000ul, 0x0000000000000001ul, 0x000000000000001ful,
    0x0000000000000020ul, 0x000000000000003ful, 0x0000000000000040ul,
    0x000000007ffffffful, 0x0000000080000000ul, 0x00000000fffffffful,
    0x7ffffffffffffffful, 0x8000000000000000ul, 0xfffffffffffffffful,
    0xfffffffffffffffeul, 0x0123456789abcdeful, 0xfedcba9876543210ul,
};
#define EDGE_COUNT (sizeof edge_values / sizeof edge_values[0])

static inline void report2(const char *op, u64 a, u64 b, u64 result) {
    put_str(op); put_char(' ');
    put_hex64(a); put_char(' ');
    put_hex64(b); put_str(" -> ");
    put_hex64(result); put_nl();
}

static inline void report1(const char *op, const char *imm, u64 a, u64 result) {
    put_str(op); put_char(' ');
    put_hex64(a); put_char(' ');
    put_str(imm); put_str(" -> ");
    put_hex64(result); put_nl();
}

/* Register-register op over every pair of edge values. */
#define TEST_RR(insn)                                                           \
    for (size_t i_ = 0; i_ < EDGE_COUNT; i_++)                                 \
        for (size_t j_ = 0; j_ < EDGE_COUNT; j_++) {                           \
            u64 r_;                                                             \
            __asm__ volatile(insn " %0, %1, %2"                                 \
                             : "=r"(r_)                                         \
                             : "r"(edge_values[i_]), "r"(edge_values[j_]));     \
            report2(insn, edge_values[i_], edge_values[j_], r_);               \
        }

/* Register-immediate op (the immediate is a literal in the instruction). */
#define TEST_RI(insn, imm)                                                      \
    for (size_t i_ = 0; i_ < EDGE_COUNT; i_++) {                               \
        u64 r_;                                                                 \
        __asm__ volatile(insn " %0, %1, " #imm : "=r"(r_) : "r"(edge_values[i_])); \
        report1(insn, #imm, edge_values[i_], r_);                              \
    }

/* One-operand op (clz, cpop, sext.b, ...). */
#define TEST_R1(insn)                                                           \
    for (size_t i_ = 0; i_ < EDGE_COUNT; i_++) {                               \
        u64 r_;                                                                 \
        __asm__ volatile(insn " %0, %1" : "=r"(r_) : "r"(edge_values[i_]));    \
        report1(insn, "-", edge_values[i_], r_);                               \
    }

#endif
