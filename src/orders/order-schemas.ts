// The contract of the orders' endpoints (order-routes.ts: a buyer's orders, estimates and
// figures, an operator's order search, refunds and cancellations, the payment notification and
// the simulated clock; payment-routes.ts): each request's fields with the code and message of
// every check, and each reply's shape. Validated by kernel/http/schema.ts, published by
// kernel/http/openapi.ts.
import { GATE_REFUSALS, PASS_HEADER } from '../kernel/admission-gate.js';
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import {
  flag, idempotencyKeyHeader, maybe, orNull, queryText, queryWhole, requiredQueryText, reason, text, textList, whole,
} from '../kernel/http/schema.js';
import { AccountView } from '../accounts/index.js';
import { SIGNATURE_HEADER } from '../payments/index.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });
const TimeOrNull = orNull(Type.String({ format: 'date-time' }));

const OrderStatus = Type.Union([Type.Literal('firm'), Type.Literal('locked'),
  Type.Literal('scheduled'), Type.Literal('cancelled')], { description: 'firm -> locked -> '
  + 'scheduled (a built car is allocated: `vehicle`); cancelled from any. A scheduled order is '
  + 'still locked for every rule and figure' });

const DepositState = Type.Union([Type.Literal('held'), Type.Literal('refunded'),
  Type.Literal('forfeited'), Type.Literal('applied')]);

/** The calendar window of an estimate from a production plan: Beijing dates, both included. */
const EstimateWindow = Type.Object({ from: Str, to: Str }, { description: 'Present when a '
  + 'production plan gave the estimate: Beijing dates, both included' });

export const OrderView = Type.Object({
  order_id: Str, account_id: Str, launch_id: Str, model_id: Str, trim: Str,
  options: Type.Array(Str), city: Str, status: OrderStatus, price_fen: Int,
  deposit: Type.Object({ amount_fen: Int, state: DepositState }),
  created_at: Time, cooling_off_ends_at: Time, locked_at: TimeOrNull, queued_at: TimeOrNull,
  cancelled_at: TimeOrNull,
  cancel_reason: orNull(Type.String({ description: 'The reason an operator gave for cancelling '
    + 'or refunding the order; null when the buyer cancelled or it is not cancelled' })),
  queue: orNull(Type.Object({ queue_key: Str, place: Int, locked_ahead_in_trim: Int,
    position_in_trim: Type.Integer({ description: 'The figure a buyer reads: 1 + the locked '
      + 'orders of the same trim ahead, every city, by lock time; it only goes down' }) })),
  estimate: orNull(Type.Object({ weeks_min: Int, weeks_max: Int, basis: Str,
    window: Type.Optional(EstimateWindow) })),
  actions: Type.Array(Str, { description: 'What the caller may do with the order now' }),
  switch_to: Type.Array(Str, { description: 'Launches the order may switch to now' }),
  window_closes_at: orNull(Type.String({ format: 'date-time', description: 'When the soonest '
    + 'open change window this order may still use closes; null when none is open' })),
  history: Type.Array(Type.Object({ at: Time, type: Str, actor: Str, detail: Type.Unknown() })),
  stage: Type.Optional(Type.Literal('scheduled', { description: 'A car is allocated to the '
    + 'locked order (production): its VIN is in `vehicle`' })),
  vehicle: Type.Optional(Type.Object({ vin: Str, built_on: Str })),
  delivery: Type.Optional(Type.Object({
    stage: Str, outstanding_fen: Int, due_at: orNull(Time), appointment_at: orNull(Time),
  }, { description: 'Where the delivery stands once a car was allocated (deliveries): '
    + 'GET /orders/{order_id}/delivery has the whole record' })),
}, { 'x-component': 'Order' });

const StatusCounts = Type.Object({ firm: Int, locked: Int, cancelled: Int });

export const StatsView = Type.Object({
  launch_id: Str, as_of: Time,
  orders: Type.Object({ firm: Int, locked: Int, cancelled: Int, total: Int }),
  by_trim: Type.Record(Str, StatusCounts), by_city: Type.Record(Str, StatusCounts),
  deposits_fen: Type.Object({ received: Int, held: Int, refunded: Int, forfeited: Int,
    applied: Int }),
  potential_revenue_fen: Int,
  reported_basis: Type.Optional(Type.Object({ orders: Int, deposit_fen: Int,
    base_price_fen: Int, deposits_fen: Int, potential_revenue_fen: Int })),
}, { 'x-component': 'LaunchStats' });

/** An order's configuration; a new order needs launch, trim and city, a change any of them. */
const configuration = (optionsMax: number, required: boolean) => {
  const id = () => text({ maxLength: 64 });
  const options = maybe(textList({ maxLength: 64, maxItems: optionsMax,
    description: 'Option ids: one colour, one set of wheels, any extras' }));
  return required
    ? Type.Object({ launch_id: id(), trim: id(), options, city: id() })
    : Type.Object({ launch_id: maybe(id()), trim: maybe(id()), options, city: maybe(id()) });
};

const Orders = Type.Object({ orders: Type.Array(OrderView) });

/** An id in a query: what ids.ts's newId makes, with room to spare. */
const ID_PATTERN = '^([A-Za-z0-9_-]{1,64})?$';


export const paymentNotification: RouteContract = () => ({
  summary: 'The payment provider\'s signed notification (raw JSON body, signature header)',
  headers: { [SIGNATURE_HEADER]: { schema: Str, required: true,
    description: 'The provider\'s signature of the raw body (payment-signature.ts)' } },
  rawBody: Type.Object({}, { description: 'The provider\'s event, signed as sent' }),
  replies: { 200: Type.Object({ received: Type.Literal(true), duplicate: Type.Boolean(),
    anomaly: Type.Optional(Str) }) },
  errors: ['signature_invalid'] });

export const estimate: RouteContract = () => ({
  summary: 'The delivery estimate of a trim if locked now',
  query: Type.Object({ trim: requiredQueryText({ description: 'A trim of the launch' }),
    city: queryText({ description: 'A city the launch delivers to' }) }),
  replies: { 200: Type.Object({ trim: Str, city: Type.Union([Str, Type.Null()]),
    locked_ahead: Type.Integer(), estimate: Type.Object({ weeks_min: Type.Integer(),
      weeks_max: Type.Integer(), basis: Type.Literal('if_locked_now'),
      window: Type.Optional(EstimateWindow) }), as_of: Time }) },
  errors: ['launch_not_found', 'unknown_city', 'unknown_trim'] });

export const stats: RouteContract = () => ({ summary: 'A launch\'s live figures',
  replies: { 200: StatsView }, errors: ['launch_not_found'] });

/** The waiting room's pass (kernel/admission-gate.ts), needed while a room is on. */
const passHeader = { [PASS_HEADER]: { schema: Type.String({ maxLength: 512 }), required: false,
  description: 'The pass a waiting room gave, while one is on in front of the launch' } };

export const placeOrder: RouteContract = (limits) => ({
  summary: 'Place an order: pay the deposit (one per Idempotency-Key)',
  headers: { ...idempotencyKeyHeader('One key per attempt, reused for its retries'),
    ...passHeader },
  body: configuration(limits.optionsPerOrderMax, true),
  replies: { 201: OrderView, 200: OrderView },
  errors: ['rate_limited', 'idempotency_key_missing', 'idempotency_key_reused',
    'launch_not_found', 'sales_not_open', 'unknown_trim', 'unknown_option', 'option_conflict',
    'unknown_city', 'per_account_limit_reached', 'payment_declined', 'commit_unknown',
    ...GATE_REFUSALS] });

export const myOrders: RouteContract = () => ({ summary: 'The caller\'s orders, newest first',
  replies: { 200: Orders } });

export const order: RouteContract = () => ({ summary: 'One order (the caller\'s own)',
  replies: { 200: OrderView }, errors: ['order_not_found'] });

export const lock: RouteContract = () => ({ summary: 'Lock an order (final)',
  body: Type.Object({ confirm: maybe(flag()) }), replies: { 200: OrderView },
  errors: ['rate_limited', 'order_not_found', 'lock_needs_confirmation', 'order_already_locked',
    'order_cancelled', 'commit_unknown'] });

export const cancel: RouteContract = () => ({
  summary: 'Cancel an order (a locked one forfeits its deposit)',
  body: Type.Object({ accept_forfeit: maybe(flag()) }), replies: { 200: OrderView },
  errors: ['rate_limited', 'order_not_found', 'order_cancelled', 'already_delivered',
    'forfeit_not_accepted', 'commit_unknown'] });

export const change: RouteContract = (limits) => ({
  summary: 'Change an order\'s configuration (or switch its model in a window)',
  headers: { [PASS_HEADER]: { ...passHeader[PASS_HEADER], description: 'The pass a waiting '
    + 'room gave, while one is on in front of the launch a model switch moves the order into; '
    + 'the switch spends it' } },
  body: configuration(limits.optionsPerOrderMax, false), replies: { 200: OrderView },
  errors: ['rate_limited', 'order_not_found', 'order_cancelled', 'nothing_to_change',
    'change_window_closed', 'change_not_allowed', 'launch_not_found', 'unknown_trim',
    'unknown_option', 'option_conflict', 'unknown_city', 'sales_not_open', 'commit_unknown',
    ...GATE_REFUSALS] });

export const launchOrders: RouteContract = () => ({
  summary: 'A launch\'s orders by id, a page at a time',
  query: Type.Object({
    after: queryText({ pattern: ID_PATTERN, patternMessage: '"after" must be an order id.',
      description: 'The last order_id of the page before' }),
    limit: queryWhole(1, 1000, 1000),
  }),
  replies: { 200: Type.Object({ orders: Type.Array(Type.Object({ order_id: Str,
    account_id: Str, trim: Str, city: Str, status: Str, price_fen: Int,
    deposit: Type.Object({ amount_fen: Int, state: Str }), locked_at: orNull(Time),
    queued_at: orNull(Time), queue_place: orNull(Int), trim_seq: orNull(Int) })),
  next_after: orNull(Str) }) },
  errors: ['launch_not_found'] });

export const findOrders: RouteContract = () => ({
  summary: 'Find orders by order id, or by the buyer\'s phone or identity number',
  query: Type.Object({
    order_id: queryText({ pattern: ID_PATTERN, patternMessage: '"order_id" is not an id.',
      patternStage: 1 }),
    phone: queryText(), id_number: queryText(),
  }),
  replies: { 200: Type.Object({ orders: Type.Array(Type.Intersect([OrderView,
    Type.Object({ account: orNull(AccountView) })])) }) },
  errors: ['invalid_phone', 'invalid_id_number'] });

export const refund: RouteContract = (limits) => ({
  summary: 'Refund a firm order\'s deposit (with a reason)',
  body: Type.Object({ reason: reason(limits.operatorReasonMax) }), replies: { 200: OrderView },
  errors: ['reason_required', 'order_not_found', 'order_not_firm', 'order_cancelled',
    'commit_unknown'] });

export const adminCancel: RouteContract = (limits) => ({
  summary: 'Cancel a buyer\'s order (with a reason)',
  body: Type.Object({ accept_forfeit: maybe(flag()), reason: reason(limits.operatorReasonMax) }),
  replies: { 200: OrderView },
  errors: ['reason_required', 'order_not_found', 'order_cancelled', 'forfeit_not_accepted',
    'commit_unknown'] });

export const clock: RouteContract = (limits) => ({
  summary: 'Advance the simulated clock (a server started with it only)',
  body: Type.Object({ advance_seconds: whole({ minimum: 0,
    maximum: limits.clockAdvanceSecondsMax,
    rangeMessage: `"advance_seconds" must be from 0 to ${limits.clockAdvanceSecondsMax}.` }) }),
  replies: { 200: Type.Object({ now: Time, auto_locked: Int }) },
  errors: ['clock_not_simulated'] });

export const anomalies: RouteContract = (limits) => ({
  summary: 'Payment anomalies, newest first',
  query: Type.Object({ limit: queryWhole(1, limits.paymentAnomaliesListMax,
    Math.min(100, limits.paymentAnomaliesListMax)) }),
  replies: { 200: Type.Object({ anomalies: Type.Array(Type.Object({ at: Time, kind: Str,
    reference: Str, event_id: orNull(Str), detail: Type.Unknown() })),
  unsettled_refunds: Int }) } });

export const unsettled: RouteContract = () => ({
  summary: 'Refunds not settled in time, oldest first',
  replies: { 200: Type.Object({ count: Int, older_than_seconds: Type.Number(),
    refunds: Type.Array(Type.Object({ order_id: Str, reference: Str, amount_fen: Int,
      asked_at: Time, sent_at: orNull(Time) })) }) } });
