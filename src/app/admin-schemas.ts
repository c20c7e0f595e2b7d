// The contract of the operator's endpoints (admin-routes.ts, operator-routes.ts,
// payment-routes.ts, the clock in http-app.ts): each request's fields with the code and message
// of every check, and each reply's shape. Validated by kernel/http/schema.ts, published by
// kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import {
  flag, maybe, orNull, queryText, queryWhole, reason, text, textList, time, whole,
} from '../kernel/http/schema.js';
import { CHANGE_ASPECTS } from '../domain/order.js';
import { AccountView, ChangeWindowView, LaunchView, OrderView } from './view-schemas.js';
import { RegistrationFields } from './buyer-schemas.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });

/** An id in a query: what ids.ts's newId makes, with room to spare. */
const ID_PATTERN = '^([A-Za-z0-9_-]{1,64})?$';

export const clock: RouteContract = (limits) => ({
  summary: 'Advance the simulated clock (a server started with it only)',
  body: Type.Object({ advance_seconds: whole({ minimum: 0,
    maximum: limits.clockAdvanceSecondsMax,
    rangeMessage: `"advance_seconds" must be from 0 to ${limits.clockAdvanceSecondsMax}.` }) }),
  replies: { 200: Type.Object({ now: Time, auto_locked: Int }) },
  errors: ['clock_not_simulated'] });

export const importAccounts: RouteContract = (limits) => {
  const max = limits.importAccountsMax;
  const message = `"accounts" must be a list of at most ${max}.`;
  return { summary: 'Register many buyers at once, each row on its own (no sessions)',
    body: Type.Object({ accounts: Type.Unsafe<unknown[]>({ type: 'array', maxItems: max,
      description: 'Rows of {phone, name, id_number} (ImportRow), each checked as POST /accounts '
        + 'checks its body and refused on its own, by its index',
      'x-error': { messages: { required: message, type: message, maxItems: message } } }) }),
    replies: { 200: Type.Object({
      created: Type.Array(Type.Object({ index: Int, account_id: Str, phone: Str })),
      errors: Type.Array(Type.Object({ index: Int, code: Str, message: Str })) }) } };
};

/** One import row, checked on its own (its refusals are reported in the reply by index). */
export const ImportRow = Type.Object({ ...RegistrationFields.properties }, {
  'x-error': { messages: { type: 'Each row must be an object of phone, name, id_number.' } } });

export const patchLaunch: RouteContract = () => ({
  summary: 'Change a launch\'s settings (only the fields given)',
  body: Type.Object({
    opens_at: maybe(time()),
    deposit_fen: maybe(whole({ minimum: 100, maximum: 100_000_00,
      rangeMessage: '"deposit_fen" must be from 100 to 10000000 fen.' })),
    per_account_limit: maybe(whole({ minimum: 1, maximum: 100,
      rangeMessage: '"per_account_limit" must be from 1 to 100.' })),
    cooling_off_hours: maybe(whole({ minimum: 0, maximum: 24 * 60,
      rangeMessage: '"cooling_off_hours" must be from 0 to 1440.' })),
    cities: maybe(textList({ maxItems: 500, maxLength: 64,
      description: 'City ids launchday knows; at least one' })),
    // Its entries are checked by the route: each names a trim of this launch (unknown_trim)
    // before its number is checked, so only the object is the schema's.
    capacity_per_week: Type.Optional(Type.Unsafe<Record<string, number>>({ type: 'object',
      description: 'trim: cars per week, each from 1 to 1000000, for trims of this launch',
      'x-error': { messages: {
        type: '"capacity_per_week" must be an object of trim: cars.' }, stages: { type: 2 } },
    })),
  }),
  replies: { 200: LaunchView },
  errors: ['launch_not_found', 'unknown_trim', 'unknown_city'] });

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

export const openWindow: RouteContract = () => ({ summary: 'Open a change window',
  body: Type.Object({
    from_launch_id: text({ maxLength: 64 }),
    to_launch_id: maybe(text({ maxLength: 64 })),
    opens_at: time(),
    closes_at: time(),
    allows: textList({ maxItems: 6, description: `Some of ${CHANGE_ASPECTS.join(', ')}` }),
  }),
  replies: { 201: ChangeWindowView },
  errors: ['launch_not_found', 'invalid_change_window'] });

export const windows: RouteContract = () => ({ summary: 'Every change window',
  replies: { 200: Type.Object({ change_windows: Type.Array(ChangeWindowView) }) } });

export const closeWindow: RouteContract = () => ({ summary: 'Close a change window now',
  replies: { 200: ChangeWindowView }, errors: ['change_window_not_found'] });

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

export const auditLog: RouteContract = (limits) => ({ summary: 'The newest audit entries',
  query: Type.Object({ limit: queryWhole(1, limits.auditLogMax,
    Math.min(100, limits.auditLogMax)) }),
  replies: { 200: Type.Object({ entries: Type.Array(Type.Object({ at: Time, actor: Str,
    action: Str, detail: Type.Unknown() })) }) } });

export const operators: RouteContract = () => ({ summary: 'Every operator',
  replies: { 200: Type.Object({ operators: Type.Array(Type.Object({ name: Str,
    created_at: Time, created_by: Str, you: Type.Boolean() })) }) } });

export const createOperator: RouteContract = () => ({
  summary: 'Name a new operator (its token is shown this once)',
  body: Type.Object({ name: text({ maxLength: 64,
    description: '2 to 32 of a-z 0-9 - _' }) }),
  replies: { 201: Type.Object({ name: Str, token: Str }) },
  errors: ['invalid_request', 'operator_exists'] });

export const rotateOperator: RouteContract = () => ({
  summary: 'Give an operator a new token; the old one stops at once',
  replies: { 200: Type.Object({ name: Str, token: Str }) }, errors: ['operator_not_found'] });

export const removeOperator: RouteContract = () => ({ summary: 'Remove an operator',
  replies: { 200: Type.Object({ removed: Str }) }, errors: ['operator_not_found'] });

export const revokeSessions: RouteContract = (limits) => ({
  summary: 'Sign a buyer out everywhere (with a reason)',
  body: Type.Object({ reason: reason(limits.operatorReasonMax) }),
  replies: { 200: Type.Object({ account_id: Str, revoked: Int }) },
  errors: ['reason_required', 'account_not_found'] });

export const sandboxSms: RouteContract = () => ({
  summary: 'The sandbox\'s text messages (this process\'s)',
  replies: { 200: Type.Object({ provider: Str, messages: Type.Array(Type.Object({ phone: Str,
    text: Str, at: Time })) }) } });

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
