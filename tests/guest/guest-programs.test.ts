/**
 * Runs every guest test program of tests/riscv64/manifest.json under
 * bin/wemu-riscv64, once per accelerator configuration, and checks stdout,
 * exit status and stderr against what qemu-riscv64 printed
 * (tests/riscv64/expected/, recorded by scripts/build-guest-tests.sh).
 *
 * Configurations: WEMU_TEST_ACCEL, a ';'-separated list of `-accel tcg,...`
 * option tails (default: every tier, auto with either cold tier, plus the Wasm tier with so few instances
 * allowed that eviction and re-instantiation happen all the time), or
 * WEMU_TEST_TIERS, a ','-separated list of tier names.
 * WEMU_TEST_TIMEOUT_MS sets the per-run time limit (default 300000).
 * WEMU_TEST_ONLY=name1,name2 restricts the run to some programs.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  expectedPaths,
  loadManifest,
  normaliseStderr,
  runGuest,
  wemuCommand,
  type GuestProgram,
} from './guest-manifest.js';
import { firstDifference } from './compare-output.js';

const DEFAULT_ACCEL = 'tier=interp;tier=direct;tier=wasm;tier=auto,thresh=50;tier=auto,thresh=50,cold=interp;tier=wasm,max-instances=4';
const accelConfigs = (process.env.WEMU_TEST_TIERS
  ? process.env.WEMU_TEST_TIERS.split(',').map((tier) => `tier=${tier.trim()}`)
  : (process.env.WEMU_TEST_ACCEL ?? DEFAULT_ACCEL).split(';'))
  .map((config) => config.trim())
  .filter((config) => config.length > 0);
const timeoutMs = Number(process.env.WEMU_TEST_TIMEOUT_MS ?? 300_000);
const only = process.env.WEMU_TEST_ONLY?.split(',').map((name) => name.trim());

function checkProgram(program: GuestProgram, accel: string): void {
  const command = wemuCommand();
  assert.ok(existsSync(command), `${command} does not exist (the emulator's command line is not built yet)`);
  const paths = expectedPaths(program.name);
  assert.ok(existsSync(paths.out), `missing ${paths.out}: run scripts/build-guest-tests.sh`);

  const result = runGuest(command, ['-accel', `tcg,${accel}`], program, timeoutMs);
  const context = `${program.name} under -accel tcg,${accel}`;
  assert.ok(!result.timedOut, `${context} did not finish within ${timeoutMs} ms`);

  const stderr = normaliseStderr(result.stderr);
  const stderrNote = stderr.trim() ? `\n  stderr: ${stderr.trim().split('\n').slice(0, 5).join('\n          ')}` : '';

  const expectedStdout = readFileSync(paths.out, 'latin1');
  const difference = firstDifference(expectedStdout, result.stdout.toString('latin1'));
  // assert.fail rather than assert.equal: the message already shows the difference.
  if (difference !== undefined) assert.fail(`${context}: stdout differs from qemu-riscv64's, ${difference}${stderrNote}`);

  const expectedStatus = Number(readFileSync(paths.status, 'utf8').trim());
  if (result.status !== expectedStatus) {
    assert.fail(`${context}: exit status ${result.status}, qemu-riscv64 gave ${expectedStatus}${stderrNote}`);
  }

  const requiredLines = [
    ...(existsSync(paths.err) ? readFileSync(paths.err, 'utf8').split('\n') : []),
    ...(program.stderrContains ?? []),
  ].filter((line) => line.trim().length > 0);
  for (const line of requiredLines) {
    const wanted = normaliseStderr(line).replace(/ - core dumped$/, '');
    if (!stderr.includes(wanted)) assert.fail(`${context}: stderr lacks ${JSON.stringify(wanted)}; it was:\n${stderr}`);
  }
}

const programs = loadManifest().filter((program) => !only || only.includes(program.name));
assert.ok(programs.length > 0, 'no guest programs selected');

for (const accel of accelConfigs) {
  describe(`guest programs, -accel tcg,${accel}`, () => {
    for (const program of programs) {
      test(program.name, { timeout: timeoutMs + 10_000 }, () => checkProgram(program, accel));
    }
  });
}
