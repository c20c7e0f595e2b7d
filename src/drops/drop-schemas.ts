// The contract of the drops' endpoints (drop-routes.ts: the public figures, an operator's drop
// definition, a buyer's purchase, payment of an offer, cancel, waitlist and own view): each
// request's fields with the code and message of every check, and each reply's shape. Validated
// by kernel/http/schema.ts, published by kernel/http/openapi.ts.
import { GATE_REFUSALS, PASS_HEADER } from '../kernel/admission-gate.js';
import { RoomNoticeSchema } from '../kernel/room-notice.js';
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import {
  idempotencyKeyHeader, maybe, orNull, queryText, queryWhole, text, time, visibleText,
  whole,
} from '../kernel/http/schema.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });

const VariantFigures = Type.Object({
  variant: Str, name: Str, name_zh: Str, quantity: Int,
  remaining: Type.Optional(Int), held: Type.Optional(Int), sold: Type.Optional(Int),
  sold_out: Type.Optional(Type.Boolean()), sold_out_for_good: Type.Optional(Type.Boolean()),
  waitlist_waiting: Type.Optional(Int),
});

export const DropView = Type.Object({
  drop_id: Str, name: Str, name_zh: Str,
  kind: Type.Union([Type.Literal('merch'), Type.Literal('car')]),
  price_fen: Int, deposit_fen: Int, opens_at: Time, open: Type.Boolean(),
  per_account_limit: Int, per_identity_limit: Int, deposit_refundable: Type.Boolean(),
  waiting_room: RoomNoticeSchema,
  variants: Type.Array(VariantFigures, { description: 'With live figures when one drop is read' }),
  as_of: Type.Optional(Time),
}, { 'x-component': 'Drop' });

export const HoldView = Type.Object({
  hold_id: Str, drop_id: Str, variant: Str, quantity: Int, amount_fen: Int,
  status: Type.Union([Type.Literal('held'), Type.Literal('paid'), Type.Literal('expired'),
    Type.Literal('failed'), Type.Literal('cancelled'), Type.Literal('revoked')], {
    description: 'cancelled: by the buyer; revoked: by an operator\'s cancel of a suspicious '
      + 'purchase, whose units still count against the buyer\'s limits in the drop' }),
  source: Type.Union([Type.Literal('sale'), Type.Literal('waitlist')]),
  created_at: Time, expires_at: Time, settled_at: orNull(Time),
}, { 'x-component': 'DropHold' });

/** A hold as its buyer reads it: with the operator's cancel, when an operator cancelled it. */
export const OwnHoldView = Type.Object({ ...HoldView.properties,
  operator_cancel: orNull(Type.Object({
    reason: Type.String({ description: 'The reason the operator gave' }),
    refund_fen: Type.Integer({ description: 'The refund queued: the amount paid for a paid '
      + 'sale, 0 for a hold cancelled before payment (nothing was charged)' }),
    at: Time,
  }, { description: 'The operator cancelled this purchase as suspicious (POST '
    + '/admin/suspicious/cancel); null otherwise' })),
}, { 'x-component': 'DropOwnHold' });

export const EntryView = Type.Object({
  entry_id: Str, drop_id: Str, variant: Str,
  status: Type.Union([Type.Literal('waiting'), Type.Literal('offered'), Type.Literal('bought'),
    Type.Literal('lapsed'), Type.Literal('passed'), Type.Literal('closed')]),
  joined_at: Time, ahead: Int, offer_hold_id: orNull(Str),
}, { 'x-component': 'DropWaitlistEntry' });

export const drops: RouteContract = () => ({ summary: 'Every drop (definitions)',
  replies: { 200: Type.Object({ drops: Type.Array(DropView), server_time: Time }) } });

export const drop: RouteContract = () => ({
  summary: 'One drop with each variant\'s live figures (remaining, held, sold)',
  replies: { 200: DropView }, errors: ['drop_not_found'] });

export const putDrop: RouteContract = (l) => ({
  summary: 'Create a drop, or replace its definition before it opens',
  body: Type.Object({
    name: text({ maxLength: 120 }), name_zh: text({ maxLength: 120 }),
    kind: text({ maxLength: 16, description: 'merch (the price is charged) or car (the '
      + 'deposit is charged and locks on payment)' }),
    price_fen: whole(), deposit_fen: maybe(whole()), opens_at: time(),
    per_account_limit: whole(), per_identity_limit: whole(),
    // Each entry is checked by the route (its fields, then the drop's rules: invalid_drop), so
    // only the list is the schema's: its length is the limits table's, so a list an attacker
    // makes long is refused before any entry of it is read.
    variants: Type.Unsafe<unknown[]>({ type: 'array', maxItems: l.dropVariantsListedMax,
      description: 'Each {variant, name, name_zh, quantity}',
      'x-error': { messages: { required: '"variants" is required.',
        type: `"variants" must be a list of at most ${l.dropVariantsListedMax} objects.`,
        maxItems: `"variants" must be a list of at most ${l.dropVariantsListedMax} objects.` } } }),
  }),
  replies: { 201: DropView, 200: DropView },
  errors: ['invalid_drop', 'drop_already_open', 'opening_held_by_waiting_room',
    'waiting_room_opening_passed'] });

const idempotencyKey = idempotencyKeyHeader('One key per purchase, reused for its retries');

/** The waiting-room pass header, `spends` saying whether the request uses it up. */
const passHeader = (spends: string) => ({ [PASS_HEADER]: {
  schema: Type.String({ maxLength: 512 }), required: false,
  description: `The pass a waiting room gave, while one is on in front of the drop; ${spends}` } });

export const purchase: RouteContract = () => ({
  summary: 'Buy: hold units, pay, and the hold becomes a sale (one per Idempotency-Key)',
  headers: { ...idempotencyKey, ...passHeader('the purchase spends it, a refused one gives it '
    + 'back') },
  body: Type.Object({ variant: text({ maxLength: 48 }), quantity: maybe(whole()),
    // Text that shows: a hidden character would make one address two keys in the report.
    delivery_address: maybe(visibleText({ maxLength: 200, description: 'Where it is sent; kept '
      + 'only as a hash, for the suspicious-pattern report' })) }),
  replies: { 201: Type.Object({ hold: HoldView }), 200: Type.Object({ hold: HoldView }) },
  errors: ['rate_limited', 'idempotency_key_missing', 'idempotency_key_reused', 'drop_not_found',
    'drop_not_open', 'unknown_variant', 'drop_limit_reached', 'drop_sold_out',
    'payment_declined', 'hold_expired', 'hold_closed', ...GATE_REFUSALS, 'commit_unknown'] });

export const payHold: RouteContract = () => ({
  summary: 'Pay a held hold (how a waitlist offer is accepted)',
  replies: { 200: Type.Object({ hold: HoldView }) },
  errors: ['rate_limited', 'hold_not_found', 'hold_expired', 'hold_closed', 'payment_declined',
    'commit_unknown'] });

export const cancelHold: RouteContract = () => ({
  summary: 'Let a held hold or an offer go: its units return at once',
  replies: { 200: Type.Object({ hold: HoldView }) },
  errors: ['rate_limited', 'hold_not_found', 'hold_expired', 'hold_closed', 'commit_unknown'] });

export const joinWaitlist: RouteContract = () => ({
  summary: 'Join the waitlist of a sold-out variant (one unit)',
  headers: passHeader('required as for a purchase, and not spent: an offer made to the place '
    + 'is paid without another pass'),
  body: Type.Object({ variant: text({ maxLength: 48 }) }),
  replies: { 201: Type.Object({ entry: EntryView }), 200: Type.Object({ entry: EntryView }) },
  errors: ['rate_limited', 'drop_not_found', 'drop_not_open', 'unknown_variant',
    'waitlist_not_needed', 'drop_sold_out', 'drop_limit_reached', 'waitlist_full',
    ...GATE_REFUSALS] });

export const mine: RouteContract = () => ({
  summary: 'The caller\'s holds and waitlist places in a drop',
  replies: { 200: Type.Object({ holds: Type.Array(OwnHoldView),
    waitlist: Type.Array(EntryView) }) },
  errors: ['drop_not_found'] });

export const myPurchases: RouteContract = (l) => ({
  summary: 'The caller\'s drop purchases (held, paid, and those an operator cancelled, with '
    + 'the reason) across drops, a page of drops at a time',
  query: Type.Object({
    after: queryText({ pattern: '^([A-Za-z0-9_-]{1,64})?$',
      patternMessage: '"after" must be a drop id.',
      description: 'The next_after of the page before' }),
    limit: queryWhole(1, l.dropPurchasePageDropsMax, l.dropPurchasePageDropsMax),
  }),
  replies: { 200: Type.Object({
    purchases: Type.Array(Type.Object({
      drop: Type.Object({ drop_id: Str, name: Str, name_zh: Str,
        kind: Type.Union([Type.Literal('merch'), Type.Literal('car')]), price_fen: Int,
        deposit_fen: Int, deposit_refundable: Type.Boolean() }),
      variant: Type.Object({ variant: Str, name: Str, name_zh: Str }),
      hold: OwnHoldView,
    }), { description: 'In the drops\' order (by opening), newest first within a drop' }),
    next_after: orNull(Type.String({ description: 'The drop to ask after for the next page; '
      + 'null on the last' })),
  }) } });
