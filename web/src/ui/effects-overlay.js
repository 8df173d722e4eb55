/**
 * A page's own effects: a transparent canvas over the page, the effects engine drawing on it, a poller on
 * GET /effects (the signed-in user's, or a channel's), and a live region announcing what starts, so the coins
 * are not only seen. Polls only while the tab is visible.
 */
import { EffectsEngine } from '../effects/engine.js';
import { createPoller } from '../poll/poller.js';

export function describeEffect(effect) {
  const d = effect.data ?? {};
  switch (effect.type) {
    case 'coin_earned': return `+${d.coins ?? '?'} coins${d.xp ? `, +${d.xp} XP` : ''}`;
    case 'level_up': return `Level up! You reached level ${d.level ?? '?'}`;
    case 'badge_unlocked': return `Badge unlocked: ${d.name ?? d.title ?? d.badge ?? d.code ?? 'a new badge'}`;
    case 'reward_redeemed': return `Redeemed: ${d.title ?? d.rewardId ?? 'a reward'}`;
    case 'coupon_used': return `Coupon used: ${d.title ?? d.rewardId ?? 'a reward'}`;
    case 'store_promo': return `${d.title ?? d.storeId ?? 'Store'}: ${d.text ?? d.message ?? 'a promotion'}`;
    default: return String(effect.type).replace(/_/g, ' ');
  }
}

/**
 * @param {{canvas: HTMLCanvasElement, announcer?: HTMLElement, client: any, query?: object, intervalMs?: number,
 *          background?: Function, queueCapacity?: number, onState?: Function}} options
 */
export function mountEffects({ canvas, announcer, client, query = {}, intervalMs = 2000, background = null, queueCapacity = 32, onState = () => {} }) {
  const ctx = canvas.getContext('2d');
  let size = { width: 0, height: 0 };
  const resize = () => {
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const r = canvas.getBoundingClientRect();
    size = { width: r.width, height: r.height };
    canvas.width = Math.max(1, Math.round(r.width * dpr));
    canvas.height = Math.max(1, Math.round(r.height * dpr));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  };
  resize();
  window.addEventListener('resize', resize);

  // what started in the last few seconds, read out together (a coin burst and the level-up it caused)
  let said = [];
  const engine = new EffectsEngine({
    ctx, size: () => size, wallNow: () => client.serverNow(), background, queueCapacity,
    onStart: (effect) => {
      if (!announcer) return;
      const now = Date.now();
      said = [...said.filter((s) => now - s.at < 4000), { text: describeEffect(effect), at: now }].slice(-3);
      announcer.textContent = said.map((s) => s.text).join('. ');
    },
  });
  const poller = createPoller({
    intervalMs,
    fetchOnce: () => client.get('/effects', { query }),
    onData: (body) => engine.offer(Array.isArray(body?.effects) ? [...body.effects].reverse() : []), // oldest first
    onState,
  });
  const onVisibility = () => (document.hidden ? poller.stop() : poller.start());
  document.addEventListener('visibilitychange', onVisibility);
  engine.start();
  if (!document.hidden) poller.start();
  return {
    engine,
    poller,
    pollNow: () => poller.now(),
    destroy() {
      poller.stop();
      engine.stop();
      window.removeEventListener('resize', resize);
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
