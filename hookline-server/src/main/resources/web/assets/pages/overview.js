// Overview: what an operator checks first. Everything comes from GET /v1/stats.
import { get, query, enc } from '../api.js';
import { h, ago, percent, ms, table, statusBadge, emptyState } from '../ui.js';

const PERIODS = [['hour', 'Last hour'], ['day', 'Last day'], ['week', 'Last week']];

/** How often the overview fetches its numbers again while it is the page shown. */
const REFRESH_MS = 30000;

export async function overviewPage({ params }) {
  const period = PERIODS.some(([p]) => p === params.get('period')) ? params.get('period') : 'day';
  const stats = await get('/v1/stats' + query({ period }));
  const shownAt = location.hash;
  setTimeout(() => {
    // still on this page, in a visible tab: draw it again; otherwise this timer simply ends
    if (location.hash === shownAt && document.visibilityState === 'visible') window.dispatchEvent(new HashChangeEvent('hashchange'));
  }, REFRESH_MS);
  // the troubled endpoints' apps by name (at most 20 endpoints are listed, so a handful of reads)
  const appNames = new Map(await Promise.all([...new Set(stats.endpoints.troubled.map((t) => t.app_id))].map(async (id) =>
    [id, await get(`/v1/apps/${enc(id)}`).then((app) => app.name, () => id)])));
  const a = stats.attempts;
  const q = stats.queue;
  const e = stats.endpoints;
  return h('section', { class: 'page overview' },
    h('header', { class: 'page-head' },
      h('h1', {}, 'Overview'),
      h('div', { class: 'tabs', role: 'tablist' }, PERIODS.map(([p, label]) =>
        h('a', { href: '#/?period=' + p, role: 'tab', class: p === period ? 'active' : null, 'aria-selected': String(p === period) }, label)))),
    h('div', { class: 'cards' },
      card('Attempts', (a.succeeded + a.failed).toLocaleString(), `${a.failed.toLocaleString()} failed · ${a.succeeded.toLocaleString()} succeeded`, 'attempts'),
      card('Success rate', percent(a.success_rate), 'of attempts in the period', 'success-rate', a.success_rate !== null && a.success_rate < 0.95 ? 'bad' : null),
      card('Latency (median)', ms(stats.latency_ms.p50), `p95 ${ms(stats.latency_ms.p95)} · p99 ${ms(stats.latency_ms.p99)}`, 'latency'),
      card('Queue', `${q.due.toLocaleString()} due`, `${q.pending.toLocaleString()} pending · ${q.in_flight.toLocaleString()} in flight · oldest due ${q.oldest_due_at ? ago(q.oldest_due_at) : '—'}`, 'queue', q.due > 1000 ? 'warn' : null),
      card('Endpoints', e.total.toLocaleString(), `${e.circuit_open} circuit open · ${e.disabled} disabled`, 'endpoints', e.circuit_open + e.disabled > 0 ? 'warn' : null)),
    h('div', { class: 'card' },
      h('h2', {}, 'Attempts over time'),
      chart(stats.series, stats.bucket_seconds),
      h('p', { class: 'legend' }, h('span', { class: 'swatch ok' }), 'succeeded ', h('span', { class: 'swatch bad' }), 'failed')),
    h('div', { class: 'card' },
      h('h2', {}, 'Endpoints that need attention'),
      e.troubled.length === 0
        ? emptyState('No endpoint is disabled, failing or has its circuit open.')
        : table([
          ['Endpoint', (t) => h('a', { href: `#/apps/${enc(t.app_id)}/endpoints/${enc(t.id)}` }, t.url)],
          ['App', (t) => h('a', { href: `#/apps/${enc(t.app_id)}` }, appNames.get(t.app_id))],
          ['State', (t) => t.enabled ? statusBadge(t.circuit_open_until ? 'open' : 'failing') : statusBadge('disabled')],
          ['Failures in a row', (t) => String(t.consecutive_failures)],
          ['Failing since', (t) => ago(t.failing_since)],
          ['Reason', (t) => t.disabled_reason || ''],
        ], e.troubled, { class: 'troubled' })));
}

function card(title, value, detail, name, tone) {
  return h('div', { class: `card stat ${tone || ''}`, dataset: { stat: name } },
    h('div', { class: 'stat-title' }, title), h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-detail' }, detail));
}

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  children.forEach((c) => el.append(c));
  return el;
}

/** The axis's top: the next 1, 2 or 5 × a power of ten, so its labels are round numbers. */
function roundUp(n) {
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= n);
}

/** Stacked bars (succeeded below, failed above), one per bucket, drawn as plain SVG. */
function chart(series, bucketSeconds) {
  const width = 900, height = 220, left = 44, bottom = 24, top = 8;
  const max = roundUp(Math.max(1, ...series.map((b) => b.succeeded + b.failed)));
  const scale = (height - bottom - top) / max;
  const slot = (width - left) / series.length;
  const bar = Math.max(1, slot * 0.8);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img',
    'aria-label': `attempts per ${bucketSeconds / 60} minutes` });
  for (const frac of [0, 0.5, 1]) {
    const y = height - bottom - frac * max * scale;
    svg.append(s('line', { x1: left, x2: width, y1: y, y2: y, class: 'grid' }),
      s('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, (frac * max).toLocaleString()));
  }
  series.forEach((b, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    const okH = b.succeeded * scale, badH = b.failed * scale;
    const title = s('title', {}, `${new Date(b.start).toLocaleString()}: ${b.succeeded} succeeded, ${b.failed} failed`);
    const g = s('g', { class: 'bucket' }, title);
    if (okH > 0) g.append(s('rect', { x, y: height - bottom - okH, width: bar, height: okH, class: 'ok' }));
    if (badH > 0) g.append(s('rect', { x, y: height - bottom - okH - badH, width: bar, height: badH, class: 'bad' }));
    svg.append(g);
  });
  const label = (iso) => {
    const d = new Date(iso);
    return bucketSeconds >= 3600 ? d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  };
  svg.append(s('text', { x: left, y: height - 6, class: 'axis' }, label(series[0].start)),
    s('text', { x: width, y: height - 6, 'text-anchor': 'end', class: 'axis' }, 'now'));
  return svg;
}
