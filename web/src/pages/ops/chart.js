/**
 * A small line chart in SVG: lines over time with a y axis from 0 to the largest value, the newest value of
 * each line in the caption. Each figure carries a text summary for screen readers.
 */
const NS = 'http://www.w3.org/2000/svg';
export const PALETTE = ['#3a2fd1', '#c2185b', '#00796b', '#e65100', '#5d4037', '#1565c0'];

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** A round upper bound for the y axis (1, 2, 5 × 10^n). */
export function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

const fmt = (v, unit) => (v === null || v === undefined ? '—' : `${Number(v).toLocaleString('en', { maximumFractionDigits: v < 10 ? 2 : 0 })}${unit}`);

/**
 * @param {HTMLElement} figure  a <figure class="chart"> to fill
 * @param {{title: string, unit?: string, lines: Array<{name: string, points: Array<[number, number]>}>, spanMs?: number}} spec
 */
export function renderChart(figure, { title, unit = '', lines, spanMs = 15 * 60 * 1000 }) {
  const W = 600;
  const H = 160;
  const pad = { l: 44, r: 8, t: 8, b: 18 };
  const all = lines.flatMap((l) => l.points);
  const tMax = all.length ? Math.max(...all.map((p) => p[0])) : Date.now();
  const tMin = Math.min(tMax - 60000, all.length ? Math.min(...all.map((p) => p[0])) : tMax - spanMs);
  const yMax = niceMax(all.length ? Math.max(...all.map((p) => p[1])) : 0);
  const x = (t) => pad.l + ((t - tMin) / Math.max(1, tMax - tMin)) * (W - pad.l - pad.r);
  const y = (v) => H - pad.b - (v / yMax) * (H - pad.t - pad.b);

  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-hidden': 'true' });
  for (const frac of [0, 0.5, 1]) {
    const yy = y(yMax * frac);
    root.append(svg('line', { x1: pad.l, x2: W - pad.r, y1: yy, y2: yy, stroke: '#d5d8e6', 'stroke-width': 1 }));
    const label = svg('text', { x: pad.l - 6, y: yy + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#4a5068' });
    label.textContent = fmt(yMax * frac, '');
    root.append(label);
  }
  lines.forEach((line, i) => {
    if (!line.points.length) return;
    const d = line.points.map((p, k) => `${k ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
    root.append(svg('path', { d, fill: 'none', stroke: PALETTE[i % PALETTE.length], 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke', class: 'series', 'data-points': line.points.length }));
  });

  const latest = lines.map((l) => `${l.name} ${fmt(l.points.at(-1)?.[1], unit)}`).join(', ');
  const caption = document.createElement('figcaption');
  const name = document.createElement('span');
  name.textContent = title;
  const now = document.createElement('span');
  now.className = 'latest';
  now.textContent = latest;
  caption.append(name, now);
  const legend = document.createElement('div');
  legend.className = 'legend';
  lines.forEach((l, i) => {
    const item = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = PALETTE[i % PALETTE.length];
    item.append(swatch, l.name);
    legend.append(item);
  });
  const summary = document.createElement('p');
  summary.className = 'visually-hidden';
  summary.textContent = `${title}: ${all.length ? `latest ${latest}, over ${Math.round((tMax - tMin) / 60000)} minutes` : 'no data yet'}.`;
  figure.replaceChildren(caption, root, legend, summary);
  figure.dataset.points = String(all.length);
}
