// Price books' endpoints (docs/api.md, "Price books"): an operator's price versions, books and
// their CSV, and ready-stock listings; a buyer's view of the price their order keeps, the
// ready-stock list and purchases.
import type { Caller } from '../accounts/index.js';
import { iso, parseIsoTime } from '../kernel/iso-time.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import type { Json } from '../kernel/http/http-io.js';
import { reply, type Ctx, type Route } from '../kernel/http/route.js';
import { buyerWriteLimit } from '../kernel/http/buyer-write-limit.js';
import { idempotencyKey } from '../kernel/http/schema.js';
import type { BookSettings, DayFigures } from './books.js';
import { toCsv } from './csv.js';
import type { BooksReport, OrderPriceView } from './pricebooks-service.js';
import * as S from './pricebooks-schemas.js';
import type { PriceVersion } from './pricing.js';
import {
  publicStatus, type ReadyCar, type ReadySaleOfCar, type SaleMode,
} from './ready-stock.js';

const ID_PARAM = /^[A-Za-z0-9_-]{1,64}$/;
const VIN_PARAM = /^[A-HJ-NPR-Z0-9]{17}$/;

const buyer = (ctx: Ctx) => (ctx.caller as Extract<Caller, { role: 'buyer' }>).account;
const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

const versionView = (v: PriceVersion) => ({ launch_id: v.launchId, version: v.version,
  item_kind: v.itemKind, item_id: v.itemId, price_fen: v.priceFen, previous_fen: v.previousFen,
  effective_from: iso(v.effectiveFromMs), reason: v.reason, actor: v.actor,
  recorded_at: iso(v.recordedAtMs), applied_at: iso(v.appliedAtMs) });

const priceView = (p: OrderPriceView) => ({ order_id: p.order.orderId,
  launch_id: p.order.launchId, price_version: p.placed?.priceVersion ?? 1,
  placed_price_fen: p.placed?.priceFen ?? p.order.priceFen, price_now_fen: p.priceNowFen,
  list_price_now_fen: p.listPriceNowFen,
  protections: p.protections.map((x) => ({ version: x.version, kind: x.kind,
    amount_fen: x.amountFen, at: iso(x.atMs) })),
  refunds: p.refunds.map((r) => ({ reference: r.reference, amount_fen: r.amountFen,
    status: r.status, requested_at: iso(r.requestedAtMs), confirmed_at: iso(r.confirmedAtMs) })),
  rule: { undelivered_pays_lower: p.rule.undeliveredPaysLower,
    delivered_within_days: p.rule.deliveredWithinDays } });

/** A car as shown: a hold or reservation past its end shows as available (ready-stock.ts). */
const carView = (c: ReadyCar, nowMs: number) => ({ vin: c.vin, launch_id: c.launchId,
  trim: c.trim, options: c.options, city: c.city, price_fen: c.priceFen,
  deposit_fen: c.depositFen, status: publicStatus(c, nowMs), listed_at: iso(c.listedAtMs) });

/** A sale as shown, with its car's trim, options and city: the car is off the list once sold,
 *  and a buyer's purchases named it by its launch only. */
const saleView = ({ sale: s, car }: ReadySaleOfCar) => ({ sale_id: s.saleId, vin: s.vin,
  launch_id: s.launchId, car: car && { trim: car.trim, options: car.options, city: car.city },
  mode: s.mode, price_fen: s.priceFen, deposit_fen: s.depositFen, status: s.status,
  created_at: iso(s.createdAtMs), expires_at: iso(s.expiresAtMs),
  balance_due_at: iso(s.balanceDueAtMs),
  balance_fen: s.status === 'deposit_paid' ? s.priceFen - s.depositFen : 0 });

const dayView = (d: DayFigures) => ({ day: d.day, orders: d.orders,
  deposits_fen: d.depositsFen, deliveries: d.deliveries });

function booksView(r: BooksReport, s: BookSettings) {
  const b = r.books;
  return { launch_id: b.launchId, as_of: iso(b.asOfMs),
    deposits: { received_fen: b.deposits.receivedFen, held_fen: b.deposits.heldFen,
      refunded_fen: b.deposits.refundedFen, forfeited_fen: b.deposits.forfeitedFen,
      applied_fen: b.deposits.appliedFen, orders: b.deposits.orders },
    balance: { due_fen: b.balance.dueFen, received_fen: b.balance.receivedFen,
      outstanding_fen: b.balance.outstandingFen },
    revenue: { recognised_fen: b.revenue.recognisedFen,
      protection_refunds_fen: b.revenue.protectionRefundsFen, net_fen: b.revenue.netFen,
      deliveries: b.revenue.deliveries,
      ready_stock_received_fen: b.revenue.readyStockReceivedFen,
      ready_stock_refunded_fen: b.revenue.readyStockRefundedFen },
    order_book: { potential_revenue_fen: b.orderBook.potentialRevenueFen,
      price_credits_fen: b.orderBook.priceCreditsFen },
    margin: { cost_fen: b.margin.costFen, gross_margin_fen: b.margin.grossMarginFen,
      basis_points: b.margin.basisPoints, trims_without_cost: b.margin.trimsWithoutCost },
    weeks: b.weeks.map((w) => ({ week: w.week, deliveries: w.deliveries, target: w.target,
      cumulative: w.cumulative, cumulative_target: w.cumulativeTarget })),
    days: r.days.map(dayView),
    compare: r.compare ? { launch_id: r.compare.launchId, days: r.compare.days.map(dayView) }
      : null,
    settings: { costs: s.costFenByTrim, deliveries_per_year_target: s.deliveriesPerYearTarget,
      protection: { undelivered_pays_lower: s.protection.undeliveredPaysLower,
        delivered_within_days: s.protection.deliveredWithinDays } } };
}

/** The summary part as rows: one figure per row, so a spreadsheet reads it as it is. */
function summaryRows(v: ReturnType<typeof booksView>): Array<[string, string, number | null]> {
  const out: Array<[string, string, number | null]> = [];
  for (const section of ['deposits', 'balance', 'revenue', 'order_book', 'margin'] as const) {
    for (const [k, x] of Object.entries(v[section])) {
      if (typeof x === 'number' || x === null) out.push([section, k, x]);
    }
  }
  return out;
}

/** The settings an operator sends, their schema passed: each cost a whole fen amount. */
function settingsInput(b: Json): Result<BookSettings> {
  const costs = b.costs;
  if (typeof costs !== 'object' || costs === null || Array.isArray(costs)) {
    return refuse('invalid_request', '"costs" must be an object of whole fen per trim.');
  }
  const entries = Object.entries(costs as Record<string, unknown>);
  if (entries.length > 64) return refuse('invalid_request', '"costs" may name at most 64 trims.');
  for (const [, v] of entries) {
    if (!Number.isSafeInteger(v) || (v as number) < 0) {
      return refuse('invalid_request', '"costs" must be an object of whole fen per trim.');
    }
  }
  return ok({ costFenByTrim: Object.fromEntries(entries) as Record<string, number>,
    deliveriesPerYearTarget: b.deliveries_per_year_target as number,
    protection: { undeliveredPaysLower: b.undelivered_pays_lower as boolean,
      deliveredWithinDays: b.delivered_within_days as number } });
}

async function booksFor(ctx: Ctx): Promise<Result<ReturnType<typeof booksView>>> {
  if (!ID_PARAM.test(ctx.params.launch_id ?? '')) return refuse('launch_not_found');
  const q = ctx.query();
  if (!q.ok) return q;
  const compare = q.value.compare ?? null;
  if (compare !== null && !ID_PARAM.test(compare)) return refuse('launch_not_found');
  const r = await ctx.app.pricebooks.books(ctx.params.launch_id!, compare);
  if (!r.ok) return r;
  return ok(booksView(r.value, await ctx.app.pricebooks.settings(ctx.params.launch_id!)));
}

export const pricebooksRoutes: Route[] = [
  { method: 'GET', path: '/admin/launches/:launch_id/price-versions', access: 'admin',
    schema: S.priceVersions, handler: async (ctx) => {
      if (!ID_PARAM.test(ctx.params.launch_id ?? '')) return refuse('launch_not_found');
      const r = await ctx.app.pricebooks.versions(ctx.params.launch_id!);
      return r.ok ? reply(200, { launch_id: r.value.launch.launchId,
        versions: r.value.versions.map(versionView) }) : r;
    } },
  { method: 'POST', path: '/admin/launches/:launch_id/price-versions', access: 'admin',
    schema: S.recordPriceVersion, handler: async (ctx) => {
      if (!ID_PARAM.test(ctx.params.launch_id ?? '')) return refuse('launch_not_found');
      const b = await ctx.body();
      if (!b.ok) return b;
      const kind = b.value.item_kind;
      if (kind !== 'trim' && kind !== 'option') {
        return refuse('invalid_request', '"item_kind" must be trim or option.');
      }
      const from = b.value.effective_from === undefined ? ctx.app.clock.nowMs()
        : parseIsoTime(b.value.effective_from as string)!;
      const r = await ctx.app.pricebooks.recordPriceChange(actorOf(ctx), ctx.params.launch_id!,
        { itemKind: kind, itemId: b.value.item_id as string,
          priceFen: b.value.price_fen as number, effectiveFromMs: from,
          reason: b.value.reason as string });
      return r.ok ? reply(201, versionView(r.value)) : r;
    } },
  { method: 'POST', path: '/admin/launches/:launch_id/price-versions/:version/protection',
    access: 'admin', schema: S.rerunProtection, handler: async (ctx) => {
      if (!ID_PARAM.test(ctx.params.launch_id ?? '')) return refuse('launch_not_found');
      if (!/^[1-9][0-9]{0,8}$/.test(ctx.params.version ?? '')) {
        return refuse('price_version_not_found');
      }
      const version = Number(ctx.params.version);
      const r = await ctx.app.pricebooks.rerunProtection(actorOf(ctx), ctx.params.launch_id!,
        version);
      return r.ok ? reply(200, { launch_id: ctx.params.launch_id!, version,
        protections_given: r.value.given }) : r;
    } },
  { method: 'GET', path: '/orders/:order_id/price-protection', access: 'buyer',
    schema: S.orderPrice, handler: async (ctx) => {
      if (!ID_PARAM.test(ctx.params.order_id ?? '')) return refuse('order_not_found');
      const r = await ctx.app.pricebooks.orderPrice(ctx.params.order_id!,
        buyer(ctx).accountId);
      return r.ok ? reply(200, priceView(r.value)) : r;
    } },
  { method: 'GET', path: '/admin/orders/:order_id/price-protection', access: 'admin',
    schema: S.orderPrice, handler: async (ctx) => {
      if (!ID_PARAM.test(ctx.params.order_id ?? '')) return refuse('order_not_found');
      const r = await ctx.app.pricebooks.orderPrice(ctx.params.order_id!, null);
      return r.ok ? reply(200, priceView(r.value)) : r;
    } },
  { method: 'GET', path: '/admin/books/:launch_id', access: 'admin', schema: S.books,
    handler: async (ctx) => {
      const r = await booksFor(ctx);
      return r.ok ? reply(200, r.value) : r;
    } },
  { method: 'GET', path: '/admin/books/:launch_id/csv', access: 'admin', schema: S.booksCsv,
    stream: true, handler: async (ctx) => {
      const r = await booksFor(ctx);
      if (!r.ok) return r;
      const part = ctx.query().ok ? (ctx.query() as { value: Record<string, string | undefined> })
        .value.part ?? 'summary' : 'summary';
      const csv = await csvPart(ctx, part, r.value);
      ctx.res!.writeHead(200, { 'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="books-${r.value.launch_id}-${part}.csv"`,
        'content-length': Buffer.byteLength(csv), 'cache-control': 'no-store' });
      ctx.res!.end(csv);
      return null;
    } },
  { method: 'PUT', path: '/admin/books/:launch_id/settings', access: 'admin',
    schema: S.putBookSettings, handler: async (ctx) => {
      if (!ID_PARAM.test(ctx.params.launch_id ?? '')) return refuse('launch_not_found');
      const b = await ctx.body();
      if (!b.ok) return b;
      const s = settingsInput(b.value);
      if (!s.ok) return s;
      const r = await ctx.app.pricebooks.putSettings(actorOf(ctx), ctx.params.launch_id!,
        s.value);
      return r.ok ? reply(200, { launch_id: ctx.params.launch_id! }) : r;
    } },
  { method: 'GET', path: '/ready-stock', access: 'public', schema: S.readyCars,
    handler: async ({ app }) => {
      const now = app.clock.nowMs();
      return reply(200, { cars: (await app.pricebooks.readyCars())
        .map((c) => carView(c, now)), server_time: iso(now),
      balance_hours: app.deps.limits.readyBalanceHours });
    } },
  { method: 'GET', path: '/admin/ready-stock/listings', access: 'admin',
    schema: S.adminReadyCars, handler: async ({ app }) => {
      const now = app.clock.nowMs();
      return reply(200, { cars: (await app.pricebooks.readyCars()).map((c) => carView(c, now)) });
    } },
  { method: 'POST', path: '/admin/ready-stock/listings', access: 'admin',
    schema: S.listReadyCar, handler: async (ctx) => {
      const b = await ctx.body();
      if (!b.ok) return b;
      const opt = (k: string) => (b.value[k] ?? undefined) as number | undefined;
      const r = await ctx.app.pricebooks.listCar(actorOf(ctx), { vin: b.value.vin as string,
        city: b.value.city as string, priceFen: opt('price_fen'), depositFen: opt('deposit_fen') });
      return r.ok ? reply(201, carView(r.value, ctx.app.clock.nowMs())) : r;
    } },
  { method: 'POST', path: '/ready-stock/:vin/purchases', access: 'buyer',
    schema: S.buyReadyCar, handler: async (ctx) => {
      const limited = buyerWriteLimit(ctx);
      if (limited) return limited;
      if (!VIN_PARAM.test(ctx.params.vin ?? '')) return refuse('ready_car_not_found');
      const keyed = idempotencyKey(ctx.headers);
      if (!keyed.ok) return keyed;
      const b = await ctx.body();
      if (!b.ok) return b;
      const mode = b.value.mode;
      if (mode !== 'full' && mode !== 'deposit') {
        return refuse('invalid_request', '"mode" must be full or deposit.');
      }
      const r = await ctx.app.pricebooks.buy(buyer(ctx), ctx.params.vin!, mode as SaleMode,
        keyed.value);
      if (!r.ok) return r;
      return reply(r.value.replay ? 200 : 201,
        { sale: saleView(await ctx.app.pricebooks.ofCar(r.value.sale)) },
        r.value.replay ? { 'idempotent-replay': 'true' } : undefined);
    } },
  { method: 'POST', path: '/ready-stock/sales/:sale_id/balance', access: 'buyer',
    schema: S.payReadyBalance, handler: async (ctx) => {
      const limited = buyerWriteLimit(ctx);
      if (limited) return limited;
      if (!ID_PARAM.test(ctx.params.sale_id ?? '')) return refuse('ready_sale_not_found');
      const r = await ctx.app.pricebooks.payBalance(buyer(ctx), ctx.params.sale_id!);
      return r.ok
        ? reply(200, { sale: saleView(await ctx.app.pricebooks.ofCar(r.value.sale)) }) : r;
    } },
  { method: 'GET', path: '/ready-stock/mine', access: 'buyer', schema: S.myReadySales,
    handler: async (ctx) => reply(200, { sales: (await ctx.app.pricebooks.mySales(buyer(ctx)))
      .map(saleView) }) },
];

/** One part of the books as CSV; the ledger part is the launch's entries, bounded. */
async function csvPart(ctx: Ctx, part: string, v: ReturnType<typeof booksView>):
  Promise<string> {
  if (part === 'weeks') {
    return toCsv(['week', 'deliveries', 'target', 'cumulative', 'cumulative_target'],
      v.weeks.map((w) => [w.week, w.deliveries, w.target, w.cumulative, w.cumulative_target]));
  }
  if (part === 'days') {
    const other = new Map(v.compare?.days.map((d) => [d.day, d]));
    return toCsv(['day', 'orders', 'deposits_fen', 'deliveries', 'compare_launch_id',
      'compare_orders', 'compare_deposits_fen', 'compare_deliveries'], v.days.map((d) => {
      const o = other.get(d.day);
      return [d.day, d.orders, d.deposits_fen, d.deliveries, v.compare?.launch_id ?? null,
        o?.orders ?? null, o?.deposits_fen ?? null, o?.deliveries ?? null];
    }));
  }
  if (part === 'ledger') {
    const rows = await ctx.app.deps.store.ledgerEntries(v.launch_id, 0,
      ctx.app.deps.limits.ledgerRowsMax);
    return toCsv(['seq', 'at', 'kind', 'order_id', 'account_id', 'trim', 'amount_fen',
      'price_version', 'entry_key'], rows.map((e) => [e.seq, iso(e.atMs), e.kind, e.orderId,
      e.accountId, e.trim, e.amountFen, e.priceVersion, e.entryKey]));
  }
  return toCsv(['section', 'figure', 'value'], summaryRows(v));
}
