// A whole RISC-V `virt` machine and its run loop (what wemu-system-riscv64
// runs): linear memory, the system hart and its soft MMU, the interpreter
// tier (plus the Wasm tier if asked), the execution loop and the board.
//
// The run loop, one turn per slice of guest code:
//   board.update()            timer and RTC lines up to date
//   hart.checkInterrupts()    take a deliverable interrupt (trap entry)
//   loop.run(SLICE)           guest code, until the budget, an exception,
//                             an exit request (device interrupt, poweroff) or wfi
//   EXIT_EXCEPTION            hart.handleException() (trap entry)
//   RV_EXIT_WFI               idle the host (setTimeout) until the next timer
//                             deadline or console input, unless an interrupt
//                             is already pending
// It yields to the Node event loop every few milliseconds so console input
// and timers are seen. A write to the test device stops it with a status.

import { InterpTier } from '../backend/interp/interp-tier.js';
import { EXIT_BUDGET, EXIT_EXCEPTION, ExecLoop } from '../exec/exec-loop.js';
import { ExecLogger, LogFlag, makeLogger } from '../exec/log.js';
import { TierPolicy } from '../exec/tier-policy.js';
import { optimize } from '../ir/optimize.js';
import { ExitCode } from '../ir/ops.js';
import { Cpu, CPU_BASE } from '../memory/layout.js';
import { LinearMemory } from '../memory/linear-memory.js';
import { PageAllocator } from '../memory/page-allocator.js';
import { SoftMmu } from '../memory/softmmu.js';
import { dumpCpu } from '../target/riscv/cpu-dump.js';
import { xOffset } from '../target/riscv/cpu-layout.js';
import { RiscvTarget } from '../target/riscv/riscv-target.js';
import { createRiscvSystemCpu, RiscvHart, RV_EXIT_WFI } from '../target/riscv/system/system-cpu.js';
import { CLINT_TIMEBASE_HZ } from '../hw/clint.js';
import { CharBackend } from '../hw/device.js';
import {
  coldTierStatsLines, createColdTiers, createTierPolicy, execStatsLines, tbCacheStatsLines, tierStatsLines,
} from '../user/tier-choice.js';
import type { TierOptions } from '../user/tier-options.js';
import { DirectTier } from '../target/riscv/direct/direct-tier.js';
import { BootImages, BootInfo, bootVirt } from './boot.js';
import { rngSeedBytes } from './rng-seed.js';
import { VirtBoard, VirtBoardState } from './virt.js';
import { EXIT_REQUEST_W } from '../memory/words.js';

export interface SystemMachineOptions {
  ramSize: number;
  images: BootImages;
  /** Kernel command line (-append). */
  bootargs?: string;
  /** -seed: /chosen/rng-seed from this number instead of the host's CSPRNG (a guest whose randomness repeats). */
  seed?: number;
  console: CharBackend;
  tier?: TierOptions;
  tbSizeMiB?: number;
  /** -d items for the execution loop, e.g. "in_asm,exec,int". */
  logItems?: string;
  logSink?: (text: string) => void;
  /** Run the IR optimizer on each TB (default true). */
  optimize?: boolean;
  /** Guest instructions per loop.run slice (default SLICE_INSNS). */
  sliceInsns?: number;
}

/** Why run() returned. */
export interface SystemRunResult {
  /** 'poweroff': the guest wrote the test device; 'quit': the host stopped it (Ctrl-A x, stop()); 'limit': maxInsns reached. */
  reason: 'poweroff' | 'quit' | 'limit';
  /** Exit status for the host process (the test device's status; 0 otherwise). */
  status: number;
  guestInstructions: bigint;
  /** Wall-clock ms spent in run(). */
  ms: number;
  /** Ms of that spent idle (wfi with nothing pending). */
  idleMs: number;
}

/**
 * Guest instructions per slice: a few ms in the interpreter, so timer
 * interrupts are late by at most that, and the event loop is polled often.
 */
export const SLICE_INSNS = 200_000;
/** Shortest slice when a timer deadline is near (the per-slice work stays noise). */
const MIN_SLICE_INSNS = 10_000;
/** Yield to the event loop after this much wall time without one. */
const YIELD_EVERY_MS = 10;
/**
 * ... and after this much while a Wasm module compiles in the background
 * (TierPolicy.compiling): V8 finishes WebAssembly.compile in steps on the
 * event loop, so every yield moves it on. Linux boot: a batch took 39 ms
 * from start to install (p50) with 10 ms between yields, 11 ms with 1 ms,
 * and the interpreter ran ~80M instructions instead of ~64M meanwhile.
 */
const YIELD_WHILE_COMPILING_MS = 1;
/**
 * The Wasm tier's threshold here unless -accel thresh= says otherwise. With
 * a function per TB (module-builder.ts) V8 optimizes only the TBs that stay
 * hot, so compiling sooner costs less than it did. Linux boot, prompt s,
 * interleaved: thresh 1000 21.4 / 20.7, 300 19.2 / 19.1, 150 19.6 / 18.9,
 * 60 20.0 / 19.2 (before the faster yield above); with it and the larger TB
 * cache below, 300 19.1 / 18.9, 150 21.2 / 20.4, 600 20.2 / 21.4.
 */
export const SYSTEM_THRESH = 300;
/**
 * The TB cache's size here unless -accel tb-size= says otherwise (QEMU's
 * default for system emulation is 1 GiB). The Linux boot translates ~70K
 * distinct TBs. When a TB kept its IR objects (~5 KB a TB by the cache's
 * estimate), the whole cache was flushed at 256 MiB ~70% into the boot and
 * everything hot was translated and compiled again (prompt 26.8 / 21.6 s
 * against 20.9 / 19.5 s at 512 MiB, interleaved). With the IR frozen
 * (src/ir/frozen.ts) a TB is ~2.5 KB and the boot fits either way.
 */
export const SYSTEM_TB_SIZE_MIB = 512;
/** Longest single idle sleep (input wakes it earlier). */
const MAX_IDLE_MS = 1000;
const NS_PER_TICK = 1e9 / CLINT_TIMEBASE_HZ;

export class SystemMachine {
  readonly mem = new LinearMemory();
  readonly pages = new PageAllocator(this.mem);
  readonly hart: RiscvHart;
  readonly target: RiscvTarget;
  readonly mmu: SoftMmu;
  readonly interp: InterpTier;
  readonly direct: DirectTier | undefined;
  readonly loop: ExecLoop;
  readonly board: VirtBoard;
  readonly policy: TierPolicy | undefined;
  readonly logger: ExecLogger | undefined;
  bootInfo: BootInfo | null = null;
  /** A guest reset stops the machine (status 0) instead of restarting it (-no-reboot). */
  noReboot = false;
  private readonly log: (text: string) => void;
  private readonly slice: number;
  private stopped: { reason: 'poweroff' | 'quit'; status: number } | null = null;
  private resetRequested = false;
  /** Resolves the current idle sleep early (console input, stop). */
  private wake: (() => void) | null = null;
  private idleMs = 0;
  /** Measured guest speed, for slices that end at timer deadlines. */
  private insnsPerMs = 20_000;
  /** The devices' power-on state, restored on a guest reset (all but the clock). */
  private readonly powerOnState: VirtBoardState;

  constructor(readonly options: SystemMachineOptions) {
    this.log = options.logSink ?? ((text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'));
    this.slice = options.sliceInsns ?? SLICE_INSNS;
    const items = options.logItems ?? '';
    this.logger = items !== '' ? makeLogger(items, (line) => this.log(line.endsWith('\n') ? line : line + '\n'), () => dumpCpu(this.mem)) : undefined;

    // The hart's time CSR is the CLINT's mtime; the board exists only after the hart (it is the board's IrqSink).
    let board: VirtBoard | null = null;
    const { hart, target } = createRiscvSystemCpu(this.mem, {
      ramHost: (paddr) => board!.phys.ramHost(paddr),
      lookupPage: (paddr, prot, out) => board!.phys.lookupPage(paddr, prot, out),
    }, { time: () => board!.clint.mtime, timeNumber: () => board!.clint.mtimeNumber });
    this.hart = hart;
    this.target = target;

    const console = options.console;
    const wrapped: CharBackend = {
      write: (bytes) => console.write(bytes),
      onInput: (cb) => console.onInput((bytes) => {
        cb(bytes);
        this.kick();
      }),
    };
    board = new VirtBoard({
      mem: this.mem, pages: this.pages, ramSize: options.ramSize, hart, console: wrapped,
      power: {
        poweroff: (status) => this.stop('poweroff', status),
        reset: () => {
          if (this.noReboot) return this.stop('poweroff', 0);
          this.resetRequested = true;
          this.mem.i32[EXIT_REQUEST_W] = 1;
        },
      },
    });
    this.board = board;
    this.powerOnState = board.saveState();

    this.mmu = new SoftMmu(this.mem, hart.mmu, target);
    this.mmu.mmioBus = board.phys;
    hart.attachTlb(this.mmu);
    // run() yields to the event loop every few ms, so modules can compile off the main thread.
    const tier = options.tier ?? { kind: 'interp' };
    ({ interp: this.interp, direct: this.direct } = createColdTiers(this.mem, this.mmu, target, tier));
    this.policy = createTierPolicy({ background: true, checkMappings: true, ...tier, threshold: tier.threshold ?? SYSTEM_THRESH }, this);
    this.loop = new ExecLoop({
      mem: this.mem,
      mmu: this.mmu,
      target,
      tier: this.interp,
      direct: this.direct,
      policy: this.policy,
      optimize: options.optimize === false ? undefined : optimize,
      log: this.logger,
      tbSizeMiB: options.tbSizeMiB ?? SYSTEM_TB_SIZE_MIB,
      chainAcrossPages: false,
    });
  }

  /** Place the images and the device tree in RAM and point the hart at the first instruction. */
  boot(): BootInfo {
    const info = bootVirt(this.board.phys, this.options.images, {
      ramSize: this.options.ramSize, bootargs: this.options.bootargs, rngSeed: rngSeedBytes(this.options.seed),
    });
    this.hart.reset(BigInt(info.pc));
    this.setX(10, info.a0);
    this.setX(11, info.a1);
    this.setX(12, info.a2);
    this.loop.flushAll();
    this.mmu.flushAll();
    this.bootInfo = info;
    return info;
  }

  /** Stop the machine (the host side: Ctrl-A x, a test); run() returns at the end of the current slice. */
  stop(reason: 'poweroff' | 'quit', status = 0): void {
    if (this.stopped === null) this.stopped = { reason, status };
    this.mem.i32[EXIT_REQUEST_W] = 1;
    this.kick();
  }

  get guestInstructions(): bigint {
    return this.mem.readU64(CPU_BASE + Cpu.INSN_COUNT);
  }

  private setX(r: number, v: number): void {
    this.mem.writeU64(CPU_BASE + xOffset(r), BigInt.asUintN(64, BigInt(v)));
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /**
   * One turn of the loop without sleeping: interrupts, a slice, what stopped it.
   * Returns 'wfi' when the hart waits for an interrupt and none is pending.
   */
  step(budget = this.slice): 'run' | 'wfi' | 'stopped' {
    if (this.stopped) return 'stopped';
    if (this.resetRequested) this.doReset();
    this.board.update();
    this.takeInterrupt();
    // End the slice near the next timer deadline, at the measured speed, so timer interrupts are not late by a whole slice.
    const deadlineMs = this.nextDeadlineMs();
    if (deadlineMs < Infinity) budget = Math.max(MIN_SLICE_INSNS, Math.min(budget, Math.ceil(deadlineMs * this.insnsPerMs)));
    const before = this.guestInstructions;
    const t0 = performance.now();
    const code = this.loop.run(budget);
    const ms = performance.now() - t0;
    if (ms > 0.5) {
      // A slower slice counts at once, a faster one a quarter: the budget that ends a slice at the next timer
      // deadline comes from this estimate, and code far slower than the last (cold code after a hot loop, a
      // misaligned access on every instruction) ran past its deadlines while an average caught up. The
      // kernel's jiffies-timed misaligned-access probe took 64-65 ms of guest time that way, 48-49 ms now.
      const speed = Number(this.guestInstructions - before) / ms;
      this.insnsPerMs = speed < this.insnsPerMs ? speed : 0.75 * this.insnsPerMs + 0.25 * speed;
    }
    if (code === EXIT_EXCEPTION) {
      this.hart.handleException();
    } else if (code === RV_EXIT_WFI) {
      this.board.update();
      if (!this.hart.wfiShouldWake() && !this.stopped) return 'wfi';
    } else if (code !== EXIT_BUDGET && code !== ExitCode.Requested) {
      throw new Error(`unexpected exit code ${code} from the execution loop at pc=0x${this.hart.pc.toString(16)}`);
    }
    return this.stopped ? 'stopped' : 'run';
  }

  private takeInterrupt(): void {
    const irq = this.hart.pendingInterrupt();
    if (irq < 0) return;
    if (this.logger && (this.logger.mask & LogFlag.INT)) {
      this.logger.sink(`interrupt ${irq} at pc=0x${this.hart.pc.toString(16)} priv=${this.hart.priv}\n`);
    }
    this.hart.takeTrap(irq, 0n, true);
  }

  /**
   * The reset of the test device / syscon-reboot: devices to power-on state, the same images again (the rest of RAM
   * kept, as QEMU), the hart from the start. Image files are read again: one that is gone or changed ends run() with
   * its ImageReadError rather than boot something else.
   */
  private doReset(): void {
    this.resetRequested = false;
    this.board.restoreState({ ...this.powerOnState, clock: this.board.clock.saveState() });
    this.boot();
  }

  /** Host ms until the next timer event (CLINT mtimecmp or Sstc's stimecmp), capped at MAX_IDLE_MS. */
  idleDelayMs(): number {
    return Math.min(MAX_IDLE_MS, this.nextDeadlineMs());
  }

  /** Host ms until the next timer event that is still ahead (Infinity: none). */
  nextDeadlineMs(): number {
    const clock = this.board.clock;
    const now = clock.nowNs();
    // Deadlines already past are lines that are up but not enabled (else wfi would not sleep): not wake-ups.
    let deadline = Infinity;
    const clint = this.board.nextDeadlineNs();
    if (clint > now) deadline = clint;
    const st = this.hart.timerDeadline();
    if (st !== null) {
      const ticks = st - this.board.clint.mtime;
      if (ticks > 0n) deadline = Math.min(deadline, now + Number(ticks) * NS_PER_TICK);
    }
    return Math.max(0, (deadline - now) / 1e6);
  }

  /** Sleep (without using the CPU) until a timer deadline or input. */
  private idle(): Promise<void> {
    const ms = this.idleDelayMs();
    const t0 = performance.now();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.idleMs += performance.now() - t0;
        resolve();
      };
      const timer = setTimeout(done, Math.ceil(ms));
      this.wake = done;
    });
  }

  /** Run until poweroff, stop() or (if given) about maxInsns guest instructions. */
  async run(maxInsns?: bigint): Promise<SystemRunResult> {
    if (this.bootInfo === null) this.boot();
    const t0 = performance.now();
    this.idleMs = 0;
    let since = t0;
    let state: 'run' | 'wfi' | 'stopped' = 'run';
    for (;;) {
      state = this.step();
      if (state === 'stopped') break;
      if (maxInsns !== undefined && this.guestInstructions >= maxInsns) break;
      if (state === 'wfi') {
        await this.idle();
        since = performance.now();
      } else if (performance.now() - since > (this.policy?.compiling ? YIELD_WHILE_COMPILING_MS : YIELD_EVERY_MS)) {
        await new Promise((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
    const s = this.stopped;
    return {
      reason: s ? s.reason : 'limit',
      status: s ? s.status : 0,
      guestInstructions: this.guestInstructions,
      ms: performance.now() - t0,
      idleMs: this.idleMs,
    };
  }

  /** The counters `-d tb-stats` prints at exit. */
  statsReport(): string {
    const s = this.loop.stats;
    return [
      `guest instructions: ${this.guestInstructions}`,
      ...execStatsLines(s),
      ...coldTierStatsLines(this.interp, this.direct),
      ...tbCacheStatsLines(this.loop.cache.stats),
      ...tierStatsLines(this.policy),
    ].join('\n') + '\n';
  }
}
