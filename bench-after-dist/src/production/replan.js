// A re-plan as a pure function: the new estimates of every locked order, what to write and
// remove, and which orders' estimates moved (earlier or later) against the stored ones.
import { estimateQueue, windowOf, } from './estimates.js';
const sameEstimate = (a, b) => a.handoverWeek === b.handoverWeek && a.position === b.position && a.buildWeek === b.buildWeek
    && a.arrivalWeek === b.arrivalWeek && a.centre === b.centre && a.planVersion === b.planVersion
    && a.city === b.city && a.trim === b.trim && a.launchId === b.launchId
    && a.accountId === b.accountId;
/**
 * Recomputes every estimate (`estimateQueue`) and compares it with `stored`. An estimate moved
 * when its handover week did: the buyer's window is what they were told. An order getting its
 * first estimate, or leaving the queue, did not move; nor did one in `scheduled` (it has its
 * car: it stays in the queue, which counts from the plan's start, but is told nothing more).
 */
export function replan(state, queue, stored, scheduled = new Set()) {
    const estimates = estimateQueue(state, queue);
    const before = new Map();
    for (const s of stored)
        before.set(s.orderId, s);
    const write = [];
    const moved = [];
    let earlier = 0;
    let later = 0;
    for (const e of estimates.values()) {
        const b = before.get(e.orderId);
        if (b === undefined || !sameEstimate(b, e))
            write.push(e);
        // An order with its car allocated is scheduled: its buyer follows the car, not the plan.
        if (b !== undefined && b.handoverWeek !== e.handoverWeek && !scheduled.has(e.orderId)) {
            moved.push({ before: b, after: e });
            if (e.handoverWeek < b.handoverWeek)
                earlier++;
            else
                later++;
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
export function changeRow(m, replanId, atMs) {
    const o = windowOf(m.before.handoverWeek);
    const n = windowOf(m.after.handoverWeek);
    return { replanId, orderId: m.after.orderId, accountId: m.after.accountId,
        launchId: m.after.launchId, trim: m.after.trim, oldFrom: o.from, oldTo: o.to,
        newFrom: n.from, newTo: n.to, weeksMoved: m.after.handoverWeek - m.before.handoverWeek,
        atMs };
}
//# sourceMappingURL=replan.js.map