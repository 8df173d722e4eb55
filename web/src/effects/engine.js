/**
 * The effects engine: turns effects from the API into canvas animations at a 60 fps target.
 *
 * Each frame, within a time budget (default 8 ms of the 16.7 ms a 60 Hz frame has):
 *   1. waiting effects that expired are dropped (an effect is gone when it expires, played or not);
 *   2. every playing animation is drawn, and ends at its duration or its effect's expiry, whichever is first;
 *   3. waiting effects start, oldest first, while half the budget is left, fewer than `maxActive` play and
 *      their type's throttle allows it.
 * A frame over budget lowers the quality (particle counts) of what starts next; quiet frames raise it again.
 * The waiting room is a bounded RenderQueue (coalesce, else drop the oldest), ids already seen are kept in a
 * bounded SeenEffects, frame timings in fixed rings: memory stays flat however long it runs.
 *
 * No DOM needed: give it a 2D context (or null to run without drawing), clocks and a frame scheduler.
 */
import { RENDERERS } from './animations.js';
import { RenderQueue } from './queue.js';
import { SeenEffects } from './seen.js';
import { TypeThrottle } from './throttle.js';

/** A fixed-size ring of numbers with mean and percentiles over what it holds. */
export class Ring {
  constructor(size) {
    this.values = new Float64Array(size);
    this.count = 0;
    this.next = 0;
  }

  push(v) {
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.values.length;
    this.count = Math.min(this.count + 1, this.values.length);
  }

  /** The newest `n` values (all when omitted), oldest first. */
  last(n = this.count) {
    const k = Math.min(n, this.count);
    const out = new Array(k);
    for (let i = 0; i < k; i++) out[i] = this.values[(this.next - k + i + this.values.length) % this.values.length];
    return out;
  }

  mean(n) {
    const v = this.last(n);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
  }

  percentile(q, n) {
    const v = this.last(n).sort((a, b) => a - b);
    return v.length ? v[Math.min(v.length - 1, Math.floor(q * v.length))] : 0;
  }
}

/** Epoch ms of an API timestamp (ISO string or number). */
export function epochMs(value) {
  return typeof value === 'number' ? value : Date.parse(value);
}

export class EffectsEngine {
  /**
   * @param {{
   *   ctx?: CanvasRenderingContext2D | null,
   *   size?: () => {width: number, height: number},
   *   now?: () => number, wallNow?: () => number,
   *   requestFrame?: (cb: (t: number) => void) => any, cancelFrame?: (id: any) => void,
   *   budgetMs?: number, queueCapacity?: number, maxActive?: number,
   *   renderers?: Record<string, Function>, throttle?: TypeThrottle, random?: () => number,
   *   background?: (ctx: CanvasRenderingContext2D, t: number, engine: EffectsEngine) => void,
   *   onStart?: (effect: any) => void,
   * }} options
   */
  constructor({
    ctx = null,
    size = () => ({ width: 800, height: 600 }),
    now = () => performance.now(),
    wallNow = () => Date.now(),
    requestFrame = (cb) => requestAnimationFrame(cb),
    cancelFrame = (id) => cancelAnimationFrame(id),
    budgetMs = 8,
    queueCapacity = 32,
    maxActive = 10,
    renderers = RENDERERS,
    throttle = new TypeThrottle(),
    random = Math.random,
    background = null,
    onStart = () => {},
  } = {}) {
    Object.assign(this, { ctx, size, now, wallNow, requestFrame, cancelFrame, budgetMs, maxActive, renderers, throttle, random, background, onStart });
    this.queue = new RenderQueue({ capacity: queueCapacity });
    this.seen = new SeenEffects();
    /** @type {Array<{effect: any, startedAt: number, endsAt: number, duration: number, draw: Function}>} */
    this.active = [];
    this.quality = 1;
    this.frames = 0;
    this.overBudgetFrames = 0;
    this.intervals = new Ring(600);
    this.work = new Ring(600);
    this.lastFrameAt = null;
    this.quietFrames = 0;
    this.playedByType = {};
    this.frameId = null;
    this.running = false;
  }

  /**
   * Takes effects as GET /effects lists them ({effectId, type, data, expiresAt, …}); each id is taken once.
   * Returns how many were new.
   */
  offer(effects) {
    const wall = this.wallNow();
    let fresh = 0;
    for (const e of effects) {
      if (!e || typeof e.effectId !== 'string' || typeof e.type !== 'string') continue;
      const expiresAt = epochMs(e.expiresAt);
      if (Number.isNaN(expiresAt) || !this.seen.firstTime(e.effectId, expiresAt)) continue;
      fresh++;
      this.queue.offer({ effectId: e.effectId, type: e.type, data: e.data ?? {}, expiresAt }, wall);
    }
    return fresh;
  }

  start() {
    if (this.running) return;
    this.running = true;
    const loop = (t) => {
      if (!this.running) return;
      this.frame(t);
      this.frameId = this.requestFrame(loop);
    };
    this.frameId = this.requestFrame(loop);
  }

  stop() {
    this.running = false;
    if (this.frameId !== null) this.cancelFrame(this.frameId);
    this.frameId = null;
  }

  /** One frame at frame time `t` (ms). */
  frame(t) {
    const began = this.now();
    const wall = this.wallNow();
    if (this.lastFrameAt !== null) this.intervals.push(t - this.lastFrameAt);
    this.lastFrameAt = t;
    this.frames++;
    if (this.frames % 120 === 0) this.seen.prune(wall);

    this.queue.expire(wall);
    const { width, height } = this.size();
    const ctx = this.ctx;
    if (ctx) {
      ctx.clearRect(0, 0, width, height);
      if (this.background) this.background(ctx, t, this);
    }

    // draw what plays; drop what ended or expired
    let kept = 0;
    for (const a of this.active) {
      if (t >= a.endsAt || wall >= a.effect.expiresAt) continue;
      if (ctx) a.draw(ctx, Math.min(1, (t - a.startedAt) / a.duration), this.quality);
      this.active[kept++] = a;
    }
    this.active.length = kept;

    // start waiting effects while half the budget is left
    while (this.active.length < this.maxActive && this.now() - began < this.budgetMs / 2) {
      const next = this.queue.take((e) => this.throttle.allows(e.type, t, this.playingOf(e.type)));
      if (!next) break;
      this.throttle.started(next.type, t);
      const render = this.renderers[next.type] ?? this.renderers.default;
      const animation = render(next, { width, height, quality: this.quality, random: this.random });
      const duration = Math.max(1, Math.min(animation.duration, next.expiresAt - wall));
      this.active.push({ effect: next, startedAt: t, endsAt: t + duration, duration, draw: animation.draw });
      this.playedByType[next.type] = (this.playedByType[next.type] ?? 0) + 1;
      this.onStart(next);
    }

    const spent = this.now() - began;
    this.work.push(spent);
    if (spent > this.budgetMs) {
      this.overBudgetFrames++;
      this.quality = Math.max(0.25, this.quality * 0.75);
      this.quietFrames = 0;
    } else if (spent < this.budgetMs / 2 && ++this.quietFrames >= 30) {
      this.quality = Math.min(1, this.quality + 0.05);
      this.quietFrames = 0;
    }
  }

  playingOf(type) {
    let n = 0;
    for (const a of this.active) if (a.effect.type === type) n++;
    return n;
  }

  /** Figures for the page, the tests and the operator: queue accounting, frame rate, work per frame. */
  stats() {
    const meanInterval = this.intervals.mean(120);
    return {
      queueDepth: this.queue.depth,
      queueCapacity: this.queue.capacity,
      maxQueueDepth: this.queue.maxDepth,
      ...this.queue.counts,
      playing: this.active.length,
      playedByType: { ...this.playedByType },
      seenIds: this.seen.size,
      frames: this.frames,
      fps: meanInterval > 0 ? 1000 / meanInterval : 0,
      frameIntervalP95Ms: this.intervals.percentile(0.95, 120),
      workP95Ms: this.work.percentile(0.95, 120),
      overBudgetFrames: this.overBudgetFrames,
      quality: this.quality,
    };
  }
}
