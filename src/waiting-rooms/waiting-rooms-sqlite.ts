// Waiting rooms' SQL on the embedded store (waiting-rooms-store.ts is the port it implements).
// One process owns the file and BEGIN IMMEDIATE excludes every other writer, so the admitter's
// lock is the transaction itself.
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import {
  claimOutcome, countsFrom, passToValues, PASS_COLUMNS, ROOM_COLUMNS, ROOM_SETTINGS_COLUMNS,
  roomToValues, rowToPass, rowToRoom, rowToTicket, splitLine, TICKET_COLUMNS, ticketToValues,
} from './room-rows.js';
import type { NetworkMatch, Pass, Room, RoomScope, Ticket, TicketStatus } from './waiting-room.js';
import type {
  JoinOutcome, PassClaim, RoomCounts, RoomState, WaitingRoomsReads, WaitingRoomsTx,
} from './waiting-rooms-store.js';

type Row = Record<string, unknown>;
const insertSql = (table: string, cols: readonly string[]): string =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;

/** Passes counted against a room's cap: the admitter's count and the line copy's, one rule. */
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
    unkeyed: db.prepare("SELECT ticket_id FROM waiting_tickets WHERE room_id = ? "
      + "AND status = 'waiting' AND line_key IS NULL ORDER BY ticket_id"),
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
    revoke: db.prepare("UPDATE waiting_passes SET status = 'revoked' WHERE pass_id = ? "
      + "AND status = 'active'"),
    claim: db.prepare("UPDATE waiting_passes SET status = 'spent', spent_by = ?, spent_key = ?, "
      + "spent_at_ms = ?, claimed_until_ms = ? WHERE pass_id = ? AND status = 'active' "
      + 'AND expires_at_ms > ?'),
    spend: db.prepare('UPDATE waiting_passes SET claimed_until_ms = NULL WHERE pass_id = ? '
      + "AND status = 'spent' AND spent_by = ? AND spent_key = ?"),
    pass: db.prepare('SELECT * FROM waiting_passes WHERE pass_id = ?'),
    // Only a claim under way (claimed_until_ms set) goes back: a spent pass never does.
    release: db.prepare("UPDATE waiting_passes SET status = 'active', spent_by = NULL, "
      + 'spent_key = NULL, spent_at_ms = NULL, claimed_until_ms = NULL WHERE pass_id = ? '
      + "AND status = 'spent' AND spent_by = ? AND spent_key = ? "
      + 'AND claimed_until_ms IS NOT NULL'),
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

  async setRoomState(roomId: string, st: RoomState): Promise<void> {
    this.s.setState.run(st.tokens, st.filledAtMs, st.admittedTotal, st.shuffledAtMs, roomId);
  }

  async insertTicket(ticket: Ticket): Promise<boolean> {
    return this.s.insertTicket.run(ticketToValues(ticket)).changes === 1;
  }

  // One writer at a time (BEGIN IMMEDIATE): the count is exact without a lock, never busy.
  async joinTicket(ticket: Ticket, perAddressMax: number | null): Promise<JoinOutcome> {
    if (perAddressMax !== null && ticket.address !== '' && Number((this.s.fromAddress.get(
      ticket.roomId, ticket.address) as Row).n) >= perAddressMax) return 'too_many';
    return (await this.insertTicket(ticket)) ? 'inserted' : 'key_taken';
  }

  async unkeyedTicketIds(roomId: string): Promise<string[]> {
    return (this.s.unkeyed.all(roomId) as Row[]).map((r) => String(r.ticket_id));
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
    if (this.s.claim.run(by, key, nowMs, claimedUntilMs, passId, nowMs).changes === 1) {
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
      + 'ORDER BY line_key IS NULL, line_key, ticket_id LIMIT :limit'),
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
    limit: number): Promise<Ticket[]> {
    return (this.#r.findTickets.all({ room: roomId, status, address: network?.address ?? null,
      prefix: network?.prefix ?? null, limit }) as Row[]).map(rowToTicket);
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
