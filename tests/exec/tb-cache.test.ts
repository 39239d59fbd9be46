import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MISS, TbCache } from '../../src/exec/tb-cache.js';
import { TranslationBlock } from '../../src/exec/tb.js';
import { Prot } from '../../src/memory/softmmu-api.js';
import { makeMmu } from '../memory/fakes.js';

const RX = Prot.READ | Prot.EXEC;
const RWX = RX | Prot.WRITE;

function setup(limitBytes = Infinity) {
  const m = makeMmu();
  const events: string[] = [];
  const cache = new TbCache(m.mmu, limitBytes, {
    onInvalidate: (tb) => events.push(`inv ${tb.pcLo.toString(16)}`),
    onFlush: () => events.push('flush'),
  });
  const page = (i: number) => m.hostPage(i) >>> 12;
  return { ...m, cache, events, page };
}

function tb(pc: number, hostPages: number[], flags = 0): TranslationBlock {
  return new TranslationBlock(pc, 0, flags, 3, 12, hostPages, null);
}

test('lookup finds a TB by pc and flags, through the map and then the jump cache', () => {
  const { map, mmu, cache, page } = setup();
  map.map(0x1000, makeMmu().hostPage(0), RX);
  const a = tb(0x1000, [page(0)]);
  const b = tb(0x1000, [page(0)], 5);
  cache.insert(a, 100);
  cache.insert(b, 100);
  assert.equal(cache.size, 2);
  assert.equal(cache.bytes, 200);
  assert.ok(mmu.isCodePage(page(0)), 'first TB in a page protects it');
  assert.equal(cache.lookup(0x1000, 0, 5, 0), b);
  assert.equal(cache.lookup(0x1000, 0, 0, 0), a);
  assert.equal(cache.lookup(0x1000, 0, 0, 0), a);
  assert.equal(cache.lookup(0x1004, 0, 0, 0), null);
  assert.equal(cache.lookup(0x1000, 1, 0, 0), null, 'the high word is part of the key');
  assert.ok(cache.stats.jumpCacheHits >= 1);
  assert.ok(cache.stats.mapHits >= 1);
});

test('a TB whose pc now maps to another host page is not found', () => {
  const { map, mmu, cache, page, hostPage } = setup();
  map.map(0x1000, hostPage(0), RX);
  const a = tb(0x1000, [page(0)]);
  cache.insert(a);
  assert.equal(cache.lookup(0x1000, 0, 0, 0), a);
  map.map(0x1000, hostPage(1), RX);
  mmu.flushPage(0x1000, 0); // the guest changed its mapping and flushed the TLB
  assert.equal(cache.lookup(0x1000, 0, 0, 0), null);
  map.map(0x1000, hostPage(0), RX);
  mmu.flushPage(0x1000, 0);
  assert.equal(cache.lookup(0x1000, 0, 0, 0), a, 'mapped back: found again');
});

test('invalidatePage drops its TBs, unlinks chains both ways, and unprotects emptied pages', () => {
  const { map, mmu, cache, events, page, hostPage } = setup();
  map.map(0x1000, hostPage(0), RWX);
  map.map(0x2000, hostPage(1), RWX);
  map.map(0x3000, hostPage(2), RWX);
  const a = tb(0x1000, [page(0)]);
  const b = tb(0x2ffc, [page(1), page(2)]); // straddles two pages
  const c = tb(0x3000, [page(2)]);
  for (const t of [a, b, c]) cache.insert(t, 10);
  assert.equal(cache.link(a, 0, b), true);
  assert.equal(cache.link(a, 0, c), false, 'slot already taken');
  assert.equal(cache.link(b, 1, c), true);
  assert.equal(cache.link(c, 0, c), true, 'a loop links to itself');
  assert.equal(cache.tbsInPage(page(2)), 2);

  assert.equal(cache.invalidatePage(page(1)), 1);
  assert.equal(b.valid, false);
  assert.equal(a.jump0, null, 'chain into b cut');
  assert.equal(b.jump1, null);
  assert.equal(c.jumpedFrom?.has(b) ?? false, false, 'chain out of b cut');
  assert.equal(c.jump0, c, 'unrelated links survive');
  assert.equal(cache.lookup(0x2ffc, 0, 0, 0), null);
  assert.equal(mmu.isCodePage(page(1)), false);
  assert.equal(mmu.isCodePage(page(2)), true, 'c still lives in page 2');
  assert.equal(cache.tbsInPage(page(2)), 1, 'b left its second page too');
  assert.equal(cache.bytes, 20);
  assert.deepEqual(events, ['inv 2ffc']);
  assert.equal(cache.link(a, 0, b), false, 'nothing links to an invalid TB');

  cache.invalidatePage(page(2));
  assert.equal(mmu.isCodePage(page(2)), false);
  assert.equal(cache.stats.invalidations, 2);
  assert.equal(cache.lookup(0x1000, 0, 0, 0), a);
});

test('a store into a code page goes to the slow path and reaches the cache through onCodeWrite', () => {
  const { map, mmu, cache, page, hostPage } = setup();
  map.map(0x1000, hostPage(0), RWX);
  cache.insert(tb(0x1000, [page(0)]));
  mmu.onCodeWrite = (p) => cache.invalidatePage(p);
  mmu.store(0x1800, 0, 1, 0, 2, 0);
  assert.equal(cache.size, 0);
  assert.equal(mmu.isCodePage(page(0)), false);
});

test('flush drops everything, counts, and reports over-budget by estimated size', () => {
  const { map, mmu, cache, events, page, hostPage } = setup(250);
  map.map(0x1000, hostPage(0), RX);
  const a = tb(0x1000, [page(0)]);
  const b = tb(0x1010, [page(0)]);
  cache.insert(a, 100);
  assert.equal(cache.overBudget(), false);
  cache.insert(b, 200);
  cache.link(a, 0, b);
  assert.equal(cache.overBudget(), true);
  cache.flush();
  assert.equal(cache.size, 0);
  assert.equal(cache.bytes, 0);
  assert.equal(cache.stats.flushes, 1);
  assert.equal(a.valid, false);
  assert.equal(a.jump0, null);
  assert.equal(mmu.isCodePage(page(0)), false);
  assert.equal(cache.lookup(0x1000, 0, 0, 0), null);
  assert.deepEqual(events, ['flush']);
});

test('a page the translator only peeked at does not hide the TB when it is remapped', () => {
  const { map, mmu, cache, page, hostPage } = setup();
  map.map(0x1000, hostPage(0), RX);
  map.map(0x2000, hostPage(1), RX);
  const ends = new TranslationBlock(0x1ff0, 0, 0, 4, 16, [page(0), page(1)], null); // ends at the page end
  const straddles = new TranslationBlock(0x1ffe, 0, 0, 1, 4, [page(0), page(1)], null);
  cache.insert(ends);
  cache.insert(straddles);
  map.unmap(0x2000);
  map.map(0x2000, hostPage(3), RX);
  mmu.flushPage(0x2000, 0); // a remap always comes with a TLB flush: that also clears the jump cache
  assert.equal(cache.lookup(0x1ff0, 0, 0, 0), ends);
  assert.equal(cache.lookup(0x1ffe, 0, 0, 0), null, 'its second page now maps elsewhere');
});

test('without chaining across pages (system mode), only a TB on the same page and host page is linked', () => {
  const m = makeMmu();
  const cache = new TbCache(m.mmu, Infinity, undefined, false);
  const p0 = m.hostPage(0) >>> 12, p1 = m.hostPage(1) >>> 12;
  const from = tb(0x1000, [p0]);
  const samePage = tb(0x1800, [p0]);
  const otherPage = tb(0x2000, [p1]);
  const otherHostPage = tb(0x1c00, [p1]); // same guest page, but translated from another mapping of it
  const crossing = new TranslationBlock(0x1ffc, 0, 0, 2, 8, [p0, p1], null); // ends on the next page
  for (const t of [from, samePage, otherPage, otherHostPage, crossing]) cache.insert(t);
  assert.equal(cache.link(from, 0, otherPage), false, 'another guest page');
  assert.equal(cache.link(from, 0, otherHostPage), false, 'another host page');
  assert.equal(cache.link(from, 0, crossing), false, 'reaches into the next page');
  assert.equal(cache.link(from, 0, samePage), true);
  assert.equal(from.jump0, samePage);

  const anywhere = new TbCache(m.mmu, Infinity);
  const a = tb(0x1000, [p0]), b = tb(0x2000, [p1]);
  anywhere.insert(a);
  anywhere.insert(b);
  assert.equal(anywhere.link(a, 1, b), true, 'user mode links across pages');
});

test('a single-page TLB flush drops only that page from the jump cache; a whole flush drops all', () => {
  const { map, mmu, cache, page, hostPage } = setup();
  map.map(0x1000, hostPage(0), RX);
  map.map(0x2000, hostPage(1), RX);
  const a = tb(0x1000, [page(0)]);
  const b = tb(0x2000, [page(1)]);
  cache.insert(a);
  cache.insert(b);
  assert.equal(cache.lookupJump(0x1000, 0, 0), a);
  assert.equal(cache.lookupJump(0x2000, 0, 0), b);
  mmu.flushPage(0x1000, 0);
  assert.equal(cache.lookupJump(0x1000, 0, 0), null, 'the flushed page is gone from the jump cache');
  assert.equal(cache.lookupJump(0x2000, 0, 0), b, 'another page stays');
  assert.equal(cache.lookup(0x1000, 0, 0, 0), a, 'the full lookup checks the mapping and refills it');
  assert.equal(cache.lookupJump(0x1000, 0, 0), a);
  for (let i = 0; i < 40; i++) mmu.flushPage(0x100000 + i * 0x1000, 0); // more than the flush log holds
  assert.equal(cache.lookupJump(0x2000, 0, 0), null, 'an overflowing log drops everything');
  assert.equal(cache.lookup(0x2000, 0, 0, 0), b);
  mmu.flushAll();
  assert.equal(cache.lookupJump(0x2000, 0, 0), null);
});

test('a stale jump cache slot answers the full lookup only while its TB is still mapped there', () => {
  const { map, mmu, cache, page, hostPage } = setup();
  map.map(0x1000, hostPage(0), RX);
  const a = tb(0x1000, [page(0)]);
  cache.insert(a);
  mmu.flushAll();
  assert.equal(cache.lookupJump(0x1000, 0, 0), null, 'stale after the flush');
  assert.equal(cache.lookup(0x1000, 0, 0, 0), a);
  assert.equal(cache.stats.revalidated, 1, 'answered by the stale slot, after the mapping check');
  assert.equal(cache.stats.mapHits, 0);
  assert.equal(cache.lookupJump(0x1000, 0, 0), a, 'the slot is current again');
  map.map(0x1000, hostPage(1), RX);
  mmu.flushAll();
  assert.equal(cache.lookup(0x1000, 0, 0, 0), null, 'remapped: the stale slot does not answer');
  assert.equal(cache.stats.revalidated, 1);
  assert.equal(cache.lookupJump(0x1000, 0, 0), null);
  map.map(0x1000, hostPage(0), RX);
  mmu.flushPage(0x1000, 0);
  assert.equal(cache.lookup(0x1000, 0, 0, 0), a, 'mapped back: answered again');
});

test('thousands of TBs: the hash table grows, and lookups, invalidations and a flush stay exact', () => {
  const { map, cache, page, hostPage } = setup();
  // 16 guest pages with 256 TBs each under two flags values: more TBs than the
  // table's first size, and several TBs per pc (same pc, other flags) and per
  // jump cache slot (pcs 64 KB apart share one), so the map is what answers.
  const pcs: number[] = [];
  for (let p = 0; p < 16; p++) {
    map.map(p * 0x10000, hostPage(p), RX);
    for (let i = 0; i < 256; i++) pcs.push(p * 0x10000 + i * 16);
  }
  const byKey = new Map<string, TranslationBlock>();
  for (const pc of pcs) {
    for (const flags of [0, 3]) {
      const t = tb(pc, [page(pc >>> 16)], flags);
      cache.insert(t, 10);
      byKey.set(`${pc}:${flags}`, t);
    }
  }
  assert.equal(cache.size, pcs.length * 2);
  assert.equal(cache.bytes, pcs.length * 2 * 10);
  for (const [key, t] of byKey) {
    const [pc, flags] = key.split(':').map(Number) as [number, number];
    assert.equal(cache.lookup(pc, 0, flags, 0), t, key);
  }
  // Drop every third TB of flags 3 (heads, middles and tails of the chains alike).
  let dropped = 0;
  pcs.forEach((pc, i) => {
    if (i % 3 !== 0) return;
    cache.invalidate(byKey.get(`${pc}:3`)!);
    dropped++;
  });
  assert.equal(cache.size, pcs.length * 2 - dropped);
  pcs.forEach((pc, i) => {
    assert.equal(cache.lookup(pc, 0, 0, 0), byKey.get(`${pc}:0`), `flags 0 at ${pc.toString(16)}`);
    assert.equal(cache.lookup(pc, 0, 3, 0), i % 3 === 0 ? null : byKey.get(`${pc}:3`), `flags 3 at ${pc.toString(16)}`);
  });
  const dead = byKey.get(`${pcs[0]}:3`)!;
  assert.equal(dead.valid, false);
  cache.invalidate(dead); // twice: a no-op
  assert.equal(cache.size, pcs.length * 2 - dropped);
  cache.flush();
  assert.equal(cache.size, 0);
  assert.equal(cache.bytes, 0);
  assert.ok([...byKey.values()].every((t) => !t.valid), 'a flush invalidates every TB');
  for (const pc of pcs.slice(0, 64)) assert.equal(cache.lookup(pc, 0, 0, 0), null);
  const again = tb(pcs[5]!, [page(0)]);
  cache.insert(again, 10);
  assert.equal(cache.lookup(pcs[5]!, 0, 0, 0), again, 'the emptied table takes new TBs');
});

test('lookupDirect answers the jump cache\'s TB by its direct-tier entry, and misses once the TB or its mapping is gone', () => {
  const { map, mmu, cache, page, hostPage } = setup();
  map.map(0x1000, hostPage(0), RX);
  const a = tb(0x1000, [page(0)]);
  a.directEntry = 1234;
  const b = tb(0x1100, [page(0)]); // a TB of another tier: no direct entry
  cache.insert(a);
  cache.insert(b);
  assert.equal(cache.lookupDirect(0x1000, 0, 0), 1234);
  assert.equal(cache.lookupDirect(0x1100, 0, 0), -1);
  assert.equal(cache.lookupDirect(0x1000, 0, 3), MISS, 'other flags');
  assert.equal(cache.lookupDirect(0x1000, 1, 0), MISS, 'other high word');
  mmu.flushPage(0x1000, 0); // the mapping may have changed: looked up (and checked) again first
  assert.equal(cache.lookupDirect(0x1000, 0, 0), MISS);
  assert.equal(cache.lookup(0x1000, 0, 0, 0), a);
  assert.equal(cache.lookupDirect(0x1000, 0, 0), 1234);
  cache.invalidate(a);
  assert.equal(cache.lookupDirect(0x1000, 0, 0), MISS);
  cache.flush();
  assert.equal(cache.lookupDirect(0x1100, 0, 0), MISS);
});
