/**
 * The generated floating-point guest program (fp-test.c: every F/D
 * instruction over edge and random operands, in every rounding mode) runs
 * under bin/wemu-riscv64 and must print exactly what qemu-riscv64 printed
 * (fp-test.expected, recorded by scripts/build-fp-tests.sh), in the cold tier
 * and in the Wasm tier.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstDifference } from '../guest/compare-output.js';
import { findRepoRoot, wemuCommand } from '../guest/guest-manifest.js';

const root = findRepoRoot();
const program = join(root, 'tests', 'riscv64-fp', 'fp-test');
const expected = readFileSync(join(root, 'tests', 'riscv64-fp', 'fp-test.expected'), 'latin1');

for (const tier of ['interp', 'wasm']) {
  test(`fp-test prints what qemu-riscv64 printed, tier ${tier}`, { timeout: 600_000 }, () => {
    const run = spawnSync(wemuCommand(), ['-accel', `tcg,tier=${tier}`, program], { maxBuffer: 64 << 20, timeout: 590_000 });
    assert.equal(run.status, 0, `exit status ${run.status}, stderr: ${run.stderr?.toString().slice(0, 500)}`);
    const difference = firstDifference(expected, run.stdout.toString('latin1'));
    if (difference !== undefined) assert.fail(`stdout differs from qemu-riscv64's, ${difference}`);
  });
}
