/**
 * The render queue of effects waiting to start. Bounded: when a burst arrives, an effect that can join one
 * already waiting is coalesced into it (coin bursts add up), otherwise the OLDEST waiting effect is dropped, so
 * what plays is recent and the queue never grows past its capacity. Every effect offered is accounted for
 * exactly once: coalesced, dropped, expired or started (or still waiting).
 */

/**
 * The key under which two waiting effects may merge, or null when this effect never merges.
 * Coins merge with coins; promos of one store replace each other; level-ups and badges are a person's moment
 * and stay apart.
 */
export function coalesceKey(effect) {
  if (effect.type === 'coin_earned') return 'coin_earned';
  if (effect.type === 'store_promo') return `store_promo:${effect.data?.storeId ?? ''}`;
  return null;
}

/** Folds `incoming` into the waiting `into` (same coalesce key). */
export function merge(into, incoming) {
  into.count = (into.count ?? 1) + (incoming.count ?? 1);
  if (into.type === 'coin_earned') {
    const coins = (Number(into.data?.coins) || 0) + (Number(incoming.data?.coins) || 0);
    into.data = { ...into.data, coins };
  } else {
    into.data = incoming.data; // a newer promo of the same store replaces the older one
  }
  into.expiresAt = Math.max(into.expiresAt, incoming.expiresAt);
  return into;
}

export class RenderQueue {
  /** @param {{capacity?: number}} options */
  constructor({ capacity = 32 } = {}) {
    if (!(capacity >= 1)) throw new Error('capacity must be at least 1');
    this.capacity = capacity;
    /** @type {Array<{effectId: string, type: string, data: any, expiresAt: number, count?: number}>} */
    this.items = [];
    this.counts = { offered: 0, coalesced: 0, dropped: 0, expired: 0, started: 0 };
    this.maxDepth = 0;
  }

  get depth() {
    return this.items.length;
  }

  /** Adds an effect; returns 'queued' | 'coalesced' | 'dropped-oldest' | 'expired'. */
  offer(effect, now) {
    this.counts.offered++;
    if (effect.expiresAt <= now) {
      this.counts.expired++;
      return 'expired';
    }
    const key = coalesceKey(effect);
    if (key !== null) {
      const waiting = this.items.find((e) => coalesceKey(e) === key);
      if (waiting) {
        merge(waiting, effect);
        this.counts.coalesced++;
        return 'coalesced';
      }
    }
    let outcome = 'queued';
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.counts.dropped++;
      outcome = 'dropped-oldest';
    }
    this.items.push({ ...effect, count: effect.count ?? 1 });
    this.maxDepth = Math.max(this.maxDepth, this.items.length);
    return outcome;
  }

  /** Removes the waiting effects that expired before they could start. */
  expire(now) {
    const before = this.items.length;
    this.items = this.items.filter((e) => e.expiresAt > now);
    this.counts.expired += before - this.items.length;
  }

  /** Takes the oldest waiting effect that `allowed(effect)` lets start, or null. */
  take(allowed) {
    const i = this.items.findIndex(allowed);
    if (i < 0) return null;
    this.counts.started++;
    return this.items.splice(i, 1)[0];
  }

  clear() {
    this.counts.dropped += this.items.length;
    this.items = [];
  }
}
