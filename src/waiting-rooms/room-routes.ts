// Waiting rooms' endpoints (docs/api.md, "Waiting rooms"): a room's public face, taking a place
// and polling it (JSON for apps, with the status the room is set to answer waiting with), and an
// operator's settings, live view, pass revocations and bot holds.
import { iso, parseIsoTime } from '../kernel/iso-time.js';
import { refuse, type Refusal } from '../kernel/outcomes.js';
import { queryNumber } from '../kernel/http/schema.js';
import type { Json } from '../kernel/http/http-io.js';
import { reply, type Ctx, type Route } from '../kernel/http/route.js';
import { clientFacts } from '../kernel/http/client-signals.js';
import * as Rooms from './room-schemas.js';
import { nextUrl, passStateAt } from './waiting-room.js';
import type {
  Pass, QueueOrder, Room, RoomScope, RoomSettings, TicketStatus,
} from './waiting-room.js';
import type { PlaceView } from './waiting-rooms-service.js';

const ID_PARAM = /^[A-Za-z0-9_-]{1,64}$/;
/** A pass lasts this long when the operator does not say (s). */
const PASS_SECONDS_DEFAULT = 600;

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

function pathIds(ctx: Ctx): Refusal | null {
  if (!ID_PARAM.test(ctx.params.room_id ?? '')) return refuse('waiting_room_not_found');
  if (ctx.params.pass_id !== undefined && !ID_PARAM.test(ctx.params.pass_id)) {
    return refuse('waiting_pass_not_found');
  }
  if (ctx.params.ticket_id !== undefined && !ID_PARAM.test(ctx.params.ticket_id)) {
    return refuse('waiting_ticket_not_found');
  }
  return null;
}

/** A room as anyone may see it: the seed only once the shuffle has used it. */
export function roomView(r: Room, nowMs: number, waiting?: number) {
  return { room_id: r.roomId, scope: r.scope, target_id: r.targetId, enabled: r.enabled,
    suspended: r.suspended, prequeue_at: iso(r.prequeueAtMs), opens_at: iso(r.opensAtMs),
    order: r.order, admit_per_minute: r.admitPerMinute, active_max: r.activeMax,
    pass_seconds: r.passSeconds, grace_seconds: r.graceSeconds, adaptive: r.adaptive,
    waiting_status: r.waitingStatus, seed_commitment: r.seedCommitment,
    seed: r.shuffledAtMs === null ? null : r.seed,
    shuffled_at: r.shuffledAtMs === null ? null : iso(r.shuffledAtMs),
    ...(waiting === undefined ? {} : { waiting }), server_time: iso(nowMs) };
}


/**
 * A place as its holder sees it, with the status the room answers waiting with (apps read the
 * JSON either way; a join answers 201 for a new place, 200 for the account's own again) and
 * Retry-After as the poll interval (the service's, following the wait).
 */
function placeReply(v: PlaceView, joined: 'created' | 'again' | null) {
  const pollAfter = v.pollAfterSeconds;
  const body = { room_id: v.room.roomId, phase: v.phase, position: v.position, ahead: v.ahead,
    estimate: v.estimate && { seconds: v.estimate.seconds, certainty: v.estimate.certainty,
      uncertain_because: v.estimate.because ?? null }, last_updated: iso(v.asOfMs), opens_at: iso(v.room.opensAtMs),
    suspended: v.room.suspended, ticket: v.ticket, poll_after_seconds: pollAfter,
    pass: v.pass ? { token: v.pass.token, expires_at: iso(v.pass.expiresAtMs),
      next_url: nextUrl(v.room) } : null,
    seed_commitment: v.room.seedCommitment, ticket_hash: v.ticketHash,
    // Off: no line to wait in; the person goes on to what the room stood in front of.
    ...(v.phase === 'off' ? { next_url: nextUrl(v.room) } : {}) };
  // Every waiting reply says when to poll, 200 included: an app may read the header alone.
  const waiting = v.phase !== 'admitted' && v.phase !== 'off';
  const headers = waiting ? { 'retry-after': String(pollAfter) } : undefined;
  const status = joined === 'created' ? 201 : joined === 'again' ? 200
    : waiting ? v.room.waitingStatus : 200;
  return reply(status, body, headers);
}

/**
 * A pass as its operator sees it at `nowMs`: its status judged then (passStateAt), its ticket,
 * and the account it is bound to (the first that used it, or whose signed-in place earned it;
 * null while unbound: tickets may be taken without signing in).
 */
const passView = (p: Pass, nowMs: number) => ({ pass_id: p.passId, ticket_id: p.ticketId,
  issued_at: iso(p.issuedAtMs), expires_at: iso(p.expiresAtMs), status: passStateAt(p, nowMs),
  account_id: p.boundTo ?? p.spentBy, spent_at: p.spentAtMs === null ? null : iso(p.spentAtMs),
  under_way: p.status === 'spent' && p.claimedUntilMs !== null });

/** The operator's body as settings, or the refusal of the first rule the types cannot say. */
function settingsOf(roomId: string, b: Json, graceDefault: number):
  RoomSettings | Refusal {
  const bad = (m: string) => refuse('invalid_waiting_room', `The waiting room is not valid: ${m}.`);
  const scope = b.scope as string;
  if (scope !== 'launch' && scope !== 'drop') return bad('scope must be launch or drop');
  const order = (b.order ?? 'shuffle') as string;
  if (order !== 'shuffle' && order !== 'fifo') return bad('order must be shuffle or fifo');
  if (!ID_PARAM.test(b.target_id as string)) return bad('target_id must be an id');
  return { roomId, scope: scope as RoomScope, targetId: b.target_id as string,
    enabled: b.enabled === true, suspended: b.suspended === true,
    opensAtMs: parseIsoTime(b.opens_at as string)!, prequeueAtMs:
      parseIsoTime(b.prequeue_at as string)!, order: order as QueueOrder,
    admitPerMinute: b.admit_per_minute as number, activeMax: b.active_max as number,
    passSeconds: (b.pass_seconds ?? PASS_SECONDS_DEFAULT) as number,
    graceSeconds: (b.grace_seconds ?? graceDefault) as number, adaptive: b.adaptive === true,
    waitingStatus: (b.waiting_status ?? 200) as number };
}

export const roomRoutes: Route[] = [
  { method: 'GET', path: '/waiting-rooms/:room_id', access: 'public', schema: Rooms.room,
    handler: async (ctx) => {
      const bad = pathIds(ctx);
      if (bad) return bad;
      const r = await ctx.app.waitingRooms.room(ctx.params.room_id!);
      if (!r) return refuse('waiting_room_not_found');
      return reply(200, roomView(r, ctx.app.clock.nowMs(),
        await ctx.app.waitingRooms.waitingCount(r.roomId)));
    } },
  { method: 'GET', path: '/waiting-rooms/:room_id/shuffle', access: 'public',
    schema: Rooms.draw, handler: async (ctx) => {
      const bad = pathIds(ctx);
      if (bad) return bad;
      const q = ctx.query();
      if (!q.ok) return q;
      // Counted before the draw is read: a refused page costs no read and no reply body.
      const limited = ctx.app.rateLimits.drawRead(ctx.address);
      if (limited) return limited;
      const r = await ctx.app.waitingRooms.draw(ctx.params.room_id!);
      if (!r.ok) return r;
      const { room: rm, draw } = r.value;
      const hashes = draw.hashesByRank;
      const offset = queryNumber(q.value.offset, 0);
      const end = Math.min(hashes.length,
        offset + queryNumber(q.value.limit, ctx.app.deps.limits.waitingDrawPageMax));
      const entries = [];
      for (let i = offset; i < end; i++) {
        entries.push(draw.inputIndex === null ? { rank: i + 1, ticket_hash: hashes[i]! }
          : { rank: i + 1, ticket_hash: hashes[i]!, input_index: draw.inputIndex[i]! });
      }
      return reply(200, { room_id: rm.roomId, seed: rm.seed, seed_commitment: rm.seedCommitment,
        shuffled_at: iso(rm.shuffledAtMs!), scheme: draw.scheme, count: hashes.length, offset,
        entries });
    } },
  { method: 'POST', path: '/waiting-rooms/:room_id/tickets', access: 'public',
    schema: Rooms.join, handler: async (ctx) => {
      const bad = pathIds(ctx);
      if (bad) return bad;
      // Queueing needs no sign-in; a signed-in buyer's join holds one place per account.
      const accountId = ctx.caller?.role === 'buyer' ? ctx.caller.account.accountId : null;
      const r = await ctx.app.waitingRooms.join(ctx.params.room_id!, ctx.address, accountId);
      if (!r.ok) return r;
      // A place needs no account, but a signed-in buyer's join is one more attempt at the sale
      // behind the room for the suspicious-pattern report: most of a ring's accounts wait in
      // the room and are never admitted, and this is where they show (once per place).
      if (ctx.caller?.role === 'buyer' && r.value.created) {
        const { room } = r.value.place;
        ctx.app.observe({ kind: 'room_join', accountId: ctx.caller.account.accountId,
          accountCreatedAtMs: ctx.caller.account.createdAtMs, subjectId: null,
          scope: `${room.scope}:${room.targetId}`, units: 1, city: null, deliveryAddress: null,
          atMs: ctx.app.clock.nowMs(), facts: clientFacts(ctx) });
      }
      return placeReply(r.value.place, r.value.created ? 'created' : 'again');
    } },
  { method: 'GET', path: '/waiting-rooms/:room_id/place', access: 'public',
    schema: Rooms.place, handler: async (ctx) => {
      const bad = pathIds(ctx);
      if (bad) return bad;
      const token = ctx.headers[Rooms.TICKET_HEADER];
      if (typeof token !== 'string') return refuse('waiting_ticket_invalid');
      const r = await ctx.app.waitingRooms.poll(ctx.params.room_id!, token);
      return r.ok ? placeReply(r.value, null) : r;
    } },
  { method: 'GET', path: '/admin/waiting-rooms', access: 'admin', schema: Rooms.rooms,
    handler: async (ctx) => {
      const nowMs = ctx.app.clock.nowMs();
      const rooms = await ctx.app.deps.store.rooms(ctx.app.deps.limits.waitingRoomsMax);
      return reply(200, { rooms: rooms.map((r) => roomView(r, nowMs)) });
    } },
  { method: 'PUT', path: '/admin/waiting-rooms/:room_id', access: 'admin',
    schema: Rooms.putRoom, handler: async (ctx) => {
      // The id names the room made here: one no room could have is a rule broken, not a miss.
      if (!ID_PARAM.test(ctx.params.room_id ?? '')) {
        return refuse('invalid_waiting_room', 'The waiting room is not valid: room_id must be '
          + '1-64 characters of A-Z, a-z, 0-9, _ and -.');
      }
      const b = await ctx.body();
      if (!b.ok) return b;
      const s = settingsOf(ctx.params.room_id!, b.value, ctx.app.deps.limits.waitingGraceSeconds);
      if ('ok' in s) return s;
      const r = await ctx.app.waitingRooms.put(actorOf(ctx), s);
      if (!r.ok) return r;
      return reply(r.value.created ? 201 : 200, roomView(r.value.room, ctx.app.clock.nowMs()));
    } },
  { method: 'GET', path: '/admin/waiting-rooms/:room_id', access: 'admin',
    schema: Rooms.overview, handler: async (ctx) => {
      const bad = pathIds(ctx);
      if (bad) return bad;
      const o = await ctx.app.waitingRooms.overview(ctx.params.room_id!);
      if (!o.ok) return o;
      const c = o.value.counts;
      const nowMs = ctx.app.clock.nowMs();
      return reply(200, { room: roomView(o.value.room, nowMs),
        waiting: c.waiting, prequeue: c.prequeue, held: c.held, admitted: c.admitted,
        expired: c.expired, active_passes: c.activePasses, spent_passes: c.spentPasses,
        revoked_passes: c.revokedPasses, admitted_last_minute: o.value.admittedLastMinute,
        // Admissions wait for a pass to be used, expire or be revoked (admissionRound).
        cap_reached: c.activePasses >= o.value.room.activeMax,
        passes: (await ctx.app.waitingRooms.passes(o.value.room.roomId))
          .map((p) => passView(p, nowMs)) });
    } },
  { method: 'POST', path: '/admin/waiting-rooms/:room_id/passes/:pass_id/revoke',
    access: 'admin', schema: Rooms.revokePass, handler: async (ctx) => {
      const bad = pathIds(ctx);
      if (bad) return bad;
      const b = await ctx.body();
      if (!b.ok) return b;
      const r = await ctx.app.waitingRooms.revoke(actorOf(ctx), ctx.params.room_id!,
        ctx.params.pass_id!, b.value.reason as string);
      return r.ok ? reply(200, { pass: passView(r.value, ctx.app.clock.nowMs()) }) : r;
    } },
  { method: 'GET', path: '/admin/waiting-rooms/:room_id/tickets', access: 'admin',
    schema: Rooms.findTickets, handler: async (ctx) => {
      const bad = pathIds(ctx);
      if (bad) return bad;
      const q = ctx.query();
      if (!q.ok) return q;
      const limit = queryNumber(q.value.limit, ctx.app.deps.limits.waitingTicketsListMax);
      const offset = queryNumber(q.value.offset, 0);
      const r = await ctx.app.waitingRooms.findTickets(ctx.params.room_id!,
        (q.value.status ?? null) as TicketStatus | null, q.value.network ?? null,
        limit, offset);
      if (!r.ok) return r;
      // A full page may have more behind it: the offset of the next one (null after the last).
      const next = r.value.tickets.length === limit ? offset + limit : null;
      return reply(200, { as_of: iso(r.value.asOfMs), next_offset: next,
        tickets: r.value.tickets.map(
        ({ ticket: t, position }) => ({ ticket_id: t.ticketId, network: t.address || null,
          account_id: t.accountId, joined_at: iso(t.joinedAtMs),
          last_seen_at: iso(t.lastSeenMs), status: t.status, position })) });
    } },
  { method: 'POST', path: '/admin/waiting-rooms/:room_id/tickets/:ticket_id/hold',
    access: 'admin', schema: Rooms.holdTicket, handler: async (ctx) => {
      const bad = pathIds(ctx);
      if (bad) return bad;
      const b = await ctx.body();
      if (!b.ok) return b;
      const r = await ctx.app.waitingRooms.hold(actorOf(ctx), ctx.params.room_id!,
        ctx.params.ticket_id!, b.value.held === true, b.value.reason as string);
      return r.ok ? reply(200, { ticket_id: r.value.ticketId, held: r.value.held }) : r;
    } },
];
