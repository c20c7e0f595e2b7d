// The contract of the launches' endpoints (launch-routes.ts: the launches, the live stream, an
// operator's launch settings and change windows): each request's fields with the code
// and message of every check, and each reply's shape. Validated by kernel/http/schema.ts,
// published by kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import { RoomNoticeSchema } from '../kernel/room-notice.js';
import { maybe, orNull, text, textList, time, whole } from '../kernel/http/schema.js';
import { CHANGE_ASPECTS } from './launch.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });
const TimeOrNull = orNull(Type.String({ format: 'date-time' }));

export const LaunchView = Type.Object({
  launch_id: Str, model_id: Str, name: Str, name_zh: Str, opens_at: Time,
  state: Type.Union([Type.Literal('scheduled'), Type.Literal('open')]),
  server_time: Time, deposit_fen: Int, cooling_off_hours: Int, per_account_limit: Int,
  locks_on_payment: Type.Boolean(), waiting_room: RoomNoticeSchema,
  trims: Type.Array(Type.Object({ trim: Str, name: Str, name_zh: Str, price_fen: Int,
    capacity_per_week: Int, lead_weeks: Int })),
  options: Type.Array(Type.Object({ option_id: Str,
    group: Type.Union([Type.Literal('colour'), Type.Literal('wheels'), Type.Literal('extras')]),
    name: Str, name_zh: Str, price_fen: Int, default: Type.Boolean() })),
  cities: Type.Array(Type.Object({ city_id: Str, name: Str, name_zh: Str,
    opened_on: Str })),
}, { 'x-component': 'Launch' });

export const ChangeWindowView = Type.Object({
  window_id: Str, from_launch_id: Str, to_launch_id: orNull(Str), opens_at: Time,
  closes_at: Time, allows: Type.Array(Str),
  state: Type.Union([Type.Literal('scheduled'), Type.Literal('open'), Type.Literal('closed')]),
  closed_at: TimeOrNull, created_by: Str, created_at: Time,
}, { 'x-component': 'ChangeWindow' });

export const launches: RouteContract = () => ({ summary: 'Every launch',
  replies: { 200: Type.Object({ launches: Type.Array(LaunchView), server_time: Time }) } });

export const launch: RouteContract = () => ({ summary: 'One launch',
  replies: { 200: LaunchView }, errors: ['launch_not_found'] });

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
  errors: ['launch_not_found', 'unknown_trim', 'unknown_city', 'opening_held_by_waiting_room',
    'waiting_room_opening_passed'] });

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

export const liveStream: RouteContract = () => ({
  summary: 'A launch\'s figures once a second, as server-sent events',
  replyMediaType: 'text/event-stream',
  replies: { 200: Type.String({ description: 'Server-sent events `stats`, each a LiveFrame: '
    + 'the first with the whole series since the opening, later ones with its last points' }) },
  errors: ['launch_not_found', 'live_viewers_full'] });

/**
 * A live frame: the launch's figures (the LaunchStats of `GET /launches/{id}/stats`, declared
 * by orders, which this capability may not name) with the time figures every screen shares.
 */
export const LiveFrame = Type.Object({
  opens_at: Time,
  elapsed_s: Type.Integer({ description: 'Seconds since the opening; negative before it' }),
  rate_per_s: Type.Number({ description: 'Orders taken per second over the last whole seconds' }),
  peak_per_s: Int,
  peak_at_s: orNull(Type.Integer({ description: 'Seconds since the opening of the peak second' })),
  series: Type.Object({ step_s: Int, from: Int, counts: Type.Array(Int) }),
}, { additionalProperties: true, 'x-component': 'LiveFrame',
  description: 'The time figures shared by every screen, with the launch\'s LaunchStats fields' });

export const liveSnapshot: RouteContract = () => ({
  summary: 'A launch\'s live figures as a cacheable snapshot, one second fresh (ETag, 304)',
  replies: { 200: LiveFrame, 304: Type.Null({ description: 'Not modified (If-None-Match)' }) },
  errors: ['launch_not_found'] });
