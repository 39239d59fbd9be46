// `-d` logging for the execution loop, in the spirit of QEMU's -d items.
// The loop tests one bit of `mask` before building any string, so a disabled
// item costs an integer test.

export const LogFlag = {
  /** Guest instructions of every new TB, disassembled. */
  IN_ASM: 1 << 0,
  /** IR of every new TB, before optimization. */
  OP: 1 << 1,
  /** IR after optimization. */
  OP_OPT: 1 << 2,
  /** Generated code (the Wasm tier logs this itself). */
  OUT_ASM: 1 << 3,
  /** One `Trace` line per TB the loop enters (chained TBs are not seen; add nochain). */
  EXEC: 1 << 4,
  /** The guest registers before each TB the loop enters. */
  CPU: 1 << 5,
  /** Guest exceptions and interrupts. */
  INT: 1 << 6,
  /** One line per translated TB: pc, instructions, bytes, IR ops, estimated size. */
  TB_STATS: 1 << 7,
  /** Do not chain TBs, so `exec` sees every TB (QEMU's -d nochain). */
  NOCHAIN: 1 << 8,
} as const;

const FLAG_NAMES: Record<string, number> = {
  in_asm: LogFlag.IN_ASM,
  op: LogFlag.OP,
  op_opt: LogFlag.OP_OPT,
  out_asm: LogFlag.OUT_ASM,
  exec: LogFlag.EXEC,
  cpu: LogFlag.CPU,
  int: LogFlag.INT,
  'tb-stats': LogFlag.TB_STATS,
  nochain: LogFlag.NOCHAIN,
};

export interface ExecLogger {
  /** LogFlag bits that are enabled. */
  readonly mask: number;
  /** Where lines go (stderr, a file, the browser console). One call per line or block. */
  sink(line: string): void;
  /** The target's register dump for `cpu`. */
  dumpCpu?(): string;
}

/** Parse a `-d` list such as "in_asm,op_opt,exec"; throws on an unknown item. */
export function parseLogMask(spec: string): number {
  let mask = 0;
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const bit = FLAG_NAMES[item];
    if (bit === undefined) {
      throw new Error(`unknown -d item '${item}' (known: ${Object.keys(FLAG_NAMES).join(', ')})`);
    }
    mask |= bit;
  }
  return mask;
}

export function logItemNames(): string[] {
  return Object.keys(FLAG_NAMES);
}

export function makeLogger(spec: string, sink: (line: string) => void, dumpCpu?: () => string): ExecLogger {
  return { mask: parseLogMask(spec), sink, dumpCpu };
}

/** 0x-prefixed, zero-padded 64-bit hex of (lo, hi). */
export function hex64(lo: number, hi: number): string {
  return `0x${(hi >>> 0).toString(16).padStart(8, '0')}${(lo >>> 0).toString(16).padStart(8, '0')}`;
}
