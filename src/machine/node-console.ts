// The UART's CharBackend on a Node terminal: guest output to stdout, keys
// from stdin in raw mode (so Ctrl-C reaches the guest). Ctrl-A x stops the
// machine, as in QEMU's -nographic mux; `onQuit` decides what that means.

import type { CharBackend } from '../hw/device.js';

const CTRL_A = 0x01;

export class NodeConsole implements CharBackend {
  private consumer: ((bytes: Uint8Array) => void) | null = null;
  private escape = false;
  private started = false;

  constructor(private readonly onQuit: () => void = () => process.exit(0)) {}

  write(bytes: Uint8Array): void {
    process.stdout.write(bytes);
  }

  onInput(cb: (bytes: Uint8Array) => void): void {
    this.consumer = cb;
    if (this.started) return;
    this.started = true;
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    process.stdin.on('data', (chunk: Buffer) => this.input(chunk));
    process.stdin.resume();
  }

  /** Stop reading stdin and leave raw mode (so the process can exit). */
  close(): void {
    if (!this.started) return;
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
    this.started = false;
  }

  private input(chunk: Uint8Array): void {
    const pass: number[] = [];
    for (const b of chunk) {
      if (this.escape) {
        this.escape = false;
        if (b === 0x78 /* x */) { this.close(); this.onQuit(); return; }
        if (b !== CTRL_A) pass.push(CTRL_A);
        pass.push(b);
      } else if (b === CTRL_A) {
        this.escape = true;
      } else {
        pass.push(b);
      }
    }
    if (pass.length > 0) this.consumer?.(Uint8Array.from(pass));
  }
}
