/**
 * Sign-in with Cognito's Hosted UI by the authorization code flow with PKCE (RFC 7636, S256), as RFC 9700 asks of
 * a browser app: no implicit grant, no token in a URL. `beginSignIn` remembers a fresh `state`, `nonce` and code
 * verifier for this tab and gives the authorize URL; Cognito comes back to the page with `?code=…&state=…`;
 * `completeSignIn` checks the state, exchanges the code and the verifier at the token endpoint, checks the ID
 * token's nonce, audience, issuer and expiry, and keeps the ID token as the tab's session (it carries the groups,
 * the store and the name the API and the pages read). The token comes straight from the token endpoint over TLS,
 * so its signature is left to the API's JWT authorizer (OpenID Connect Core 3.1.3.7).
 */
import { claimsOf, isExpired, looksLikeJwt, saveToken } from './token.js';

const PENDING = 'mallquest.oidc';
/** How long a started sign-in may take before its answer is refused. */
const PENDING_TTL_MS = 15 * 60 * 1000;

function base64Url(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `bytes` random bytes, base64url (32 bytes: a 43-character PKCE verifier). */
export function randomToken(bytes = 32, cryptoImpl = globalThis.crypto) {
  return base64Url(cryptoImpl.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier, cryptoImpl = globalThis.crypto) {
  const digest = await cryptoImpl.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Where a page's sign-in comes back to: the page itself, without query or fragment. */
export function redirectUriOf(win = globalThis.window) {
  return win.location.origin + win.location.pathname;
}

/**
 * Starts a sign-in: remembers state, nonce and verifier in this tab and returns the Hosted UI's authorize URL.
 * @param {{domain: string, clientId: string, scope?: string}} cognito
 */
export async function beginSignIn(cognito, redirectUri, { storage = globalThis.sessionStorage, cryptoImpl = globalThis.crypto, now = Date.now() } = {}) {
  const pending = { state: randomToken(32, cryptoImpl), nonce: randomToken(32, cryptoImpl), verifier: randomToken(32, cryptoImpl), redirectUri, startedAt: now };
  storage.setItem(PENDING, JSON.stringify(pending));
  const q = new URLSearchParams({
    response_type: 'code', client_id: cognito.clientId, redirect_uri: redirectUri, scope: cognito.scope ?? 'openid',
    state: pending.state, nonce: pending.nonce, code_challenge: await codeChallenge(pending.verifier, cryptoImpl), code_challenge_method: 'S256',
  });
  return `https://${cognito.domain}/oauth2/authorize?${q}`;
}

/** The Hosted UI's sign-out URL (ends its session too, then comes back to `logoutUri`). */
export function signOutUrl(cognito, logoutUri) {
  return `https://${cognito.domain}/logout?${new URLSearchParams({ client_id: cognito.clientId, logout_uri: logoutUri })}`;
}

function decodePayload(jwt) {
  const part = jwt.split('.')[1];
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * Checks an ID token against the sign-in that asked for it; the reason it is refused, or null when it is good.
 * @param {{clientId: string, issuer?: string}} cognito
 */
export function idTokenProblem(idToken, { nonce, cognito, nowSeconds = Date.now() / 1000 }) {
  if (!looksLikeJwt(idToken ?? '')) return 'the token endpoint sent no ID token';
  let payload;
  try {
    payload = decodePayload(idToken);
  } catch {
    return 'the ID token cannot be read';
  }
  if (!payload || typeof payload.nonce !== 'string' || payload.nonce !== nonce) return 'the ID token is not the answer to this sign-in (nonce)';
  const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audience.includes(cognito.clientId)) return 'the ID token is for another application (aud)';
  if (cognito.issuer && payload.iss !== cognito.issuer) return 'the ID token comes from another issuer (iss)';
  if (payload.token_use !== undefined && payload.token_use !== 'id') return 'the token is not an ID token';
  if (isExpired(claimsOf(idToken), nowSeconds)) return 'the ID token has expired';
  return null;
}

/**
 * Finishes a sign-in when the page is Cognito's answer (`?code=…&state=…` or `?error=…`): the query is removed
 * from the address bar at once, the started sign-in is used up, and on success the ID token becomes the session.
 * @returns {Promise<null | {status: 'signed-in'} | {status: 'error', message: string}>} null: not an answer
 */
export async function completeSignIn(win, cognito, { fetchImpl = (...a) => globalThis.fetch(...a), now = Date.now() } = {}) {
  const params = new URLSearchParams(win.location.search);
  const code = params.get('code');
  const error = params.get('error');
  const answeredState = params.get('state');
  if (!code && !error) return null;
  for (const name of ['code', 'state', 'error', 'error_description']) params.delete(name);
  const rest = params.toString();
  win.history.replaceState(win.history.state, '', win.location.pathname + (rest ? `?${rest}` : '') + win.location.hash);

  const storage = win.sessionStorage;
  let pending = null;
  try {
    pending = JSON.parse(storage.getItem(PENDING) ?? 'null');
  } catch {
    pending = null;
  }
  storage.removeItem(PENDING); // one answer per started sign-in, good or bad
  const fail = (message) => ({ status: 'error', message });
  if (error) return fail(`The sign-in did not complete (${error}). Try again.`);
  if (!cognito) return fail('This page cannot complete a sign-in: it has no sign-in service configured.');
  if (!pending || typeof pending.state !== 'string') return fail('This tab did not start that sign-in. Sign in again from here.');
  if (answeredState !== pending.state) return fail('The sign-in answer does not match the sign-in this tab started (state). Sign in again.');
  if (now - Number(pending.startedAt ?? 0) > PENDING_TTL_MS) return fail('The sign-in took too long. Sign in again.');
  let response;
  try {
    response = await fetchImpl(`https://${cognito.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: cognito.clientId, code, redirect_uri: pending.redirectUri, code_verifier: pending.verifier }).toString(),
    });
  } catch {
    return fail('The sign-in service does not answer. Check your connection and sign in again.');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) return fail(`The sign-in service refused the sign-in (${body?.error ?? response.status}). Sign in again.`);
  const problem = idTokenProblem(body?.id_token, { nonce: pending.nonce, cognito, nowSeconds: now / 1000 });
  if (problem) return fail(`The sign-in was refused: ${problem}. Sign in again.`);
  saveToken(body.id_token, storage);
  return { status: 'signed-in' };
}
