/* Self-modifying code: instruction words written into an mmap'ed
 * read/write/execute buffer, run, patched, made visible with fence.i and run
 * again. A translator that keeps a stale translation prints the old values. */
#include "tiny/tiny.h"

#define PROT_RWX 7
#define MAP_PRIVATE_ANONYMOUS 0x22

/* Encodings of the few instructions the tests generate. */
static u32 addi_a0_zero(i32 imm) { return ((u32)imm << 20) | 0x513; } /* addi a0, zero, imm */
#define INSN_RET        0x00008067u /* jalr zero, 0(ra) */
#define INSN_NOP        0x00000013u /* addi zero, zero, 0 */
#define INSN_FENCE_I    0x0000100fu
#define INSN_SW_A1_12_A0 0x00b52623u /* sw a1, 12(a0) */
#define INSN_ADD_A0_A0_A1 0x00b50533u /* add a0, a0, a1 */

typedef u64 (*generated_fn)(u64, u64);

static void sync_icache(void) { __asm__ volatile("fence.i" ::: "memory"); }

static void report(const char *what, u64 value) {
    put_str(what); put_str(": "); put_dec((i64)value); put_nl();
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    long mapped = tiny_syscall6(SYS_mmap, 0, 4096, PROT_RWX, MAP_PRIVATE_ANONYMOUS, -1, 0);
    if (mapped < 0 && mapped > -4096) {
        put_str("mmap failed\n");
        return 1;
    }
    volatile u32 *code = (volatile u32 *)mapped;
    generated_fn fn = (generated_fn)mapped;

    /* Run, patch the immediate, run again. */
    code[0] = addi_a0_zero(42);
    code[1] = INSN_RET;
    sync_icache();
    report("first version", fn(0, 0));
    code[0] = addi_a0_zero(-7);
    sync_icache();
    report("patched immediate", fn(0, 0));

    /* Replace the whole body with a different instruction. */
    code[0] = INSN_ADD_A0_A0_A1;
    sync_icache();
    report("patched to add 1000+234", fn(1000, 234));

    /* Patch many times in a loop, so a hot (possibly compiled) translation is
     * invalidated again and again. */
    u64 sum = 0;
    for (int i = 0; i < 300; i++) {
        code[0] = addi_a0_zero(i);
        sync_icache();
        sum += fn(0, 0);
    }
    report("sum over 300 patches", sum);

    /* A second function further into the same page; patching it must not
     * disturb the first. */
    code[0] = addi_a0_zero(11);
    code[64] = addi_a0_zero(22);
    code[65] = INSN_RET;
    sync_icache();
    generated_fn second = (generated_fn)(mapped + 256);
    report("first after second written", fn(0, 0));
    report("second", second(0, 0));
    code[64] = addi_a0_zero(33);
    sync_icache();
    report("second patched", second(0, 0));
    report("first unchanged", fn(0, 0));

    /* Code that patches an instruction later in its own block, then fence.i:
     * the new word must run, not the one translated before the store. */
    code[0] = INSN_SW_A1_12_A0;
    code[1] = INSN_FENCE_I;
    code[2] = INSN_NOP;
    code[3] = addi_a0_zero(1);
    code[4] = INSN_RET;
    sync_icache();
    for (int round = 2; round <= 4; round++)
        report("self-patched in its own block", fn((u64)mapped, addi_a0_zero(round * 100)));

    put_str("done\n");
    return 0;
}
