// Where everything lives in the one linear memory (DESIGN.md decision 1).
//
// The generated Wasm modules import this memory; the interpreter, helpers and
// devices use typed-array views of the same buffer. Offsets defined here are
// the only ones: nobody else hard-codes a location.
//
//   0x0000_0000  null page: never used, so offset 0 can mean "none"
//   0x0001_0000  CPU state of vCPU 0 (CPU_STATE_SIZE bytes): generic header, then the target's fields
//   0x0002_0000  interpreter frame: TB-local temps, 8 bytes each
//   0x0003_0000  TLBs of vCPU 0 (TLB_MMU_COUNT tables of TLB_ENTRIES entries)
//   0x0008_0000  Wasm tier: jump cache of the dispatcher (pc, flags -> module slot, entry)
//   0x0010_0000  Wasm tier: last-use tick of each module slot (LRU eviction)
//   0x0020_0000  constant pool of translated code (interpreter), 8 bytes per constant
//   0x0100_0000  guest pages (RAM in system mode, mapped pages in user mode), growing upwards

export const LINEAR_PAGE = 65536;

export const CPU_BASE = 0x1_0000;
export const CPU_STATE_SIZE = 0x1_0000;

/** The interpreter's frame of TB-local temps. */
export const FRAME_BASE = 0x2_0000;
export const FRAME_SIZE = 0x1_0000;

export const TLB_BASE = 0x3_0000;

/**
 * The Wasm dispatcher's jump cache (src/backend/wasm/dispatcher.ts): direct
 * mapped, WASM_JUMP_CACHE_ENTRIES entries of 32 bytes, so generated code
 * reaching a TB of another module finds it without leaving Wasm.
 */
export const WASM_JUMP_CACHE_BASE = 0x8_0000;
export const WASM_JUMP_CACHE_ENTRIES = 16384;
/** One i32 per dispatcher table slot: the tick of the slot's last entry. */
export const WASM_SLOT_USE_BASE = 0x10_0000;
export const WASM_MAX_SLOTS = 16384;
export const CONST_POOL_BASE = 0x20_0000;
export const CONST_POOL_SIZE = 0xe0_0000;

export const GUEST_BASE = 0x100_0000;

/**
 * The generic CPU header: fields every guest has and the target-independent
 * core (exec, backends) reads. Offsets are relative to the CPU base.
 * The target's own fields start at CPU_TARGET_BASE.
 */
export const Cpu = {
  /** Guest pc, i64. Valid at TB boundaries and before anything that may raise. */
  PC: 0,
  /** i32: non-zero asks generated code to return to the loop at the next check. */
  EXIT_REQUEST: 8,
  /** i32: the pending exception number (target-defined) when a TB exits by raising. */
  EXCEPTION: 12,
  /** i64: the value that goes with the exception (fault address, instruction bits). */
  EXCEPTION_VALUE: 16,
  /** i64: guest instructions retired, kept up to date at TB boundaries. */
  INSN_COUNT: 24,
  /** 2 x i64: results of helpers and of the memory slow path (lo word first). */
  HELPER_RET: 32,
  /** 8 x i64: helper arguments, written by the backend before a call. */
  HELPER_ARGS: 48,
  /** i32: TB flags the target computed for the current TB (privilege, FS, ...). */
  TB_FLAGS: 112,
  /** i32: the Wasm tier's slice budget, handed into and back out of generated code. */
  WASM_BUDGET: 116,
  /** i32: module-local index of the TB that generated code ran last (Wasm tier). */
  WASM_LAST_TB: 120,
  /** i32: dispatcher table slot of the module that ran last (Wasm tier). */
  WASM_LAST_SLOT: 124,
  /** i32: the Wasm tier's use tick, copied into the slot-use table at each module entry. */
  WASM_USE_TICK: 128,
  /** i32: jumps the dispatcher followed from one module into another since the tier last read it. */
  WASM_HOPS: 132,
} as const;

export const HELPER_ARG_SLOTS = 8;
export const HELPER_RET_SLOTS = 2;
/** HELPER_RET holds two i64 results (for helpers with two outputs). */
export const CPU_HEADER_SIZE = 256;
export const CPU_TARGET_BASE = CPU_HEADER_SIZE;
