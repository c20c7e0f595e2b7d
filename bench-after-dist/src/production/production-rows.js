/** Column lists, the same on both stores. */
export const PLAN_COLUMNS = 'launch_id, trim, version, rates, created_by, created_at_ms, reason';
export const CENTRE_COLUMNS = 'city_id, version, handovers_per_week, opens_on, served_by, '
    + 'created_by, created_at_ms, reason';
export const ESTIMATE_COLUMNS = 'order_id, account_id, launch_id, trim, city, position, '
    + 'build_week, arrival_week, centre, handover_week, plan_version';
export const CHANGE_COLUMNS = 'change_id, replan_id, order_id, account_id, launch_id, trim, '
    + 'old_from, old_to, new_from, new_to, weeks_moved, at_ms';
export const REPLAN_COLUMNS = 'replan_id, at_ms, actor, cause, reason, orders_estimated, '
    + 'moved_earlier, moved_later';
const n = (v) => Number(v);
export const planFromRow = (r) => ({ launchId: r.launch_id,
    trim: r.trim, version: n(r.version),
    rates: JSON.parse(r.rates)
        .map((x) => ({ fromDate: x.from, unitsPerWeek: x.units_per_week })),
    createdBy: r.created_by, createdAtMs: n(r.created_at_ms), reason: r.reason });
/** The rates as stored: the API's own field names. */
export const ratesText = (p) => JSON.stringify(p.rates.map((x) => ({ from: x.fromDate, units_per_week: x.unitsPerWeek })));
export const centreFromRow = (r) => ({ cityId: r.city_id,
    version: n(r.version), handoversPerWeek: n(r.handovers_per_week),
    opensOn: r.opens_on, servedBy: r.served_by ?? null,
    createdBy: r.created_by, createdAtMs: n(r.created_at_ms), reason: r.reason });
export const estimateFromRow = (r) => ({ orderId: r.order_id,
    accountId: r.account_id, launchId: r.launch_id, trim: r.trim,
    city: r.city, position: n(r.position), buildWeek: n(r.build_week),
    arrivalWeek: n(r.arrival_week), centre: r.centre ?? null,
    handoverWeek: n(r.handover_week), planVersion: n(r.plan_version) });
export const changeFromRow = (r) => ({ changeId: n(r.change_id),
    replanId: r.replan_id, orderId: r.order_id,
    accountId: r.account_id, launchId: r.launch_id, trim: r.trim,
    oldFrom: r.old_from, oldTo: r.old_to, newFrom: r.new_from,
    newTo: r.new_to, weeksMoved: n(r.weeks_moved), atMs: n(r.at_ms) });
export const replanFromRow = (r) => ({ replanId: r.replan_id,
    atMs: n(r.at_ms), actor: r.actor, cause: r.cause, reason: r.reason,
    ordersEstimated: n(r.orders_estimated), movedEarlier: n(r.moved_earlier),
    movedLater: n(r.moved_later) });
export const shownFromRow = (r) => ({ orderId: r.order_id,
    shownAtMs: n(r.shown_at_ms), handoverWeek: n(r.handover_week),
    windowFrom: r.window_from, windowTo: r.window_to,
    occasion: r.occasion });
export const CAR_COLUMNS = 'vin, launch_id, trim, options, built_on, recorded_at_ms, recorded_by, '
    + 'order_id, placed_at_ms, pooled';
export const carFromRow = (r) => ({ vin: r.vin,
    launchId: r.launch_id, trim: r.trim,
    options: r.options === '' ? [] : r.options.split(','),
    builtOn: r.built_on, recordedAtMs: n(r.recorded_at_ms),
    recordedBy: r.recorded_by, orderId: r.order_id ?? null,
    placedAtMs: r.placed_at_ms === null ? null : n(r.placed_at_ms), pooled: n(r.pooled) === 1 });
/** Allocated cars with the handover week of the first estimate shown at their order's lock. */
export const ALLOCATED_WITH_SHOWN = 'SELECT c.order_id, c.built_on, (SELECT s.handover_week '
    + 'FROM shown_estimates s WHERE s.order_id = c.order_id ORDER BY s.shown_id LIMIT 1) AS week '
    + 'FROM built_cars c WHERE c.order_id IS NOT NULL ORDER BY c.car_seq';
//# sourceMappingURL=production-rows.js.map