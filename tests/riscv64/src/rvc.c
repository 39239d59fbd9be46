/* Compressed instructions (rvc_ops.S): arithmetic, loads/stores, branches
 * and jumps, over a few operand pairs. */
#include "tiny/report.h"

void rvc_alu(u64 a, u64 b, u64 *out);
void rvc_memory(u64 *buffer, u64 unused, u64 *out);
u64 rvc_control(u64 a);

static const char *const alu_names[] = {
    "c.add", "c.sub", "c.and", "c.or", "c.xor", "c.addw", "c.subw",
    "c.addi -32", "c.addi 31", "c.addiw -1", "c.addiw 0",
    "c.slli 1", "c.slli 63", "c.srli 1", "c.srli 32", "c.srai 1", "c.srai 63",
    "c.andi -16", "c.andi 15", "c.li -32", "c.li 31",
    "c.lui 1", "c.lui 0xfffe0", "c.lui 31", "c.nop",
};

static const char *const memory_names[] = {
    "c.ld 0", "c.ld 248", "c.lw 4", "c.lw 124", "c.sw/c.ld", "c.sdsp/c.ldsp",
    "c.swsp/c.lwsp", "c.addi4spn 32", "c.addi16sp -64/+64",
};

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    u64 out[32];
    for (size_t i = 0; i < EDGE_COUNT; i += 3)
        for (size_t j = 0; j < EDGE_COUNT; j += 2) {
            rvc_alu(edge_values[i], edge_values[j], out);
            for (size_t k = 0; k < sizeof alu_names / sizeof alu_names[0]; k++)
                report2(alu_names[k], edge_values[i], edge_values[j], out[k]);
        }

    static u64 buffer[32];
    for (int i = 0; i < 32; i++) buffer[i] = 0x8070605040302010ul + (u64)i * 0x0101010101010101ul;
    rvc_memory(buffer, 0, out);
    for (size_t k = 0; k < sizeof memory_names / sizeof memory_names[0]; k++)
        report1(memory_names[k], "-", 0, out[k]);

    report1("rvc-control", "-", 0, rvc_control(0));
    report1("rvc-control", "-", 5, rvc_control(5));
    put_str("done\n");
    return 0;
}
