// Time sources for devices (DESIGN.md decision 7: devices are driven by events
// and by a virtual clock).
//
// VirtualClock is the machine's time: nanoseconds since power-on that follow
// the host's monotonic clock while running, stand still while paused, and can
// be set (restore). The CLINT's mtime derives from it. WallClock is the host's
// calendar time for the RTC.

/** Monotonic nanoseconds (a double: exact to the nanosecond for 104 days). */
export interface TimeSource {
  nowNs(): number;
}

export const hostMonotonic: TimeSource = {
  nowNs: () => performance.now() * 1e6,
};

export interface VirtualClockState {
  ns: number;
}

export class VirtualClock implements TimeSource {
  /** Virtual ns at the host instant `hostAtBase`; while paused, the virtual time itself. */
  private base = 0;
  private hostAtBase: number;
  private running = true;

  constructor(private readonly host: TimeSource = hostMonotonic) {
    this.hostAtBase = host.nowNs();
  }

  nowNs(): number {
    return this.running ? this.base + (this.host.nowNs() - this.hostAtBase) : this.base;
  }

  /** Host ns at which the virtual clock reads `virtualNs` (for host timers); Infinity while paused. */
  hostNsAt(virtualNs: number): number {
    return this.running ? this.hostAtBase + (virtualNs - this.base) : Infinity;
  }

  pause(): void {
    if (!this.running) return;
    this.base = this.nowNs();
    this.running = false;
  }

  resume(): void {
    if (this.running) return;
    this.hostAtBase = this.host.nowNs();
    this.running = true;
  }

  get isRunning(): boolean { return this.running; }

  setNs(ns: number): void {
    this.base = ns;
    this.hostAtBase = this.host.nowNs();
  }

  saveState(): VirtualClockState { return { ns: this.nowNs() }; }
  restoreState(s: VirtualClockState): void { this.setNs(s.ns); }
}

/** Calendar time, in ns since the Unix epoch (a bigint: it exceeds 2^53). */
export interface WallClock {
  realtimeNs(): bigint;
}

export const hostWallClock: WallClock = {
  realtimeNs: () => BigInt(Date.now()) * 1_000_000n,
};
