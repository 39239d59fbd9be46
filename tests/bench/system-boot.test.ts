// The boot bench's statistics: the paired ratio and the boot count.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedRatio, timedBoots, type SystemBootRow } from '../../bench/system-boot.js';

const runs = (...prompts: (number | undefined)[]): SystemBootRow[] => prompts.map((p) => ({ emulator: 'x', promptSeconds: p }));

test('pairedRatio: the median of each round\'s wemu / qemu, skipping rounds without both prompts', () => {
  // Rounds: 6/2 = 3, 5/2.5 = 2, 9/3 = 3 -> median 3; the medians' ratio would be 6/2.5 = 2.4.
  assert.equal(pairedRatio(runs(2, 2.5, 3), runs(6, 5, 9)), 3);
  // Even count: the mean of the middle two (2 and 3).
  assert.equal(pairedRatio(runs(2, 2.5, 3, 1), runs(6, 5, 6, 4)), 2.5);
  // A round where one side never reached the prompt does not count.
  assert.equal(pairedRatio(runs(2, undefined, 4), runs(5, 7, undefined)), 2.5);
  assert.equal(pairedRatio(runs(undefined), runs(5)), undefined);
  assert.equal(pairedRatio(runs(), runs()), undefined);
});

test('timedBoots: five unless WEMU_BENCH_BOOTS says otherwise; nonsense is an error', () => {
  assert.equal(timedBoots(undefined), 5);
  assert.equal(timedBoots(''), 5);
  assert.equal(timedBoots('3'), 3);
  for (const bad of ['0', '-1', '2.5', 'many']) assert.throws(() => timedBoots(bad), /number of timed boots .* must be a positive integer/);
});
