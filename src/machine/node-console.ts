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
  /**
   * Guest output not written yet. The UART hands over one byte at a time, and
   * a write to stdout per byte cost ~13 us (a syscall and a Buffer each):
   * 270 ms of the Linux boot's main thread. Bytes are written together on the
   * next turn of the event loop, which the machine's run loop gives every few
   * ms of guest time and at once when the guest idles.
   */
  private pending: Uint8Array[] = [];
  private flushScheduled = false;

  constructor(
    private readonly onQuit: () => void = () => process.exit(0),
    /** Where guest output and the escape help go (stdout by default). */
    private readonly output: (bytes: Uint8Array) => void = (bytes) => { process.stdout.write(bytes); },
  ) {}

  write(bytes: Uint8Array): void {
    this.pending.push(bytes);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Write the guest output held back so far. */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const chunks = this.pending;
    this.pending = [];
    this.output(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
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
    this.flush();
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
          this.flush(); // the guest's output so far comes first
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
