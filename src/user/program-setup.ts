// Building the process image qemu-riscv64 style: the program (and its
// dynamic linker, from inside the sysroot), the break, an 8 MiB stack with a
// guard page at the mmap base, the sigreturn trampoline, and the initial
// stack with argv, envp and auxv.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Prot } from '../memory/softmmu-api.js';
import { ElfError, parseElf } from './elf.js';
import { GuestMemoryMap, pageUp } from './guest-memory-map.js';
import { GuestRegisters, Reg } from './guest-registers.js';
import { HostPaths } from './host-paths.js';
import { At, buildInitialStack, CLOCK_TICKS_PER_SECOND, RISCV_HWCAP } from './initial-stack.js';
import { Map_ } from './linux-mman.js';
import { loadElfImage } from './loader.js';
import { installSigreturnTrampoline } from './signal-frame.js';

/** qemu's TARGET_DEFAULT_STACK_SIZE (and Linux's default RLIMIT_STACK). */
export const GUEST_STACK_SIZE = 8 << 20;
const GUARD_SIZE = 4096;
const PHDR_ENTRY_SIZE = 56;

/** A problem with the program itself: reported as "wemu-riscv64: <file>: <message>", exit 1. */
export class ProgramError extends Error {
  override readonly name = 'ProgramError';
}

export interface SetupRequest {
  /** Host path of the program file. */
  program: string;
  argv: readonly string[];
  env: readonly string[];
  paths: HostPaths;
  /** Fixed AT_RANDOM bytes (tests); random otherwise. */
  random?: Uint8Array;
}

export interface ProcessImage {
  entry: number;
  sp: number;
  trampoline: number;
  /** Where the main program's image starts (its load bias for PIE). */
  loadBias: number;
  interpBase: number;
  stackTop: number;
}

/** Read a whole program file; `describe` turns the reason into the message (qemu words the two cases differently). */
function readProgramFile(hostPath: string, describe: (why: string) => string): Uint8Array {
  try {
    return fs.readFileSync(hostPath);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code === 'EISDIR' ? 'Is a directory' : String((e as Error).message);
    throw new ProgramError(describe(why));
  }
}

export function setUpProcess(map: GuestMemoryMap, regs: GuestRegisters, req: SetupRequest): ProcessImage {
  const mainData = readProgramFile(req.program, (why) => `${req.program}: ${why}`);
  let main;
  try {
    main = parseElf(mainData);
  } catch (e) {
    if (e instanceof ElfError) throw new ProgramError(`${req.program}: ${e.message}`);
    throw e;
  }
  let loadedMain;
  try {
    loadedMain = loadElfImage(map, main, path.resolve(req.program));
  } catch (e) {
    if (e instanceof ElfError) throw new ProgramError(`${req.program}: ${e.message}`);
    throw e;
  }
  map.initBrk(pageUp(loadedMain.end));

  // The stack, with a PROT_NONE guard page below it, goes to the first free
  // spot of the mmap area (after a PIE main program), as in qemu.
  const stackBase = map.findFree(GUARD_SIZE + GUEST_STACK_SIZE);
  if (stackBase < 0) throw new ProgramError('no room for the stack');
  map.mmap(stackBase, GUARD_SIZE, 0, Map_.FIXED | Map_.PRIVATE | Map_.ANONYMOUS, null, 0, '');
  map.mmap(stackBase + GUARD_SIZE, GUEST_STACK_SIZE, Prot.READ | Prot.WRITE, Map_.FIXED | Map_.PRIVATE | Map_.ANONYMOUS | Map_.GROWSDOWN, null, 0, '[stack]');
  const stackTop = stackBase + GUARD_SIZE + GUEST_STACK_SIZE;

  let entry = loadedMain.entry;
  let interpBase = 0;
  if (main.interp !== null) {
    const interpHost = req.paths.absolute(main.interp);
    const interpData = readProgramFile(interpHost, (why) => `Could not open '${main.interp}': ${why}`);
    try {
      const interp = parseElf(interpData);
      const loadedInterp = loadElfImage(map, interp, path.resolve(interpHost));
      entry = loadedInterp.entry;
      interpBase = loadedInterp.bias;
    } catch (e) {
      if (e instanceof ElfError) throw new ProgramError(`${main.interp}: ${e.message}`);
      throw e;
    }
  }

  const trampoline = installSigreturnTrampoline(map);
  const ids = {
    uid: process.getuid?.() ?? 0, euid: process.geteuid?.() ?? 0,
    gid: process.getgid?.() ?? 0, egid: process.getegid?.() ?? 0,
  };
  const built = buildInitialStack(map, stackTop, {
    argv: req.argv,
    envp: req.env,
    execfn: req.program,
    random: req.random,
    auxv: [
      [At.PHDR, loadedMain.phdrAddr],
      [At.PHENT, PHDR_ENTRY_SIZE],
      [At.PHNUM, loadedMain.phnum],
      [At.PAGESZ, 4096],
      [At.BASE, interpBase],
      [At.FLAGS, 0],
      [At.ENTRY, loadedMain.entry],
      [At.UID, ids.uid],
      [At.EUID, ids.euid],
      [At.GID, ids.gid],
      [At.EGID, ids.egid],
      [At.SECURE, 0],
      [At.HWCAP, RISCV_HWCAP],
      [At.CLKTCK, CLOCK_TICKS_PER_SECOND],
    ],
  });

  regs.pc = entry;
  regs.setX(Reg.SP, built.sp);
  // The psABI's a0 at process entry: a function for atexit, none here.
  regs.setX(Reg.A0, 0);
  regs.clearReservation();
  return { entry, sp: built.sp, trampoline, loadBias: loadedMain.bias, interpBase, stackTop };
}
