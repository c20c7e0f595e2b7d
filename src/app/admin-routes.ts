// Operator endpoints. Every change an operator makes is written to the audit log with who and when.
import type { City, Launch } from '../domain/launch.js';
import {
  CHANGE_ASPECTS, type ChangeAspect, type ChangeWindow, type Order,
} from '../domain/order.js';
import { ok, refuse, type Result } from '../domain/outcomes.js';
import { field, type Json } from './http-io.js';
import { cancelHandler } from './buyer-routes.js';
import {
  afterWrite, firstRefusal, orderReply, parseTime, reply, type Ctx, type Reply, type Route,
} from './route.js';
import { newId } from './ids.js';
import { cancelChanges, launchChanges } from './audit-changes.js';
import { queryInteger, queryText } from './query-params.js';
import { idNumberSearchKey, validatePhone } from '../domain/identity.js';
import { paymentAdminRoutes } from './payment-routes.js';
import { operatorReason, operatorRoutes } from './operator-routes.js';
import { accountView, iso, launchView, orderView, windowView } from './views.js';

/** An id in a query: what newId makes, with room to spare; never NUL or a control character. */
const ID_PARAM = /^[A-Za-z0-9_-]{1,64}$/;

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

/** Applies a PATCH body to a launch, or refuses naming the field. */
function patchLaunch(l: Launch, b: Json, knownCities: ReadonlyMap<string, City>): Result<Launch> {
  const opensAt = field(b, 'opens_at', 'string');
  const deposit = field(b, 'deposit_fen', 'integer');
  const limit = field(b, 'per_account_limit', 'integer');
  const cooling = field(b, 'cooling_off_hours', 'integer');
  const cities = field(b, 'cities', 'string[]', { maxItems: 500, maxLength: 64 });
  const bad = firstRefusal(opensAt, deposit, limit, cooling, cities);
  if (bad || !opensAt.ok || !deposit.ok || !limit.ok || !cooling.ok || !cities.ok) return bad!;
  const opensAtMs = parseTime('opens_at', opensAt.value);
  if (!opensAtMs.ok) return opensAtMs;
  if (deposit.value !== undefined && (deposit.value < 100 || deposit.value > 100_000_00)) {
    return refuse('invalid_request', '"deposit_fen" must be from 100 to 10000000 fen.');
  }
  if (limit.value !== undefined && (limit.value < 1 || limit.value > 100)) {
    return refuse('invalid_request', '"per_account_limit" must be from 1 to 100.');
  }
  if (cooling.value !== undefined && (cooling.value < 0 || cooling.value > 24 * 60)) {
    return refuse('invalid_request', '"cooling_off_hours" must be from 0 to 1440.');
  }
  let trims = l.trims;
  const cap = b.capacity_per_week;
  if (cap !== undefined) {
    if (cap === null || typeof cap !== 'object' || Array.isArray(cap)) {
      return refuse('invalid_request', '"capacity_per_week" must be an object of trim: cars.');
    }
    for (const [t, n] of Object.entries(cap)) {
      if (!l.trims.some((x) => x.trim === t)) return refuse('unknown_trim');
      if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 1_000_000) {
        return refuse('invalid_request', `"capacity_per_week.${t}" must be from 1 to 1000000.`);
      }
    }
    trims = l.trims.map((t) => ({ ...t,
      capacityPerWeek: (cap as Record<string, number>)[t.trim] ?? t.capacityPerWeek }));
  }
  let cityList = l.cities;
  if (cities.value !== undefined) {
    const picked: City[] = [];
    for (const id of new Set(cities.value)) {
      const c = knownCities.get(id);
      if (!c) return refuse('unknown_city', `"${id}" is not a city launchday knows.`);
      picked.push(c);
    }
    if (picked.length === 0) return refuse('invalid_request', '"cities" must name at least one.');
    cityList = picked;
  }
  return ok({ ...l, trims, cities: cityList,
    ...(opensAtMs.value !== undefined ? { opensAtMs: opensAtMs.value } : {}),
    ...(deposit.value !== undefined ? { depositFen: deposit.value } : {}),
    ...(limit.value !== undefined ? { perAccountLimit: limit.value } : {}),
    ...(cooling.value !== undefined ? { coolingOffHours: cooling.value } : {}) });
}

async function newWindow(ctx: Ctx, b: Json): Promise<Result<ChangeWindow>> {
  const from = field(b, 'from_launch_id', 'string', { required: true, maxLength: 64 });
  const to = field(b, 'to_launch_id', 'string', { maxLength: 64 });
  const opensAt = field(b, 'opens_at', 'string', { required: true });
  const closesAt = field(b, 'closes_at', 'string', { required: true });
  const allows = field(b, 'allows', 'string[]', { required: true, maxItems: 6 });
  const bad = firstRefusal(from, to, opensAt, closesAt, allows);
  if (bad || !from.ok || !to.ok || !opensAt.ok || !closesAt.ok || !allows.ok) return bad!;
  const o = parseTime('opens_at', opensAt.value);
  const c = parseTime('closes_at', closesAt.value);
  if (!o.ok) return o;
  if (!c.ok) return c;
  if (!(await ctx.app.launch(from.value!))) return refuse('launch_not_found');
  if (to.value !== undefined && !(await ctx.app.launch(to.value))) {
    return refuse('launch_not_found');
  }
  const aspects = [...new Set(allows.value!)];
  if (aspects.length === 0 || !aspects.every((a) => CHANGE_ASPECTS.includes(a as ChangeAspect))) {
    return refuse('invalid_change_window', `"allows" takes some of ${CHANGE_ASPECTS.join(', ')}.`);
  }
  if (aspects.includes('model') !== (to.value !== undefined && to.value !== from.value)) {
    return refuse('invalid_change_window',
      'A model switch ("model" in allows) needs a to_launch_id other than the from launch.');
  }
  if (o.value! >= c.value!) {
    return refuse('invalid_change_window', 'opens_at must be before closes_at.');
  }
  return ok({ windowId: newId('win'), fromLaunchId: from.value!, toLaunchId: to.value ?? null,
    opensAtMs: o.value!, closesAtMs: c.value!, allows: aspects as ChangeAspect[],
    closedAtMs: null, createdBy: actorOf(ctx), createdAtMs: ctx.app.clock.nowMs() });
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
 * Registers many buyers at once, each row on its own: every row is validated before anything
 * is written, each row's outcome is reported by its index, and one refusal (or one failed
 * write) does not stop the rest. No row gets a session: buyers sign in themselves, so the
 * operator never holds a buyer's credentials.
 */
async function importAccounts(ctx: Ctx): Promise<Reply> {
  const b = await ctx.body();
  if (!b.ok) return b;
  const list = b.value.accounts;
  const max = ctx.app.deps.limits.importAccountsMax;
  if (!Array.isArray(list) || list.length > max) {
    return refuse('invalid_request', `"accounts" must be a list of at most ${max}.`);
  }
  const errors: Array<{ index: number; code: string; message: string }> = [];
  const valid = [];
  for (const [index, row] of list.entries()) {
    const v = importRow(ctx, row);
    if (v.ok) valid.push({ index, row: v.value });
    else errors.push({ index, code: v.code, message: v.message });
  }
  const settled = await Promise.all(valid.map(async ({ index, row }) => {
    try {
      return { index, r: await ctx.app.importAccount(row) };
    } catch {
      return { index, r: refuse('internal_error', 'This row was not written; import it again.') };
    }
  }));
  const created = [];
  for (const { index, r } of settled) {
    if (r.ok) created.push({ index, account_id: r.value.accountId, phone: r.value.phone });
    else errors.push({ index, code: r.code, message: r.message });
  }
  errors.sort((x, y) => x.index - y.index);
  await ctx.app.audit(actorOf(ctx), 'accounts_imported',
    { created: created.length, refused: errors.length });
  return reply(200, { created, errors });
}

/** One import row, checked as POST /accounts checks its body. */
function importRow(ctx: Ctx, row: unknown) {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    return refuse('invalid_request', 'Each row must be an object of phone, name, id_number.');
  }
  const x = row as Json;
  const phone = field(x, 'phone', 'string', { required: true, maxLength: 32 });
  const name = field(x, 'name', 'string', { required: true, maxLength: 200 });
  const idNumber = field(x, 'id_number', 'string', { required: true, maxLength: 32 });
  const bad = firstRefusal(phone, name, idNumber);
  if (bad || !phone.ok || !name.ok || !idNumber.ok) return bad!;
  return ctx.app.validateRegistration({ phone: phone.value!, name: name.value!,
    idNumber: idNumber.value! });
}

export function adminRoutes(clockRoute: Route): Route[] {
  return [
    clockRoute,
    { method: 'POST', path: '/admin/accounts/import', access: 'admin', bodyLimit: 'import',
      ownTextRules: true,
      handler: importAccounts },
    { method: 'PATCH', path: '/admin/launches/:launch_id', access: 'admin',
      handler: async (ctx) => {
        const l = await ctx.app.launch(ctx.params.launch_id!);
        if (!l) return refuse('launch_not_found');
        const b = await ctx.body();
        if (!b.ok) return b;
        const known = new Map<string, City>();
        for (const x of await ctx.app.launches()) for (const c of x.cities) known.set(c.cityId, c);
        const next = patchLaunch(l, b.value, known);
        if (!next.ok) return next;
        await ctx.app.putLaunch(actorOf(ctx), next.value, { fields: Object.keys(b.value),
          changes: launchChanges(l, next.value) });
        return reply(200, launchView(next.value, ctx.app.clock.nowMs()));
      } },
    { method: 'GET', path: '/admin/launches/:launch_id/orders', access: 'admin',
      handler: async (ctx) => {
        if (!(await ctx.app.launch(ctx.params.launch_id!))) return refuse('launch_not_found');
        const after = queryText(ctx.url, 'after');
        if (!after.ok) return after;
        if (after.value && !ID_PARAM.test(after.value)) {
          return refuse('invalid_request', '"after" must be an order id.');
        }
        const asked = queryInteger(ctx.url, 'limit', { min: 1, max: 1000, fallback: 1000 });
        if (!asked.ok) return asked;
        const limit = asked.value;
        const orders = await ctx.app.currentAll(await ctx.app.deps.store.ordersOfLaunch(
          ctx.params.launch_id!, after.value ?? '', limit));
        return reply(200, { orders: orders.map((o) => ({ order_id: o.orderId,
          account_id: o.accountId, trim: o.trim, city: o.city, status: o.status,
          price_fen: o.priceFen, deposit: { amount_fen: o.depositFen, state: o.depositState },
          locked_at: iso(o.lockedAtMs), queued_at: iso(o.queuedAtMs), queue_place: o.queuePlace,
          trim_seq: o.trimSeq })),
          next_after: orders.length === limit ? orders[orders.length - 1]!.orderId : null });
      } },
    { method: 'POST', path: '/admin/change-windows', access: 'admin', handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      const w = await newWindow(ctx, b.value);
      if (!w.ok) return w;
      await ctx.app.putWindow(actorOf(ctx), w.value, 'change_window_opened');
      return reply(201, windowView(w.value, ctx.app.clock.nowMs()));
    } },
    { method: 'GET', path: '/admin/change-windows', access: 'admin', handler: async (ctx) => {
      await ctx.app.refresh(true);
      const now = ctx.app.clock.nowMs();
      const windows = await ctx.app.windows();
      return reply(200, { change_windows: windows.map((w) => windowView(w, now)) });
    } },
    { method: 'POST', path: '/admin/change-windows/:window_id/close', access: 'admin',
      handler: async (ctx) => {
          await ctx.app.refresh(true);
          const w = (await ctx.app.windows()).find((x) => x.windowId === ctx.params.window_id);
          if (!w) return refuse('change_window_not_found');
          const closed = { ...w, closedAtMs: w.closedAtMs ?? ctx.app.clock.nowMs() };
          await ctx.app.putWindow(actorOf(ctx), closed, 'change_window_closed',
            { closed_at: { from: iso(w.closedAtMs), to: iso(closed.closedAtMs) } });
          return reply(200, windowView(closed, ctx.app.clock.nowMs()));
        } },
      { method: 'GET', path: '/admin/orders', access: 'admin', handler: async (ctx) => {
        const found = await findOrders(ctx);
        if (!found.ok) return found;
        const views = [];
        for (const o of await ctx.app.currentAll(found.value)) {
          const a = await ctx.app.deps.store.accountById(o.accountId);
          views.push({ ...orderView(o, await ctx.app.orderExtras(o)),
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
        const r = await ctx.app.act(ctx.caller!, ctx.params.order_id!, { kind: 'refund',
          reason: reason.value });
        if (!r.ok) return r;
        return afterWrite(async () => {
          await ctx.app.audit(actorOf(ctx), 'order_refunded', { order_id: r.value.orderId,
            reason: reason.value, changes: cancelChanges(r.value) });
          return orderReply(ctx.app, r.value);
        });
      } },
    { method: 'POST', path: '/admin/orders/:order_id/cancel', access: 'admin',
      handler: cancelHandler },
    ...operatorRoutes,
    { method: 'GET', path: '/admin/audit-log', access: 'admin', handler: async (ctx) => {
      const max = ctx.app.deps.limits.auditLogMax;
      const limit = queryInteger(ctx.url, 'limit', { min: 1, max, fallback: Math.min(100, max) });
      if (!limit.ok) return limit;
      const entries = await ctx.app.deps.store.auditLog(limit.value);
      return reply(200, { entries: entries.map((e) => ({ at: iso(e.atMs), actor: e.actor,
        action: e.action, detail: e.detail })) });
    } },
    ...paymentAdminRoutes,
  ];
}
