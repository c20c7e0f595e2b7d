// Operator endpoints. Every change an operator makes is written to the audit log with who and when.
import type { City, Launch } from '../domain/launch.js';
import {
  CHANGE_ASPECTS, type ChangeAspect, type ChangeWindow, type Order,
} from '../domain/order.js';
import { ok, refuse, type Result } from '../domain/outcomes.js';
import type { Json } from './http-io.js';
import { cancelHandler } from './buyer-routes.js';
import {
  afterWrite, orderReply, reply, type Ctx, type Reply, type Route,
} from './route.js';
import { newId } from './ids.js';
import { idNumberSearchKey, validatePhone } from '../domain/identity.js';
import { parseIsoTime } from '../domain/iso-time.js';
import { compileFields, queryNumber } from '../kernel/http/schema.js';
import { paymentAdminRoutes } from './payment-routes.js';
import { operatorReason, operatorRoutes } from './operator-routes.js';
import { accountView, iso, launchView, orderView, windowView } from './views.js';
import * as Accounts from './account-schemas.js';
import * as Launches from './launch-schemas.js';
import * as Orders from './order-schemas.js';

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

/** A body's field as its schema let it through: null (not given) reads as undefined. */
const given = <T>(b: Json, name: string): T | undefined => (b[name] ?? undefined) as T | undefined;

/** A time its schema passed (`time()`: the strict parser's), in ms; undefined stays so. */
const timeMs = (v: string | undefined): number | undefined =>
  (v === undefined ? undefined : parseIsoTime(v)!);

/**
 * Applies a PATCH body its schema passed (launch-schemas.ts's patchLaunch) to a launch, or
 * refuses by the rules that need the launch: trims and cities it knows.
 */
function patchLaunch(l: Launch, b: Json, knownCities: ReadonlyMap<string, City>): Result<Launch> {
  const opensAtMs = timeMs(given<string>(b, 'opens_at'));
  const deposit = given<number>(b, 'deposit_fen');
  const limit = given<number>(b, 'per_account_limit');
  const cooling = given<number>(b, 'cooling_off_hours');
  const cities = given<string[]>(b, 'cities');
  let trims = l.trims;
  const cap = b.capacity_per_week as Record<string, unknown> | undefined;
  if (cap !== undefined) {
    // Each entry names a trim of this launch before its number is checked.
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
  if (cities !== undefined) {
    const picked: City[] = [];
    for (const id of new Set(cities)) {
      const c = knownCities.get(id);
      if (!c) return refuse('unknown_city', `"${id}" is not a city launchday knows.`);
      picked.push(c);
    }
    if (picked.length === 0) return refuse('invalid_request', '"cities" must name at least one.');
    cityList = picked;
  }
  return ok({ ...l, trims, cities: cityList,
    ...(opensAtMs !== undefined ? { opensAtMs } : {}),
    ...(deposit !== undefined ? { depositFen: deposit } : {}),
    ...(limit !== undefined ? { perAccountLimit: limit } : {}),
    ...(cooling !== undefined ? { coolingOffHours: cooling } : {}) });
}

/** A change window from a body its schema passed (launch-schemas.ts's openWindow). */
async function newWindow(ctx: Ctx, b: Json): Promise<Result<ChangeWindow>> {
  const from = b.from_launch_id as string;
  const to = given<string>(b, 'to_launch_id');
  const o = timeMs(b.opens_at as string)!;
  const c = timeMs(b.closes_at as string)!;
  if (!(await ctx.app.launch(from))) return refuse('launch_not_found');
  if (to !== undefined && !(await ctx.app.launch(to))) {
    return refuse('launch_not_found');
  }
  const aspects = [...new Set(b.allows as string[])];
  if (aspects.length === 0 || !aspects.every((a) => CHANGE_ASPECTS.includes(a as ChangeAspect))) {
    return refuse('invalid_change_window', `"allows" takes some of ${CHANGE_ASPECTS.join(', ')}.`);
  }
  if (aspects.includes('model') !== (to !== undefined && to !== from)) {
    return refuse('invalid_change_window',
      'A model switch ("model" in allows) needs a to_launch_id other than the from launch.');
  }
  if (o >= c) {
    return refuse('invalid_change_window', 'opens_at must be before closes_at.');
  }
  return ok({ windowId: newId('win'), fromLaunchId: from, toLaunchId: to ?? null,
    opensAtMs: o, closesAtMs: c, allows: aspects as ChangeAspect[],
    closedAtMs: null, createdBy: actorOf(ctx), createdAtMs: ctx.app.clock.nowMs() });
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
 * Registers many buyers at once, each row on its own: every row is validated before anything
 * is written, each row's outcome is reported by its index, and one refusal (or one failed
 * write) does not stop the rest. No row gets a session: buyers sign in themselves, so the
 * operator never holds a buyer's credentials.
 */
async function importAccounts(ctx: Ctx): Promise<Reply> {
  const b = await ctx.body();
  if (!b.ok) return b;
  const list = b.value.accounts as unknown[];
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

// Compiled once, at start (account-schemas.ts's ImportRow: POST /accounts's fields).
const checkImportRow = compileFields(Accounts.ImportRow);

/** One import row, checked as POST /accounts checks its body. */
function importRow(ctx: Ctx, row: unknown) {
  const bad = checkImportRow(row);
  if (bad) return bad;
  const x = row as Json;
  return ctx.app.validateRegistration({ phone: x.phone as string, name: x.name as string,
    idNumber: x.id_number as string });
}

export function adminRoutes(clockRoute: Route): Route[] {
  return [
    clockRoute,
    { method: 'POST', path: '/admin/accounts/import', access: 'admin', bodyLimit: 'import',
      ownTextRules: true, schema: Accounts.importAccounts,
      handler: importAccounts },
    { method: 'PATCH', path: '/admin/launches/:launch_id', access: 'admin',
      schema: Launches.patchLaunch, handler: async (ctx) => {
        const l = await ctx.app.launch(ctx.params.launch_id!);
        if (!l) return refuse('launch_not_found');
        const b = await ctx.body();
        if (!b.ok) return b;
        const known = new Map<string, City>();
        for (const x of await ctx.app.launches()) for (const c of x.cities) known.set(c.cityId, c);
        const next = patchLaunch(l, b.value, known);
        if (!next.ok) return next;
        await ctx.app.putLaunch(actorOf(ctx), next.value, { fields: Object.keys(b.value) });
        return reply(200, launchView(next.value, ctx.app.clock.nowMs()));
      } },
    { method: 'GET', path: '/admin/launches/:launch_id/orders', access: 'admin',
      schema: Orders.launchOrders, handler: async (ctx) => {
        if (!(await ctx.app.launch(ctx.params.launch_id!))) return refuse('launch_not_found');
        const q = ctx.query();
        if (!q.ok) return q;
        const limit = queryNumber(q.value.limit, 1000);
        const orders = await ctx.app.currentAll(await ctx.app.deps.store.ordersOfLaunch(
          ctx.params.launch_id!, q.value.after ?? '', limit));
        return reply(200, { orders: orders.map((o) => ({ order_id: o.orderId,
          account_id: o.accountId, trim: o.trim, city: o.city, status: o.status,
          price_fen: o.priceFen, deposit: { amount_fen: o.depositFen, state: o.depositState },
          locked_at: iso(o.lockedAtMs), queued_at: iso(o.queuedAtMs), queue_place: o.queuePlace,
          trim_seq: o.trimSeq })),
          next_after: orders.length === limit ? orders[orders.length - 1]!.orderId : null });
      } },
    { method: 'POST', path: '/admin/change-windows', access: 'admin', schema: Launches.openWindow,
      handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      const w = await newWindow(ctx, b.value);
      if (!w.ok) return w;
      await ctx.app.putWindow(actorOf(ctx), w.value, 'change_window_opened');
      return reply(201, windowView(w.value, ctx.app.clock.nowMs()));
    } },
    { method: 'GET', path: '/admin/change-windows', access: 'admin', schema: Launches.windows,
      handler: async (ctx) => {
      await ctx.app.refresh(true);
      const now = ctx.app.clock.nowMs();
      const windows = await ctx.app.windows();
      return reply(200, { change_windows: windows.map((w) => windowView(w, now)) });
    } },
    { method: 'POST', path: '/admin/change-windows/:window_id/close', access: 'admin',
      schema: Launches.closeWindow, handler: async (ctx) => {
          await ctx.app.refresh(true);
          const w = (await ctx.app.windows()).find((x) => x.windowId === ctx.params.window_id);
          if (!w) return refuse('change_window_not_found');
          const closed = { ...w, closedAtMs: w.closedAtMs ?? ctx.app.clock.nowMs() };
          await ctx.app.putWindow(actorOf(ctx), closed, 'change_window_closed');
          return reply(200, windowView(closed, ctx.app.clock.nowMs()));
        } },
      { method: 'GET', path: '/admin/orders', access: 'admin', schema: Orders.findOrders,
        handler: async (ctx) => {
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
      schema: Orders.refund, handler: async (ctx) => {
        const b = await ctx.body();
        if (!b.ok) return b;
        const reason = operatorReason(b.value);
        const r = await ctx.app.act(ctx.caller!, ctx.params.order_id!, { kind: 'refund' });
        if (!r.ok) return r;
        return afterWrite(async () => {
          await ctx.app.audit(actorOf(ctx), 'order_refunded', { order_id: r.value.orderId,
            reason });
          return orderReply(ctx.app, r.value);
        });
      } },
    { method: 'POST', path: '/admin/orders/:order_id/cancel', access: 'admin',
      schema: Orders.adminCancel, handler: cancelHandler },
    ...operatorRoutes,
    { method: 'GET', path: '/admin/audit-log', access: 'admin', schema: Accounts.auditLog,
      handler: async (ctx) => {
      const q = ctx.query();
      if (!q.ok) return q;
      const entries = await ctx.app.deps.store.auditLog(queryNumber(q.value.limit,
        Math.min(100, ctx.app.deps.limits.auditLogMax)));
      return reply(200, { entries: entries.map((e) => ({ at: iso(e.atMs), actor: e.actor,
        action: e.action, detail: e.detail })) });
    } },
    ...paymentAdminRoutes,
  ];
}
