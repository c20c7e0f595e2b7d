// The JSON shapes of the API (docs/api.md): snake_case, money in fen, times as ISO strings.
import { iso } from '../kernel/iso-time.js';
import type { Order } from './order.js';
import type { OrderEvent } from './orders-store.js';

// The views of the other capabilities' records, re-exported for the order routes' readers.
export { iso, isoNow } from '../kernel/iso-time.js';
export { accountView } from '../accounts/index.js';
export { launchView, windowView } from '../launches/index.js';

export interface OrderExtras {
  /**
   * `window`: the calendar window (Beijing dates, both included), present when a production
   * plan gave the estimate; absent for the weekly-capacity estimate.
   */
  readonly estimate: { weeksMin: number; weeksMax: number; basis: string;
    window?: { from: string; to: string } } | null;
  readonly queue: { queueKey: string; place: number; lockedAheadInTrim: number } | null;
  readonly actions: readonly string[];
  /** Launches the order may switch to now (with the `switch_model` action). */
  readonly switchTo: readonly string[];
  /** When the soonest open change window for this order closes; null or absent when none. */
  readonly windowClosesAtMs?: number | null;
  readonly history: readonly OrderEvent[];
  /**
   * The car allocated to a locked order (production's allocation): the order is `scheduled`
   * with this VIN. Absent until then, so replies before any allocation are unchanged.
   */
  readonly vehicle?: { readonly vin: string; readonly builtOn: string };
  /** Where a scheduled order's delivery stands (deliveries); absent before its first car. */
  readonly delivery?: { readonly stage: string; readonly outstandingFen: number;
    readonly dueAtMs: number | null; readonly slotStartMs: number | null };
}

/**
 * The reason an operator gave for cancelling or refunding this order, from its `cancelled`
 * event (order-commands.ts); null when the buyer cancelled, or it is not cancelled. The buyer's
 * page shows it with a contact, since the buyer did not ask for it.
 */
export function cancelReason(history: readonly OrderEvent[]): string | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i]!;
    if (e.type !== 'cancelled') continue;
    const reason = e.detail.reason;
    return e.actor.startsWith('operator:') && typeof reason === 'string' ? reason : null;
  }
  return null;
}

export function orderView(o: Order, x: OrderExtras) {
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
    ...(x.delivery ? { delivery: { stage: x.delivery.stage,
      outstanding_fen: x.delivery.outstandingFen, due_at: iso(x.delivery.dueAtMs),
      appointment_at: iso(x.delivery.slotStartMs) } } : {}),
  };
}

/** A string as JSON: as it is between quotes when nothing in it needs escaping. */
function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return JSON.stringify(s);
    }
  }
  return `"${s}"`;
}

const jsonStrings = (list: readonly string[]): string => {
  let out = '[';
  for (let i = 0; i < list.length; i++) out += (i === 0 ? '' : ',') + jsonString(list[i]!);
  return `${out}]`;
};
const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');
const jsonIso = (ms: number | null): string => (ms === null ? 'null' : jsonString(iso(ms)!));

/**
 * `JSON.stringify(orderView(o, x))`, written out field by field: every order reply carries one,
 * and the generic serialiser took about a tenth of the event loop's time per order
 * (docs/benchmarks.md, session 5). A test holds the two equal.
 */
export function orderViewJson(o: Order, x: OrderExtras): string {
  const q = x.queue;
  const e = x.estimate;
  const reason = cancelReason(x.history);
  let history = '[';
  for (let i = 0; i < x.history.length; i++) {
    const h = x.history[i]!;
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
    + `"queue":${q === null ? 'null' : `{"queue_key":${jsonString(q.queueKey)},"place":${
      jsonNumber(q.place)},"locked_ahead_in_trim":${jsonNumber(q.lockedAheadInTrim)},`
      + `"position_in_trim":${jsonNumber(q.lockedAheadInTrim + 1)}}`},`
    + `"estimate":${e === null ? 'null' : `{"weeks_min":${jsonNumber(e.weeksMin)},"weeks_max":${
      jsonNumber(e.weeksMax)},"basis":${jsonString(e.basis)}${e.window ? `,"window":{"from":${
      jsonString(e.window.from)},"to":${jsonString(e.window.to)}}` : ''}}`},`
    + `"actions":${jsonStrings(x.actions)},"switch_to":${jsonStrings(x.switchTo)},`
    + `"window_closes_at":${jsonIso(x.windowClosesAtMs ?? null)},`
    + `"history":${history}]${x.vehicle ? `,"stage":"scheduled","vehicle":{"vin":${
      jsonString(x.vehicle.vin)},"built_on":${jsonString(x.vehicle.builtOn)}}` : ''}${
      x.delivery ? `,"delivery":{"stage":${jsonString(x.delivery.stage)},"outstanding_fen":${
        jsonNumber(x.delivery.outstandingFen)},"due_at":${jsonIso(x.delivery.dueAtMs)},`
        + `"appointment_at":${jsonIso(x.delivery.slotStartMs)}}` : ''}}`;
}
