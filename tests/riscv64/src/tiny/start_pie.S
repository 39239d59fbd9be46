/*
 * _start for tiny programs linked as static PIE (-static-pie): no dynamic
 * loader runs, so the program applies its own R_RISCV_RELATIVE relocations
 * (tiny_relocate_self) before touching any pointer stored in data. Only
 * pc-relative addressing (lla, call) is used until then.
 */
    .section .text._start, "ax"
    .globl _start
_start:
    mv      s0, sp
    lla     a0, __ehdr_start    /* where the ELF header was loaded: the load bias, */
    lla     a1, _DYNAMIC        /* since a static PIE is linked at address 0 */
    call    tiny_relocate_self
    mv      sp, s0
    ld      a0, 0(sp)
    addi    a1, sp, 8
    andi    sp, sp, -16
    call    tiny_start_main
