/**
 * The sign-in panel shared by the shopper page and the dashboard: paste a token; locally, the dev sign-in
 * (POST /local/dev-token, the token `./mallquest token` prints); in AWS, Cognito's Hosted UI by the authorization
 * code flow with PKCE (session/oidc.js). Also the question a page asks when a link carries someone else's token.
 */
import { createClient } from '../api/client.js';
import { beginSignIn, completeSignIn, redirectUriOf, signOutUrl } from '../session/oidc.js';
import { captureFragmentToken, claimsOf, clearToken, currentSession, isExpired, looksLikeJwt, saveToken } from '../session/token.js';
import { fill, h } from './dom.js';

/**
 * A page's way in: the sign-in a Hosted UI redirect completes, the question a link's token asks
 * (#token=…, on load and on hashchange: never a silent switch of account), the sign-in panel, then the signed-in
 * header with its sign-out button and an API client that signs out on a 401.
 *
 * @param {{main: Element, who: Element, boot: (reason?: string) => void, signIn?: {heading?: string, operator?: boolean}}} page
 *   boot is the page's start, called again after each decision
 */
export function createSignInGate({ main, who, boot, signIn = {} }) {
  let offer = captureFragmentToken();
  window.addEventListener('hashchange', () => {
    offer = captureFragmentToken();
    if (offer?.status === 'signed-in' || offer?.status === 'needs-consent') boot();
  });
  return {
    /**
     * The signed-in session, its API client, sign-out and 401 handler; null when the page shows the question or the
     * sign-in panel instead.
     */
    async enter(config, reason) {
      const answer = await completeSignIn(window, config.cognito);
      if (answer?.status === 'error') reason = answer.message;
      if (offer?.status === 'needs-consent') {
        const pending = offer;
        offer = null;
        fill(who);
        renderSwitchConsent(main, { offer: pending, onDecided: () => boot() });
        return null;
      }
      const session = currentSession();
      if (!session) {
        fill(who);
        renderSignIn(main, { config, reason, ...signIn, onSignedIn: () => boot() });
        return null;
      }
      const signOut = (why) => {
        if (why || !signOutOf(config)) {
          clearToken();
          boot(why);
        }
      };
      const onUnauthorized = () => signOut('Your sign-in has expired or is not valid. Sign in again.');
      const client = createClient({ baseUrl: config.apiBase, getToken: () => currentSession()?.token ?? null, onUnauthorized });
      fill(who, h('span', {}, `Signed in as ${session.claims.name}`),
        h('button', { type: 'button', id: 'sign-out', onclick: () => signOut() }, 'Sign out'));
      return { session, client, signOut, onUnauthorized };
    },
  };
}

/**
 * Forgets the tab's session; with Cognito, ends the Hosted UI's session too (the page navigates away and comes
 * back signed out). Returns true when it navigates.
 */
export function signOutOf(config, win = window) {
  clearToken();
  if (!config.cognito) return false;
  win.location.assign(signOutUrl(config.cognito, redirectUriOf(win)));
  return true;
}

/**
 * A link opened in this tab carries someone else's token (`#token=…`) while a person is signed in: nothing
 * changed yet; they choose. Keeping the session is the default (focused, first).
 * @param {{offer: {token: string, claims: {name: string}, current: {name: string}}, onDecided: () => void}} options
 */
export function renderSwitchConsent(container, { offer, onDecided }) {
  const keep = h('button', { type: 'button', class: 'primary', id: 'keep-session', onclick: () => onDecided() }, `Stay signed in as ${offer.current.name}`);
  const change = h('button', { type: 'button', id: 'switch-session', onclick: () => {
    saveToken(offer.token);
    onDecided();
  } }, `Switch to ${offer.claims.name}`);
  fill(container, h('section', { class: 'card signin', id: 'switch-consent', role: 'alertdialog', 'aria-labelledby': 'switch-heading', 'aria-describedby': 'switch-text' },
    h('h1', { id: 'switch-heading' }, 'Switch account?'),
    h('p', { id: 'switch-text' }, `The link you opened would sign this tab in as ${offer.claims.name}. You are signed in as ${offer.current.name}. `
      + 'Receipts you submit after switching are credited to the account you switch to. Switch only if that account is yours.'),
    h('div', { class: 'actions' }, keep, change)));
  keep.focus();
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
    const start = h('button', { type: 'button', class: 'primary', id: 'hosted-signin', onclick: async () => {
      start.disabled = true;
      try {
        window.location.assign(await beginSignIn(config.cognito, redirectUriOf(window)));
      } catch {
        start.disabled = false;
        fail('This browser cannot start a secure sign-in (no Web Crypto). Use an up-to-date browser.');
      }
    } }, operator ? 'Sign in with your MallQuest account' : 'Sign in or sign up');
    parts.push(h('p', {}, start));
  }

  if (config.devSignIn) {
    const userInput = h('input', { id: 'dev-user', name: 'sub', type: 'text', value: operator ? 'operator-1' : 'demo-user', autocomplete: 'username', required: true, pattern: '[A-Za-z0-9._@\\-]{1,128}' });
    const nameInput = h('input', { id: 'dev-name', name: 'name', type: 'text', value: operator ? '' : 'Demo Shopper', autocomplete: 'name', maxlength: '80' });
    const adminBox = h('input', { id: 'dev-admin', name: 'admin', type: 'checkbox', checked: operator });
    const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in (local dev)');
    parts.push(h('form', { class: 'card', 'aria-labelledby': 'dev-heading', onsubmit: async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      try {
        const r = await fetch('/local/dev-token', { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ sub: userInput.value.trim(), groups: adminBox.checked ? ['admin'] : [], ...(nameInput.value.trim() ? { name: nameInput.value.trim() } : {}) }) });
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
    h('label', { for: 'dev-name' }, 'Name (optional)'), nameInput,
    h('div', { class: 'check' }, adminBox, h('label', { for: 'dev-admin' }, 'Operator (admin group)')),
    button));
  }
  parts.push(pasteForm, error);
  fill(container, h('section', { class: 'signin', 'aria-label': 'Sign in' }, ...parts));
  container.querySelector('input, textarea')?.focus();
}
