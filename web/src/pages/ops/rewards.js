/**
 * The rewards catalogue of the console: the rewards on offer (GET /rewards: active and in their window) with their
 * stock; create one or edit one (PUT /admin/rewards/{rewardId}, the whole reward each time); stock changes that
 * cannot lose an update nor apply twice: "add" sends `stockDelta` with `expectedVersion`, the reward's version the
 * operator saw (added once; 409 `reward_changed` when the reward changed meanwhile), "set to" sends `stock` with
 * `expectedStock`, the stock the operator saw (409 `stock_changed` when it moved); on either 409 the page shows the
 * stock now and saving again applies the change to it. GET /rewards is
 * cached for a few seconds; the answer of a PUT is fresher, so the table shows that until the list catches up.
 */
import { ApiError } from '../../api/client.js';
import { fill, formatNumber, h } from '../../ui/dom.js';
import { showEmpty, showError, showLoading } from '../../ui/states.js';
import { field, numberOf, showDone, showProblem } from './forms.js';

const REWARD_ID = '^[a-z0-9][a-z0-9\\-]{0,63}$';

/** The body of PUT /admin/rewards/{id} from the editor's inputs (stock as the chosen mode says). */
export function rewardChangeOf(inputs, loaded) {
  const change = {
    title: inputs.title.value.trim(),
    costCoins: numberOf(inputs.costCoins),
    active: inputs.active.checked,
  };
  if (inputs.description.value.trim()) change.description = inputs.description.value.trim();
  if (inputs.storeId.value.trim()) change.storeId = inputs.storeId.value.trim();
  // the window is not edited here: kept as it is
  if (loaded?.validFrom) change.validFrom = loaded.validFrom;
  if (loaded?.validTo) change.validTo = loaded.validTo;
  for (const name of ['perUserLimit', 'minLevel', 'couponValidDays']) {
    const v = numberOf(inputs[name]);
    if (v !== undefined) change[name] = v;
  }
  const amount = numberOf(inputs.stock);
  if (amount !== undefined) {
    if (!loaded) change.stock = amount;
    else if (inputs.stockMode.value === 'add') {
      change.stockDelta = amount;
      change.expectedVersion = loaded.version ?? 0;
    }
    else {
      change.stock = amount;
      change.expectedStock = loaded.remaining ?? 0;
    }
  }
  return change;
}

export function createRewardsCatalogue(panel, { client, onUnauthorized }) {
  const outcome = h('div', { 'aria-live': 'polite', id: 'catalogue-outcome' });
  const status = h('div');
  const body = h('tbody');
  const editor = h('section', { class: 'card', id: 'reward-editor', 'aria-labelledby': 'reward-editor-heading', hidden: true });
  let rewards = [];
  /** Rewards as this page's own PUTs answered, by id: fresher than a cached list. */
  const saved = new Map();

  /** The list with this page's saved answers laid over it (newer `updatedAt` wins; a new one is added). */
  function merged(list) {
    const byId = new Map(list.map((r) => [r.rewardId, r]));
    for (const [id, mine] of saved) {
      const listed = byId.get(id);
      if (!listed || Date.parse(mine.updatedAt ?? 0) >= Date.parse(listed.updatedAt ?? 0)) byId.set(id, mine);
    }
    return [...byId.values()].filter((r) => r.active !== false).sort((a, b) => a.costCoins - b.costCoins || a.rewardId.localeCompare(b.rewardId));
  }

  fill(panel,
    h('div', { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', { id: 'catalogue-heading' }, 'Rewards catalogue'),
        h('button', { type: 'button', class: 'primary', id: 'new-reward', onclick: () => openEditor(null) }, 'New reward')),
      h('p', { class: 'hint' }, 'The rewards on offer now. A reward made inactive leaves this list; create it again under the same id to bring it back.'),
      outcome, status,
      h('div', { class: 'table-scroll' }, h('table', { id: 'catalogue-table', 'aria-labelledby': 'catalogue-heading' },
        h('thead', {}, h('tr', {}, ...['Reward', 'Store', 'Cost', 'Stock', 'Per shopper', 'Min level', ''].map((t, i) => h('th', { scope: 'col', class: i >= 2 && i <= 5 ? 'num' : null }, t)))),
        body))),
    editor);

  async function load() {
    showLoading(status, 'Loading the catalogue…');
    try {
      rewards = merged((await client.get('/rewards')).rewards ?? []);
      fill(body, rewards.map((r) => h('tr', { dataset: { reward: r.rewardId } },
        h('th', { scope: 'row' }, h('div', {}, r.title), h('div', { class: 'hint' }, r.rewardId)),
        h('td', {}, r.storeId ?? 'the mall'),
        h('td', { class: 'num' }, `${formatNumber(r.costCoins)} coins`),
        h('td', { class: 'num' }, r.remaining === undefined ? 'unlimited' : formatNumber(r.remaining)),
        h('td', { class: 'num' }, r.perUserLimit === undefined ? '—' : String(r.perUserLimit)),
        h('td', { class: 'num' }, String(r.minLevel ?? 1)),
        h('td', {}, h('button', { type: 'button', 'aria-label': `Edit ${r.title}`, onclick: () => openEditor(r) }, 'Edit')))));
      if (!rewards.length) showEmpty(status, 'No rewards on offer: create the first one with "New reward".');
      else {
        fill(status);
        status.removeAttribute('aria-busy');
      }
    } catch (error) {
      showError(status, error, { retry: load, onUnauthorized });
    }
  }

  function openEditor(loaded) {
    editor.hidden = false;
    const creating = loaded === null;
    const note = h('div', { 'aria-live': 'polite', id: 'reward-editor-outcome' });
    const inputs = {
      rewardId: h('input', { id: 'reward-id', name: 'rewardId', type: 'text', required: true, pattern: REWARD_ID, value: loaded?.rewardId ?? '', readonly: !creating, autocomplete: 'off' }),
      title: h('input', { id: 'reward-title', name: 'title', type: 'text', required: true, maxlength: '120', value: loaded?.title ?? '' }),
      description: h('textarea', { id: 'reward-description', name: 'description', rows: 2 }),
      storeId: h('input', { id: 'reward-store', name: 'storeId', type: 'text', value: loaded?.storeId ?? '', autocomplete: 'off' }),
      costCoins: h('input', { id: 'reward-cost', name: 'costCoins', type: 'number', required: true, min: '0', step: '1', value: loaded?.costCoins ?? '' }),
      perUserLimit: h('input', { id: 'reward-per-user', name: 'perUserLimit', type: 'number', min: '1', step: '1', value: loaded?.perUserLimit ?? '' }),
      minLevel: h('input', { id: 'reward-min-level', name: 'minLevel', type: 'number', min: '1', step: '1', value: loaded?.minLevel ?? 1 }),
      couponValidDays: h('input', { id: 'reward-valid-days', name: 'couponValidDays', type: 'number', min: '1', step: '1', value: loaded?.couponValidDays ?? 14 }),
      stockMode: h('select', { id: 'reward-stock-mode', name: 'stockMode' },
        h('option', { value: 'add' }, 'Add to the stock (or remove, with a minus)'), h('option', { value: 'set' }, 'Set the stock to')),
      stock: h('input', { id: 'reward-stock', name: 'stock', type: 'number', step: '1' }),
      active: h('input', { id: 'reward-active', name: 'active', type: 'checkbox', checked: loaded ? loaded.active !== false : true }),
    };
    inputs.description.value = loaded?.description ?? '';
    const save = h('button', { type: 'submit', class: 'primary', id: 'reward-save' }, creating ? 'Create reward' : 'Save reward');
    const form = h('form', { id: 'reward-form', novalidate: true, onsubmit: async (ev) => {
      ev.preventDefault();
      const id = inputs.rewardId.value.trim();
      if (!new RegExp(REWARD_ID).test(id)) {
        inputs.rewardId.setAttribute('aria-invalid', 'true');
        inputs.rewardId.focus();
        return fill(note, h('p', { class: 'notice notice-error', role: 'alert' }, 'A reward id is 1 to 64 of a-z, 0-9 and -.'));
      }
      save.disabled = true;
      try {
        const r = await client.put(`/admin/rewards/${encodeURIComponent(id)}`, rewardChangeOf(inputs, loaded));
        saved.set(r.body.rewardId, r.body);
        const stock = r.body.remaining === undefined ? 'unlimited stock' : `${formatNumber(r.body.remaining)} in stock`;
        showDone(outcome, `${r.status === 201 ? 'Created' : 'Saved'} ${r.body.title}: ${stock}.`);
        editor.hidden = true;
        load();
      } catch (error) {
        if (error instanceof ApiError && (error.code === 'stock_changed' || error.code === 'reward_changed')) {
          const now = error.body?.error?.remaining;
          const version = error.body?.error?.version;
          if (loaded && typeof now === 'number') loaded = { ...loaded, remaining: now };
          if (loaded && typeof version === 'number') loaded = { ...loaded, version };
          const what = error.code === 'stock_changed' ? 'The stock moved' : 'The reward changed';
          fill(note, h('p', { class: 'notice notice-error', role: 'alert', dataset: { code: error.code } },
            `${what} while you edited (the stock is ${now ?? 'different'} now): nothing was saved. Check the figure and save again.`));
          stockNow.textContent = stockText(loaded);
        } else {
          showProblem(note, form, error, { onUnauthorized });
        }
      } finally {
        save.disabled = false;
      }
    } },
    field('Reward id', inputs.rewardId, creating ? 'a-z, 0-9 and -; it cannot change later.' : null),
    field('Title', inputs.title), field('Description', inputs.description),
    field('Store', inputs.storeId, 'The store id that honours the coupon; empty for the mall (e.g. parking).'),
    field('Cost in coins', inputs.costCoins), field('At most per shopper', inputs.perUserLimit, 'Empty: no limit.'),
    field('Minimum level', inputs.minLevel), field('Coupon valid for (days)', inputs.couponValidDays),
    creating ? null : field('Stock change', inputs.stockMode),
    field(creating ? 'Stock' : 'Amount', inputs.stock, creating ? 'Empty: unlimited.' : 'Empty: the stock stays as it is.'),
    h('div', { class: 'check' }, inputs.active, h('label', { for: 'reward-active' }, 'On offer')),
    h('div', { class: 'review-actions' }, save, h('button', { type: 'button', onclick: () => { editor.hidden = true; } }, 'Cancel')),
    note);
    const stockText = (r) => (r ? `Stock now: ${r.remaining === undefined ? 'unlimited' : formatNumber(r.remaining)}` : '');
    const stockNow = h('p', { class: 'hint', id: 'reward-stock-now' }, stockText(loaded));
    fill(editor, h('h2', { id: 'reward-editor-heading' }, creating ? 'New reward' : `Edit ${loaded.title}`), stockNow, form);
    (creating ? inputs.rewardId : inputs.title).focus();
  }

  return { load };
}
