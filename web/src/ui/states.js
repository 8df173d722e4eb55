/**
 * The states every data panel goes through, rendered the same way everywhere:
 * loading (aria-busy), empty (what it means), error (what happened and what to do, a retry button),
 * 401 (sign in again), 429 (wait, counting down from Retry-After, then retry by itself).
 */
import { ApiError, describeError } from '../api/client.js';
import { fill, h } from './dom.js';

export function showLoading(panel, what = 'Loading…') {
  panel.setAttribute('aria-busy', 'true');
  fill(panel, h('p', { class: 'state state-loading', role: 'status' }, what));
}

export function showEmpty(panel, message) {
  panel.removeAttribute('aria-busy');
  fill(panel, h('p', { class: 'state state-empty' }, message));
}

export function doneLoading(panel) {
  panel.removeAttribute('aria-busy');
}

/**
 * Shows an error in a panel. `retry` is offered as a button; on 429/503 with Retry-After it runs by itself
 * once the wait is over, the seconds counting down on screen.
 * @returns {() => void} cancels a running countdown
 */
export function showError(panel, error, { retry, onUnauthorized } = {}) {
  panel.removeAttribute('aria-busy');
  const message = h('p', { class: 'state-message' }, describeError(error));
  const box = h('div', { class: 'state state-error', role: 'alert', dataset: { status: String(error?.status ?? ''), code: String(error?.code ?? '') } }, message);
  let timer = null;
  if (error instanceof ApiError && error.status === 401 && onUnauthorized) {
    box.append(h('button', { type: 'button', onclick: onUnauthorized }, 'Sign in again'));
  } else if (retry) {
    const button = h('button', { type: 'button', onclick: () => { cancel(); retry(); } }, 'Try again');
    box.append(button);
    if (error instanceof ApiError && error.retryAfter !== null && (error.status === 429 || error.status === 503)) {
      let left = error.retryAfter;
      button.disabled = true;
      const tick = () => {
        if (left <= 0) {
          cancel();
          retry();
          return;
        }
        button.textContent = `Try again in ${left} s`;
        left--;
        timer = setTimeout(tick, 1000);
      };
      tick();
    }
  }
  function cancel() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }
  fill(panel, box);
  return cancel;
}

/** A page-wide notice (role=status for news, role=alert for problems), replacing the previous one. */
export function notify(region, text, kind = 'info') {
  fill(region, text ? h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text) : null);
}
