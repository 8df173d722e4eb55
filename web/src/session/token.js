/**
 * The signed-in token of this tab, kept in sessionStorage (this tab only). A page opened with `#token=<jwt>` (how a
 * mall screen is provisioned and how tests sign in) takes the token out of the address bar so it is not
 * bookmarked, shared or left in the history; it signs the tab in only when no one is signed in there (or the same
 * person is): a link carrying someone else's token never replaces a signed-in session by itself, the page asks
 * (`needs-consent`). Sign-in through Cognito is the authorization code flow (session/oidc.js).
 */

const KEY = 'mallquest.token';

/** Removes a token from the URL fragment and returns the `#token=` one (null when there is none that looks like a JWT). */
export function takeFragmentToken(win = globalThis.window) {
  const hash = win.location.hash.startsWith('#') ? win.location.hash.slice(1) : '';
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  // the implicit grant's answer (#id_token=, #access_token=) is taken out of the address too, never used
  if (!['token', 'id_token', 'access_token'].some((name) => params.has(name))) return null;
  const token = params.get('token');
  for (const name of ['token', 'id_token', 'access_token', 'expires_in', 'token_type', 'state']) params.delete(name);
  const rest = params.toString();
  win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search + (rest ? `#${rest}` : ''));
  return token && looksLikeJwt(token) ? token.trim() : null;
}

/**
 * Takes a token from the address bar and decides what it may do:
 * `signed-in` (nobody was signed in in this tab, or the same person: it is saved), `unchanged` (the same token),
 * `refused` (not a usable token), or `needs-consent` (someone else is signed in here: nothing is saved; the page
 * asks the person, and saves `token` only if they choose to switch). null: no token in the address.
 * @returns {null | {status: 'signed-in' | 'unchanged' | 'refused'} |
 *           {status: 'needs-consent', token: string, claims: object, current: object}}
 */
export function captureFragmentToken(win = globalThis.window) {
  const token = takeFragmentToken(win);
  if (!token) return null;
  const claims = claimsOf(token);
  if (!claims || isExpired(claims)) return { status: 'refused' };
  const current = currentSession(win.sessionStorage);
  if (current && current.token === token) return { status: 'unchanged' };
  if (current && current.claims.sub !== claims.sub) return { status: 'needs-consent', token, claims, current: current.claims };
  saveToken(token, win.sessionStorage);
  return { status: 'signed-in' };
}

export function readToken(storage = globalThis.sessionStorage) {
  try {
    return storage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token, storage = globalThis.sessionStorage) {
  storage.setItem(KEY, token.trim());
}

export function clearToken(storage = globalThis.sessionStorage) {
  storage.removeItem(KEY);
}

/** Three base64url parts: the shape of a JWT (or of a JWS receipt code). */
export function looksLikeJwt(text) {
  return typeof text === 'string' && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text.trim());
}

function base64UrlDecode(part) {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * What the page may show about the token (never trusted for access: the API decides).
 * `cognito:groups` is a list in Cognito's tokens; a string like "[admin store]" is accepted too.
 * @returns {{sub: string, name: string, groups: string[], storeId: string | null, exp: number | null} | null}
 */
export function claimsOf(token) {
  if (!looksLikeJwt(token ?? '')) return null;
  try {
    const payload = JSON.parse(base64UrlDecode(token.trim().split('.')[1]));
    if (!payload || typeof payload.sub !== 'string') return null;
    let groups = payload['cognito:groups'] ?? [];
    if (typeof groups === 'string') groups = groups.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
    if (!Array.isArray(groups)) groups = [];
    const storeId = typeof payload['custom:storeId'] === 'string' && payload['custom:storeId'] ? payload['custom:storeId'] : null;
    return { sub: payload.sub, name: displayName(payload), groups: groups.map(String), storeId, exp: typeof payload.exp === 'number' ? payload.exp : null };
  } catch {
    return null;
  }
}

/**
 * The name to greet a person by: the name they gave at sign-up (the ID token's `name`, else `given_name`, else
 * `preferred_username`; local dev tokens may carry `name`), else the user id. Cognito's `cognito:username` is no
 * name (with e-mail sign-in it is a generated id).
 */
export function displayName(payload) {
  for (const claim of ['name', 'given_name', 'preferred_username']) {
    const value = payload?.[claim];
    if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 80);
  }
  return String(payload?.sub ?? '');
}

/** True when the token's `exp` has passed (a token without `exp` is left to the API). */
export function isExpired(claims, nowSeconds = Date.now() / 1000) {
  return !claims || (claims.exp !== null && claims.exp <= nowSeconds);
}

/** The token of this tab when it is still usable, else null (an expired one is forgotten). */
export function currentSession(storage = globalThis.sessionStorage) {
  const token = readToken(storage);
  const claims = claimsOf(token);
  if (!token || !claims || isExpired(claims)) {
    if (token) clearToken(storage);
    return null;
  }
  return { token, claims };
}
