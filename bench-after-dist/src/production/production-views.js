// The JSON shapes of production's API (docs/api.md): snake_case, times as ISO strings, dates
// (plans, openings, windows) as Beijing dates `YYYY-MM-DD`.
import { iso } from '../kernel/iso-time.js';
export const planView = (p) => ({ launch_id: p.launchId, trim: p.trim,
    version: p.version, rates: p.rates.map((r) => ({ from: r.fromDate,
        units_per_week: r.unitsPerWeek })),
    created_by: p.createdBy, created_at: iso(p.createdAtMs), reason: p.reason });
export const centreView = (c) => ({ city_id: c.cityId, version: c.version,
    handovers_per_week: c.handoversPerWeek, opens_on: c.opensOn, served_by: c.servedBy,
    created_by: c.createdBy, created_at: iso(c.createdAtMs), reason: c.reason });
export const replanView = (r) => ({ replan_id: r.replanId,
    at: iso(r.atMs), actor: r.actor, cause: r.cause, reason: r.reason,
    orders_estimated: r.ordersEstimated, moved_earlier: r.movedEarlier, moved_later: r.movedLater,
    ...(r.durationMs !== undefined ? { duration_ms: r.durationMs } : {}) });
export const changeView = (c) => ({ change_id: c.changeId,
    replan_id: c.replanId, order_id: c.orderId, account_id: c.accountId, launch_id: c.launchId,
    trim: c.trim, old_window: { from: c.oldFrom, to: c.oldTo },
    new_window: { from: c.newFrom, to: c.newTo }, weeks_moved: c.weeksMoved,
    direction: c.weeksMoved < 0 ? 'earlier' : 'later', at: iso(c.atMs) });
//# sourceMappingURL=production-views.js.map