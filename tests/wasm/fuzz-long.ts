// Long random-IR differential run (not part of npm test):
//   npm run build && node dist/tests/wasm/fuzz-long.js [programs=20000] [seed=time]
// Prints the first mismatches with the seed that reproduces them.

import { fuzz } from './ir-fuzz.js';

const programs = Number(process.argv[2] ?? 20000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const t0 = Date.now();
let failed = false;
for (const cacheGlobals of [true, false]) {
  const result = fuzz(seed, programs, { cacheGlobals }, 100, 4, 60);
  console.log(`fuzz seed=${seed} programs=${programs} cacheGlobals=${cacheGlobals} mismatches=${result.mismatches.length} in ${Date.now() - t0} ms`);
  for (const m of result.mismatches) console.log(m);
  failed ||= result.mismatches.length > 0;
}
process.exitCode = failed ? 1 : 0;
