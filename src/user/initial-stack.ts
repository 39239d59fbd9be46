// The process's initial stack, as Linux's create_elf_tables builds it:
//
//   high   8 zero bytes, the AT_EXECFN string, environment strings, argument strings
//          16 random bytes (AT_RANDOM)
//          padding so that sp ends 16-byte aligned (the RISC-V psABI requires it)
//          auxv (pairs, ending with AT_NULL), NULL, envp[], NULL, argv[], argc   <- sp
//   low

import { randomBytes } from 'node:crypto';
import { GuestMemoryMap } from './guest-memory-map.js';

export const At = {
  NULL: 0,
  PHDR: 3,
  PHENT: 4,
  PHNUM: 5,
  PAGESZ: 6,
  BASE: 7,
  FLAGS: 8,
  ENTRY: 9,
  UID: 11,
  EUID: 12,
  GID: 13,
  EGID: 14,
  HWCAP: 16,
  CLKTCK: 17,
  SECURE: 23,
  RANDOM: 25,
  EXECFN: 31,
} as const;

/** RISC-V AT_HWCAP: one bit per single-letter extension, bit (letter - 'A'): here I, M, A, F, D, C. */
export const RISCV_HWCAP = [...'IMAFDC'].reduce((bits, ch) => bits | (1 << (ch.charCodeAt(0) - 65)), 0);

/** Linux's USER_HZ: the unit of times(2) and of AT_CLKTCK. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface StackImage {
  argv: readonly string[];
  envp: readonly string[];
  execfn: string;
  /** Pairs other than AT_RANDOM, AT_EXECFN and AT_NULL (added here because they point into the stack). */
  auxv: readonly (readonly [number, number])[];
  /** Bytes for AT_RANDOM; random if absent (tests pass fixed ones). */
  random?: Uint8Array;
}

export interface BuiltStack {
  sp: number;
  argvAddr: number;
  envpAddr: number;
  auxvAddr: number;
  randomAddr: number;
}

export function buildInitialStack(map: GuestMemoryMap, stackTop: number, image: StackImage): BuiltStack {
  let p = stackTop - 8; // the 8 zero bytes at the very top
  const pushString = (s: string): number => {
    const bytes = Buffer.from(s + '\0', 'utf8');
    p -= bytes.length;
    if (!map.write(p, bytes)) throw new Error('initial stack overflow');
    return p;
  };
  const execfnAddr = pushString(image.execfn);
  // Pushed last-to-first, so the strings ascend in memory as on Linux (argv[0] lowest).
  const envAddrs = [...image.envp].reverse().map(pushString).reverse();
  const argAddrs = [...image.argv].reverse().map(pushString).reverse();
  return finishStack(map, p, image, execfnAddr, argAddrs, envAddrs);
}

function alignDown(v: number, a: number): number {
  return v - (((v % a) + a) % a);
}

function finishStack(map: GuestMemoryMap, below: number, image: StackImage, execfnAddr: number, argAddrs: number[], envAddrs: number[]): BuiltStack {
  const random = image.random ?? randomBytes(16);
  const randomAddr = alignDown(below - 16, 16);
  if (!map.write(randomAddr, random)) throw new Error('initial stack overflow');

  const auxv: [number, number][] = [...image.auxv.map(([k, v]) => [k, v] as [number, number]), [At.RANDOM, randomAddr], [At.EXECFN, execfnAddr], [At.NULL, 0]];
  const words = 1 + argAddrs.length + 1 + envAddrs.length + 1 + auxv.length * 2;
  const sp = alignDown(randomAddr - words * 8, 16);
  const table = new DataView(new ArrayBuffer(words * 8));
  let w = 0;
  const put = (v: number): void => {
    table.setBigUint64(w * 8, BigInt(v), true);
    w++;
  };
  put(argAddrs.length);
  argAddrs.forEach(put);
  put(0);
  envAddrs.forEach(put);
  put(0);
  for (const [k, v] of auxv) {
    put(k);
    put(v);
  }
  if (!map.write(sp, new Uint8Array(table.buffer))) throw new Error('initial stack overflow');
  const argvAddr = sp + 8;
  const envpAddr = argvAddr + (argAddrs.length + 1) * 8;
  const auxvAddr = envpAddr + (envAddrs.length + 1) * 8;
  return { sp, argvAddr, envpAddr, auxvAddr, randomAddr };
}
