/**
 * Time series kept by the dashboard between polls: a fixed number of points per series (the oldest go), so an
 * operator's tab left open for a day holds the same memory as after a minute.
 */
export class SeriesSet {
  constructor({ capacity = 360 } = {}) {
    this.capacity = capacity;
    /** @type {Map<string, Array<[number, number]>>} */
    this.series = new Map();
  }

  /** Adds a point (epoch ms, value); a value that is not a finite number is skipped. */
  add(name, t, value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    let points = this.series.get(name);
    if (!points) this.series.set(name, (points = []));
    if (points.length && points[points.length - 1][0] === t) points[points.length - 1] = [t, value];
    else points.push([t, value]);
    if (points.length > this.capacity) points.splice(0, points.length - this.capacity);
  }

  get(name) {
    return this.series.get(name) ?? [];
  }

  latest(name) {
    const p = this.get(name);
    return p.length ? p[p.length - 1][1] : null;
  }
}

/** The figures one GET /metrics body adds to the dashboard's series (1-minute window). */
export function samplesOf(metrics) {
  const t = Date.parse(metrics.generatedAt) || Date.now();
  const sys = metrics.system?.['1m'] ?? {};
  const out = {
    t,
    values: {
      rps: sys.requestsPerSecond,
      errorRate: typeof sys.errorRate === 'number' ? sys.errorRate * 100 : undefined,
      clientErrorRate: typeof sys.clientErrorRate === 'number' ? sys.clientErrorRate * 100 : undefined,
      p50: sys.p50Ms,
      p95: sys.p95Ms,
      p99: sys.p99Ms,
    },
  };
  const hr = metrics.cache?.hitRatio?.['1m'];
  if (hr && typeof hr.hitRatio === 'number') out.values.hitRatio = hr.hitRatio * 100;
  for (const [name, windows] of Object.entries(metrics.business?.counters ?? {})) {
    if (typeof windows?.['1m'] === 'number') out.values[`counter:${name}`] = windows['1m'];
  }
  for (const [route, windows] of Object.entries(metrics.routes ?? {})) {
    const w = windows?.['1m'];
    if (w) out.values[`route:${route}:p95`] = w.p95Ms;
  }
  return out;
}
