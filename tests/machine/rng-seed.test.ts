// /chosen/rng-seed's bytes: the host's random ones by default, repeatable ones for -seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RNG_SEED_BYTES, rngSeedBytes } from '../../src/machine/rng-seed.js';

test('without a seed: 32 bytes from the host\'s CSPRNG, different every call', () => {
  const a = rngSeedBytes();
  const b = rngSeedBytes();
  assert.equal(a.length, RNG_SEED_BYTES);
  assert.equal(RNG_SEED_BYTES, 32);
  assert.notDeepEqual(a, b);
});

test('with a seed: the same bytes for the same seed, others for any other seed (the high half counts too)', () => {
  assert.deepEqual(rngSeedBytes(42), rngSeedBytes(42));
  const seeds = [0, 1, 2, 42, 0xffffffff, 0x1_0000_0000, 0x2_0000_0000, 0x1_0000_0001, Number.MAX_SAFE_INTEGER];
  const outputs = seeds.map((s) => Buffer.from(rngSeedBytes(s)).toString('hex'));
  assert.equal(new Set(outputs).size, seeds.length, outputs.join('\n'));
  // Not a constant or mostly-zero pattern: every seed's bytes take many values.
  for (const s of seeds) assert.ok(new Set(rngSeedBytes(s)).size >= 16, `seed ${s}: ${Buffer.from(rngSeedBytes(s)).toString('hex')}`);
});
