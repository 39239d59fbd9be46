import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuestMemoryMap } from '../../src/user/guest-memory-map.js';
import { At, buildInitialStack, RISCV_HWCAP } from '../../src/user/initial-stack.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { PageAllocator } from '../../src/memory/page-allocator.js';
import { Map_ } from '../../src/user/linux-mman.js';

test('AT_HWCAP has exactly the I, M, A, F, D and C bits', () => {
  const letters = [...'ACDFIM'].map((c) => 1 << (c.charCodeAt(0) - 65)).reduce((a, b) => a | b);
  assert.equal(RISCV_HWCAP, letters);
  assert.equal(RISCV_HWCAP, 0x112d);
});

test('initial stack: argc, argv, envp, auxv, strings, alignment', () => {
  const mem = new LinearMemory();
  const map = new GuestMemoryMap(mem, new PageAllocator(mem));
  const base = map.mmap(0, 65536, 3, Map_.PRIVATE | Map_.ANONYMOUS);
  const top = base + 65536;
  const random = new Uint8Array(16).map((_, i) => i + 1);
  const s = buildInitialStack(map, top, {
    argv: ['prog', 'arg one'],
    envp: ['A=1', 'LONGER=value'],
    execfn: '/bin/prog',
    auxv: [[At.PAGESZ, 4096], [At.ENTRY, 0x10000]],
    random,
  });
  assert.equal(s.sp % 16, 0);
  const u64 = (a: number): number => Number(map.readU64(a)!);
  assert.equal(u64(s.sp), 2);
  assert.equal(map.readCString(u64(s.sp + 8)), 'prog');
  assert.equal(map.readCString(u64(s.sp + 16)), 'arg one');
  assert.equal(u64(s.sp + 24), 0);
  assert.equal(map.readCString(u64(s.sp + 32)), 'A=1');
  assert.equal(map.readCString(u64(s.sp + 40)), 'LONGER=value');
  assert.equal(u64(s.sp + 48), 0);
  // auxv pairs follow the envp terminator
  const aux = new Map<number, number>();
  for (let a = s.sp + 56; ; a += 16) {
    const key = u64(a);
    aux.set(key, u64(a + 8));
    if (key === At.NULL) break;
  }
  assert.equal(aux.get(At.PAGESZ), 4096);
  assert.equal(aux.get(At.ENTRY), 0x10000);
  assert.equal(map.readCString(aux.get(At.EXECFN)!), '/bin/prog');
  assert.deepEqual(map.read(aux.get(At.RANDOM)!, 16), random);
  assert.ok(aux.has(At.NULL));
  // argv strings ascend in memory, below the environment, below execfn, below the top
  assert.ok(u64(s.sp + 8) < u64(s.sp + 16));
  assert.ok(u64(s.sp + 16) < u64(s.sp + 32));
  assert.ok(aux.get(At.EXECFN)! < top);
});
