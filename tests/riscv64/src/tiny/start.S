/*
 * _start for tiny programs linked at a fixed address (-static). The kernel
 * (or emulator) leaves argc at sp with argv, envp and auxv after it. gp is set
 * so linker-relaxed gp-relative accesses are valid.
 */
    .section .text._start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    ld      a0, 0(sp)           /* argc */
    addi    a1, sp, 8           /* argv */
    andi    sp, sp, -16
    call    tiny_start_main
