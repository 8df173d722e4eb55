/**
 * Effect ids already taken in, so an effect listed by several polls plays once. Bounded twice: an id is
 * forgotten once its effect has expired (it cannot be listed again), and never more than `capacity` are kept
 * (the oldest go first), so a screen running for days holds a constant amount.
 */
export class SeenEffects {
  constructor({ capacity = 2048 } = {}) {
    this.capacity = capacity;
    /** @type {Map<string, number>} id → expiresAt (insertion order = oldest first) */
    this.ids = new Map();
  }

  get size() {
    return this.ids.size;
  }

  /** True the first time an id is seen (and remembers it). */
  firstTime(id, expiresAt) {
    if (this.ids.has(id)) return false;
    this.ids.set(id, expiresAt);
    while (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value);
    return true;
  }

  /** Forgets ids whose effects have expired. */
  prune(now) {
    for (const [id, expiresAt] of this.ids) if (expiresAt <= now) this.ids.delete(id);
  }
}
