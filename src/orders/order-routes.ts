// Orders' endpoints: a buyer's orders, estimates and launch figures, the payment provider's
// notifications, and an operator's view of orders, refunds and cancellations (docs/api.md).
import {
  idNumberSearchKey, operatorReason, validatePhone, type Caller,
} from '../accounts/index.js';
import { SimulatedClock } from '../kernel/clock.js';
import { iso } from '../kernel/iso-time.js';
import { ok, refuse, type Refusal, type Result } from '../kernel/outcomes.js';
import { field, JsonText, type Json } from '../kernel/http/http-io.js';
import { queryInteger, queryText } from '../kernel/http/query-params.js';
import {
  afterWrite, firstRefusal, reply, type App, type Ctx, type Reply, type Route,
} from '../kernel/http/route.js';
import { SIGNATURE_HEADER } from '../payments/index.js';
import type { Order } from './order.js';
import type { OrderEvent } from './orders-store.js';
import { accountView, orderView, orderViewJson } from './views.js';

/** An id in a query: what newId makes, with room to spare; never NUL or a control character. */
const ID_PARAM = /^[A-Za-z0-9_-]{1,64}$/;

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,64}$/;

const buyer = (ctx: Ctx) => (ctx.caller as Extract<Caller, { role: 'buyer' }>).account;

/** A buyer's write against the per-account and per-address limits (none for an operator). */
const buyerWriteLimit = (ctx: Ctx): Refusal | null => (ctx.caller?.role === 'buyer'
  ? ctx.app.rateLimits.buyerWrite(ctx.caller.account.accountId, ctx.address) : null);

export const orderRoutes: Route[] = [
  { method: 'POST', path: '/payments/notifications', access: 'public', handler: async (ctx) => {
    const text = await ctx.text();
    if (!text.ok) return text;
    const signature = ctx.headers[SIGNATURE_HEADER];
    const r = await ctx.app.settlement.receivePaymentNotification(text.value,
      typeof signature === 'string' ? signature : undefined);
    return r.ok ? reply(200, { received: true, duplicate: r.value.duplicate,
      ...(r.value.anomaly ? { anomaly: r.value.anomaly } : {}) }) : r;
  } },
  { method: 'GET', path: '/launches/:launch_id/estimate', access: 'public',
    handler: async (ctx) => {
      const l = await ctx.app.launches.launch(ctx.params.launch_id!);
      if (!l) return refuse('launch_not_found');
      const trimParam = queryText(ctx.url, 'trim');
      const cityParam = queryText(ctx.url, 'city');
      if (!trimParam.ok) return trimParam;
      if (!cityParam.ok) return cityParam;
      const trim = trimParam.value ?? '';
      const city = cityParam.value ?? null;
      if (city !== null && !l.cities.some((c) => c.cityId === city)) return refuse('unknown_city');
      const e = await ctx.app.orders.estimateIfLockedNow(l, trim);
      if (!e) return refuse('unknown_trim');
      return reply(200, { trim, city, locked_ahead: e.lockedAhead,
        estimate: { weeks_min: e.weeksMin, weeks_max: e.weeksMax, basis: 'if_locked_now' },
        as_of: iso(e.asOfMs) });
    } },
  { method: 'GET', path: '/launches/:launch_id/stats', access: 'public', handler: async (ctx) => {
    const s = await ctx.app.orders.stats(ctx.params.launch_id!);
    return s.ok ? reply(200, s.value) : s;
  } },
  { method: 'POST', path: '/orders', access: 'buyer', ownTextRules: true,
    handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx);
    if (limited) return limited;
    const key = ctx.headers['idempotency-key'];
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      return refuse('idempotency_key_missing');
    }
    const b = await ctx.body();
    if (!b.ok) return b;
    const c = configuration(ctx, b.value, true);
    if (!c.ok) return c;
    const { launchId, trim, options, city } = c.value;
    const r = await ctx.app.orders.place(buyer(ctx), { launchId: launchId!, trim: trim!,
      options: options ?? [], city: city! }, key);
    if (!r.ok) return r;
    const placed = r.value;
    return afterWrite(() => (placed.replay
      ? orderReply(ctx.app, placed.order, 200, { 'idempotent-replay': 'true' })
      : orderReply(ctx.app, placed.order, 201, undefined, placed.history)));
  } },
  { method: 'GET', path: '/orders', access: 'buyer', handler: async (ctx) => {
    const orders = await ctx.app.orders.ordersOf(buyer(ctx));
    const views = [];
    for (const o of orders) views.push(orderView(o, await ctx.app.orders.orderExtras(o)));
    return reply(200, { orders: views });
  } },
  { method: 'GET', path: '/orders/:order_id', access: 'signed_in', handler: async (ctx) => {
    const r = await ctx.app.orders.get(ctx.caller!, ctx.params.order_id!);
    return r.ok ? orderReply(ctx.app, r.value) : r;
  } },
  { method: 'POST', path: '/orders/:order_id/lock', access: 'buyer', handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx);
    if (limited) return limited;
    const b = await ctx.body();
    if (!b.ok) return b;
    const confirm = field(b.value, 'confirm', 'boolean');
    if (!confirm.ok) return confirm;
    const r = await ctx.app.orders.act(ctx.caller!, ctx.params.order_id!,
      { kind: 'lock', confirm: confirm.value === true });
    return r.ok ? afterWrite(() => orderReply(ctx.app, r.value)) : r;
  } },
  { method: 'POST', path: '/orders/:order_id/cancel', access: 'buyer', handler: cancelHandler },
  { method: 'POST', path: '/orders/:order_id/change', access: 'buyer', ownTextRules: true,
    handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx);
    if (limited) return limited;
    const b = await ctx.body();
    if (!b.ok) return b;
    const c = configuration(ctx, b.value, false);
    if (!c.ok) return c;
    const change = Object.fromEntries(Object.entries(c.value).filter(([, v]) => v !== undefined));
    const r = await ctx.app.orders.change(ctx.caller!, ctx.params.order_id!, change);
    return r.ok ? afterWrite(() => orderReply(ctx.app, r.value)) : r;
  } },  { method: 'GET', path: '/admin/launches/:launch_id/orders', access: 'admin',
    handler: async (ctx) => {
      if (!(await ctx.app.launches.launch(ctx.params.launch_id!))) {
        return refuse('launch_not_found');
      }
      const after = queryText(ctx.url, 'after');
      if (!after.ok) return after;
      if (after.value && !ID_PARAM.test(after.value)) {
        return refuse('invalid_request', '"after" must be an order id.');
      }
      const asked = queryInteger(ctx.url, 'limit', { min: 1, max: 1000, fallback: 1000 });
      if (!asked.ok) return asked;
      const limit = asked.value;
      const orders = await ctx.app.orders.currentAll(await ctx.app.deps.store.ordersOfLaunch(
        ctx.params.launch_id!, after.value ?? '', limit));
      return reply(200, { orders: orders.map((o) => ({ order_id: o.orderId,
        account_id: o.accountId, trim: o.trim, city: o.city, status: o.status,
        price_fen: o.priceFen, deposit: { amount_fen: o.depositFen, state: o.depositState },
        locked_at: iso(o.lockedAtMs), queued_at: iso(o.queuedAtMs), queue_place: o.queuePlace,
        trim_seq: o.trimSeq })),
        next_after: orders.length === limit ? orders[orders.length - 1]!.orderId : null });
    } },
    { method: 'GET', path: '/admin/orders', access: 'admin', handler: async (ctx) => {
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
    handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      const reason = operatorReason(ctx, b.value);
      if (!reason.ok) return reason;
      const r = await ctx.app.orders.act(ctx.caller!, ctx.params.order_id!,
        { kind: 'refund', reason: reason.value });
      if (!r.ok) return r;
      return afterWrite(async () => {
        await ctx.app.audit(actorOf(ctx), 'order_refunded', { order_id: r.value.orderId,
          reason: reason.value });
        return orderReply(ctx.app, r.value);
      });
    } },
  { method: 'POST', path: '/admin/orders/:order_id/cancel', access: 'admin',
    handler: cancelHandler },
];

interface ConfigurationFields {
  launchId?: string;
  trim?: string;
  options?: string[];
  city?: string;
}

/** Reads the fields that configure an order; an order needs launch, trim and city. */
function configuration(ctx: Ctx, body: Json, forNewOrder: boolean):
  Result<ConfigurationFields> {
  const text = { required: forNewOrder, maxLength: 64 };
  const launchId = field(body, 'launch_id', 'string', text);
  const trim = field(body, 'trim', 'string', text);
  const options = field(body, 'options', 'string[]',
    { maxLength: 64, maxItems: ctx.app.deps.limits.optionsPerOrderMax });
  const city = field(body, 'city', 'string', text);
  if (!launchId.ok) return launchId;
  if (!trim.ok) return trim;
  if (!options.ok) return options;
  if (!city.ok) return city;
  return ok({ launchId: launchId.value, trim: trim.value, options: options.value,
    city: city.value });
}

export async function cancelHandler(ctx: Ctx): Promise<Reply> {
  const limited = buyerWriteLimit(ctx);
  if (limited) return limited;
  const b = await ctx.body();
  if (!b.ok) return b;
  const accept = field(b.value, 'accept_forfeit', 'boolean');
  if (!accept.ok) return accept;
  // An operator cancelling a buyer's order says why; the audit log keeps it with the name.
  const reason = ctx.caller!.role === 'admin' ? operatorReason(ctx, b.value) : ok('');
  if (!reason.ok) return reason;
  const r = await ctx.app.orders.act(ctx.caller!, ctx.params.order_id!,
    { kind: 'cancel', acceptForfeit: accept.value === true, reason: reason.value });
  if (!r.ok) return r;
  const caller = ctx.caller!;
  return afterWrite(async () => {
    if (caller.role === 'admin') {
      await ctx.app.audit(caller.actor, 'order_cancelled', { order_id: r.value.orderId,
        deposit_state: r.value.depositState, reason: reason.value });
    }
    return orderReply(ctx.app, r.value);
  });
}

async function findOrders(ctx: Ctx): Promise<Result<Order[]>> {
  const store = ctx.app.deps.store;
  const byOrder = queryText(ctx.url, 'order_id');
  const byPhone = queryText(ctx.url, 'phone');
  const byIdNumber = queryText(ctx.url, 'id_number');
  const bad = firstRefusal(byOrder, byPhone, byIdNumber);
  if (bad || !byOrder.ok || !byPhone.ok || !byIdNumber.ok) return bad!;
  const orderId = byOrder.value;
  if (orderId) {
    // Ids are short ASCII; one holding NUL or another control character names no order.
    if (!ID_PARAM.test(orderId)) return refuse('invalid_request', '"order_id" is not an id.');
    return ok([await store.order(orderId)].filter((o): o is Order => o !== null));
  }
  // Searched by their stored forms (web/js/text-fields.js), so a lower-case x finds its X.
  const phone = byPhone.value;
  const idNumber = byIdNumber.value;
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
  headers?: Record<string, string>, history?: readonly OrderEvent[]): Promise<Reply> {
  const now = await app.orders.current(order);
  return reply(status, new JsonText(orderViewJson(now,
    await app.orders.orderExtras(now, now === order ? history : undefined))), headers);
}

/** Moves a simulated clock forward (rehearsals), and locks the orders that fell due. */
export function clockRoute(): Route {
  return { method: 'POST', path: '/admin/clock', access: 'admin', handler: async (ctx) => {
    const clock = ctx.app.clock;
    if (!(clock instanceof SimulatedClock)) return refuse('clock_not_simulated');
    const b = await ctx.body();
    if (!b.ok) return b;
    const s = field(b.value, 'advance_seconds', 'integer', { required: true });
    if (!s.ok) return s;
    if (s.value! < 0 || s.value! > ctx.app.deps.limits.clockAdvanceSecondsMax) {
      return refuse('invalid_request', '"advance_seconds" must be from 0 to '
        + `${ctx.app.deps.limits.clockAdvanceSecondsMax}.`);
    }
    clock.tick(s.value! * 1000);
    const locked = await ctx.app.orders.autoLockDue();
    await ctx.app.audit(ctx.caller!.role === 'admin' ? ctx.caller!.actor : '?', 'clock_advanced',
      { advance_seconds: s.value, now: iso(clock.nowMs()) });
    return reply(200, { now: iso(clock.nowMs()), auto_locked: locked });
  } };
}
