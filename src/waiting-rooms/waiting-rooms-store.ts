// Waiting rooms' part of the storage port: rooms, tickets (the line) and passes. Both adapters
// implement it (waiting-rooms-sqlite.ts, waiting-rooms-postgres.ts) and pass its contract
// (waiting-rooms-store.contract.ts). The composed Store and StoreTx (kernel/store/store.ts) take
// these methods by declaration merging.
import type {
  JoinTerms, NetworkMatch, Pass, Room, RoomScope, Ticket, TicketStatus,
} from './waiting-room.js';

/** The admitter's state of a room, written after each round. */
export interface RoomState {
  readonly tokens: number;
  readonly filledAtMs: number | null;
  readonly admittedTotal: number;
  readonly shuffledAtMs: number | null;
}

/**
 * How spending a pass went (`claimPass`, and `bindPass` in the same words): `other_account`
 * when it is bound to another account than the one using it (nothing changed).
 */
export type PassClaim = 'claimed' | 'again' | 'pending' | 'spent' | 'revoked' | 'expired'
  | 'missing' | 'other_account';

/** A room's figures for its operator (`roomCounts`). */
export interface RoomCounts {
  /** In the line (pre-queue included). */
  readonly waiting: number;
  /** Of them, in the pre-queue not yet shuffled. */
  readonly prequeue: number;
  readonly held: number;
  readonly admitted: number;
  readonly expired: number;
  /** Passes neither spent, revoked nor past their end. */
  readonly activePasses: number;
  readonly spentPasses: number;
  readonly revokedPasses: number;
}

/**
 * What a join did (WaitingRoomsTx.joinTicket): `too_many` is the per-address limit,
 * `too_many_network` the per-network cap; `{ existing }` the live place the ticket's account
 * already holds in the room (nothing was added); `room_changed` the room no longer has the
 * terms the join was decided under (nothing was added: read the room again, decide again).
 */
export type JoinOutcome = 'inserted' | 'key_taken' | 'too_many' | 'too_many_network' | 'busy'
  | 'room_changed' | { readonly existing: Ticket };

/** The limits a join is counted against (null: not counted). */
export interface JoinLimits {
  /** Waiting or held places of the ticket's address (an IPv4 address, an IPv6 /64). */
  readonly perAddressMax: number | null;
  /** Waiting or held places of its network (an IPv4 /24, an IPv6 /48: networkOf). */
  readonly perNetworkMax: number | null;
}

/** Waiting rooms' reads and writes inside one transaction (see StoreTx). */
export interface WaitingRoomsTx {
  /**
   * Creates the room, or replaces its settings (ROOM_SETTINGS_COLUMNS); an existing room's
   * seed, commitment and admitter state stay as they are.
   */
  putRoom(room: Room): Promise<void>;
  /**
   * The room, locked for the admitter until commit; null when another process's admitter holds
   * it (PostgreSQL: an advisory lock taken without waiting) or when there is no such room.
   */
  lockRoomForAdmission(roomId: string): Promise<Room | null>;
  /**
   * The room in front of a launch or drop (at most one), locked until commit (PostgreSQL: FOR
   * UPDATE; SQLite's transaction excludes every other writer): the target's opening is written
   * in the same transaction, so that the room's follows it (WaitingRoomsService.followOpening).
   * `busy` (PostgreSQL) while a join or a change holds the room: taken without waiting, since
   * the caller holds its target's row, which a batch holding a join may be waiting for.
   */
  roomOfTarget(scope: RoomScope, targetId: string): Promise<Room | null | 'busy'>;
  /**
   * The room, locked until commit for a change of its settings: a join's write (joinTicket)
   * waits for the change or sees it, and the change's `roomJoined` sees every join committed
   * before it. Null when there is no such room; `busy` (PostgreSQL: taken without waiting, as
   * roomOfTarget) while a join or another change holds it: nothing was locked, ask again.
   */
  lockRoomTerms(roomId: string): Promise<Room | null | 'busy'>;
  /**
   * The room, locked until commit for a change of its settings that leaves what a join is
   * decided under (JoinTerms) as it is: the suspend switch, rate, cap, pass and grace times,
   * statuses. Joins do not hold it off (PostgreSQL: FOR NO KEY UPDATE, which their FOR KEY
   * SHARE does not conflict with), so a crowd joining, or a flood of refused joins, never keeps
   * an operator's Suspend waiting (the attacker's finding); admitter rounds and other changes
   * do. Null when there is no such room; `busy` (PostgreSQL, taken without waiting as
   * lockRoomTerms) while an admitter round or another change holds it.
   */
  lockRoomSettings(roomId: string): Promise<Room | null | 'busy'>;
  setRoomState(roomId: string, state: RoomState): Promise<void>;
  /** Adds the ticket; false when its key is taken in the room (nothing changed). */
  insertTicket(ticket: Ticket): Promise<boolean>;
  /**
   * A join: when the ticket names an account that already holds a live place in the room
   * (waiting, held, or admitted with its pass active and unended at `ticket.joinedAtMs`), that
   * place (`{ existing }`), whatever the limits; else adds the ticket unless its address
   * (`ticket.address`, not '') already holds `perAddressMax` waiting or held tickets in the room
   * (`too_many`), or its network `perNetworkMax` (`too_many_network`), counted in this
   * transaction so that joins through every process are counted together. `key_taken` as
   * insertTicket's false. `busy` (PostgreSQL): another process is joining from the same
   * network or for the same account right now; nothing was done, ask again (the count would
   * not be exact), or a change of the room's settings holds it (lockRoomTerms).
   * First of all, the room as committed is checked against `terms`, what the join was decided
   * under (`room_changed` if it differs, or the room is gone), under a lock a change of the
   * settings takes too (PostgreSQL: the room's row FOR KEY SHARE, which joins share with each
   * other and with the admitter; SQLite's transaction excludes every other writer): a change
   * cannot commit beside a join it did not see, nor a join beside a change.
   */
  joinTicket(ticket: Ticket, limits: JoinLimits, terms: JoinTerms): Promise<JoinOutcome>;
  /**
   * Waiting and held tickets of the room that have no key yet (the pre-queue; a held one keeps
   * its place, so it is drawn too), in arrival order (by join time, then id): a room in
   * arrival order keys them so at the opening.
   */
  unkeyedTicketIds(roomId: string): Promise<string[]>;
  /**
   * Whether anyone ever took a place in the room (a ticket of any status): from then on what
   * they were told of the line (its target, opening, pre-queue and order) stays as told.
   */
  roomJoined(roomId: string): Promise<boolean>;
  /** Gives each ticket its key (the shuffle's ranks, or late keys for stragglers). */
  setTicketKeys(roomId: string, ids: readonly string[], keys: readonly number[]): Promise<void>;
  /** Waiting tickets not seen since `seenBeforeMs` become expired; how many. */
  expireTickets(roomId: string, seenBeforeMs: number): Promise<number>;
  /** The first `limit` waiting tickets with a key, in line order. */
  headOfLine(roomId: string, limit: number): Promise<Ticket[]>;
  /** Marks each ticket admitted with its pass, and inserts the passes. */
  admit(passes: readonly Pass[], atMs: number): Promise<void>;
  /** Passes of the room neither spent, revoked, nor ended at `nowMs`. */
  activePassCount(roomId: string, nowMs: number): Promise<number>;
  /** Moves each waiting (or held) ticket's last poll forward to `atMs`. */
  touchTickets(ids: readonly string[], atMs: number): Promise<void>;
  /** Holds a waiting ticket (a suspected bot) or lets a held one wait again; false if neither. */
  holdTicket(ticketId: string, held: boolean): Promise<boolean>;
  /**
   * Revokes an active pass, or one claimed by a request still under way (`claimedUntilMs` set:
   * it goes back revoked, `releasePass`); false when it was neither (revoked already, or spent
   * for good).
   */
  revokePass(passId: string): Promise<boolean>;
  /**
   * Claims an active, unexpired pass unbound or bound to `by`, for `by` and `key`, in one
   * conditional update that also binds it to `by` for good; held until `claimedUntilMs` or
   * until `spendPass` or `releasePass` (which keeps the binding); `again` when it was already
   * claimed by the same pair (a retry of the same request); `pending` when another key of the
   * same account holds it under way; `other_account` when it is bound to another account.
   */
  claimPass(passId: string, by: string, key: string, nowMs: number, claimedUntilMs: number):
    Promise<PassClaim>;
  /**
   * Makes the claim of `by` and `key` final (its request succeeded); false when not so claimed.
   * A pass revoked while so claimed stays `revoked` (the request that held it went through).
   */
  spendPass(passId: string, by: string, key: string): Promise<boolean>;
  /**
   * Gives back a pass claimed by `by` and `key` (its request was refused): `active` again, or
   * `revoked` if it was revoked while claimed; false when it was not so claimed.
   */
  releasePass(passId: string, by: string, key: string): Promise<boolean>;
  /**
   * Binds an active, unexpired, unbound pass to `by` in one conditional update (a use that
   * does not spend it: a waitlist join), then says what it lets `by` do (bindOutcome):
   * `claimed` when it is live and `by`'s, `again` when `by` spent it, `other_account` when
   * another account was first (two binding at once: exactly one wins), else why not.
   */
  bindPass(passId: string, by: string, nowMs: number): Promise<PassClaim>;
}

/** Waiting rooms' reads of committed data (see Store). */
export interface WaitingRoomsReads {
  room(roomId: string): Promise<Room | null>;
  rooms(limit: number): Promise<Room[]>;
  ticket(ticketId: string): Promise<Ticket | null>;
  /** Keys of the room's waiting and held tickets, ascending (the line as every process sees it). */
  lineKeys(roomId: string): Promise<{ waiting: Float64Array; held: Float64Array }>;
  /**
   * The line's two counts: waiting tickets, the pre-queue included (held ones not), and passes
   * active at `nowMs` counted as the admitter counts them against the cap
   * (WaitingRoomsTx.activePassCount), which each process's copy of the line keeps beside the
   * keys.
   */
  lineCounts(roomId: string, nowMs: number): Promise<{ waiting: number; activePasses: number }>;
  roomCounts(roomId: string, nowMs: number): Promise<RoomCounts>;
  pass(passId: string): Promise<Pass | null>;
  /** The room's passes, newest first, at most `limit`. */
  passesOf(roomId: string, limit: number): Promise<Pass[]>;
  /**
   * The room's tickets an operator looks for, in line order (keyed first, then the pre-queue
   * by id), at most `limit`: of `status` (null: waiting or held, the ones a hold or release
   * applies to), and from `network` when given (null: from anywhere); the first `offset`
   * matches skipped (the operator's next page).
   */
  findTickets(roomId: string, status: TicketStatus | null, network: NetworkMatch | null,
    limit: number, offset: number): Promise<Ticket[]>;
  /** The room's tickets in line order (held and admitted included), for auditors; bounded. */
  ticketsOf(roomId: string, limit: number): Promise<Ticket[]>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends WaitingRoomsTx {}
  interface Store extends WaitingRoomsReads {}
}
