// The production plan and delivery centres as records, and the week grid they share. Pure: no
// store, no clock. A plan is a versioned list of dated weekly rates per launch and trim; a
// delivery centre is a city's handover point with a weekly capacity, an opening date and, until
// it opens, a named nearby centre that serves its city.
import { ok, refuse } from '../kernel/outcomes.js';
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** Beijing time (UTC+8, no daylight saving): dates in plans and windows are Beijing dates. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/**
 * Monday 1 January 2024, 00:00 in Beijing: week 0 of the one grid every plan, centre and
 * estimate shares. Weeks run Monday to Sunday, Beijing time; earlier weeks are negative.
 */
export const WEEK_EPOCH_MS = Date.UTC(2024, 0, 1) - BEIJING_OFFSET_MS;
/** The week (of the grid) holding the instant `ms`. */
export const weekOf = (ms) => Math.floor((ms - WEEK_EPOCH_MS) / WEEK_MS);
/** The instant week `w` starts: Monday 00:00 in Beijing. */
export const weekStartMs = (w) => WEEK_EPOCH_MS + w * WEEK_MS;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Midnight in Beijing at the start of a `YYYY-MM-DD` date, or null when it is no real date. */
export function beijingDateMs(date) {
    const m = DATE.exec(date);
    if (!m)
        return null;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d
        || y < 2000 || y > 2200)
        return null;
    return ms - BEIJING_OFFSET_MS;
}
/** The Beijing date (`YYYY-MM-DD`) of the instant `ms`. */
export const beijingDate = (ms) => new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
/** The week a plan rate or a centre's opening takes effect. */
export const weekOfDate = (date) => weekOf(beijingDateMs(date));
/**
 * Checks an operator's rates: 1 to `ratesMax` of them, real dates in increasing order, units per
 * week whole numbers from 0 (a pause) to `unitsPerWeekMax`. Outcome: `invalid_request` naming
 * the rate at fault.
 */
export function checkRates(rates, ratesMax, unitsPerWeekMax) {
    if (rates.length < 1 || rates.length > ratesMax) {
        return refuse('invalid_request', `"rates" must hold 1 to ${ratesMax} rates.`);
    }
    let last = -Infinity;
    for (const [i, r] of rates.entries()) {
        const ms = beijingDateMs(r.fromDate);
        if (ms === null)
            return refuse('invalid_request', `"rates[${i}].from" must be a date YYYY-MM-DD.`);
        if (ms <= last) {
            return refuse('invalid_request', `"rates[${i}].from" must come after the rate before it.`);
        }
        last = ms;
        if (!Number.isSafeInteger(r.unitsPerWeek) || r.unitsPerWeek < 0
            || r.unitsPerWeek > unitsPerWeekMax) {
            return refuse('invalid_request', `"rates[${i}].units_per_week" must be a whole number from 0 to ${unitsPerWeekMax}.`);
        }
    }
    return ok(rates);
}
//# sourceMappingURL=plan.js.map