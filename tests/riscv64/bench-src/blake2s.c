/* Benchmark: the BLAKE2s compression function (RFC 7693) over 64-byte
 * blocks: ten rounds of the G mixing function on sixteen 32-bit words
 * (add, xor, rotate), as the kernel's blake2s_compress_generic does for its
 * entropy pool. SCALE (argv[1], default 800) rounds of hashing 64 KiB. */
#include "../src/tiny/tiny.h"

static const u32 iv[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};
static const u8 sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static u32 ror32(u32 x, int n) { return (x >> n) | (x << (32 - n)); }

struct blake2s_state { u32 h[8], t[2], f[2]; };

static __attribute__((noinline)) void blake2s_compress(struct blake2s_state *s, const u8 *block, u32 inc) {
    u32 m[16], v[16];
    for (int i = 0; i < 16; i++)
        m[i] = (u32)block[4 * i] | (u32)block[4 * i + 1] << 8 | (u32)block[4 * i + 2] << 16 | (u32)block[4 * i + 3] << 24;
    s->t[0] += inc;
    s->t[1] += s->t[0] < inc;
    for (int i = 0; i < 8; i++) v[i] = s->h[i];
    for (int i = 0; i < 8; i++) v[i + 8] = iv[i];
    v[12] ^= s->t[0]; v[13] ^= s->t[1]; v[14] ^= s->f[0]; v[15] ^= s->f[1];
#define G(r, i, a, b, c, d) do { \
        a += b + m[sigma[r][2 * i]]; d = ror32(d ^ a, 16); c += d; b = ror32(b ^ c, 12); \
        a += b + m[sigma[r][2 * i + 1]]; d = ror32(d ^ a, 8); c += d; b = ror32(b ^ c, 7); } while (0)
    for (int r = 0; r < 10; r++) {
        G(r, 0, v[0], v[4], v[8], v[12]); G(r, 1, v[1], v[5], v[9], v[13]);
        G(r, 2, v[2], v[6], v[10], v[14]); G(r, 3, v[3], v[7], v[11], v[15]);
        G(r, 4, v[0], v[5], v[10], v[15]); G(r, 5, v[1], v[6], v[11], v[12]);
        G(r, 6, v[2], v[7], v[8], v[13]); G(r, 7, v[3], v[4], v[9], v[14]);
    }
#undef G
    for (int i = 0; i < 8; i++) s->h[i] ^= v[i] ^ v[i + 8];
}

static u8 buffer[65536];

int main(int argc, char **argv) {
    u64 scale = argc > 1 ? tiny_parse_u64(argv[1]) : 800;
    for (u64 i = 0; i < sizeof buffer; i++) buffer[i] = (u8)(i * 2654435761u >> 9);
    struct blake2s_state s = {{0}, {0, 0}, {0, 0}};
    for (int i = 0; i < 8; i++) s.h[i] = iv[i];
    s.h[0] ^= 0x01010020; /* 32-byte digest, no key */
    for (u64 round = 0; round < scale; round++) {
        buffer[round % sizeof buffer] ^= (u8)round;
        for (u64 off = 0; off < sizeof buffer; off += 64) blake2s_compress(&s, buffer + off, 64);
    }
    put_str("rounds "); put_udec(scale); put_str(" blake2s ");
    for (int i = 0; i < 8; i++) put_hex32(s.h[i]);
    put_nl();
    return 0;
}
