// Reading and writing open file descriptions on the host, synchronously.
// Results are byte counts or negative Linux errno values.

import * as fs from 'node:fs';
import { Errno, hostErrorToErrno } from './errno.js';
import { OpenFile, OpenFlag } from './fd-table.js';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Block the (single) guest thread for ms milliseconds without spinning. */
export function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * How long to wait before retrying a host fd that said EAGAIN although the
 * guest asked for blocking I/O (a stdin/stdout pipe or tty someone else set
 * non-blocking): short enough to feel immediate, long enough not to spin.
 */
const EAGAIN_RETRY_MS = 2;

function isAgain(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

export interface OutputSinks {
  stdout?: (bytes: Uint8Array) => void;
  stderr?: (bytes: Uint8Array) => void;
}

/** read(2)/pread(2) into buf; position null = the description's current offset. */
export function readFile(file: OpenFile, buf: Uint8Array, position: number | null): number {
  if ((file.flags & OpenFlag.ACCMODE) === OpenFlag.WRONLY) return -Errno.EBADF;
  if (file.kind === 'pipe') return readPipe(file, buf);
  if (file.isDir) return -Errno.EISDIR;
  const usePos = position ?? (file.seekable ? file.pos : null);
  for (;;) {
    try {
      const n = fs.readSync(file.hostFd, buf, 0, buf.length, usePos);
      if (position === null && file.seekable) file.pos += n;
      return n;
    } catch (e) {
      if (isAgain(e) && !(file.flags & OpenFlag.NONBLOCK)) {
        sleepMs(EAGAIN_RETRY_MS);
        continue;
      }
      return hostErrorToErrno(e);
    }
  }
}

/** write(2)/pwrite(2) all of data (a short count only on error after progress). */
export function writeFile(file: OpenFile, data: Uint8Array, position: number | null, sinks: OutputSinks): number {
  if ((file.flags & OpenFlag.ACCMODE) === OpenFlag.RDONLY && !(file.kind === 'host' && file.hostFd <= 2)) return -Errno.EBADF;
  if (file.kind === 'pipe') return writePipe(file, data);
  if (file.hostFd === 1 && sinks.stdout) {
    sinks.stdout(data.slice());
    return data.length;
  }
  if (file.hostFd === 2 && sinks.stderr) {
    sinks.stderr(data.slice());
    return data.length;
  }
  const append = (file.flags & OpenFlag.APPEND) !== 0;
  let done = 0;
  while (done < data.length) {
    const at = position !== null ? position + done : file.seekable && !append ? file.pos : null;
    try {
      const n = fs.writeSync(file.hostFd, data, done, data.length - done, at);
      done += n;
      if (position === null && file.seekable) file.pos = append ? fileSize(file) : file.pos + n;
    } catch (e) {
      if (isAgain(e) && !(file.flags & OpenFlag.NONBLOCK)) {
        sleepMs(EAGAIN_RETRY_MS);
        continue;
      }
      return done > 0 ? done : hostErrorToErrno(e);
    }
  }
  return done;
}

function fileSize(file: OpenFile & { kind: 'host' }): number {
  try {
    return fs.fstatSync(file.hostFd).size;
  } catch {
    return file.pos;
  }
}

function readPipe(file: OpenFile & { kind: 'pipe' }, buf: Uint8Array): number {
  if (!file.readEnd) return -Errno.EBADF;
  const pipe = file.pipe;
  if (pipe.chunks.length === 0) {
    // No other thread can ever fill it: an open write end would block forever.
    return pipe.writers > 0 ? -Errno.EAGAIN : 0;
  }
  let n = 0;
  while (n < buf.length && pipe.chunks.length > 0) {
    const c = pipe.chunks[0]!;
    const take = Math.min(c.length, buf.length - n);
    buf.set(c.subarray(0, take), n);
    n += take;
    if (take === c.length) pipe.chunks.shift();
    else pipe.chunks[0] = c.subarray(take);
  }
  return n;
}

function writePipe(file: OpenFile & { kind: 'pipe' }, data: Uint8Array): number {
  if (file.readEnd) return -Errno.EBADF;
  if (file.pipe.readers === 0) return -Errno.EPIPE;
  file.pipe.chunks.push(data.slice());
  return data.length;
}
