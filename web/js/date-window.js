// A delivery window as a buyer plans by: "between 12 and 26 January 2026", "2026年1月12日至26日之间".
// The server gives Beijing dates (`YYYY-MM-DD`, both days included); they are read as dates, never
// as instants, so no time zone can move a day.
import { lang, t } from './i18n.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

const parts = (date) => {
  const [y, m, d] = date.split('-').map(Number);
  return { y, m, d };
};

/** One Beijing date in words: "12 January 2026" / "2026年1月12日". */
export function dateWords(date) {
  const { y, m, d } = parts(date);
  return lang() === 'zh' ? `${y}年${m}月${d}日` : `${d} ${MONTHS[m - 1]} ${y}`;
}

/**
 * The window from `from` to `to` (Beijing dates, both included), the shared parts said once; a
 * window of one day is "on 12 January 2026", never "between 12 and 12 January 2026".
 */
export function dateWindow(from, to) {
  if (from === to) return t('window_on', { day: dateWords(from) });
  const a = parts(from);
  const b = parts(to);
  let range;
  if (lang() === 'zh') {
    range =
      a.y !== b.y
        ? `${a.y}年${a.m}月${a.d}日至${b.y}年${b.m}月${b.d}日`
        : a.m !== b.m
          ? `${a.y}年${a.m}月${a.d}日至${b.m}月${b.d}日`
          : `${a.y}年${a.m}月${a.d}日至${b.d}日`;
  } else {
    range =
      a.y !== b.y
        ? `${a.d} ${MONTHS[a.m - 1]} ${a.y} and ${b.d} ${MONTHS[b.m - 1]} ${b.y}`
        : a.m !== b.m
          ? `${a.d} ${MONTHS[a.m - 1]} and ${b.d} ${MONTHS[b.m - 1]} ${b.y}`
          : `${a.d} and ${b.d} ${MONTHS[b.m - 1]} ${b.y}`;
  }
  return t('window_between', { range });
}

/** The Beijing date (`YYYY-MM-DD`) of the instant `ms` (UTC+8, no daylight saving). */
export const beijingToday = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
