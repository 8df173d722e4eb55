// Spending on the shopper's page against the real API: rewards, redeeming one for a coupon, the coupon listed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_URL, PHONE, api, devToken, openBrowser, screenshot, uniqueUser } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser({ viewport: PHONE }); });
after(async () => { await browser?.close(); });

test('a shopper redeems a reward: confirms, gets a coupon, the balance drops and the coupon is listed', async () => {
  const user = uniqueUser('spender');
  const admin = await devToken('rewards-admin', ['admin']);
  const grant = await api('POST', '/admin/users/batch', admin, { adjustments: [{ adjustmentId: `${user}-grant`, userId: user, coinsDelta: 150, xpDelta: 0, reason: 'Test coins' }] });
  assert.ok(grant.status < 300, JSON.stringify(grant.body));
  const rewards = (await api('GET', '/rewards')).body.rewards;
  const affordable = rewards.filter((r) => r.costCoins <= 150 && (r.minLevel ?? 1) <= 1 && r.remaining !== 0).sort((a, b) => b.costCoins - a.costCoins)[0];
  const tooDear = rewards.find((r) => r.costCoins > 150 && (r.minLevel ?? 1) <= 1);
  assert.ok(affordable && tooDear, 'the seed has rewards on both sides of 150 coins');

  const page = await browser.page();
  await page.goto(`${BASE_URL}/#token=${await devToken(user)}`);
  await page.locator('#balance[data-coins="150"]').waitFor({ timeout: 15000 });
  const card = page.locator(`li.reward[data-reward="${affordable.rewardId}"]`);
  await card.waitFor({ timeout: 15000 });
  const dear = page.locator(`li.reward[data-reward="${tooDear.rewardId}"]`);
  assert.ok(await dear.getByRole('button', { name: /Redeem/ }).isDisabled());
  assert.match(await dear.innerText(), /You need \d+ more coins/);
  await page.getByText('No coupons yet').waitFor();

  await card.getByRole('button', { name: `Redeem for ${affordable.costCoins} coins` }).click();
  await card.getByRole('button', { name: `Spend ${affordable.costCoins} coins` }).click();
  const code = card.locator('.coupon-code');
  await code.waitFor({ timeout: 15000 });
  assert.match(await code.innerText(), /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  await page.locator(`#balance[data-coins="${150 - affordable.costCoins}"]`).waitFor({ timeout: 10000 });
  await page.locator('#coupons-list li').first().waitFor({ timeout: 10000 });
  assert.match(await page.locator('#coupons-list').innerText(), new RegExp(await code.innerText()));
  assert.equal(await page.locator('#coupons-list li').first().getAttribute('data-state'), 'issued');
  assert.match(await page.locator('#coupons-list li').first().innerText(), /Valid until/);
  await page.waitForFunction(() => (window.mallquestShopper?.effects()?.playedByType?.reward_redeemed ?? 0) >= 1, null, { timeout: 15000 });
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'shopper-rewards-phone');

  const { body } = await api('GET', '/users/me', await devToken(user));
  assert.equal(body.coins, 150 - affordable.costCoins, 'charged once');
  assert.deepEqual(browser.errors, []);
});
