// The buyer's endpoints: accounts, sign-in, launches, orders (docs/api.md).
import type { Static } from '@sinclair/typebox';
import { idNumberSearchKey, validatePhone } from '../domain/identity.js';
import { refuse, type Refusal } from '../domain/outcomes.js';
import type { Json } from './http-io.js';
import type { Caller } from './launchday.js';
import { SIGNATURE_HEADER } from './payment-signature.js';
import { operatorReason } from './operator-routes.js';
import { sessionRoutes } from './session-routes.js';
import {
  afterWrite, orderReply, reply, type Ctx, type Reply, type Route,
} from './route.js';
import { accountView, iso, launchView, orderView } from './views.js';
import * as Accounts from './account-schemas.js';
import * as Kernel from './health-schemas.js';
import * as Launches from './launch-schemas.js';
import * as Orders from './order-schemas.js';

const IDEMPOTENCY_KEY = new RegExp(Orders.IDEMPOTENCY_KEY_PATTERN);

/** A body's text field, as its schema let it through: null (not given) reads as undefined. */
const given = (body: Json, name: string): string | undefined =>
  (body[name] ?? undefined) as string | undefined;

const buyer = (ctx: Ctx) => (ctx.caller as Extract<Caller, { role: 'buyer' }>).account;

/** A phone's stored form as a rate-limit key, or null when it is no mobile number. */
const phoneKey = (raw: string): string | null => {
  const p = validatePhone(raw);
  return p.ok ? p.value : null;
};

/** A buyer's write against the per-account and per-address limits (none for an operator). */
const buyerWriteLimit = (ctx: Ctx): Refusal | null => (ctx.caller?.role === 'buyer'
  ? ctx.app.rateLimits.buyerWrite(ctx.caller.account.accountId, ctx.address) : null);

export const buyerRoutes: Route[] = [
  { method: 'GET', path: '/time', access: 'public', schema: Kernel.time, handler: async ({ app }) =>
    reply(200, { server_time: iso(app.clock.nowMs()) }) },
  { method: 'POST', path: '/accounts', access: 'public', ownTextRules: true,
    schema: Accounts.register, handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const { phone, name, id_number: idNumber } =
      b.value as Static<typeof Accounts.RegistrationFields>;
    const limited = await ctx.app.rateLimits.registration(phoneKey(phone),
      idNumberSearchKey(idNumber), ctx.address);
    if (limited) return limited;
    const r = await ctx.app.register({ phone, name, idNumber });
    if (!r.ok) return r;
    return reply(201, { ...accountView(r.value.account, 'buyer'), token: r.value.token });
  } },
  { method: 'POST', path: '/sessions/code', access: 'public', ownTextRules: true,
    schema: Accounts.requestCode, handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = b.value.phone as string;
    const limited = await ctx.app.rateLimits.codeRequest(phoneKey(phone), ctx.address);
    if (limited) return limited;
    const r = await ctx.app.requestCode(phone);
    if (!r.ok) return r;
    // The same reply whether or not the phone is registered: only a registered one gets a text.
    return reply(202, { sent: true, expires_in_seconds: ctx.app.deps.limits.codeTtlSeconds,
      ...(r.value.code ? { dev_code: r.value.code } : {}) });
  } },
  ...sessionRoutes,
  { method: 'POST', path: '/sessions', access: 'public', ownTextRules: true,
    schema: Accounts.signIn, handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = b.value.phone as string;
    // Wrong codes are counted per phone across the codes sent: asking again resets nothing.
    const key = phoneKey(phone);
    const limited = await ctx.app.rateLimits.signIn(key, ctx.address);
    if (limited) return limited;
    const r = await ctx.app.signIn(phone, b.value.code as string);
    if (!r.ok && r.code === 'code_invalid' && key !== null) {
      await ctx.app.rateLimits.signInFailed(key);
    }
    if (!r.ok) return r;
    return reply(201, { ...accountView(r.value.account, 'buyer'), token: r.value.token });
  } },
  { method: 'POST', path: '/payments/notifications', access: 'public',
    schema: Orders.paymentNotification, handler: async (ctx) => {
    const text = await ctx.text();
    if (!text.ok) return text;
    const signature = ctx.headers[SIGNATURE_HEADER];
    const r = await ctx.app.receivePaymentNotification(text.value,
      typeof signature === 'string' ? signature : undefined);
    return r.ok ? reply(200, { received: true, duplicate: r.value.duplicate,
      ...(r.value.anomaly ? { anomaly: r.value.anomaly } : {}) }) : r;
  } },
  { method: 'GET', path: '/me', access: 'signed_in', schema: Accounts.me, handler: async (ctx) =>
    (ctx.caller!.role === 'admin' ? reply(200, { role: 'admin', actor: ctx.caller!.actor })
      : reply(200, accountView(buyer(ctx), 'buyer'))) },
  { method: 'GET', path: '/launches', access: 'public', schema: Launches.launches,
    handler: async ({ app }) => {
    const now = app.clock.nowMs();
    return reply(200, { launches: (await app.launches()).map((l) => launchView(l, now)),
      server_time: iso(now) });
  } },
  { method: 'GET', path: '/launches/:launch_id', access: 'public', schema: Launches.launch,
    handler: async (ctx) => {
    const l = await ctx.app.launch(ctx.params.launch_id!);
    return l ? reply(200, launchView(l, ctx.app.clock.nowMs())) : refuse('launch_not_found');
  } },
  { method: 'GET', path: '/launches/:launch_id/estimate', access: 'public',
    schema: Orders.estimate, handler: async (ctx) => {
      const l = await ctx.app.launch(ctx.params.launch_id!);
      if (!l) return refuse('launch_not_found');
      const q = ctx.query();
      if (!q.ok) return q;
      const trim = q.value.trim ?? '';
      const city = q.value.city ?? null;
      if (city !== null && !l.cities.some((c) => c.cityId === city)) return refuse('unknown_city');
      const e = await ctx.app.estimateIfLockedNow(l, trim);
      if (!e) return refuse('unknown_trim');
      return reply(200, { trim, city, locked_ahead: e.lockedAhead,
        estimate: { weeks_min: e.weeksMin, weeks_max: e.weeksMax, basis: 'if_locked_now' },
        as_of: iso(e.asOfMs) });
    } },
  { method: 'GET', path: '/launches/:launch_id/stats', access: 'public', schema: Orders.stats,
    handler: async (ctx) => {
    const s = await ctx.app.stats(ctx.params.launch_id!);
    return s.ok ? reply(200, s.value) : s;
  } },
  { method: 'POST', path: '/orders', access: 'buyer', ownTextRules: true,
    schema: Orders.placeOrder, handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx);
    if (limited) return limited;
    const key = ctx.headers['idempotency-key'];
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      return refuse('idempotency_key_missing');
    }
    const b = await ctx.body();
    if (!b.ok) return b;
    const { launchId, trim, options, city } = configuration(b.value);
    const r = await ctx.app.placeOrder(buyer(ctx), { launchId: launchId!, trim: trim!,
      options: options ?? [], city: city! }, key);
    if (!r.ok) return r;
    const placed = r.value;
    return afterWrite(() => (placed.replay
      ? orderReply(ctx.app, placed.order, 200, { 'idempotent-replay': 'true' })
      : orderReply(ctx.app, placed.order, 201, undefined, placed.history)));
  } },
  { method: 'GET', path: '/orders', access: 'buyer', schema: Orders.myOrders,
    handler: async (ctx) => {
    const orders = await ctx.app.ordersOf(buyer(ctx));
    const views = [];
    for (const o of orders) views.push(orderView(o, await ctx.app.orderExtras(o)));
    return reply(200, { orders: views });
  } },
  { method: 'GET', path: '/orders/:order_id', access: 'signed_in', schema: Orders.order,
    handler: async (ctx) => {
    const r = await ctx.app.order(ctx.caller!, ctx.params.order_id!);
    return r.ok ? orderReply(ctx.app, r.value) : r;
  } },
  { method: 'POST', path: '/orders/:order_id/lock', access: 'buyer', schema: Orders.lock,
    handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx);
    if (limited) return limited;
    const b = await ctx.body();
    if (!b.ok) return b;
    const r = await ctx.app.act(ctx.caller!, ctx.params.order_id!,
      { kind: 'lock', confirm: b.value.confirm === true });
    return r.ok ? afterWrite(() => orderReply(ctx.app, r.value)) : r;
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
    const r = await ctx.app.change(ctx.caller!, ctx.params.order_id!, change);
    return r.ok ? afterWrite(() => orderReply(ctx.app, r.value)) : r;
  } },
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
  const r = await ctx.app.act(ctx.caller!, ctx.params.order_id!,
    { kind: 'cancel', acceptForfeit: b.value.accept_forfeit === true });
  if (!r.ok) return r;
  const caller = ctx.caller!;
  return afterWrite(async () => {
    if (caller.role === 'admin') {
      await ctx.app.audit(caller.actor, 'order_cancelled', { order_id: r.value.orderId,
        deposit_state: r.value.depositState, reason });
    }
    return orderReply(ctx.app, r.value);
  });
}

