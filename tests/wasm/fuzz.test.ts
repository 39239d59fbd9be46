// Quick random-IR differential run: interpreter vs Wasm (see ir-fuzz.ts).
// Longer runs: `node dist/tests/wasm/fuzz-long.js [programs] [seed]`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz } from './ir-fuzz.js';

for (const cacheGlobals of [true, false]) {
  test(`random IR: Wasm agrees with the interpreter (globals ${cacheGlobals ? 'cached in locals' : 'in memory'})`, () => {
    const result = fuzz(cacheGlobals ? 1 : 2, 300, { cacheGlobals });
    assert.deepEqual(result.mismatches, []);
    assert.equal(result.programs, 300);
  });
}
