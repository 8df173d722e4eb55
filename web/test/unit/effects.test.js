// The effects engine on its own: bounded queue (coalesce, else drop the oldest), per-type throttle, expiry,
// frame budget, bounded memory. Fake clocks, no DOM.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EffectsEngine, Ring } from '../../src/effects/engine.js';
import { RenderQueue } from '../../src/effects/queue.js';
import { SeenEffects } from '../../src/effects/seen.js';
import { TypeThrottle } from '../../src/effects/throttle.js';

const fx = (id, type, expiresAt, data = {}) => ({ effectId: id, type, expiresAt, data });

test('queue: a full queue drops the oldest, coin bursts coalesce, every offer is accounted for', () => {
  const q = new RenderQueue({ capacity: 3 });
  assert.equal(q.offer(fx('a', 'level_up', 100), 0), 'queued');
  assert.equal(q.offer(fx('b', 'coin_earned', 100, { coins: 5 }), 0), 'queued');
  assert.equal(q.offer(fx('c', 'coin_earned', 200, { coins: 7 }), 0), 'coalesced');
  assert.equal(q.offer(fx('d', 'badge_unlocked', 100), 0), 'queued');
  assert.equal(q.offer(fx('e', 'level_up', 100), 0), 'dropped-oldest');
  assert.deepEqual(q.items.map((e) => e.effectId), ['b', 'd', 'e']);
  assert.equal(q.items[0].data.coins, 12);
  assert.equal(q.items[0].count, 2);
  assert.equal(q.items[0].expiresAt, 200);
  assert.equal(q.offer(fx('f', 'level_up', 10), 50), 'expired');
  const { offered, coalesced, dropped, expired, started } = q.counts;
  assert.equal(coalesced + dropped + expired + started + q.depth, offered);
  assert.equal(q.maxDepth, 3);
});

test('queue: promos of one store replace each other, of two stores stay apart', () => {
  const q = new RenderQueue({ capacity: 10 });
  q.offer(fx('p1', 'store_promo', 100, { storeId: 'zara', title: 'old' }), 0);
  q.offer(fx('p2', 'store_promo', 100, { storeId: 'zara', title: 'new' }), 0);
  q.offer(fx('p3', 'store_promo', 100, { storeId: 'apple', title: 'other' }), 0);
  assert.equal(q.depth, 2);
  assert.equal(q.items[0].data.title, 'new');
});

test('queue: waiting effects that expire are removed and counted', () => {
  const q = new RenderQueue({ capacity: 10 });
  q.offer(fx('a', 'level_up', 100), 0);
  q.offer(fx('b', 'badge_unlocked', 300), 0);
  q.expire(150);
  assert.deepEqual(q.items.map((e) => e.effectId), ['b']);
  assert.equal(q.counts.expired, 1);
});

test('throttle: a minimum gap and a maximum playing per type', () => {
  const t = new TypeThrottle({ level_up: { minGapMs: 1000, maxActive: 1 }, default: { minGapMs: 0, maxActive: 5 } });
  assert.ok(t.allows('level_up', 0, 0));
  t.started('level_up', 0);
  assert.ok(!t.allows('level_up', 500, 0), 'within the gap');
  assert.ok(!t.allows('level_up', 1500, 1), 'one already playing');
  assert.ok(t.allows('level_up', 1500, 0));
  assert.ok(t.allows('anything', 0, 4));
  assert.ok(!t.allows('anything', 0, 5));
});

test('seen ids: each once, forgotten after expiry, never more than the capacity', () => {
  const s = new SeenEffects({ capacity: 100 });
  assert.ok(s.firstTime('a', 10));
  assert.ok(!s.firstTime('a', 10));
  for (let i = 0; i < 1000; i++) s.firstTime(`id-${i}`, 1000 + i);
  assert.equal(s.size, 100);
  s.prune(1950);
  assert.equal(s.size, 49);
});

function engineAt(options = {}) {
  const clock = { t: 0, wall: 1_000_000, spend: 0 };
  const engine = new EffectsEngine({
    ctx: null,
    now: () => clock.t,
    wallNow: () => clock.wall,
    requestFrame: () => 0,
    cancelFrame: () => {},
    random: () => 0.5,
    ...options,
  });
  const frame = () => {
    engine.frame(clock.t);
    clock.t += 16.7;
    clock.wall += 16.7;
  };
  return { engine, clock, frame };
}

test('engine: an effect listed by several polls plays once; throttled types wait their turn', () => {
  const { engine, clock, frame } = engineAt();
  const poll = [fx('l1', 'level_up', new Date(clock.wall + 10000).toISOString(), { level: 3 }), fx('l2', 'level_up', clock.wall + 10000, { level: 4 })];
  assert.equal(engine.offer(poll), 2);
  assert.equal(engine.offer(poll), 0);
  frame();
  assert.equal(engine.stats().started, 1, 'level_up: one at a time');
  for (let i = 0; i < 60; i++) frame(); // 1 s: still inside the first level-up (3 s) and its 1.2 s gap
  assert.equal(engine.stats().started, 1);
  for (let i = 0; i < 150; i++) frame();
  assert.equal(engine.stats().started, 2);
  assert.equal(engine.stats().playedByType.level_up, 2);
});

test('engine: an animation ends when its effect expires, even before its own duration', () => {
  const { engine, clock, frame } = engineAt();
  engine.offer([fx('c', 'coin_earned', clock.wall + 500, { coins: 10 })]);
  frame();
  assert.equal(engine.stats().playing, 1);
  for (let i = 0; i < 35; i++) frame(); // ~600 ms
  assert.equal(engine.stats().playing, 0);
});

test('engine: a waiting effect that expires never starts', () => {
  const { engine, clock, frame } = engineAt();
  engine.offer([fx('a', 'level_up', clock.wall + 5000), fx('b', 'level_up', clock.wall + 300)]);
  for (let i = 0; i < 200; i++) frame();
  const s = engine.stats();
  assert.equal(s.started, 1);
  assert.equal(s.expired, 1);
});

test('engine: starts stop when the frame budget is half spent, and an over-budget frame lowers the quality', () => {
  const clock = { t: 0 };
  let starts = 0;
  const slowRenderer = () => {
    clock.t += 3; // each start costs 3 ms of an 8 ms budget
    return { duration: 10000, draw: () => {} };
  };
  const engine = new EffectsEngine({
    ctx: null, now: () => clock.t, wallNow: () => 0, requestFrame: () => 0, cancelFrame: () => {},
    budgetMs: 8, maxActive: 100, renderers: { default: slowRenderer },
    throttle: new TypeThrottle({ default: { minGapMs: 0, maxActive: 100 } }),
    onStart: () => { starts++; },
  });
  engine.offer(Array.from({ length: 10 }, (_, i) => fx(`e${i}`, 'x', 60000)));
  engine.frame(clock.t);
  assert.equal(starts, 2, 'started while less than 4 ms were spent');
  assert.equal(engine.quality, 1);
  const heavy = new EffectsEngine({
    ctx: { clearRect: () => {} }, now: () => clock.t, wallNow: () => 0, requestFrame: () => 0, cancelFrame: () => {},
    budgetMs: 8, background: () => { clock.t += 20; },
  });
  heavy.frame(clock.t);
  assert.equal(heavy.overBudgetFrames, 1);
  assert.ok(heavy.quality < 1);
});

test('engine: a 200-effect burst stays within the queue bound and is fully accounted for', () => {
  const { engine, clock, frame } = engineAt({ queueCapacity: 16 });
  const types = ['coin_earned', 'level_up', 'badge_unlocked', 'store_promo'];
  engine.offer(Array.from({ length: 200 }, (_, i) => fx(`b${i}`, types[i % 4], clock.wall + 60000, { storeId: `s${i % 5}`, coins: 1 })));
  for (let i = 0; i < 120; i++) frame();
  const s = engine.stats();
  assert.ok(s.maxQueueDepth <= 16);
  assert.equal(s.offered, 200);
  assert.equal(s.coalesced + s.dropped + s.expired + s.started + s.queueDepth, 200);
  assert.ok(s.dropped > 0 && s.coalesced > 0);
});

test('engine: memory stays flat over a long run of polls (queue, seen ids, frame rings bounded)', () => {
  const { engine, clock, frame } = engineAt();
  for (let poll = 0; poll < 3000; poll++) {
    engine.offer(Array.from({ length: 5 }, (_, i) => fx(`p${poll}-${i}`, i % 2 ? 'coin_earned' : 'level_up', clock.wall + 3000)));
    for (let f = 0; f < 6; f++) frame();
  }
  const s = engine.stats();
  assert.ok(s.queueDepth <= s.queueCapacity);
  assert.ok(s.seenIds <= 2048, `seen ${s.seenIds}`);
  assert.ok(engine.active.length <= engine.maxActive);
  assert.equal(engine.intervals.values.length, 600);
  assert.ok(s.fps > 59 && s.fps < 61, `fps ${s.fps}`);
});

test('ring: mean and percentiles of the newest values', () => {
  const r = new Ring(4);
  for (const v of [100, 1, 2, 3, 4]) r.push(v);
  assert.deepEqual(r.last(), [1, 2, 3, 4]);
  assert.equal(r.mean(), 2.5);
  assert.equal(r.percentile(0.95), 4);
});
