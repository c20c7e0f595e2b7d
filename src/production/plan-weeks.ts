// A plan's weeks as the operator's chart reads them: what the plan builds each week (capacity)
// against the locked orders it builds in that week (demand). Pure: the same queue arithmetic as
// `buildWeek` (estimates.ts), so the chart and the buyers' estimates cannot disagree.
import { weekOfDate, type PlanRate } from './plan.js';

/** One week of the chart (`week` of the grid in plan.ts). */
export interface PlanWeek {
  readonly week: number;
  /** Cars of the trim the plan builds in the week (0 before its first rate, or in a pause). */
  readonly capacity: number;
  /** Locked orders whose build week this is: the queue fills each week's capacity in turn. */
  readonly locked: number;
}

/** The chart's weeks, and the locked orders built after the last week shown. */
export interface PlanWeeks {
  readonly weeks: readonly PlanWeek[];
  /** Locked orders not built within the weeks shown (later, or never: a plan ending in 0). */
  readonly beyond: number;
}

/**
 * The weeks from the plan's first rate to 4 weeks after the later of its last rate and the
 * build week of its `locked`-th order, at most `weeksMax` weeks. A week's `locked` is the
 * number of positions 1..locked whose `buildWeek` falls in it: the locked orders left after
 * the weeks before it, at most its capacity. `rates` are checked (plan.ts, checkRates).
 */
export function planWeeks(rates: readonly PlanRate[], locked: number, weeksMax: number):
  PlanWeeks {
  const segments = rates.map((r) => [weekOfDate(r.fromDate), r.unitsPerWeek] as const);
  const first = segments[0]![0];
  const lastRate = segments[segments.length - 1]![0];
  const capacityOf = (w: number): number => {
    let units = 0;
    for (const [start, u] of segments) if (start <= w) units = u;
    return units;
  };
  const out: PlanWeek[] = [];
  let left = locked;
  let tail = -1; // weeks still to show after the last order's build week and the last rate
  for (let w = first; out.length < weeksMax; w++) {
    const capacity = capacityOf(w);
    const built = Math.min(left, capacity);
    left -= built;
    out.push({ week: w, capacity, locked: built });
    if (tail < 0 && left === 0 && w >= lastRate) tail = 4;
    if (tail >= 0 && tail-- === 0) break;
  }
  return { weeks: out, beyond: left };
}
