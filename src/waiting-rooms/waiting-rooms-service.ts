// Waiting rooms' use cases: an operator's rooms, a person's place in the line (join, poll),
// the admitter, and the gate orders and drops ask (kernel/admission-gate.ts).
//
// What makes 100,000 waiting cheap: a poll reads no database row. The ticket the client holds
// is signed and carries its line key and the least position shown; each process keeps a copy of
// the room's line as one sorted Float64Array of keys (8 bytes a person), read again at most once
// a second, and a position is a binary search in it. A poll's time is remembered in memory and
// written for many tickets at once every admitter round (the place is kept `grace_seconds`
// after the last poll, so a few seconds' delay in writing it costs nothing).
import { givesPassBack, type AdmissionGate } from '../kernel/admission-gate.js';
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import { newId } from '../kernel/ids.js';
import { ok, refuse, type Refusal, type Result } from '../kernel/outcomes.js';
import type { Store, StoreTx } from '../kernel/store/store.js';
import { iso } from '../kernel/iso-time.js';
import { roomPageUrl } from '../kernel/room-notice.js';
import { isUniqueViolation } from '../kernel/store/unique-race.js';
import { transactionWrite, type BatchWrite } from '../kernel/write/batch-handlers.js';
import { Overloaded } from '../kernel/write/group-committer.js';
import { addressKey } from '../kernel/rate-limits.js';
import { randomBytes, randomInt } from 'node:crypto';
import { admitIn, type AdmitCommand } from './room-commands.js';
import { openPass, openTicket, signPass, signTicket, type PassClaims, type TicketClaims,
} from './room-tokens.js';
import { bindOutcome } from './room-rows.js';
import {
  drawOf, estimateWait, holdsJoinTerms, isDrawRank, joinsPrequeue, joinTermsOf, LATE_KEY_SPREAD, passStateAt,
  ticketHash,
  DRAW_SCHEME, type Draw, lateKey, networkMatch, nextUrl, pollAfterSeconds,
  positionOf, seedCommitment, validateRoom, type Estimate, type Pass, type Phase,
  type PollPacing, type Room, type RoomScope, type RoomSettings, type Ticket, type TicketStatus,
  type WaitBasis,
} from './waiting-room.js';
import type { JoinLimits, JoinOutcome, PassClaim, RoomCounts } from './waiting-rooms-store.js';

export interface WaitingRoomsDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: Limits;
  /** Signs tickets and passes (room-tokens.ts). */
  readonly waitingRoomSecret: string;
  /** The commit queue's delay now (ms), for adaptive rooms; 0 when not wired. */
  readonly queueDelayMs?: () => number;
  /**
   * Whether places per network address are limited (off with LAUNCHDAY_RATE_LIMITS other than
   * `on`: the simulator's buyers all come from one address).
   */
  readonly perAddressLimits?: boolean;
  /**
   * The clock of the poll rate: real time even when the room runs on a simulated clock (a
   * client polls at real speed; the rate limits' clock, LaunchdayDeps.rateClock).
   */
  readonly pollClock?: Clock;
  /**
   * Where polls' touches are written: the kernel's `writeInBatch` (the writer thread on SQLite);
   * this store's transaction when absent.
   */
  readonly write?: BatchWrite;
  /**
   * As `write`, refused for load (rejects with `Overloaded`): joins and pass claims, which a
   * crowd makes; `write` when absent.
   */
  readonly writeUnlessBusy?: BatchWrite;
  /**
   * Runs an admitter round (room-commands.ts, `admitRoom`): the kernel's group commit,
   * essential (the writer thread on SQLite); this store's transaction when absent.
   */
  readonly admit?: (command: AdmitCommand) => Promise<number>;
  /**
   * Uniform numbers in [0, 1) that jitter the suggested poll interval (`pollAfterSeconds`);
   * Math.random when absent. Tests inject a fixed or seeded one.
   */
  readonly random?: () => number;
}

/** What a person in the line is told (one poll's answer). */
export interface PlaceView {
  readonly room: Room;
  readonly phase: Phase;
  /** 1 for the next to be admitted; null in the pre-queue before the shuffle. */
  readonly position: number | null;
  readonly ahead: number | null;
  readonly estimate: Estimate | null;
  /** When the line this was computed from was read (ms). */
  readonly asOfMs: number;
  /** The ticket to send with the next poll (carries the least position shown). */
  readonly ticket: string;
  readonly pass: { token: string; expiresAtMs: number } | null;
  readonly held: boolean;
  /**
   * When to poll again (whole s): follows the estimated wait (`pollAfterSeconds`); sooner while
   * the place is being counted (phase `waiting`, position null), which the next copy of the
   * line settles.
   */
  readonly pollAfterSeconds: number;
  /**
   * sha256 of the ticket's id (ticketHash): what the published draw names it by, so its holder
   * can find their own rank there (GET /waiting-rooms/{id}/shuffle).
   */
  readonly ticketHash: string;
}

interface Line {
  waiting: Float64Array;
  held: Float64Array;
  readAtMs: number;
  /**
   * Passes active when it was read (after the keys: a ticket admitted between the two reads is
   * counted twice, never left out), against the room's cap (estimateWait).
   */
  activePasses: number;
  /**
   * Whether every waiting ticket had its key when this copy was read: the room was read as
   * shuffled before its keys were (the shuffle and the room's state commit together). Before
   * the shuffle a late arrival's key is in the copy but the pre-queue, which goes in front of
   * it, is not: a position from it would be too small.
   */
  complete: boolean;
}

const has = (sorted: Float64Array, key: number): boolean => {
  const i = positionOf(sorted, key) - 1;
  return i < sorted.length && sorted[i] === key;
};

/**
 * The place of `key` in a copy of the line: 1 + the tickets before it, held ones included. A
 * held ticket (a suspected bot) keeps its place and is skipped by the admitter (headOfLine),
 * so a hold or a release moves nobody behind it: counted without the held, a hold moved them up
 * one and the release back down, which the least position shown kept hidden for good (two
 * tickets both shown 2, the estimate counted one short: the attacker's find). The held ahead
 * only make the wait shorter than counted, as people ahead who leave do.
 */
const lineAt = (line: Pick<Line, 'waiting' | 'held'>, key: number): number =>
  positionOf(line.waiting, key) + positionOf(line.held, key) - 1;

/** Retry-After of `waiting_room_pass_in_use` (s): the other request's outcome is near. */
const PASS_IN_USE_RETRY_SECONDS = 2;

/** How long the rooms' settings are kept in memory before they are read again (ms). */
const ROOMS_CACHE_MS = 1_000;

export class WaitingRoomsService {
  #rooms: Room[] = [];
  #roomsReadAt = -Infinity;
  #roomsReading: Promise<Room[]> | null = null;
  readonly #lines = new Map<string, Line>();
  readonly #lineReads = new Map<string, Promise<Line>>();
  /** Room id -> its waiting count being read or read (waitingCount), and when (both clocks). */
  readonly #waitingCounts = new Map<string, { realMs: number; nowMs: number;
    count: Promise<number> }>();
  /** Room id -> its draw, read once its shuffle committed (draw). */
  readonly #draws = new Map<string, Promise<Draw>>();
  /** Ticket id -> time of its last poll not yet written. */
  #touches = new Map<string, number>();
  /** Ticket id -> time of its last poll in this process (the poll rate). */
  #lastPoll = new Map<string, number>();
  /** The admitter round under way (rounds run one after another). */
  #admitting: Promise<unknown> = Promise.resolve();
  #touchesWrittenAt = -Infinity;
  /** The last admissions per room, for the operator's view: [atMs, count] pairs of a minute. */
  readonly #recent = new Map<string, Array<[number, number]>>();
  /**
   * The opening (ms) of the launch or drop a room would stand in front of, null when there is
   * no such target (the composition's: the room's capability knows neither), read in the
   * room's write transaction (the target's row locked with it). Null: not checked.
   */
  targetOpening: ((scope: RoomScope, targetId: string, tx: StoreTx) => Promise<number | null>)
    | null = null;
  /**
   * Whether the room's target can sell nothing more, ever (a drop whose every unit is paid; the
   * composition's). Then a join and a poll are refused `drop_sold_out` and the admitter admits
   * no one: a pass would only lead to that refusal. Null: never.
   */
  targetSoldOut: ((scope: RoomScope, targetId: string) => Promise<boolean>) | null = null;
  /**
   * The refusal a purchase (an order) by `accountId` would meet for being at the target's
   * per-account or per-person limit (`drop_limit_reached`, `per_account_limit_reached`), or
   * null (the composition's). A signed-in join meets it: the place would be admitted and its
   * pass would count against the room's active cap for nothing. Null: never checked.
   */
  targetAtLimit: ((scope: RoomScope, targetId: string, accountId: string) =>
    Promise<Refusal | null>) | null = null;

  /**
   * The writes of joins, polls and passes: through group commit (on SQLite the writer thread,
   * batched with the orders), not on the event loop's own connection, which pauses the writer
   * for each and holds the loop while it writes.
   */
  readonly #write: BatchWrite;
  readonly #writeUnlessBusy: BatchWrite;
  readonly #admit: (command: AdmitCommand) => Promise<number>;
  /** Passes this process's requests claimed and have not settled yet (claimId). */
  readonly #claimedHere = new Set<string>();

  constructor(private readonly deps: WaitingRoomsDeps) {
    this.#write = deps.write ?? transactionWrite(deps.store);
    this.#writeUnlessBusy = deps.writeUnlessBusy ?? this.#write;
    this.#admit = deps.admit ?? ((c) => deps.store.transaction((tx) => admitIn(tx, c)));
  }

  // ---------- rooms ----------

  /** Every room, from a copy at most a second old (every gated order reads it). */
  async rooms(): Promise<Room[]> {
    if (performance.now() - this.#roomsReadAt < ROOMS_CACHE_MS) return this.#rooms;
    this.#roomsReading ??= this.deps.store.rooms(this.deps.limits.waitingRoomsMax)
      .then((rooms) => {
        this.#rooms = rooms;
        this.#roomsReadAt = performance.now();
        return rooms;
      }).finally(() => { this.#roomsReading = null; });
    return this.#roomsReading;
  }

  /** The room as committed (its public view and the operator's read it fresh). */
  async room(roomId: string): Promise<Room | null> {
    return this.deps.store.room(roomId);
  }

  /** The room from the copy at most a second old (every poll reads it). */
  async #cachedRoom(roomId: string): Promise<Room | null> {
    return (await this.rooms()).find((r) => r.roomId === roomId)
      ?? await this.deps.store.room(roomId);
  }

  /** The room switched on in front of a launch or a drop, if any. */
  async roomFor(scope: RoomScope, targetId: string): Promise<Room | null> {
    return (await this.rooms()).find((r) => r.scope === scope && r.targetId === targetId
      && r.enabled) ?? null;
  }

  /**
   * Creates a room or changes its settings (the state, seed and line stay). Refused with
   * `invalid_waiting_room` naming the rule it breaks, `waiting_room_settings_fixed` for a line
   * term changed once people joined (#fixedTerms), `waiting_room_opening_passed` for a
   * shuffled room whose opening has passed, made so or switched on with nobody in it
   * (#drawsUnseen), and `overloaded` when joins or another change held the room past
   * waitingPassClaimWaitMs; nothing is written then. A new room gets its seed here, and only
   * its commitment is shown until the shuffle.
   */
  async put(actor: string, s: RoomSettings): Promise<Result<{ room: Room; created: boolean }>> {
    const l = this.deps.limits;
    const bad = validateRoom(s, { admitPerMinuteMax: l.waitingAdmitPerMinuteMax,
      activeMax: l.waitingActiveMax, passSecondsMax: l.waitingPassSecondsMax,
      graceSecondsMax: l.waitingGraceSecondsMax });
    if (bad) return refuse('invalid_waiting_room', `The waiting room is not valid: ${bad}.`);
    const nowMs = this.deps.clock.nowMs();
    const old = await this.deps.store.room(s.roomId);
    const others = (await this.deps.store.rooms(l.waitingRoomsMax + 1))
      .filter((r) => r.roomId !== s.roomId);
    if (!old && others.length >= l.waitingRoomsMax) {
      return refuse('invalid_waiting_room', `The waiting room is not valid: at most ${
        l.waitingRoomsMax} rooms.`);
    }
    const targetTaken = () => refuse('invalid_waiting_room', `The waiting room is not valid: `
      + `the ${s.scope} ${s.targetId} has a room already.`);
    if (others.some((r) => r.scope === s.scope && r.targetId === s.targetId)) return targetTaken();
    let r: Result<{ room: Room; created: boolean }>;
    try {
      r = await this.deps.store.transaction(async (tx) => {
        // The target's row first (#offTarget), then the room's, in the order a target's
        // opening takes them (followOpening). The room as locked, not as read above: a join
        // committed since is counted, and one under way waits for this change or sees it.
        const bad = await this.#offTarget(tx, s);
        // A line term changed once people joined is refused from the room as read, without
        // its lock: a join is never undone, so the refusal stands, and a crowd of joins holding
        // the row cannot turn it into a 503 (the attacker's finding).
        const early = old ? await this.#fixedTerms(tx, old, s) : null;
        if (early) return early;
        // What a join is decided under (JoinTerms: the switch and the line terms) changes only
        // under the lock joins wait for; the rest (suspend, rate, cap, pass and grace times,
        // statuses) under one they do not hold off, so that Suspend goes through while a crowd
        // (or a flood of refused joins) is joining.
        const terms = !old || !holdsJoinTerms(old, s);
        const cur = await this.#lockedRoom(() => (terms ? tx.lockRoomTerms(s.roomId)
          : tx.lockRoomSettings(s.roomId)));
        if (cur === 'busy') return roomBusy(s.roomId);
        // Another change moved those terms between the read and the lock: the lock taken is
        // not the one this change needs; asked again, it reads them anew.
        if (!terms && (!cur || !holdsJoinTerms(cur, s))) return roomBusy(s.roomId);
        const fixed = cur ? await this.#fixedTerms(tx, cur, s) : null;
        if (fixed) return fixed;
        if (bad) return bad;
        const late = await this.#drawsUnseen(tx, cur, s, nowMs);
        if (late) return late;
        const room = roomFrom(s, cur, nowMs);
        await tx.putRoom(room);
        await tx.appendAudit({ atMs: nowMs, actor, action: cur ? 'waiting_room.change'
          : 'waiting_room.create', detail: { room_id: s.roomId, ...diff(cur, room) } });
        return ok({ room, created: !cur });
      });
    } catch (err) {
      // `others` was read before the write: a room for the same target put meanwhile (by
      // another process, or another request of this one between its awaits) breaks
      // UNIQUE (scope, target_id), the only key putRoom's upsert does not take over.
      if (!isUniqueViolation(err, true)) throw err;
      return targetTaken();
    }
    this.#roomsReadAt = -Infinity;
    return r;
  }

  /**
   * The refusal of a change to what the people in the room were told of its line (LINE_TERMS:
   * what it stands in front of, its opening, its pre-queue's and its order) once anyone has
   * joined it or its line was formed: moved later after people joined, its pre-queue no longer
   * held the target's opening, which then moved, and the room could be pointed at another
   * sale, the old one left ungated (the attacker's find); switched to arrival order, a
   * pre-queue told that the opening shuffles it was not. The rest (the switch, suspension,
   * rate, cap, pass and grace, statuses) may change at any time. Read in the room's write.
   */
  async #fixedTerms(tx: StoreTx, old: Room, s: RoomSettings): Promise<Refusal | null> {
    const changed = LINE_TERMS.filter(([k]) => s[k] !== old[k]).map(([, field]) => field);
    if (changed.length === 0) return null;
    const joined = await tx.roomJoined(old.roomId);
    if (old.shuffledAtMs === null && !joined) return null;
    const order = old.order === 'shuffle' ? 'shuffled' : 'arrival';
    // Formed with nobody in it (the admitter keys a room at its opening, every half second):
    // said so, not as people waiting, which an operator could check and find untrue.
    const who = joined ? `People have joined the waiting room ${old.roomId}, and they wait for `
      + `the ${old.scope} ${old.targetId} opening at ${iso(old.opensAtMs)} in ${order} order`
      : `The waiting room ${old.roomId} formed its line at the ${old.scope} ${old.targetId} `
      + `opening at ${iso(old.opensAtMs)}, in ${order} order, and places join it so`;
    return { ...refuse('waiting_room_settings_fixed', `${who}: ${changed.join(', ')} can no `
      + 'longer change (make another room for another sale).'),
    details: { fields: changed.join(',') } };
  }

  /**
   * The refusal (`waiting_room_opening_passed`) of a write that would make a shuffled room
   * whose opening has passed (at or after `opensAtMs`) and that has not drawn yet: created so,
   * switched to `shuffle`, pointed at another sale or opening, or switched on while nobody has
   * joined it. Such a room drew at its first admitter round whoever it found (nobody: its
   * pre-queue closed at an opening already gone) under a seed commitment nobody could have
   * noted before that opening, and every later place was in arrival order all the same: a
   * fairness proof of nothing, under the name of a shuffle (the new user's finding). For a sale
   * already open the room is `fifo`. A room whose pre-queue people joined while it was on
   * (switched off since, its draw still to come) may be switched on again: they joined under
   * the commitment published before the opening. Null when the write may go. Read in the
   * room's write (after #fixedTerms and #offTarget: the opening is the target's).
   */
  async #drawsUnseen(tx: StoreTx, old: Room | null, s: RoomSettings, nowMs: number):
    Promise<Refusal | null> {
    if (s.order !== 'shuffle' || nowMs < s.opensAtMs || (old?.shuffledAtMs ?? null) !== null) {
      return null;
    }
    const makesIt = !old || old.order !== 'shuffle' || old.scope !== s.scope
      || old.targetId !== s.targetId || old.opensAtMs !== s.opensAtMs
      || (!old.enabled && s.enabled);
    if (!makesIt || (old && await tx.roomJoined(old.roomId))) return null;
    return { ...refuse('waiting_room_opening_passed', `The ${s.scope} ${s.targetId} opened at ${
      iso(s.opensAtMs)}: a shuffled waiting room draws at its opening under a seed commitment `
      + `published before it, and ${old ? `the waiting room ${s.roomId}` : 'a room made now'} `
      + 'would draw at once under one nobody could have noted. For a sale already open, use '
      + 'order "fifo" (arrival order; "shuffle" is the default when order is not sent).'),
    details: { opens_at: iso(s.opensAtMs)! } };
  }

  /**
   * The room locked by `lock` (lockRoomTerms, roomOfTarget), asked again every
   * waitingPassClaimPollMs while joins or another change hold it (PostgreSQL: those locks are
   * taken without waiting), as a claimed pass is; `busy` past waitingPassClaimWaitMs.
   */
  async #lockedRoom(lock: () => Promise<Room | null | 'busy'>): Promise<Room | null | 'busy'> {
    const l = this.deps.limits;
    const started = performance.now();
    for (;;) {
      const room = await lock();
      if (room !== 'busy' || performance.now() - started >= l.waitingPassClaimWaitMs) {
        return room;
      }
      await pause(l.waitingPassClaimPollMs);
    }
  }

  /**
   * Why the room cannot stand in front of its target, if it cannot: there is no such target,
   * or its opening is not the target's (a shuffle's winners admitted before the sale opened,
   * with passes ended by the time it did: the attacker's find). Read in the room's write.
   */
  async #offTarget(tx: StoreTx, s: RoomSettings): Promise<Refusal | null> {
    if (!this.targetOpening) return null;
    const opening = await this.targetOpening(s.scope, s.targetId, tx);
    if (opening === null) {
      return refuse('invalid_waiting_room', `The waiting room is not valid: there is no ${
        s.scope} ${s.targetId}.`);
    }
    if (opening === s.opensAtMs) return null;
    return refuse('invalid_waiting_room', `The waiting room is not valid: opens_at (${
      iso(s.opensAtMs)}) must be the opening of the ${s.scope} ${s.targetId}, ${iso(opening)}.`);
  }

  /**
   * A launch's or drop's opening written in `tx` (its own write): the room in front of it, if
   * any, moves with it, its pre-queue by as much, in the same transaction, while nobody has
   * joined it, or while it is switched off (it gates nothing then, and its places count again
   * at the new opening); once people joined a room switched on, or its line was formed, the
   * move is refused (`opening_held_by_waiting_room`): they wait for the opening they were
   * shown. Keyed to the joins, not to prequeue_at, which an operator may move (#fixedTerms):
   * a room nobody joined held its target's opening for nothing, and one switched off (the
   * attacker's find). A shuffled room switched on is not moved to an opening that has passed
   * (`waiting_room_opening_passed`: it would draw at once, #drawsUnseen). `overloaded` when
   * joins or a change held the room past waitingPassClaimWaitMs (#lockedRoom). Null when
   * nothing stands in the way.
   */
  async followOpening(tx: StoreTx, scope: RoomScope, targetId: string, opensAtMs: number,
    actor: string): Promise<Refusal | null> {
    const held = async (room: Room): Promise<Refusal | null> =>
      room.opensAtMs !== opensAtMs && (room.shuffledAtMs !== null
        || (room.enabled && await tx.roomJoined(room.roomId)))
        ? refuse('opening_held_by_waiting_room', `The opening of the ${scope} ${targetId} `
          + `cannot move to ${iso(opensAtMs)}: people have joined the waiting room ${
            room.roomId} in front of it, and they wait for the opening at ${
            iso(room.opensAtMs)}.`)
        : null;
    const room = await this.#lockedRoom(() => tx.roomOfTarget(scope, targetId));
    if (room === 'busy') return roomBusy(`of the ${scope} ${targetId}`);
    if (!room || room.opensAtMs === opensAtMs) return null;
    const nowMs = this.deps.clock.nowMs();
    const refused = await held(room);
    if (refused) return refused;
    // Moved to an opening gone, a shuffled room switched on would draw at once (#drawsUnseen):
    // nobody joined it (else refused above), and nobody noted its commitment before then.
    if (room.order === 'shuffle' && room.enabled && opensAtMs <= nowMs) {
      return { ...refuse('waiting_room_opening_passed', `The opening of the ${scope} ${
        targetId} cannot move to ${iso(opensAtMs)}, which has passed: the shuffled waiting room ${
        room.roomId} in front of it would draw at once under a seed commitment nobody could have `
        + 'noted before its opening. Set that room\'s order to "fifo" (nobody has joined it) or '
        + 'switch it off first, or choose an opening still to come.'),
      details: { opens_at: iso(opensAtMs)!, room_id: room.roomId } };
    }
    const moved: Room = { ...room, opensAtMs,
      prequeueAtMs: room.prequeueAtMs + (opensAtMs - room.opensAtMs), updatedAtMs: nowMs };
    await tx.putRoom(moved);
    await tx.appendAudit({ atMs: nowMs, actor, action: 'waiting_room.change',
      detail: { room_id: room.roomId, follows: `${scope}:${targetId}`, ...diff(room, moved) } });
    this.#roomsReadAt = -Infinity;
    return null;
  }

  /**
   * People waiting in the room, the pre-queue included (held tickets not): before the opening
   * the pre-queue's size, after it the line's, one figure. Counted at most once a second per
   * room and process (by real time and by the room's clock, which a rehearsal moves), apart
   * from the copy of the line that positions are counted in: read for this figure, that copy
   * was one a join made just after did not hold, and on a clock standing still it was never
   * read again.
   */
  async waitingCount(roomId: string): Promise<number> {
    const nowMs = this.deps.clock.nowMs();
    const have = this.#waitingCounts.get(roomId);
    if (have && performance.now() - have.realMs < ROOMS_CACHE_MS && nowMs >= have.nowMs
      && nowMs - have.nowMs < ROOMS_CACHE_MS) return have.count;
    const count = this.deps.store.lineCounts(roomId, nowMs).then((c) => c.waiting);
    if (this.#waitingCounts.size >= this.deps.limits.waitingRoomsMax) this.#waitingCounts.clear();
    this.#waitingCounts.set(roomId, { realMs: performance.now(), nowMs, count });
    count.catch(() => this.#waitingCounts.delete(roomId));
    return count;
  }

  // ---------- a person's place ----------

  /**
   * A new place in the room for someone at `address`: in the pre-queue before the opening (its
   * key is given by the shuffle), else at the back of the line. With `accountId` (a signed-in
   * buyer: queueing needs no sign-in, as at Queue-it and Cloudflare), the account's live place
   * in the room if it has one (`created` false: a second tab or device gets the same place, not
   * another), and the place's pass is bound to that account. Refused while the room is off
   * (`waiting_room_not_open` with `next_url`, where to go on) or its pre-queue has not opened
   * (`waiting_room_not_open` with `prequeue_at`), and past the places one address or one
   * network (an IPv4 /24, an IPv6 /48) may hold (`too_many_tickets`); `overloaded` when the
   * commit queue is past its bound, or when another process's join from the same network or
   * for the same account held its lock past waitingPassClaimWaitMs.
   */
  async join(roomId: string, address: string, accountId: string | null = null):
    Promise<Result<{ place: PlaceView; created: boolean }>> {
    // A change of the room's settings committed between the read and the write: the join is
    // decided again on the room as it is now (a few times at most: changes are an operator's).
    for (let i = 0; ; i++) {
      const r = await this.#joinOnce(roomId, address, accountId);
      if (r !== 'room_changed') return r;
      if (i >= JOIN_REDECIDED_MAX) return refuse('overloaded');
    }
  }

  async #joinOnce(roomId: string, address: string, accountId: string | null):
    Promise<Result<{ place: PlaceView; created: boolean }> | 'room_changed'> {
    const room = await this.room(roomId);
    if (!room) return refuse('waiting_room_not_found');
    if (await this.#soldOut(room)) return soldOut();
    const nowMs = this.deps.clock.nowMs();
    if (!room.enabled) {
      return { ...refuse('waiting_room_not_open', 'This waiting room is switched off: there is '
        + `no line to join, and the sale is not behind it; go on to ${nextUrl(room)}.`),
      details: { next_url: nextUrl(room) } };
    }
    if (nowMs < room.prequeueAtMs) {
      return { ...refuse('waiting_room_not_open', 'This waiting room\'s pre-queue has not '
        + `opened yet; come back at ${new Date(room.prequeueAtMs).toISOString()}.`),
      details: { prequeue_at: new Date(room.prequeueAtMs).toISOString() } };
    }
    // Counted per subscriber (an IPv6 /64: addressKey) and per network (networkOf), in the
    // join's own transaction (joinTicket): a count read before the insert let concurrent joins
    // all see the same count (300 at once got 99 places against a limit of 50), and a count
    // kept in one process let two processes give 7 places of 5.
    if (accountId !== null && this.targetAtLimit !== null) {
      const atLimit = await this.targetAtLimit(room.scope, room.targetId, accountId);
      if (atLimit) return atLimit;
    }
    const who = addressKey(address);
    const counted = this.deps.perAddressLimits !== false && who !== '';
    const l = this.deps.limits;
    return this.#insertTicket(room, roomId, who, accountId, nowMs, {
      perAddressMax: counted ? l.waitingTicketsPerAddressMax : null,
      perNetworkMax: counted ? l.waitingTicketsPerNetworkMax : null });
  }

  async #insertTicket(room: Room, roomId: string, address: string, accountId: string | null,
    nowMs: number, limits: JoinLimits):
    Promise<Result<{ place: PlaceView; created: boolean }> | 'room_changed'> {
    const l = this.deps.limits;
    // The pre-queue waits for its ranks at the opening (shuffled or in arrival order); a later
    // arrival joins by its arrival time.
    const early = joinsPrequeue(room, nowMs);
    let draws = 0;
    // Real time elapsed, as a pass claim's wait (#claimPass).
    const started = performance.now();
    const created = (r: Result<PlaceView>, isNew: boolean) =>
      (r.ok ? ok({ place: r.value, created: isNew }) : r);
    for (;;) {
      const ticketId = newId('wrt');
      const key = early ? null : lateKey(nowMs, randomInt(0, 1024));
      let outcome: JoinOutcome;
      try {
        outcome = await this.#writeUnlessBusy('joinTicket', { ticketId, roomId,
          joinedAtMs: nowMs, key, status: 'waiting', lastSeenMs: nowMs, address, passId: null,
          admittedAtMs: null, accountId }, limits, joinTermsOf(room));
      } catch (err) {
        // The commit queue is past its bound: a join waits its turn like an order does.
        if (err instanceof Overloaded) return refuse('overloaded');
        throw err;
      }
      if (outcome === 'inserted') {
        return created(await this.#place(room, { r: roomId, t: ticketId, k: key, p: 0 }), true);
      }
      if (typeof outcome === 'object') {
        // The account's own place, as a poll of it would show it (its ticket signed anew).
        const t = outcome.existing;
        // A join is as good as a poll for keeping the place (flushTouches writes it).
        this.#touches.set(t.ticketId, nowMs);
        return created(await this.#place(room, { r: roomId, t: t.ticketId, k: t.key, p: 0 },
          undefined, t.status, t.passId), false);
      }
      if (outcome === 'room_changed') return outcome;
      if (outcome === 'too_many') return refuse('too_many_tickets');
      if (outcome === 'too_many_network') {
        return refuse('too_many_tickets', 'Too many places are held in this waiting room from '
          + `your network (at most ${l.waitingTicketsPerNetworkMax} per IPv4 /24 or IPv6 /48); `
          + 'keep the one you have (a reload keeps it).');
      }
      if (outcome === 'key_taken') {
        // Two arrivals in one millisecond drew the same tie-break: draw again.
        if (++draws > 9) throw new Error('no free line key after 10 draws');
        continue;
      }
      // Another process is joining from this network or for this account this moment: its
      // commit comes within a batch's time, as a claimed pass's does, so the same waits apply.
      if (performance.now() - started >= l.waitingPassClaimWaitMs) return refuse('overloaded');
      await pause(l.waitingPassClaimPollMs);
    }
  }

  /**
   * Where the holder of `token` stands now (phase `off` while the room is switched off). A
   * poll sooner than the least interval is
   * `rate_limited`; a ticket not signed by this room is `waiting_ticket_invalid`; one whose
   * place lapsed (no poll for the room's grace) is `waiting_ticket_expired`.
   */
  async poll(roomId: string, token: string): Promise<Result<PlaceView>> {
    const claims = openTicket(this.deps.waitingRoomSecret, token);
    if (!claims || claims.r !== roomId) return refuse('waiting_ticket_invalid');
    const room = await this.#cachedRoom(roomId);
    if (!room) return refuse('waiting_room_not_found');
    const nowMs = this.deps.clock.nowMs();
    const pollMs = (this.deps.pollClock ?? this.deps.clock).nowMs();
    const last = this.#lastPoll.get(claims.t);
    if (last !== undefined && pollMs - last < this.deps.limits.waitingPollIntervalMinMs) {
      return { ...refuse('rate_limited', 'Poll at most once a second; the reply says when.'),
        retryAfterSeconds: 1 };
    }
    this.#remember(claims.t, pollMs, nowMs);
    if (await this.#soldOut(room)) return soldOut();
    // Switched off, the room gates nothing (roomFor): a "waiting, firm" answer stranded people
    // while anyone without a pass bought. The place is kept (the poll was remembered above, and
    // nothing lapses in a room the admitter skips) and counts again if the room comes back on.
    if (!room.enabled) {
      return ok({ room, phase: 'off', position: null, ahead: null, estimate: null,
        asOfMs: nowMs, ticket: signTicket(this.deps.waitingRoomSecret, claims), pass: null,
        held: false, ticketHash: ticketHash(claims.t), pollAfterSeconds: pollAfterSeconds(room,
          'off', null, nowMs, this.#pacing, (this.deps.random ?? Math.random)()) });
    }
    return this.#placeOrLapsed(room, claims);
  }

  /** Whether the room's target can sell nothing more (targetSoldOut). */
  async #soldOut(room: Room): Promise<boolean> {
    return this.targetSoldOut !== null && await this.targetSoldOut(room.scope, room.targetId);
  }

  #remember(ticketId: string, pollMs: number, nowMs: number): void {
    if (this.#lastPoll.size >= this.deps.limits.waitingTouchesMax) this.#lastPoll = new Map();
    this.#lastPoll.set(ticketId, pollMs);
    if (this.#touches.size >= this.deps.limits.waitingTouchesMax) void this.flushTouches();
    this.#touches.set(ticketId, nowMs);
  }

  async #placeOrLapsed(room: Room, claims: TicketClaims): Promise<Result<PlaceView>> {
    if (claims.k !== null) {
      const line = await this.#line(room.roomId);
      // Joined after this copy was read (a late key is its arrival ms times LATE_KEY_SPREAD): it
      // cannot have been admitted or have lapsed since, and #place says it is being counted,
      // with no read of its row (at a stampede every new place polls a time or two so).
      if (has(line.waiting, claims.k) || has(line.held, claims.k)
        || Math.floor(claims.k / LATE_KEY_SPREAD) >= line.readAtMs) {
        return this.#place(room, claims, line);
      }
    }
    // Not in this process's copy of the line: admitted, lapsed, keyed by the shuffle since the
    // ticket was signed, or newer than the copy. One read of its row says which.
    const t = await this.deps.store.ticket(claims.t);
    if (!t || t.roomId !== room.roomId) return refuse('waiting_ticket_invalid');
    if (t.status === 'expired') return refuse('waiting_ticket_expired');
    return this.#place(room, { ...claims, k: t.key }, undefined, t.status, t.passId);
  }

  /** The place as its holder is told it, with the interval to poll again at. */
  async #place(room: Room, claims: TicketClaims, lineRead?: Line, status?: string,
    passId?: string | null): Promise<Result<PlaceView>> {
    const r = await this.#placeAsOf(room, claims, lineRead, status, passId);
    if (!r.ok) return r;
    const v = r.value;
    return ok({ ...v, ticketHash: ticketHash(claims.t),
      pollAfterSeconds: v.pollAfterSeconds ?? pollAfterSeconds(room, v.phase, v.estimate,
        this.deps.clock.nowMs(), this.#pacing, (this.deps.random ?? Math.random)()) });
  }

  /** The poll interval's settings from the limits. */
  get #pacing(): PollPacing {
    const l = this.deps.limits;
    return { baseSeconds: l.waitingPollAfterSeconds, maxSeconds: l.waitingPollAfterMaxSeconds,
      waitShare: l.waitingPollWaitShare, openingSpreadSeconds: l.waitingOpeningSpreadSeconds,
      jitterPercent: l.waitingPollJitterPercent };
  }

  async #placeAsOf(room: Room, claims: TicketClaims, lineRead?: Line, status?: string,
    passId?: string | null):
    Promise<Result<Omit<PlaceView, 'pollAfterSeconds' | 'ticketHash'>
      & { pollAfterSeconds?: number }>> {
    const secret = this.deps.waitingRoomSecret;
    const nowMs = this.deps.clock.nowMs();
    const base = { room, pass: null, held: false };
    if (status === 'admitted' && passId) {
      const p = await this.deps.store.pass(passId);
      // A turn whose pass ended unspent, or was revoked, is over: the person joins again.
      if (!p || p.status === 'revoked' || passStateAt(p, nowMs) === 'expired') {
        // `turn`: the page tells an admission from a lapsed place (the new user's find 8).
        return { ...refuse('waiting_ticket_expired', 'Your turn came and its pass has ended (or '
          + 'was revoked): join the waiting room again.'),
        details: { turn: 'ended', next_url: nextUrl(room) } };
      }
      // Spent by an order or purchase that went through (no request holds its claim any more):
      // the turn is used. Shown as admitted, the page sent the buyer back with the spent pass,
      // refused, round and round (the new user's find): another order needs another turn.
      if (p.status === 'spent' && (p.claimedUntilMs === null || p.claimedUntilMs <= nowMs)) {
        return { ...refuse('waiting_ticket_expired', 'Your turn was used: its pass went with '
          + 'an order or purchase. Join the waiting room again for another.'),
        details: { turn: 'used', next_url: nextUrl(room) } };
      }
      const pass = { token: signPass(secret, { r: room.roomId, p: p.passId,
        e: p.expiresAtMs }), expiresAtMs: p.expiresAtMs };
      return ok({ ...base, phase: 'admitted', position: 0, ahead: 0, estimate: null,
        asOfMs: nowMs, ticket: signTicket(secret, { ...claims, p: 1 }), pass });
    }
    if (claims.k === null) {
      return ok({ ...base, phase: 'prequeue', position: null, ahead: null, estimate: null,
        asOfMs: nowMs, ticket: signTicket(secret, claims) });
    }
    const line = lineRead ?? await this.#line(room.roomId);
    const held = status === 'held' || has(line.held, claims.k);
    if (!this.#counted(line, claims.k)) {
      // Not in this copy of the line (newer than it, or read before the shuffle): a position
      // counted without it would leave out the people who joined since the copy was read, and
      // the ticket would keep that too-small position as the least shown, for good (three quick
      // joins were all shown 1). It is counted once a copy holds it, a second or two later;
      // until then it keeps the least position shown, if any (another process's copy may be
      // older than the one that counted it), or is shown none.
      const position = claims.p > 0 ? claims.p : null;
      return ok({ ...base, held, phase: 'waiting', position,
        ahead: position === null ? null : position - 1,
        estimate: position === null ? null
          : estimateWait(room, position - 1, this.#basis(line, nowMs, held)),
        asOfMs: line.readAtMs, ticket: signTicket(secret, claims),
        pollAfterSeconds: position === null ? this.#countingPollSeconds() : undefined });
    }
    let position = lineAt(line, claims.k);
    if (claims.p > 0) position = Math.min(position, claims.p);
    return ok({ ...base, held, phase: 'waiting', position, ahead: position - 1,
      estimate: estimateWait(room, position - 1, this.#basis(line, nowMs, held)),
      asOfMs: line.readAtMs,
      ticket: signTicket(secret, { ...claims, p: position }) });
  }

  /**
   * Whether the copy of the line counts `key` truly: the copy is complete (read after the
   * pre-queue was keyed), holds it, and was read at least a refresh after its join. Joins
   * within one millisecond are ordered by a random tie-break, and a join commits a moment after
   * its millisecond: a copy read within it held this ticket but not a later join ordered in
   * front of it, and the position it gave was kept as the least shown, one too small for good
   * (the attacker's find, and every join between two ticks of a simulated clock). Pre-queue
   * ranks are far below any join's millisecond.
   */
  #counted(line: Line, key: number): boolean {
    return line.complete && (has(line.waiting, key) || has(line.held, key))
      && Math.floor(key / LATE_KEY_SPREAD) + this.deps.limits.waitingLineRefreshMs
        <= line.readAtMs;
  }

  /**
   * What an estimate counts from: the copy's active passes against the cap (what the admitter
   * counts, activePassCount), the admitter's period, and whether the ticket is held.
   */
  #basis(line: Line, nowMs: number, held: boolean): WaitBasis {
    return { nowMs, active: line.activePasses, roundMs: this.deps.limits.waitingAdmitRoundMs,
      held };
  }

  /**
   * How soon a place being counted polls again (s): when the next copy of the line is read,
   * and no sooner than the poll rate allows.
   */
  #countingPollSeconds(): number {
    const l = this.deps.limits;
    return Math.ceil(Math.max(l.waitingLineRefreshMs, l.waitingPollIntervalMinMs) / 1000);
  }

  /** This process's copy of the room's line, read again when older than the limit. */
  async #line(roomId: string): Promise<Line> {
    const nowMs = this.deps.clock.nowMs();
    const have = this.#lines.get(roomId);
    if (have && nowMs - have.readAtMs < this.deps.limits.waitingLineRefreshMs
      && have.readAtMs <= nowMs) return have;
    let reading = this.#lineReads.get(roomId);
    if (!reading) {
      // The room first: read as shuffled, the keys read after it hold the shuffle's.
      reading = this.deps.store.room(roomId).then(async (room) => {
        const k = await this.deps.store.lineKeys(roomId);
        const { activePasses } = await this.deps.store.lineCounts(roomId, nowMs);
        // Either order keys its pre-queue at the opening (prequeueOrder).
        const complete = room !== null && room.shuffledAtMs !== null;
        const line = { ...k, activePasses, readAtMs: nowMs, complete };
        this.#lines.set(roomId, line);
        return line;
      }).finally(() => this.#lineReads.delete(roomId));
      this.#lineReads.set(roomId, reading);
    }
    // A copy a little old is still true for positions (they only go down): serve it while the
    // new one is read, so a second's polls do not queue behind one read. An older one is not.
    const fresh = have && nowMs - have.readAtMs < 2 * this.deps.limits.waitingLineRefreshMs;
    return fresh ? have : reading;
  }

  /** Writes the polls' times remembered since the last write. */
  async flushTouches(): Promise<void> {
    if (this.#touches.size === 0) return;
    const touches = this.#touches;
    this.#touches = new Map();
    // One time for the whole write (the latest): places are kept by minutes, not milliseconds.
    let atMs = 0;
    for (const t of touches.values()) atMs = Math.max(atMs, t);
    await this.#write('touchTickets', [...touches.keys()], atMs);
  }

  // ---------- the admitter ----------

  /**
   * One round over every room switched on: the shuffle at the opening, lapsed places expired,
   * then admissions at the rate under the cap. On PostgreSQL one process admits for a room at
   * a time (the advisory lock); the others skip it this round.
   */
  async admitRound(): Promise<void> {
    // A round asked for while one runs follows it (it may see a later time), never beside it.
    const run = this.#admitting.then(async () => {
      // Places are kept by minutes: their poll times are written every few seconds, not every
      // round, so 100,000 polling cost a few bulk updates a minute.
      // By the room's clock, so that a simulated clock moved past a grace writes them first.
      const nowMs = this.deps.clock.nowMs();
      if (Math.abs(nowMs - this.#touchesWrittenAt) >= this.deps.limits.waitingTouchFlushMs) {
        this.#touchesWrittenAt = nowMs;
        await this.flushTouches();
      }
      for (const room of await this.deps.store.rooms(this.deps.limits.waitingRoomsMax)) {
        // A pass for a target sold out for good would only meet drop_sold_out, and a refused
        // purchase gives its pass back: admitting would fill the cap with passes for nothing.
        if (room.enabled && !(await this.#soldOut(room))) await this.#admitRoom(room.roomId);
      }
    });
    this.#admitting = run.catch(() => undefined);
    return run;
  }

  async #admitRoom(roomId: string): Promise<void> {
    const l = this.deps.limits;
    const nowMs = this.deps.clock.nowMs();
    const admitted = await this.#admit({ roomId, nowMs, admitRoundMax: l.waitingAdmitRoundMax,
      roundMs: l.waitingAdmitRoundMs,
      queueDelay: this.deps.queueDelayMs
        ? { delayMs: this.deps.queueDelayMs(), maxMs: l.queueDelayMaxMs } : null });
    if (admitted > 0) {
      const recent = (this.#recent.get(roomId) ?? []).filter(([at]) => at > nowMs - 60_000);
      recent.push([nowMs, admitted]);
      this.#recent.set(roomId, recent);
    }
  }

  // ---------- operators ----------

  /** A room's figures for its operator: the line, passes, and admissions in the last minute. */
  async overview(roomId: string): Promise<Result<{ room: Room; counts: RoomCounts;
    admittedLastMinute: number }>> {
    const room = await this.deps.store.room(roomId);
    if (!room) return refuse('waiting_room_not_found');
    const nowMs = this.deps.clock.nowMs();
    const counts = await this.deps.store.roomCounts(roomId, nowMs);
    const admittedLastMinute = (this.#recent.get(roomId) ?? [])
      .filter(([at]) => at > nowMs - 60_000).reduce((a, [, n]) => a + n, 0);
    return ok({ room, counts, admittedLastMinute });
  }

  /**
   * The room's draw as it can be published (drawOf): the tickets the shuffle ranked, read and
   * hashed once the room reads as shuffled (the ranks and shuffled_at commit together) and
   * kept, since a draw never changes: a page of it hashes nothing. `waiting_room_not_found`;
   * `waiting_room_not_shuffled` before the shuffle and for a room in arrival order, which
   * draws nothing.
   */
  async draw(roomId: string): Promise<Result<{ room: Room; draw: Draw }>> {
    const room = await this.deps.store.room(roomId);
    if (!room) return refuse('waiting_room_not_found');
    if (room.order !== 'shuffle' || room.shuffledAtMs === null) {
      return refuse('waiting_room_not_shuffled');
    }
    let draw = this.#draws.get(roomId);
    if (!draw) {
      draw = this.deps.store.ticketsOf(roomId, Number.MAX_SAFE_INTEGER).then((tickets) =>
        drawOf(tickets.filter((t) => isDrawRank(room, t.key))
          .sort((a, b) => a.key! - b.key!).map((t) => t.ticketId), room.drawScheme));
      if (this.#draws.size >= this.deps.limits.waitingRoomsMax) this.#draws.clear();
      this.#draws.set(roomId, draw);
      draw.catch(() => this.#draws.delete(roomId));
    }
    return ok({ room, draw: await draw });
  }

  async passes(roomId: string): Promise<Pass[]> {
    return this.deps.store.passesOf(roomId, this.deps.limits.waitingPassesListMax);
  }

  /**
   * The room's tickets an operator looks for (a suspected bot's, to hold): in line order, of
   * `status` (null: waiting or held), from `network` (null: anywhere), at most `limit`; each
   * waiting or held one with its position in this process's copy of the line, as its holder is
   * shown it (lineAt, the held counted; null while the copy does
   * not hold it: the pre-queue before the shuffle, or joined since), read when the copy was;
   * the first `offset` matches skipped, so that an operator reaches past a page.
   * `waiting_room_not_found` for no such room.
   */
  async findTickets(roomId: string, status: TicketStatus | null, network: string | null,
    limit: number, offset = 0): Promise<Result<{ tickets: Array<{ ticket: Ticket;
      position: number | null }>; asOfMs: number }>> {
    if (!(await this.deps.store.room(roomId))) return refuse('waiting_room_not_found');
    const tickets = await this.deps.store.findTickets(roomId, status,
      network === null ? null : networkMatch(network), limit, offset);
    const line = await this.#line(roomId);
    return ok({ asOfMs: line.readAtMs, tickets: tickets.map((ticket) => ({ ticket,
      position: ticket.key !== null && (ticket.status === 'waiting' || ticket.status === 'held')
        && this.#counted(line, ticket.key) ? lineAt(line, ticket.key) : null })) });
  }

  /**
   * Revokes an active pass, recorded with the reason. One claimed by an order or purchase
   * still under way (a payment in flight) is revoked too: that request finishes as it would,
   * but a refused one gives it back revoked, not usable again (refusing the revoke there let
   * a bot keep a pass by keeping a declined payment running: the attacker's find). One
   * revoked already changes and records nothing and answers it (a second click); one spent
   * for good or ended is `waiting_pass_not_active` with its state (it stops no one: revoking
   * it recorded an act that stopped nobody, and "no such pass" was untrue);
   * `waiting_pass_not_found` when the room gave no such pass.
   */
  async revoke(actor: string, roomId: string, passId: string, reason: string):
    Promise<Result<Pass>> {
    const p = await this.deps.store.pass(passId);
    if (!p || p.roomId !== roomId) return refuse('waiting_pass_not_found');
    const refusal = this.#notRevocable(p);
    if (refusal !== undefined) return refusal;
    const done = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.revokePass(passId))) return false;
      await tx.appendAudit({ atMs: this.deps.clock.nowMs(), actor,
        action: 'waiting_room.revoke_pass', detail: { room_id: roomId, pass_id: passId, reason,
          ...(claimed(p) ? { claimed_by: p.spentBy } : {}) } });
      return true;
    });
    const now = (await this.deps.store.pass(passId))!;
    // Not revoked here: spent, revoked or ended meanwhile, answered as it is now.
    return done ? ok(now) : this.#notRevocable(now) ?? ok(now);
  }

  /**
   * Why `p` is not revoked now: undefined while active or claimed by a request under way
   * (REVOCABLE_SQL); ok(p) if revoked already.
   */
  #notRevocable(p: Pass): Result<Pass> | undefined {
    const state = passStateAt(p, this.deps.clock.nowMs());
    if (state === 'active' || claimed(p)) return undefined;
    if (state === 'revoked') return ok(p);
    return { ...refuse('waiting_pass_not_active', `This pass ${state === 'spent'
      ? 'was spent on an order or purchase that went through' : `ended at ${iso(p.expiresAtMs)}`}: revoking it `
      + 'would stop no one.'), details: { status: state } };
  }

  /**
   * Holds a waiting ticket in the line that never admits (a suspected bot): it keeps its place
   * but is skipped (lineAt); or lets a held one be admitted again from that place; recorded
   * with the reason. Holding a held one, or releasing a waiting one, changes and records
   * nothing and answers its state (the second click of a double click was answered "no such
   * ticket"). A ticket out of the line (admitted, or lapsed) is `waiting_ticket_not_in_line`
   * with its status and pass: a hold cannot take back a turn; revoking the pass does.
   */
  async hold(actor: string, roomId: string, ticketId: string, held: boolean, reason: string):
    Promise<Result<{ ticketId: string; held: boolean }>> {
    const t = await this.deps.store.ticket(ticketId);
    if (!t || t.roomId !== roomId) return refuse('waiting_ticket_not_found');
    const done = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.holdTicket(ticketId, held))) return false;
      await tx.appendAudit({ atMs: this.deps.clock.nowMs(), actor,
        action: held ? 'waiting_room.hold' : 'waiting_room.release',
        detail: { room_id: roomId, ticket_id: ticketId, reason } });
      return true;
    });
    if (done) return ok({ ticketId, held });
    // Not changed: read again, as it is now (a concurrent hold or admission may have moved it).
    const now = (await this.deps.store.ticket(ticketId))!;
    if (now.status === 'held' || now.status === 'waiting') {
      return ok({ ticketId, held: now.status === 'held' });
    }
    const revoke = now.status === 'admitted'
      ? `, with the pass ${now.passId} (revoke the pass to stop it, if still active)` : '';
    return { ...refuse('waiting_ticket_not_in_line', `This ticket is no longer in the line: it `
      + `was ${now.status}${revoke}.`),
    details: { status: now.status, ...(now.passId ? { pass_id: now.passId } : {}) } };
  }

  // ---------- the gate ----------

  /**
   * Claims a pass for the request of `accountId` and `key`, held for waitingPassClaimMs. While
   * another request's claim on it is under way (`pending`), waits for that request's outcome,
   * polling, for at most waitingPassClaimWaitMs: a refused request gives the pass back and this
   * one takes it; one that succeeded spent it. Still `pending` past the wait: the caller answers
   * it as retryable (the other request may yet give the pass back).
   */
  async #claimPass(passId: string, accountId: string, key: string): Promise<PassClaim> {
    const l = this.deps.limits;
    // The wait is real time elapsed, not pauses counted: on a loaded machine each claim's
    // write took long, and counting pauses waited several times the limit, past the other
    // request's outcome (its pass given back, this one took it: the test of a pass claimed by
    // a request still paying failed under load).
    const started = performance.now();
    for (;;) {
      const nowMs = this.deps.clock.nowMs();
      const r = await this.#writeUnlessBusy('claimPass', passId, accountId, key, nowMs,
        nowMs + l.waitingPassClaimMs);
      if (r !== 'pending' || performance.now() - started >= l.waitingPassClaimWaitMs) return r;
      await pause(l.waitingPassClaimPollMs);
    }
  }

  /**
   * What the gate reads of a guarded request: null when no room is on for the target; a
   * refusal when the pass is missing, not this room's or past its end; else the pass's claims,
   * with the room's address for the refusals that follow.
   */
  async #passOf(scope: RoomScope, targetId: string, token: string | undefined):
    Promise<Refusal | { claims: PassClaims; where: Record<string, string>;
      invalid: (why: string) => Refusal } | null> {
    const room = await this.roomFor(scope, targetId);
    if (!room) return null;
    const where = { room_id: room.roomId,
      room_url: roomPageUrl(room.roomId) };
    if (!token) return { ...refuse('waiting_room_pass_required'), details: where };
    const invalid = (why: string): Refusal => ({ ...refuse('waiting_room_pass_invalid',
      `Your waiting-room pass ${why}; join the waiting room again.`), details: where });
    const claims = openPass(this.deps.waitingRoomSecret, token);
    if (!claims || claims.r !== room.roomId) return invalid('is not one this room gave');
    if (claims.e <= this.deps.clock.nowMs()) return invalid('has ended');
    return { claims, where, invalid };
  }

  /** The gate in front of a scope's writes (orders: 'launch'; drops: 'drop'). */
  gate(scope: RoomScope): AdmissionGate {
    return {
      claim: async (targetId, token, accountId, key) => {
        const read = await this.#passOf(scope, targetId, token);
        if (read === null || 'code' in read) return read;
        const { claims, where, invalid } = read;
        let r: PassClaim;
        try {
          r = await this.#claimPass(claims.p, accountId, key);
        } catch (err) {
          // Refused for load before anything was claimed: the order is answered as one would be.
          if (err instanceof Overloaded) return refuse('overloaded');
          throw err;
        }
        // Only the request that claimed the pass may give it back: one answered 'again' (the
        // same account and key, spent or under way) leaves it to the outcome it repeats.
        if (r === 'claimed') this.#claimedHere.add(claimId(claims.p, accountId, key));
        if (r === 'claimed' || r === 'again') return null;
        return passRefusal(r, where, invalid);
      },
      check: async (targetId, token, accountId) => {
        const read = await this.#passOf(scope, targetId, token);
        if (read === null || 'code' in read) return read;
        const { claims, where, invalid } = read;
        // A join spends nothing, but it binds the pass to its account on first use (one
        // conditional write; none once bound): another account cannot join with it after.
        const nowMs = this.deps.clock.nowMs();
        const p = await this.deps.store.pass(claims.p);
        let r: PassClaim;
        if (p?.boundTo === null && p.status === 'active' && p.expiresAtMs > nowMs) {
          try {
            r = await this.#writeUnlessBusy('bindPass', claims.p, accountId, nowMs);
          } catch (err) {
            if (err instanceof Overloaded) return refuse('overloaded');
            throw err;
          }
        } else {
          r = bindOutcome(p, accountId, nowMs);
        }
        return r === 'claimed' || r === 'again' ? null : passRefusal(r, where, invalid);
      },
      settle: async (targetId, token, accountId, key, refusal) => {
        // Without a pass nothing was claimed (the common case: no room in front).
        if (!token) return;
        const room = await this.roomFor(scope, targetId);
        const claims = openPass(this.deps.waitingRoomSecret, token);
        if (!room || !claims || claims.r !== room.roomId) return;
        const mine = this.#claimedHere.delete(claimId(claims.p, accountId, key));
        if (refusal !== null && givesPassBack(refusal)) {
          if (mine) await this.#write('releasePass', claims.p, accountId, key);
        } else {
          await this.#write('spendPass', claims.p, accountId, key);
        }
      },
    };
  }
}

/**
 * The refusal of a pass another request holds or that cannot be used: `pending` is "in a
 * moment" (the other request may yet give it back, a declined payment), not "join again" (only
 * a spent pass is gone).
 */
function passRefusal(r: Exclude<PassClaim, 'claimed' | 'again'>, where: Record<string, string>,
  invalid: (why: string) => Refusal): Refusal {
  if (r === 'pending') {
    return { ...refuse('waiting_room_pass_in_use'), details: where,
      retryAfterSeconds: PASS_IN_USE_RETRY_SECONDS };
  }
  if (r === 'other_account') {
    return { ...refuse('waiting_room_pass_other_account'), details: where };
  }
  return invalid(r === 'spent' ? 'was used for another order'
    : r === 'revoked' ? 'was revoked by an operator' : 'has ended');
}

/** A join or poll of a room whose target sold out for good (targetSoldOut). */
const soldOut = (): Refusal => refuse('drop_sold_out', 'The drop is sold out: every unit is '
  + 'sold and none can come back, so this waiting room admits no one more.');

/** Whether a request still under way holds `p` (spent, not yet for good: REVOCABLE_SQL). */
const claimed = (p: Pass): boolean => p.status === 'spent' && p.claimedUntilMs !== null;

/** A claim's identity: the pass, the account and the request's idempotency key. */
const claimId = (passId: string, accountId: string, key: string): string =>
  `${passId}\u0000${accountId}\u0000${key}`;

/** How many times a join is decided again on a room changed under it before `overloaded`. */
const JOIN_REDECIDED_MAX = 5;

/** A room whose lock joins or another change held past waitingPassClaimWaitMs. */
const roomBusy = (which: string): Refusal => refuse('overloaded', `The waiting room ${which} is `
  + 'being joined or changed this moment; try again in a few seconds.');

/** The room `s` makes: `cur`'s seed, commitment and admitter state, or a new room's. */
function roomFrom(s: RoomSettings, cur: Room | null, nowMs: number): Room {
  const seed = cur?.seed ?? randomBytes(32).toString('hex');
  return { ...s, seed, seedCommitment: cur?.seedCommitment ?? seedCommitment(seed),
    shuffledAtMs: cur?.shuffledAtMs ?? null, tokens: cur?.tokens ?? 0,
    filledAtMs: cur?.filledAtMs ?? null, admittedTotal: cur?.admittedTotal ?? 0,
    createdAtMs: cur?.createdAtMs ?? nowMs, updatedAtMs: nowMs,
    drawScheme: cur?.drawScheme ?? DRAW_SCHEME };
}

/** A pause of `ms` (real time: a claim under way settles in real time). */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The settings that say what the people in a room wait for, with their names in the API: fixed
 * once anyone joined (WaitingRoomsService.#fixedTerms).
 */
const LINE_TERMS = [['scope', 'scope'], ['targetId', 'target_id'], ['opensAtMs', 'opens_at'],
  ['prequeueAtMs', 'prequeue_at'], ['order', 'order']] as const;

/** The settings an operator changed, old and new, for the audit log. */
function diff(old: Room | null, now: Room): Record<string, unknown> {
  const keys = ['enabled', 'suspended', 'opensAtMs', 'prequeueAtMs', 'order', 'admitPerMinute',
    'activeMax', 'passSeconds', 'graceSeconds', 'adaptive', 'waitingStatus'] as const;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (!old || old[k] !== now[k]) out[k] = old ? { old: old[k], new: now[k] } : now[k];
  }
  return out;
}
