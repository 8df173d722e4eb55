/**
 * The week's leaderboard on the screen (GET /leaderboards/week?limit=10, public), refreshed every 30 s.
 * Where the API has no leaderboard route (404 from API Gateway: not deployed) the board stays hidden and the
 * attract loop plays; it asks again every 5 minutes.
 */
import { formatNumber, h, fill } from '../../ui/dom.js';
import { createPoller } from '../../poll/poller.js';

/** The rows of a leaderboard answer, whatever the exact member names. */
export function boardRows(body) {
  const rows = body?.entries ?? body?.leaders ?? body?.top ?? body?.ranking ?? [];
  return (Array.isArray(rows) ? rows : []).map((r, i) => ({
    rank: r.rank ?? i + 1,
    name: r.displayName ?? r.name ?? r.maskedUserId ?? r.user ?? r.userId ?? '—',
    score: Number(r.score ?? r.xp ?? 0),
  }));
}

export function createLeaderboard(panel, { client, store, onAvailability = () => {}, intervalMs = 30000 }) {
  let available = false;
  let retryMissingAt = 0;

  const render = (body) => {
    const rows = boardRows(body);
    fill(panel, h('h2', { id: 'board-heading' }, 'This week’s leaders'),
      rows.length
        ? h('ol', { 'aria-labelledby': 'board-heading' }, rows.slice(0, 10).map((r) => h('li', {},
          h('span', { class: 'rank' }, `#${r.rank}`), h('span', { class: 'name' }, r.name), h('span', { class: 'score' }, `${formatNumber(r.score)} XP`))))
        : h('p', {}, 'Nobody on the board yet this week: be the first!'));
  };

  const setAvailable = (yes) => {
    if (yes !== available) onAvailability(yes);
    available = yes;
    panel.hidden = !yes;
  };

  const poller = createPoller({
    intervalMs,
    maxBackoffMs: 300000,
    fetchOnce: async () => {
      if (Date.now() < retryMissingAt) return null;
      try {
        return await client.get('/leaderboards/week', { query: { limit: 10, store } });
      } catch (error) {
        if (error.isMissingRoute) {
          retryMissingAt = Date.now() + 300000;
          return null;
        }
        throw error;
      }
    },
    onData: (body) => {
      if (body === null) {
        if (Date.now() < retryMissingAt) setAvailable(false);
        return;
      }
      render(body);
      setAvailable(true);
    },
  });
  panel.hidden = true;
  poller.start();
  return { get available() { return available; }, stop: () => poller.stop() };
}
