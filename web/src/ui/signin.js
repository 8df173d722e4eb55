/**
 * The sign-in panel shared by the shopper page and the dashboard: paste a token; locally, the dev sign-in
 * (POST /local/dev-token, the token `./mallquest token` prints); in AWS, Cognito's Hosted UI, which comes back
 * with `#id_token=…` in the fragment (captured by session/token.js).
 */
import { claimsOf, isExpired, looksLikeJwt, saveToken } from '../session/token.js';
import { fill, h } from './dom.js';

/** The Hosted UI's login URL for this page (implicit grant: the token returns in the fragment). */
export function hostedUiUrl(cognito, redirect) {
  const q = new URLSearchParams({ client_id: cognito.clientId, response_type: 'token', scope: cognito.scope ?? 'openid', redirect_uri: redirect });
  return `https://${cognito.domain}/login?${q}`;
}

/**
 * @param {HTMLElement} container
 * @param {{config: import('../api/config.js').AppConfig, onSignedIn: () => void, reason?: string,
 *          heading?: string, operator?: boolean}} options
 */
export function renderSignIn(container, { config, onSignedIn, reason, heading = 'Sign in', operator = false }) {
  const error = h('p', { class: 'field-error', id: 'signin-error', role: 'alert' });
  const fail = (text) => {
    error.textContent = text;
  };

  const tokenInput = h('textarea', { id: 'token-input', name: 'token', rows: 3, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'signin-error' });
  const pasteForm = h('form', { class: 'card', 'aria-labelledby': 'paste-heading', onsubmit: (ev) => {
    ev.preventDefault();
    const token = tokenInput.value.trim();
    const claims = claimsOf(token);
    if (!looksLikeJwt(token) || !claims) return fail('That is not a token: paste the whole JWT (three parts separated by dots).');
    if (isExpired(claims)) return fail('That token has expired. Get a new one and paste it again.');
    saveToken(token);
    onSignedIn();
  } },
  h('h2', { id: 'paste-heading' }, 'Paste a token'),
  h('label', { for: 'token-input' }, 'Token (JWT)'),
  tokenInput,
  h('button', { type: 'submit', class: 'primary' }, 'Sign in with this token'));

  const parts = [h('h1', {}, heading)];
  if (reason) parts.push(h('p', { class: 'notice notice-warn', role: 'status' }, reason));

  if (config.cognito) {
    const url = hostedUiUrl(config.cognito, window.location.origin + window.location.pathname);
    parts.push(h('p', {}, h('a', { class: 'button primary', href: url }, 'Sign in with your MallQuest account')));
  }

  if (config.devSignIn) {
    const userInput = h('input', { id: 'dev-user', name: 'sub', type: 'text', value: operator ? 'operator-1' : 'demo-user', autocomplete: 'username', required: true, pattern: '[A-Za-z0-9._@\\-]{1,128}' });
    const adminBox = h('input', { id: 'dev-admin', name: 'admin', type: 'checkbox', checked: operator });
    const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in (local dev)');
    parts.push(h('form', { class: 'card', 'aria-labelledby': 'dev-heading', onsubmit: async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      try {
        const r = await fetch('/local/dev-token', { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ sub: userInput.value.trim(), groups: adminBox.checked ? ['admin'] : [] }) });
        const body = await r.json().catch(() => null);
        if (!r.ok || !body?.token) return fail(body?.error?.message ?? `The dev sign-in answered ${r.status}.`);
        saveToken(body.token);
        onSignedIn();
      } catch {
        fail('The local API does not answer. Is ./mallquest start-api running?');
      } finally {
        button.disabled = false;
      }
    } },
    h('h2', { id: 'dev-heading' }, 'Local dev sign-in'),
    h('p', { class: 'hint' }, 'Signs a token as ./mallquest token does. Only the local runner offers this.'),
    h('label', { for: 'dev-user' }, 'User id'), userInput,
    h('div', { class: 'check' }, adminBox, h('label', { for: 'dev-admin' }, 'Operator (admin group)')),
    button));
  }
  parts.push(pasteForm, error);
  fill(container, h('section', { class: 'signin', 'aria-label': 'Sign in' }, ...parts));
  container.querySelector('input, textarea')?.focus();
}
