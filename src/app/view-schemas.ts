// The reply shapes of views.ts as schemas, for the OpenAPI document (kernel/http/openapi.ts) and
// the test that holds real replies to them. Replies are not validated at run time.
import { Type } from '@sinclair/typebox';
import { orNull } from '../kernel/http/schema.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });
const TimeOrNull = orNull(Type.String({ format: 'date-time' }));

export const AccountView = Type.Object({
  account_id: Str, phone: Str, name: Str, id_number_masked: Str, role: Str,
}, { 'x-component': 'Account' });

export const AccountWithToken = Type.Object({
  account_id: Str, phone: Str, name: Str, id_number_masked: Str, role: Str,
  token: Type.String({ description: 'The new session\'s bearer token, shown this once' }),
});

export const LaunchView = Type.Object({
  launch_id: Str, model_id: Str, name: Str, name_zh: Str, opens_at: Time,
  state: Type.Union([Type.Literal('scheduled'), Type.Literal('open')]),
  server_time: Time, deposit_fen: Int, cooling_off_hours: Int, per_account_limit: Int,
  locks_on_payment: Type.Boolean(),
  trims: Type.Array(Type.Object({ trim: Str, name: Str, name_zh: Str, price_fen: Int,
    capacity_per_week: Int, lead_weeks: Int })),
  options: Type.Array(Type.Object({ option_id: Str,
    group: Type.Union([Type.Literal('colour'), Type.Literal('wheels'), Type.Literal('extras')]),
    name: Str, name_zh: Str, price_fen: Int, default: Type.Boolean() })),
  cities: Type.Array(Type.Object({ city_id: Str, name: Str, name_zh: Str,
    opened_on: Str })),
}, { 'x-component': 'Launch' });

const OrderStatus = Type.Union([Type.Literal('firm'), Type.Literal('locked'),
  Type.Literal('cancelled')]);
const DepositState = Type.Union([Type.Literal('held'), Type.Literal('refunded'),
  Type.Literal('forfeited'), Type.Literal('applied')]);

export const OrderView = Type.Object({
  order_id: Str, account_id: Str, launch_id: Str, model_id: Str, trim: Str,
  options: Type.Array(Str), city: Str, status: OrderStatus, price_fen: Int,
  deposit: Type.Object({ amount_fen: Int, state: DepositState }),
  created_at: Time, cooling_off_ends_at: Time, locked_at: TimeOrNull, queued_at: TimeOrNull,
  cancelled_at: TimeOrNull,
  queue: orNull(Type.Object({ queue_key: Str, place: Int, locked_ahead_in_trim: Int })),
  estimate: orNull(Type.Object({ weeks_min: Int, weeks_max: Int, basis: Str })),
  actions: Type.Array(Str, { description: 'What the caller may do with the order now' }),
  switch_to: Type.Array(Str, { description: 'Launches the order may switch to now' }),
  history: Type.Array(Type.Object({ at: Time, type: Str, actor: Str, detail: Type.Unknown() })),
}, { 'x-component': 'Order' });

export const ChangeWindowView = Type.Object({
  window_id: Str, from_launch_id: Str, to_launch_id: orNull(Str), opens_at: Time,
  closes_at: Time, allows: Type.Array(Str),
  state: Type.Union([Type.Literal('scheduled'), Type.Literal('open'), Type.Literal('closed')]),
  closed_at: TimeOrNull, created_by: Str, created_at: Time,
}, { 'x-component': 'ChangeWindow' });

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

/** Every refusal's body (docs/api.md, "Errors"). */
export const ErrorView = Type.Object({
  error: Type.Object({ code: Str, message: Str }),
});
