// The production plan and delivery centres as records, and the week grid they share. Pure: no
// store, no clock. A plan is a versioned list of dated weekly rates per launch and trim; a
// delivery centre is a city's handover point with a weekly capacity, an opening date and, until
// it opens, a named nearby centre that serves its city.
import { ok, refuse, type Result } from '../kernel/outcomes.js';

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
export const weekOf = (ms: number): number => Math.floor((ms - WEEK_EPOCH_MS) / WEEK_MS);
/** The instant week `w` starts: Monday 00:00 in Beijing. */
export const weekStartMs = (w: number): number => WEEK_EPOCH_MS + w * WEEK_MS;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight in Beijing at the start of a `YYYY-MM-DD` date, or null when it is no real date. */
export function beijingDateMs(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d
    || y < 2000 || y > 2200) return null;
  return ms - BEIJING_OFFSET_MS;
}

/** The Beijing date (`YYYY-MM-DD`) of the instant `ms`. */
export const beijingDate = (ms: number): string =>
  new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);

/** From a date on, this many cars of the trim are built per week (until the next rate). */
export interface PlanRate {
  /** `YYYY-MM-DD`, Beijing: the rate counts from the week (Monday to Sunday) holding it. */
  readonly fromDate: string;
  readonly unitsPerWeek: number;
}

/** One version of a trim's production plan. Versions are kept: old ones stay readable. */
export interface PlanVersion {
  readonly launchId: string;
  readonly trim: string;
  /** 1, 2, ... per launch and trim; the highest is the plan in force. */
  readonly version: number;
  /** Sorted by date, dates distinct; before the first, nothing of the trim is built. */
  readonly rates: readonly PlanRate[];
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly reason: string;
}

/** One version of a city's delivery centre. Versions are kept like the plan's. */
export interface CentreVersion {
  readonly cityId: string;
  readonly version: number;
  /** Cars handed over per week, at least 1. */
  readonly handoversPerWeek: number;
  /** `YYYY-MM-DD`, Beijing: the centre hands over from the week holding it. */
  readonly opensOn: string;
  /** The city whose centre serves this one until it opens (null: its buyers wait for it). */
  readonly servedBy: string | null;
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly reason: string;
}

/** The week a plan rate or a centre's opening takes effect. */
export const weekOfDate = (date: string): number => weekOf(beijingDateMs(date)!);

/**
 * Checks an operator's rates: 1 to `ratesMax` of them, real dates in increasing order, units per
 * week whole numbers from 0 (a pause) to `unitsPerWeekMax`. Outcome: `invalid_request` naming
 * the rate at fault.
 */
export function checkRates(rates: readonly PlanRate[], ratesMax: number, unitsPerWeekMax: number):
  Result<readonly PlanRate[]> {
  if (rates.length < 1 || rates.length > ratesMax) {
    return refuse('invalid_request', `"rates" must hold 1 to ${ratesMax} rates.`);
  }
  let last = -Infinity;
  for (const [i, r] of rates.entries()) {
    const ms = beijingDateMs(r.fromDate);
    if (ms === null) return refuse('invalid_request', `"rates[${i}].from" must be a date YYYY-MM-DD.`);
    if (ms <= last) {
      return refuse('invalid_request', `"rates[${i}].from" must come after the rate before it.`);
    }
    last = ms;
    if (!Number.isSafeInteger(r.unitsPerWeek) || r.unitsPerWeek < 0
      || r.unitsPerWeek > unitsPerWeekMax) {
      return refuse('invalid_request',
        `"rates[${i}].units_per_week" must be a whole number from 0 to ${unitsPerWeekMax}.`);
    }
  }
  return ok(rates);
}
