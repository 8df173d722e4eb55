/**
 * The operator console (/ops, admin only). Figures: GET /metrics every 5 s turned into charts over time, the
 * routes' latest figures, cache and business counters, GET /health with its reasons, the review queue. Stores
 * (with their signing keys), the rewards catalogue and the audit trail are the other views (`?view=stores`,
 * `rewards`, `audit`). A signed-in user who is not an operator gets the API's 403 and no console.
 */
import '../../styles/base.css';
import '../../styles/ops.css';
import { ApiError, describeError } from '../../api/client.js';
import { loadConfig } from '../../api/config.js';
import { createPoller } from '../../poll/poller.js';
import { $, fill, formatNumber, h } from '../../ui/dom.js';
import { createSignInGate } from '../../ui/signin.js';
import { notify, showError, showLoading } from '../../ui/states.js';
import { renderChart } from './chart.js';
import { renderHealth } from './health.js';
import { createAudit } from './audit.js';
import { createReviewQueue } from './review.js';
import { createRewardsCatalogue } from './rewards.js';
import { createStores } from './stores.js';
import { SeriesSet, samplesOf } from './series.js';

const main = $('#main');
const who = $('#who');
// a link's token (#token=…): signs in an empty tab; someone else's waits for the person's answer
const gate = createSignInGate({ main, who, boot, signIn: { heading: 'Operator sign-in', operator: true } });
const notices = $('#notices');
main.classList.add('ops-main');
let pollers = [];

function stopAll() {
  for (const p of pollers) p.stop();
  pollers = [];
}

function chartFigure(id) {
  return h('figure', { class: 'chart', id });
}

function routesTable(metrics) {
  const rows = Object.entries(metrics.routes ?? {}).map(([route, w]) => [route, w['1m'] ?? {}]).sort((a, b) => (b[1].requests ?? 0) - (a[1].requests ?? 0));
  if (!rows.length) return h('p', { class: 'state state-empty' }, 'No requests in the last minute.');
  const num = (v, digits = 0) => (typeof v === 'number' ? v.toLocaleString('en', { maximumFractionDigits: digits }) : '—');
  return h('div', { class: 'table-scroll' }, h('table', { id: 'routes-table' },
    h('caption', { class: 'visually-hidden' }, 'Routes over the last minute'),
    h('thead', {}, h('tr', {}, ...['Route', 'Requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'Errors'].map((t, i) => h('th', { scope: 'col', class: i ? 'num' : null }, t)))),
    h('tbody', {}, rows.map(([route, w]) => h('tr', {},
      h('th', { scope: 'row' }, route), h('td', { class: 'num' }, num(w.requests)), h('td', { class: 'num' }, num(w.requestsPerSecond, 3)),
      h('td', { class: 'num' }, num(w.p50Ms)), h('td', { class: 'num' }, num(w.p95Ms)), h('td', { class: 'num' }, num(w.p99Ms)),
      h('td', { class: 'num' }, `${num(w.serverErrors)} / ${num(w.clientErrors)}`))))));
}

function cacheSummary(metrics) {
  const c = metrics.cache ?? {};
  const hr = c.hitRatio?.['1m'];
  return h('ul', { class: 'plain' },
    h('li', {}, `Mode: ${c.mode ?? 'unknown'}${c.redisReachable === false ? ' (Redis unreachable)' : ''}`),
    h('li', {}, `Hit ratio (1 min): ${hr?.hitRatio !== undefined ? `${Math.round(hr.hitRatio * 100)} %` : 'no lookups'} (${formatNumber(hr?.hits ?? 0)} hits, ${formatNumber(hr?.misses ?? 0)} misses)`),
    h('li', {}, `Managed service: ${c.service?.checked ? c.service.status ?? 'checked' : c.service?.note ?? 'not checked'}`),
    h('li', {}, `Active effect targets: ${metrics.business?.activeEffectTargets ?? '—'}`),
    h('li', {}, `Figures: ${metrics.scope ?? '?'}${metrics.scopeNote ? ` (${metrics.scopeNote})` : ''}`));
}

async function boot(reason) {
  stopAll();
  const config = await loadConfig();
  const entered = await gate.enter(config, reason);
  if (!entered) return;
  const { session, client, signOut, onUnauthorized } = entered;

  showLoading(main, 'Loading the figures…');
  let first;
  try {
    first = await client.get('/metrics');
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      fill(main, h('section', { class: 'card signin', id: 'not-operator', role: 'alert' },
        h('h1', {}, 'Operators only'),
        h('p', {}, `You are signed in as ${session.claims.name}, who is not in the admin group. The dashboard shows the whole fleet's figures and is for operators.`),
        h('p', {}, h('a', { href: '/' }, 'Go to your MallQuest page'), ' or ',
          h('button', { type: 'button', onclick: () => signOut() }, 'sign in as an operator'))));
      return;
    }
    if (!(error instanceof ApiError && error.status === 401)) showError(main, error, { retry: () => boot() });
    return;
  }

  const series = new SeriesSet();
  const healthPanel = h('section', { class: 'card', id: 'health', 'aria-labelledby': 'health-heading' });
  const figures = {
    rps: chartFigure('chart-rps'), latency: chartFigure('chart-latency'), errors: chartFigure('chart-errors'),
    cache: chartFigure('chart-cache'), business: chartFigure('chart-business'),
  };
  const reviewPanel = h('section', { class: 'card wide', id: 'review', 'aria-labelledby': 'review-heading', hidden: true });
  const routesPanel = h('div', { id: 'routes' });
  const cachePanel = h('div', { id: 'cache' });
  const updated = h('p', { class: 'hint', id: 'updated', 'aria-live': 'polite' });
  const views = {
    figures: h('section', { id: 'view-figures', 'aria-labelledby': 'figures-heading' }),
    stores: h('section', { id: 'view-stores', 'aria-label': 'Stores', hidden: true }),
    rewards: h('section', { id: 'view-rewards', 'aria-label': 'Rewards catalogue', hidden: true }),
    audit: h('section', { id: 'view-audit', 'aria-label': 'Audit trail', hidden: true }),
  };
  const labels = { figures: 'Figures', stores: 'Stores', rewards: 'Rewards', audit: 'Audit trail' };
  const consoles = {
    stores: createStores(views.stores, { client, onUnauthorized }),
    rewards: createRewardsCatalogue(views.rewards, { client, onUnauthorized }),
    audit: createAudit(views.audit, { client, onUnauthorized }),
  };
  const tabs = Object.keys(views).map((name) => h('button', { type: 'button', class: 'tab', id: `tab-${name}`, dataset: { view: name }, onclick: () => show(name) }, labels[name]));
  const loaded = new Set();
  function show(name) {
    const view = views[name] ? name : 'figures';
    for (const [k, el] of Object.entries(views)) el.hidden = k !== view;
    for (const t of tabs) {
      if (t.dataset.view === view) t.setAttribute('aria-current', 'page');
      else t.removeAttribute('aria-current');
    }
    const url = new URL(window.location.href);
    if (view === 'figures') url.searchParams.delete('view');
    else url.searchParams.set('view', view);
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    if (consoles[view] && !loaded.has(view)) {
      loaded.add(view);
      consoles[view].load();
    }
  }
  fill(main, h('nav', { class: 'tabs', 'aria-label': 'Console' }, tabs),
    views.figures, views.stores, views.rewards, views.audit);
  fill(views.figures,
    h('h1', { id: 'figures-heading' }, 'Fleet figures'), updated,
    h('div', { class: 'ops' },
      healthPanel,
      reviewPanel,
      h('section', { class: 'card', 'aria-label': 'Requests per second' }, figures.rps),
      h('section', { class: 'card', 'aria-label': 'Latency' }, figures.latency),
      h('section', { class: 'card', 'aria-label': 'Error rate' }, figures.errors),
      h('section', { class: 'card', 'aria-label': 'Cache hit ratio' }, figures.cache, cachePanel),
      h('section', { class: 'card', 'aria-label': 'Business counters' }, figures.business),
      h('section', { class: 'card wide', 'aria-labelledby': 'routes-heading' }, h('h2', { id: 'routes-heading' }, 'Routes (last minute)'), routesPanel)));

  const draw = (metrics) => {
    const { t, values } = samplesOf(metrics);
    for (const [k, v] of Object.entries(values)) series.add(k, t, v);
    renderChart(figures.rps, { title: 'Requests per second', lines: [{ name: 'all routes', points: series.get('rps') }] });
    renderChart(figures.latency, { title: 'Latency (all routes)', unit: ' ms', lines: ['p50', 'p95', 'p99'].map((p) => ({ name: p, points: series.get(p) })) });
    renderChart(figures.errors, { title: 'Error rate', unit: ' %', lines: [{ name: '5xx', points: series.get('errorRate') }, { name: '4xx', points: series.get('clientErrorRate') }] });
    renderChart(figures.cache, { title: 'Cache hit ratio', unit: ' %', lines: [{ name: 'hits', points: series.get('hitRatio') }] });
    const counters = [...series.series.keys()].filter((k) => k.startsWith('counter:'));
    renderChart(figures.business, { title: 'Business (per minute)', lines: counters.map((k) => ({ name: k.slice(8), points: series.get(k) })) });
    fill(routesPanel, routesTable(metrics));
    fill(cachePanel, cacheSummary(metrics));
    updated.textContent = `Updated ${new Date(t).toLocaleTimeString('en')}; a point every 5 s, 1-minute windows.`;
    updated.dataset.samples = String(series.get('rps').length);
  };
  draw(first);
  show(new URLSearchParams(window.location.search).get('view') ?? 'figures');
  const review = createReviewQueue(reviewPanel, { client, onUnauthorized });
  review.reload();

  pollers.push(createPoller({
    intervalMs: 5000,
    fetchOnce: () => client.get('/metrics'),
    onData: (m) => {
      notify(notices, '');
      draw(m);
    },
    onState: (state, info) => {
      if (state === 'offline') notify(notices, `${describeError(info.error)} The charts resume when it answers.`, 'warn');
    },
  }));
  pollers.push(createPoller({
    intervalMs: 10000,
    fetchOnce: () => client.request('GET', '/health').then((r) => ({ body: r.body }), (error) => ({ body: error.status === 503 ? error.body : null, error })),
    onData: (result) => renderHealth(healthPanel, result),
  }));
  for (const p of pollers) p.start();
}

boot();
