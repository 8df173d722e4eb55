/** The balance card: coins, level and the progress bar to the next level (GET /users/me). */
import { formatNumber, h, fill } from '../../ui/dom.js';
import { showError, showLoading } from '../../ui/states.js';

const receiptsCredited = (n) => `${formatNumber(n)} receipt${n === 1 ? '' : 's'} credited`;

export function createProfile(panel, { client, onUnauthorized, onChange = () => {} }) {
  let last = null;

  function render(view) {
    last = view;
    onChange(view);
    const p = view.progress ?? {};
    const percent = Math.max(0, Math.min(100, Number(p.percent) || 0));
    const bar = h('span');
    bar.style.width = `${percent}%`;
    panel.removeAttribute('aria-busy');
    fill(panel,
      h('h2', { id: 'balance-heading' }, 'Your balance'),
      h('p', { class: 'balance' }, h('span', { class: 'coins', id: 'balance', dataset: { coins: String(view.coins) } }, formatNumber(view.coins)), h('span', { class: 'unit' }, 'coins')),
      h('div', { class: 'level-row' }, h('span', { id: 'level' }, `Level ${view.level}`), h('span', {}, `${formatNumber(view.xp)} XP`)),
      h('div', { class: 'progress', role: 'progressbar', 'aria-label': `Progress to level ${view.level + 1}`, 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(percent) }, bar),
      h('p', { class: 'hint' }, p.xpToNextLevel !== undefined ? `${formatNumber(p.xpToNextLevel)} XP to level ${view.level + 1}` : ''),
      h('p', { class: 'hint' }, receiptsCredited(view.counts?.receiptsCredited ?? 0)),
      view.coinsOwed > 0
        ? h('p', { class: 'notice notice-warn', id: 'coins-owed' }, `You owe ${formatNumber(view.coinsOwed)} coins for a returned purchase; your next receipts pay it back first, and rewards wait until then.`)
        : null);
  }

  async function load({ quiet = false } = {}) {
    if (!quiet || !last) showLoading(panel, 'Loading your balance…');
    try {
      render(await client.get('/users/me'));
    } catch (error) {
      showError(panel, error, { retry: () => load(), onUnauthorized });
    }
  }

  /** Shows a balance the API just returned (e.g. in a receipt's answer) without another read. */
  function applyBalance(user) {
    if (!last || !user) return;
    render({ ...last, coins: user.coins, xp: user.xp, level: user.level });
  }

  return { load, applyBalance, get view() { return last; } };
}
