// The game on the real API: a receipt puts the shopper on this week's board (their page and the mall screen) and
// unlocks the first-receipt badge; hiding from public boards takes them off the screen's board.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_URL, PHONE, SCREEN, api, devToken, openBrowser, receiptCode, screenshot, uniqueUser } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser({ viewport: PHONE }); });
after(async () => { await browser?.close(); });

test('a receipt puts the shopper on the week\'s board and unlocks a badge; the screen shows the board', async () => {
  const user = uniqueUser('player');
  const token = await devToken(user);
  const page = await browser.context.newPage();
  await page.goto(`${BASE_URL}/#token=${token}`);
  await page.locator('#my-rank').waitFor({ timeout: 30000 });
  assert.match(await page.locator('#my-rank').innerText(), /Not on this week/);
  await page.locator('#badges-locked li').first().waitFor();

  await page.getByLabel('Receipt code').fill(await receiptCode('cineworld', '200.00'));
  await page.getByRole('button', { name: 'Submit receipt' }).click();
  await page.locator('#receipt-outcome').filter({ hasText: 'Credited' }).waitFor({ timeout: 20000 });
  await page.locator('#my-rank').filter({ hasText: /^#\d+ this week with 200 XP/ }).waitFor({ timeout: 15000 });
  await page.locator('#badges-earned li').first().waitFor({ timeout: 15000 });
  assert.match(await page.locator('#streak').innerText(), /1-week visit streak/);
  await page.waitForFunction(() => (window.mallquestShopper?.effects()?.playedByType?.badge_unlocked ?? 0) >= 1, null, { timeout: 15000 });
  await page.locator('#badges').scrollIntoViewIfNeeded();
  await screenshot(page, 'shopper-badges-phone');

  const screen = await browser.context.newPage();
  await screen.setViewportSize(SCREEN);
  await screen.goto(`${BASE_URL}/screen?channel=atrium#token=${await devToken('screen-board')}`);
  await screen.waitForFunction(() => window.mallquestScreen?.board() === true, null, { timeout: 15000 });
  const board = (await api('GET', '/leaderboards/week?limit=10')).body;
  const mine = board.entries.find((e) => e.score === 200);
  assert.ok(mine, JSON.stringify(board));
  assert.match(await screen.locator('#board').innerText(), new RegExp(`${mine.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await screen.waitForTimeout(500);
  await screenshot(screen, 'screen-board-1080p');
  await screen.close();

  // hidden from public boards: the switch on the page, then the public board no longer names them
  await page.getByLabel('Show me on the mall’s public boards').uncheck();
  await page.getByText('You are hidden from the public boards').waitFor({ timeout: 10000 });
  const after = (await api('GET', '/leaderboards/week?limit=100')).body;
  assert.ok(!after.entries.some((e) => e.name === mine.name && e.score === 200), 'hidden from the public board');
  await page.close();
});
