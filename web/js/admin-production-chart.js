// The operator's chart of one plan: each week's planned capacity as a bar, and in front of it
// the locked orders built that week (GET /admin/production-plans/{launch}/{trim}/weeks). Drawn
// as SVG through the DOM; colours come from app.css classes (the CSP allows no inline style).
import { t } from './i18n.js';
import { count, plural } from './format.js';
import { dateWords } from './date-window.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 960;
const H = 300;
const PAD = { left: 64, right: 12, top: 16, bottom: 40 };

function el(tag, attrs = {}, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

/** A round top for the y axis: 1, 2 or 5 times a power of ten, at least `v`. */
function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= v);
}

/** "12 Jan" / "1月12日": the week labels under the bars. */
function shortDate(date) {
  const words = dateWords(date);
  return words.replace(/^\d{4}年/, '').replace(/ \d{4}$/, '').replace(/(\d+ \w{3})\w*/, '$1');
}

/**
 * The chart of `data` (the weeks reply) for the trim named `trimName`: an <svg> with a title
 * and description, a <g class="week"> per week carrying its figures (data-from, data-capacity,
 * data-locked), the y axis, week labels and a line at this week.
 */
export function planChart(data, trimName) {
  const weeks = data.weeks;
  const top = niceMax(Math.max(1, ...weeks.map((w) => Math.max(w.units_per_week, w.locked))));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, weeks.length);
  const y = (v) => PAD.top + plotH - (v / top) * plotH;
  const title = t('pr_chart_title', { trim: trimName });
  const svg = el('svg', {
    id: 'plan-chart',
    class: 'plan-chart',
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-labelledby': 'plan-chart-title plan-chart-desc',
  });
  svg.append(el('title', { id: 'plan-chart-title' }, title));
  svg.append(el('desc', { id: 'plan-chart-desc' }, chartSummary(data)));
  // Whole cars only: a half-way line is drawn when it is a whole number.
  for (const v of [0, top / 2, top].filter(Number.isInteger)) {
    svg.append(el('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }));
    svg.append(el('text', { class: 'axis', x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' },
      count(v)));
  }
  const labelEvery = Math.max(1, Math.ceil(weeks.length / 10));
  weeks.forEach((w, i) => {
    const x = PAD.left + i * step;
    const g = el('g', { class: 'week', 'data-from': w.from, 'data-capacity': w.units_per_week,
      'data-locked': w.locked });
    g.append(el('title', {}, t('pr_chart_week', { from: dateWords(w.from),
      capacity: count(w.units_per_week), locked: count(w.locked) })));
    g.append(el('rect', { class: 'cap', x: x + step * 0.1, width: step * 0.8,
      y: y(w.units_per_week), height: y(0) - y(w.units_per_week) }));
    g.append(el('rect', { class: 'dem', x: x + step * 0.25, width: step * 0.5,
      y: y(w.locked), height: y(0) - y(w.locked) }));
    if (i % labelEvery === 0) {
      g.append(el('text', { class: 'axis', x: x + step / 2, y: H - PAD.bottom + 16,
        'text-anchor': 'middle' }, shortDate(w.from)));
    }
    if (w.from === data.this_week) {
      svg.append(el('line', { class: 'now', x1: x, x2: x, y1: PAD.top, y2: y(0) }));
      svg.append(el('text', { class: 'axis now-label', x: x + 4, y: PAD.top + 10 },
        t('pr_chart_now')));
    }
    svg.append(g);
  });
  svg.append(el('line', { class: 'base', x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0) }));
  return svg;
}

/** The chart in one sentence: how many are locked and the week the last is built. */
export function chartSummary(data) {
  if (data.locked === 0) return t('pr_chart_summary_none');
  const last = [...data.weeks].reverse().find((w) => w.locked > 0);
  const parts = [];
  if (last) parts.push(plural('pr_chart_summary', data.locked, { n: count(data.locked),
    last: dateWords(last.from) }));
  if (data.beyond > 0) {
    parts.push(plural('pr_chart_beyond', data.beyond, { n: count(data.beyond) }));
  }
  return parts.join(' ');
}
