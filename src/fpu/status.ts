// Accrued exception flags of the library's last operations.
//
// A module-level accumulator instead of a returned {value, flags} object, so
// no operation allocates: callers clear it, run an operation, read it.

export class FpStatus {
  /** FpFlag bits raised since the last clear. */
  flags = 0;

  clear(): void {
    this.flags = 0;
  }

  raise(flags: number): void {
    this.flags |= flags;
  }
}

export const fpStatus = new FpStatus();
