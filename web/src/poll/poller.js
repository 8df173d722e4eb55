/**
 * Calls `fetchOnce` again and again: every `intervalMs` while it succeeds; after a failure with exponential
 * backoff and jitter up to `maxBackoffMs`, or exactly what Retry-After says (429, 503). Never throws, never
 * overlaps two calls, holds no history: a screen can run through an API outage for days.
 *
 * States reported through onState: 'online' after a success; 'offline' while failing ({error, retryInMs});
 * 'unauthorized' on a 401 (the poller stops: a new token is needed); 'stopped'.
 */
import { ApiError } from '../api/client.js';

/** Delay before attempt `failures` (1 = the first retry): base × 2^(n-1), capped, with ±20 % jitter. */
export function backoffDelay(failures, { baseMs = 1000, maxBackoffMs = 30000, random = Math.random } = {}) {
  const raw = Math.min(maxBackoffMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(raw * (0.8 + random() * 0.4));
}

/**
 * @param {{fetchOnce: () => Promise<any>, onData: (data: any) => void, onState?: (state: string, info?: any) => void,
 *          intervalMs: number, baseMs?: number, maxBackoffMs?: number,
 *          setTimer?: (fn: () => void, ms: number) => any, clearTimer?: (id: any) => void, random?: () => number}} options
 */
export function createPoller({ fetchOnce, onData, onState = () => {}, intervalMs, baseMs = 1000, maxBackoffMs = 30000,
  setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (id) => clearTimeout(id), random = Math.random }) {
  let timer = null;
  let running = false;
  let inFlight = false;
  let failures = 0;
  let state = null;

  const report = (next, info) => {
    if (next !== state || next === 'offline') onState(next, info);
    state = next;
  };

  async function tick() {
    timer = null;
    if (!running || inFlight) return;
    inFlight = true;
    let delay = intervalMs;
    try {
      const data = await fetchOnce();
      failures = 0;
      report('online');
      try {
        onData(data);
      } catch (e) {
        console.error('poll: handling the data failed', e);
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        running = false;
        report('unauthorized', { error });
        return;
      }
      failures++;
      const retryAfterMs = error instanceof ApiError && error.retryAfter !== null ? error.retryAfter * 1000 : null;
      delay = retryAfterMs ?? backoffDelay(failures, { baseMs, maxBackoffMs, random });
      report('offline', { error, retryInMs: delay, failures });
    } finally {
      inFlight = false;
    }
    if (running) timer = setTimer(tick, delay);
  }

  return {
    start() {
      if (running) return;
      running = true;
      timer = setTimer(tick, 0);
    },
    stop() {
      running = false;
      if (timer !== null) clearTimer(timer);
      timer = null;
      report('stopped');
    },
    /** Polls now (e.g. right after the user did something that makes an effect). */
    now() {
      if (!running) return;
      if (timer !== null) clearTimer(timer);
      timer = setTimer(tick, 0);
    },
    get failures() {
      return failures;
    },
  };
}
