// The interpreter's warm-up (src/backend/interp/warm-up.ts) gives execute
// type feedback for every op: optimized right after it, execute must run
// random TBs of every op without one "Insufficient type feedback" deopt. The
// same run without the warm-up must deopt, or this test could not fail.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const child = join(dirname(fileURLToPath(import.meta.url)), 'warm-up-child.js');

/** The interpreter's deopts for missing feedback in a child run: one line each. */
function feedbackDeopts(mode: 'warm' | 'cold'): string[] {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--trace-deopt', child, mode], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => /bailout \(kind: deopt-[a-z]+, reason: Insufficient type feedback/.test(l) &&
    /<JSFunction (execute|rare) /.test(l));
}

test('optimized after the warm-up, the interpreter never deopts for missing feedback', () => {
  assert.deepEqual(feedbackDeopts('warm'), []);
});

test('without the warm-up it does (the check above can fail)', () => {
  assert.ok(feedbackDeopts('cold').length > 0);
});
