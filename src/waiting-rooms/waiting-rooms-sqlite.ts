// Waiting rooms' SQL on the embedded store (waiting-rooms-store.ts is the port it implements).
// One process owns the file and BEGIN IMMEDIATE excludes every other writer, so the admitter's
// lock is the transaction itself.
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import {
  bindOutcome, claimOutcome, countsFrom, passToValues, PASS_COLUMNS, RELEASED_STATUS_SQL,
  REVOCABLE_SQL, ROOM_COLUMNS, ROOM_SETTINGS_COLUMNS,
  roomToValues, rowToPass, rowToRoom, rowToTicket, splitLine, TICKET_COLUMNS, ticketToValues,
} from './room-rows.js';
import {
  holdsJoinTerms, networkOf, type JoinTerms, type NetworkMatch, type Pass, type Room,
  type RoomScope, type Ticket, type TicketStatus,
} from './waiting-room.js';
import type {
  JoinLimits, JoinOutcome, PassClaim, RoomCounts, RoomState, WaitingRoomsReads, WaitingRoomsTx,
} from './waiting-rooms-store.js';

type Row = Record<string, unknown>;
const insertSql = (table: string, cols: readonly string[]): string =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;

/** Passes counted against a room's cap: the admitter's count and the line copy's, one rule. */
/**
 * An account's live place in a room: waiting, held, or admitted with its pass still usable
 * (active, unended at the join's time); the newest if ever more than one.
 */
const LIVE_PLACE_OF_ACCOUNT_SQL = 'SELECT t.* FROM waiting_tickets t WHERE t.room_id = ? '
  + "AND t.account_id = ? AND (t.status IN ('waiting', 'held') OR (t.status = 'admitted' "
  + 'AND EXISTS (SELECT 1 FROM waiting_passes p WHERE p.pass_id = t.pass_id '
  + "AND p.status = 'active' AND p.expires_at_ms > ?))) ORDER BY t.joined_at_ms DESC LIMIT 1";

const ACTIVE_PASSES_SQL = "SELECT count(*) AS n FROM waiting_passes WHERE room_id = ? "
  + "AND status = 'active' AND expires_at_ms > ?";

function prepareWrites(db: Db) {
  return {
    putRoom: db.prepare(`${insertSql('waiting_rooms', ROOM_COLUMNS)} ON CONFLICT (room_id) DO `
      + `UPDATE SET ${ROOM_SETTINGS_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`),
    room: db.prepare('SELECT * FROM waiting_rooms WHERE room_id = ?'),
    roomOfTarget: db.prepare('SELECT * FROM waiting_rooms WHERE scope = ? AND target_id = ?'),
    setState: db.prepare('UPDATE waiting_rooms SET tokens = ?, filled_at_ms = ?, '
      + 'admitted_total = ?, shuffled_at_ms = ? WHERE room_id = ?'),
    insertTicket: db.prepare(`${insertSql('waiting_tickets', TICKET_COLUMNS)} `
      + 'ON CONFLICT DO NOTHING'),
    fromAddress: db.prepare("SELECT count(*) AS n FROM waiting_tickets WHERE room_id = ? "
      + "AND address = ? AND status IN ('waiting', 'held')"),
    fromNetwork: db.prepare("SELECT count(*) AS n FROM waiting_tickets WHERE room_id = ? "
      + "AND network = ? AND status IN ('waiting', 'held')"),
    ofAccount: db.prepare(LIVE_PLACE_OF_ACCOUNT_SQL),
    unkeyed: db.prepare("SELECT ticket_id FROM waiting_tickets WHERE room_id = ? "
      + "AND status IN ('waiting', 'held') AND line_key IS NULL ORDER BY joined_at_ms, ticket_id"),
    joined: db.prepare('SELECT EXISTS (SELECT 1 FROM waiting_tickets WHERE room_id = ?) AS j'),
    setKey: db.prepare('UPDATE waiting_tickets SET line_key = ? WHERE room_id = ? '
      + 'AND ticket_id = ?'),
    expire: db.prepare("UPDATE waiting_tickets SET status = 'expired' WHERE room_id = ? "
      + "AND status = 'waiting' AND last_seen_ms < ?"),
    head: db.prepare("SELECT * FROM waiting_tickets WHERE room_id = ? AND status = 'waiting' "
      + 'AND line_key IS NOT NULL ORDER BY line_key LIMIT ?'),
    admitTicket: db.prepare("UPDATE waiting_tickets SET status = 'admitted', pass_id = ?, "
      + "admitted_at_ms = ? WHERE ticket_id = ? AND status = 'waiting'"),
    insertPass: db.prepare(insertSql('waiting_passes', PASS_COLUMNS)),
    active: db.prepare(ACTIVE_PASSES_SQL),
    touch: db.prepare('UPDATE waiting_tickets SET last_seen_ms = max(last_seen_ms, ?) '
      + "WHERE ticket_id = ? AND status IN ('waiting', 'held')"),
    hold: db.prepare("UPDATE waiting_tickets SET status = 'held' WHERE ticket_id = ? "
      + "AND status = 'waiting'"),
    unhold: db.prepare("UPDATE waiting_tickets SET status = 'waiting' WHERE ticket_id = ? "
      + "AND status = 'held'"),
    revoke: db.prepare(`UPDATE waiting_passes SET status = 'revoked' WHERE pass_id = ? AND ${
      REVOCABLE_SQL}`),
    claim: db.prepare("UPDATE waiting_passes SET status = 'spent', spent_by = :by, "
      + 'spent_key = :key, spent_at_ms = :now, claimed_until_ms = :until, bound_to = :by '
      + "WHERE pass_id = :pass AND status = 'active' AND expires_at_ms > :now "
      + 'AND (bound_to IS NULL OR bound_to = :by)'),
    bind: db.prepare('UPDATE waiting_passes SET bound_to = ? WHERE pass_id = ? '
      + "AND bound_to IS NULL AND status = 'active' AND expires_at_ms > ?"),
    spend: db.prepare('UPDATE waiting_passes SET claimed_until_ms = NULL WHERE pass_id = ? '
      + "AND status IN ('spent', 'revoked') AND spent_by = ? AND spent_key = ?"),
    pass: db.prepare('SELECT * FROM waiting_passes WHERE pass_id = ?'),
    // Only a claim under way (claimed_until_ms set) goes back: a spent pass never does, and
    // one revoked while claimed goes back revoked.
    release: db.prepare(`UPDATE waiting_passes SET status = ${RELEASED_STATUS_SQL}, `
      + 'spent_by = NULL, spent_key = NULL, spent_at_ms = NULL, claimed_until_ms = NULL '
      + "WHERE pass_id = ? AND status IN ('spent', 'revoked') AND spent_by = ? "
      + 'AND spent_key = ? AND claimed_until_ms IS NOT NULL'),
  };
}
type Writes = ReturnType<typeof prepareWrites>;

class WaitingRoomsSqliteTx implements WaitingRoomsTx {
  constructor(private readonly s: Writes) {}

  async putRoom(room: Room): Promise<void> {
    this.s.putRoom.run(roomToValues(room));
  }

  async lockRoomForAdmission(roomId: string): Promise<Room | null> {
    const r = this.s.room.get(roomId) as Row | undefined;
    return r ? rowToRoom(r) : null;
  }

  async roomOfTarget(scope: RoomScope, targetId: string): Promise<Room | null> {
    const r = this.s.roomOfTarget.get(scope, targetId) as Row | undefined;
    return r ? rowToRoom(r) : null;
  }

  // The transaction excludes every other writer: the room as committed, never busy.
  async lockRoomTerms(roomId: string): Promise<Room | null> {
    const r = this.s.room.get(roomId) as Row | undefined;
    return r ? rowToRoom(r) : null;
  }

  // As lockRoomTerms: the transaction excludes every other writer.
  async lockRoomSettings(roomId: string): Promise<Room | null> {
    return this.lockRoomTerms(roomId);
  }

  async setRoomState(roomId: string, st: RoomState): Promise<void> {
    this.s.setState.run(st.tokens, st.filledAtMs, st.admittedTotal, st.shuffledAtMs, roomId);
  }

  async insertTicket(ticket: Ticket): Promise<boolean> {
    return this.s.insertTicket.run(ticketToValues(ticket)).changes === 1;
  }

  // One writer at a time (BEGIN IMMEDIATE): the room read here and the counts are exact
  // without a lock, never busy.
  async joinTicket(ticket: Ticket, limits: JoinLimits, terms: JoinTerms): Promise<JoinOutcome> {
    const room = this.s.room.get(ticket.roomId) as Row | undefined;
    if (!room || !holdsJoinTerms(rowToRoom(room), terms)) return 'room_changed';
    if (ticket.accountId !== null) {
      const r = this.s.ofAccount.get(ticket.roomId, ticket.accountId, ticket.joinedAtMs) as
        Row | undefined;
      if (r) return { existing: rowToTicket(r) };
    }
    if (ticket.address !== '') {
      const count = (stmt: typeof this.s.fromAddress, v: string) =>
        Number((stmt.get(ticket.roomId, v) as Row).n);
      if (limits.perAddressMax !== null
        && count(this.s.fromAddress, ticket.address) >= limits.perAddressMax) return 'too_many';
      if (limits.perNetworkMax !== null && count(this.s.fromNetwork, networkOf(ticket.address))
        >= limits.perNetworkMax) return 'too_many_network';
    }
    return (await this.insertTicket(ticket)) ? 'inserted' : 'key_taken';
  }

  async unkeyedTicketIds(roomId: string): Promise<string[]> {
    return (this.s.unkeyed.all(roomId) as Row[]).map((r) => String(r.ticket_id));
  }

  async roomJoined(roomId: string): Promise<boolean> {
    return Number((this.s.joined.get(roomId) as Row).j) === 1;
  }

  async setTicketKeys(roomId: string, ids: readonly string[], keys: readonly number[]):
    Promise<void> {
    ids.forEach((id, i) => this.s.setKey.run(keys[i], roomId, id));
  }

  async expireTickets(roomId: string, seenBeforeMs: number): Promise<number> {
    return this.s.expire.run(roomId, seenBeforeMs).changes;
  }

  async headOfLine(roomId: string, limit: number): Promise<Ticket[]> {
    return (this.s.head.all(roomId, limit) as Row[]).map(rowToTicket);
  }

  async admit(passes: readonly Pass[], atMs: number): Promise<void> {
    for (const p of passes) {
      this.s.admitTicket.run(p.passId, atMs, p.ticketId);
      this.s.insertPass.run(passToValues(p));
    }
  }

  async activePassCount(roomId: string, nowMs: number): Promise<number> {
    return Number((this.s.active.get(roomId, nowMs) as Row).n);
  }

  async touchTickets(ids: readonly string[], atMs: number): Promise<void> {
    for (const id of ids) this.s.touch.run(atMs, id);
  }

  async holdTicket(ticketId: string, held: boolean): Promise<boolean> {
    return (held ? this.s.hold : this.s.unhold).run(ticketId).changes === 1;
  }

  async revokePass(passId: string): Promise<boolean> {
    return this.s.revoke.run(passId).changes === 1;
  }

  async claimPass(passId: string, by: string, key: string, nowMs: number,
    claimedUntilMs: number): Promise<PassClaim> {
    if (this.s.claim.run({ by, key, now: nowMs, until: claimedUntilMs, pass: passId })
      .changes === 1) {
      return 'claimed';
    }
    const r = this.s.pass.get(passId) as Row | undefined;
    return claimOutcome(r ? rowToPass(r) : null, by, key, nowMs);
  }

  async spendPass(passId: string, by: string, key: string): Promise<boolean> {
    return this.s.spend.run(passId, by, key).changes === 1;
  }

  async releasePass(passId: string, by: string, key: string): Promise<boolean> {
    return this.s.release.run(passId, by, key).changes === 1;
  }

  async bindPass(passId: string, by: string, nowMs: number): Promise<PassClaim> {
    this.s.bind.run(by, passId, nowMs);
    const r = this.s.pass.get(passId) as Row | undefined;
    return bindOutcome(r ? rowToPass(r) : null, by, nowMs);
  }
}

function prepareReads(db: Db) {
  return {
    room: db.prepare('SELECT * FROM waiting_rooms WHERE room_id = ?'),
    rooms: db.prepare('SELECT * FROM waiting_rooms ORDER BY opens_at_ms, room_id LIMIT ?'),
    ticket: db.prepare('SELECT * FROM waiting_tickets WHERE ticket_id = ?'),
    line: db.prepare("SELECT status, line_key FROM waiting_tickets WHERE room_id = ? "
      + "AND status IN ('waiting', 'held') AND line_key IS NOT NULL ORDER BY line_key").raw(),
    tickets: db.prepare("SELECT status, (line_key IS NULL) AS unkeyed, count(*) AS n "
      + 'FROM waiting_tickets WHERE room_id = ? GROUP BY status, unkeyed'),
    passes: db.prepare("SELECT status, (status = 'active' AND expires_at_ms > ?) AS live, "
      + 'count(*) AS n FROM waiting_passes WHERE room_id = ? GROUP BY status, live'),
    pass: db.prepare('SELECT * FROM waiting_passes WHERE pass_id = ?'),
    waiting: db.prepare("SELECT count(*) AS n FROM waiting_tickets WHERE room_id = ? "
      + "AND status = 'waiting'"),
    active: db.prepare(ACTIVE_PASSES_SQL),
    passesOf: db.prepare('SELECT * FROM waiting_passes WHERE room_id = ? '
      + 'ORDER BY issued_at_ms DESC, pass_id DESC LIMIT ?'),
    ticketsOf: db.prepare('SELECT * FROM waiting_tickets WHERE room_id = ? '
      + 'ORDER BY line_key IS NULL, line_key, ticket_id LIMIT ?'),
    // The prefix is digits and dots (NETWORK_PATTERN): nothing in it is a LIKE wildcard.
    findTickets: db.prepare('SELECT * FROM waiting_tickets WHERE room_id = :room '
      + "AND (status = :status OR (:status IS NULL AND status IN ('waiting', 'held'))) "
      + 'AND ((:address IS NULL AND :prefix IS NULL) OR address = :address '
      + "OR address LIKE :prefix || '%') "
      + 'ORDER BY line_key IS NULL, line_key, ticket_id LIMIT :limit OFFSET :offset'),
  };
}

class WaitingRoomsSqliteReads implements WaitingRoomsReads {
  readonly #r: ReturnType<typeof prepareReads>;

  constructor(db: Db) {
    this.#r = prepareReads(db);
  }

  async room(roomId: string): Promise<Room | null> {
    const r = this.#r.room.get(roomId) as Row | undefined;
    return r ? rowToRoom(r) : null;
  }

  async rooms(limit: number): Promise<Room[]> {
    return (this.#r.rooms.all(limit) as Row[]).map(rowToRoom);
  }

  async ticket(ticketId: string): Promise<Ticket | null> {
    const r = this.#r.ticket.get(ticketId) as Row | undefined;
    return r ? rowToTicket(r) : null;
  }

  async lineKeys(roomId: string) {
    return splitLine(this.#r.line.all(roomId) as Array<[unknown, unknown]>);
  }

  async lineCounts(roomId: string, nowMs: number) {
    return { waiting: Number((this.#r.waiting.get(roomId) as Row).n),
      activePasses: Number((this.#r.active.get(roomId, nowMs) as Row).n) };
  }

  async roomCounts(roomId: string, nowMs: number): Promise<RoomCounts> {
    return countsFrom(this.#r.tickets.all(roomId) as Row[],
      this.#r.passes.all(nowMs, roomId) as Row[]);
  }

  async pass(passId: string): Promise<Pass | null> {
    const r = this.#r.pass.get(passId) as Row | undefined;
    return r ? rowToPass(r) : null;
  }

  async passesOf(roomId: string, limit: number): Promise<Pass[]> {
    return (this.#r.passesOf.all(roomId, limit) as Row[]).map(rowToPass);
  }

  async findTickets(roomId: string, status: TicketStatus | null, network: NetworkMatch | null,
    limit: number, offset: number): Promise<Ticket[]> {
    return (this.#r.findTickets.all({ room: roomId, status, address: network?.address ?? null,
      prefix: network?.prefix ?? null, limit, offset }) as Row[]).map(rowToTicket);
  }

  async ticketsOf(roomId: string, limit: number): Promise<Ticket[]> {
    return (this.#r.ticketsOf.all(roomId, limit) as Row[]).map(rowToTicket);
  }
}

/** waiting-rooms' part of the SQLite store: its statements, prepared once per connection. */
export const waitingRoomsSqlite: SqlitePart<WaitingRoomsTx, WaitingRoomsReads> = {
  name: 'waiting-rooms',
  writes: (db) => new WaitingRoomsSqliteTx(prepareWrites(db)),
  reads: (db) => new WaitingRoomsSqliteReads(db),
};
