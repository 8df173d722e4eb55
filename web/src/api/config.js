/**
 * Where the app runs: read once from /config.json.
 * Locally the runner answers it ({apiBase: "", devSignIn: true}); in AWS the deploy writes it into the site
 * bucket ({apiBase: "https://…execute-api…", cognito: {domain, clientId, issuer, scope}}). Missing or broken: same-origin API,
 * no dev sign-in, no hosted UI.
 */

/** @typedef {{apiBase: string, devSignIn: boolean, cognito: null | {domain: string, clientId: string, scope?: string, issuer?: string}}} AppConfig */

/** @type {Promise<AppConfig> | undefined} */
let cached;

/** @returns {Promise<AppConfig>} */
export function loadConfig(fetchImpl = globalThis.fetch) {
  cached ??= fetchImpl('/config.json', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}))
    .then((c) => normalizeConfig(c));
  return cached;
}

/** Fills in defaults and drops what is malformed. */
export function normalizeConfig(raw) {
  const c = raw && typeof raw === 'object' ? raw : {};
  const apiBase = typeof c.apiBase === 'string' ? c.apiBase.replace(/\/+$/, '') : '';
  const cognito = c.cognito && typeof c.cognito.domain === 'string' && c.cognito.domain && typeof c.cognito.clientId === 'string'
    ? { domain: c.cognito.domain.replace(/^https?:\/\//, '').replace(/\/+$/, ''), clientId: c.cognito.clientId, scope: c.cognito.scope || 'openid',
      ...(typeof c.cognito.issuer === 'string' && c.cognito.issuer ? { issuer: c.cognito.issuer.replace(/\/+$/, '') } : {}) }
    : null;
  return { apiBase, devSignIn: c.devSignIn === true, cognito };
}
