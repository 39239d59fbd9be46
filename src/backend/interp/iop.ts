// The interpreter's opcode numbers (the first word of every encoded op).
//
// Values 0..108 mirror `Opc` one for one, so a value op is encoded with its
// IR opcode and operands in IR order (outputs, inputs, constant args), temps
// replaced by word indices. A `const enum` with literal values lets V8 build a
// jump table for the dispatch switch (case labels reading the non-const `Opc`
// object would not be Smi literals). tests/ir/op-coverage.test.ts checks the
// mirror against ops.ts.
//
// Values from 128 up are the interpreter's own specialised forms: guest loads
// and stores split by width and sign so the fast path has no inner switch.

export const enum IOp {
  mov_i32 = 0,
  mov_i64 = 1,
  setcond_i32 = 2,
  setcond_i64 = 3,
  negsetcond_i32 = 4,
  negsetcond_i64 = 5,
  movcond_i32 = 6,
  movcond_i64 = 7,
  add_i32 = 8,
  add_i64 = 9,
  sub_i32 = 10,
  sub_i64 = 11,
  mul_i32 = 12,
  mul_i64 = 13,
  neg_i32 = 14,
  neg_i64 = 15,
  div_i32 = 16,
  div_i64 = 17,
  divu_i32 = 18,
  divu_i64 = 19,
  rem_i32 = 20,
  rem_i64 = 21,
  remu_i32 = 22,
  remu_i64 = 23,
  add2_i32 = 24,
  add2_i64 = 25,
  sub2_i32 = 26,
  sub2_i64 = 27,
  mulu2_i32 = 28,
  mulu2_i64 = 29,
  muls2_i32 = 30,
  muls2_i64 = 31,
  and_i32 = 32,
  and_i64 = 33,
  or_i32 = 34,
  or_i64 = 35,
  xor_i32 = 36,
  xor_i64 = 37,
  andc_i32 = 38,
  andc_i64 = 39,
  orc_i32 = 40,
  orc_i64 = 41,
  eqv_i32 = 42,
  eqv_i64 = 43,
  nand_i32 = 44,
  nand_i64 = 45,
  nor_i32 = 46,
  nor_i64 = 47,
  not_i32 = 48,
  not_i64 = 49,
  shl_i32 = 50,
  shl_i64 = 51,
  shr_i32 = 52,
  shr_i64 = 53,
  sar_i32 = 54,
  sar_i64 = 55,
  rotl_i32 = 56,
  rotl_i64 = 57,
  rotr_i32 = 58,
  rotr_i64 = 59,
  clz_i32 = 60,
  clz_i64 = 61,
  ctz_i32 = 62,
  ctz_i64 = 63,
  ctpop_i32 = 64,
  ctpop_i64 = 65,
  deposit_i32 = 66,
  deposit_i64 = 67,
  extract_i32 = 68,
  extract_i64 = 69,
  sextract_i32 = 70,
  sextract_i64 = 71,
  ext8s_i32 = 72,
  ext8s_i64 = 73,
  ext8u_i32 = 74,
  ext8u_i64 = 75,
  ext16s_i32 = 76,
  ext16s_i64 = 77,
  ext16u_i32 = 78,
  ext16u_i64 = 79,
  ext32s_i64 = 80,
  ext32u_i64 = 81,
  ext_i32_i64 = 82,
  extu_i32_i64 = 83,
  extrl_i64_i32 = 84,
  extrh_i64_i32 = 85,
  bswap16_i32 = 86,
  bswap16_i64 = 87,
  bswap32_i32 = 88,
  bswap32_i64 = 89,
  bswap64_i64 = 90,
  ld_i32 = 91,
  ld_i64 = 92,
  st_i32 = 93,
  st_i64 = 94,
  qemu_ld_i32 = 95,
  qemu_ld_i64 = 96,
  qemu_st_i32 = 97,
  qemu_st_i64 = 98,
  set_label = 99,
  br = 100,
  brcond_i32 = 101,
  brcond_i64 = 102,
  call = 103,
  exit_tb = 104,
  goto_tb = 105,
  goto_ptr = 106,
  insn_start = 107,
  mb = 108,

  // qemu_ld, little-endian, one opcode per (destination width, size, sign):
  // [op, d, base, tlbTableWord, memop, mmu, pcLo, pcHi, offLo, offHi]; the
  // guest address is base + off (an `add_i64 tmp, base, imm` feeding the
  // access is folded in: RISC-V loads and stores all have an offset).
  QLD32_8U = 128, QLD32_8S, QLD32_16U, QLD32_16S, QLD32_32,
  QLD64_8U, QLD64_8S, QLD64_16U, QLD64_16S, QLD64_32U, QLD64_32S, QLD64_64,
  /** Any MemOp (byte-swapped ones): assembled byte by byte. [op, d, addr, tlbTableWord, memop, mmu, pcLo, pcHi, is64] */
  QLD_GENERIC,
  // qemu_st, little-endian: [op, value, base, tlbTableWord, memop, mmu, pcLo, pcHi, offLo, offHi]
  QST_8, QST_16, QST_32, QST_64,
  QST_GENERIC,
  /** add_i64 d = a + immediate: [op, d, a, immLo, immHi]. The commonest op of RISC-V code (addi, address arithmetic). */
  ADDI64,

  // Superoperators and specialised forms, chosen from dynamic op counts of
  // bench_{sha256,sort,sieve} (see the table in encode.ts).
  /** mov_i64 d, constant: [op, d, lo, hi]. */
  MOVI64,
  /** mov_i64 pc, constant; goto_tb slot: [op, slot, pcLo, pcHi]. Every TB exit to a known pc. */
  GOTO_TB_PC,
  /**
   * The two-way TB end of every conditional guest branch:
   *   brcond_i64 a, b, cond, L; mov pc, X; goto_tb s1; set_label L; mov pc, Y; goto_tb s0
   * [op, a, b, cond, takenSlot, takenLo, takenHi, fallSlot, fallLo, fallHi].
   * One form for all conditions: one opcode per condition (and BR64_* for
   * plain brcond) measured no faster on bench_sha256/sort, and every extra
   * case makes V8's (re)compiles of the dispatch loop longer, which is what
   * short runs pay most for (0.7-1 s of compile per 1-2 s run).
   */
  BRTB64,
  /** RV64 "W" forms: add/sub_i64 t, a, b; ext32s_i64 d, t: [op, d, a, b]; ADDIW [op, d, a, immLo]. */
  ADDW, SUBW, ADDIW,
  /** extrl_i64_i32 t1, a; shl/shr/sar_i32 t2, t1, n; ext_i32_i64 d, t2: [op, d, a, nWord]. */
  SLLW, SRLW, SRAW,
}

/** Number of interpreter opcodes covered by the Opc mirror. */
export const IOP_MIRROR_COUNT = 109;
