// Linux user mode: one guest process on the DBT core. Wires the linear
// memory, the guest memory map, the RISC-V target, the soft MMU, the
// interpreter tier and the execution loop together, loads the program, and
// runs the CPU loop: slices of guest code, with system calls and signals
// handled whenever the loop comes back with a guest exception, and guest
// threads switched between slices (threads.ts).

import * as nodePath from 'node:path';
import { InterpTier } from '../backend/interp/interp-tier.js';
import { DirectTier } from '../target/riscv/direct/direct-tier.js';
import { EXIT_BUDGET, EXIT_EXCEPTION, ExecLoop } from '../exec/exec-loop.js';
import { ExecLogger, LogFlag, makeLogger } from '../exec/log.js';
import { TierPolicy } from '../exec/tier-policy.js';
import { optimize } from '../ir/optimize.js';
import { ExitCode } from '../ir/ops.js';
import { LinearMemory } from '../memory/linear-memory.js';
import { PageAllocator } from '../memory/page-allocator.js';
import { SoftMmu } from '../memory/softmmu.js';
import { Excp } from '../target/riscv/cpu-layout.js';
import { RiscvTarget } from '../target/riscv/riscv-target.js';
import { ForkEmulation } from './fork-emulation.js';
import { GuestMemoryMap } from './guest-memory-map.js';
import { GuestRegisters } from './guest-registers.js';
import { HostPaths } from './host-paths.js';
import { UserProcess } from './process.js';
import { ProcessImage, setUpProcess } from './program-setup.js';
import { dispositionOf, setupRtFrame } from './signal-frame.js';
import { defaultAction, DefaultAction, Sig, SiCode, SigInfo, signalName } from './signals.js';
import { SyscallDispatcher } from './syscalls.js';
import { pollAlarm } from './syscalls-time.js';
import {
  accelProperties, coldTierStatsLines, createColdTiers, createTierPolicy, execStatsLines, tbCacheStatsLines, tierStatsLines,
} from './tier-choice.js';
import type { TierOptions } from './tier-options.js';

export interface UserModeOptions {
  /** Host path of the program. */
  program: string;
  /** Guest argv (argv[0] included). */
  argv: readonly string[];
  /** Guest environment, "NAME=value" strings. */
  env: readonly string[];
  /** The -L directory. */
  sysroot?: string | null;
  /** -strace / -d strace. */
  strace?: boolean;
  /** -d items for the execution loop (strace excluded), e.g. "in_asm,exec". */
  logItems?: string;
  /** Where log lines go (default: stderr). */
  logSink?: (text: string) => void;
  /** -accel tcg,tb-size=N. */
  tbSizeMiB?: number;
  tier?: TierOptions;
  /** Run the IR optimizer on each TB (default true). */
  optimize?: boolean;
  /** Capture guest stdout/stderr instead of writing the host fds (tests). */
  stdoutSink?: (bytes: Uint8Array) => void;
  stderrSink?: (bytes: Uint8Array) => void;
  /** Fixed AT_RANDOM bytes (tests). */
  random?: Uint8Array;
}

export interface UserModeResult {
  /** The guest's exit status, or 128 + signal when a signal killed it. */
  exitCode: number;
  /** The signal that killed the guest, or null for a normal exit. */
  signal: number | null;
  /** Whether that signal's default action dumps core (the shell's "(core dumped)"). */
  coreDump: boolean;
  guestInstructions: bigint;
}

/**
 * Guest instructions per loop.run slice: long enough that the per-slice
 * bookkeeping is noise, short enough (a few ms in the interpreter) that the
 * async runner yields to the event loop often.
 */
const SLICE_INSNS = 1_000_000;
/** The async runner yields to the event loop after this much wall time. */
const YIELD_EVERY_MS = 50;

export class UserMode {
  readonly mem = new LinearMemory();
  readonly pages = new PageAllocator(this.mem);
  readonly map = new GuestMemoryMap(this.mem, this.pages);
  readonly regs = new GuestRegisters(this.mem);
  readonly target = new RiscvTarget(this.mem, { mmuIdx: 0 });
  readonly mmu = new SoftMmu(this.mem, this.map, this.target);
  readonly interp: InterpTier;
  readonly direct: DirectTier | undefined;
  readonly loop: ExecLoop;
  readonly process: UserProcess;
  readonly logger: ExecLogger | undefined;
  /** The Wasm tiering policy, or undefined when only the interpreter runs. */
  readonly policy: TierPolicy | undefined;
  private readonly fork: ForkEmulation;
  private readonly syscalls: SyscallDispatcher;
  private readonly log: (text: string) => void;
  private image: ProcessImage | null = null;

  constructor(readonly options: UserModeOptions) {
    this.log = options.logSink ?? ((text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'));
    const items = options.logItems ?? '';
    this.logger = items !== '' ? makeLogger(items, (line) => this.log(line.endsWith('\n') ? line : line + '\n'), () => this.dumpCpu()) : undefined;
    const tier = options.tier ?? { kind: 'interp' };
    ({ interp: this.interp, direct: this.direct } = createColdTiers(this.mem, this.mmu, this.target, tier));
    this.policy = createTierPolicy(tier, this);
    const policy = this.policy;
    this.loop = new ExecLoop({
      mem: this.mem,
      mmu: this.mmu,
      target: this.target,
      tier: this.interp,
      direct: this.direct,
      policy,
      optimize: options.optimize === false ? undefined : optimize,
      log: this.logger,
      tbSizeMiB: options.tbSizeMiB,
    });
    this.map.listener = {
      flushPage: (lo, hi) => this.mmu.flushPage(lo, hi),
      flushAll: () => this.mmu.flushAll(),
      hostPageFreed: (hostPage) => {
        if (this.mmu.isCodePage(hostPage)) this.loop.invalidateHostPage(hostPage);
      },
      hostWritten: (hostPage) => this.mmu.noteHostWrite(hostPage),
    };
    this.fork = new ForkEmulation({
      mem: this.mem,
      flushTranslations: () => {
        this.loop.flushAll();
        this.mmu.flushAll();
      },
      inheritedArgs: () => this.childArgs(),
    });
    this.syscalls = new SyscallDispatcher((table) => this.fork.register(table));
    // Absolute now: the guest may chdir before it asks for /proc/self/exe.
    const exeHostPath = nodePath.resolve(options.program);
    const paths = new HostPaths(options.sysroot ?? null, exeHostPath);
    this.process = new UserProcess(this.map, this.regs, {
      exePath: options.program,
      exeHostPath,
      paths,
      strace: options.strace ? (line) => this.log(line) : null,
      stdoutSink: options.stdoutSink,
      stderrSink: options.stderrSink,
    });
  }

  /** Load the program and build its stack. Throws ProgramError for a bad program. */
  load(): ProcessImage {
    this.image = setUpProcess(this.map, this.regs, {
      program: this.options.program,
      argv: this.options.argv,
      env: this.options.env,
      paths: this.process.paths,
      random: this.options.random,
    });
    return this.image;
  }

  /** Run one slice of guest code and handle what stopped it. Returns true while the guest is alive. */
  step(budget = SLICE_INSNS): boolean {
    if (!this.image) this.load();
    const p = this.process;
    if (p.finished) return false;
    const code = this.loop.run(budget);
    if (code === EXIT_EXCEPTION) this.handleException();
    else if (code !== EXIT_BUDGET && code !== ExitCode.Requested) {
      throw new Error(`unexpected exit code ${code} from the execution loop at pc=0x${this.regs.pc.toString(16)}`);
    }
    const threads = p.threads;
    if (!p.finished) {
      pollAlarm(p);
      if (threads.current.runnable) this.deliverSignals();
    }
    // Another guest thread runs when this one blocked, yielded or exited, or its slice is over (threads.ts).
    if (!p.finished && threads.wantsSwitch(code === EXIT_BUDGET)) {
      if (threads.schedule(p, (now) => pollAlarm(p, now))) this.deliverSignals();
    }
    // An emulated fork child that ended hands control back to its parent.
    if (p.finished && this.fork.finishChild(p)) this.deliverSignals();
    return !p.finished;
  }

  /** Options a program started by execve inherits. */
  private childArgs(): string[] {
    const o = this.options;
    const args: string[] = [];
    if (o.sysroot) args.push('-L', o.sysroot);
    const t = o.tier;
    if (t && t.kind !== 'interp') args.push('-accel', `tcg,${accelProperties(t)}`);
    return args;
  }

  /** Run to completion synchronously. */
  runSync(): UserModeResult {
    while (this.step());
    return this.result();
  }

  /** Run to completion, yielding to the event loop now and then. */
  async run(): Promise<UserModeResult> {
    let since = performance.now();
    while (this.step()) {
      if (performance.now() - since > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
    return this.result();
  }

  result(): UserModeResult {
    const p = this.process;
    const signal = p.killedBySignal;
    return {
      exitCode: signal !== null ? 128 + signal : (p.exitStatus ?? 0),
      signal,
      coreDump: signal !== null && defaultAction(signal) === DefaultAction.CoreDump,
      guestInstructions: this.regs.insnCount,
    };
  }

  /** The counters `-d tb-stats` prints at exit. */
  statsReport(): string {
    const s = this.loop.stats;
    return [
      `guest instructions: ${this.regs.insnCount}`,
      ...execStatsLines(s),
      ...coldTierStatsLines(this.interp, this.direct),
      `guest memory resident: ${this.map.residentBytes >> 10} KiB`,
      ...tbCacheStatsLines(this.loop.cache.stats),
      ...tierStatsLines(this.policy),
    ].join('\n') + '\n';
  }

  get logMask(): number {
    return this.logger?.mask ?? 0;
  }

  dumpCpu(): string {
    const t = this.target as unknown as { dumpCpu?: (mem: LinearMemory) => string };
    if (t.dumpCpu) return t.dumpCpu(this.mem);
    const lines = [`pc       ${this.hex(BigInt(this.regs.pc))}`];
    for (let r = 0; r < 32; r += 4) {
      lines.push([0, 1, 2, 3].map((i) => `x${r + i}`.padEnd(4) + ' ' + this.hex(this.regs.x(r + i))).join(' '));
    }
    return lines.join('\n') + '\n';
  }

  private hex(v: bigint): string {
    return v.toString(16).padStart(16, '0');
  }

  private handleException(): void {
    const regs = this.regs, p = this.process;
    const cause = regs.exception;
    const pc = BigInt(regs.pc);
    const value = regs.exceptionValue;
    const fault = (signo: number, code: number, addr: bigint): void =>
      p.signals.raiseThread({ signo, code, addr, pid: 0, uid: 0, synchronous: true });
    switch (cause) {
      case Excp.ECALL_U:
        regs.pc = regs.pc + 4;
        this.syscalls.dispatch(p);
        return;
      case Excp.BREAKPOINT:
        return fault(Sig.TRAP, SiCode.TRAP_BRKPT, pc);
      case Excp.ILLEGAL_INSN:
        return fault(Sig.ILL, SiCode.ILL_ILLOPC, pc);
      case Excp.INSN_MISALIGNED: case Excp.LOAD_MISALIGNED: case Excp.STORE_MISALIGNED:
        return fault(Sig.BUS, SiCode.BUS_ADRALN, value);
      case Excp.INSN_PAGE_FAULT: case Excp.LOAD_PAGE_FAULT: case Excp.STORE_PAGE_FAULT:
      case Excp.INSN_ACCESS: case Excp.LOAD_ACCESS: case Excp.STORE_ACCESS: {
        const mapped = value < 2n ** 53n && this.map.findRegion(Number(value)) !== null;
        return fault(Sig.SEGV, mapped ? SiCode.SEGV_ACCERR : SiCode.SEGV_MAPERR, value);
      }
      default:
        throw new Error(`unexpected guest exception ${cause} at pc=0x${regs.pc.toString(16)}`);
    }
  }

  /** Deliver every pending signal that is not blocked (handlers nest, as on Linux). */
  private deliverSignals(): void {
    const p = this.process;
    for (let info = p.signals.takeDeliverable(); info !== null && !p.finished; info = p.signals.takeDeliverable()) {
      this.deliver(info);
    }
  }

  private deliver(info: SigInfo): void {
    const p = this.process;
    if (p.options.strace) this.log(`--- ${signalName(info.signo)} ${this.describeSiginfo(info)} ---\n`);
    const disposition = dispositionOf(p.signals, info);
    if (disposition === 'ignore') return;
    if (disposition === 'default') {
      const action = defaultAction(info.signo);
      if (action === DefaultAction.Ignore || action === DefaultAction.Stop) return;
      p.killedBySignal = info.signo;
      return;
    }
    const saved = p.suspendRestoreMask ?? p.signals.blocked;
    p.suspendRestoreMask = null;
    if (!setupRtFrame(this.map, this.regs, p.signals, info, this.image!.trampoline, saved)) {
      // No room for the frame: Linux forces SIGSEGV, which then kills the process.
      p.killedBySignal = Sig.SEGV;
    }
  }

  private describeSiginfo(info: SigInfo): string {
    const name = signalName(info.signo);
    if (info.synchronous) {
      const addr = info.addr === 0n ? 'NULL' : '0x' + info.addr.toString(16).padStart(16, '0');
      return `{si_signo=${name}, si_code=${info.code}, si_addr=${addr}}`;
    }
    return `{si_signo=${name}, si_code=${info.code === SiCode.TKILL ? 'SI_TKILL' : 'SI_USER'}, si_pid=${info.pid}, si_uid=${info.uid}}`;
  }
}

/** Load and run a program in-process (tests, the benchmark). ProgramError for a bad program. */
export async function runUserProgram(options: UserModeOptions): Promise<UserModeResult> {
  const um = new UserMode(options);
  um.load();
  const result = await um.run();
  if (um.logMask & LogFlag.TB_STATS) (options.logSink ?? ((t: string) => process.stderr.write(t)))(um.statsReport());
  return result;
}
