// Deliveries' endpoints (docs/api.md, "Deliveries"): the buyer's delivery view, balance parts,
// deferral, slots and appointment; an operator's ready mark, no-show, handover, lists, a
// centre's slot capacity and the money events; the provider's signed notification about a part.
// Shapes are delivery-schemas.ts's; the rules are the service's and delivery.ts's.
import type { Caller } from '../accounts/index.js';
import { iso, parseIsoTime } from '../kernel/iso-time.js';
import { quoted, refuse } from '../kernel/outcomes.js';
import { afterWrite, reply, type Ctx, type Route } from '../kernel/http/route.js';
import { buyerWriteLimit } from '../kernel/http/buyer-write-limit.js';
import { idempotencyKey, queryNumber } from '../kernel/http/schema.js';
import { SIGNATURE_HEADER } from '../payments/index.js';
import {
  balanceFen, bookableSlots, DAY_MS, deferralDaysLeft, METHODS, openFen, outstandingFen,
  type BalancePart, type Delivery, type DeliveryRules, type Method, type Stage,
} from './delivery.js';
import * as Deliveries from './delivery-schemas.js';

const ID_PARAM = /^[A-Za-z0-9_-]{1,64}$/;
const buyerId = (ctx: Ctx): string =>
  (ctx.caller as Extract<Caller, { role: 'buyer' }>).account.accountId;
const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');
const orderId = (ctx: Ctx): string | null =>
  (ID_PARAM.test(ctx.params.order_id ?? '') ? ctx.params.order_id! : null);
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export const partView = (p: BalancePart) => ({ part_id: p.partId, reference: p.reference,
  method: p.method, amount_fen: p.amountFen, status: p.status, requested_at: iso(p.requestedAtMs),
  settled_at: isoOrNull(p.settledAtMs), refunded_fen: p.refundedFen,
  refunded_at: isoOrNull(p.refundedAtMs) });

/** A delivery as the API shows it (`Delivery` in the OpenAPI document). */
export function deliveryView(d: Delivery, rules: DeliveryRules, parts?: readonly BalancePart[]) {
  return { order_id: d.orderId, stage: d.stage, vin: d.vin, centre: d.centre, city: d.city,
    cycle: d.cycle, scheduled_at: iso(d.scheduledAtMs), ready_at: isoOrNull(d.readyAtMs),
    balance: { price_fen: d.priceFen, deposit_fen: d.depositFen, balance_fen: balanceFen(d),
      received_fen: d.receivedFen, pending_fen: d.pendingFen, refunded_fen: d.refundedFen,
      outstanding_fen: Math.max(0, outstandingFen(d)), payable_fen: Math.max(0, openFen(d)),
      due_at: isoOrNull(d.dueAtMs),
      reminder_at: d.dueAtMs === null ? null
        : iso(d.dueAtMs - rules.balanceReminderDays * DAY_MS),
      notice_at: isoOrNull(d.noticeAtMs), grace_ends_at: isoOrNull(d.graceEndsAtMs),
      grace_days: rules.balanceGraceDays, deadline_days: rules.balanceDeadlineDays,
      after_deadline: 'notice_then_grace_then_car_released' as const },
    deferral: { deferred_until: isoOrNull(d.deferredUntilMs), days_used: d.deferredDays,
      days_left: deferralDaysLeft(d, rules) },
    appointment: d.slotStartMs === null ? null : { slot_start: iso(d.slotStartMs),
      slot_end: iso(d.slotStartMs + rules.slotMinutes * 60_000) },
    no_shows: d.noShows, no_show_max: rules.noShowMax,
    released_at: isoOrNull(d.releasedAtMs), release_reason: d.releaseReason,
    delivered_at: isoOrNull(d.deliveredAtMs), revenue_fen: d.revenueFen,
    ...(parts ? { parts: parts.map(partView) } : {}) };
}

export const deliveryRoutes: Route[] = [
  { method: 'GET', path: '/orders/:order_id/delivery', access: 'buyer',
    schema: Deliveries.view, handler: async (ctx) => {
      const id = orderId(ctx);
      if (id === null) return refuse('order_not_found');
      const r = await ctx.app.deliveries.view({ accountId: buyerId(ctx) }, id);
      return r.ok ? reply(200, deliveryView(r.value.delivery, ctx.app.deliveries.rules,
        r.value.parts)) : r;
    } },
  { method: 'POST', path: '/orders/:order_id/balance/parts', access: 'buyer',
    schema: Deliveries.payPart, handler: async (ctx) => {
      const limited = buyerWriteLimit(ctx);
      if (limited) return limited;
      const id = orderId(ctx);
      if (id === null) return refuse('order_not_found');
      const keyed = idempotencyKey(ctx.headers);
      if (!keyed.ok) return keyed;
      const b = await ctx.body();
      if (!b.ok) return b;
      const method = b.value.method as string;
      if (!(METHODS as readonly string[]).includes(method)) {
        return refuse('invalid_request', `"method" must be one of ${METHODS.join(', ')}.`);
      }
      const r = await ctx.app.deliveries.payPart(buyerId(ctx), id, keyed.value,
        b.value.amount_fen as number, method as Method);
      if (!r.ok) return r;
      const rules = ctx.app.deliveries.rules;
      return reply(r.value.replay ? 200 : 201, { part: partView(r.value.part),
        delivery: deliveryView(r.value.delivery, rules) },
      r.value.replay ? { 'idempotent-replay': 'true' } : undefined);
    } },
  { method: 'POST', path: '/orders/:order_id/delivery/defer', access: 'buyer',
    schema: Deliveries.defer, handler: async (ctx) => {
      const limited = buyerWriteLimit(ctx);
      if (limited) return limited;
      const id = orderId(ctx);
      if (id === null) return refuse('order_not_found');
      const b = await ctx.body();
      if (!b.ok) return b;
      const r = await ctx.app.deliveries.defer(buyerId(ctx), id, b.value.days as number);
      return r.ok ? afterWrite(async () => reply(200, { delivery: deliveryView(r.value.delivery,
        ctx.app.deliveries.rules), car_went_to: r.value.carToOrderId === null ? 'ready_stock'
        : 'next_order' })) : r;
    } },
  { method: 'GET', path: '/orders/:order_id/delivery/slots', access: 'buyer',
    schema: Deliveries.slots, handler: async (ctx) => {
      const id = orderId(ctx);
      if (id === null) return refuse('order_not_found');
      const r = await ctx.app.deliveries.view({ accountId: buyerId(ctx) }, id);
      if (!r.ok) return r;
      const s = await slotTable(ctx, r.value.delivery.centre);
      return reply(200, { centre: r.value.delivery.centre, slot_minutes: s.slotMinutes,
        slots: s.slots.map(([t, booked]) => ({ slot_start: iso(t),
          left: Math.max(0, s.capacity - booked) })) });
    } },
  { method: 'PUT', path: '/orders/:order_id/delivery/appointment', access: 'buyer',
    schema: Deliveries.book, handler: async (ctx) => {
      const limited = buyerWriteLimit(ctx);
      if (limited) return limited;
      const id = orderId(ctx);
      if (id === null) return refuse('order_not_found');
      const b = await ctx.body();
      if (!b.ok) return b;
      const slotMs = parseIsoTime(b.value.slot_start as string);
      if (slotMs === null) {
        return refuse('slot_invalid', `"slot_start" ${quoted(b.value.slot_start as string)} is `
          + 'not a time: pick a slot_start from GET /orders/{order_id}/delivery/slots.');
      }
      const r = await ctx.app.deliveries.book(buyerId(ctx), id, slotMs);
      return r.ok ? reply(200, { delivery: deliveryView(r.value, ctx.app.deliveries.rules) }) : r;
    } },
  { method: 'POST', path: '/admin/orders/:order_id/ready', access: 'admin',
    schema: Deliveries.markReady, handler: async (ctx) => {
      const id = orderId(ctx);
      if (id === null) return refuse('order_not_found');
      const r = await ctx.app.deliveries.markReady(actorOf(ctx), id);
      return r.ok ? reply(200, { delivery: deliveryView(r.value, ctx.app.deliveries.rules) }) : r;
    } },
  { method: 'POST', path: '/admin/deliveries/ready', access: 'admin',
    schema: Deliveries.markCentreReady, handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      const centre = b.value.centre as string;
      // A mistyped centre would mark nothing and look like a truck with no cars for it.
      if (!(await deliversTo(ctx, centre))) {
        return refuse('delivery_city_not_found', noCentre(centre));
      }
      return reply(200, { centre,
        marked: await ctx.app.deliveries.markCentreReady(actorOf(ctx), centre) });
    } },
  { method: 'POST', path: '/admin/orders/:order_id/no-show', access: 'admin',
    schema: Deliveries.noShow, handler: async (ctx) => {
      const id = orderId(ctx);
      if (id === null) return refuse('order_not_found');
      const r = await ctx.app.deliveries.noShow(actorOf(ctx), id);
      return r.ok ? reply(200, { delivery: deliveryView(r.value.delivery,
        ctx.app.deliveries.rules), car_went_to: r.value.delivery.stage !== 'released' ? null
        : r.value.carToOrderId === null ? 'ready_stock' : 'next_order' }) : r;
    } },
  { method: 'POST', path: '/admin/orders/:order_id/handover', access: 'admin',
    schema: Deliveries.handover, handler: async (ctx) => {
      const id = orderId(ctx);
      if (id === null) return refuse('order_not_found');
      const b = await ctx.body();
      if (!b.ok) return b;
      const unconfirmed = (['inspection_confirmed', 'keys_given'] as const)
        .filter((k) => b.value[k] !== true);
      if (unconfirmed.length > 0) {
        return refuse('handover_unconfirmed', `Not confirmed: ${unconfirmed.map((k) => `"${k}"`)
          .join(' and ')}. Confirm both the inspection and the keys given (true).`);
      }
      const r = await ctx.app.deliveries.handover(actorOf(ctx), id, true);
      return r.ok ? reply(200, { delivery: deliveryView(r.value, ctx.app.deliveries.rules) }) : r;
    } },
  { method: 'GET', path: '/admin/deliveries', access: 'admin', schema: Deliveries.list,
    handler: async (ctx) => {
      const q = ctx.query();
      if (!q.ok) return q;
      const limit = queryNumber(q.value.limit, ctx.app.deps.limits.deliveriesListMax);
      const list = await ctx.app.deps.store.deliveries({
        ...(q.value.stage ? { stage: q.value.stage as Stage } : {}),
        ...(q.value.centre ? { centre: q.value.centre } : {}),
        ...(q.value.overdue === 'true' ? { overdueAtMs: ctx.app.clock.nowMs() } : {}) }, limit);
      return reply(200, { deliveries: list.map((d) => deliveryView(d,
        ctx.app.deliveries.rules)) });
    } },
  { method: 'GET', path: '/admin/delivery-slots/:centre', access: 'admin',
    schema: Deliveries.centreSlots, handler: async (ctx) => {
      const centre = ctx.params.centre ?? '';
      if (!(await deliversTo(ctx, centre))) {
        return refuse('delivery_city_not_found', noCentre(centre));
      }
      const s = await slotTable(ctx, centre);
      return reply(200, { centre, capacity: s.capacity, slot_minutes: s.slotMinutes,
        slots: s.slots.map(([t, booked]) => ({ slot_start: iso(t), booked })) });
    } },
  { method: 'PUT', path: '/admin/delivery-slots/:centre/capacity', access: 'admin',
    schema: Deliveries.setCapacity, handler: async (ctx) => {
      const centre = ctx.params.centre ?? '';
      const b = await ctx.body();
      if (!b.ok) return b;
      // A capacity stored for a city no launch delivers to would be accepted and never used.
      if (!(await deliversTo(ctx, centre))) {
        return refuse('delivery_city_not_found', noCentre(centre));
      }
      await ctx.app.deliveries.setCapacity(actorOf(ctx), centre, b.value.capacity as number);
      return reply(200, { centre, capacity: b.value.capacity as number });
    } },
  { method: 'GET', path: '/admin/deliveries/pending-parts', access: 'admin',
    schema: Deliveries.pendingParts, handler: async (ctx) => {
      const q = ctx.query();
      if (!q.ok) return q;
      const { limits } = ctx.app.deps;
      // Every pending part: the questions' time reached by the end of time, from 0 ms after.
      const parts = await ctx.app.deps.store.partsToCheck(Number.MAX_SAFE_INTEGER, 0,
        queryNumber(q.value.limit, limits.deliveriesListMax));
      return reply(200, { parts: parts.map((p) => ({ order_id: p.orderId, part_id: p.partId,
        reference: p.reference, method: p.method, amount_fen: p.amountFen,
        requested_at: iso(p.requestedAtMs), checks: p.checks, next_check_at: iso(p.nextCheckAtMs
          ?? p.requestedAtMs + limits.collectionCheckAfterMs) })) });
    } },
  { method: 'GET', path: '/admin/deliveries/money-events', access: 'admin',
    schema: Deliveries.moneyEvents, handler: async (ctx) => {
      const q = ctx.query();
      if (!q.ok) return q;
      const limit = queryNumber(q.value.limit, 1000);
      const events = await ctx.app.deps.store.moneyEventsAfter(queryNumber(q.value.after, 0),
        limit);
      return reply(200, { events: events.map((e) => ({ seq: e.seq, order_id: e.orderId,
        kind: e.kind, amount_fen: e.amountFen, reference: e.reference, at: iso(e.atMs) })),
      next_after: events.length === limit ? events[events.length - 1]!.seq : null });
    } },
  { method: 'POST', path: '/payments/balance-notifications', access: 'public',
    schema: Deliveries.notification, handler: async (ctx) => {
      const text = await ctx.text();
      if (!text.ok) return text;
      const signature = ctx.headers[SIGNATURE_HEADER];
      const r = await ctx.app.deliveries.receiveNotification(text.value,
        typeof signature === 'string' ? signature : undefined);
      return r.ok ? reply(200, { received: true, duplicate: r.value.duplicate,
        ...(r.value.anomaly ? { anomaly: r.value.anomaly } : {}) }) : r;
    } },
];

/**
 * Whether `centre` names a city some launch delivers to: a delivery is handed over at its city's
 * centre, or at the city itself when it has no centre on record (deliveries-service.ts
 * `onCarsAllocated`), so every such city has slots, and no other name does.
 */
async function deliversTo(ctx: Ctx, centre: string): Promise<boolean> {
  return (await ctx.app.launches.all()).some((l) => l.cities.some((c) => c.cityId === centre));
}

/** The message of `delivery_city_not_found` for a centre named in a path or body. */
function noCentre(centre: string): string {
  return `No launch delivers to "${centre.slice(0, 64)}", so it is not a delivery centre.`;
}

/** A centre's bookable slots from now with the places booked, and its capacity. */
async function slotTable(ctx: Ctx, centre: string): Promise<{ capacity: number;
  slotMinutes: number; slots: Array<[number, number]> }> {
  const nowMs = ctx.app.clock.nowMs();
  const rules = ctx.app.deliveries.rules;
  const starts = bookableSlots(nowMs, rules);
  const booked = new Map(starts.length === 0 ? [] : await ctx.app.deps.store.slotBookings(centre,
    starts[0]!, starts[starts.length - 1]! + 1));
  const own = (await ctx.app.deps.store.slotCapacities()).find(([c]) => c === centre)?.[1];
  return { capacity: own ?? ctx.app.deps.limits.slotCapacity, slotMinutes: rules.slotMinutes,
    slots: starts.map((t) => [t, booked.get(t) ?? 0]) };
}
