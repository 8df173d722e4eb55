/**
 * The stores of the console: every store, inactive ones included (GET /admin/stores, paged); create one (PUT
 * without If-Match: 201); edit or deactivate one (GET /admin/stores/{id} for its ETag, then PUT with If-Match: a
 * stale version is refused with 412 and the operator reloads instead of overwriting someone's change); and a
 * store's signing keys (list, register, revoke) with rotation without a gap: register the new key, both verify,
 * then revoke the old one.
 */
import { ApiError } from '../../api/client.js';
import { fill, formatTime, h } from '../../ui/dom.js';
import { showEmpty, showError, showLoading } from '../../ui/states.js';
import { field, listOf, numberOf, showDone, showProblem } from './forms.js';

const PAGE = 50;
const STORE_ID = '^[a-z0-9][a-z0-9\\-]{0,39}$';
const KID = '^[A-Za-z0-9._\\-]{1,64}$';
const storePath = (storeId) => `/admin/stores/${encodeURIComponent(storeId)}`;

/** The JWK to register from what the operator pasted: a whole public JWK (JSON) or just its `x`. */
export function jwkOf(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return null;
    }
  }
  return /^[A-Za-z0-9_-]{43}$/.test(trimmed) ? { kty: 'OKP', crv: 'Ed25519', x: trimmed } : null;
}

/** The body of PUT /admin/stores/{id} from the editor's inputs (the whole store: a replace, not a patch). */
export function storeChangeOf(inputs, loaded) {
  const change = {
    name: inputs.name.value.trim(),
    category: inputs.category.value.trim(),
    multiplier: numberOf(inputs.multiplier),
    verification: inputs.verification.value,
    aliases: listOf(inputs.aliases.value),
    active: inputs.active.checked,
  };
  if (inputs.floor.value.trim()) change.floor = inputs.floor.value.trim();
  const limit = numberOf(inputs.maxReceiptAmount);
  if (limit !== undefined) change.maxReceiptAmount = limit;
  if (loaded?.development) change.development = true; // the local seed's marker stays
  return change;
}

export function createStores(panel, { client, onUnauthorized }) {
  const outcome = h('div', { 'aria-live': 'polite', id: 'stores-outcome' });
  const status = h('div');
  const body = h('tbody');
  const more = h('button', { type: 'button', id: 'stores-more', hidden: true, onclick: () => page(false) }, 'Show more');
  const editor = h('section', { class: 'card', id: 'store-editor', 'aria-labelledby': 'store-editor-heading', hidden: true });
  const keys = h('section', { class: 'card', id: 'store-keys', 'aria-labelledby': 'store-keys-heading', hidden: true });
  let cursor = null;

  fill(panel,
    h('div', { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', { id: 'stores-heading' }, 'Stores'),
        h('button', { type: 'button', class: 'primary', id: 'new-store', onclick: () => openEditor(null) }, 'New store')),
      outcome, status,
      h('div', { class: 'table-scroll' }, h('table', { id: 'stores-table', 'aria-labelledby': 'stores-heading' },
        h('thead', {}, h('tr', {}, ...['Store', 'Category', 'Floor', 'Coins per unit', 'Receipt limit', 'Verification', 'Status', 'Actions']
          .map((t, i) => h('th', { scope: 'col', class: i === 3 || i === 4 ? 'num' : null }, t)))),
        body)),
      more),
    editor, keys);

  function row(store) {
    const actions = h('div', { class: 'review-actions' },
      h('button', { type: 'button', onclick: () => openEditor(store.storeId), 'aria-label': `Edit ${store.name}` }, 'Edit'),
      h('button', { type: 'button', onclick: () => openKeys(store), 'aria-label': `Keys of ${store.name}` }, 'Keys'),
      store.active
        ? h('button', { type: 'button', onclick: () => setActive(store, false), 'aria-label': `Deactivate ${store.name}` }, 'Deactivate')
        : h('button', { type: 'button', onclick: () => setActive(store, true), 'aria-label': `Reactivate ${store.name}` }, 'Reactivate'));
    return h('tr', { dataset: { store: store.storeId } },
      h('th', { scope: 'row' }, h('div', {}, store.name), h('div', { class: 'hint' }, store.storeId, store.development ? ' · development data' : '')),
      h('td', {}, store.category ?? ''),
      h('td', {}, store.floor ?? ''),
      h('td', { class: 'num' }, String(store.multiplier ?? '')),
      h('td', { class: 'num' }, store.maxReceiptAmount == null ? 'mall limit' : String(store.maxReceiptAmount)),
      h('td', {}, store.verification ?? 'signed'),
      h('td', {}, h('span', { class: store.active ? 'badge badge-ok' : 'badge badge-off' }, store.active ? 'Active' : 'Inactive')),
      h('td', {}, actions));
  }

  async function page(first) {
    if (first) {
      cursor = null;
      showLoading(status, 'Loading the stores…');
    }
    more.disabled = true;
    try {
      const answer = await client.get('/admin/stores', { query: { limit: PAGE, cursor } });
      const stores = answer.stores ?? [];
      if (first) fill(body, stores.map(row));
      else body.append(...stores.map(row));
      if (first && !stores.length) showEmpty(status, 'No stores yet: create the first one with "New store".');
      else {
        fill(status);
        status.removeAttribute('aria-busy');
      }
      cursor = answer.nextCursor ?? null;
      more.hidden = !cursor;
    } catch (error) {
      if (error instanceof ApiError && error.isMissingRoute) return showEmpty(status, 'This API has no store administration (GET /admin/stores) yet.');
      showError(status, error, { retry: () => page(first), onUnauthorized });
    } finally {
      more.disabled = false;
    }
  }

  /** The store and its ETag, read fresh (the version a replace names). */
  async function read(storeId) {
    const r = await client.request('GET', storePath(storeId));
    return { store: r.body, etag: r.headers.get('ETag') ?? `"${r.body.version}"` };
  }

  async function setActive(store, active) {
    const verb = active ? 'Reactivate' : 'Deactivate';
    if (!active && !window.confirm(`Deactivate ${store.name}? Its receipts stop earning coins; its history stays.`)) return;
    try {
      const { store: current, etag } = await read(store.storeId);
      const change = { name: current.name, category: current.category, multiplier: current.multiplier, verification: current.verification,
        aliases: current.aliases ?? [], active, ...(current.floor ? { floor: current.floor } : {}),
        ...(current.maxReceiptAmount != null ? { maxReceiptAmount: current.maxReceiptAmount } : {}), ...(current.development ? { development: true } : {}) };
      const r = await client.put(storePath(store.storeId), change, { headers: { 'If-Match': etag } });
      showDone(outcome, `${r.body.name} is ${active ? 'active again' : 'inactive: its new receipts earn nothing'} (version ${r.body.version}).`);
      page(true);
    } catch (error) {
      showProblem(outcome, panel, error, { onUnauthorized, prefix: `${verb} ${store.name}: ` });
    }
  }

  async function openEditor(storeId) {
    keys.hidden = true;
    editor.hidden = false;
    const creating = storeId === null;
    const note = h('div', { 'aria-live': 'polite', id: 'store-editor-outcome' });
    let loaded = null;
    let etag = null;
    if (!creating) {
      showLoading(editor, `Loading ${storeId}…`);
      try {
        ({ store: loaded, etag } = await read(storeId));
      } catch (error) {
        showError(editor, error, { retry: () => openEditor(storeId), onUnauthorized });
        return;
      }
    }
    const inputs = {
      storeId: h('input', { id: 'store-id', name: 'storeId', type: 'text', required: true, pattern: STORE_ID, value: loaded?.storeId ?? '', readonly: !creating, autocomplete: 'off' }),
      name: h('input', { id: 'store-name', name: 'name', type: 'text', required: true, maxlength: '80', value: loaded?.name ?? '' }),
      category: h('input', { id: 'store-category', name: 'category', type: 'text', required: true, maxlength: '80', value: loaded?.category ?? '' }),
      floor: h('input', { id: 'store-floor', name: 'floor', type: 'text', maxlength: '80', value: loaded?.floor ?? '' }),
      multiplier: h('input', { id: 'store-multiplier', name: 'multiplier', type: 'number', required: true, step: 'any', min: '0', max: '10', value: String(loaded?.multiplier ?? 1) }),
      maxReceiptAmount: h('input', { id: 'store-limit', name: 'maxReceiptAmount', type: 'number', step: 'any', min: '0', value: loaded?.maxReceiptAmount ?? '' }),
      verification: h('select', { id: 'store-verification', name: 'verification' },
        h('option', { value: 'signed' }, 'signed: only codes signed by the store\'s tills'),
        h('option', { value: 'review' }, 'review: unsigned receipts wait for a manager')),
      aliases: h('textarea', { id: 'store-aliases', name: 'aliases', rows: 2 }),
      active: h('input', { id: 'store-active', name: 'active', type: 'checkbox', checked: loaded ? loaded.active : true }),
    };
    inputs.verification.value = loaded?.verification ?? 'signed';
    inputs.aliases.value = (loaded?.aliases ?? []).join('\n');
    const save = h('button', { type: 'submit', class: 'primary', id: 'store-save' }, creating ? 'Create store' : 'Save changes');
    const form = h('form', { id: 'store-form', novalidate: true, onsubmit: async (ev) => {
      ev.preventDefault();
      const storeIdValue = inputs.storeId.value.trim();
      if (!new RegExp(STORE_ID).test(storeIdValue)) {
        inputs.storeId.setAttribute('aria-invalid', 'true');
        inputs.storeId.focus();
        fill(note, h('p', { class: 'notice notice-error', role: 'alert' }, 'A store id is 1 to 40 of a-z, 0-9 and -, starting with a letter or digit.'));
        return;
      }
      save.disabled = true;
      try {
        const r = await client.put(storePath(storeIdValue), storeChangeOf(inputs, loaded), creating ? {} : { headers: { 'If-Match': etag } });
        loaded = r.body;
        etag = r.headers.get('ETag') ?? `"${r.body.version}"`;
        showDone(outcome, r.status === 201 ? `Created ${r.body.name} (${r.body.storeId}). Next: register its signing key under Keys.` : `Saved ${r.body.name} (version ${r.body.version}).`);
        editor.hidden = true;
        page(true);
      } catch (error) {
        if (error instanceof ApiError && error.status === 412) {
          const version = error.body?.error?.currentVersion;
          fill(note, h('p', { class: 'notice notice-error', role: 'alert', dataset: { code: 'version_mismatch' } },
            `Someone changed this store since you opened it${version ? ` (it is at version ${version} now)` : ''}. Your change was not saved: `,
            h('button', { type: 'button', id: 'store-reload', onclick: () => openEditor(storeIdValue) }, 'Load the current version'), ' and apply your change again.'));
        } else {
          showProblem(note, form, error, { onUnauthorized });
        }
      } finally {
        save.disabled = false;
      }
    } },
    field('Store id', inputs.storeId, creating ? 'Lower-case letters, digits and -; printed in receipt codes. It cannot change later.' : null),
    field('Name', inputs.name), field('Category', inputs.category), field('Unit or floor', inputs.floor, 'e.g. L1 or L1-23'),
    field('Coins per currency unit', inputs.multiplier, 'Above 0, at most 10.'),
    field('Largest receipt', inputs.maxReceiptAmount, 'Empty: the mall\'s limit only.'),
    field('Verification', inputs.verification),
    field('Names on its receipts', inputs.aliases, 'One per line, as printed on the receipt (for photographed receipts).'),
    h('div', { class: 'check' }, inputs.active, h('label', { for: 'store-active' }, 'Active (its receipts earn coins)')),
    h('div', { class: 'review-actions' }, save, h('button', { type: 'button', onclick: () => { editor.hidden = true; } }, 'Cancel')),
    note);
    fill(editor, h('h2', { id: 'store-editor-heading' }, creating ? 'New store' : `Edit ${loaded.name}`),
      loaded ? h('p', { class: 'hint', id: 'store-version' }, `Version ${loaded.version}${loaded.development ? ' · development data (local seed)' : ''}`) : null,
      form);
    editor.removeAttribute('aria-busy');
    (creating ? inputs.storeId : inputs.name).focus();
  }

  async function openKeys(store) {
    editor.hidden = true;
    keys.hidden = false;
    const note = h('div', { 'aria-live': 'polite', id: 'keys-outcome' });
    const list = h('div');
    const kid = h('input', { id: 'key-kid', name: 'kid', type: 'text', required: true, pattern: KID, autocomplete: 'off' });
    const jwk = h('textarea', { id: 'key-jwk', name: 'x', rows: 3, required: true, spellcheck: 'false' });
    const register = h('button', { type: 'submit', class: 'primary', id: 'key-register' }, 'Register key');
    let activeCount = 0;

    async function reload() {
      showLoading(list, 'Loading the keys…');
      try {
        const answer = await client.get(`${storePath(store.storeId)}/keys`);
        const all = answer.keys ?? [];
        activeCount = all.filter((k) => k.status === 'active').length;
        if (!all.length) return showEmpty(list, 'No keys: the store\'s tills cannot sign receipts yet. Register the tills\' public key below.');
        list.removeAttribute('aria-busy');
        fill(list, h('div', { class: 'table-scroll' }, h('table', { id: 'keys-table' },
          h('caption', { class: 'visually-hidden' }, `Signing keys of ${store.name}`),
          h('thead', {}, h('tr', {}, ...['Key id', 'Status', 'Registered', 'Revoked', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, all.map((k) => h('tr', { dataset: { kid: k.kid } },
            h('th', { scope: 'row' }, h('code', {}, k.kid), k.development ? h('div', { class: 'hint' }, 'development key') : null),
            h('td', {}, h('span', { class: k.status === 'active' ? 'badge badge-ok' : 'badge badge-off' }, k.status === 'active' ? 'Active' : 'Revoked')),
            h('td', {}, formatTime(k.createdAt)),
            h('td', {}, k.revokedAt ? formatTime(k.revokedAt) : '—'),
            h('td', {}, k.status === 'active'
              ? h('button', { type: 'button', 'aria-label': `Revoke ${k.kid}`, onclick: () => revoke(k) }, 'Revoke')
              : null)))))));
      } catch (error) {
        showError(list, error, { retry: reload, onUnauthorized });
      }
    }

    async function revoke(key) {
      const last = activeCount <= 1;
      const question = last
        ? `${key.kid} is ${store.name}'s only active key: its tills' codes will be refused until a new key is registered. Revoke it anyway?`
        : `Revoke ${key.kid}? Codes signed with it are refused from now on; what was credited stays credited.`;
      if (!window.confirm(question)) return;
      try {
        await client.delete(`${storePath(store.storeId)}/keys/${encodeURIComponent(key.kid)}`);
        showDone(note, `Revoked ${key.kid}.${last ? '' : ' Rotation done: the tills sign with the new key only.'}`);
        reload();
      } catch (error) {
        showProblem(note, form, error, { onUnauthorized, prefix: `Revoke ${key.kid}: ` });
      }
    }

    const form = h('form', { id: 'key-form', novalidate: true, onsubmit: async (ev) => {
      ev.preventDefault();
      const id = kid.value.trim();
      const key = jwkOf(jwk.value);
      if (!new RegExp(KID).test(id)) {
        kid.setAttribute('aria-invalid', 'true');
        kid.focus();
        return fill(note, h('p', { class: 'notice notice-error', role: 'alert' }, 'A key id is 1 to 64 of letters, digits and . _ -, e.g. zara-till-2026-12.'));
      }
      if (!key) {
        jwk.setAttribute('aria-invalid', 'true');
        jwk.focus();
        return fill(note, h('p', { class: 'notice notice-error', role: 'alert' }, 'Paste the public key: a JWK ({"kty":"OKP","crv":"Ed25519","x":"…"}) or its x (43 characters).'));
      }
      register.disabled = true;
      try {
        const r = await client.put(`${storePath(store.storeId)}/keys/${encodeURIComponent(id)}`, key);
        showDone(note, r.status === 201
          ? `Registered ${id}: codes signed with it credit from now on.${activeCount >= 1 ? ' Both keys verify now: move the tills to the new key, then revoke the old one.' : ''}`
          : `${id} was already registered with this key.`);
        kid.value = '';
        jwk.value = '';
        reload();
      } catch (error) {
        showProblem(note, form, error, { onUnauthorized, prefix: `Register ${id}: ` });
      } finally {
        register.disabled = false;
      }
    } },
    h('h3', {}, 'Register a key'),
    field('Key id', kid, 'Unique in the mall and never reused, e.g. zara-till-2026-12.'),
    field('Public key', jwk, 'The tills\' public Ed25519 JWK, or its x. Never the private key.'),
    register);

    fill(keys, h('h2', { id: 'store-keys-heading' }, `Signing keys of ${store.name}`),
      h('ol', { class: 'rotation hint', 'aria-label': 'Rotating a key without a gap' },
        h('li', {}, 'Register the new key: from then on both keys verify.'),
        h('li', {}, 'Move the tills to the new key.'),
        h('li', {}, 'Revoke the old key: codes signed with it are refused.')),
      list, form, note);
    await reload();
    kid.focus();
  }

  return { load: () => page(true) };
}
