// The bytes of the device tree's /chosen/rng-seed. QEMU's virt board puts 32
// random bytes there (new ones at every reset), and Linux credits them to its
// random pool at boot ("random: crng init done" at time 0). Without them the
// kernel has no entropy it trusts and, at the first getrandom() that must
// block, makes its own from timer jitter: a busy loop of blake2s mixing
// that ran ~160M guest instructions (8% of the boot) on the Debian kernel.

/** The size QEMU uses. */
export const RNG_SEED_BYTES = 32;

/**
 * RNG_SEED_BYTES bytes for /chosen/rng-seed: from the host's CSPRNG, or, for
 * -seed N, from N alone (QEMU's -seed: a guest whose randomness repeats).
 */
export function rngSeedBytes(seed?: number): Uint8Array {
  const out = new Uint8Array(RNG_SEED_BYTES);
  if (seed === undefined) return globalThis.crypto.getRandomValues(out);
  // splitmix32 over the seed's two 32-bit halves: every seed gives other bytes.
  let state = (seed ^ Math.imul(Math.floor(seed / 0x1_0000_0000), 0x9e3779b9)) | 0;
  for (let i = 0; i < RNG_SEED_BYTES; i += 4) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    out[i] = z & 0xff;
    out[i + 1] = (z >>> 8) & 0xff;
    out[i + 2] = (z >>> 16) & 0xff;
    out[i + 3] = z >>> 24;
  }
  return out;
}
