/**
 * The shopper's game: rank on this week's board (GET /leaderboards/week/me) with the shoppers just above and below,
 * the privacy choice (PUT /users/me/preferences), badges earned and locked with their progress, and the weekly
 * visit streak (GET /users/me/badges). Each panel stays hidden where the API has no such routes.
 */
import { ApiError, describeError } from '../../api/client.js';
import { formatNumber, formatTime, h, fill } from '../../ui/dom.js';
import { showError, showLoading } from '../../ui/states.js';

/** One sentence for a standing. */
export function standingText(s) {
  if (!s || s.rank === null || s.rank === undefined) return 'Not on this week’s board yet: a receipt puts you on it.';
  return `#${formatNumber(s.rank)} this week with ${formatNumber(s.score)} XP`;
}

export function streakText(streak) {
  if (!streak || !streak.current) return `No visit streak right now${streak?.best ? ` (best: ${streak.best} weeks)` : ''}: a receipt this week starts one.`;
  return `${streak.current}-week visit streak${streak.best > streak.current ? ` (best: ${streak.best})` : ''}`;
}

function hideWhenMissing(panel, error) {
  if (error instanceof ApiError && error.isMissingRoute) {
    panel.hidden = true;
    return true;
  }
  return false;
}

export function createStanding(panel, { client, onUnauthorized }) {
  async function load() {
    fill(panel, h('h2', { id: 'rank-heading' }, 'This week’s board'));
    const status = h('div');
    panel.append(status);
    showLoading(status, 'Loading your rank…');
    try {
      const s = await client.get('/leaderboards/week/me');
      panel.hidden = false;
      status.removeAttribute('aria-busy');
      const neighbour = (label, e) => (e ? h('li', {}, `${label}: #${e.rank} ${e.name}, ${formatNumber(e.score)} XP`) : null);
      const visible = h('input', { type: 'checkbox', id: 'public-boards', checked: s.publicLeaderboards !== false });
      const saved = h('p', { class: 'hint', 'aria-live': 'polite' });
      visible.addEventListener('change', async () => {
        visible.disabled = true;
        try {
          await client.request('PUT', '/users/me/preferences', { body: { publicLeaderboards: visible.checked } });
          saved.textContent = visible.checked ? 'You are shown on the public boards.' : 'You are hidden from the public boards (your rank still counts here).';
        } catch (error) {
          visible.checked = !visible.checked;
          saved.textContent = describeError(error);
        } finally {
          visible.disabled = false;
        }
      });
      fill(status,
        h('p', { class: 'rank', id: 'my-rank' }, standingText(s)),
        h('ul', { class: 'plain hint' }, neighbour('Just above', s.above), neighbour('Just below', s.below)),
        h('div', { class: 'check' }, visible, h('label', { for: 'public-boards' }, 'Show me on the mall’s public boards')),
        saved);
    } catch (error) {
      if (!hideWhenMissing(panel, error)) {
        panel.hidden = false;
        showError(status, error, { retry: load, onUnauthorized });
      }
    }
  }
  return { load };
}

export function createBadges(panel, { client, onUnauthorized }) {
  async function load() {
    fill(panel, h('h2', { id: 'badges-heading' }, 'Badges'));
    const status = h('div');
    panel.append(status);
    showLoading(status, 'Loading your badges…');
    try {
      const book = await client.get('/users/me/badges');
      panel.hidden = false;
      status.removeAttribute('aria-busy');
      const earned = book.earned ?? [];
      const locked = book.locked ?? [];
      fill(status,
        h('p', { class: 'streak', id: 'streak' }, streakText(book.streak)),
        h('h3', {}, `Earned (${earned.length})`),
        earned.length
          ? h('ul', { class: 'plain badges earned', id: 'badges-earned' }, earned.map((b) => h('li', {}, h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, '★'),
            h('div', {}, h('div', { class: 'what' }, b.title), h('div', { class: 'when' }, `${b.description ?? ''} · ${formatTime(b.awardedAt)}`)))))
          : h('p', { class: 'state state-empty' }, 'No badges yet: your first receipt earns one.'),
        locked.length ? h('h3', {}, 'Still to unlock') : null,
        locked.length
          ? h('ul', { class: 'plain badges locked', id: 'badges-locked' }, locked.map((b) => {
            const percent = b.target ? Math.min(100, Math.round((b.progress / b.target) * 100)) : 0;
            const bar = h('span');
            bar.style.width = `${percent}%`;
            return h('li', {}, h('div', { class: 'what' }, b.title), h('div', { class: 'when' }, b.description ?? ''),
              h('div', { class: 'progress small', role: 'progressbar', 'aria-label': `${b.title}: ${b.progress} of ${b.target}`, 'aria-valuemin': '0', 'aria-valuemax': String(b.target), 'aria-valuenow': String(b.progress) }, bar),
              h('div', { class: 'when' }, `${formatNumber(b.progress)} of ${formatNumber(b.target)}`));
          }))
          : null);
    } catch (error) {
      if (!hideWhenMissing(panel, error)) {
        panel.hidden = false;
        showError(status, error, { retry: load, onUnauthorized });
      }
    }
  }
  return { load };
}
