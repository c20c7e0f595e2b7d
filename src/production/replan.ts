// A re-plan as a pure function: the new estimates of every locked order, what to write and
// remove, and which orders' estimates moved (earlier or later) against the stored ones.
import {
  estimateQueue, windowOf, type OrderEstimate, type PlanningState, type QueuedOrder,
} from './estimates.js';

/** A moved estimate: the one stored before and the one now. */
export interface MovedEstimate {
  readonly before: OrderEstimate;
  readonly after: OrderEstimate;
}

export interface ReplanResult {
  /** Every locked order's estimate under the plan, by order id. */
  readonly estimates: ReadonlyMap<string, OrderEstimate>;
  /** New or changed estimates to store. */
  readonly write: readonly OrderEstimate[];
  /** Orders whose stored estimate no longer applies (left the queue). */
  readonly remove: readonly string[];
  /** Orders whose handover week moved, in queue order (launch, trim, position). */
  readonly moved: readonly MovedEstimate[];
  readonly earlier: number;
  readonly later: number;
}

const sameEstimate = (a: OrderEstimate, b: OrderEstimate): boolean =>
  a.handoverWeek === b.handoverWeek && a.position === b.position && a.buildWeek === b.buildWeek
  && a.trimSeq === b.trimSeq
  && a.arrivalWeek === b.arrivalWeek && a.centre === b.centre && a.planVersion === b.planVersion
  && a.city === b.city && a.trim === b.trim && a.launchId === b.launchId
  && a.accountId === b.accountId;

/**
 * Recomputes every estimate (`estimateQueue`) and compares it with `stored`. An estimate moved
 * when its handover week did: the buyer's window is what they were told. An order getting its
 * first estimate, or leaving the queue, did not move; nor did one in `scheduled` (it has its
 * car: it stays in the queue, which counts from the plan's start, but is told nothing more).
 */
export function replan(state: PlanningState, queue: readonly QueuedOrder[],
  stored: Iterable<OrderEstimate>, scheduled: ReadonlySet<string> = new Set()): ReplanResult {
  const estimates = estimateQueue(state, queue);
  const before = new Map<string, OrderEstimate>();
  for (const s of stored) before.set(s.orderId, s);
  const write: OrderEstimate[] = [];
  const moved: MovedEstimate[] = [];
  let earlier = 0;
  let later = 0;
  for (const e of estimates.values()) {
    const b = before.get(e.orderId);
    if (b === undefined || !sameEstimate(b, e)) write.push(e);
    // An order with its car allocated is scheduled: its buyer follows the car, not the plan.
    if (b !== undefined && b.handoverWeek !== e.handoverWeek && !scheduled.has(e.orderId)) {
      moved.push({ before: b, after: e });
      if (e.handoverWeek < b.handoverWeek) earlier++;
      else later++;
    }
  }
  const remove = [...before.keys()].filter((id) => !estimates.has(id)).sort();
  moved.sort((x, y) => (x.after.launchId < y.after.launchId ? -1
    : x.after.launchId > y.after.launchId ? 1 : 0)
    || (x.after.trim < y.after.trim ? -1 : x.after.trim > y.after.trim ? 1 : 0)
    || x.after.position - y.after.position);
  return { estimates, write, remove, moved, earlier, later };
}

/** A moved estimate as the row notifications consume (production-store.ts, EstimateChange). */
export function changeRow(m: MovedEstimate, replanId: string, atMs: number) {
  const o = windowOf(m.before.handoverWeek);
  const n = windowOf(m.after.handoverWeek);
  return { replanId, orderId: m.after.orderId, accountId: m.after.accountId,
    launchId: m.after.launchId, trim: m.after.trim, oldFrom: o.from, oldTo: o.to,
    newFrom: n.from, newTo: n.to, weeksMoved: m.after.handoverWeek - m.before.handoverWeek,
    atMs };
}
