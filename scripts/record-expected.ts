/**
 * Record each guest test program's expected stdout, exit status and (if not
 * empty) prefix-normalised stderr from qemu-riscv64, the reference, into
 * tests/riscv64/expected/. Run by scripts/build-guest-tests.sh.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedDir, expectedPaths, guestDir, loadManifest, normaliseStderr, runGuest } from '../tests/guest/guest-manifest.js';

interface Correction {
  qemu: string;
  correct: string;
  reason: string;
}

/** Known places where the reference disagrees with the RISC-V specification. */
function loadCorrections(): Record<string, Correction[]> {
  const path = join(guestDir, 'expected-corrections.json');
  if (!existsSync(path)) return {};
  return (JSON.parse(readFileSync(path, 'utf8')) as { corrections: Record<string, Correction[]> }).corrections;
}

/** Apply corrections to recorded stdout; a correction whose line is missing is an error. */
function applyCorrections(name: string, stdout: Buffer, corrections: Correction[]): Buffer {
  const lines = stdout.toString('latin1').split('\n');
  for (const correction of corrections) {
    const index = lines.indexOf(correction.qemu);
    if (index < 0) throw new Error(`${name}: correction not applicable, line not found: ${correction.qemu}`);
    lines[index] = correction.correct;
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

const corrections = loadCorrections();

const qemu = process.env.QEMU_RISCV64 ?? 'qemu-riscv64';
mkdirSync(expectedDir, { recursive: true });
let failures = 0;
for (const program of loadManifest()) {
  const result = runGuest(qemu, [], program, 120_000);
  if (result.timedOut) {
    console.error(`record-expected: ${program.name} timed out under ${qemu}`);
    failures++;
    continue;
  }
  const paths = expectedPaths(program.name);
  writeFileSync(paths.out, applyCorrections(program.name, result.stdout, corrections[program.name] ?? []));
  writeFileSync(paths.status, `${result.status}\n`);
  const stderr = normaliseStderr(result.stderr);
  if (stderr.length > 0) writeFileSync(paths.err, stderr);
  else rmSync(paths.err, { force: true });
  console.log(
    `record-expected: ${program.name.padEnd(20)} status ${String(result.status).padStart(3)}, ` +
      `${result.stdout.length} bytes of stdout${stderr ? `, ${stderr.length} of stderr` : ''}` +
      (corrections[program.name] ? `, ${corrections[program.name].length} line(s) corrected` : ''),
  );
}
if (failures > 0) process.exit(1);
