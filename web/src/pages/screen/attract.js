/**
 * Drawn by the engine under the effects every frame: while the screen has nothing else to show (no effect
 * playing, no leaderboard), an attract loop of drifting coins and the call to action. The gradient behind it
 * is the page's CSS background (the canvas is transparent), so a frame never repaints it. Computed from the
 * frame time alone: no state, nothing allocated per frame.
 */
const TAU = Math.PI * 2;
const TAGLINES = ['Scan your receipt. Earn coins.', 'Climb the leaderboard this week.', 'Unlock badges in every store.'];

export function createBackground({ showAttract }) {
  return (ctx, t, engine) => {
    const { width, height } = engine.size();
    if (!showAttract() || engine.active.length > 0) return;
    const scale = Math.min(width, height);
    for (let i = 0; i < 14; i++) {
      const phase = (t / 9000 + i / 14) % 1;
      const x = width * ((i * 0.37 + Math.sin(t / 4000 + i) * 0.05 + 1) % 1);
      const y = height * (1.1 - phase * 1.2);
      const r = scale * (0.012 + (i % 4) * 0.004);
      ctx.globalAlpha = 0.35 + 0.4 * Math.sin(phase * Math.PI);
      ctx.fillStyle = '#f5b301';
      ctx.beginPath();
      ctx.ellipse(x, y, r * Math.abs(Math.cos(t / 700 + i)) + 1, r, 0, 0, TAU);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    const line = TAGLINES[Math.floor(t / 6000) % TAGLINES.length];
    const fade = Math.min(1, Math.sin(((t % 6000) / 6000) * Math.PI) * 3);
    ctx.globalAlpha = Math.max(0, fade);
    ctx.font = `800 ${Math.round(scale * 0.075)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#ffffff';
    ctx.fillText(line, width / 2, height * 0.5);
    ctx.font = `500 ${Math.round(scale * 0.035)}px system-ui, sans-serif`;
    ctx.fillStyle = '#ffd54a';
    ctx.fillText('Open MallQuest on your phone to join', width / 2, height * 0.5 + scale * 0.09);
    ctx.globalAlpha = 1;
  };
}
