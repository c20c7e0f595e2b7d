// A plan's weeks as the operator's chart reads them: what the plan builds each week (capacity)
// against the locked orders it builds in that week (demand). Pure, and from the buyers'
// estimates themselves: the stored estimates' build weeks, and the orders locked since the last
// re-plan where `estimateAppended` (estimates.ts) puts them, so the chart and the buyers'
// estimates cannot disagree (a week before an order locked builds none of it).
import { buildWeek, capacityThrough } from './estimates.js';
import { weekOfDate, type PlanRate } from './plan.js';

/** One week of the chart (`week` of the grid in plan.ts). */
export interface PlanWeek {
  readonly week: number;
  /** Cars of the trim the plan builds in the week (0 before its first rate, or in a pause). */
  readonly capacity: number;
  /** Locked orders whose build week this is. */
  readonly locked: number;
}

/** The chart's weeks, and the locked orders built after the last week shown. */
export interface PlanWeeks {
  readonly weeks: readonly PlanWeek[];
  /** Locked orders not built within the weeks shown (later, or never: a plan ending in 0). */
  readonly beyond: number;
}

/** The trim's locked orders as the chart counts them. */
export interface PlanDemand {
  /** Stored estimates' build weeks: [week, orders], any order (production-store, trimBuildWeeks). */
  readonly stored: ReadonlyArray<readonly [number, number]>;
  /** Orders locked since the last re-plan: slots `after + 1` to `after + count` (appendAfter). */
  readonly appended: { readonly after: number; readonly count: number };
}

/**
 * The weeks from the plan's first rate to 4 weeks after the latest of its last rate, the last
 * locked order's build week and `thisWeek` (a plan begun weeks ago with nothing locked stopped
 * short of today), at most `weeksMax` weeks. A week's `locked` is the stored
 * estimates built in it plus the appended slots among its units. `rates` are checked (plan.ts,
 * checkRates).
 */
export function planWeeks(rates: readonly PlanRate[], demand: PlanDemand, thisWeek: number,
  weeksMax: number): PlanWeeks {
  const starts = rates.map((r) => [weekOfDate(r.fromDate), r.unitsPerWeek] as const);
  const first = starts[0]![0];
  const lastRate = starts[starts.length - 1]![0];
  const stored = new Map(demand.stored);
  const { after, count } = demand.appended;
  // The last build week: of the stored estimates, and of the last appended slot (null: never).
  const lastStored = demand.stored.reduce((m, [w]) => Math.max(m, w), -Infinity);
  const lastAppended = count > 0 ? buildWeek(rates, after + count) : -Infinity;
  const end = lastAppended === null ? Infinity
    : Math.max(lastStored, lastAppended, lastRate, thisWeek) + 4;
  const out: PlanWeek[] = [];
  let shown = 0;
  let through = capacityThrough(rates, first - 1);
  for (let w = first; out.length < weeksMax && w <= end; w++) {
    const upTo = capacityThrough(rates, w);
    // The appended slots among this week's units (through, upTo].
    const appended = Math.max(0, Math.min(upTo, after + count) - Math.max(through, after));
    const locked = (stored.get(w) ?? 0) + appended;
    out.push({ week: w, capacity: upTo - through, locked });
    shown += locked;
    through = upTo;
  }
  const total = demand.stored.reduce((n, [, k]) => n + k, 0) + count;
  return { weeks: out, beyond: total - shown };
}
