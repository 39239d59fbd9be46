/**
 * Record each guest test program's expected stdout, exit status and (if not
 * empty) prefix-normalised stderr from qemu-riscv64, the reference, into
 * tests/riscv64/expected/. Run by scripts/build-guest-tests.sh.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { expectedDir, expectedPaths, loadManifest, normaliseStderr, runGuest } from '../tests/guest/guest-manifest.js';

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
  writeFileSync(paths.out, result.stdout);
  writeFileSync(paths.status, `${result.status}\n`);
  const stderr = normaliseStderr(result.stderr);
  if (stderr.length > 0) writeFileSync(paths.err, stderr);
  else rmSync(paths.err, { force: true });
  console.log(
    `record-expected: ${program.name.padEnd(20)} status ${String(result.status).padStart(3)}, ` +
      `${result.stdout.length} bytes of stdout${stderr ? `, ${stderr.length} of stderr` : ''}`,
  );
}
if (failures > 0) process.exit(1);
