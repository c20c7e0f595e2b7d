// The waiting room's rules, as pure functions of state, command and time (DOMAIN.md,
// "Waiting-room conventions", after Cloudflare Waiting Room and Queue-it): a pre-queue shuffled
// at the opening by a seeded, auditable shuffle; later arrivals first in, first out; admission at
// a configured rate under a cap on admitted-but-unfinished sessions; positions that only go down
// and an estimate that says how sure it is. Storage, HTTP and timers depend on this, never back.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { addressKey } from '../kernel/rate-limits.js';

/** What a room stands in front of: a launch's `POST /orders` or a drop's purchases. */
export type RoomScope = 'launch' | 'drop';
/** `shuffle`: the pre-queue is put in random order at the opening; `fifo`: arrival order. */
export type QueueOrder = 'shuffle' | 'fifo';

/** A room's settings as an operator sends them (what `validateRoom` checks); times in ms. */
export interface RoomSettings {
  readonly roomId: string;
  readonly scope: RoomScope;
  readonly targetId: string;
  /** Off: no gate, no queue (the switch). */
  readonly enabled: boolean;
  /** On: nobody is admitted (passes already given stay valid). */
  readonly suspended: boolean;
  readonly opensAtMs: number;
  /** At least PREQUEUE_LEAD_MIN_MS before `opensAtMs`. */
  readonly prequeueAtMs: number;
  readonly order: QueueOrder;
  readonly admitPerMinute: number;
  /** Passes given and neither spent nor expired, at most. */
  readonly activeMax: number;
  /** How long a pass lasts: the session an admitted person has to order (s). */
  readonly passSeconds: number;
  /** How long a ticket keeps its place after its last poll (s). */
  readonly graceSeconds: number;
  /** Admission slows as the server's commit queue delay grows (adaptiveFactor). */
  readonly adaptive: boolean;
  /** The status a waiting reply carries for apps (200, or 429/503 for clients that want one). */
  readonly waitingStatus: number;
}

/**
 * A room: its settings and the admitter's state. `seed` stays secret until the shuffle (its
 * sha256 `seedCommitment` is public from creation).
 */
export interface Room extends RoomSettings {
  readonly seed: string;
  readonly seedCommitment: string;
  /**
   * How its shuffle ranks (or ranked) the pre-queue, so that a stored draw is published as it
   * was drawn (DrawScheme). A room is made with DRAW_SCHEME and keeps its scheme.
   */
  readonly drawScheme: DrawScheme;
  /** When the pre-queue was shuffled (null: not yet). */
  readonly shuffledAtMs: number | null;
  /** Admissions the bucket holds (fractional), and when it was last filled. */
  readonly tokens: number;
  readonly filledAtMs: number | null;
  readonly admittedTotal: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export type TicketStatus = 'waiting' | 'admitted' | 'expired' | 'held';

/**
 * A place in a room. `key` orders the line (smaller first): the pre-queue's ranks 1..n
 * (`prequeueOrder`), then later arrivals by `lateKey`; null for a pre-queue ticket before the
 * opening.
 */
export interface Ticket {
  readonly ticketId: string;
  readonly roomId: string;
  readonly joinedAtMs: number;
  readonly key: number | null;
  readonly status: TicketStatus;
  readonly lastSeenMs: number;
  readonly address: string;
  readonly passId: string | null;
  readonly admittedAtMs: number | null;
  /**
   * The buyer account signed in when the place was taken, null for an anonymous join (queueing
   * needs no sign-in, as at Queue-it and Cloudflare): an account holds one live place per room.
   */
  readonly accountId: string | null;
}

export type PassStatus = 'active' | 'spent' | 'revoked';

/**
 * A pass's status as a reply states it: the stored one judged at `nowMs`. The store keeps a
 * pass `active` after its `expiresAtMs` (nothing rewrites it when it lapses), and the
 * operator's view once listed a pass two minutes past its end as active, offering to revoke
 * it, beside `active_passes: 0` (issue 17). `spent` includes a claim under way.
 */
export type PassState = PassStatus | 'expired';

/** The status of `p` at `nowMs` (PassState): expired once active past its end. */
export function passStateAt(p: Pick<Pass, 'status' | 'expiresAtMs'>, nowMs: number): PassState {
  return p.status === 'active' && p.expiresAtMs <= nowMs ? 'expired' : p.status;
}

/** A short-lived right to order, given at admission; spent by one order or purchase. */
export interface Pass {
  readonly passId: string;
  readonly roomId: string;
  readonly ticketId: string;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
  readonly status: PassStatus;
  /** Who spent it, with which Idempotency-Key (a retry of the same order spends it again). */
  readonly spentBy: string | null;
  readonly spentKey: string | null;
  readonly spentAtMs: number | null;
  /**
   * While the request that claimed it is under way: until when the claim holds the pass (ms),
   * so that a concurrent request with it waits for the outcome; null once the request
   * succeeded (or for a pass never claimed). A claim past this time counts as spent.
   */
  readonly claimedUntilMs: number | null;
  /**
   * The account the pass is bound to: the first that used it (a waitlist join, an order or
   * purchase claim, a model switch), or the signed-in account whose place earned it. Another
   * account presenting it is refused (`waiting_room_pass_other_account`); null while unused.
   */
  readonly boundTo: string | null;
}

/**
 * The networks an operator looks tickets up by, as the suspicious-pattern report names them: an
 * IPv4 address, an IPv4 /24 (`203.0.113.0/24`), an IPv6 /64 (`2001:db8:1:2::/64`) or an
 * address of `::/64` (the loopback `::1`, `::1:0:0:1`: addressKey counts each as itself, and
 * the report names it so). A ticket keeps its joiner's IPv4 address, IPv6 /64 or `::/64`
 * address (rate-limits.ts, addressKey).
 */
export const NETWORK_PATTERN = '^((\\d{1,3}\\.){3}(\\d{1,3}|0/24)'
  + '|[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{1,4}){3}::/64|::([0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{1,4}){0,3})?)$';

/** Which tickets' addresses a network (NETWORK_PATTERN) covers: the one, or a /24's prefix. */
export interface NetworkMatch {
  /** A ticket's address equal to this. */
  readonly address: string | null;
  /** A ticket's address starting with this (`203.0.113.` for `203.0.113.0/24`). */
  readonly prefix: string | null;
}

/** The match of a network as NETWORK_PATTERN checks it. */
export function networkMatch(network: string): NetworkMatch {
  if (network.endsWith('.0/24')) return { address: null, prefix: network.slice(0, -4) };
  // An address of ::/64 as the ticket keeps it (addressKey: `::0001` is `::1`, `::ffff:a4d:101`
  // is 10.77.1.1).
  if (network.startsWith('::')) return { address: addressKey(network), prefix: null };
  if (!network.endsWith('::/64')) return { address: network, prefix: null };
  // Written as addressKey writes a /64: lower case, no leading zeros.
  const groups = network.slice(0, -5).split(':').map((g) => parseInt(g, 16).toString(16));
  return { address: `${groups.join(':')}::/64`, prefix: null };
}

/**
 * The network a ticket's address (addressKey: an IPv4 address or an IPv6 /64) is counted in
 * for the per-network cap: its IPv4 /24 (`203.0.113.0/24`) or IPv6 /48 (`2001:db8:1::/48`, a
 * site's usual allocation); '' for an unknown address, which no cap counts.
 */
export function networkOf(address: string): string {
  const v4 = /^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$/.exec(address);
  if (v4) return `${v4[1]}.0/24`;
  const v6 = /^([0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}):[0-9a-f]{1,4}::\/64$/.exec(address);
  return v6 ? `${v6[1]}::/48` : address;
}

/** The pre-queue opens at least this long before the opening (DOMAIN.md). */
export const PREQUEUE_LEAD_MIN_MS = 5 * 60_000;
/** Late keys: arrival ms times this plus a random tie-break below it. */
export const LATE_KEY_SPREAD = 1024;

/** The line key of an arrival after the opening: arrival order, ties broken at random. */
export function lateKey(joinedAtMs: number, tieBreak: number): number {
  return joinedAtMs * LATE_KEY_SPREAD + (Math.abs(Math.trunc(tieBreak)) % LATE_KEY_SPREAD);
}

/**
 * Whether an arrival at `nowMs` joins the pre-queue, whose places are given at the opening
 * (`prequeueOrder`): before or at the opening instant (ms). One who arrives within the opening
 * millisecond asked in time, so the pre-queue is keyed only once that millisecond has passed
 * (`shuffleDue`). In either order: a room in arrival order once keyed its pre-queue at the join
 * and showed positions before the opening, counted before later joins within the same
 * millisecond (ties broken at random) and kept as the least shown; with a simulated clock every
 * join shares one millisecond, and the first joiner was shown 1 with 4 ahead (the attacker's
 * find).
 */
export function joinsPrequeue(room: RoomSettings, nowMs: number): boolean {
  return nowMs <= room.opensAtMs;
}

/**
 * What a join is decided under, as it read the room: the switch, and the line's terms (what
 * it stands in front of, its opening, its pre-queue's time and its order). Its write checks
 * them against the room as committed, under a lock a change of them takes too, so that a join
 * never lands beside a change it did not see (WaitingRoomsTx.joinTicket).
 */
export interface JoinTerms {
  readonly enabled: boolean;
  readonly scope: RoomScope;
  readonly targetId: string;
  readonly opensAtMs: number;
  readonly prequeueAtMs: number;
  readonly order: QueueOrder;
}

/** The terms of `room` a join is decided under (plain data: it crosses to the writer). */
export const joinTermsOf = (room: RoomSettings): JoinTerms => ({ enabled: room.enabled,
  scope: room.scope, targetId: room.targetId, opensAtMs: room.opensAtMs,
  prequeueAtMs: room.prequeueAtMs, order: room.order });

/** Whether `room` still has the terms a join was decided under. */
export const holdsJoinTerms = (room: RoomSettings, t: JoinTerms): boolean =>
  room.enabled === t.enabled && room.scope === t.scope && room.targetId === t.targetId
  && room.opensAtMs === t.opensAtMs && room.prequeueAtMs === t.prequeueAtMs
  && room.order === t.order;

/**
 * The pre-queue's order at the opening, given its ticket ids in arrival order (join time, then
 * id): the seeded shuffle (`shuffleOrder`) in a shuffled room, else as they arrived.
 */
export function prequeueOrder(room: Pick<RoomSettings, 'order'> & { seed: string },
  idsByArrival: readonly string[]): string[] {
  return room.order === 'shuffle' ? shuffleOrder(idsByArrival, room.seed) : [...idsByArrival];
}

/** Whether the pre-queue is shuffled (or its stragglers keyed) at `nowMs`: after the opening. */
export function shuffleDue(room: RoomSettings, nowMs: number): boolean {
  return nowMs > room.opensAtMs;
}

/** The public commitment to a seed: its sha256, hex. Published before the shuffle. */
export function seedCommitment(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/**
 * A deterministic stream of 32-bit numbers from a seed: sha256(seed ":" block), 8 numbers a
 * block. Anyone holding the seed can rebuild it (the audit of a shuffle).
 */
function* seededUint32(seed: string): Generator<number> {
  for (let block = 0; ; block++) {
    const h = createHash('sha256').update(`${seed}:${block}`).digest();
    for (let i = 0; i < 32; i += 4) yield h.readUInt32BE(i);
  }
}

/** A uniform integer in [0, n) from the stream, by rejection (no modulo bias). */
function below(n: number, stream: Generator<number>): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const x = stream.next().value as number;
    if (x < limit) return x % n;
  }
}

/**
 * Fisher-Yates over `input` as given (from the last place down, each swapped with a place drawn
 * below it by `below`), driven by the seed. What docs/api.md ("Checking the draw") tells an
 * outsider to run over the published hashes sorted.
 */
export function permute<T>(input: readonly T[], seed: string): T[] {
  const out = [...input];
  const stream = seededUint32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = below(i + 1, stream);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * What a ticket is published as in the draw and told on its own place reply: sha256 of its id,
 * hex. The id itself is no bearer secret (a place is polled with the signed ticket, not the id),
 * but it is what operators and the audit log name a ticket by; its hash is enough to check.
 */
export function ticketHash(ticketId: string): string {
  return createHash('sha256').update(ticketId).digest('hex');
}

/**
 * What a shuffle's input is. 2: the drawn tickets' hashes (ticketHash) sorted, which is the
 * published draw's own list sorted, so anyone can rebuild the input and the order from public
 * data alone. 1: the ticket ids sorted (rooms shuffled before migration 22); the public saw only
 * hashes and an `input_index` the server stated, so any input order the server picked would
 * have checked out (the attacker's find). Such draws keep their ranks and are published as they
 * were drawn.
 */
export type DrawScheme = 1 | 2;

/** The scheme every shuffle uses now, and that new rooms are made with. */
export const DRAW_SCHEME: DrawScheme = 2;

/**
 * The pre-queue's order (DRAW_SCHEME 2): `permute` over the tickets' hashes sorted (by UTF-16
 * code units: lower-case hex, so byte order too), each hash then read back as its ticket's id.
 * Pure and reproducible from public data: the draw publishes the hashes, and with the seed
 * anyone sorts them, permutes them and gets the published ranks (docs/api.md, "Checking the
 * draw").
 */
export function shuffleOrder(ticketIds: readonly string[], seed: string): string[] {
  const idOf = new Map(ticketIds.map((id) => [ticketHash(id), id]));
  assert.equal(idOf.size, ticketIds.length, 'ticket ids are unique');
  return permute([...idOf.keys()].sort(), seed).map((h) => idOf.get(h)!);
}

/**
 * Whether a line key is a rank the shuffle gave (1..n), not a later arrival's `lateKey`: late
 * keys are arrival ms after the opening times LATE_KEY_SPREAD, far above any rank.
 */
export function isDrawRank(room: Pick<RoomSettings, 'order' | 'opensAtMs'>,
  key: number | null): boolean {
  return room.order === 'shuffle' && key !== null && key < room.opensAtMs * LATE_KEY_SPREAD;
}

/**
 * A shuffled pre-queue as it is published: its tickets' hashes in rank order (rank 1 first),
 * hashed once when the draw is read (it never changes), and how it was drawn.
 */
export interface Draw {
  readonly scheme: DrawScheme;
  readonly hashesByRank: readonly string[];
  /**
   * Scheme 1 only: each rank's index in that shuffle's input (the ids sorted), which only the
   * server could state. Null for scheme 2, whose input is `hashesByRank` sorted.
   */
  readonly inputIndex: Int32Array | null;
}

/** The draw of the ticket ids a shuffle of `scheme` ranked, given in rank order. */
export function drawOf(byRank: readonly string[], scheme: DrawScheme): Draw {
  const hashesByRank = byRank.map(ticketHash);
  if (scheme === 2) return { scheme, hashesByRank, inputIndex: null };
  const sorted = [...byRank].sort();
  const index = new Map(sorted.map((id, i) => [id, i]));
  return { scheme, hashesByRank, inputIndex: Int32Array.from(byRank, (id) => index.get(id)!) };
}

/**
 * How much the admission rate is slowed by the server's commit queue delay (ms) against the
 * delay at which writes start being refused: 1 while the queue is under a quarter of it, down
 * to 0.1 at the limit, so the room keeps letting a trickle in.
 */
export function adaptiveFactor(queueDelayMs: number, queueDelayMaxMs: number): number {
  const load = queueDelayMs / queueDelayMaxMs;
  if (load <= 0.25) return 1;
  return Math.max(0.1, 1 - (load - 0.25) / 0.75 * 0.9);
}

/** What one admitter round may do. */
export interface Admission {
  /** Tickets to admit now. */
  readonly admit: number;
  readonly tokens: number;
  readonly filledAtMs: number;
}

/**
 * One round of the admitter, a token bucket: the bucket fills at `admitPerMinute` (times
 * `factor`) and holds at most one second's worth (at least one), so a pause (a suspension, a
 * full cap) is never followed by more than that; it admits whole tokens, no more than the cap on
 * active passes leaves room for and than `waiting`. Before the opening and while suspended it
 * admits none (and the bucket does not fill).
 *
 * `roundMs` is how often the admitter runs (Limits.waitingAdmitRoundMs): the bucket also holds
 * one token plus a round's filling. Capped at exactly one, a room under 120 a minute lost the
 * part of the next token earned after the last one filled, every time: at 50 a minute with
 * 500 ms rounds it admitted one every 1.5 s (40 a minute), and no estimate counted from the
 * configured rate could be kept (estimateWait). A round's filling is below one token there, so
 * a pause is still followed by one admission a round, as before.
 */
export function admissionRound(room: Room, nowMs: number, active: number, waiting: number,
  factor = 1, roundMs = 0): Admission {
  if (nowMs < room.opensAtMs || room.suspended || !room.enabled) {
    return { admit: 0, tokens: 0, filledAtMs: nowMs };
  }
  const perMs = (room.admitPerMinute * factor) / 60_000;
  const burst = Math.max(1, room.admitPerMinute / 60, 1 + perMs * roundMs);
  // The first round at or after the opening starts with a full bucket: the first second's
  // admissions go in at the opening second.
  const first = room.filledAtMs === null || room.filledAtMs < room.opensAtMs;
  const from = first ? room.opensAtMs : room.filledAtMs!;
  const tokens = Math.min(burst, (first ? Math.max(1, room.admitPerMinute / 60) : room.tokens)
    + perMs * Math.max(0, nowMs - from));
  const admit = Math.max(0, Math.min(Math.floor(tokens), room.activeMax - active, waiting));
  return { admit, tokens: tokens - admit, filledAtMs: nowMs };
}

/** Position in a line given the waiting keys sorted ascending: 1 + the keys below `key`. */
export function positionOf(sortedKeys: Float64Array | readonly number[], key: number): number {
  let lo = 0;
  let hi = sortedKeys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedKeys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * How sure an estimate is. `firm`: the rate alone decides it, and it is kept while the room
 * runs at its configured rate (the wait is at most `seconds`); `likely`: a long line (people
 * ahead who give up make it shorter, never longer); `uncertain`: the room is suspended,
 * adapting to load, at its cap or may reach it before this turn, or the ticket is held, so the
 * rate itself may change and the figure is no promise.
 */
export type Certainty = 'firm' | 'likely' | 'uncertain';

/**
 * Why an estimate is `uncertain`, for the words the person is shown: `paused` (the room is
 * suspended), `cap` (admissions wait for people admitted before to finish: the cap on active
 * passes is full, or will be before this turn), `rate` (the rate adapts to load, or the ticket
 * is held: a held ticket is told no more than that, so a bot learns nothing of its hold).
 */
export type UncertainBecause = 'paused' | 'cap' | 'rate';

export interface Estimate {
  /** Seconds until admission if everyone ahead stays and the rate holds (an upper bound). */
  readonly seconds: number;
  readonly certainty: Certainty;
  /** With `uncertain` only: why (absent otherwise). */
  readonly because?: UncertainBecause;
}

/** Lines longer than this are `likely` rather than `firm`: too long for the rate to be sure. */
export const FIRM_AHEAD_MAX = 1_000;

/** What an estimate is counted from besides the room and the number ahead. */
export interface WaitBasis {
  /** Now (ms): before the opening nobody is admitted, so the wait starts at the opening. */
  readonly nowMs: number;
  /**
   * Passes given and neither spent, revoked nor ended now: what the admitter counts against
   * the cap (`activePassCount`).
   */
  readonly active: number;
  /** How often the admitter runs (ms, Limits.waitingAdmitRoundMs). */
  readonly roundMs: number;
  /** The ticket is held as a suspected bot: it is never admitted while held. */
  readonly held?: boolean;
}

/**
 * The wait for someone with `ahead` people before them, in whole seconds, as an upper bound.
 *
 * Issue 17 asks for "ahead divided by the admission rate", a figure "never a promise the room
 * then breaks". Ahead / rate alone is broken at the front: position 1 was told 0 s while the
 * bucket, just emptied by the last admission, needs 60 / rate seconds to hold the next token,
 * and a token is used only by the next admitter round. So the bound counts this person's own
 * admission too, and the round: (time to the opening, if ahead) + (ahead + 1) * 60 / rate s
 * + one round, rounded up. Tokens already in the bucket and the full bucket at the opening only
 * make the wait shorter, and so do people ahead who leave.
 *
 * Certainty: `firm` only when nothing but the rate decides the wait. A suspension or an
 * adaptive rate can slow it; so can the cap on active passes: not only when it is full now but
 * when the passes active now plus the people ahead (each admitted before this person) reach it,
 * because then this turn may wait for sessions to finish. Those, and a held ticket (never
 * admitted while held; it keeps its place, which moves up as those ahead are admitted), are
 * `uncertain`.
 */
export function estimateWait(room: Room, ahead: number, basis: WaitBasis): Estimate {
  const ms = Math.max(0, room.opensAtMs - basis.nowMs)
    + ((ahead + 1) * 60_000) / room.admitPerMinute + basis.roundMs;
  const capMayBind = basis.active + ahead >= room.activeMax;
  const seconds = Math.ceil(ms / 1000);
  // A suspension stops admissions outright; else the cap is what a waiting person watches.
  const because: UncertainBecause | null = room.suspended ? 'paused' : capMayBind ? 'cap'
    : room.adaptive || basis.held ? 'rate' : null;
  if (because !== null) return { seconds, certainty: 'uncertain', because };
  return { seconds, certainty: ahead > FIRM_AHEAD_MAX ? 'likely' : 'firm' };
}

/**
 * What a waiting person is told: the phase of the room for them. `off`: the operator switched
 * the room off, so the sale is not gated and they go straight on (`nextUrl`); their place is
 * kept while they poll, and counts again if the room is switched back on.
 */
export type Phase = 'prequeue' | 'waiting' | 'admitted' | 'expired' | 'off';

/** Where a person goes from the room: the launch's order page or the drop's page. */
export function nextUrl(r: Pick<RoomSettings, 'scope' | 'targetId'>): string {
  return r.scope === 'launch' ? `/configure?launch=${encodeURIComponent(r.targetId)}`
    : `/drop?id=${encodeURIComponent(r.targetId)}`;
}

/** The poll interval's settings, from the Limits table (config.ts); seconds unless named. */
export interface PollPacing {
  /** The least interval (Limits.waitingPollAfterSeconds): near the front. */
  readonly baseSeconds: number;
  /** The longest (Limits.waitingPollAfterMaxSeconds), before the room's own cap. */
  readonly maxSeconds: number;
  /** The interval is the estimated wait over this (Limits.waitingPollWaitShare). */
  readonly waitShare: number;
  /** Pre-queue polls land over this many seconds after the opening. */
  readonly openingSpreadSeconds: number;
  /** An interval is shortened at random by up to this percent. */
  readonly jitterPercent: number;
}

/** A place outlives this many polls missed in a row, and a pass this many intervals. */
export const POLLS_KEPT = 6;

/**
 * The longest interval a room suggests (s): the limit, but at most a sixth of the room's grace
 * (a place lapses `graceSeconds` after its last poll) and of its pass (a pass runs from the
 * admission, not from the poll that shows it), and never under the least interval.
 */
export function pollCapSeconds(room: RoomSettings, p: PollPacing): number {
  return Math.max(p.baseSeconds, Math.min(p.maxSeconds,
    Math.floor(Math.min(room.graceSeconds, room.passSeconds) / POLLS_KEPT)));
}

/**
 * The poll interval a reply suggests (whole seconds, for `poll_after_seconds` and Retry-After),
 * as established waiting rooms pace their pages: the further back, the less often.
 *
 * - `waiting`: the estimated wait over `waitShare`, between the least interval and the room's
 *   cap (`pollCapSeconds`). The estimate counts at the room's configured rate, the fastest it
 *   admits (the adaptive factor and the cap only slow it), so while the rate holds someone polls
 *   about `waitShare` times before their turn. If the turn comes sooner (people ahead leave, an
 *   operator raises the rate), nothing is lost: admission does not wait for a poll, and the next
 *   poll comes within the cap, a sixth of the pass, so the pass is shown with most of it left.
 * - `prequeue`: positions exist only once the opening has passed and the shuffle has run, so
 *   the poll is aimed one second after the opening plus `u` times the spread (the pre-queue asks
 *   over the spread, not all in one second); while the opening is further off than the cap, at
 *   the cap (the place is kept by polls).
 * - `admitted`, `expired`: the least interval (the page moves on; nothing more to wait for).
 *
 * The result is shortened at random by up to `jitterPercent` (never below the least interval)
 * so that polls spread out. `u` in [0, 1) is the randomness, injected (the service's source).
 */
export function pollAfterSeconds(room: RoomSettings, phase: Phase, estimate: Estimate | null,
  nowMs: number, p: PollPacing, u: number): number {
  const cap = pollCapSeconds(room, p);
  const jitter = (s: number) => Math.max(p.baseSeconds,
    s - Math.floor(u * (Math.floor((s * p.jitterPercent) / 100) + 1)));
  if (phase === 'prequeue') {
    const untilOpening = Math.max(0, Math.ceil((room.opensAtMs - nowMs) / 1000));
    const spread = Math.min(p.openingSpreadSeconds, cap);
    const aimed = untilOpening + 1 + Math.floor(u * spread);
    // Aimed past the cap: poll at the cap (jittered) and be aimed again then.
    return aimed > cap ? jitter(cap) : aimed;
  }
  if (phase !== 'waiting' || estimate === null) return p.baseSeconds;
  return jitter(Math.min(cap, Math.max(p.baseSeconds, Math.ceil(estimate.seconds / p.waitShare))));
}


/** Statuses a waiting reply may carry. */
export const WAITING_STATUSES = [200, 202, 429, 503] as const;

/**
 * The first rule the settings break, as a sentence, or null. Bounds on rates and durations come
 * from the Limits table (config.ts) through `bounds`.
 */
export function validateRoom(s: RoomSettings, bounds: {
  admitPerMinuteMax: number; activeMax: number; passSecondsMax: number; graceSecondsMax: number;
}): string | null {
  if (s.opensAtMs - s.prequeueAtMs < PREQUEUE_LEAD_MIN_MS) {
    return 'prequeue_at must be at least 5 minutes before opens_at';
  }
  if (s.admitPerMinute < 1 || s.admitPerMinute > bounds.admitPerMinuteMax) {
    return `admit_per_minute must be 1 to ${bounds.admitPerMinuteMax}`;
  }
  if (s.activeMax < 1 || s.activeMax > bounds.activeMax) {
    return `active_max must be 1 to ${bounds.activeMax}`;
  }
  if (s.passSeconds < 30 || s.passSeconds > bounds.passSecondsMax) {
    return `pass_seconds must be 30 to ${bounds.passSecondsMax}`;
  }
  if (s.graceSeconds < 30 || s.graceSeconds > bounds.graceSecondsMax) {
    return `grace_seconds must be 30 to ${bounds.graceSecondsMax}`;
  }
  if (!(WAITING_STATUSES as readonly number[]).includes(s.waitingStatus)) {
    return 'waiting_status must be one of 200, 202, 429, 503';
  }
  return null;
}
