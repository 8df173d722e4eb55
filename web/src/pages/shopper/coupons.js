/** The shopper's coupons: redemptions newest first (GET /users/me/redemptions), paged with "Show more". */
import { ApiError } from '../../api/client.js';
import { formatNumber, formatTime, h, fill } from '../../ui/dom.js';
import { showEmpty, showError, showLoading } from '../../ui/states.js';

const PAGE = 5;

/** A coupon's state in words. */
export function couponStateText(state, expiresAt) {
  switch (state) {
    case 'used': return 'Used';
    case 'refunded': return `Not used by ${formatTime(expiresAt)}: your coins are back`;
    case 'expired': return `Expired ${formatTime(expiresAt)}`;
    default: return `Valid until ${formatTime(expiresAt)}`;
  }
}

export function createCoupons(panel, { client, onUnauthorized }) {
  const list = h('ul', { class: 'plain coupons', id: 'coupons-list' });
  const more = h('button', { type: 'button', id: 'coupons-more', onclick: () => page(false) }, 'Show more');
  const status = h('div');
  let cursor = null;

  const item = (r) => {
    // couponState from the API (issued, used, expired, refunded); older answers without it: from the expiry
    const state = r.couponState ?? (Date.parse(r.expiresAt) <= Date.now() ? 'expired' : 'issued');
    return h('li', { class: `coupon-item${state === 'issued' ? '' : ' expired'}`, dataset: { state } },
      h('div', {}, h('div', { class: 'what' }, r.title ?? r.rewardId), h('div', { class: 'when' }, couponStateText(state, r.expiresAt))),
      h('div', { class: 'coupon-side' }, h('code', { class: 'coupon-code' }, r.couponCode), h('div', { class: 'when' }, `${formatNumber(r.coinsSpent)} coins`)));
  };

  async function page(first) {
    if (first) {
      cursor = null;
      panel.hidden = false;
      fill(panel, h('h2', {}, 'Your coupons'), status);
      showLoading(status, 'Loading your coupons…');
    }
    more.disabled = true;
    try {
      const body = await client.get('/users/me/redemptions', { query: { limit: PAGE, cursor } });
      const rows = body.redemptions ?? [];
      if (first && !rows.length) return showEmpty(status, 'No coupons yet: redeem a reward with your coins.');
      fill(status);
      status.removeAttribute('aria-busy');
      if (first) {
        fill(list, rows.map(item));
        panel.append(list, more);
      } else {
        list.append(...rows.map(item));
      }
      cursor = body.nextCursor ?? null;
      more.hidden = !cursor;
    } catch (error) {
      if (error instanceof ApiError && error.isMissingRoute) {
        panel.hidden = true;
        return;
      }
      showError(status, error, { retry: () => page(first), onUnauthorized });
    } finally {
      more.disabled = false;
    }
  }

  return { reload: () => page(true) };
}
