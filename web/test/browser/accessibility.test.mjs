// Accessibility basics on every page: a language, a title and one h1; every form control labelled; the
// keyboard alone signs in and reaches the controls; the main text has WCAG AA contrast on its background.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_URL, PHONE, devToken, openBrowser } from './browser.mjs';

let browser;
before(async () => { browser = await openBrowser({ viewport: PHONE }); });
after(async () => { await browser?.close(); });

/** Problems found in the page: unlabelled controls, nameless buttons, text below its contrast ratio. */
function audit() {
  const problems = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  if (!document.documentElement.lang) problems.push('html has no lang');
  if (!document.title.trim()) problems.push('no title');
  if (document.querySelectorAll('h1').length !== 1) problems.push(`${document.querySelectorAll('h1').length} h1 elements`);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const labelled = (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el.closest('label') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!labelled) problems.push(`unlabelled ${el.tagName.toLowerCase()}#${el.id}`);
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    if (visible(el) && !(el.textContent.trim() || el.getAttribute('aria-label'))) problems.push(`nameless ${el.tagName.toLowerCase()}`);
  }
  const rgb = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const backgroundOf = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a >= 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  let checked = 0;
  for (const el of document.querySelectorAll('h1, h2, h3, p, label, button, a, li, td, th, span, summary, figcaption, code')) {
    if (!visible(el) || el.closest('.visually-hidden') || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const s = getComputedStyle(el);
    const fg = rgb(s.color);
    if (!fg) continue;
    const bg = backgroundOf(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    checked++;
    if (ratio < (large ? 3 : 4.5) && !(el.disabled || el.closest('button:disabled'))) problems.push(`contrast ${ratio.toFixed(2)} for "${el.textContent.trim().slice(0, 40)}"`);
  }
  if (checked < 3) problems.push(`only ${checked} text elements checked`);
  return problems;
}

async function pageProblems(page) {
  return page.evaluate(audit);
}

test('the shopper page: signed out and signed in', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${BASE_URL}/`);
  await page.getByLabel('User id').waitFor();
  assert.deepEqual(await pageProblems(page), []);

  // keyboard only: the skip link first, then the sign-in form; Enter signs in
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'dev-user', 'the sign-in form has the focus');
  await page.locator('a.skip').focus();
  assert.ok(await page.locator('a.skip').evaluate((a) => a.getBoundingClientRect().left >= 0), 'the skip link shows when focused');
  const order = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim()));
  }
  assert.ok(order.includes('dev-user') && order.includes('dev-admin') && order.includes('Sign in (local dev)'), `tab order: ${order}`);
  await page.locator('#dev-user').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('keyboard-shopper');
  await page.keyboard.press('Enter');
  await page.locator('#balance').waitFor({ timeout: 15000 });
  await page.locator('#activity .state-empty').waitFor({ timeout: 15000 });
  assert.deepEqual(await pageProblems(page), []);
  // the receipt form is reachable and usable from the keyboard
  await page.locator('#receipt-code').focus();
  let tabs = 0;
  while (tabs < 6 && (await page.evaluate(() => document.activeElement?.tagName)) !== 'SUMMARY') {
    await page.keyboard.press('Tab');
    tabs++;
  }
  await page.keyboard.press('Enter'); // opens "No code? Enter the receipt details"
  assert.ok(await page.locator('#receipt-details').evaluate((d) => d.open), `focus on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`);
  const progress = page.getByRole('progressbar', { name: /Progress to level/ });
  assert.match(await progress.getAttribute('aria-label'), /Progress to level 2/);
  await page.close();
});

test('the operator dashboard and the mall screen', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${BASE_URL}/ops`);
  await page.getByLabel('User id').waitFor();
  assert.deepEqual(await pageProblems(page), []);
  await page.goto(`${BASE_URL}/ops#token=${await devToken('a11y-operator', ['admin'])}`);
  await page.locator('#health-status').waitFor({ timeout: 15000 });
  assert.deepEqual(await pageProblems(page), []);
  // the console's views and their forms: labelled, named, readable
  for (const [tab, opens] of [['Stores', 'New store'], ['Rewards', 'New reward'], ['Audit trail', null]]) {
    await page.getByRole('button', { name: tab, exact: true }).click();
    await page.locator('#main section:not([hidden]) [aria-busy=true]').waitFor({ state: 'detached', timeout: 15000 }).catch(() => {});
    if (opens) await page.getByRole('button', { name: opens }).click();
    assert.deepEqual(await pageProblems(page), [], tab);
  }
  await page.close();
  const screen = await browser.context.newPage(); // a tab of its own: the token above stays in the other one
  await screen.goto(`${BASE_URL}/screen?channel=atrium`);
  await screen.getByText('This screen needs its token').waitFor();
  assert.deepEqual(await pageProblems(screen), []);
  await screen.close();
});
