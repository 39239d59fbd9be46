// Output helpers shared by the wemu-riscv64 and wemu-system-riscv64 front ends.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './accel-options.js';

/** Write all of text to fd, retrying on EAGAIN (a non-blocking terminal or pipe). */
export function writeAll(fd: number, text: string): void {
  const data = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < data.length) {
    try {
      done += fs.writeSync(fd, data, done);
    } catch (e) {
      if ((e as { code?: string }).code === 'EAGAIN') continue;
      return; // the log or stderr went away: nothing sensible left to do with the text
    }
  }
}

/** The package root (this file runs from dist/src/cli/). */
export function packageRoot(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** The version in package.json, or 'unknown'. */
export function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A sink for -D logfile, or stderr when logFile is null. */
export function openLog(logFile: string | null): (text: string) => void {
  if (logFile === null) return (text) => writeAll(2, text);
  let fd: number;
  try {
    fd = fs.openSync(logFile, 'w');
  } catch (e) {
    throw new UsageError(`cannot open log file '${logFile}': ${(e as Error).message}`);
  }
  return (text) => writeAll(fd, text);
}
