// The contract of price books' endpoints (pricebooks-routes.ts): price versions, an order's
// price protection, the books and their CSV, and ready-stock listing and sales. Validated by
// kernel/http/schema.ts, published by kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import {
  flag, idempotencyKeyHeader, maybe, orNull, queryText, reason, text, time, whole,
} from '../kernel/http/schema.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });

export const PriceVersionView = Type.Object({
  launch_id: Str, version: Int, item_kind: Type.Union([Type.Literal('trim'),
    Type.Literal('option')]), item_id: Str, price_fen: Int, previous_fen: Int,
  effective_from: Time, reason: Str, actor: Str, recorded_at: Time, applied_at: orNull(Time),
}, { 'x-component': 'PriceVersion' });

const Protection = Type.Object({ version: Int, kind: Type.Union([Type.Literal('credit'),
  Type.Literal('refund')]), amount_fen: Int, at: Time });
const Refund = Type.Object({ reference: Str, amount_fen: Int,
  status: Type.Union([Type.Literal('requested'), Type.Literal('sent'),
    Type.Literal('confirmed')]), requested_at: Time, confirmed_at: orNull(Time) });

export const OrderPriceView = Type.Object({
  order_id: Str, launch_id: Str, price_version: Int, placed_price_fen: Int,
  price_now_fen: Int, list_price_now_fen: Int, protections: Type.Array(Protection),
  refunds: Type.Array(Refund),
  rule: Type.Object({ undelivered_pays_lower: Type.Boolean(), delivered_within_days: Int }),
}, { 'x-component': 'OrderPrice' });

export const ReadyCarView = Type.Object({
  vin: Str, launch_id: Str, trim: Str, options: Type.Array(Str), city: Str, price_fen: Int,
  deposit_fen: Int, status: Type.Union([Type.Literal('available'), Type.Literal('held'),
    Type.Literal('reserved'), Type.Literal('sold')]), listed_at: Time,
}, { 'x-component': 'ReadyCar' });

export const ReadySaleView = Type.Object({
  sale_id: Str, vin: Str, launch_id: Str,
  car: orNull(Type.Object({ trim: Str, options: Type.Array(Str), city: Str }, {
    description: 'The car bought: its trim, option ids and the delivery centre\'s city id, as '
      + 'listed (null only for a car no longer on record)' })),
  mode: Type.Union([Type.Literal('full'),
    Type.Literal('deposit')]), price_fen: Int, deposit_fen: Int,
  status: Type.Union([Type.Literal('held'), Type.Literal('paid'), Type.Literal('deposit_paid'),
    Type.Literal('expired'), Type.Literal('failed'), Type.Literal('lapsed')]),
  created_at: Time, expires_at: Time, balance_due_at: orNull(Time), balance_fen: Int,
}, { 'x-component': 'ReadySale' });

const DayRow = Type.Object({ day: Int, orders: Int, deposits_fen: Int, deliveries: Int });

export const BooksView = Type.Object({
  launch_id: Str, as_of: Time,
  deposits: Type.Object({ received_fen: Int, held_fen: Int, refunded_fen: Int,
    forfeited_fen: Int, applied_fen: Int, orders: Int }),
  balance: Type.Object({ due_fen: Int, received_fen: Int, outstanding_fen: Int }),
  revenue: Type.Object({ recognised_fen: Int, protection_refunds_fen: Int, net_fen: Int,
    deliveries: Int, ready_stock_received_fen: Int, ready_stock_refunded_fen: Int }),
  order_book: Type.Object({ potential_revenue_fen: Int, price_credits_fen: Int }),
  margin: Type.Object({ cost_fen: Int, gross_margin_fen: Int, basis_points: orNull(Int),
    trims_without_cost: Type.Array(Str) }),
  weeks: Type.Array(Type.Object({ week: Int, deliveries: Int, target: Int, cumulative: Int,
    cumulative_target: Int })),
  days: Type.Array(DayRow),
  compare: orNull(Type.Object({ launch_id: Str, days: Type.Array(DayRow) })),
  settings: Type.Object({ costs: Type.Record(Str, Int), deliveries_per_year_target: Int,
    protection: Type.Object({ undelivered_pays_lower: Type.Boolean(),
      delivered_within_days: Int }) }),
}, { 'x-component': 'Books' });

export const priceVersions: RouteContract = () => ({
  summary: 'A launch\'s price versions (version 1 is its catalogue before any change)',
  replies: { 200: Type.Object({ launch_id: Str, versions: Type.Array(PriceVersionView) }) },
  errors: ['launch_not_found'] });

export const rerunProtection: RouteContract = () => ({
  summary: 'Run price protection for an applied price version again (after a crash midway; '
    + 'safe to repeat: each order is protected once per version)',
  replies: { 200: Type.Object({ launch_id: Str, version: Int,
    protections_given: Type.Integer({ minimum: 0, description: 'Orders protected by this run' +
      ' (0 when every order reached had been)' }) }) },
  errors: ['launch_not_found', 'price_version_not_found', 'price_version_not_applied'] });

export const recordPriceVersion: RouteContract = (l) => ({
  summary: 'Change one trim\'s or option\'s list price from a moment, with a reason',
  body: Type.Object({
    item_kind: text({ maxLength: 8, description: 'trim or option' }),
    item_id: text({ maxLength: 64 }),
    price_fen: whole({ minimum: 0, maximum: l.priceMaxFen,
      rangeMessage: `"price_fen" must be 0-${l.priceMaxFen}.` }),
    effective_from: Type.Optional(time({ description: 'Now when absent; never in the past' })),
    reason: reason(l.operatorReasonMax),
  }),
  replies: { 201: PriceVersionView },
  errors: ['launch_not_found', 'unknown_price_item', 'invalid_price_change'] });

export const orderPrice: RouteContract = () => ({
  summary: 'The price an order keeps, its price version and the protection applied',
  replies: { 200: OrderPriceView }, errors: ['order_not_found'] });

export const books: RouteContract = () => ({
  summary: 'The books of a launch (deposits, balance, revenue, order book, margin, weeks)',
  query: Type.Object({ compare: queryText({ maxLength: 64,
    description: 'An earlier launch to set against this one at the same elapsed days' }) }),
  replies: { 200: BooksView }, errors: ['launch_not_found'] });

export const booksCsv: RouteContract = () => ({
  summary: 'One part of the books as CSV (RFC 4180): summary, weeks, days or ledger',
  query: Type.Object({ part: queryText({ maxLength: 16, pattern: '^(summary|weeks|days|ledger)$',
    patternMessage: '"part" must be summary, weeks, days or ledger.' }),
  compare: queryText({ maxLength: 64 }) }),
  replyMediaType: 'text/csv',
  replies: { 200: Type.String({ description: 'CSV with a header row' }) },
  errors: ['launch_not_found'] });

export const putBookSettings: RouteContract = () => ({
  summary: 'Set a launch\'s cost per trim, delivery target and price-protection rule',
  body: Type.Object({
    costs: Type.Unsafe<Record<string, number>>({ type: 'object',
      description: 'Cost per car of each trim, fen: {"max": 25000000}',
      'x-error': { messages: { required: '"costs" is required.',
        type: '"costs" must be an object of whole fen per trim.' } } }),
    deliveries_per_year_target: whole({ minimum: 1, maximum: 10_000_000,
      rangeMessage: '"deliveries_per_year_target" must be 1-10000000.' }),
    undelivered_pays_lower: flag(),
    delivered_within_days: whole({ minimum: 0, maximum: 365,
      rangeMessage: '"delivered_within_days" must be 0-365.' }),
  }),
  replies: { 200: Type.Object({ launch_id: Str }) },
  errors: ['launch_not_found', 'unknown_price_item'] });

export const readyCars: RouteContract = () => ({
  summary: 'Ready-stock cars for sale now, with configuration and delivery centre city',
  replies: { 200: Type.Object({ cars: Type.Array(ReadyCarView), server_time: Time,
    balance_hours: Type.Integer({ description:
      'Hours a deposit purchase has to pay its balance (LAUNCHDAY_READY_BALANCE_HOURS)' }) }) } });

export const listReadyCar: RouteContract = () => ({
  summary: 'List a built car no order holds as ready stock at a city\'s delivery centre',
  body: Type.Object({ vin: text({ maxLength: 17 }), city: text({ maxLength: 64 }),
    price_fen: maybe(whole()), deposit_fen: maybe(whole()) }),
  replies: { 201: ReadyCarView },
  errors: ['ready_car_not_listable', 'unknown_city'] });

export const adminReadyCars: RouteContract = () => ({
  summary: 'Every listed ready-stock car not yet sold, with its hold or reservation',
  replies: { 200: Type.Object({ cars: Type.Array(ReadyCarView) }) } });

export const buyReadyCar: RouteContract = () => ({
  summary: 'Buy a ready-stock car: the whole price or a deposit (first paid, first served)',
  headers: idempotencyKeyHeader('One key per purchase, reused for its retries'),
  body: Type.Object({ mode: text({ maxLength: 8, description: 'full or deposit' }) }),
  replies: { 201: Type.Object({ sale: ReadySaleView }),
    200: Type.Object({ sale: ReadySaleView }) },
  errors: ['rate_limited', 'idempotency_key_missing', 'idempotency_key_reused',
    'ready_car_not_found', 'ready_car_taken', 'payment_declined', 'ready_hold_expired'] });

export const payReadyBalance: RouteContract = () => ({
  summary: 'Pay the balance of a ready-stock car bought with a deposit',
  replies: { 200: Type.Object({ sale: ReadySaleView }) },
  errors: ['rate_limited', 'ready_sale_not_found', 'ready_sale_not_payable',
    'ready_balance_overdue', 'payment_declined'] });

export const myReadySales: RouteContract = () => ({
  summary: 'The caller\'s ready-stock purchases, newest first',
  replies: { 200: Type.Object({ sales: Type.Array(ReadySaleView) }) } });
