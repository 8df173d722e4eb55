// The console's pure parts: what a store or reward form sends, a pasted key, an audit entry's change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditView, changesOf } from '../../src/pages/ops/audit.js';
import { rewardChangeOf } from '../../src/pages/ops/rewards.js';
import { jwkOf, storeChangeOf } from '../../src/pages/ops/stores.js';

const input = (value) => ({ value: String(value) });

test('store form: the whole store, empty optional fields left out, the seed\'s development marker kept', () => {
  // GIVEN the editor's inputs
  const inputs = { name: input(' Zara '), category: input('fashion'), floor: input(''), multiplier: input('1.5'), maxReceiptAmount: input(''),
    verification: input('review'), aliases: input('ZARA ESPANA SA\n, ZARA UK ,'), active: { checked: false } };
  // WHEN read THEN a replace body without floor or limit
  assert.deepEqual(storeChangeOf(inputs, null), { name: 'Zara', category: 'fashion', multiplier: 1.5, verification: 'review', aliases: ['ZARA ESPANA SA', 'ZARA UK'], active: false });
  // AND editing a development store keeps it one
  assert.equal(storeChangeOf({ ...inputs, floor: input('L1'), maxReceiptAmount: input('900') }, { development: true }).development, true);
  assert.equal(storeChangeOf({ ...inputs, maxReceiptAmount: input('900') }, null).maxReceiptAmount, 900);
});

test('key form: a whole public JWK or just its x; anything else is no key', () => {
  const x = 'SkQ55-JusHCv95ZxlYYVw6nxHi8OwZkSlSx1pSM54D0';
  assert.deepEqual(jwkOf(` ${x} `), { kty: 'OKP', crv: 'Ed25519', x });
  assert.deepEqual(jwkOf(`{"kty":"OKP","crv":"Ed25519","x":"${x}"}`), { kty: 'OKP', crv: 'Ed25519', x });
  assert.equal(jwkOf('{not json'), null);
  assert.equal(jwkOf('short'), null);
});

test('reward form: stock as stock (new), stockDelta with expectedVersion (add) or stock with expectedStock (set); the window kept', () => {
  const inputs = { title: input('Mug'), description: input(''), storeId: input(''), costCoins: input('40'), perUserLimit: input(''),
    minLevel: input('1'), couponValidDays: input('14'), stockMode: input('add'), stock: input('5'), active: { checked: true } };
  // GIVEN a new reward THEN its stock is the stock
  assert.deepEqual(rewardChangeOf(inputs, null), { title: 'Mug', costCoins: 40, active: true, minLevel: 1, couponValidDays: 14, stock: 5 });
  // GIVEN an existing one with 8 left in a window
  const loaded = { remaining: 8, version: 3, validFrom: '2026-12-01T00:00:00Z', validTo: '2027-01-01T00:00:00Z' };
  const added = rewardChangeOf(inputs, loaded);
  assert.equal(added.stockDelta, 5);
  assert.equal(added.expectedVersion, 3, 'an addition names the version it applies to: applied once');
  assert.equal(added.stock, undefined);
  assert.equal(added.validTo, '2027-01-01T00:00:00Z');
  const set = rewardChangeOf({ ...inputs, stockMode: input('set'), stock: input('20') }, loaded);
  assert.deepEqual([set.stock, set.expectedStock, set.stockDelta, set.expectedVersion], [20, 8, undefined, undefined]);
  // AND no amount: the stock is not touched
  const none = rewardChangeOf({ ...inputs, stock: input('') }, loaded);
  assert.ok(!('stock' in none) && !('stockDelta' in none) && !('expectedStock' in none));
});

test('audit entry: who, role, target and the fields that changed', () => {
  const v = auditView({ entryId: 'store:zara:v2', at: '2026-12-07T10:00:00Z', actorId: 'ops-1', actorRole: 'admin', action: 'store.changed',
    storeId: 'zara', target: 'store:zara', before: { name: 'Zara', multiplier: 1, active: true },
    after: { name: 'Zara', multiplier: 2, active: false }, requestId: 'r-1' });
  assert.deepEqual([v.who, v.role, v.action, v.target, v.requestId], ['ops-1', 'admin', 'store.changed', 'store:zara', 'r-1']);
  assert.deepEqual(v.changes, ['multiplier: 1 → 2', 'active: true → false']);
  assert.deepEqual(changesOf(undefined, { kid: 'k1' }), ['kid: k1']);
  assert.deepEqual(changesOf(null, null), []);
});
