// The live launch screen. Stats arrive once a second over SSE; the page stores them and draws in
// the next animation frame, so however slowly a frame paints, events never queue up behind it.
import { get, noteServerTimeIso } from './api.js';
import { lang, localName, t } from './i18n.js';
import { count, countdown, h, yuanLarge } from './format.js';
import { errorBox, initPage, param } from './ui.js';
import { curvesFor, referenceAt } from './reference-curves.js';
import { LIVE_STRINGS } from './live-strings.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, LIVE_STRINGS);

const launchId = param('launch') || 'yu7-demo';
const SAMPLES_MAX = 1200; // chart points kept; older ones are thinned, never unbounded
const RATE_WINDOW = 5; // orders per second over the last five events
const TWEEN_MS = 900;
const CITIES_SHOWN = 8;
// The chart is drawn in the pixels it occupies, so its labels stay legible on a phone.
let W = 800;
let H = 320;
const PAD = { l: 64, r: 16, t: 16, b: 36 };

let launch = null;
let failure = null;
let latest = null;
let samples = []; // {s: seconds since opening, firm, total}
let peakRate = 0;
let conn = 'connecting';
let logScale = false;
let framePending = false;
const tween = { from: 0, to: 0, start: 0 };

// Firm orders are deposits paid and not cancelled: still firm plus already locked, the way the
// carmaker reported its launch-night counts.
const firmOf = (o) => (o.firm ?? 0) + (o.locked ?? 0);
const elapsedS = (iso) => (Date.parse(iso) - Date.parse(launch.opens_at)) / 1000;

function onStats(stats) {
  latest = stats;
  // The time of the newest figures, readable by people checking the screen is current.
  document.getElementById('main').dataset.asOf = stats.as_of;
  const s = elapsedS(stats.as_of);
  samples.push({ s, firm: firmOf(stats.orders), total: stats.orders.total });
  if (samples.length > SAMPLES_MAX)
    samples = samples.filter((_, i) => i % 2 === 0 || i === samples.length - 1);
  const target = firmOf(stats.orders);
  tween.from = shownCount();
  tween.to = target;
  tween.start = performance.now();
  const r = rate();
  if (r > peakRate) peakRate = r;
  schedule();
}

function shownCount() {
  const p = Math.min(1, (performance.now() - tween.start) / TWEEN_MS);
  return tween.from + (tween.to - tween.from) * (1 - (1 - p) ** 3);
}

function rate() {
  if (samples.length < 2) return 0;
  const a = samples[Math.max(0, samples.length - 1 - RATE_WINDOW)];
  const b = samples[samples.length - 1];
  return b.s > a.s ? Math.max(0, (b.total - a.total) / (b.s - a.s)) : 0;
}

function schedule() {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(frame);
}

function frame() {
  framePending = false;
  if (!latest || !document.getElementById('hero-count')) return;
  document.getElementById('hero-count').textContent = count(shownCount());
  if (performance.now() - tween.start < TWEEN_MS) schedule();
  if (frame.drawnFor !== latest) {
    frame.drawnFor = latest;
    drawStats();
  }
}

function setText(id, text) {
  const el = document.getElementById(id);
  if (el && el.textContent !== text) el.textContent = text;
}

function drawStats() {
  const o = latest.orders;
  const s = elapsedS(latest.as_of);
  setText(
    'elapsed',
    s >= 0
      ? t('live_elapsed', { e: countdown(s * 1000) })
      : t('live_opens_in', { e: countdown(-s * 1000) }),
  );
  setText(
    'hero-sub',
    t('live_hero_sub', { locked: count(o.locked ?? 0), cancelled: count(o.cancelled ?? 0) }),
  );
  setText('rate', count(rate()));
  setText('rate-peak', t('live_peak', { n: count(peakRate) }));
  setText('held', yuanLarge(latest.deposits_fen.held));
  setText('held-sub', t('live_received', { v: yuanLarge(latest.deposits_fen.received) }));
  setText('revenue', yuanLarge(latest.potential_revenue_fen));
  // The carmaker reported orders x the deposit and orders x the Standard price: the same night
  // on that basis, beside launchday's own, so the two can be compared like for like.
  const r = latest.reported_basis;
  if (r) {
    setText(
      'held-reported',
      t('live_deposits_reported', {
        n: count(r.orders),
        d: yuanLarge(r.deposit_fen),
        v: yuanLarge(r.deposits_fen),
      }),
    );
    setText(
      'revenue-reported',
      t('live_revenue_reported', {
        n: count(r.orders),
        p: yuanLarge(r.base_price_fen),
        v: yuanLarge(r.potential_revenue_fen),
      }),
    );
  }
  drawBars(
    'trim-mix',
    Object.entries(latest.by_trim).map(([k, v]) => [
      localName(launch.trims.find((x) => x.trim === k)) || k,
      firmOf(v),
    ]),
  );
  const cities = Object.entries(latest.by_city).map(([k, v]) => [
    localName(launch.cities.find((c) => c.city_id === k)) || k,
    firmOf(v),
  ]);
  cities.sort((a, b) => b[1] - a[1]);
  drawBars('top-cities', cities.slice(0, CITIES_SHOWN));
  drawCompare(s);
  drawChart(s);
}

function drawBars(id, rows) {
  const list = document.getElementById(id);
  const total = rows.reduce((sum, [, n]) => sum + n, 0) || 1;
  const max = Math.max(1, ...rows.map(([, n]) => n));
  list.replaceChildren(
    ...rows.map(([label, n]) =>
      h(
        'li',
        {},
        h(
          'div',
          { class: 'bar-label' },
          h('span', {}, label),
          h('span', {}, `${count(n)} · ${Math.round((100 * n) / total)}%`),
        ),
        h(
          'div',
          { class: 'bar', 'aria-hidden': 'true' },
          h('span', { style: `width:${(100 * n) / max}%` }),
        ),
      ),
    ),
  );
}

function drawCompare(s) {
  const own = firmOf(latest.orders);
  const lines = curvesFor(launch).map((c) => {
    const ref = referenceAt(c.points, s);
    const name = lang() === 'zh' ? c.name_zh : c.name;
    if (s <= 0) return t('live_compare_wait', { name });
    if (ref === null) return t('live_compare_past', { name });
    return t('live_compare', { name, e: countdown(s * 1000), n: count(ref), own: count(own) });
  });
  document.getElementById('compare').replaceChildren(...lines.map((l) => h('p', {}, l)));
}

function drawChart(nowS) {
  const svg = document.getElementById('chart');
  W = Math.max(320, Math.round(svg.clientWidth || 800));
  H = Math.round(Math.min(360, Math.max(220, W * 0.42)));
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const span = Math.max(120, nowS * 1.15);
  const curves = curvesFor(launch);
  let top = Math.max(10, ...samples.map((p) => p.firm));
  for (const c of curves) {
    for (const [x, n] of c.points) if (x <= span) top = Math.max(top, n);
    top = Math.max(top, referenceAt(c.points, span) ?? 0);
  }
  top *= 1.08;
  const x = (sec) => PAD.l + ((W - PAD.l - PAD.r) * Math.max(0, sec)) / span;
  const y = (n) => {
    const f = logScale ? Math.log10(1 + Math.max(0, n)) / Math.log10(1 + top) : n / top;
    return H - PAD.b - (H - PAD.t - PAD.b) * f;
  };
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const parts = [];
  for (let i = 0; i <= 4; i++) {
    const n = logScale ? 10 ** ((Math.log10(1 + top) * i) / 4) - 1 : (top * i) / 4;
    parts.push(
      el('line', { class: 'grid-line', x1: PAD.l, x2: W - PAD.r, y1: y(n), y2: y(n) }),
      el('text', { x: PAD.l - 6, y: y(n) + 4, 'text-anchor': 'end' }, count(n)),
    );
  }
  const ticks = W < 560 ? 2 : 4; // fewer time labels where they would overlap
  for (let i = 0; i <= ticks; i++) {
    const sec = (span * i) / ticks;
    parts.push(
      el(
        'text',
        { x: x(sec), y: H - 12, 'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle' },
        countdown(sec * 1000),
      ),
    );
  }
  parts.push(el('line', { class: 'axis', x1: PAD.l, x2: W - PAD.r, y1: H - PAD.b, y2: H - PAD.b }));
  for (const c of curves) {
    const pts = c.points.filter(([sx]) => sx <= span);
    const end = referenceAt(c.points, span);
    pts.push([span, end ?? c.points[c.points.length - 1][1]]);
    parts.push(
      el('polyline', {
        class: `ref-${c.id}`,
        points: pts.map(([sx, n]) => `${x(sx)},${y(n)}`).join(' '),
      }),
    );
  }
  const own = samples.filter((p) => p.s >= 0);
  if (own.length) {
    const pts = own.map((p) => `${x(p.s)},${y(p.firm)}`);
    if (own[0].s < 2) pts.unshift(`${x(0)},${y(0)}`);
    parts.push(el('polyline', { class: 'own', points: pts.join(' ') }));
  }
  svg.replaceChildren(...parts);
  svg.setAttribute(
    'aria-label',
    t('live_chart_label', {
      n: count(firmOf(latest.orders)),
      e: countdown(Math.max(0, nowS) * 1000),
    }),
  );
}

function tile(id, titleKey, { hero = false, subId = null, wide = false, reportedId = null } = {}) {
  const cls = `tile${hero ? ' hero' : ''}${wide ? ' wide-phone' : ''}`;
  return h(
    'section',
    { class: cls, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, t(titleKey)),
    h('div', { class: 'value', id, 'aria-live': hero ? 'off' : null }, '–'),
    subId ? h('div', { class: 'sub', id: subId }) : null,
    reportedId ? h('div', { class: 'sub reported', id: reportedId }) : null,
  );
}

function render() {
  const main = document.getElementById('main');
  if (failure) {
    main.replaceChildren(errorBox(failure));
    return;
  }
  if (!launch) return;
  document.title = `${localName(launch)} · ${t('live_title')}`;
  const curves = curvesFor(launch);
  main.replaceChildren(
    h(
      'div',
      { class: 'live-head' },
      h('h1', {}, `${localName(launch)} · ${t('live_title')}`),
      h(
        'span',
        { class: 'conn', id: 'conn', 'data-state': conn, role: 'status' },
        t(`live_conn_${conn}`),
      ),
      h('span', { class: 'muted', id: 'elapsed' }),
    ),
    h(
      'div',
      { class: 'tiles' },
      tile('hero-count', 'live_firm', { hero: true, subId: 'hero-sub' }),
      tile('rate', 'live_rate', { subId: 'rate-peak' }),
      tile('held', 'live_held', { subId: 'held-sub', reportedId: 'held-reported' }),
      tile('revenue', 'live_revenue', { wide: true, reportedId: 'revenue-reported' }),
      h(
        'section',
        { class: 'tile compare', 'aria-labelledby': 'compare-h' },
        h('h2', { id: 'compare-h' }, t('live_compare_title')),
        h('div', { id: 'compare' }),
      ),
    ),
    h(
      'div',
      { class: 'panels' },
      h(
        'section',
        { class: 'chart-wrap', 'aria-labelledby': 'chart-h' },
        h('h2', { id: 'chart-h' }, t('live_chart_title')),
        svgEl(),
        h(
          'ul',
          { class: 'legend' },
          h('li', {}, h('span', { class: 'sw', style: 'background:#ff9a5c' }), localName(launch)),
          curves.map((c) =>
            h(
              'li',
              {},
              h('span', {
                class: 'sw',
                style: `background:${c.id === 'su7' ? '#7cc4ff' : '#b794f6'}`,
              }),
              t('live_ref', { name: lang() === 'zh' ? c.name_zh : c.name }),
            ),
          ),
        ),
        h(
          'label',
          { class: 'inline' },
          h('input', {
            type: 'checkbox',
            id: 'log-scale',
            checked: logScale || null,
            onchange: (ev) => {
              logScale = ev.target.checked;
              frame.drawnFor = null;
              schedule();
            },
          }),
          t('live_log'),
        ),
      ),
      h(
        'div',
        {},
        h(
          'section',
          { class: 'tile', 'aria-labelledby': 'trim-h' },
          h('h2', { id: 'trim-h' }, t('live_trim_mix')),
          h('ul', { class: 'bars', id: 'trim-mix' }),
        ),
        h(
          'section',
          { class: 'tile', 'aria-labelledby': 'city-h', style: 'margin-top:12px' },
          h('h2', { id: 'city-h' }, t('live_top_cities')),
          h('ul', { class: 'bars', id: 'top-cities' }),
        ),
      ),
    ),
    h('p', { class: 'muted small' }, t('live_note')),
  );
  frame.drawnFor = null;
  if (latest) {
    tween.start = 0;
    schedule();
  }
}

function svgEl() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('id', 'chart');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  return svg;
}

function setConn(state) {
  conn = state;
  const el = document.getElementById('conn');
  if (el) {
    el.dataset.state = state;
    el.textContent = t(`live_conn_${state}`);
  }
}

function connect() {
  const source = new EventSource(`/api/v1/launches/${encodeURIComponent(launchId)}/live`);
  source.addEventListener('open', () => setConn('live'));
  source.addEventListener('stats', (ev) => {
    setConn('live');
    onStats(JSON.parse(ev.data));
  });
  // EventSource reconnects by itself; the screen just says it is doing so.
  source.addEventListener('error', () => setConn('reconnecting'));
}

initPage(render);
window.addEventListener('resize', () => {
  frame.drawnFor = null;
  schedule();
});
const result = await get(`/launches/${encodeURIComponent(launchId)}`);
if (result.ok) {
  launch = result.data;
  if (launch.server_time) noteServerTimeIso(launch.server_time);
  render();
  connect();
} else {
  failure = result;
  render();
}
