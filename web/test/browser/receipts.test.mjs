// Receipts as a shopper has them: a code signed by the store's till (pasted, from a photo of its QR, from the
// camera), typed details at a store that signs (refused in plain words), and a store whose unsigned receipts wait
// for a person: the operator approves or rejects them on the dashboard.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BASE_URL, DESKTOP, PHONE, api, devToken, openBrowser, receiptCode, screenshot, uniqueUser } from './browser.mjs';
import { qrPng, qrY4m } from './qr.mjs';

let browser;
let dir;
before(async () => {
  browser = await openBrowser({ viewport: PHONE });
  dir = mkdtempSync(join(tmpdir(), 'mallquest-qr-'));
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function signedIn(page, user) {
  await page.goto(`${BASE_URL}/#token=${await devToken(user)}`);
  await page.locator('#balance').waitFor({ timeout: 15000 });
}

test('a pasted code is credited; typed details at a store that signs its receipts are refused in plain words', async () => {
  const page = await browser.context.newPage();
  const user = uniqueUser('coder');
  await signedIn(page, user);
  await page.getByLabel('Receipt code').fill(await receiptCode('zara', '42.00'));
  await page.getByRole('button', { name: 'Submit receipt' }).click();
  await page.locator('#receipt-outcome').filter({ hasText: 'Credited: +42 coins' }).waitFor({ timeout: 20000 });
  await page.locator('#balance[data-coins="42"]').waitFor({ timeout: 10000 });

  await page.locator('#receipt-details summary').click();
  await page.getByLabel('Store').selectOption('zara');
  await page.getByLabel('Receipt number').fill(`T-${Date.now()}`);
  await page.getByLabel('Amount').fill('10');
  await page.getByRole('button', { name: 'Submit receipt' }).click();
  const refused = page.locator('#receipt-outcome[data-code="signature_required"]');
  await refused.waitFor({ timeout: 15000 });
  assert.match(await refused.innerText(), /paste or scan the code/);
  await page.close();
});

test('a photo of the receipt\'s QR code is read and credited', async () => {
  const page = await browser.context.newPage();
  await signedIn(page, uniqueUser('photo'));
  const png = await qrPng(await receiptCode('decathlon', '30.00'), join(dir, 'receipt.png'));
  await page.locator('#receipt-photo').setInputFiles(png);
  await page.locator('#receipt-outcome').filter({ hasText: 'Credited' }).waitFor({ timeout: 20000 });
  await page.close();
});

test('the camera reads the receipt\'s QR code (a fake camera showing it)', async () => {
  const video = await qrY4m(await receiptCode('zara', '15.00'), join(dir, 'receipt.y4m'));
  const camera = await openBrowser({ viewport: PHONE, args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`] });
  try {
    const page = await camera.page();
    await signedIn(page, uniqueUser('camera'));
    await page.getByRole('button', { name: 'Scan with the camera' }).click();
    await page.locator('#receipt-outcome').filter({ hasText: 'Credited: +15 coins' }).waitFor({ timeout: 20000 });
    assert.ok(await page.locator('video.scanner').isHidden(), 'the camera stops once the code is read');
  } finally {
    await camera.close();
  }
});

test('a receipt at a review store waits; the operator approves one and rejects another on the dashboard', async () => {
  const user = uniqueUser('reviewed');
  const shopper = await browser.context.newPage();
  await signedIn(shopper, user);
  const ids = [`FG-${Date.now()}-A`, `FG-${Date.now()}-B`];
  for (const id of ids) {
    await shopper.locator('#receipt-details').evaluate((d) => { d.open = true; });
    await shopper.getByLabel('Store').selectOption('five-guys');
    await shopper.getByLabel('Receipt number').fill(id);
    await shopper.getByLabel('Amount').fill('20');
    await shopper.getByRole('button', { name: 'Submit receipt' }).click();
    await shopper.locator('#receipt-outcome').filter({ hasText: 'waits for a person' }).waitFor({ timeout: 20000 });
  }

  const ops = await browser.context.newPage();
  await ops.setViewportSize(DESKTOP);
  await ops.goto(`${BASE_URL}/ops#token=${await devToken('reviewer-1', ['admin'])}`);
  const rowA = ops.locator(`#review-table tr[data-receipt="five-guys/${ids[0]}"]`);
  const rowB = ops.locator(`#review-table tr[data-receipt="five-guys/${ids[1]}"]`);
  await rowA.waitFor({ timeout: 15000 });
  assert.match(await rowA.innerText(), new RegExp(user));
  await screenshot(ops, 'ops-review-desktop');
  await rowA.getByRole('button', { name: 'Approve' }).click();
  await ops.locator('#review-outcome').filter({ hasText: `Approved ${ids[0]}` }).waitFor({ timeout: 15000 });
  await rowB.getByRole('button', { name: 'Reject…' }).click();
  await rowB.getByRole('button', { name: 'Reject' }).click();
  assert.equal(await rowB.getByLabel('Reason for the shopper').getAttribute('aria-invalid'), 'true', 'a reason is required');
  await rowB.getByLabel('Reason for the shopper').fill('The receipt is from another mall');
  await rowB.getByRole('button', { name: 'Reject' }).click();
  await ops.locator('#review-outcome').filter({ hasText: `Rejected ${ids[1]}` }).waitFor({ timeout: 15000 });
  assert.equal(await rowA.count() + await rowB.count(), 0, 'decided receipts leave the queue');

  const { body } = await api('GET', '/users/me', await devToken(user));
  assert.equal(body.coins, 50, 'the approved receipt credited once (20 at Five Guys, multiplier 2.5), the rejected one nothing');
  await shopper.reload();
  await shopper.locator('#balance[data-coins="50"]').waitFor({ timeout: 15000 });
  await shopper.close();
  await ops.close();
});
