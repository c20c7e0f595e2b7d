// The one parser for every time that enters launchday: API fields, change windows, query
// parameters, configuration (LAUNCHDAY_CLOCK_START) and import files. docs/api.md promises ISO
// 8601 in UTC; a time without a zone would be read in the server's own zone by `Date.parse`, so
// the same request would mean 22:00Z on one machine and 14:00Z on another. Only RFC 3339 with
// `Z` or an explicit offset is accepted, and the arithmetic never consults the process's `TZ`.
/**
 * RFC 3339 `date-time` (the ISO 8601 profile the Internet uses): `YYYY-MM-DDTHH:MM:SS`, optional
 * fraction of a second (1-9 digits, kept to the millisecond), then `Z` or `+HH:MM` / `-HH:MM`.
 * `T` and `Z` may be lower case (RFC 3339 section 5.6); seconds may be left out (ISO 8601
 * extended format `HH:MM`), as a browser's `datetime-local` gives them.
 */
const RFC3339 = new RegExp('^(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2})'
    + '(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(?:([Zz])|([+-])(\\d{2}):(\\d{2}))$');
const daysIn = (year, month) => month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
    : [4, 6, 9, 11].includes(month) ? 30 : 31;
/**
 * The instant `text` names, in ms since the epoch, or null when it is not a strict RFC 3339
 * date-time with a zone (no zone, a date alone, `06/26/2025 22:00`, an impossible day such as
 * 31 June, an hour of 24, a leap second, an offset beyond 23:59).
 */
export function parseIsoTime(text) {
    const m = RFC3339.exec(text);
    if (m === null)
        return null;
    const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
    const second = m[6] === undefined ? 0 : Number(m[6]);
    const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
    if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month))
        return null;
    if (hour > 23 || minute > 59 || second > 59)
        return null;
    let offsetMin = 0;
    if (m[8] === undefined) {
        const [oh, om] = [Number(m[10]), Number(m[11])];
        if (oh > 23 || om > 59)
            return null;
        offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    // Date.UTC works in UTC whatever the process's zone; years 0-99 must not become 1900-1999.
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day);
    utc.setUTCHours(hour, minute, second, ms);
    return utc.getTime() - offsetMin * 60_000;
}
/** What a refusal says about a time field named `name`. */
export const isoTimeRule = (name) => `"${name}" must be an ISO 8601 / RFC 3339 date-time with Z or an offset, `
    + 'such as 2025-06-26T14:00:00Z or 2025-06-26T22:00:00+08:00.';
const isoMs = [Number.NaN, Number.NaN];
const isoText = ['', ''];
let isoNext = 0;
/**
 * A time as an ISO string. The orders of one batch share their times (placed at the batch's
 * time, cooling off until a week later), so the last two are remembered.
 */
export function iso(ms) {
    if (ms === null)
        return null;
    if (ms === isoMs[0])
        return isoText[0];
    if (ms === isoMs[1])
        return isoText[1];
    const text = new Date(ms).toISOString();
    isoMs[isoNext] = ms;
    isoText[isoNext] = text;
    isoNext = 1 - isoNext;
    return text;
}
let lastNowMs = Number.NaN;
let lastNowIso = '';
/** `iso` for the current time, formatted once per millisecond however many replies carry it. */
export function isoNow(ms) {
    if (ms !== lastNowMs) {
        lastNowMs = ms;
        lastNowIso = new Date(ms).toISOString();
    }
    return lastNowIso;
}
//# sourceMappingURL=iso-time.js.map