// The buyer's endpoints: accounts, sign-in, launches, orders (docs/api.md).
import { idNumberSearchKey, validatePhone } from '../domain/identity.js';
import { ok, refuse, type Refusal, type Result } from '../domain/outcomes.js';
import { field, type Json } from './http-io.js';
import type { Caller } from './launchday.js';
import { SIGNATURE_HEADER } from './payment-signature.js';
import { queryText } from './query-params.js';
import { operatorReason } from './operator-routes.js';
import { preparedReads } from './prepared-reads.js';
import { sessionRoutes } from './session-routes.js';
import {
  afterWrite, firstRefusal, orderReply, reply, type Ctx, type Reply, type Route,
} from './route.js';
import { accountView, iso, orderView } from './views.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,64}$/;

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
  { method: 'GET', path: '/time', access: 'public', handler: async ({ app }) =>
    reply(200, { server_time: iso(app.clock.nowMs()) }) },
  { method: 'POST', path: '/accounts', access: 'public', ownTextRules: true,
    handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = field(b.value, 'phone', 'string', { required: true, maxLength: 32 });
    const name = field(b.value, 'name', 'string', { required: true, maxLength: 200 });
    const idNumber = field(b.value, 'id_number', 'string', { required: true, maxLength: 32 });
    const bad = firstRefusal(phone, name, idNumber);
    if (bad) return bad;
    const limited = await ctx.app.rateLimits.registration(phoneKey(phone.ok ? phone.value! : ''),
      idNumberSearchKey(idNumber.ok ? idNumber.value! : ''), ctx.address);
    if (limited) return limited;
    const r = await ctx.app.register({ phone: phone.ok ? phone.value! : '',
      name: name.ok ? name.value! : '', idNumber: idNumber.ok ? idNumber.value! : '' });
    if (!r.ok) return r;
    return reply(201, { ...accountView(r.value.account, 'buyer'), token: r.value.token });
  } },
  { method: 'POST', path: '/sessions/code', access: 'public', ownTextRules: true,
    handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = field(b.value, 'phone', 'string', { required: true, maxLength: 32 });
    if (!phone.ok) return phone;
    const limited = await ctx.app.rateLimits.codeRequest(phoneKey(phone.value!), ctx.address);
    if (limited) return limited;
    const r = await ctx.app.requestCode(phone.value!);
    if (!r.ok) return r;
    // The same reply whether or not the phone is registered: only a registered one gets a text.
    return reply(202, { sent: true, expires_in_seconds: ctx.app.deps.limits.codeTtlSeconds,
      ...(r.value.code ? { dev_code: r.value.code } : {}) });
  } },
  ...sessionRoutes,
  { method: 'POST', path: '/sessions', access: 'public', ownTextRules: true,
    handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = field(b.value, 'phone', 'string', { required: true, maxLength: 32 });
    const code = field(b.value, 'code', 'string', { required: true, maxLength: 16 });
    const bad = firstRefusal(phone, code);
    if (bad) return bad;
    // Wrong codes are counted per phone across the codes sent: asking again resets nothing.
    const key = phoneKey(phone.ok ? phone.value! : '');
    const limited = await ctx.app.rateLimits.signIn(key, ctx.address);
    if (limited) return limited;
    const r = await ctx.app.signIn(phone.ok ? phone.value! : '', code.ok ? code.value! : '');
    if (!r.ok && r.code === 'code_invalid' && key !== null) {
      await ctx.app.rateLimits.signInFailed(key);
    }
    if (!r.ok) return r;
    return reply(201, { ...accountView(r.value.account, 'buyer'), token: r.value.token });
  } },
  { method: 'POST', path: '/payments/notifications', access: 'public', handler: async (ctx) => {
    const text = await ctx.text();
    if (!text.ok) return text;
    const signature = ctx.headers[SIGNATURE_HEADER];
    const r = await ctx.app.receivePaymentNotification(text.value,
      typeof signature === 'string' ? signature : undefined);
    return r.ok ? reply(200, { received: true, duplicate: r.value.duplicate,
      ...(r.value.anomaly ? { anomaly: r.value.anomaly } : {}) }) : r;
  } },
  { method: 'GET', path: '/me', access: 'signed_in', handler: async (ctx) =>
    (ctx.caller!.role === 'admin' ? reply(200, { role: 'admin', actor: ctx.caller!.actor })
      : reply(200, accountView(buyer(ctx), 'buyer'))) },
  // The public reads are prepared once per change, with an ETag (prepared-reads.ts).
  { method: 'GET', path: '/launches', access: 'public', handler: async ({ app }) => {
    const launches = await app.launches();
    return reply(200, preparedReads(app).list(launches, app.clock.nowMs()));
  } },
  { method: 'GET', path: '/launches/:launch_id', access: 'public', handler: async (ctx) => {
    const l = await ctx.app.launch(ctx.params.launch_id!);
    return l ? reply(200, preparedReads(ctx.app).launch(l, ctx.app.clock.nowMs()))
      : refuse('launch_not_found');
  } },
  { method: 'GET', path: '/launches/:launch_id/estimate', access: 'public',
    handler: async (ctx) => {
      const l = await ctx.app.launch(ctx.params.launch_id!);
      if (!l) return refuse('launch_not_found');
      const trimParam = queryText(ctx.url, 'trim');
      const cityParam = queryText(ctx.url, 'city');
      if (!trimParam.ok) return trimParam;
      if (!cityParam.ok) return cityParam;
      const trim = trimParam.value ?? '';
      const city = cityParam.value ?? null;
      if (city !== null && !l.cities.some((c) => c.cityId === city)) return refuse('unknown_city');
      const e = await ctx.app.estimateIfLockedNow(l, trim);
      if (!e) return refuse('unknown_trim');
      return reply(200, { trim, city, locked_ahead: e.lockedAhead,
        estimate: { weeks_min: e.weeksMin, weeks_max: e.weeksMax, basis: 'if_locked_now' },
        as_of: iso(e.asOfMs) });
    } },
  { method: 'GET', path: '/launches/:launch_id/stats', access: 'public', handler: async (ctx) => {
    const l = await ctx.app.launch(ctx.params.launch_id!);
    if (!l) return refuse('launch_not_found');
    const counters = await ctx.app.counters(l.launchId);
    return reply(200, preparedReads(ctx.app).figures(l, counters, ctx.app.clock.nowMs()));
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
    const r = await ctx.app.placeOrder(buyer(ctx), { launchId: launchId!, trim: trim!,
      options: options ?? [], city: city! }, key);
    if (!r.ok) return r;
    const placed = r.value;
    return afterWrite(() => (placed.replay
      ? orderReply(ctx.app, placed.order, 200, { 'idempotent-replay': 'true' })
      : orderReply(ctx.app, placed.order, 201, undefined, placed.history)));
  } },
  { method: 'GET', path: '/orders', access: 'buyer', handler: async (ctx) => {
    const orders = await ctx.app.ordersOf(buyer(ctx));
    const views = [];
    for (const o of orders) views.push(orderView(o, await ctx.app.orderExtras(o)));
    return reply(200, { orders: views });
  } },
  { method: 'GET', path: '/orders/:order_id', access: 'signed_in', handler: async (ctx) => {
    const r = await ctx.app.order(ctx.caller!, ctx.params.order_id!);
    return r.ok ? orderReply(ctx.app, r.value) : r;
  } },
  { method: 'POST', path: '/orders/:order_id/lock', access: 'buyer', handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx);
    if (limited) return limited;
    const b = await ctx.body();
    if (!b.ok) return b;
    const confirm = field(b.value, 'confirm', 'boolean');
    if (!confirm.ok) return confirm;
    const r = await ctx.app.act(ctx.caller!, ctx.params.order_id!,
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
  const r = await ctx.app.act(ctx.caller!, ctx.params.order_id!,
    { kind: 'cancel', acceptForfeit: accept.value === true });
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

