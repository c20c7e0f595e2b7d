// Launch times in the operator console are entered and shown in Beijing time (UTC+8, no summer
// time), as every launch is announced, whatever zone the operator's computer is set to. They are
// sent with an explicit +08:00 offset: the server accepts no time without a zone.

const OFFSET_MS = 8 * 3600e3;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The label that goes with every such field, in both languages at once. */
export const BEIJING_LABEL = '北京时间 / Beijing time';

/** The placeholder of every such field: the format fromBeijingInput takes. */
export const BEIJING_FORMAT = 'YYYY-MM-DD HH:MM';

/** An instant (ISO string or ms) as Beijing wall time `YYYY-MM-DDTHH:MM`, for an input. */
export function toBeijingInput(instant) {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 16);
}

/**
 * Beijing wall time as typed (`YYYY-MM-DDTHH:MM`, seconds optional, a space for the T allowed)
 * as the RFC 3339 string the API takes, `YYYY-MM-DDTHH:MM:SS+08:00`; null when it is not one.
 */
export function fromBeijingInput(text) {
  const m = LOCAL.exec(String(text).trim());
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss = '00'] = m;
  const days = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > days) return null;
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) return null;
  return `${y}-${mo}-${d}T${hh}:${mi}:${ss}+08:00`;
}

/** An instant as `YYYY-MM-DD HH:MM 北京时间 / Beijing time`, the same in either language. */
export function beijingText(instant) {
  return `${toBeijingInput(instant).replace('T', ' ')} ${BEIJING_LABEL}`;
}

/** An instant as Beijing wall time to the second, `YYYY-MM-DD HH:MM:SS` (the console's times). */
export function beijingSeconds(instant) {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * An instant as the text an operator edits, `YYYY-MM-DD HH:MM`, with `:SS` only when the
 * seconds are not zero (so saving an untouched field never moves a time by its seconds).
 */
export function toBeijingText(instant) {
  const full = beijingSeconds(instant);
  return full.endsWith(':00') ? full.slice(0, 16) : full;
}
