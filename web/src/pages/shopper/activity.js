/** Recent activity, newest first, paged with "Show more" (GET /users/me/activity?limit=&cursor=). */
import { formatNumber, formatTime, h, fill } from '../../ui/dom.js';
import { showEmpty, showError, showLoading } from '../../ui/states.js';

const PAGE = 10;

export function describeEntry(entry) {
  const d = entry.details ?? {};
  switch (entry.kind) {
    case 'receipt': return `Receipt ${d.receiptId ?? ''} at ${d.storeId ?? 'a store'}${d.amount ? ` (${d.amount})` : ''}`;
    case 'adjustment': return d.reason ? `Adjustment: ${d.reason}` : 'Adjustment';
    case 'redemption': return `Redeemed ${d.title ?? d.rewardId ?? 'a reward'}`;
    case 'redemption_refund': return `Coins back: unused coupon for ${d.title ?? d.rewardId ?? 'a reward'}`;
    case 'receipt_refund': case 'refund': return `Refund of receipt ${d.receiptId ?? ''}`;
    default: return String(entry.kind ?? 'Activity').replace(/_/g, ' ');
  }
}

/** What earned an entry beyond the base rule, one line a campaign: "2× weekend at Zara: +125". */
export function bonusLines(entry) {
  return (entry.earnedBy ?? []).filter((line) => line.source !== 'base')
    .map((line) => `${line.label}: +${formatNumber(Number(line.coins) || 0)}${line.xp ? ` (+${formatNumber(line.xp)} XP)` : ''}`);
}

export function createActivity(panel, { client, onUnauthorized }) {
  const list = h('ul', { class: 'plain activity', id: 'activity-list' });
  const more = h('button', { type: 'button', id: 'activity-more', onclick: () => loadMore() }, 'Show more');
  const status = h('div', { class: 'activity-status' });
  let cursor = null;

  function item(e) {
    const coins = Number(e.coins) || 0;
    return h('li', {},
      h('div', {}, h('div', { class: 'what' }, describeEntry(e)),
        ...bonusLines(e).map((line) => h('div', { class: 'bonus' }, line)),
        h('div', { class: 'when' }, formatTime(e.at))),
      h('div', { class: `amount${coins < 0 ? ' negative' : ''}` }, `${coins >= 0 ? '+' : ''}${formatNumber(coins)} coins`));
  }

  async function fetchPage() {
    return client.get('/users/me/activity', { query: { limit: PAGE, cursor } });
  }

  async function reload() {
    cursor = null;
    fill(panel, h('h2', {}, 'Recent activity'), status);
    showLoading(status, 'Loading your activity…');
    try {
      const page = await fetchPage();
      if (!page.entries?.length) return showEmpty(status, 'No activity yet: submit your first receipt to earn coins.');
      fill(status);
      status.removeAttribute('aria-busy');
      fill(list, page.entries.map(item));
      cursor = page.nextCursor ?? null;
      panel.append(list, more);
      more.hidden = !cursor;
    } catch (error) {
      showError(status, error, { retry: reload, onUnauthorized });
    }
  }

  async function loadMore() {
    more.disabled = true;
    try {
      const page = await fetchPage();
      list.append(...(page.entries ?? []).map(item));
      cursor = page.nextCursor ?? null;
      more.hidden = !cursor;
      fill(status);
    } catch (error) {
      showError(status, error, { retry: loadMore, onUnauthorized });
    } finally {
      more.disabled = false;
    }
  }

  return { reload };
}
