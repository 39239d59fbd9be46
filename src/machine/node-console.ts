// The UART's CharBackend on a Node terminal: guest output to stdout, keys
// from stdin in raw mode (so Ctrl-C reaches the guest). The escape keys of
// QEMU's -nographic mux: Ctrl-A x stops the machine (`onQuit` decides what
// that means), Ctrl-A h (or ?) prints their help, Ctrl-A Ctrl-A sends Ctrl-A.

import type { CharBackend } from '../hw/device.js';

const CTRL_A = 0x01;

/** QEMU's mux help (chardev/char-mux.c), limited to the keys wemu has; \n\r as QEMU writes it to a raw terminal. */
export const ESCAPE_HELP =
  '\n\r' +
  'C-a h    print this help\n\r' +
  'C-a x    exit emulator\n\r' +
  'C-a C-a  sends C-a\n\r';

export class NodeConsole implements CharBackend {
  private consumer: ((bytes: Uint8Array) => void) | null = null;
  private escape = false;
  private started = false;

  constructor(
    private readonly onQuit: () => void = () => process.exit(0),
    /** Where guest output and the escape help go (stdout by default). */
    private readonly output: (bytes: Uint8Array) => void = (bytes) => { process.stdout.write(bytes); },
  ) {}

  write(bytes: Uint8Array): void {
    this.output(bytes);
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

  /** Keys from the terminal: escape sequences handled, the rest to the guest. Public for tests. */
  input(chunk: Uint8Array): void {
    const pass: number[] = [];
    const flush = () => {
      if (pass.length > 0) this.consumer?.(Uint8Array.from(pass));
      pass.length = 0;
    };
    for (const b of chunk) {
      if (this.escape) {
        this.escape = false;
        if (b === 0x78 /* x */ || b === 0x58 /* X */) { flush(); this.close(); this.onQuit(); return; }
        if (b === 0x68 /* h */ || b === 0x48 /* H */ || b === 0x3f /* ? */) {
          flush();
          this.output(new TextEncoder().encode(ESCAPE_HELP));
          continue;
        }
        if (b !== CTRL_A) pass.push(CTRL_A);
        pass.push(b);
      } else if (b === CTRL_A) {
        this.escape = true;
      } else {
        pass.push(b);
      }
    }
    flush();
  }
}
