// Rows of the waiting rooms' tables and the values they are written from, shared by both
// adapters (SQLite's booleans are 0/1, PostgreSQL's bigints arrive as strings).
import { networkOf, type Pass, type PassStatus, type Room, type Ticket, type TicketStatus,
} from './waiting-room.js';
import type { PassClaim, RoomCounts } from './waiting-rooms-store.js';

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const textOrNull = (v: unknown): string | null =>
  (v === null || v === undefined ? null : String(v));

export const ROOM_COLUMNS = ['room_id', 'scope', 'target_id', 'enabled', 'suspended',
  'opens_at_ms', 'prequeue_at_ms', 'queue_order', 'admit_per_minute', 'active_max',
  'pass_seconds', 'grace_seconds', 'adaptive', 'waiting_status', 'seed', 'seed_commitment',
  'shuffled_at_ms', 'tokens', 'filled_at_ms', 'admitted_total', 'created_at_ms',
  'updated_at_ms', 'draw_scheme'] as const;

/**
 * The operator's columns: what replacing a room changes. The seed, its commitment, the draw's
 * scheme and the admitter's state are kept, so that an edit read before an admitter round
 * cannot undo it.
 */
export const ROOM_SETTINGS_COLUMNS = ['scope', 'target_id', 'enabled', 'suspended',
  'opens_at_ms', 'prequeue_at_ms', 'queue_order', 'admit_per_minute', 'active_max',
  'pass_seconds', 'grace_seconds', 'adaptive', 'waiting_status', 'updated_at_ms'] as const;

export const roomToValues = (r: Room): unknown[] => [r.roomId, r.scope, r.targetId,
  r.enabled ? 1 : 0, r.suspended ? 1 : 0, r.opensAtMs, r.prequeueAtMs, r.order, r.admitPerMinute,
  r.activeMax, r.passSeconds, r.graceSeconds, r.adaptive ? 1 : 0, r.waitingStatus, r.seed,
  r.seedCommitment, r.shuffledAtMs, r.tokens, r.filledAtMs, r.admittedTotal, r.createdAtMs,
  r.updatedAtMs, r.drawScheme];

export const rowToRoom = (r: Row): Room => ({
  roomId: String(r.room_id), scope: r.scope as Room['scope'], targetId: String(r.target_id),
  enabled: num(r.enabled) === 1, suspended: num(r.suspended) === 1,
  opensAtMs: num(r.opens_at_ms), prequeueAtMs: num(r.prequeue_at_ms),
  order: r.queue_order as Room['order'], admitPerMinute: num(r.admit_per_minute),
  activeMax: num(r.active_max), passSeconds: num(r.pass_seconds),
  graceSeconds: num(r.grace_seconds), adaptive: num(r.adaptive) === 1,
  waitingStatus: num(r.waiting_status), seed: String(r.seed),
  seedCommitment: String(r.seed_commitment), shuffledAtMs: numOrNull(r.shuffled_at_ms),
  tokens: num(r.tokens), filledAtMs: numOrNull(r.filled_at_ms),
  admittedTotal: num(r.admitted_total), createdAtMs: num(r.created_at_ms),
  updatedAtMs: num(r.updated_at_ms), drawScheme: num(r.draw_scheme) as Room['drawScheme'],
});

/** `network` is written from the address (networkOf), for the per-network cap's count. */
export const TICKET_COLUMNS = ['ticket_id', 'room_id', 'joined_at_ms', 'line_key', 'status',
  'last_seen_ms', 'address', 'pass_id', 'admitted_at_ms', 'account_id', 'network'] as const;

export const ticketToValues = (t: Ticket): unknown[] => [t.ticketId, t.roomId, t.joinedAtMs,
  t.key, t.status, t.lastSeenMs, t.address, t.passId, t.admittedAtMs, t.accountId,
  networkOf(t.address)];

export const rowToTicket = (r: Row): Ticket => ({
  ticketId: String(r.ticket_id), roomId: String(r.room_id), joinedAtMs: num(r.joined_at_ms),
  key: numOrNull(r.line_key), status: r.status as TicketStatus, lastSeenMs: num(r.last_seen_ms),
  address: String(r.address), passId: textOrNull(r.pass_id),
  admittedAtMs: numOrNull(r.admitted_at_ms), accountId: textOrNull(r.account_id),
});

export const PASS_COLUMNS = ['pass_id', 'room_id', 'ticket_id', 'issued_at_ms', 'expires_at_ms',
  'status', 'spent_by', 'spent_key', 'spent_at_ms', 'claimed_until_ms', 'bound_to'] as const;

export const passToValues = (p: Pass): unknown[] => [p.passId, p.roomId, p.ticketId,
  p.issuedAtMs, p.expiresAtMs, p.status, p.spentBy, p.spentKey, p.spentAtMs,
  p.claimedUntilMs, p.boundTo];

export const rowToPass = (r: Row): Pass => ({
  passId: String(r.pass_id), roomId: String(r.room_id), ticketId: String(r.ticket_id),
  issuedAtMs: num(r.issued_at_ms), expiresAtMs: num(r.expires_at_ms),
  status: r.status as PassStatus, spentBy: textOrNull(r.spent_by),
  spentKey: textOrNull(r.spent_key), spentAtMs: numOrNull(r.spent_at_ms),
  claimedUntilMs: numOrNull(r.claimed_until_ms), boundTo: textOrNull(r.bound_to),
});

/**
 * The passes an operator's revoke changes (both adapters): an active one, and one claimed by a
 * request still under way (`claimed_until_ms` set, whether or not the claim has lapsed). That
 * request may still give it back (a declined payment: releasePass), which once let the pass be
 * used again however often it was revoked meanwhile (the attacker's find): it goes back
 * revoked now (RELEASED_STATUS_SQL), and spendPass still settles it, as `revoked`, if the
 * request succeeded. A pass spent for good (no claim) stops no one and stays as it is.
 */
export const REVOCABLE_SQL = "(status = 'active' OR (status = 'spent' "
  + 'AND claimed_until_ms IS NOT NULL))';

/** A claim given back leaves its pass active, or revoked if it was revoked meanwhile. */
export const RELEASED_STATUS_SQL = "CASE WHEN status = 'revoked' THEN 'revoked' "
  + "ELSE 'active' END";

/**
 * How a pass that could not be claimed stands (shared by both adapters): bound to another
 * account before anything else (whatever its state, it is not this account's to use).
 */
export function claimOutcome(p: Pass | null, by: string, key: string, nowMs: number): PassClaim {
  if (!p) return 'missing';
  if (p.boundTo !== null && p.boundTo !== by) return 'other_account';
  if (p.status === 'spent') {
    if (p.spentBy === by && p.spentKey === key) return 'again';
    return p.claimedUntilMs !== null && p.claimedUntilMs > nowMs ? 'pending' : 'spent';
  }
  // Revoked, even while this very request held it (REVOCABLE_SQL): refused, its retry too. A
  // retry of a request that took its hold or order is still answered as it (the routes look
  // the key up: keyUsed); one whose request never committed (a process killed between the
  // claim and the commit) buys nothing with it.
  if (p.status === 'revoked') return 'revoked';
  return p.expiresAtMs <= nowMs ? 'expired' : 'missing';
}

/**
 * What a pass, as read after `bindPass`, lets a write that does not spend it do (a waitlist
 * join): `claimed` for a live pass bound to `by` and unspent, `again` for one `by` spent or
 * holds under way itself (its own turn), else why not, in claimPass's words.
 */
export function bindOutcome(p: Pass | null, by: string, nowMs: number): PassClaim {
  if (p?.boundTo === by && p.status === 'active' && p.expiresAtMs > nowMs) return 'claimed';
  if (p?.boundTo === by && p.status === 'spent' && p.spentBy === by) return 'again';
  return claimOutcome(p, by, '', nowMs);
}

/** The line's keys split by status (both adapters read `[status, key]` pairs in key order). */
export function splitLine(pairs: ReadonlyArray<readonly [unknown, unknown]>):
  { waiting: Float64Array; held: Float64Array } {
  let held = 0;
  for (const p of pairs) if (p[0] === 'held') held++;
  const w = new Float64Array(pairs.length - held);
  const h = new Float64Array(held);
  let wi = 0;
  let hi = 0;
  for (const [status, key] of pairs) {
    if (status === 'held') h[hi++] = Number(key);
    else w[wi++] = Number(key);
  }
  return { waiting: w, held: h };
}

/** Counts from `status, unkeyed, n` and `status, live, n` rows (both adapters). */
export function countsFrom(tickets: readonly Row[], passes: readonly Row[]): RoomCounts {
  const t = (status: string, unkeyed?: boolean) => tickets.filter((r) => r.status === status
    && (unkeyed === undefined || (Number(r.unkeyed) === 1 || r.unkeyed === true) === unkeyed))
    .reduce((a, r) => a + Number(r.n), 0);
  const p = (status: string, live?: boolean) => passes.filter((r) => r.status === status
    && (live === undefined || (Number(r.live) === 1 || r.live === true) === live))
    .reduce((a, r) => a + Number(r.n), 0);
  return { waiting: t('waiting'), prequeue: t('waiting', true), held: t('held'),
    admitted: t('admitted'), expired: t('expired'), activePasses: p('active', true),
    spentPasses: p('spent'), revokedPasses: p('revoked') };
}

