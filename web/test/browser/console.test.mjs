// The operator console against the real API: stores (create, edit, a stale edit refused, keys rotated without a
// gap, deactivate), the rewards catalogue (create, edit, stock that cannot lose an update), the audit trail.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, test } from 'node:test';
import { BASE_URL, DESKTOP, PHONE, api, devToken, openBrowser, screenshot } from './browser.mjs';

let browser;
let admin;
const suffix = Date.now().toString(36).slice(-5);
before(async () => {
  browser = await openBrowser({ viewport: DESKTOP });
  admin = await devToken(`console-admin-${suffix}`, ['admin']);
});
after(async () => { await browser?.close(); });

async function openConsole(view) {
  const page = await browser.context.newPage();
  page.on('dialog', (d) => d.accept());
  await page.goto(`${BASE_URL}/ops?view=${view}#token=${admin}`);
  await page.locator(`#tab-${view}[aria-current=page]`).waitFor({ timeout: 20000 });
  return page;
}

/** Polls `read` until `check` holds on its value (public reads are cached for a few seconds), then returns it. */
async function eventually(read, check, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  let value;
  for (;;) {
    value = await read();
    if (check(value) || Date.now() > end) return value;
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

/** A till's key pair: the public JWK to register, and a signer of receipt codes (compact JWS, EdDSA). */
function tillKey(kid) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return {
    jwk: publicKey.export({ format: 'jwk' }),
    code(payload) {
      const input = `${part({ alg: 'EdDSA', kid })}.${part(payload)}`;
      return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
    },
  };
}

test('stores: create, edit, a stale edit is refused, keys rotated without a gap, deactivate', async () => {
  const storeId = `console-${suffix}`;
  const page = await openConsole('stores');

  // GIVEN an operator on the stores view WHEN they create a store
  await page.getByRole('button', { name: 'New store' }).click();
  await page.getByLabel('Store id').fill(storeId);
  await page.getByLabel('Name', { exact: true }).fill('Console Books');
  await page.getByLabel('Category').fill('books');
  await page.getByLabel('Unit or floor').fill('L2-14');
  await page.getByLabel('Coins per currency unit').fill('2');
  await page.getByLabel('Names on its receipts').fill('CONSOLE BOOKS LTD');
  await page.getByRole('button', { name: 'Create store' }).click();

  // THEN the API has it (version 1) and the list shows it
  await page.locator('#stores-outcome .notice-ok').getByText(/Created Console Books/).waitFor({ timeout: 15000 });
  const row = page.locator(`#stores-table tr[data-store="${storeId}"]`);
  await row.waitFor();
  const created = await api('GET', `/admin/stores/${storeId}`, admin);
  assert.equal(created.status, 200);
  assert.equal(created.body.version, 1);
  assert.deepEqual(created.body.aliases, ['CONSOLE BOOKS LTD']);
  assert.equal(created.body.multiplier, 2);

  // WHEN someone else changes the store while the operator edits it
  await row.getByRole('button', { name: 'Edit Console Books' }).click();
  await page.locator('#store-version').getByText('Version 1').waitFor();
  const elsewhere = await fetch(`${BASE_URL}/admin/stores/${storeId}`, {
    method: 'PUT', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json', 'If-Match': created.headers.get('etag') ?? '"1"' },
    body: JSON.stringify({ name: 'Console Books', category: 'books', floor: 'L2-14', multiplier: 3, verification: 'signed', aliases: ['CONSOLE BOOKS LTD'], active: true }),
  });
  assert.equal(elsewhere.status, 200, await elsewhere.text());
  await page.getByLabel('Name', { exact: true }).fill('Console Books & Maps');
  await page.getByRole('button', { name: 'Save changes' }).click();

  // THEN the stale save is refused (412) and nothing of it was written
  await page.locator('#store-editor-outcome [data-code=version_mismatch]').waitFor({ timeout: 15000 });
  assert.match(await page.locator('#store-editor-outcome').innerText(), /version 2/);
  assert.equal((await api('GET', `/admin/stores/${storeId}`, admin)).body.name, 'Console Books');

  // WHEN the operator loads the current version and saves again THEN it is saved on top of the other change
  await page.getByRole('button', { name: 'Load the current version' }).click();
  await page.locator('#store-version').getByText('Version 2').waitFor();
  assert.equal(await page.getByLabel('Coins per currency unit').inputValue(), '3');
  await page.getByLabel('Name', { exact: true }).fill('Console Books & Maps');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#stores-outcome').getByText(/Saved Console Books & Maps \(version 3\)/).waitFor({ timeout: 15000 });
  const saved = (await api('GET', `/admin/stores/${storeId}`, admin)).body;
  assert.equal(saved.name, 'Console Books & Maps');
  assert.equal(saved.multiplier, 3);
  await screenshot(page, 'console-stores');

  // WHEN the operator registers the tills' key, then a new one, then revokes the old one (rotation)
  await page.locator(`#stores-table tr[data-store="${storeId}"]`).getByRole('button', { name: /^Keys of/ }).click();
  await page.locator('#store-keys').getByText(/No keys/).waitFor({ timeout: 15000 });
  const till1 = tillKey(`${storeId}-till-1`);
  const till2 = tillKey(`${storeId}-till-2`);
  await page.getByLabel('Key id').fill(`${storeId}-till-1`);
  await page.getByLabel('Public key').fill(JSON.stringify(till1.jwk));
  await page.getByRole('button', { name: 'Register key' }).click();
  await page.locator(`#keys-table tr[data-kid="${storeId}-till-1"]`).waitFor({ timeout: 15000 });
  await page.getByLabel('Key id').fill(`${storeId}-till-2`);
  await page.getByLabel('Public key').fill(till2.jwk.x);
  await page.getByRole('button', { name: 'Register key' }).click();
  await page.locator('#keys-outcome').getByText(/Both keys verify now/).waitFor({ timeout: 15000 });
  await page.locator(`#keys-table tr[data-kid="${storeId}-till-2"]`).waitFor();
  await page.getByRole('button', { name: `Revoke ${storeId}-till-1` }).click();
  await page.locator(`#keys-table tr[data-kid="${storeId}-till-1"]`).getByText('Revoked', { exact: true }).waitFor({ timeout: 15000 });

  // THEN the API holds the new key active and the old one revoked
  const keys = (await api('GET', `/admin/stores/${storeId}/keys`, admin)).body.keys;
  assert.deepEqual(Object.fromEntries(keys.map((k) => [k.kid, k.status])), { [`${storeId}-till-1`]: 'revoked', [`${storeId}-till-2`]: 'active' });
  await screenshot(page, 'console-keys');

  // AND a code the tills sign with the new key credits a shopper once
  const shopper = await devToken(`console-shopper-${suffix}`);
  const code = till2.code({ storeId, receiptId: `C-${suffix}`, amount: 12.5, purchasedAt: new Date(Date.now() - 60000).toISOString() });
  const credited = await api('POST', '/receipts', shopper, { code });
  assert.equal(credited.status, 201, JSON.stringify(credited.body));
  assert.ok(credited.body.coinsEarned > 0, JSON.stringify(credited.body));
  const again = await api('POST', '/receipts', shopper, { code });
  assert.equal(again.status, 200, 'the same code again is a replay, not a second credit');
  assert.equal(again.body.replayed, true);

  // WHEN the operator deactivates the store THEN it leaves the public list and is marked inactive
  await page.getByRole('button', { name: 'Deactivate Console Books & Maps' }).click();
  await page.locator(`#stores-table tr[data-store="${storeId}"]`).getByText('Inactive', { exact: true }).waitFor({ timeout: 15000 });
  const publicList = (await api('GET', '/stores')).body.stores.map((s) => s.storeId);
  assert.ok(!publicList.includes(storeId), 'an inactive store is not on GET /stores');
  assert.equal((await api('GET', `/admin/stores/${storeId}`, admin)).body.active, false);
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('rewards catalogue: create, edit, add stock, and a stale "set stock" is refused', async () => {
  const rewardId = `console-mug-${suffix}`;
  const page = await openConsole('rewards');

  // GIVEN the catalogue WHEN the operator creates a reward with 5 in stock
  await page.getByRole('button', { name: 'New reward' }).click();
  await page.getByLabel('Reward id').fill(rewardId);
  await page.getByLabel('Title').fill('Console mug');
  await page.getByLabel('Description').fill('A mug from the console test');
  await page.getByLabel('Cost in coins').fill('40');
  await page.getByLabel('At most per shopper').fill('2');
  await page.getByLabel('Stock').fill('5');
  await page.getByRole('button', { name: 'Create reward' }).click();

  // THEN it is on offer with its stock
  await page.locator('#catalogue-outcome').getByText('Created Console mug: 5 in stock.').waitFor({ timeout: 15000 });
  const row = page.locator(`#catalogue-table tr[data-reward="${rewardId}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /40 coins\s+5\s+2/);

  // WHEN the operator edits it: a new cost and 3 more in stock
  await row.getByRole('button', { name: 'Edit Console mug' }).click();
  await page.getByLabel('Cost in coins').fill('45');
  await page.getByLabel('Amount').fill('3');
  await page.getByRole('button', { name: 'Save reward' }).click();
  await page.locator('#catalogue-outcome').getByText('Saved Console mug: 8 in stock.').waitFor({ timeout: 15000 });
  const readReward = async () => (await api('GET', `/rewards/${rewardId}`)).body;
  let reward = await eventually(readReward, (r) => r?.remaining === 8);
  assert.equal(reward.costCoins, 45);
  assert.equal(reward.remaining, 8);
  assert.equal(reward.description, 'A mug from the console test', 'the rest of the reward is kept');

  // WHEN the operator sets the stock to 20 while someone else added one
  await page.locator(`#catalogue-table tr[data-reward="${rewardId}"]`).getByRole('button', { name: 'Edit Console mug' }).click();
  await page.getByLabel('Stock change').selectOption('set');
  await page.getByLabel('Amount').fill('20');
  const elsewhere = await api('PUT', `/admin/rewards/${rewardId}`, admin, { title: 'Console mug', description: 'A mug from the console test', costCoins: 45, perUserLimit: 2, minLevel: 1, couponValidDays: 14, active: true, stockDelta: 1, expectedVersion: reward.version });
  assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
  await page.getByRole('button', { name: 'Save reward' }).click();

  // THEN it is refused (409 stock_changed) and the page shows the stock now; saving again sets it
  await page.locator('#reward-editor-outcome [data-code=stock_changed]').waitFor({ timeout: 15000 });
  assert.equal(elsewhere.body.remaining, 9);
  assert.equal(await page.locator('#reward-stock-now').innerText(), 'Stock now: 9');
  await page.getByRole('button', { name: 'Save reward' }).click();
  await page.locator('#catalogue-outcome').getByText('Saved Console mug: 20 in stock.').waitFor({ timeout: 15000 });
  reward = await eventually(readReward, (r) => r?.remaining === 20);
  assert.equal(reward.remaining, 20);
  await screenshot(page, 'console-rewards');
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('audit trail: the console\'s own actions, with who did them', async () => {
  const page = await openConsole('audit');
  // GIVEN the operator's reward changes above WHEN they filter the trail by themselves
  await page.getByLabel('Who (user id)').fill(`console-admin-${suffix}`);
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  // THEN their entries are listed with their role
  await page.locator('#audit-table tbody tr').first().waitFor({ timeout: 15000 });
  const text = await page.locator('#audit-table').innerText();
  assert.match(text, new RegExp(`console-admin-${suffix}`));
  assert.match(text, /admin/);
  await screenshot(page, 'console-audit');
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(200);
  await screenshot(page, 'console-audit-phone');
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('a plain user\'s token opens no console view', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${BASE_URL}/ops?view=stores#token=${await devToken(`console-shopper-${suffix}`)}`);
  await page.locator('#not-operator').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#stores-table').count(), 0);
  await page.close();
});
