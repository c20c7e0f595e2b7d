// The live launch screen. Stats arrive once a second over SSE; the page stores them and draws in
// the next animation frame, so however slowly a frame paints, events never queue up behind it.
import { get, noteServerTimeIso } from './api.js';
import { lang, localName, setLang, t } from './i18n.js';
import { count, countdown, h, plural, yuanLarge } from './format.js';
import { errorBox, initPage, param } from './ui.js';
import { curvesFor, referenceAt } from './reference-curves.js';
import { LIVE_STRINGS } from './live-strings.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, LIVE_STRINGS);

const launchId = param('launch') || 'yu7-demo';
const TWEEN_MS = 900;
const CITIES_SHOWN = 8;
// Frames come once a second: a screen that has had none for this long says its figures are
// old and dims them, so nobody in the room reads a frozen count as the current one.
const STALE_MS = 3500;
// Over the viewer limit the stream answers 503 and EventSource gives up for good (it reconnects
// only after a dropped 200): the screen then polls the snapshot, and tries the stream again now
// and then, in case a place came free.
const POLL_MS = 1000;
const STREAM_RETRY_MS = 60_000;
const snapshotUrl = `/api/v1/launches/${encodeURIComponent(launchId)}/live.json`;
// The chart is drawn in the pixels it occupies, so its labels stay legible on a phone and
// across a room: the text grows with the chart.
let W = 800;
let H = 320;

let launch = null;
let failure = null;
let latest = null;
// The series since the opening as the server has it (live-series.ts): counts[i] orders taken
// by i * step seconds after the opening. The same for every screen, however late it opened.
let series = { step_s: 1, counts: [] };
let conn = 'connecting';
let lastFrameAt = 0;
let logScale = false;
let framePending = false;
let polling = null;
const tween = { from: 0, to: 0, start: 0 };

// Firm orders are deposits paid and not cancelled: still firm plus already locked, the way the
// carmaker reported its launch-night counts.
const firmOf = (o) => (o.firm ?? 0) + (o.locked ?? 0);

// A frame holds the whole figures and either the whole series (from 0) or its last points. A
// tail that does not join what the screen has (frames missed, the step grew) is not guessed
// across: the snapshot brings the whole series.
function onFrame(stats) {
  if (stats.series.from === 0) {
    series = { step_s: stats.series.step_s, counts: stats.series.counts };
  } else if (stats.series.step_s === series.step_s && stats.series.from <= series.counts.length) {
    series.counts = series.counts.slice(0, stats.series.from).concat(stats.series.counts);
  } else {
    void refreshWhole();
  }
  latest = stats;
  lastFrameAt = performance.now();
  document.getElementById('main').classList.remove('stale');
  // The time of the newest figures, readable by people checking the screen is current.
  document.getElementById('main').dataset.asOf = stats.as_of;
  document.getElementById('main').dataset.series = series.counts.join(',');
  tween.from = shownCount();
  tween.to = firmOf(stats.orders);
  tween.start = performance.now();
  schedule();
}

async function refreshWhole() {
  try {
    const r = await fetch(snapshotUrl, { cache: 'no-cache' });
    if (r.ok) onFrame(await r.json());
  } catch {
    /* the next frame or poll tries again */
  }
}

function shownCount() {
  const p = Math.min(1, (performance.now() - tween.start) / TWEEN_MS);
  return tween.from + (tween.to - tween.from) * (1 - (1 - p) ** 3);
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
  const s = latest.elapsed_s;
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
  setText('rate', count(latest.rate_per_s));
  setText('rate-peak', latest.peak_at_s === null ? t('live_peak_none')
    : t('live_peak', { n: count(latest.peak_per_s), e: countdown(latest.peak_at_s * 1000) }));
  setText('held', yuanLarge(latest.deposits_fen.held));
  setText('held-sub', t('live_received', { v: yuanLarge(latest.deposits_fen.received) }));
  setText('revenue', yuanLarge(latest.potential_revenue_fen));
  // The carmaker reported orders x the deposit and orders x the Standard price: the same night
  // on that basis, beside launchday's own, so the two can be compared like for like.
  const r = latest.reported_basis;
  if (r) {
    setText(
      'held-reported',
      plural('live_deposits_reported', r.orders, {
        n: count(r.orders),
        d: yuanLarge(r.deposit_fen),
        v: yuanLarge(r.deposits_fen),
      }),
    );
    setText(
      'revenue-reported',
      plural('live_revenue_reported', r.orders, {
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
    return plural('live_compare', own, { name, e: countdown(s * 1000), n: count(ref),
      own: count(own) });
  });
  document.getElementById('compare').replaceChildren(...lines.map((l) => h('p', {}, l)));
}

// The own line: the server's series, then the count now at the time now.
function ownPoints(nowS) {
  const pts = series.counts.map((n, i) => [i * series.step_s, n]);
  if (nowS >= 0) pts.push([nowS, latest.orders.total]);
  return pts;
}

function drawChart(nowS) {
  const svg = document.getElementById('chart');
  W = Math.max(320, Math.round(svg.clientWidth || 800));
  H = Math.round(Math.min(360, Math.max(220, W * 0.42)));
  // On a wide screen the chart takes the window's height left below it: the whole screen is
  // seen at once, without scrolling, from across the room.
  if (W > 1100) {
    const room = window.innerHeight - svg.getBoundingClientRect().top - 150;
    H = Math.round(Math.min(W * 0.5, Math.max(260, room)));
  }
  // 14 px on a phone, up to 22 px on a wall screen's chart.
  const font = Math.round(Math.min(22, Math.max(14, W / 60)));
  const pad = { l: font * 5, r: font, t: font, b: font * 2.6 };
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.style.setProperty('--chart-font', `${font}px`);
  const span = Math.max(120, nowS * 1.15);
  const curves = curvesFor(launch);
  const own = ownPoints(nowS);
  let top = Math.max(10, ...own.map(([, n]) => n));
  for (const c of curves) {
    for (const [x, n] of c.points) if (x <= span) top = Math.max(top, n);
    top = Math.max(top, referenceAt(c.points, span) ?? 0);
  }
  top *= 1.08;
  const x = (sec) => pad.l + ((W - pad.l - pad.r) * Math.max(0, sec)) / span;
  const y = (n) => {
    const f = logScale ? Math.log10(1 + Math.max(0, n)) / Math.log10(1 + top) : n / top;
    return H - pad.b - (H - pad.t - pad.b) * f;
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
      el('line', { class: 'grid-line', x1: pad.l, x2: W - pad.r, y1: y(n), y2: y(n) }),
      el('text', { x: pad.l - 8, y: y(n) + font / 3, 'text-anchor': 'end' }, count(n)),
    );
  }
  const ticks = W < 560 ? 2 : 4; // fewer time labels where they would overlap
  for (let i = 0; i <= ticks; i++) {
    const sec = (span * i) / ticks;
    parts.push(
      el(
        'text',
        { x: x(sec), y: H - font * 0.8,
          'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle' },
        countdown(sec * 1000),
      ),
    );
  }
  parts.push(el('line', { class: 'axis', x1: pad.l, x2: W - pad.r, y1: H - pad.b, y2: H - pad.b }));
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
  if (own.length) {
    parts.push(el('polyline', {
      class: 'own',
      points: own.map(([sx, n]) => `${x(sx)},${y(n)}`).join(' '),
    }));
  }
  svg.replaceChildren(...parts);
  svg.setAttribute(
    'aria-label',
    plural('live_chart_label', latest.orders.total, {
      n: count(latest.orders.total),
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
    // The wall screen's own header: no buyers' navigation, only what the room needs.
    h(
      'div',
      { class: 'live-head' },
      h('h1', {}, `${localName(launch)} · ${t('live_title')}`),
      h('span', { class: 'conn', id: 'conn', 'data-state': conn, role: 'status' }, connText()),
      h('span', { class: 'elapsed', id: 'elapsed' }),
      h(
        'button',
        {
          type: 'button',
          class: 'lang',
          id: 'lang-switch',
          onclick: () => setLang(lang() === 'zh' ? 'en' : 'zh'),
        },
        t('lang_switch'),
      ),
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
          { class: 'tile cities', 'aria-labelledby': 'city-h' },
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

// "● Live" only while frames arrive over the stream; polling the snapshot and old figures each
// say what they are.
function connText() {
  if (conn === 'stale' && latest) {
    return t('live_conn_stale', { at: new Date(latest.as_of).toLocaleTimeString(
      lang() === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false }) });
  }
  return t(`live_conn_${conn}`);
}

function setConn(state) {
  conn = state;
  const el = document.getElementById('conn');
  if (el) {
    el.dataset.state = state;
    el.textContent = connText();
  }
}

// Checked twice a second: figures older than STALE_MS are dimmed and labelled with their time.
function watchFreshness() {
  const main = document.getElementById('main');
  const stale = latest !== null && performance.now() - lastFrameAt > STALE_MS;
  main.classList.toggle('stale', stale);
  if (stale && conn !== 'stale') setConn('stale');
}

function connect() {
  const source = new EventSource(`/api/v1/launches/${encodeURIComponent(launchId)}/live`);
  source.addEventListener('stats', (ev) => {
    setConn('live');
    onFrame(JSON.parse(ev.data));
  });
  source.addEventListener('error', () => {
    // CLOSED: refused (503 live_viewers_full, or any non-200), and EventSource will not try
    // again; CONNECTING: the connection dropped and EventSource reconnects by itself.
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      startPolling();
    } else if (conn !== 'stale') {
      setConn('reconnecting');
    }
  });
}

function startPolling() {
  if (polling) return;
  const startedAt = performance.now();
  const poll = async () => {
    try {
      const r = await fetch(snapshotUrl);
      if (r.ok) {
        onFrame(await r.json());
        setConn('polling');
      }
    } catch {
      /* offline for a moment: the figures dim when they grow old */
    }
    if (performance.now() - startedAt > STREAM_RETRY_MS) {
      polling = null;
      connect();
      return;
    }
    polling = setTimeout(poll, POLL_MS);
  };
  polling = setTimeout(poll, 0);
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
  setInterval(watchFreshness, 500);
} else {
  failure = result;
  render();
}
