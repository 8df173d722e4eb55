// The api client's error model, the poller's backoff and Retry-After, the token's capture and claims.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, createClient, describeError, errorFrom, parseRetryAfter } from '../../src/api/client.js';
import { normalizeConfig } from '../../src/api/config.js';
import { backoffDelay, createPoller } from '../../src/poll/poller.js';
import { captureFragmentToken, claimsOf, currentSession, isExpired } from '../../src/session/token.js';

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (payload) => `${b64({ alg: 'HS256' })}.${b64(payload)}.c2ln`;

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
}

test('errors: the API shape, API Gateway shapes, Retry-After in seconds or as a date', () => {
  const e = errorFrom(400, { error: { code: 'invalid_field', message: 'amount must be greater than 0', field: 'amount' } }, null);
  assert.equal(e.code, 'invalid_field');
  assert.equal(e.field, 'amount');
  assert.equal(errorFrom(401, { message: 'Unauthorized' }).code, 'unauthorized');
  assert.ok(errorFrom(404, { message: 'Not Found' }).isMissingRoute);
  assert.ok(!errorFrom(404, { error: { code: 'user_not_found', message: 'x' } }).isMissingRoute);
  assert.equal(errorFrom(429, { error: { code: 'rate_limited', message: 'slow down' } }, '7').retryAfter, 7);
  assert.equal(parseRetryAfter(new Date(Date.now() + 5000).toUTCString()) >= 4, true);
  assert.equal(parseRetryAfter('soon'), null);
  assert.match(describeError(errorFrom(429, null, '12')), /Wait 12 seconds/);
  assert.match(describeError(new ApiError({ status: 0, code: 'network', message: 'x' })), /Cannot reach/);
  assert.match(describeError(errorFrom(401, null)), /Sign in again/);
});

test('client: bearer token, JSON body, 401 reported, network failure and timeout as status 0', async () => {
  const seen = [];
  let unauthorized = 0;
  const fetchImpl = async (url, init) => {
    seen.push({ url, init });
    if (url.includes('/slow')) return new Promise((_, fail) => init.signal.addEventListener('abort', () => fail(new Error('aborted'))));
    if (url.includes('/down')) throw new TypeError('Failed to fetch');
    if (url.includes('/gone')) return new Response('{"message":"Unauthorized"}', { status: 401 });
    return new Response(JSON.stringify({ ok: true }), { status: 201, headers: { Date: new Date().toUTCString() } });
  };
  const client = createClient({ baseUrl: 'http://api.test', getToken: () => 'T', fetchImpl, timeoutMs: 50, onUnauthorized: () => unauthorized++ });
  const r = await client.post('/receipts', { code: 'x' });
  assert.equal(r.status, 201);
  assert.equal(seen[0].init.headers.Authorization, 'Bearer T');
  assert.equal(seen[0].init.body, '{"code":"x"}');
  await assert.rejects(client.get('/gone'), (e) => e.status === 401);
  assert.equal(unauthorized, 1);
  await assert.rejects(client.get('/down'), (e) => e.status === 0 && e.code === 'network' && e.isTransient);
  await assert.rejects(client.get('/slow'), (e) => e.status === 0 && e.code === 'timeout');
  await client.get('/q', { query: { limit: 10, cursor: null } });
  assert.equal(seen.at(-1).url, 'http://api.test/q?limit=10');
});

test('config: defaults and a malformed file', () => {
  assert.deepEqual(normalizeConfig(null), { apiBase: '', devSignIn: false, cognito: null });
  assert.deepEqual(normalizeConfig({ apiBase: 'https://x/', cognito: { domain: 'https://auth.example/', clientId: 'abc' } }),
    { apiBase: 'https://x', devSignIn: false, cognito: { domain: 'auth.example', clientId: 'abc', scope: 'openid' } });
  assert.equal(normalizeConfig({ cognito: { domain: 'auth.example', clientId: 'abc', issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/p/' } }).cognito.issuer,
    'https://cognito-idp.eu-west-1.amazonaws.com/p');
});

test('backoff: doubles from the base, capped, with jitter', () => {
  const mid = { random: () => 0.5 };
  assert.equal(backoffDelay(1, mid), 1000);
  assert.equal(backoffDelay(3, mid), 4000);
  assert.equal(backoffDelay(20, mid), 30000);
  assert.equal(backoffDelay(1, { random: () => 0 }), 800);
});

function fakeTimers() {
  const timers = [];
  return {
    timers,
    setTimer: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
    clearTimer: () => {},
    async runNext() {
      const t = timers.shift();
      await t.fn();
      return t.ms;
    },
  };
}

test('poller: backs off while failing, follows Retry-After, recovers, stops on 401', async () => {
  const answers = [
    () => { throw new ApiError({ status: 0, code: 'network', message: 'down' }); },
    () => { throw new ApiError({ status: 503, code: 'unavailable', message: 'x' }); },
    () => { throw new ApiError({ status: 429, code: 'rate_limited', message: 'x', retryAfter: 9 }); },
    () => ({ effects: [] }),
    () => { throw new ApiError({ status: 401, code: 'unauthorized', message: 'x' }); },
  ];
  const states = [];
  const data = [];
  const t = fakeTimers();
  const poller = createPoller({ intervalMs: 1000, fetchOnce: async () => answers.shift()(), onData: (d) => data.push(d),
    onState: (s, info) => states.push([s, info?.retryInMs]), setTimer: t.setTimer, clearTimer: t.clearTimer, random: () => 0.5 });
  poller.start();
  assert.equal(await t.runNext(), 0);
  assert.equal(t.timers[0].ms, 1000, 'first retry after 1 s');
  await t.runNext();
  assert.equal(t.timers[0].ms, 2000, 'then 2 s');
  await t.runNext();
  assert.equal(t.timers[0].ms, 9000, 'Retry-After: 9');
  await t.runNext();
  assert.equal(t.timers[0].ms, 1000, 'back to the interval');
  assert.equal(data.length, 1);
  await t.runNext();
  assert.equal(t.timers.length, 0, 'stopped on 401');
  assert.deepEqual(states.map((s) => s[0]), ['offline', 'offline', 'offline', 'online', 'unauthorized']);
});

test('token: #token= is kept for the tab and removed from the address bar; claims and expiry', () => {
  const token = jwt({ sub: 'shopper-1', 'cognito:groups': '[admin store]', exp: Math.floor(Date.now() / 1000) + 60 });
  const replaced = [];
  const storage = memoryStorage();
  const win = {
    location: { hash: `#token=${token}&view=x`, pathname: '/screen', search: '?channel=atrium' },
    history: { state: null, replaceState: (_s, _t, url) => replaced.push(url) },
    sessionStorage: storage,
  };
  assert.deepEqual(captureFragmentToken(win), { status: 'signed-in' });
  assert.deepEqual(replaced, ['/screen?channel=atrium#view=x']);
  assert.equal(storage.getItem('mallquest.token'), token);
  assert.deepEqual(claimsOf(token).groups, ['admin', 'store']);
  assert.equal(currentSession(storage).claims.sub, 'shopper-1');

  const expired = jwt({ sub: 'old', exp: 10 });
  assert.ok(isExpired(claimsOf(expired)));
  storage.setItem('mallquest.token', expired);
  assert.equal(currentSession(storage), null);
  assert.equal(storage.getItem('mallquest.token'), null, 'an expired token is forgotten');
  assert.equal(claimsOf('not a token'), null);

  // the implicit grant's answer is gone: taken out of the address bar, never a session
  const implicit = { ...win, sessionStorage: memoryStorage(), location: { hash: `#id_token=${token}&access_token=zzz&expires_in=3600&token_type=Bearer`, pathname: '/', search: '' } };
  replaced.length = 0;
  assert.equal(captureFragmentToken(implicit), null);
  assert.deepEqual(replaced, ['/']);
  assert.equal(implicit.sessionStorage.getItem('mallquest.token'), null);
});
