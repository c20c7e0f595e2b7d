// Turning the server's integers (fen, ISO times, seconds) into what a person reads.
import { lang, t } from './i18n.js';

function locale() {
  return lang() === 'zh' ? 'zh-CN' : 'en-GB';
}

// Money arrives in fen; people read yuan. Whole yuan unless there are fen to show.
export function yuan(fen) {
  const y = fen / 100;
  const digits = Number.isInteger(y) ? 0 : 2;
  return (
    '¥' + y.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: 2 })
  );
}

// Large amounts (deposits held, potential revenue) in 万 / 亿 or million / billion.
export function yuanLarge(fen) {
  const y = fen / 100;
  if (lang() === 'zh') {
    if (y >= 1e8) return `¥${(y / 1e8).toLocaleString('zh-CN', { maximumFractionDigits: 2 })}亿`;
    if (y >= 1e4) return `¥${(y / 1e4).toLocaleString('zh-CN', { maximumFractionDigits: 1 })}万`;
    return yuan(fen);
  }
  if (y >= 1e9)
    return `¥${(y / 1e9).toLocaleString('en-GB', { maximumFractionDigits: 2 })} billion`;
  if (y >= 1e6)
    return `¥${(y / 1e6).toLocaleString('en-GB', { maximumFractionDigits: 1 })} million`;
  return yuan(fen);
}

export function count(n) {
  return Math.round(n).toLocaleString(locale());
}

// Times shown in Beijing time, which is what every launch announcement uses; `seconds` for
// the times an order's history and deadlines are read to.
export function dateTime(iso, { seconds = false } = {}) {
  return (
    new Date(iso).toLocaleString(locale(), {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: seconds ? '2-digit' : undefined,
      hour12: false,
    }) + (lang() === 'zh' ? '（北京时间）' : ' (Beijing time)')
  );
}

// A delivery estimate in weeks as the calendar dates a buyer plans by, counted from `fromMs`
// (the lock, or now for "if locked now"): "3 Mar 2027 – 24 Mar 2027"; a range of one week is
// its one date. An estimate from a production plan carries its own window (Beijing dates, both
// included): those dates are said, the ones the order page and the truth audit use, never the
// weeks counted again from now (which fell days later: "17–31 Dec" for a "14–27 December").
export function calendarWindow(estimate, fromMs) {
  if (!estimate) return t('estimate_unknown');
  const week = 7 * 86400e3;
  const day = (ms) =>
    new Date(ms).toLocaleDateString(locale(), {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
    });
  const beijingNoon = (date) => Date.parse(`${date}T12:00:00+08:00`);
  const first = estimate.window ? day(beijingNoon(estimate.window.from))
    : day(fromMs + estimate.weeks_min * week);
  const last = estimate.window ? day(beijingNoon(estimate.window.to))
    : day(fromMs + estimate.weeks_max * week);
  return first === last ? first : `${first} – ${last}`;
}

// t() of `key_one` or `key_other` by n, so English says "1 locked order" and "2 locked orders".
// Chinese has one form: both keys hold it. Every counted noun on a page goes through here.
export function plural(key, n, vars = {}) {
  return t(n === 1 ? `${key}_one` : `${key}_other`, { n, ...vars });
}

// A count and its noun, for a sentence that counts more than one thing: counted('n_orders', 1)
// is "1 order", the figure formatted as count() does; `n_<noun>_one` / `_other` hold the forms.
export function counted(key, n) {
  return plural(key, n, { n: count(n) });
}

// 3 d 04:05:06 style countdown; never negative.
export function countdown(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86400);
  const hh = String(Math.floor((s % 86400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return (d > 0 ? t('days_short', { d }) + ' ' : '') + `${hh}:${mm}:${ss}`;
}

/**
 * A length of time a setting gives (a pass's, a grace's) in words with the right plural:
 * "90 s" is "1 minute 30 seconds", 30 s "30 seconds", 120 s "2 minutes" (a rounded
 * minutes figure said "1 minutes" for 30 s and "2 minutes" for 90 s).
 */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  const parts = [];
  if (m > 0) parts.push(plural('dur_minutes', m));
  if (s % 60 > 0 || m === 0) parts.push(plural('dur_seconds', s % 60));
  return parts.join(' ');
}

/** A short time left as m:ss ("9:58"), never negative: an offer's deadline counted down. */
export function minutesSeconds(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// An estimate in weeks: "3–5 weeks"; a range of one is "1 week", "4 weeks", never "1–1 weeks".
export function weeksRange(estimate) {
  if (!estimate) return t('estimate_unknown');
  if (estimate.weeks_min === estimate.weeks_max) return plural('weeks', estimate.weeks_min);
  return t('weeks_range', { min: estimate.weeks_min, max: estimate.weeks_max });
}

// Builds an element: h('p', {class: 'x'}, 'text', child). Text is never parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    // Through the CSSOM, which the pages' Content-Security-Policy allows: it refuses inline
    // style attributes, and setAttribute('style') left every bar full width.
    else if (k === 'style') el.style.cssText = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}
