// The contract of deliveries' endpoints (delivery-routes.ts): a buyer's delivery view, balance
// parts, deferral, slots and appointment; an operator's ready mark, no-show, handover, lists of
// deliveries and slots, a centre's slot capacity, money events; and the provider's signed
// notification about a part. Validated by kernel/http/schema.ts, published by
// kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import { SIGNATURE_HEADER } from '../payments/index.js';
import type { RouteContract } from '../kernel/http/schema.js';
import {
  flag, idempotencyKeyHeader, orNull, queryText, queryWhole, text, time, whole,
} from '../kernel/http/schema.js';
import { METHODS, STAGES } from './delivery.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });
const oneOf = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const PartView = Type.Object({
  part_id: Str, reference: Str, method: oneOf(METHODS), amount_fen: Int,
  status: oneOf(['pending', 'received', 'failed']), requested_at: Time,
  settled_at: orNull(Time), refunded_fen: Int, refunded_at: orNull(Time),
}, { 'x-component': 'BalancePart' });

export const DeliveryView = Type.Object({
  order_id: Str, stage: oneOf(STAGES), vin: orNull(Str), centre: Str, city: Str, cycle: Int,
  scheduled_at: Time, ready_at: orNull(Time),
  balance: Type.Object({
    price_fen: Int, deposit_fen: Int, balance_fen: Int, received_fen: Int, pending_fen: Int,
    refunded_fen: Int,
    outstanding_fen: Type.Integer({ description: 'Still due once the parts under way count' }),
    payable_fen: Type.Integer({ description: 'What a new part may be at most' }),
    due_at: orNull(Time), reminder_at: orNull(Time), notice_at: orNull(Time),
    grace_ends_at: orNull(Time), grace_days: Int, deadline_days: Int,
    after_deadline: Type.Literal('notice_then_grace_then_car_released', { description:
      'At the deadline the buyer gets a notice, then grace_days of grace; after it the car '
      + 'goes to the next order of its configuration or to ready stock, and the order keeps '
      + 'its place for the next car. The deposit is not forfeited by this.' }),
  }),
  deferral: Type.Object({ deferred_until: orNull(Time), days_used: Int, days_left: Int }),
  appointment: orNull(Type.Object({ slot_start: Time, slot_end: Time })),
  no_shows: Int, no_show_max: Int,
  released_at: orNull(Time), release_reason: orNull(oneOf(['deferral', 'lapsed', 'no_show'])),
  delivered_at: orNull(Time), revenue_fen: orNull(Int),
  parts: Type.Optional(Type.Array(PartView)),
}, { 'x-component': 'Delivery' });

const ORDER_ERRORS = ['order_not_found', 'delivery_not_started'] as const;

export const view: RouteContract = () => ({
  summary: 'The order\'s delivery: stage, balance and parts, deadline, deferral, appointment',
  replies: { 200: DeliveryView }, errors: [...ORDER_ERRORS] });

export const payPart: RouteContract = (l) => ({
  summary: 'Pay a part of the balance by a method (one part per Idempotency-Key)',
  headers: idempotencyKeyHeader('One key per part, reused for its retries'),
  body: Type.Object({
    amount_fen: whole({ minimum: 1, maximum: 100_000_000_000,
      rangeMessage: '"amount_fen" must be a whole number of fen from 1.',
      description: `At least ${l.balancePartMinFen} fen (the last part may be what is left)` }),
    method: text({ maxLength: 16, description: `One of ${METHODS.join(', ')}; a loan or `
      + 'lease part is paid by a finance provider' }),
  }),
  replies: { 201: Type.Object({ part: PartView, delivery: DeliveryView }),
    200: Type.Object({ part: PartView, delivery: DeliveryView }) },
  errors: ['rate_limited', 'idempotency_key_missing', 'idempotency_key_reused', ...ORDER_ERRORS,
    'already_delivered', 'balance_covered', 'balance_parts_limit', 'balance_part_invalid'] });

export const defer: RouteContract = (l) => ({
  summary: 'Defer taking the car: it goes to the next order or ready stock; yours waits',
  body: Type.Object({ days: whole({ minimum: 1, maximum: l.deferralMaxDays,
    rangeMessage: `"days" must be a whole number from 1 to ${l.deferralMaxDays}.` }) }),
  replies: { 200: Type.Object({ delivery: DeliveryView,
    car_went_to: oneOf(['next_order', 'ready_stock']) }) },
  errors: ['rate_limited', ...ORDER_ERRORS, 'already_delivered', 'deferral_not_allowed',
    'deferral_too_long'] });

export const slots: RouteContract = () => ({
  summary: 'The appointment slots at the order\'s centre with the places left',
  replies: { 200: Type.Object({ centre: Str, slot_minutes: Int,
    slots: Type.Array(Type.Object({ slot_start: Time, left: Int })) }) },
  errors: [...ORDER_ERRORS] });

export const book: RouteContract = () => ({
  summary: 'Book or move the handover appointment (the car ready, the balance received)',
  body: Type.Object({ slot_start: time({ description: 'A slot_start from the list of slots' }) }),
  replies: { 200: Type.Object({ delivery: DeliveryView }) },
  errors: ['rate_limited', ...ORDER_ERRORS, 'delivery_not_ready', 'already_delivered',
    'balance_outstanding', 'slot_invalid', 'slot_full'] });

export const markReady: RouteContract = () => ({
  summary: 'Mark the car ready for inspection at the centre: the balance deadline starts',
  replies: { 200: Type.Object({ delivery: DeliveryView }) },
  errors: [...ORDER_ERRORS, 'already_delivered'] });

export const markCentreReady: RouteContract = (l) => ({
  summary: 'Mark every car built for a centre ready for inspection (a truck arrived)',
  body: Type.Object({ centre: text({ maxLength: 64 }) }),
  replies: { 200: Type.Object({ centre: Str, marked: Type.Array(Str, { description:
    `The orders marked ready, at most ${l.deliveriesListMax} a call` }) }) },
  errors: ['delivery_city_not_found'] });

export const noShow: RouteContract = () => ({
  summary: 'Record a missed appointment (after N the car is released by the rule)',
  replies: { 200: Type.Object({ delivery: DeliveryView,
    car_went_to: orNull(oneOf(['next_order', 'ready_stock'])) }) },
  errors: [...ORDER_ERRORS, 'already_delivered', 'appointment_not_found',
    'appointment_not_due'] });

export const handover: RouteContract = () => ({
  summary: 'Hand the car over: the order is delivered and the revenue recognised',
  // Each optional: one left out is a handover not confirmed (handover_unconfirmed, naming
  // it), not a malformed request.
  body: Type.Object({ inspection_confirmed: Type.Optional(flag()),
    keys_given: Type.Optional(flag()) }),
  replies: { 200: Type.Object({ delivery: DeliveryView }) },
  errors: [...ORDER_ERRORS, 'handover_unconfirmed', 'delivery_not_ready', 'already_delivered',
    'appointment_not_found', 'balance_outstanding'] });

export const list: RouteContract = (l) => ({
  summary: 'Deliveries by stage or centre; overdue balances',
  query: Type.Object({
    stage: queryText({ maxLength: 16, pattern: `^(${STAGES.join('|')})$`,
      patternMessage: `"stage" must be one of ${STAGES.join(', ')}.` }),
    centre: queryText({ maxLength: 64 }),
    overdue: queryText({ maxLength: 5, pattern: '^(true|false)$',
      patternMessage: '"overdue" must be true or false.' }),
    limit: queryWhole(1, l.deliveriesListMax, l.deliveriesListMax),
  }),
  replies: { 200: Type.Object({ deliveries: Type.Array(DeliveryView) }) } });

export const centreSlots: RouteContract = () => ({
  summary: 'A centre\'s slots over the days bookable: booked and capacity',
  replies: { 200: Type.Object({ centre: Str, capacity: Int, slot_minutes: Int,
    slots: Type.Array(Type.Object({ slot_start: Time, booked: Int })) }) },
  errors: ['delivery_city_not_found'] });

export const setCapacity: RouteContract = (l) => ({
  summary: 'Set a centre\'s handovers per appointment slot',
  body: Type.Object({ capacity: whole({ minimum: 1, maximum: l.slotCapacityMax,
    rangeMessage: `"capacity" must be a whole number from 1 to ${l.slotCapacityMax}.` }) }),
  replies: { 200: Type.Object({ centre: Str, capacity: Int }) },
  errors: ['delivery_city_not_found'] });

export const pendingParts: RouteContract = (l) => ({
  summary: 'Balance parts awaiting the provider\'s word, oldest first, with the collection '
    + 'reconciler\'s questions about each',
  query: Type.Object({ limit: queryWhole(1, l.deliveriesListMax, l.deliveriesListMax) }),
  replies: { 200: Type.Object({ parts: Type.Array(Type.Object({ order_id: Str, part_id: Str,
    reference: Str, method: Str, amount_fen: Int, requested_at: Time,
    checks: Type.Integer({ minimum: 0, description: 'Times the provider was asked about it' }),
    next_check_at: Type.String({ format: 'date-time',
      description: 'When the provider is next asked about it' }) })) }) } });

export const moneyEvents: RouteContract = () => ({
  summary: 'Deliveries\' money events for the books: balance received and refunded, deposit '
    + 'applied, revenue recognised',
  query: Type.Object({ after: queryWhole(0, Number.MAX_SAFE_INTEGER, 0),
    limit: queryWhole(1, 1000, 1000) }),
  replies: { 200: Type.Object({ events: Type.Array(Type.Object({ seq: Int, order_id: Str,
    kind: oneOf(['balance_received', 'balance_refunded', 'deposit_applied',
      'revenue_recognised']), amount_fen: Int, reference: Str, at: Time })),
  next_after: orNull(Int) }) } });

export const notification: RouteContract = () => ({
  summary: 'The payment provider\'s signed notification about a balance part',
  headers: { [SIGNATURE_HEADER]: { schema: Str, required: true,
    description: 'The provider\'s signature of the raw body (payment-signature.ts)' } },
  rawBody: Type.Object({}, { description: 'collection.succeeded or collection.failed, signed' }),
  replies: { 200: Type.Object({ received: Type.Literal(true), duplicate: Type.Boolean(),
    anomaly: Type.Optional(Str) }) },
  errors: ['signature_invalid'] });
