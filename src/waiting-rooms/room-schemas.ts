// The contract of the waiting rooms' endpoints (room-routes.ts: a room's public face, joining,
// polling a place, and an operator's settings, live view, revocations and bot holds): each
// request's fields with the code and message of every check, and each reply's shape. Validated
// by kernel/http/schema.ts, published by kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import {
  flag, maybe, orNull, queryText, queryWhole, reason, text, time, whole,
} from '../kernel/http/schema.js';
import { NETWORK_PATTERN } from './waiting-room.js';
import { PASS_HEADER } from '../kernel/admission-gate.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });

/** The header a poll carries its queue ticket in (kept out of addresses and their logs). */
export const TICKET_HEADER = 'x-waiting-room-ticket';

export const RoomView = Type.Object({
  room_id: Str, scope: Type.Union([Type.Literal('launch'), Type.Literal('drop')]),
  target_id: Str, enabled: Type.Boolean(), suspended: Type.Boolean(),
  prequeue_at: Time, opens_at: Time,
  order: Type.Union([Type.Literal('shuffle'), Type.Literal('fifo')]),
  admit_per_minute: Int, active_max: Int, pass_seconds: Int, grace_seconds: Int,
  adaptive: Type.Boolean(), waiting_status: Int,
  seed_commitment: Type.String({ description: 'sha256 of the shuffle\'s seed, hex: published '
    + 'before the opening' }),
  seed: orNull(Type.String({ description: 'The seed, once the pre-queue was shuffled' })),
  shuffled_at: orNull(Time),
  waiting: Type.Optional(Type.Integer({ description: 'People waiting, the pre-queue included '
    + '(before the opening: the pre-queue\'s size), from a copy of the line at most a couple of '
    + 'seconds old. In the public view only' })),
  server_time: Time,
}, { 'x-component': 'WaitingRoom' });

export const PlaceView = Type.Object({
  room_id: Str,
  phase: Type.Union([Type.Literal('prequeue'), Type.Literal('waiting'),
    Type.Literal('admitted'), Type.Literal('off')], { description: 'off: the operator switched '
    + 'the room off; the sale is not gated: go on to next_url (polling keeps the place, which '
    + 'counts again if the room is switched back on)' }),
  position: orNull(Type.Integer({ description: '1 for the next to be admitted; only ever goes '
    + 'down. Null in the pre-queue before the shuffle, and with phase waiting while the place is '
    + 'being counted (just joined, or just shuffled): poll again after poll_after_seconds' })),
  ahead: orNull(Int),
  estimate: orNull(Type.Object({ seconds: Int,
    certainty: Type.Union([Type.Literal('firm'), Type.Literal('likely'),
      Type.Literal('uncertain')]),
    uncertain_because: orNull(Type.Union([Type.Literal('paused'), Type.Literal('cap'),
      Type.Literal('rate')], { description: 'Why an uncertain estimate is: paused (the room is '
      + 'suspended), cap (admissions wait for people admitted before to finish: the cap on '
      + 'active passes is full, or will be before this turn), rate (the admission rate may '
      + 'change). Null unless certainty is uncertain' })) })),
  last_updated: Time, opens_at: Time, suspended: Type.Boolean(),
  ticket: Type.String({ description: `The signed queue ticket: send it in ${TICKET_HEADER} `
    + 'with the next poll (it keeps the place across reloads)' }),
  poll_after_seconds: Type.Integer({ description: 'When to poll next (s), as Retry-After; '
    + 'sooner while the place is being counted' }),
  pass: orNull(Type.Object({ token: Type.String({ description: `Send it in ${PASS_HEADER} with `
    + 'the order or purchase' }), expires_at: Time, next_url: Str })),
  seed_commitment: Str,
  ticket_hash: Type.String({ description: 'sha256 of this ticket\'s id, hex: how the published '
    + 'draw (GET /waiting-rooms/{room_id}/shuffle) names it, so its holder can find their rank' }),
  next_url: Type.Optional(Type.String({ description: 'With phase off only: where to go on (the '
    + 'order page or the drop page, as a pass\'s next_url)' })),
}, { 'x-component': 'WaitingPlace' });

const PassView = Type.Object({
  pass_id: Str, ticket_id: Str, issued_at: Time, expires_at: Time,
  status: Type.Union([Type.Literal('active'), Type.Literal('spent'), Type.Literal('revoked'),
    Type.Literal('expired')], { description: 'As of the reply: expired once past expires_at '
    + 'unused; spent includes a claim by an order or purchase still under way; revoked with '
    + 'a spent_at: revoked while an order or purchase with it was under way, which may have '
    + 'gone through' }),
  account_id: orNull(Type.String({ description: 'The account the pass is bound to: the first '
    + 'that used it (a waitlist join, an order or purchase, a model switch), or the signed-in '
    + 'account whose place earned it; null while unbound (places may be taken without signing '
    + 'in)' })),
  spent_at: orNull(Time),
  under_way: Type.Boolean({ description: 'Spent by an order or purchase not settled yet (its '
    + 'payment may still be in flight): it can still be revoked, and a refused request then '
    + 'gives it back revoked' }),
}, { 'x-component': 'WaitingPass' });



export const room: RouteContract = () => ({ summary: 'A waiting room: its settings, its seed '
  + 'commitment (and seed after the shuffle)', replies: { 200: RoomView },
errors: ['waiting_room_not_found'] });

const DrawEntry = Type.Object({
  rank: Type.Integer({ description: 'The place the shuffle gave (1 first)' }),
  ticket_hash: Type.String({ description: 'sha256 of the ticket\'s id, hex' }),
  input_index: Type.Optional(Type.Integer({ description: 'Scheme 1 only (rooms shuffled before '
    + 'the draw became checkable from public data): its place (from 0) in that shuffle\'s '
    + 'input, the drawn ticket ids sorted, as the server states it' })),
}, { 'x-component': 'WaitingDrawEntry' });

export const draw: RouteContract = (l) => ({
  summary: 'The shuffle\'s draw, to check it: the seed and each pre-queue ticket\'s hash with '
    + 'its rank, in rank order; the shuffle\'s input is every hash of the draw sorted '
    + `(docs/api.md, "Checking the draw"). At most ${l.drawReadsPerAddressMax} pages a minute `
    + 'from one network address',
  query: Type.Object({
    offset: queryWhole(0, 1_000_000_000, 0),
    limit: queryWhole(1, l.waitingDrawPageMax, l.waitingDrawPageMax),
  }),
  replies: { 200: Type.Object({ room_id: Str, seed: Str, seed_commitment: Str, shuffled_at: Time,
    scheme: Type.Union([Type.Literal(1), Type.Literal(2)], { description: '2: the shuffle\'s '
      + 'input is the draw\'s ticket_hash values sorted, so the order is checked from this reply '
      + 'alone; 1: a room shuffled before that, over its ticket ids sorted (input_index)' }),
    count: Type.Integer({ description: 'Tickets in the draw' }), offset: Int,
    entries: Type.Array(DrawEntry) }) },
  errors: ['waiting_room_not_found', 'waiting_room_not_shuffled', 'rate_limited'] });

export const join: RouteContract = (l) => ({
  summary: `Take a place in the waiting room (the pre-queue before the opening); at most ${
    l.waitingTicketsPerAddressMax} places per network address and ${
    l.waitingTicketsPerNetworkMax} per IPv4 /24 or IPv6 /48; signed in (optional), one place `
    + 'per account: a second join answers 200 with the same place, and its pass is bound to '
    + 'the account; a signed-in buyer already at the sale\'s per-account or per-person limit '
    + 'gets no place (drop_limit_reached, per_account_limit_reached)',
  replies: { 201: PlaceView, 200: PlaceView },
  errors: ['waiting_room_not_found', 'waiting_room_not_open', 'too_many_tickets',
    'drop_sold_out', 'drop_limit_reached', 'per_account_limit_reached'],

});

export const place: RouteContract = () => ({
  summary: 'Where the ticket stands: position, number ahead, estimate, or the pass (or that '
    + 'the room is off, with where to go on)',
  headers: { [TICKET_HEADER]: { schema: Type.String({ maxLength: 512 }), required: true,
    description: 'The ticket of the last reply' } },
  replies: { 200: PlaceView, 202: PlaceView, 429: PlaceView, 503: PlaceView },
  errors: ['waiting_room_not_found', 'waiting_ticket_invalid', 'waiting_ticket_expired',
    'rate_limited', 'drop_sold_out'] });

const settings = (l: Parameters<RouteContract>[0]) => Type.Object({
  scope: text({ maxLength: 16, description: 'launch or drop' }),
  target_id: text({ maxLength: 64, description: 'The launch\'s or drop\'s id' }),
  enabled: flag(), suspended: maybe(flag()),
  opens_at: time(), prequeue_at: time({ description: 'At least 5 minutes before opens_at' }),
  order: maybe(text({ maxLength: 16, description: 'shuffle (default) or fifo; a shuffled room '
    + 'is made before its opening (for a sale already open: fifo)' })),
  admit_per_minute: whole({ minimum: 1, maximum: l.waitingAdmitPerMinuteMax,
    rangeMessage: `"admit_per_minute" must be 1 to ${l.waitingAdmitPerMinuteMax}.` }),
  active_max: whole({ minimum: 1, maximum: l.waitingActiveMax,
    rangeMessage: `"active_max" must be 1 to ${l.waitingActiveMax}.` }),
  pass_seconds: maybe(whole({ description: 'How long a pass lasts (default 600)' })),
  grace_seconds: maybe(whole({ description: 'How long a place is kept after its last poll '
    + `(default ${l.waitingGraceSeconds})` })),
  adaptive: maybe(flag({ description: 'Slow admissions as the commit queue delay grows' })),
  waiting_status: maybe(whole({ description: 'Status of a waiting reply: 200, 202, 429 or 503' })),
});

export const rooms: RouteContract = () => ({ summary: 'Every waiting room',
  replies: { 200: Type.Object({ rooms: Type.Array(RoomView) }) } });

export const putRoom: RouteContract = (l) => ({
  summary: 'Create a waiting room or change its settings (switch, rates, suspend)',
  body: settings(l),
  replies: { 201: RoomView, 200: RoomView },
  errors: ['invalid_waiting_room', 'waiting_room_not_found', 'waiting_room_settings_fixed',
    'waiting_room_opening_passed'] });

export const overview: RouteContract = () => ({
  summary: 'A room live: line length, admissions in the last minute, passes',
  replies: { 200: Type.Object({ room: RoomView, waiting: Int, prequeue: Int, held: Int,
    admitted: Int, expired: Int, active_passes: Int, spent_passes: Int, revoked_passes: Int,
    admitted_last_minute: Int,
    cap_reached: Type.Boolean({ description: 'active_passes is at active_max: admissions are '
      + 'paused until a pass is used, expires or is revoked' }),
    passes: Type.Array(PassView) }) },
  errors: ['waiting_room_not_found'] });

const TICKET_STATUSES = ['waiting', 'held', 'admitted', 'expired'] as const;

const TicketFound = Type.Object({
  ticket_id: Str,
  network: orNull(Type.String({ description: 'The joiner\'s IPv4 address or IPv6 /64 (null: '
    + 'unknown)' })),
  account_id: orNull(Type.String({ description: 'The buyer account signed in when the place '
    + 'was taken (one live place per account); null for an anonymous join' })),
  joined_at: Time, last_seen_at: Time,
  status: Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s))),
  position: orNull(Type.Integer({ description: 'A waiting ticket\'s place in the line as of '
    + 'as_of; null for the others, and for one the line has not counted yet (the pre-queue '
    + 'before the shuffle, or just joined)' })),
}, { 'x-component': 'WaitingTicket' });

export const findTickets: RouteContract = (l) => ({
  summary: 'Look up a room\'s tickets (a suspected bot\'s, to hold it): by network, as the '
    + 'suspicious-pattern report names it, and status; in line order',
  query: Type.Object({
    network: queryText({ maxLength: 64, pattern: NETWORK_PATTERN, patternMessage: '"network" '
      + 'must be an IPv4 address, an IPv4 /24 such as 203.0.113.0/24, an IPv6 /64 such as '
      + '2001:db8:1:2::/64, or an address of ::/64 such as ::1 (as the suspicious-pattern '
      + 'report names networks).' }),
    status: queryText({ maxLength: 16, pattern: `^(${TICKET_STATUSES.join('|')})$`,
      patternMessage: `"status" must be one of ${TICKET_STATUSES.join(', ')} (absent: waiting `
        + 'and held).' }),
    limit: queryWhole(1, l.waitingTicketsListMax, l.waitingTicketsListMax),
    offset: queryWhole(0, 1_000_000_000, 0),
  }),
  replies: { 200: Type.Object({ tickets: Type.Array(TicketFound), as_of: Time,
    next_offset: orNull(Type.Integer({ description: 'The offset of the next page; null when '
      + 'this page was not full (the last)' })) }) },
  errors: ['waiting_room_not_found'] });

export const revokePass: RouteContract = (l) => ({
  summary: 'Revoke an active pass, or one an order or purchase still under way holds (it can '
    + 'no longer order)',
  body: Type.Object({ reason: reason(l.operatorReasonMax) }),
  replies: { 200: Type.Object({ pass: PassView }) },
  errors: ['waiting_room_not_found', 'waiting_pass_not_found', 'waiting_pass_not_active'] });

export const holdTicket: RouteContract = (l) => ({
  summary: 'Hold a suspected bot\'s ticket in a line that never admits (or let it wait again)',
  body: Type.Object({ held: flag(), reason: reason(l.operatorReasonMax) }),
  replies: { 200: Type.Object({ ticket_id: Str, held: Type.Boolean({ description: 'Its state '
    + 'now (a second hold or release changes nothing and answers the same)' }) }) },
  errors: ['waiting_room_not_found', 'waiting_ticket_not_found', 'waiting_ticket_not_in_line'] });
