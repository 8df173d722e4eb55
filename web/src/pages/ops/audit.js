/**
 * The audit trail of the console (GET /admin/audit?storeId=&actor=&from=&to=, paged, newest first): who did what
 * to which target, when, with the request id and what changed (before → after). Read-only: entries are
 * immutable. Until the API has the route, the panel says so instead of failing.
 */
import { ApiError } from '../../api/client.js';
import { fill, formatTime, h } from '../../ui/dom.js';
import { showEmpty, showError, showLoading } from '../../ui/states.js';
import { field } from './forms.js';

const PAGE = 50;

/** An entry of GET /admin/audit (openapi.yaml's AuditEntry) as the table shows it. */
export function auditView(e) {
  return {
    at: e.at ?? '',
    who: e.actorId ?? '',
    role: e.actorRole ?? '',
    action: String(e.action ?? ''),
    target: String(e.target ?? ''),
    requestId: e.requestId ?? '',
    changes: changesOf(e.before, e.after),
  };
}

/** The fields that differ between before and after, as "field: old → new" (all of after when before is absent). */
export function changesOf(before, after) {
  if (!after && !before) return [];
  const b = before && typeof before === 'object' ? before : {};
  const a = after && typeof after === 'object' ? after : {};
  const text = (v) => (v === undefined ? '—' : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => (before ? `${k}: ${text(b[k])} → ${text(a[k])}` : `${k}: ${text(a[k])}`));
}

/** A datetime-local value (the operator's local time) as an ISO instant, or undefined. */
function instantOf(input) {
  if (!input.value) return undefined;
  const t = new Date(input.value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

export function createAudit(panel, { client, onUnauthorized }) {
  const status = h('div');
  const body = h('tbody');
  const more = h('button', { type: 'button', id: 'audit-more', hidden: true, onclick: () => page(false) }, 'Show more');
  const inputs = {
    storeId: h('input', { id: 'audit-store', name: 'storeId', type: 'text', autocomplete: 'off' }),
    actor: h('input', { id: 'audit-actor', name: 'actor', type: 'text', autocomplete: 'off' }),
    from: h('input', { id: 'audit-from', name: 'from', type: 'datetime-local' }),
    to: h('input', { id: 'audit-to', name: 'to', type: 'datetime-local' }),
  };
  const table = h('div', { class: 'table-scroll', hidden: true }, h('table', { id: 'audit-table', 'aria-labelledby': 'audit-heading' },
    h('thead', {}, h('tr', {}, ...['When', 'Who', 'Action', 'Target', 'Change', 'Request'].map((t) => h('th', { scope: 'col' }, t)))),
    body));
  let cursor = null;
  let query = {};

  fill(panel, h('div', { class: 'card' },
    h('h2', { id: 'audit-heading' }, 'Audit trail'),
    h('p', { class: 'hint' }, 'Every action of an admin, store manager or store staff member, newest first. Entries never change.'),
    h('form', { id: 'audit-filter', class: 'filters', onsubmit: (ev) => {
      ev.preventDefault();
      page(true);
    } },
    field('Store', inputs.storeId), field('Who (user id)', inputs.actor), field('From', inputs.from), field('To', inputs.to),
    h('button', { type: 'submit', class: 'primary', id: 'audit-apply' }, 'Show')),
    status, table, more));

  function row(entry) {
    const v = auditView(entry);
    return h('tr', { dataset: { action: v.action } },
      h('td', {}, formatTime(v.at)),
      h('td', {}, h('div', {}, v.who), v.role ? h('div', { class: 'hint' }, v.role) : null),
      h('th', { scope: 'row' }, v.action.replace(/[._]/g, ' ')),
      h('td', {}, v.target),
      h('td', {}, v.changes.length ? h('ul', { class: 'plain changes' }, v.changes.map((c) => h('li', {}, c))) : '—'),
      h('td', {}, h('code', { class: 'hint' }, v.requestId)));
  }

  async function page(first) {
    if (first) {
      cursor = null;
      query = { storeId: inputs.storeId.value.trim(), actor: inputs.actor.value.trim(), from: instantOf(inputs.from), to: instantOf(inputs.to) };
      showLoading(status, 'Loading the audit trail…');
    }
    more.disabled = true;
    try {
      const answer = await client.get('/admin/audit', { query: { ...query, limit: PAGE, cursor } });
      const entries = answer.entries ?? answer.audit ?? [];
      if (first) fill(body, entries.map(row));
      else body.append(...entries.map(row));
      table.hidden = first && !entries.length;
      if (first && !entries.length) showEmpty(status, 'No entries match.');
      else {
        fill(status);
        status.removeAttribute('aria-busy');
      }
      cursor = answer.nextCursor ?? null;
      more.hidden = !cursor;
    } catch (error) {
      table.hidden = true;
      if (error instanceof ApiError && error.isMissingRoute) return showEmpty(status, 'This API has no audit trail (GET /admin/audit) yet.');
      showError(status, error, { retry: () => page(first), onUnauthorized });
    } finally {
      more.disabled = false;
    }
  }

  return { load: () => page(true) };
}
