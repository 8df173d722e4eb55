/**
 * How each effect type looks: a renderer turns an effect into an animation with a duration and a draw(ctx,
 * progress) function. Particles are allocated once per animation (typed arrays), nothing per frame.
 * `quality` (0.25..1) falls when frames run over budget: at creation it sets how many particles an animation has;
 * at each draw (the engine passes its current quality) it thins what is drawn: fewer coins, no coin rims, no text
 * outlines (outlined text is the costliest thing on a software-rendered canvas).
 */

const TAU = Math.PI * 2;
const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
const easeOut = (p) => 1 - (1 - p) ** 3;

/** Centred bold text; outlined (costly: only where it is drawn over other animations) unless `outline` is false. */
function label(ctx, text, x, y, size, color, alpha = 1, outline = true, quality = 1) {
  ctx.globalAlpha = clamp(alpha, 0, 1);
  ctx.font = `700 ${Math.round(size)}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  if (outline && quality > 0.6) {
    ctx.lineWidth = Math.max(2, size / 10);
    ctx.strokeStyle = 'rgba(0,0,0,0.55)';
    ctx.strokeText(text, x, y);
  }
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
  ctx.globalAlpha = 1;
}

/** A burst of spinning coins falling under gravity, with "+N coins". Coalesced bursts get more coins. */
function coinBurst(effect, { width, height, quality, random }) {
  const coins = Math.max(1, Number(effect.data?.coins) || 10);
  const n = Math.round(clamp(8 + Math.sqrt(coins) * 3 + (effect.count - 1) * 2, 8, 90) * quality);
  const px = new Float32Array(n * 5); // vx, vy, spin, size, delay
  for (let i = 0; i < n; i++) {
    const a = random() * TAU;
    const speed = 0.25 + random() * 0.55;
    px[i * 5] = Math.cos(a) * speed;
    px[i * 5 + 1] = Math.sin(a) * speed - 0.55;
    px[i * 5 + 2] = random() * TAU;
    px[i * 5 + 3] = 0.6 + random() * 0.6;
    px[i * 5 + 4] = random() * 0.15;
  }
  const ox = width * (0.3 + random() * 0.4);
  const oy = height * (0.35 + random() * 0.25);
  const scale = Math.min(width, height);
  const text = `+${coins} coins${effect.count > 1 ? ` (${effect.count} receipts)` : ''}`;
  return {
    duration: 2200,
    draw(ctx, p, q = 1) {
      const shown = Math.max(4, Math.round(n * q));
      for (let i = 0; i < shown; i++) {
        const t = clamp((p - px[i * 5 + 4]) / (1 - px[i * 5 + 4]), 0, 1);
        if (t <= 0) continue;
        const x = ox + px[i * 5] * t * scale * 0.6;
        const y = oy + (px[i * 5 + 1] * t + 0.9 * t * t) * scale * 0.45;
        const r = scale * 0.018 * px[i * 5 + 3];
        const squash = Math.abs(Math.cos(px[i * 5 + 2] + t * 12));
        ctx.globalAlpha = 1 - t * t;
        ctx.fillStyle = '#f5b301';
        ctx.beginPath();
        ctx.ellipse(x, y, Math.max(1, r * squash), r, 0, 0, TAU);
        ctx.fill();
        if (q === 1) { // the rim is the first thing to go when frames run over budget
          ctx.strokeStyle = '#a86f00';
          ctx.lineWidth = Math.max(1, r * 0.18);
          ctx.stroke();
        }
      }
      ctx.globalAlpha = 1;
      label(ctx, text, ox, oy - scale * 0.08 - easeOut(p) * scale * 0.12, scale * 0.055, '#ffe27a', 1 - p * p, true, q);
    },
  };
}

/** Rings widening from the centre and the new level. */
function levelUp(effect, { width, height }) {
  const level = effect.data?.level ?? '';
  const scale = Math.min(width, height);
  return {
    duration: 3000,
    draw(ctx, p, q = 1) {
      for (let k = 0; k < (q > 0.6 ? 3 : 1); k++) {
        const q = clamp(p * 1.3 - k * 0.15, 0, 1);
        if (q <= 0) continue;
        ctx.globalAlpha = 1 - q;
        ctx.strokeStyle = k % 2 ? '#7cc4ff' : '#c08bff';
        ctx.lineWidth = scale * 0.02 * (1 - q) + 1;
        ctx.beginPath();
        ctx.arc(width / 2, height / 2, easeOut(q) * scale * 0.45, 0, TAU);
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
      const grow = easeOut(clamp(p * 3, 0, 1));
      label(ctx, `Level ${level}!`, width / 2, height / 2, scale * 0.11 * grow + 1, '#ffffff', p < 0.8 ? 1 : (1 - p) * 5, true, q);
      if (effect.count > 1) label(ctx, `${effect.count} shoppers levelled up`, width / 2, height / 2 + scale * 0.1, scale * 0.04, '#dfe8ff', 1 - p, true, q);
    },
  };
}

function star(ctx, x, y, r, rotation) {
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const rr = i % 2 ? r * 0.45 : r;
    const a = rotation + (i * TAU) / 10 - Math.PI / 2;
    ctx.lineTo(x + Math.cos(a) * rr, y + Math.sin(a) * rr);
  }
  ctx.closePath();
}

/** A star that spins in and the badge's name. */
function badgeUnlocked(effect, { width, height }) {
  const name = effect.data?.name ?? effect.data?.title ?? effect.data?.badge ?? effect.data?.code ?? 'New badge';
  const scale = Math.min(width, height);
  return {
    duration: 3000,
    draw(ctx, p, q = 1) {
      const grow = easeOut(clamp(p * 2.5, 0, 1));
      const fade = p < 0.8 ? 1 : (1 - p) * 5;
      ctx.globalAlpha = fade;
      ctx.fillStyle = '#ffd54a';
      star(ctx, width / 2, height * 0.42, scale * 0.16 * grow, (1 - grow) * 3);
      ctx.fill();
      ctx.strokeStyle = '#8a5a00';
      ctx.lineWidth = Math.max(2, scale * 0.008);
      ctx.stroke();
      ctx.globalAlpha = 1;
      label(ctx, 'Badge unlocked', width / 2, height * 0.64, scale * 0.045, '#ffffff', fade, true, q);
      label(ctx, String(name), width / 2, height * 0.72, scale * 0.06, '#ffe9a8', fade, true, q);
    },
  };
}

/** A banner sliding up with a store's promotion. */
function storePromo(effect, { width, height }) {
  const title = String(effect.data?.title ?? effect.data?.storeName ?? effect.data?.storeId ?? 'Today in the mall');
  const text = String(effect.data?.text ?? effect.data?.message ?? '');
  const scale = Math.min(width, height);
  return {
    duration: 6000,
    draw(ctx, p) {
      const slide = p < 0.1 ? easeOut(p / 0.1) : p > 0.9 ? easeOut((1 - p) / 0.1) : 1;
      const h = scale * 0.22;
      const y = height - h * slide;
      ctx.fillStyle = 'rgba(12, 20, 48, 0.92)';
      ctx.fillRect(0, y, width, h);
      ctx.fillStyle = '#ff5c8a';
      ctx.fillRect(0, y, width, Math.max(3, h * 0.04));
      label(ctx, title, width / 2, y + h * 0.38, scale * 0.06, '#ffffff', 1, false); // on its own banner
      if (text) label(ctx, text, width / 2, y + h * 0.72, scale * 0.04, '#ffd1df', 1, false);
    },
  };
}

/** Any other type (reward_redeemed, coupon_used, …): a sparkle and its name. */
function generic(effect, { width, height, random }) {
  const scale = Math.min(width, height);
  const x = width * (0.25 + random() * 0.5);
  const y = height * (0.3 + random() * 0.4);
  const title = String(effect.data?.title ?? effect.type.replace(/_/g, ' '));
  return {
    duration: 2000,
    draw(ctx, p, q = 1) {
      ctx.globalAlpha = 1 - p;
      ctx.fillStyle = '#9ef0c9';
      star(ctx, x, y, scale * 0.06 * easeOut(clamp(p * 3, 0, 1)), p * 4);
      ctx.fill();
      ctx.globalAlpha = 1;
      label(ctx, title, x, y + scale * 0.09, scale * 0.04, '#e8fff4', 1 - p, true, q);
    },
  };
}

/** type → renderer(effect, {width, height, quality, random}) → {duration, draw(ctx, progress, quality)} */
export const RENDERERS = Object.freeze({
  coin_earned: coinBurst,
  level_up: levelUp,
  badge_unlocked: badgeUnlocked,
  store_promo: storePromo,
  default: generic,
});
