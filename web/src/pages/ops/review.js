/**
 * Receipts waiting for review (GET /admin/receipts?status=pending_review, paged), oldest first, with approve
 * (credits exactly once: 201, or 200 when it was already approved) and reject (a reason for the shopper). Likely
 * duplicates are flagged for the reviewer. Hidden where the API has no review queue.
 */
import { ApiError, describeError } from '../../api/client.js';
import { formatNumber, formatTime, h, fill } from '../../ui/dom.js';
import { showEmpty, showError, showLoading } from '../../ui/states.js';

const PAGE = 20;

/** The reviewer's words for a duplicate flag. */
export function duplicateText(flag) {
  const ids = (flag.receiptIds ?? []).join(', ');
  if (flag.reason === 'similar_receipt_id') return `Looks like ${ids} (same id but for case and separators)`;
  if (flag.reason === 'same_amount_and_minute') return `Same amount in the same minute as ${ids}`;
  return `${String(flag.reason).replace(/_/g, ' ')}${ids ? `: ${ids}` : ''}`;
}

const path = (entry, action) => `/admin/receipts/${encodeURIComponent(entry.storeId)}/${encodeURIComponent(entry.receiptId)}/${action}`;

export function createReviewQueue(panel, { client, onUnauthorized }) {
  const status = h('div', { 'aria-live': 'polite' });
  const outcome = h('div', { 'aria-live': 'polite', id: 'review-outcome' });
  const body = h('tbody');
  const table = h('div', { class: 'table-scroll' }, h('table', { id: 'review-table' },
    h('caption', { class: 'visually-hidden' }, 'Receipts waiting for review'),
    h('thead', {}, h('tr', {}, ...['Receipt', 'Shopper', 'Amount', 'Bought', 'Would credit', 'Decision'].map((t) => h('th', { scope: 'col' }, t)))),
    body));
  const more = h('button', { type: 'button', id: 'review-more', onclick: () => page(false) }, 'Show more');
  let cursor = null;

  function row(entry) {
    const reasonId = `reject-${entry.storeId}-${entry.receiptId}`.replace(/[^A-Za-z0-9_-]/g, '_');
    const decision = h('div', { class: 'review-actions' });
    const tr = h('tr', { dataset: { receipt: `${entry.storeId}/${entry.receiptId}` } },
      h('th', { scope: 'row' }, h('div', {}, `${entry.storeId} · ${entry.receiptId}`),
        ...(entry.duplicates ?? []).map((d) => h('div', { class: 'flag' }, `⚠ ${duplicateText(d)}`))),
      h('td', {}, entry.userId),
      h('td', { class: 'num' }, String(entry.amount)),
      h('td', {}, formatTime(entry.purchasedAt)),
      h('td', { class: 'num' }, `${formatNumber(entry.coins ?? 0)} coins`),
      h('td', {}, decision));

    const act = async (label, send) => {
      for (const b of decision.querySelectorAll('button, input')) b.disabled = true;
      try {
        const answer = await send();
        tr.remove();
        fill(outcome, h('p', { class: 'notice notice-ok', role: 'status' }, label(answer)));
        if (!body.children.length && !cursor) showEmpty(status, 'No receipts are waiting for review.');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return onUnauthorized();
        fill(outcome, h('p', { class: 'notice notice-error', role: 'alert' }, `${entry.receiptId}: ${describeError(error)}`));
        for (const b of decision.querySelectorAll('button, input')) b.disabled = false;
      }
    };

    const approve = h('button', { type: 'button', class: 'primary', onclick: () => act(
      (r) => `Approved ${entry.receiptId}: +${formatNumber(r.body?.coinsEarned ?? entry.coins ?? 0)} coins to ${entry.userId}${r.status === 200 ? ' (it was already approved)' : ''}.`,
      () => client.post(path(entry, 'approve'), {})) }, 'Approve');
    const reject = h('button', { type: 'button', onclick: () => {
      const reason = h('input', { type: 'text', id: reasonId, maxlength: '500', required: true });
      const send = h('button', { type: 'button', onclick: () => {
        if (!reason.value.trim()) {
          reason.setAttribute('aria-invalid', 'true');
          reason.focus();
          return;
        }
        act(() => `Rejected ${entry.receiptId}.`, () => client.post(path(entry, 'reject'), { reason: reason.value.trim() }));
      } }, 'Reject');
      fill(decision, h('label', { for: reasonId }, 'Reason for the shopper'), reason, send,
        h('button', { type: 'button', onclick: () => fill(decision, approve, reject) }, 'Cancel'));
      reason.focus();
    } }, 'Reject…');
    fill(decision, approve, reject);
    return tr;
  }

  async function page(first) {
    if (first) {
      cursor = null;
      fill(panel, h('h2', { id: 'review-heading' }, 'Receipts waiting for review'),
        h('button', { type: 'button', id: 'review-reload', onclick: () => page(true) }, 'Refresh'), outcome, status);
      showLoading(status, 'Loading the review queue…');
    }
    more.disabled = true;
    try {
      const answer = await client.get('/admin/receipts', { query: { status: 'pending_review', limit: PAGE, cursor } });
      panel.hidden = false;
      const rows = answer.receipts ?? [];
      if (first && !rows.length) return showEmpty(status, 'No receipts are waiting for review.');
      fill(status);
      status.removeAttribute('aria-busy');
      if (first) {
        fill(body, rows.map(row));
        panel.append(table, more);
      } else {
        body.append(...rows.map(row));
      }
      cursor = answer.nextCursor ?? null;
      more.hidden = !cursor;
    } catch (error) {
      if (error instanceof ApiError && error.isMissingRoute) {
        panel.hidden = true; // no review queue in this API
        return;
      }
      panel.hidden = false;
      showError(status, error, { retry: () => page(first), onUnauthorized });
    } finally {
      more.disabled = false;
    }
  }

  return { reload: () => page(true) };
}
