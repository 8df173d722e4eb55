// Headless Debian Chromium through playwright-core (no browser download), each launch with a fresh profile.
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1440, height: 900 };
export const SCREEN = { width: 1920, height: 1080 };
// Screenshots go to web/target/screenshots (ignored by git), so a test run leaves the checkout as it was;
// MQ_SCREENSHOTS=docs/screenshots ./mallquest test-web refreshes the pictures of docs/web.md on purpose.
export const SCREENSHOTS = resolve(process.env.MQ_SCREENSHOTS ?? resolve(import.meta.dirname, '../../target/screenshots'));

export const BASE_URL = process.env.MQ_BASE_URL ?? 'http://127.0.0.1:3000';

/** A browser context with its own profile directory; close() removes it. */
export async function openBrowser({ viewport = DESKTOP, args = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'mallquest-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: [...FLAGS, ...args], viewport,
  });
  const errors = [];
  context.on('page', (page) => watch(page, errors));
  for (const page of context.pages()) watch(page, errors);
  return {
    context,
    errors,
    async page() {
      const existing = context.pages().find((p) => p.url() === 'about:blank');
      return existing ?? context.newPage();
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function watch(page, errors) {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** A token from the runner's dev sign-in (the same as ./mallquest token). */
export async function devToken(sub, groups = []) {
  const r = await fetch(`${BASE_URL}/local/dev-token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sub, groups }) });
  if (!r.ok) throw new Error(`dev-token ${r.status}: ${await r.text()}`);
  return (await r.json()).token;
}

/** Calls the API as `token`; resolves {status, body, headers}. */
export async function api(method, path, token, body) {
  const r = await fetch(BASE_URL + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: r.status, body: parsed, headers: r.headers };
}

/** A user id no earlier run used (the DynamoDB is fresh each run, but tests in one run must not share users). */
export function uniqueUser(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export const REPO = resolve(import.meta.dirname, '../../..');

/** A receipt code signed with the store's development key, as `./mallquest receipt` prints it for a till. */
export async function receiptCode(storeId, amount, receiptId = `R-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`) {
  const { execFile } = await import('node:child_process');
  return new Promise((ok, fail) => {
    execFile(join(REPO, 'mallquest'), ['receipt', '--store', storeId, '--amount', String(amount), '--receipt-id', receiptId],
      { cwd: REPO, timeout: 120000 }, (error, stdout, stderr) => (error ? fail(new Error(`./mallquest receipt: ${stderr || error.message}`)) : ok(stdout.trim())));
  });
}
