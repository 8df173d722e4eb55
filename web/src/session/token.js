/**
 * The signed-in token of this tab. A page opened with `#token=<jwt>` (how a mall screen is provisioned and how
 * tests sign in) or with Cognito's `#id_token=…` keeps it in sessionStorage, for this tab only, and removes it
 * from the address bar so it is not bookmarked, shared or left in the history.
 */

const KEY = 'mallquest.token';

/** Reads a token from the URL fragment, stores it and strips the fragment. Returns the token found, or null. */
export function captureFragmentToken(win = globalThis.window) {
  const hash = win.location.hash.startsWith('#') ? win.location.hash.slice(1) : '';
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const token = params.get('token') || params.get('id_token') || params.get('access_token');
  if (!token) return null;
  for (const name of ['token', 'id_token', 'access_token', 'expires_in', 'token_type', 'state']) params.delete(name);
  const rest = params.toString();
  win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search + (rest ? `#${rest}` : ''));
  if (!looksLikeJwt(token)) return null;
  saveToken(token, win.sessionStorage);
  return token;
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
 * @returns {{sub: string, groups: string[], exp: number | null} | null}
 */
export function claimsOf(token) {
  if (!looksLikeJwt(token ?? '')) return null;
  try {
    const payload = JSON.parse(base64UrlDecode(token.trim().split('.')[1]));
    if (!payload || typeof payload.sub !== 'string') return null;
    let groups = payload['cognito:groups'] ?? [];
    if (typeof groups === 'string') groups = groups.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
    if (!Array.isArray(groups)) groups = [];
    const username = typeof payload['cognito:username'] === 'string' ? payload['cognito:username'] : null;
    return { sub: payload.sub, name: username || payload.sub, groups: groups.map(String), exp: typeof payload.exp === 'number' ? payload.exp : null };
  } catch {
    return null;
  }
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
