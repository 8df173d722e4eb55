/**
 * Per-type throttling of what starts on screen: a minimum gap between two starts of one type and a maximum
 * of that type playing at once. A level-up every 1.2 s at most, one at a time; coin bursts much more often.
 */

export const DEFAULT_LIMITS = Object.freeze({
  coin_earned: { minGapMs: 150, maxActive: 6 },
  level_up: { minGapMs: 1200, maxActive: 1 },
  badge_unlocked: { minGapMs: 1200, maxActive: 1 },
  store_promo: { minGapMs: 4000, maxActive: 1 },
  reward_redeemed: { minGapMs: 600, maxActive: 2 },
  coupon_used: { minGapMs: 600, maxActive: 2 },
  default: { minGapMs: 500, maxActive: 2 },
});

export class TypeThrottle {
  constructor(limits = DEFAULT_LIMITS) {
    this.limits = limits;
    /** @type {Map<string, number>} */
    this.lastStart = new Map();
  }

  limitOf(type) {
    return this.limits[type] ?? this.limits.default;
  }

  /** May an effect of `type` start at `now`, with `playing` of that type on screen? */
  allows(type, now, playing) {
    const limit = this.limitOf(type);
    const last = this.lastStart.get(type);
    return playing < limit.maxActive && (last === undefined || now - last >= limit.minGapMs);
  }

  started(type, now) {
    this.lastStart.set(type, now);
  }
}
