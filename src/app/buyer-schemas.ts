// The contract of the buyer's endpoints (buyer-routes.ts, session-routes.ts): each request's
// fields with the code and message of every check, and each reply's shape. Validated by
// kernel/http/schema.ts, published by kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import { SIGNATURE_HEADER } from './payment-signature.js';
import {
  flag, maybe, queryText, text, textList,
} from '../kernel/http/schema.js';
import {
  AccountView, AccountWithToken, LaunchView, OrderView, StatsView,
} from './view-schemas.js';

const Str = Type.String();
const Time = Type.String({ format: 'date-time' });

/** The registration fields, as POST /accounts and each import row take them. */
export const RegistrationFields = Type.Object({
  phone: text({ maxLength: 32, description: 'Mainland mobile number (web/js/text-fields.js)' }),
  name: text({ maxLength: 200, description: '1 to 64 characters once normalised' }),
  id_number: text({ maxLength: 32, description: 'Resident identity number, 18 characters' }),
});

const REGISTRATION_ERRORS = ['invalid_phone', 'invalid_name', 'invalid_id_number',
  'id_number_check_mismatch'] as const;

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

export const time: RouteContract = () => ({ summary: 'The server\'s clock',
  replies: { 200: Type.Object({ server_time: Time }) } });

export const register: RouteContract = () => ({ summary: 'Register a buyer (and sign in)',
  body: RegistrationFields, replies: { 201: AccountWithToken },
  errors: ['rate_limited', ...REGISTRATION_ERRORS, 'phone_taken', 'id_number_taken'] });

export const requestCode: RouteContract = () => ({
  summary: 'Text a sign-in code to a registered phone (the same reply for every valid phone)',
  body: Type.Object({ phone: text({ maxLength: 32 }) }),
  replies: { 202: Type.Object({ sent: Type.Literal(true), expires_in_seconds: Type.Integer(),
    dev_code: Type.Optional(Type.String({ description: 'Only with LAUNCHDAY_DEV_SHOW_CODES=on' })),
  }) },
  errors: ['rate_limited', 'invalid_phone'] });

export const signIn: RouteContract = () => ({ summary: 'Sign in with a texted code',
  body: Type.Object({ phone: text({ maxLength: 32 }), code: text({ maxLength: 16 }) }),
  replies: { 201: AccountWithToken },
  errors: ['rate_limited', 'too_many_attempts', 'code_invalid', 'invalid_phone'] });

export const listSessions: RouteContract = () => ({ summary: 'The caller\'s sessions',
  replies: { 200: Type.Object({ sessions: Type.Array(Type.Object({ session_id: Str,
    created_at: Time, last_seen_at: Time, ends_at: Time, current: Type.Boolean() })) }) } });

export const signOutEverywhere: RouteContract = () => ({ summary: 'Sign out everywhere',
  replies: { 200: Type.Object({ revoked: Type.Integer() }) } });

export const signOutSession: RouteContract = () => ({
  summary: 'End one session (`current`: this one)',
  replies: { 200: Type.Object({ revoked: Type.Integer() }) }, errors: ['session_not_found'] });

export const paymentNotification: RouteContract = () => ({
  summary: 'The payment provider\'s signed notification (raw JSON body, signature header)',
  headers: { [SIGNATURE_HEADER]: { schema: Str, required: true,
    description: 'The provider\'s signature of the raw body (payment-signature.ts)' } },
  rawBody: Type.Object({}, { description: 'The provider\'s event, signed as sent' }),
  replies: { 200: Type.Object({ received: Type.Literal(true), duplicate: Type.Boolean(),
    anomaly: Type.Optional(Str) }) },
  errors: ['signature_invalid'] });

export const me: RouteContract = () => ({ summary: 'Who the token is',
  replies: { 200: Type.Union([AccountView,
    Type.Object({ role: Type.Literal('admin'), actor: Str })]) } });

export const launches: RouteContract = () => ({ summary: 'Every launch',
  replies: { 200: Type.Object({ launches: Type.Array(LaunchView), server_time: Time }) } });

export const launch: RouteContract = () => ({ summary: 'One launch',
  replies: { 200: LaunchView }, errors: ['launch_not_found'] });

export const estimate: RouteContract = () => ({
  summary: 'The delivery estimate of a trim if locked now',
  query: Type.Object({ trim: queryText({ description: 'A trim of the launch' }),
    city: queryText({ description: 'A city the launch delivers to' }) }),
  replies: { 200: Type.Object({ trim: Str, city: Type.Union([Str, Type.Null()]),
    locked_ahead: Type.Integer(), estimate: Type.Object({ weeks_min: Type.Integer(),
      weeks_max: Type.Integer(), basis: Type.Literal('if_locked_now') }), as_of: Time }) },
  errors: ['launch_not_found', 'unknown_city', 'unknown_trim'] });

export const stats: RouteContract = () => ({ summary: 'A launch\'s live figures',
  replies: { 200: StatsView }, errors: ['launch_not_found'] });

/** The Idempotency-Key header's rule; idempotency_key_missing otherwise. */
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

export const placeOrder: RouteContract = (limits) => ({
  summary: 'Place an order: pay the deposit (one per Idempotency-Key)',
  headers: { 'idempotency-key': { schema: Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN }),
    required: true, description: 'One key per attempt, reused for its retries' } },
  body: configuration(limits.optionsPerOrderMax, true),
  replies: { 201: OrderView, 200: OrderView },
  errors: ['rate_limited', 'idempotency_key_missing', 'idempotency_key_reused',
    'launch_not_found', 'sales_not_open', 'unknown_trim', 'unknown_option', 'option_conflict',
    'unknown_city', 'per_account_limit_reached', 'payment_declined', 'commit_unknown'] });

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
  errors: ['rate_limited', 'order_not_found', 'order_cancelled', 'forfeit_not_accepted',
    'commit_unknown'] });

export const change: RouteContract = (limits) => ({
  summary: 'Change an order\'s configuration (or switch its model in a window)',
  body: configuration(limits.optionsPerOrderMax, false), replies: { 200: OrderView },
  errors: ['rate_limited', 'order_not_found', 'order_cancelled', 'nothing_to_change',
    'change_window_closed', 'change_not_allowed', 'launch_not_found', 'unknown_trim',
    'unknown_option', 'option_conflict', 'unknown_city', 'commit_unknown'] });
