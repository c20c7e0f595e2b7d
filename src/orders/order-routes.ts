// Orders' endpoints: a buyer's orders, estimates and launch figures, the payment provider's
// notifications, and an operator's view of orders, refunds and cancellations (docs/api.md).
import {
  idNumberSearchKey, operatorReason, validatePhone, type Caller,
} from '../accounts/index.js';
import { SimulatedClock } from '../kernel/clock.js';
import { iso } from '../kernel/iso-time.js';
import { passOf, settledWrite } from '../kernel/admission-gate.js';
import { ok, quoted, refuse, type Result } from '../kernel/outcomes.js';
import { JsonText, type Json } from '../kernel/http/http-io.js';
import { clientFacts } from '../kernel/http/client-signals.js';
import {
  afterWrite, faultTold, reply, type App, type Ctx, type Reply, type Route,
} from '../kernel/http/route.js';
import { buyerWriteLimit } from '../kernel/http/buyer-write-limit.js';
import { idempotencyKey, queryNumber } from '../kernel/http/schema.js';
import { SIGNATURE_HEADER } from '../payments/index.js';
import { cancelChanges, cancelledFrom } from './cancel-changes.js';
import type { Order } from './order.js';
import type { OrderEvent } from './orders-store.js';
import { accountView, orderView, orderViewJson } from './views.js';
import * as Orders from './order-schemas.js';

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');


/** A body's text field, as its schema let it through: null (not given) reads as undefined. */
const given = (body: Json, name: string): string | undefined =>
  (body[name] ?? undefined) as string | undefined;

const buyer = (ctx: Ctx) => (ctx.caller as Extract<Caller, { role: 'buyer' }>).account;
/**
 * The sale's refusals of an account that got to it (its pass, if a room is in front, taken):
 * each is a signal of an attempt for the suspicious-pattern report.
 */
const SALE_REFUSALS: ReadonlySet<string> = new Set(['sales_not_open',
  'per_account_limit_reached', 'payment_declined']);


export const orderRoutes: Route[] = [
  { method: 'POST', path: '/payments/notifications', access: 'public',
    schema: Orders.paymentNotification, handler: async (ctx) => {
    const text = await ctx.text();
    if (!text.ok) return text;
    const signature = ctx.headers[SIGNATURE_HEADER];
    const r = await ctx.app.settlement.receivePaymentNotification(text.value,
      typeof signature === 'string' ? signature : undefined);
    return r.ok ? reply(200, { received: true, duplicate: r.value.duplicate,
      ...(r.value.anomaly ? { anomaly: r.value.anomaly } : {}) }) : r;
  } },
  { method: 'GET', path: '/launches/:launch_id/estimate', access: 'public',
    schema: Orders.estimate, handler: async (ctx) => {
      const l = await ctx.app.launches.launch(ctx.params.launch_id!);
      if (!l) return refuse('launch_not_found');
      const q = ctx.query();
      if (!q.ok) return q;
      const trim = q.value.trim ?? ''; // required by the contract: never empty here
      const city = q.value.city ?? null;
      if (city !== null && !l.cities.some((c) => c.cityId === city)) {
        return refuse('unknown_city', `${l.name} does not deliver to the city ${quoted(city)}; `
          + `it delivers to ${l.cities.map((c) => c.cityId).join(', ')}.`);
      }
      const e = await ctx.app.orders.estimateIfLockedNow(l, trim, city);
      if (!e) {
        return refuse('unknown_trim', `${l.name} has no trim ${quoted(trim)}; pick one of `
          + `${l.trims.map((t) => t.trim).join(', ')}.`);
      }
      return reply(200, { trim, city, locked_ahead: e.lockedAhead,
        estimate: { weeks_min: e.weeksMin, weeks_max: e.weeksMax, basis: 'if_locked_now',
          ...(e.window ? { window: e.window } : {}) },
        as_of: iso(e.asOfMs) });
    } },
  { method: 'GET', path: '/launches/:launch_id/stats', access: 'public', schema: Orders.stats,
    // Read from the store again after any commit that may have moved a count (on PostgreSQL,
    // every time), prepared again only when a count moved (prepared-figures.ts).
    prepared: (params, app) => {
      const l = app.launches.cachedLaunch(params.launch_id!);
      return l ? app.orders.cachedFigures(l) : undefined;
    },
    handler: async (ctx) => {
    const l = await ctx.app.launches.launch(ctx.params.launch_id!);
    if (!l) return refuse('launch_not_found');
    return reply(200, await ctx.app.orders.figures(l));
  } },
  { method: 'POST', path: '/orders', access: 'buyer', ownTextRules: true,
    schema: Orders.placeOrder, handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx);
    if (limited) return limited;
    const keyed = idempotencyKey(ctx.headers);
    if (!keyed.ok) return keyed;
    const key = keyed.value;
    const b = await ctx.body();
    if (!b.ok) return b;
    const { launchId, trim, options, city } = configuration(b.value);
    // While a waiting room is on in front of the launch, the order spends its pass.
    const pass = passOf(ctx.headers);
    const gate = ctx.app.orders.admission;
    const closed = await gate.claim(launchId!, pass, buyer(ctx).accountId, key);
    // A retry of an order taken is answered as one, pass or not (its pass went with it; the
    // retry of a lost reply carries none): only a key never used is refused.
    if (closed && !(await ctx.app.orders.keyUsed(buyer(ctx).accountId, key))) return closed;
    // A throw after the claim (the order's commit's, after its charge) is an unknown outcome:
    // the pass stays with the key, whose retry is answered from what was written; the shell
    // answers the throw.
    const r = await settledWrite(gate, { targetId: launchId!, pass, accountId:
      buyer(ctx).accountId, key }, () => ctx.app.orders.place(buyer(ctx), { launchId: launchId!,
      trim: trim!, options: options ?? [], city: city! }, key), faultTold(ctx));
    if (!r.ok) {
      // The sale refused an account that got to it: the report counts it as one that tried.
      if (SALE_REFUSALS.has(r.code)) {
        ctx.app.observe({ kind: 'order_refused', accountId: buyer(ctx).accountId,
          accountCreatedAtMs: buyer(ctx).createdAtMs, subjectId: null,
          scope: `launch:${launchId!}`, units: 1, city: city ?? null, deliveryAddress: null,
          atMs: ctx.app.clock.nowMs(), facts: clientFacts(ctx) });
      }
      return r;
    }
    const placed = r.value;
    if (!placed.replay) {
      const o = placed.order;
      ctx.app.observe({ kind: 'order', accountId: o.accountId,
        accountCreatedAtMs: buyer(ctx).createdAtMs, subjectId: o.orderId,
        scope: `launch:${o.launchId}`, units: 1, city: o.city, deliveryAddress: null,
        atMs: o.createdAtMs, facts: clientFacts(ctx) });
    }
    return afterWrite(() => (placed.replay
      ? orderReply(ctx.app, placed.order, 200, { 'idempotent-replay': 'true' })
      : orderReply(ctx.app, placed.order, 201, undefined, placed.history,
        placed.order.status === 'locked')));
  } },
  { method: 'GET', path: '/orders', access: 'buyer', schema: Orders.myOrders, handler: async (ctx) => {
    const orders = await ctx.app.orders.ordersOf(buyer(ctx));
    const views = [];
    for (const o of orders) views.push(orderView(o, await ctx.app.orders.orderExtras(o)));
    return reply(200, { orders: views });
  } },
  { method: 'GET', path: '/orders/:order_id', access: 'signed_in', schema: Orders.order,
    handler: async (ctx) => {
    const r = await ctx.app.orders.get(ctx.caller!, ctx.params.order_id!);
    return r.ok ? orderReply(ctx.app, r.value) : r;
  } },
  { method: 'POST', path: '/orders/:order_id/lock', access: 'buyer', schema: Orders.lock,
    handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx);
    if (limited) return limited;
    const b = await ctx.body();
    if (!b.ok) return b;
    const r = await ctx.app.orders.act(ctx.caller!, ctx.params.order_id!,
      { kind: 'lock', confirm: b.value.confirm === true });
    // The estimate in this reply is the one shown at the lock: recorded for the truth audit.
    return r.ok ? afterWrite(() => orderReply(ctx.app, r.value, 200, undefined, undefined, true))
      : r;
  } },
  { method: 'POST', path: '/orders/:order_id/cancel', access: 'buyer', schema: Orders.cancel,
    handler: cancelHandler },
  { method: 'POST', path: '/orders/:order_id/change', access: 'buyer', ownTextRules: true,
    schema: Orders.change, handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx);
    if (limited) return limited;
    const b = await ctx.body();
    if (!b.ok) return b;
    const change = Object.fromEntries(Object.entries(configuration(b.value))
      .filter(([, v]) => v !== undefined));
    const orderId = ctx.params.order_id!;
    // A model switch is a way into the target launch: while a room is on in front of it, the
    // switch spends a pass as an order there would. Keyed by the order and its version, so
    // that a retry of the same switch repeats its claim, and a later one needs a new pass.
    const mine = change.launchId === undefined ? null : await ctx.app.orders.get(ctx.caller!,
      orderId);
    const into = mine?.ok && mine.value.launchId !== change.launchId ? change.launchId! : null;
    const key = mine?.ok ? `switch:${orderId}:${mine.value.version}` : '';
    const gate = ctx.app.orders.admission;
    const pass = passOf(ctx.headers);
    if (into !== null) {
      const closed = await gate.claim(into, pass, buyer(ctx).accountId, key);
      if (closed) return closed;
    }
    const switched = () => ctx.app.orders.change(ctx.caller!, orderId, change);
    // A switch that throws after its claim still settles it (kept with the switch's key).
    const r = into === null ? await switched() : await settledWrite(gate, { targetId: into, pass,
      accountId: buyer(ctx).accountId, key }, switched, faultTold(ctx));
    return r.ok ? afterWrite(() => orderReply(ctx.app, r.value)) : r;
  } },
  { method: 'GET', path: '/admin/launches/:launch_id/orders', access: 'admin',
    schema: Orders.launchOrders, handler: async (ctx) => {
      if (!(await ctx.app.launches.launch(ctx.params.launch_id!))) {
        return refuse('launch_not_found');
      }
      const q = ctx.query();
      if (!q.ok) return q;
      const limit = queryNumber(q.value.limit, 1000);
      const orders = await ctx.app.orders.currentAll(await ctx.app.deps.store.ordersOfLaunch(
        ctx.params.launch_id!, q.value.after ?? '', limit));
      return reply(200, { orders: orders.map((o) => ({ order_id: o.orderId,
        account_id: o.accountId, trim: o.trim, city: o.city, status: o.status,
        price_fen: o.priceFen, deposit: { amount_fen: o.depositFen, state: o.depositState },
        locked_at: iso(o.lockedAtMs), queued_at: iso(o.queuedAtMs), queue_place: o.queuePlace,
        trim_seq: o.trimSeq })),
        next_after: orders.length === limit ? orders[orders.length - 1]!.orderId : null });
    } },
    { method: 'GET', path: '/admin/orders', access: 'admin', schema: Orders.findOrders,
      handler: async (ctx) => {
      const found = await findOrders(ctx);
      if (!found.ok) return found;
      const views = [];
      for (const o of await ctx.app.orders.currentAll(found.value)) {
        const a = await ctx.app.deps.store.accountById(o.accountId);
        views.push({ ...orderView(o, await ctx.app.orders.orderExtras(o)),
          account: a ? accountView(a, 'buyer') : null });
      }
      return reply(200, { orders: views });
    } },
  { method: 'POST', path: '/admin/orders/:order_id/refund', access: 'admin',
    schema: Orders.refund, handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      const reason = operatorReason(b.value);
      const r = await ctx.app.orders.act(ctx.caller!, ctx.params.order_id!, { kind: 'refund',
        reason });
      if (!r.ok) return r;
      return afterWrite(async () => {
        // A refund is only ever of a firm order (decideRefund).
        await ctx.app.audit(actorOf(ctx), 'order_refunded', { order_id: r.value.orderId,
          reason, changes: cancelChanges('firm', r.value) });
        return orderReply(ctx.app, r.value);
      });
    } },
  { method: 'POST', path: '/admin/orders/:order_id/cancel', access: 'admin',
    schema: Orders.adminCancel, handler: cancelHandler },
];

interface ConfigurationFields {
  launchId?: string;
  trim?: string;
  options?: string[];
  city?: string;
}

/**
 * The fields that configure an order, from a body its schema passed (order-schemas.ts: a new
 * order needs launch, trim and city); null reads as not given.
 */
function configuration(body: Json): ConfigurationFields {
  return { launchId: given(body, 'launch_id'), trim: given(body, 'trim'),
    options: (body.options ?? undefined) as string[] | undefined, city: given(body, 'city') };
}

export async function cancelHandler(ctx: Ctx): Promise<Reply> {
  const limited = buyerWriteLimit(ctx);
  if (limited) return limited;
  const b = await ctx.body();
  if (!b.ok) return b;
  // An operator cancelling a buyer's order says why (its schema requires it); the audit log
  // keeps it with the name.
  const reason = ctx.caller!.role === 'admin' ? operatorReason(b.value) : '';
  const r = await ctx.app.orders.act(ctx.caller!, ctx.params.order_id!,
    { kind: 'cancel', acceptForfeit: b.value.accept_forfeit === true,
      ...(reason ? { reason } : {}) });
  if (!r.ok) return r;
  const caller = ctx.caller!;
  return afterWrite(async () => {
    if (caller.role === 'admin') {
      const from = cancelledFrom(r.value, await ctx.app.deps.store.orderEvents(r.value.orderId));
      await ctx.app.audit(caller.actor, 'order_cancelled', { order_id: r.value.orderId,
        deposit_state: r.value.depositState, reason, changes: cancelChanges(from, r.value) });
    }
    return orderReply(ctx.app, r.value);
  });
}

async function findOrders(ctx: Ctx): Promise<Result<Order[]>> {
  const store = ctx.app.deps.store;
  // Ids are short ASCII (the schema's pattern): one holding NUL or a control character is none.
  const q = ctx.query();
  if (!q.ok) return q;
  const orderId = q.value.order_id;
  if (orderId) {
    return ok([await store.order(orderId)].filter((o): o is Order => o !== null));
  }
  // Searched by their stored forms (web/js/text-fields.js), so a lower-case x finds its X.
  const phone = q.value.phone;
  const idNumber = q.value.id_number;
  const phoneKey = phone ? validatePhone(phone) : null;
  if (phoneKey && !phoneKey.ok) return phoneKey;
  const idKey = idNumber ? idNumberSearchKey(idNumber) : null;
  if (idNumber && idKey === null) return refuse('invalid_id_number');
  const account = phoneKey ? await store.accountByPhone(phoneKey.value)
    : idKey ? await store.accountByIdNumber(idKey) : undefined;
  if (account === undefined) {
    return refuse('invalid_request', 'Search by order_id, phone or id_number.');
  }
  return ok(account ? await store.ordersOfAccount(account.accountId,
    ctx.app.deps.limits.adminSearchMax) : []);
}

/**
 * An order's reply, describing the order as it stands at the reply's time (a lock that fell due
 * since it was read is written first, `OrdersService.current`). `history`, given for a new order,
 * is used only while the order is unchanged.
 */
async function orderReply(app: App, order: Order, status = 200,
  headers?: Record<string, string>, history?: readonly OrderEvent[], atLock = false):
  Promise<Reply> {
  const now = await app.orders.current(order);
  return reply(status, new JsonText(orderViewJson(now,
    await app.orders.orderExtras(now, now === order ? history : undefined, atLock))), headers);
}

/** Moves a simulated clock forward (rehearsals), and locks the orders that fell due. */
export function clockRoute(): Route {
  return { method: 'POST', path: '/admin/clock', access: 'admin', schema: Orders.clock,
    handler: async (ctx) => {
    const clock = ctx.app.clock;
    if (!(clock instanceof SimulatedClock)) return refuse('clock_not_simulated');
    const b = await ctx.body();
    if (!b.ok) return b;
    const seconds = b.value.advance_seconds as number;
    clock.tick(seconds * 1000);
    const locked = await ctx.app.orders.autoLockDue();
    await ctx.app.audit(ctx.caller!.role === 'admin' ? ctx.caller!.actor : '?', 'clock_advanced',
      { advance_seconds: seconds, now: iso(clock.nowMs()) });
    return reply(200, { now: iso(clock.nowMs()), auto_locked: locked });
  } };
}
