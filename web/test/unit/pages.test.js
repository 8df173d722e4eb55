// Page logic that needs no browser: the dashboard's bounded series, receipt bodies and outcomes, leaderboard rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { niceMax } from '../../src/pages/ops/chart.js';
import { healthReasons } from '../../src/pages/ops/health.js';
import { SeriesSet, samplesOf } from '../../src/pages/ops/series.js';
import { boardRows } from '../../src/pages/screen/leaderboard.js';
import { describeResult, receiptBody } from '../../src/pages/shopper/receipt.js';

test('series: bounded, one point per timestamp, non-numbers skipped', () => {
  const s = new SeriesSet({ capacity: 3 });
  for (let i = 0; i < 10; i++) s.add('rps', i, i);
  s.add('rps', 9, 99);
  s.add('rps', 10, NaN);
  assert.deepEqual(s.get('rps'), [[7, 7], [8, 8], [9, 99]]);
  assert.equal(s.latest('rps'), 99);
});

test('metrics sample: the 1-minute figures, percentages, counters and routes', () => {
  const { t, values } = samplesOf({
    generatedAt: '2026-12-01T08:00:00Z',
    system: { '1m': { requestsPerSecond: 2.5, errorRate: 0.01, clientErrorRate: 0.1, p50Ms: 5, p95Ms: 20, p99Ms: 40 } },
    cache: { hitRatio: { '1m': { hits: 3, misses: 1, hitRatio: 0.75 } } },
    business: { counters: { ReceiptsCredited: { '1m': 4, '5m': 9 } } },
    routes: { 'GET /stores': { '1m': { p95Ms: 12 } } },
  });
  assert.equal(t, Date.parse('2026-12-01T08:00:00Z'));
  assert.deepEqual(values, { rps: 2.5, errorRate: 1, clientErrorRate: 10, p50: 5, p95: 20, p99: 40, hitRatio: 75, 'counter:ReceiptsCredited': 4, 'route:GET /stores:p95': 12 });
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(3.2), 5);
  assert.equal(niceMax(1001), 2000);
});

test('health reasons in words', () => {
  assert.deepEqual(healthReasons({ status: 'healthy', services: { database: { status: 'up' }, cache: { status: 'up', mode: 'redis' } } }), []);
  const degraded = healthReasons({ status: 'degraded', services: { database: { status: 'up' }, cache: { status: 'degraded', mode: 'memory-fallback' } } });
  assert.match(degraded[0], /Redis is unreachable/);
  assert.match(healthReasons({ services: { database: { status: 'down' } } })[0], /DynamoDB does not answer/);
});

test('receipts: the body for a code or for details; what the answer means', () => {
  assert.deepEqual(receiptBody({ code: ' eyJ.a.b ' }), { code: 'eyJ.a.b' });
  assert.deepEqual(receiptBody({ storeId: 'zara', receiptId: ' R-1 ', amount: '125.50', purchasedAt: '2026-12-01T10:00:00Z' }),
    { storeId: 'zara', receiptId: 'R-1', amount: 125.5, purchasedAt: '2026-12-01T10:00:00.000Z' });
  assert.match(describeResult(201, { coinsEarned: 125, xpEarned: 125, leveledUp: true }).text, /\+125 coins and \+125 XP\. Level up!/);
  assert.match(describeResult(200, { replayed: true }).text, /already credited/);
  assert.match(describeResult(202, { status: 'pending_review' }).text, /waits for a person/);
});

test('leaderboard rows whatever the member names', () => {
  assert.deepEqual(boardRows({ entries: [{ rank: 1, displayName: 'A***', score: 10 }, { name: 'B', xp: 5 }] }),
    [{ rank: 1, name: 'A***', score: 10 }, { rank: 2, name: 'B', score: 5 }]);
  assert.deepEqual(boardRows(null), []);
});

test('redemptions: one id per attempt until a final answer; what blocks a reward; messages', async () => {
  const { attemptId, forgetAttempt, blockedReason, isFinal, redemptionMessage } = await import('../../src/pages/shopper/rewards.js');
  const { ApiError } = await import('../../src/api/client.js');
  const m = new Map();
  const storage = { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k, v) };
  let n = 0;
  const newId = () => `id-${++n}`;
  assert.equal(attemptId('coffee', storage, newId), 'id-1');
  assert.equal(attemptId('coffee', storage, newId), 'id-1', 'a retry reuses the id');
  assert.equal(attemptId('fries', storage, newId), 'id-2');
  forgetAttempt('coffee', storage);
  assert.equal(attemptId('coffee', storage, newId), 'id-3');

  assert.ok(!isFinal(new ApiError({ status: 0, code: 'network', message: '' })));
  assert.ok(!isFinal(new ApiError({ status: 503, code: 'unavailable', message: '' })));
  assert.ok(!isFinal(new ApiError({ status: 409, code: 'redemption_in_progress', message: '' })));
  assert.ok(isFinal(new ApiError({ status: 422, code: 'out_of_stock', message: '' })));
  assert.match(redemptionMessage(new ApiError({ status: 422, code: 'out_of_stock', message: 'x' })), /run out/);

  const reward = { costCoins: 100, minLevel: 3 };
  assert.equal(blockedReason(reward, { coins: 500, level: 2 }), 'Needs level 3');
  assert.equal(blockedReason(reward, { coins: 40, level: 3 }), 'You need 60 more coins');
  assert.equal(blockedReason({ ...reward, remaining: 0 }, { coins: 500, level: 9 }), 'Out of stock');
  assert.equal(blockedReason(reward, { coins: 100, level: 3 }), null);
});

test('game and review texts', async () => {
  const { standingText, streakText } = await import('../../src/pages/shopper/game.js');
  const { duplicateText } = await import('../../src/pages/ops/review.js');
  assert.equal(standingText({ rank: 3, score: 1250 }), '#3 this week with 1,250 XP');
  assert.match(standingText({ rank: null, score: 0 }), /Not on this week/);
  assert.equal(streakText({ current: 2, best: 4 }), '2-week visit streak (best: 4)');
  assert.match(streakText({ current: 0, best: 3 }), /best: 3 weeks/);
  assert.match(duplicateText({ reason: 'similar_receipt_id', receiptIds: ['R-1'] }), /Looks like R-1/);
  assert.match(duplicateText({ reason: 'same_amount_and_minute', receiptIds: ['R-2', 'R-3'] }), /R-2, R-3/);
});

test('coupon states in words', async () => {
  const { couponStateText } = await import('../../src/pages/shopper/coupons.js');
  assert.equal(couponStateText('used', '2026-12-01T00:00:00Z'), 'Used');
  assert.match(couponStateText('refunded', '2026-12-01T00:00:00Z'), /coins are back/);
  assert.match(couponStateText('issued', '2026-12-01T00:00:00Z'), /Valid until/);
});

test('activity: a receipt lists each campaign that earned it, the base rule left out', async () => {
  const { bonusLines } = await import('../../src/pages/shopper/activity.js');
  // GIVEN a receipt earned by the base rule and a 2× weekend campaign, and an adjustment with no lines
  const receipt = { kind: 'receipt', coins: 250, earnedBy: [
    { source: 'base', label: 'Base', coins: 125, xp: 125 },
    { source: 'zara-weekend', label: '2× weekend at Zara', coins: 125, xp: 0 },
    { source: 'lunch', label: 'Early lunch', coins: 1500, xp: 20 }] };
  // WHEN / THEN one line a campaign, with its coins (and XP when it gives some); nothing for the adjustment
  assert.deepEqual(bonusLines(receipt), ['2× weekend at Zara: +125', 'Early lunch: +1,500 (+20 XP)']);
  assert.deepEqual(bonusLines({ kind: 'adjustment', coins: 10 }), []);
});
