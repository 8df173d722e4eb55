// Signing in: the authorization code flow with PKCE against a fake Cognito token endpoint that checks the verifier
// as Cognito does, and a link's token that never replaces someone else's session by itself.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { beginSignIn, codeChallenge, completeSignIn, idTokenProblem, signOutUrl } from '../../src/session/oidc.js';
import { captureFragmentToken, claimsOf, currentSession, displayName } from '../../src/session/token.js';

const COGNITO = { domain: 'mallquest-test.auth.eu-west-1.amazoncognito.com', clientId: 'web-client-1', scope: 'openid email profile', issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool' };
const PAGE = 'https://d111.cloudfront.net/';
const b64url = (text) => Buffer.from(text).toString('base64url');
const jwt = (payload) => `${b64url('{"alg":"RS256","kid":"k1"}')}.${b64url(JSON.stringify(payload))}.c2lnbmF0dXJl`;
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
}

/** A tab at `url`: location, history (replaceState records and moves the address) and its sessionStorage. */
function tab(url, storage = memoryStorage()) {
  const win = { sessionStorage: storage, replaced: [] };
  const go = (href) => {
    const u = new URL(href, 'https://d111.cloudfront.net');
    win.location = { href: u.href, origin: u.origin, pathname: u.pathname, search: u.search, hash: u.hash };
  };
  go(url);
  win.history = { state: null, replaceState: (_s, _t, next) => { win.replaced.push(next); go(next); } };
  return win;
}

/**
 * Cognito's token endpoint as far as a public client sees it: one code, issued for one challenge, redirect URI and
 * nonce; the code_verifier must hash to the challenge (S256); a code is used once.
 */
function fakeTokenEndpoint({ claims = {} } = {}) {
  const codes = new Map();
  const calls = [];
  return {
    calls,
    /** What the Hosted UI does after the person signs in: a code bound to the authorize request. */
    authorize(authorizeUrl) {
      const q = new URL(authorizeUrl).searchParams;
      const code = `code-${codes.size + 1}`;
      codes.set(code, { challenge: q.get('code_challenge'), method: q.get('code_challenge_method'), redirectUri: q.get('redirect_uri'), nonce: q.get('nonce'), clientId: q.get('client_id') });
      return `${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state'))}`;
    },
    fetch: async (url, init) => {
      calls.push({ url, init });
      const form = new URLSearchParams(init.body);
      const grant = codes.get(form.get('code'));
      codes.delete(form.get('code'));
      const reply = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
      if (url !== `https://${COGNITO.domain}/oauth2/token` || init.method !== 'POST' || form.get('grant_type') !== 'authorization_code') return reply(400, { error: 'unsupported_grant_type' });
      if (!grant || grant.clientId !== form.get('client_id') || grant.redirectUri !== form.get('redirect_uri')) return reply(400, { error: 'invalid_grant' });
      const hashed = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (grant.method !== 'S256' || hashed !== grant.challenge) return reply(400, { error: 'invalid_grant' });
      const idToken = jwt({ sub: 'c0ffee-sub', aud: COGNITO.clientId, iss: COGNITO.issuer, token_use: 'id', nonce: grant.nonce, name: 'Maya Lopez', exp: inAnHour(), 'cognito:username': 'c0ffee-sub', ...claims });
      return reply(200, { id_token: idToken, access_token: jwt({ sub: 'c0ffee-sub', token_use: 'access' }), token_type: 'Bearer', expires_in: 3600 });
    },
  };
}

test('pkce: the challenge is base64url(SHA-256(verifier)) without padding (RFC 7636 S256)', async () => {
  // GIVEN verifiers WHEN hashed by the page THEN the same as node's own SHA-256, base64url, no '='
  for (const verifier of ['a'.repeat(43), 'dBjftJeZ4CVP-mJ0W1x5lABl3kx9qLFV-E9lG1qgYPI', '0123456789_-abcdefghijklmnopqrstuvwxyzABCDEFG']) {
    const challenge = await codeChallenge(verifier);
    assert.equal(challenge, createHash('sha256').update(verifier).digest('base64url'));
    assert.match(challenge, /^[A-Za-z0-9_-]{43}$/);
  }
});

test('sign-in: the authorize URL asks for a code with an S256 challenge, a state and a nonce, never a token', async () => {
  // GIVEN a tab WHEN the person starts signing in
  const win = tab(PAGE);
  const url = new URL(await beginSignIn(COGNITO, PAGE, { storage: win.sessionStorage }));

  // THEN the Hosted UI's authorize endpoint is asked for the code flow with PKCE
  assert.equal(url.origin + url.pathname, `https://${COGNITO.domain}/oauth2/authorize`);
  const q = url.searchParams;
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('state'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('nonce'), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(q.get('state'), q.get('nonce'));
  assert.equal(q.get('client_id'), COGNITO.clientId);
  assert.equal(q.get('redirect_uri'), PAGE);
  assert.equal(q.get('scope'), 'openid email profile');
  // AND the verifier never leaves the tab
  const pending = JSON.parse(win.sessionStorage.getItem('mallquest.oidc'));
  assert.ok(!url.href.includes(pending.verifier));
  // AND two sign-ins never share a state
  const again = new URL(await beginSignIn(COGNITO, PAGE, { storage: memoryStorage() }));
  assert.notEqual(again.searchParams.get('state'), q.get('state'));
});

test('sign-in: the callback exchanges the code with its verifier and keeps the ID token; the code leaves the address bar', async () => {
  // GIVEN a started sign-in and Cognito's answer on the page
  const endpoint = fakeTokenEndpoint();
  const win = tab(PAGE);
  const answer = endpoint.authorize(await beginSignIn(COGNITO, PAGE, { storage: win.sessionStorage }));
  const callback = tab(answer, win.sessionStorage);

  // WHEN the page completes it
  const result = await completeSignIn(callback, COGNITO, { fetchImpl: endpoint.fetch });

  // THEN the token endpoint accepted the verifier and the tab is signed in with the ID token
  assert.deepEqual(result, { status: 'signed-in' });
  assert.equal(endpoint.calls.length, 1);
  assert.equal(endpoint.calls[0].init.headers['Content-Type'], 'application/x-www-form-urlencoded');
  const session = currentSession(win.sessionStorage);
  assert.equal(session.claims.sub, 'c0ffee-sub');
  assert.equal(session.claims.name, 'Maya Lopez', 'greeted by the name given at sign-up');
  assert.deepEqual(callback.replaced, ['/'], 'no code or state left in the address bar');
  assert.equal(win.sessionStorage.getItem('mallquest.oidc'), null, 'the started sign-in is used up');

  // AND the same answer replayed (a reload, a shared link) signs nobody in
  const replay = tab(answer, win.sessionStorage);
  const second = await completeSignIn(replay, COGNITO, { fetchImpl: endpoint.fetch });
  assert.equal(second.status, 'error');
  assert.equal(endpoint.calls.length, 1, 'no second exchange without a started sign-in');
});

test('sign-in: an answer whose state is not this tab\'s is refused before any exchange', async () => {
  // GIVEN a sign-in started in this tab and an answer made for another (an attacker's code)
  const endpoint = fakeTokenEndpoint();
  const victim = tab(PAGE);
  await beginSignIn(COGNITO, PAGE, { storage: victim.sessionStorage });
  const attackers = endpoint.authorize(await beginSignIn(COGNITO, PAGE, { storage: memoryStorage() }));

  // WHEN the victim's tab is sent to it
  const result = await completeSignIn(tab(attackers, victim.sessionStorage), COGNITO, { fetchImpl: endpoint.fetch });

  // THEN it is refused and nothing is exchanged or saved
  assert.equal(result.status, 'error');
  assert.match(result.message, /state/);
  assert.equal(endpoint.calls.length, 0);
  assert.equal(currentSession(victim.sessionStorage), null);
});

test('sign-in: a wrong verifier, nonce, audience or issuer signs nobody in', async () => {
  for (const [what, claims, tamper] of [
    ['verifier', {}, (p) => ({ ...p, verifier: 'x'.repeat(43) })],
    ['nonce', { nonce: 'someone-elses-nonce' }, (p) => p],
    ['aud', { aud: 'another-client' }, (p) => p],
    ['iss', { iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' }, (p) => p],
    ['exp', { exp: 100 }, (p) => p],
  ]) {
    // GIVEN a started sign-in (its remembered verifier possibly altered) and a token endpoint answering `claims`
    const endpoint = fakeTokenEndpoint({ claims });
    const win = tab(PAGE);
    const answer = endpoint.authorize(await beginSignIn(COGNITO, PAGE, { storage: win.sessionStorage }));
    win.sessionStorage.setItem('mallquest.oidc', JSON.stringify(tamper(JSON.parse(win.sessionStorage.getItem('mallquest.oidc')))));

    // WHEN the page completes it
    const result = await completeSignIn(tab(answer, win.sessionStorage), COGNITO, { fetchImpl: endpoint.fetch });

    // THEN it is an error and the tab stays signed out
    assert.equal(result.status, 'error', what);
    assert.equal(currentSession(win.sessionStorage), null, what);
  }
});

test('sign-in: Cognito\'s error answer and a page that is no answer', async () => {
  const win = tab(`${PAGE}?error=access_denied&state=s`);
  assert.match((await completeSignIn(win, COGNITO, { fetchImpl: () => assert.fail('no exchange') })).message, /access_denied/);
  assert.equal(await completeSignIn(tab(`${PAGE}?channel=atrium`), COGNITO, { fetchImpl: () => assert.fail('no exchange') }), null);
  assert.equal(idTokenProblem('not a jwt', { nonce: 'n', cognito: COGNITO }), 'the token endpoint sent no ID token');
  assert.equal(signOutUrl(COGNITO, PAGE), `https://${COGNITO.domain}/logout?client_id=web-client-1&logout_uri=https%3A%2F%2Fd111.cloudfront.net%2F`);
});

test('link token: signs in an empty tab, never replaces another person\'s session without consent', () => {
  // GIVEN a tab where Alice is signed in
  const storage = memoryStorage();
  const alice = jwt({ sub: 'alice', name: 'Alice', exp: inAnHour() });
  const mallory = jwt({ sub: 'mallory', name: 'Mallory', exp: inAnHour() });
  assert.equal(captureFragmentToken(tab(`${PAGE}#token=${alice}`, storage)).status, 'signed-in');

  // WHEN a link carrying Mallory's token opens in it
  const win = tab(`${PAGE}#token=${mallory}`, storage);
  const offer = captureFragmentToken(win);

  // THEN the page must ask: Alice is still signed in, and the token is out of the address bar
  assert.equal(offer.status, 'needs-consent');
  assert.equal(offer.claims.name, 'Mallory');
  assert.equal(offer.current.name, 'Alice');
  assert.equal(currentSession(storage).claims.sub, 'alice');
  assert.deepEqual(win.replaced, ['/']);

  // AND the same token again, or a newer one of Alice's, is no question
  assert.equal(captureFragmentToken(tab(`${PAGE}#token=${alice}`, storage)).status, 'unchanged');
  const aliceLater = jwt({ sub: 'alice', name: 'Alice', exp: inAnHour() + 60 });
  assert.equal(captureFragmentToken(tab(`${PAGE}#token=${aliceLater}`, storage)).status, 'signed-in');
  assert.equal(currentSession(storage).token, aliceLater);
  // AND an expired token or the implicit grant's #id_token= signs nobody in
  assert.equal(captureFragmentToken(tab(`${PAGE}#token=${jwt({ sub: 'old', exp: 10 })}`, memoryStorage())).status, 'refused');
  const implicit = tab(`${PAGE}#id_token=${mallory}&token_type=Bearer`, memoryStorage());
  assert.equal(captureFragmentToken(implicit), null);
  assert.deepEqual(implicit.replaced, ['/'], 'taken out of the address bar all the same');
  assert.equal(currentSession(implicit.sessionStorage), null);
});

test('greeting: the name given at sign-up, never Cognito\'s generated username', () => {
  assert.equal(displayName({ sub: 'u1', name: 'Maya Lopez', 'cognito:username': 'f81d4fae' }), 'Maya Lopez');
  assert.equal(displayName({ sub: 'u1', given_name: 'Maya' }), 'Maya');
  assert.equal(displayName({ sub: 'u1', preferred_username: 'maya' }), 'maya');
  assert.equal(displayName({ sub: 'u1', 'cognito:username': 'f81d4fae', name: '  ' }), 'u1');
  assert.equal(claimsOf(jwt({ sub: 'm1', 'custom:storeId': 'zara', 'cognito:groups': ['store-manager'] })).storeId, 'zara');
});
