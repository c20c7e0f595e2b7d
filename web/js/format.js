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

// Times shown in Beijing time, which is what every launch announcement uses.
export function dateTime(iso) {
  return (
    new Date(iso).toLocaleString(locale(), {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }) + (lang() === 'zh' ? '（北京时间）' : ' (Beijing time)')
  );
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

export function weeksRange(estimate) {
  if (!estimate) return t('estimate_unknown');
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
