/** GET /health as the operator reads it: the state and, when not healthy, the reasons in words. */
import { ApiError } from '../../api/client.js';
import { h, fill } from '../../ui/dom.js';

/** Reasons for a health body's state, one line per service that is not up. */
export function healthReasons(body) {
  const reasons = [];
  for (const [name, s] of Object.entries(body?.services ?? {})) {
    if (!s || s.status === 'up') continue;
    if (name === 'cache' && s.mode === 'memory-fallback') reasons.push('Cache: Redis is unreachable; each container serves from its own memory (slower, per-container rate limits).');
    else if (name === 'database' && s.status === 'down') reasons.push('Database: DynamoDB does not answer; receipts and balances cannot be read or written.');
    else reasons.push(`${name}: ${s.status}${s.mode ? ` (${s.mode})` : ''}`);
  }
  if (body?.services?.cache?.mode === 'memory' && body?.services?.cache?.status === 'up') reasons.push('Cache: no Redis configured; every container has its own in-memory cache.');
  return reasons;
}

export function renderHealth(panel, result) {
  const { body, error } = result;
  const status = body?.status ?? (error instanceof ApiError && error.status === 0 ? 'unreachable' : 'unknown');
  const reasons = error && !body ? ['The API does not answer GET /health: check the API and the network.'] : healthReasons(body);
  const services = Object.entries(body?.services ?? {}).map(([name, s]) => h('li', {}, `${name}: ${s.status}${s.mode ? ` (${s.mode})` : ''}, ${s.latencyMs} ms`));
  fill(panel,
    h('h2', { id: 'health-heading' }, 'Health'),
    h('p', { class: `health-status ${status}`, id: 'health-status' }, status),
    reasons.length ? h('ul', { class: 'reasons', 'aria-label': 'Reasons' }, reasons.map((r) => h('li', {}, r))) : h('p', { class: 'hint' }, 'Every dependency is up.'),
    services.length ? h('ul', { class: 'hint' }, services) : null);
}
