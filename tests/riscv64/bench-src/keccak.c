/* Benchmark: the Keccak-f[1600] permutation (SHA-3) over a 200-byte state,
 * absorbing a buffer as SHA3-256 would (136-byte rate), written round by
 * round with theta/rho/pi/chi/iota on 25 64-bit lanes.
 * SCALE (argv[1], default 150) rounds of hashing 64 KiB. */
#include "../src/tiny/tiny.h"

static const u64 round_constants[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull,
};
static const u8 rotations[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static u64 rol64(u64 x, int n) { return n ? (x << n) | (x >> (64 - n)) : x; }

static __attribute__((noinline)) void keccakf(u64 st[25]) {
    for (int round = 0; round < 24; round++) {
        u64 c[5], b[25];
        for (int x = 0; x < 5; x++) c[x] = st[x] ^ st[x + 5] ^ st[x + 10] ^ st[x + 15] ^ st[x + 20];
        for (int x = 0; x < 5; x++) {
            u64 d = c[(x + 4) % 5] ^ rol64(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5) st[y + x] ^= d;
        }
        /* rho and pi: lane (x, y) moves to (y, 2x + 3y) */
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rol64(st[x + 5 * y], rotations[x + 5 * y]);
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; x++) st[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
        st[0] ^= round_constants[round];
    }
}

static u8 buffer[65536];

int main(int argc, char **argv) {
    u64 scale = argc > 1 ? tiny_parse_u64(argv[1]) : 150;
    for (u64 i = 0; i < sizeof buffer; i++) buffer[i] = (u8)(i * 2654435761u >> 11);
    u64 st[25] = {0};
    for (u64 round = 0; round < scale; round++) {
        buffer[round % sizeof buffer] ^= (u8)round;
        for (u64 off = 0; off + 136 <= sizeof buffer; off += 136) {
            for (int i = 0; i < 17; i++) {
                u64 lane = 0;
                for (int j = 0; j < 8; j++) lane |= (u64)buffer[off + 8 * i + j] << (8 * j);
                st[i] ^= lane;
            }
            keccakf(st);
        }
    }
    put_str("rounds "); put_udec(scale); put_str(" keccak ");
    for (int i = 0; i < 4; i++) put_hex64(st[i]);
    put_nl();
    return 0;
}
