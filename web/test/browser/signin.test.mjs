// Signing in on the shopper page: greeted by the name given at sign-up, and a link carrying someone else's token
// (#token=…) never replaces the signed-in session by itself, on load or on hashchange.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_URL, PHONE, devToken, openBrowser, screenshot, uniqueUser } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser({ viewport: PHONE }); });
after(async () => { await browser?.close(); });

async function devSignIn(sub, name) {
  const r = await fetch(`${BASE_URL}/local/dev-token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sub, name }) });
  assert.equal(r.status, 200);
  return (await r.json()).token;
}

test('the shopper page greets by the name given at sign-up, not the user id', async () => {
  // GIVEN the local dev sign-in with a name
  const page = await browser.context.newPage();
  await page.goto(`${BASE_URL}/`);
  await page.getByLabel('User id').fill(uniqueUser('named'));
  await page.getByLabel('Name (optional)').fill('Maya Lopez');
  await page.getByRole('button', { name: 'Sign in (local dev)' }).click();
  // THEN the greeting uses the name
  await page.locator('h1.greeting').getByText('Hi, Maya Lopez').waitFor({ timeout: 15000 });
  assert.match(await page.locator('#who').innerText(), /Maya Lopez/);
  await page.close();
});

test('a link with someone else\'s token asks before switching, on hashchange and on load', async () => {
  // GIVEN Alice signed in in a tab
  const alice = await devSignIn(uniqueUser('alice'), 'Alice');
  const mallory = await devSignIn(uniqueUser('mallory'), 'Mallory');
  const page = await browser.context.newPage();
  await page.goto(`${BASE_URL}/#token=${alice}`);
  await page.locator('h1.greeting').getByText('Hi, Alice').waitFor({ timeout: 15000 });

  // WHEN Mallory's token arrives in the address bar of the open tab (hashchange)
  await page.goto(`${BASE_URL}/#token=${mallory}`);

  // THEN the page asks, the token is out of the address bar, and Alice stays signed in until she answers
  await page.locator('#switch-consent').waitFor({ timeout: 15000 });
  assert.ok(!page.url().includes('token='), page.url());
  assert.match(await page.locator('#switch-consent').innerText(), /as Mallory\. You are signed in as Alice/);
  assert.equal(await page.evaluate(() => JSON.parse(atob(sessionStorage.getItem('mallquest.token').split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).name), 'Alice');
  await screenshot(page, 'switch-consent');
  await page.getByRole('button', { name: 'Stay signed in as Alice' }).click();
  await page.locator('h1.greeting').getByText('Hi, Alice').waitFor({ timeout: 15000 });

  // WHEN the link is opened afresh in the same tab (on load) THEN it asks again; switching is the person's choice
  await page.goto('about:blank');
  await page.goto(`${BASE_URL}/#token=${mallory}`);
  await page.locator('#switch-consent').waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Switch to Mallory' }).click();
  await page.locator('h1.greeting').getByText('Hi, Mallory').waitFor({ timeout: 15000 });
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('the ops page asks too before a link\'s token replaces an operator\'s session', async () => {
  const operator = await devToken(uniqueUser('op'), ['admin']);
  const page = await browser.context.newPage();
  await page.goto(`${BASE_URL}/ops#token=${operator}`);
  await page.locator('#tab-figures').waitFor({ timeout: 20000 });
  await page.evaluate((t) => { window.location.hash = `token=${t}`; }, await devToken(uniqueUser('other')));
  await page.locator('#switch-consent').waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: /^Stay signed in as/ }).click();
  await page.locator('#tab-figures').waitFor({ timeout: 20000 });
  await page.close();
});
