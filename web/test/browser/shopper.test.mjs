// The shopper's page against the real API: sign in, submit a receipt, see the balance and the coin effect.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_URL, DESKTOP, PHONE, api, devToken, openBrowser, receiptCode, screenshot, uniqueUser } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser({ viewport: PHONE }); });
after(async () => { await browser?.close(); });

test('a shopper signs in with the keyboard, submits a signed receipt and sees the new balance and the coin effect', async () => {
  const page = await browser.page();
  const user = uniqueUser('shopper');
  await page.goto(`${BASE_URL}/`);
  await page.getByLabel('User id').fill(user);
  await page.getByLabel('User id').press('Enter');
  await page.locator('#balance').waitFor();
  assert.equal(await page.locator('#balance').getAttribute('data-coins'), '0');
  await page.getByText('No activity yet').waitFor();

  // the code Zara's till printed under the receipt's QR, pasted
  await page.getByLabel('Receipt code').fill(await receiptCode('zara', '125.50'));
  await page.getByRole('button', { name: 'Submit receipt' }).click();

  await page.locator('#receipt-outcome').filter({ hasText: 'Credited' }).waitFor({ timeout: 20000 });
  assert.match(await page.locator('#receipt-outcome').innerText(), /\+125 coins and \+125 XP/);
  await page.locator('#balance[data-coins="125"]').waitFor({ timeout: 10000 });
  await page.locator('#activity-list li').first().waitFor();
  assert.match(await page.locator('#activity-list li').first().innerText(), /zara/);

  // the coin_earned effect the credit published plays over the page and is announced
  await page.waitForFunction(() => (window.mallquestShopper?.effects()?.playedByType?.coin_earned ?? 0) >= 1, null, { timeout: 15000 });
  assert.match(await page.locator('#effects-announcer').innerText(), /\+125 coins/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300); // mid-burst for the screenshot
  await screenshot(page, 'shopper-phone');
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(300);
  await screenshot(page, 'shopper-desktop');
  await page.setViewportSize(PHONE);
  assert.deepEqual(browser.errors, []);
});

test('a token in the URL fragment signs the tab in and leaves the address bar', async () => {
  const page = await browser.context.newPage();
  const user = uniqueUser('fragment');
  const token = await devToken(user);
  await page.goto(`${BASE_URL}/#token=${token}`);
  await page.locator('#balance').waitFor();
  assert.equal(new URL(page.url()).hash, '');
  assert.match(await page.locator('#who').innerText(), new RegExp(user));
  assert.equal(await page.evaluate(() => sessionStorage.getItem('mallquest.token')), token);
  await page.close();
});

test('activity pages with "Show more"', async () => {
  const page = await browser.context.newPage();
  const user = uniqueUser('pager');
  const admin = await devToken('ops-pager', ['admin']);
  const adjustments = Array.from({ length: 13 }, (_, i) => ({ adjustmentId: `${user}-a${i}`, userId: user, coinsDelta: i + 1, xpDelta: 1, reason: `Bonus ${i + 1}` }));
  const batch = await api('POST', '/admin/users/batch', admin, { adjustments });
  assert.ok(batch.status < 300, JSON.stringify(batch.body));
  await page.goto(`${BASE_URL}/#token=${await devToken(user)}`);
  await page.locator('#activity-list li').first().waitFor();
  assert.equal(await page.locator('#activity-list li').count(), 10);
  await page.getByRole('button', { name: 'Show more' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#activity-list li').length === 13);
  assert.ok(await page.locator('#activity-more').isHidden());
  await page.close();
});

test('an expired or foreign token leads back to sign-in with the reason', async () => {
  const page = await browser.context.newPage();
  // well-formed but signed with another secret: the API answers 401
  const [h, p] = (await devToken('someone')).split('.');
  await page.goto(`${BASE_URL}/#token=${h}.${p}.c2lnbmVkLWJ5LXNvbWVvbmUtZWxzZQ`);
  await page.getByText('Your sign-in has expired or is not valid').first().waitFor({ timeout: 10000 });
  await page.getByLabel('Token (JWT)').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('mallquest.token')), null);
  await page.close();
});

test('429 from the API: the page says how long to wait and retries by itself', async () => {
  const page = await browser.context.newPage();
  const user = uniqueUser('limited');
  const token = await devToken(user);
  // USER_READ_RATE_LIMIT is 20 reads per caller per minute: use them up
  let limited = null;
  for (let i = 0; i < 45 && !limited; i++) { // 20 per fixed window: at most 41 across a window's end
    const r = await api('GET', '/users/me', token);
    if (r.status === 429) limited = r;
  }
  assert.ok(limited, 'the read limit was never reached');
  await page.goto(`${BASE_URL}/#token=${token}`);
  const alert = page.locator('#profile .state-error');
  await alert.waitFor({ timeout: 10000 });
  assert.equal(await alert.getAttribute('data-status'), '429');
  assert.match(await alert.innerText(), /Too many requests\. Wait \d+ seconds/);
  assert.match(await alert.getByRole('button').innerText(), /Try again in \d+ s/);
  assert.ok(await alert.getByRole('button').isDisabled());
  await page.close();
});
