/* Self-relocation for static-PIE tiny programs (see start_pie.S). Runs before
 * relocation, so it uses only its arguments and locals: no global data. */
#include "tiny.h"

#define DT_NULL 0
#define DT_RELA 7
#define DT_RELASZ 8
#define R_RISCV_RELATIVE 3

struct dynamic_entry { i64 tag; u64 value; };
struct rela { u64 offset; u64 info; i64 addend; };

void tiny_relocate_self(u64 load_bias, const struct dynamic_entry *dynamic) {
    u64 rela_address = 0, rela_size = 0;
    for (; dynamic->tag != DT_NULL; dynamic++) {
        if (dynamic->tag == DT_RELA) rela_address = dynamic->value;
        if (dynamic->tag == DT_RELASZ) rela_size = dynamic->value;
    }
    const struct rela *entry = (const struct rela *)(load_bias + rela_address);
    for (u64 i = 0; i < rela_size / sizeof *entry; i++)
        if ((entry[i].info & 0xffffffff) == R_RISCV_RELATIVE)
            *(u64 *)(load_bias + entry[i].offset) = load_bias + (u64)entry[i].addend;
}
