// The operator dashboard against the real API: charts fill as traffic comes; a plain user gets no dashboard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_URL, DESKTOP, PHONE, api, devToken, openBrowser, screenshot } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser({ viewport: DESKTOP }); });
after(async () => { await browser?.close(); });

test('an operator signs in and sees the charts fill after traffic, with health and routes', async () => {
  const page = await browser.page();
  await page.goto(`${BASE_URL}/ops`);
  await page.getByLabel('User id').fill('operator-charts');
  assert.ok(await page.getByLabel('Operator (admin group)').isChecked());
  await page.getByRole('button', { name: 'Sign in (local dev)' }).click();
  await page.locator('#chart-rps svg').waitFor({ timeout: 15000 });
  await page.locator('#health-status').waitFor({ timeout: 15000 });
  // healthy on a quiet machine; a database probe over its 1 s budget on a busy one is "unhealthy", with its reason
  const health = (await page.locator('#health-status').innerText()).toLowerCase();
  assert.ok(['healthy', 'degraded', 'unhealthy'].includes(health), health);
  if (health !== 'healthy') assert.ok(await page.locator('#health ul.reasons li').count() >= 1, 'a state that is not healthy says why');

  // traffic: public reads and a shopper's reads
  const shopper = await devToken('ops-traffic');
  for (let i = 0; i < 15; i++) {
    await Promise.all([api('GET', '/stores'), api('GET', '/effects', shopper), api('GET', '/health')]);
  }
  // two more polls (every 5 s) after the traffic: the lines have several points and the routes table names it
  await page.waitForFunction(() => Number(document.querySelector('#updated')?.dataset.samples ?? 0) >= 3, null, { timeout: 20000 });
  const rpsPoints = Number(await page.locator('#chart-rps path.series').getAttribute('data-points'));
  assert.ok(rpsPoints >= 3, `requests/s points: ${rpsPoints}`);
  assert.equal(await page.locator('#chart-latency path.series').count(), 3, 'p50, p95, p99');
  await page.locator('#routes-table').getByText('GET /stores').waitFor();
  assert.match(await page.locator('#chart-rps figcaption').innerText(), /all routes \d/);
  await screenshot(page, 'ops-desktop');
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  await screenshot(page, 'ops-phone');
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('a plain user gets no dashboard', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${BASE_URL}/ops#token=${await devToken('not-an-operator')}`);
  await page.locator('#not-operator').waitFor({ timeout: 15000 });
  assert.match(await page.locator('#not-operator').innerText(), /Operators only/);
  assert.equal(await page.locator('#chart-rps').count(), 0);
  assert.equal(await page.locator('#routes-table').count(), 0);
  await page.close();
});
