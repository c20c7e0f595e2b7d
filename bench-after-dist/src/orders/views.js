// The JSON shapes of the API (docs/api.md): snake_case, money in fen, times as ISO strings.
import { iso } from '../kernel/iso-time.js';
// The views of the other capabilities' records, re-exported for the order routes' readers.
export { iso, isoNow } from '../kernel/iso-time.js';
export { accountView } from '../accounts/index.js';
export { launchView, windowView } from '../launches/index.js';
/**
 * The reason an operator gave for cancelling or refunding this order, from its `cancelled`
 * event (order-commands.ts); null when the buyer cancelled, or it is not cancelled. The buyer's
 * page shows it with a contact, since the buyer did not ask for it.
 */
export function cancelReason(history) {
    for (let i = history.length - 1; i >= 0; i--) {
        const e = history[i];
        if (e.type !== 'cancelled')
            continue;
        const reason = e.detail.reason;
        return e.actor.startsWith('operator:') && typeof reason === 'string' ? reason : null;
    }
    return null;
}
export function orderView(o, x) {
    return {
        order_id: o.orderId, account_id: o.accountId, launch_id: o.launchId, model_id: o.modelId,
        trim: o.trim, options: o.options, city: o.city, status: o.status, price_fen: o.priceFen,
        deposit: { amount_fen: o.depositFen, state: o.depositState },
        created_at: iso(o.createdAtMs), cooling_off_ends_at: iso(o.coolingOffEndsAtMs),
        locked_at: iso(o.lockedAtMs), queued_at: iso(o.queuedAtMs), cancelled_at: iso(o.cancelledAtMs),
        cancel_reason: cancelReason(x.history),
        // position_in_trim is the figure a buyer reads (docs/api.md): 1 + locked_ahead_in_trim.
        queue: x.queue && { queue_key: x.queue.queueKey, place: x.queue.place,
            locked_ahead_in_trim: x.queue.lockedAheadInTrim,
            position_in_trim: x.queue.lockedAheadInTrim + 1 },
        estimate: x.estimate && { weeks_min: x.estimate.weeksMin, weeks_max: x.estimate.weeksMax,
            basis: x.estimate.basis, ...(x.estimate.window ? { window: x.estimate.window } : {}) },
        actions: x.actions,
        switch_to: x.switchTo,
        window_closes_at: iso(x.windowClosesAtMs ?? null),
        history: x.history.map((e) => ({ at: iso(e.atMs), type: e.type, actor: e.actor,
            detail: e.detail })),
        ...(x.vehicle ? { stage: 'scheduled', vehicle: { vin: x.vehicle.vin,
                built_on: x.vehicle.builtOn } } : {}),
    };
}
/** A string as JSON: as it is between quotes when nothing in it needs escaping. */
function jsonString(s) {
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
            return JSON.stringify(s);
        }
    }
    return `"${s}"`;
}
const jsonStrings = (list) => {
    let out = '[';
    for (let i = 0; i < list.length; i++)
        out += (i === 0 ? '' : ',') + jsonString(list[i]);
    return `${out}]`;
};
const jsonNumber = (n) => (Number.isFinite(n) ? String(n) : 'null');
const jsonIso = (ms) => (ms === null ? 'null' : jsonString(iso(ms)));
/**
 * `JSON.stringify(orderView(o, x))`, written out field by field: every order reply carries one,
 * and the generic serialiser took about a tenth of the event loop's time per order
 * (docs/benchmarks.md, session 5). A test holds the two equal.
 */
export function orderViewJson(o, x) {
    const q = x.queue;
    const e = x.estimate;
    const reason = cancelReason(x.history);
    let history = '[';
    for (let i = 0; i < x.history.length; i++) {
        const h = x.history[i];
        history += `${i === 0 ? '' : ','}{"at":${jsonIso(h.atMs)},"type":${jsonString(h.type)},`
            + `"actor":${jsonString(h.actor)},"detail":${JSON.stringify(h.detail)}}`;
    }
    return `{"order_id":${jsonString(o.orderId)},"account_id":${jsonString(o.accountId)},`
        + `"launch_id":${jsonString(o.launchId)},"model_id":${jsonString(o.modelId)},`
        + `"trim":${jsonString(o.trim)},"options":${jsonStrings(o.options)},`
        + `"city":${jsonString(o.city)},"status":${jsonString(o.status)},`
        + `"price_fen":${jsonNumber(o.priceFen)},"deposit":{"amount_fen":${jsonNumber(o.depositFen)},`
        + `"state":${jsonString(o.depositState)}},"created_at":${jsonIso(o.createdAtMs)},`
        + `"cooling_off_ends_at":${jsonIso(o.coolingOffEndsAtMs)},"locked_at":${jsonIso(o.lockedAtMs)},`
        + `"queued_at":${jsonIso(o.queuedAtMs)},"cancelled_at":${jsonIso(o.cancelledAtMs)},`
        + `"cancel_reason":${reason === null ? 'null' : jsonString(reason)},`
        + `"queue":${q === null ? 'null' : `{"queue_key":${jsonString(q.queueKey)},"place":${jsonNumber(q.place)},"locked_ahead_in_trim":${jsonNumber(q.lockedAheadInTrim)},`
            + `"position_in_trim":${jsonNumber(q.lockedAheadInTrim + 1)}}`},`
        + `"estimate":${e === null ? 'null' : `{"weeks_min":${jsonNumber(e.weeksMin)},"weeks_max":${jsonNumber(e.weeksMax)},"basis":${jsonString(e.basis)}${e.window ? `,"window":{"from":${jsonString(e.window.from)},"to":${jsonString(e.window.to)}}` : ''}}`},`
        + `"actions":${jsonStrings(x.actions)},"switch_to":${jsonStrings(x.switchTo)},`
        + `"window_closes_at":${jsonIso(x.windowClosesAtMs ?? null)},`
        + `"history":${history}]${x.vehicle ? `,"stage":"scheduled","vehicle":{"vin":${jsonString(x.vehicle.vin)},"built_on":${jsonString(x.vehicle.builtOn)}}` : ''}}`;
}
//# sourceMappingURL=views.js.map