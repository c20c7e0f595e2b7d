// Waiting rooms' part of the storage port: rooms, tickets (the line) and passes. Both adapters
// implement it (waiting-rooms-sqlite.ts, waiting-rooms-postgres.ts) and pass its contract
// (waiting-rooms-store.contract.ts). The composed Store and StoreTx (kernel/store/store.ts) take
// these methods by declaration merging.
import type { NetworkMatch, Pass, Room, RoomScope, Ticket, TicketStatus } from './waiting-room.js';

/** The admitter's state of a room, written after each round. */
export interface RoomState {
  readonly tokens: number;
  readonly filledAtMs: number | null;
  readonly admittedTotal: number;
  readonly shuffledAtMs: number | null;
}

/** How spending a pass went (`claimPass`). */
export type PassClaim = 'claimed' | 'again' | 'pending' | 'spent' | 'revoked' | 'expired'
  | 'missing';

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

/** What a join did (WaitingRoomsTx.joinTicket). */
export type JoinOutcome = 'inserted' | 'key_taken' | 'too_many' | 'busy';

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
   */
  roomOfTarget(scope: RoomScope, targetId: string): Promise<Room | null>;
  setRoomState(roomId: string, state: RoomState): Promise<void>;
  /** Adds the ticket; false when its key is taken in the room (nothing changed). */
  insertTicket(ticket: Ticket): Promise<boolean>;
  /**
   * A join: adds the ticket unless its address (`ticket.address`, not '') already holds
   * `perAddressMax` waiting or held tickets in the room (`too_many`), counted in this
   * transaction so that joins through every process are counted together; null: no limit.
   * `key_taken` as insertTicket's false. `busy` (PostgreSQL): another process is joining from
   * the same address right now; nothing was done, ask again (the count would not be exact).
   */
  joinTicket(ticket: Ticket, perAddressMax: number | null): Promise<JoinOutcome>;
  /** Waiting tickets of the room that have no key yet (the pre-queue), by id. */
  unkeyedTicketIds(roomId: string): Promise<string[]>;
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
  /** Revokes an active pass; false when it was not active. */
  revokePass(passId: string): Promise<boolean>;
  /**
   * Claims an active, unexpired pass for `by` and `key` in one conditional update, held until
   * `claimedUntilMs` or until `spendPass` or `releasePass`; `again` when it was already claimed
   * by the same pair (a retry of the same request); `pending` when another pair's claim is
   * still under way.
   */
  claimPass(passId: string, by: string, key: string, nowMs: number, claimedUntilMs: number):
    Promise<PassClaim>;
  /** Makes the claim of `by` and `key` final (its request succeeded); false when not so claimed. */
  spendPass(passId: string, by: string, key: string): Promise<boolean>;
  /** Gives back a pass claimed by `by` and `key`; false when it was not so claimed. */
  releasePass(passId: string, by: string, key: string): Promise<boolean>;
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
   * applies to), and from `network` when given (null: from anywhere).
   */
  findTickets(roomId: string, status: TicketStatus | null, network: NetworkMatch | null,
    limit: number): Promise<Ticket[]>;
  /** The room's tickets in line order (held and admitted included), for auditors; bounded. */
  ticketsOf(roomId: string, limit: number): Promise<Ticket[]>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends WaitingRoomsTx {}
  interface Store extends WaitingRoomsReads {}
}
