// The buyer's language: zh-CN by default, English on request, remembered in localStorage so a
// reload on launch night does not flip the page back.
import { STRINGS } from './strings.js';

const LANG_KEY = 'launchday.lang';
const LANGS = ['zh', 'en'];

export function lang() {
  let stored = null;
  try {
    stored = localStorage.getItem(LANG_KEY);
  } catch {
    /* storage may be disabled */
  }
  return stored && LANGS.includes(stored) ? stored : 'zh';
}

export function setLang(next) {
  if (!LANGS.includes(next)) throw new Error(`unknown language ${next}`);
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    /* keep working without storage */
  }
  applyStatic();
  window.dispatchEvent(new CustomEvent('langchange', { detail: next }));
}

// t('key', {n: 3}) replaces {n} in the string; a missing key shows itself so it is noticed.
export function t(key, vars = {}) {
  const entry = STRINGS[key];
  const text = entry ? (entry[lang()] ?? entry.en) : key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// A code the server sends (a status, an outcome) in the reader's words: `${prefix}${code}` where
// the strings have it, else the code itself, so a code newer than this page still reads as the
// server's word rather than as a missing key.
export function codeText(prefix, code) {
  return STRINGS[`${prefix}${code}`] ? t(`${prefix}${code}`) : String(code ?? '?');
}

// Picks `name_zh` or `name` from a server object, whichever the buyer reads.
export function localName(obj) {
  if (!obj) return '';
  return lang() === 'zh' ? obj.name_zh || obj.name : obj.name || obj.name_zh;
}

// Fills every [data-i18n] element's text, and [data-i18n-attr="attr:key"] attributes.
export function applyStatic(root = document) {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key));
    }
  }
}

// A locked order's deposit is still held by the carmaker, but it is no longer the buyer's to
// take back: every page (the buyer's and the operator's) says so rather than "refundable".
export function depositState(order) {
  const pastLock = order.status === 'locked' || order.status === 'scheduled';
  if (order.deposit.state === 'held' && pastLock) return t('deposit_held_locked');
  return t(`deposit_${order.deposit.state}`);
}
