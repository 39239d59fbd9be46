/*
 * Compressed (RVC) instructions written with their explicit c.* mnemonics, so
 * the assembler must encode each as 16 bits (it rejects a form that does not
 * fit). Each routine takes inputs in a0/a1 and a results array in a2, and
 * stores one result per compressed instruction; rvc.c prints them.
 */
    .option rvc
    .text

/* void rvc_alu(u64 a, u64 b, u64 *out) */
    .globl rvc_alu
rvc_alu:
    c.mv    a3, a0
    c.add   a3, a1
    c.sd    a3, 0(a2)           /* c.add */
    c.mv    a3, a0
    c.sub   a3, a1
    c.sd    a3, 8(a2)           /* c.sub */
    c.mv    a3, a0
    c.and   a3, a1
    c.sd    a3, 16(a2)          /* c.and */
    c.mv    a3, a0
    c.or    a3, a1
    c.sd    a3, 24(a2)          /* c.or */
    c.mv    a3, a0
    c.xor   a3, a1
    c.sd    a3, 32(a2)          /* c.xor */
    c.mv    a3, a0
    c.addw  a3, a1
    c.sd    a3, 40(a2)          /* c.addw */
    c.mv    a3, a0
    c.subw  a3, a1
    c.sd    a3, 48(a2)          /* c.subw */
    c.mv    a3, a0
    c.addi  a3, -32
    c.sd    a3, 56(a2)          /* c.addi -32 */
    c.mv    a3, a0
    c.addi  a3, 31
    c.sd    a3, 64(a2)          /* c.addi 31 */
    c.mv    a3, a0
    c.addiw a3, -1
    c.sd    a3, 72(a2)          /* c.addiw -1 */
    c.mv    a3, a0
    c.addiw a3, 0
    c.sd    a3, 80(a2)          /* c.addiw 0 (sext.w) */
    c.mv    a3, a0
    c.slli  a3, 1
    c.sd    a3, 88(a2)          /* c.slli 1 */
    c.mv    a3, a0
    c.slli  a3, 63
    c.sd    a3, 96(a2)          /* c.slli 63 */
    c.mv    a3, a0
    c.srli  a3, 1
    c.sd    a3, 104(a2)         /* c.srli 1 */
    c.mv    a3, a0
    c.srli  a3, 32
    c.sd    a3, 112(a2)         /* c.srli 32 */
    c.mv    a3, a0
    c.srai  a3, 1
    c.sd    a3, 120(a2)         /* c.srai 1 */
    c.mv    a3, a0
    c.srai  a3, 63
    c.sd    a3, 128(a2)         /* c.srai 63 */
    c.mv    a3, a0
    c.andi  a3, -16
    c.sd    a3, 136(a2)         /* c.andi -16 */
    c.mv    a3, a0
    c.andi  a3, 15
    c.sd    a3, 144(a2)         /* c.andi 15 */
    c.li    a3, -32
    c.sd    a3, 152(a2)         /* c.li -32 */
    c.li    a3, 31
    c.sd    a3, 160(a2)         /* c.li 31 */
    c.lui   a3, 1
    c.sd    a3, 168(a2)         /* c.lui 1 */
    c.lui   a3, 0xfffe0
    c.sd    a3, 176(a2)         /* c.lui 0xfffe0 (-32 << 12) */
    c.lui   a3, 31
    c.sd    a3, 184(a2)         /* c.lui 31 */
    c.mv    a3, a0
    c.nop
    c.sd    a3, 192(a2)         /* c.nop changes nothing */
    c.jr    ra

/* void rvc_memory(u64 *buffer, u64 unused, u64 *out): loads and stores
 * relative to a register and to sp. */
    .globl rvc_memory
rvc_memory:
    c.ld    a3, 0(a0)
    c.sd    a3, 0(a2)           /* c.ld 0 */
    c.ld    a3, 248(a0)
    c.sd    a3, 8(a2)           /* c.ld 248 */
    c.lw    a3, 4(a0)
    c.sd    a3, 16(a2)          /* c.lw 4 (sign-extended) */
    c.lw    a3, 124(a0)
    c.sd    a3, 24(a2)          /* c.lw 124 */
    c.li    a3, -7
    c.sw    a3, 8(a0)
    c.ld    a4, 8(a0)
    c.sd    a4, 32(a2)          /* c.sw then c.ld */
    c.addi16sp sp, -64
    c.sdsp  a3, 8(sp)
    c.ldsp  a4, 8(sp)
    c.sd    a4, 40(a2)          /* c.sdsp/c.ldsp */
    c.li    a3, 1
    c.slli  a3, 31
    c.addi  a3, 16              /* a3 = 0x80000010 */
    c.swsp  a3, 16(sp)
    c.lwsp  a4, 16(sp)
    c.sd    a4, 48(a2)          /* c.swsp/c.lwsp sign extension */
    c.addi4spn a4, sp, 32
    c.mv    a5, sp
    c.sub   a4, a5
    c.sd    a4, 56(a2)          /* c.addi4spn offset */
    c.mv    a4, sp
    c.addi16sp sp, 64
    c.mv    a5, sp
    c.sub   a4, a5
    c.sd    a4, 64(a2)          /* c.addi16sp -64 then +64 */
    c.jr    ra

/* u64 rvc_control(u64 a): compressed branches and jumps; returns a bit set
 * recording which paths ran. */
    .globl rvc_control
rvc_control:
    c.li    a1, 0
    c.beqz  a0, 1f
    c.addi  a1, 1               /* bit 0: a != 0 */
1:  c.bnez  a0, 2f
    c.addi  a1, 2               /* bit 1: a == 0 */
2:  c.j     3f
    c.addi  a1, 16              /* skipped by c.j */
3:  c.mv    a5, ra
    la      a4, 4f
    c.jalr  a4                  /* call 4: */
    c.addi  a1, 4               /* bit 2: returned from c.jalr */
    c.mv    ra, a5
    c.mv    a0, a1
    c.jr    ra
4:  c.addi  a1, 8               /* bit 3: reached through c.jalr */
    c.jr    ra
