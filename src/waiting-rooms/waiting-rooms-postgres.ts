// Waiting rooms' SQL on the shared store (waiting-rooms-store.ts is the port it implements).
// Several API processes share the line: one admitter at a time per room, by an advisory lock
// taken without waiting (the other processes skip that round), then the room's row locked for
// the round; passes are spent by one conditional UPDATE, so two processes cannot both spend one.
import type pg from 'pg';
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import {
  bindOutcome, claimOutcome, countsFrom, PASS_COLUMNS, passToValues, RELEASED_STATUS_SQL,
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

const params = (n: number): string => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
const ROOM_SQL = `INSERT INTO waiting_rooms (${ROOM_COLUMNS.join(', ')}) VALUES (${
  params(ROOM_COLUMNS.length)}) ON CONFLICT (room_id) DO UPDATE SET ${ROOM_SETTINGS_COLUMNS
  .map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
/**
 * A room's settings rewritten where its row already stands for the same launch or drop: the
 * columns of a unique key (room_id; scope and target_id) are left out of the SET, so that the
 * row is locked FOR NO KEY UPDATE, which the joins' FOR KEY SHARE does not conflict with. The
 * upsert (ROOM_SQL) sets scope and target_id, which locks the row FOR UPDATE and waits for every
 * join under way: a Suspend would wait for a crowd (the attacker's finding).
 */
const SETTINGS_COLUMNS_NOT_KEYS = ROOM_SETTINGS_COLUMNS.filter((c) => c !== 'scope'
  && c !== 'target_id');
const ROOM_SETTINGS_SQL = `UPDATE waiting_rooms SET ${SETTINGS_COLUMNS_NOT_KEYS
  .map((c, i) => `${c} = $${i + 4}`).join(', ')} WHERE room_id = $1 AND scope = $2 `
  + 'AND target_id = $3';
const TICKET_SQL = `INSERT INTO waiting_tickets (${TICKET_COLUMNS.join(', ')}) VALUES (${
  params(TICKET_COLUMNS.length)}) ON CONFLICT DO NOTHING`;
const PASS_SQL = `INSERT INTO waiting_passes (${PASS_COLUMNS.join(', ')}) SELECT * FROM unnest(`
  + '$1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], '
  + '$8::text[], $9::bigint[], $10::bigint[], $11::text[])';

/** An account's live place in a room (waiting-rooms-sqlite.ts says which count). */
const LIVE_PLACE_OF_ACCOUNT_SQL = 'SELECT t.* FROM waiting_tickets t WHERE t.room_id = $1 '
  + "AND t.account_id = $2 AND (t.status IN ('waiting', 'held') OR (t.status = 'admitted' "
  + 'AND EXISTS (SELECT 1 FROM waiting_passes p WHERE p.pass_id = t.pass_id '
  + "AND p.status = 'active' AND p.expires_at_ms > $3))) ORDER BY t.joined_at_ms DESC LIMIT 1";

/** Passes counted against a room's cap: the admitter's count and the line copy's, one rule. */
async function activePasses(q: Queryable, roomId: string, nowMs: number): Promise<number> {
  const [r] = await rows(q, "SELECT count(*)::bigint AS n FROM waiting_passes WHERE "
    + "room_id = $1 AND status = 'active' AND expires_at_ms > $2", [roomId, nowMs]);
  return Number(r!.n);
}

class WaitingRoomsPostgresTx implements WaitingRoomsTx {
  /**
   * Rooms whose row this transaction holds FOR KEY SHARE (a join's), as read then: nobody can
   * change their settings before it commits, so the batch's later joins of the room compare
   * with this copy instead of asking again (a round trip and a row lock each: with one per
   * join, joins/s on the waiting-room benchmark fell by about 40%, on a loaded machine).
   */
  readonly #shared = new Map<string, Room>();

  constructor(private readonly c: pg.PoolClient) {}

  async putRoom(room: Room): Promise<void> {
    this.#shared.delete(room.roomId);
    const all = roomToValues(room);
    const at = (c: string): unknown => all[(ROOM_COLUMNS as readonly string[]).indexOf(c)];
    const updated = await this.c.query(ROOM_SETTINGS_SQL, [room.roomId, room.scope,
      room.targetId, ...SETTINGS_COLUMNS_NOT_KEYS.map(at)]);
    if ((updated.rowCount ?? 0) === 0) await this.c.query(ROOM_SQL, all);
  }

  async lockRoomForAdmission(roomId: string): Promise<Room | null> {
    const [got] = await rows(this.c, 'SELECT pg_try_advisory_xact_lock('
      + "hashtext('waiting_room:' || $1)) AS ok", [roomId]);
    if (got?.ok !== true) return null;
    // FOR NO KEY UPDATE: rounds exclude each other and a change of the settings (FOR UPDATE),
    // not the joins (FOR KEY SHARE), which a round at the opening would otherwise hold back.
    const [r] = await rows(this.c, 'SELECT * FROM waiting_rooms WHERE room_id = $1 '
      + 'FOR NO KEY UPDATE', [roomId]);
    return r ? rowToRoom(r) : null;
  }

  // A change of the settings takes the room's row without waiting (SKIP LOCKED, then a plain
  // read says whether it was there): it holds its target's row, and a group-commit batch
  // holding a join's share of the room may be waiting for that row; waiting here would be a
  // deadlock. `busy` sends the caller back to ask again.
  async roomOfTarget(scope: RoomScope, targetId: string): Promise<Room | null | 'busy'> {
    return this.#lockRoomRow('scope = $1 AND target_id = $2', [scope, targetId], 'UPDATE');
  }

  async lockRoomTerms(roomId: string): Promise<Room | null | 'busy'> {
    return this.#lockRoomRow('room_id = $1', [roomId], 'UPDATE');
  }

  async lockRoomSettings(roomId: string): Promise<Room | null | 'busy'> {
    return this.#lockRoomRow('room_id = $1', [roomId], 'NO KEY UPDATE');
  }

  /** The room `where` names, locked FOR `mode` without waiting; `busy` when it is held. */
  async #lockRoomRow(where: string, args: unknown[], mode: 'UPDATE' | 'NO KEY UPDATE'):
    Promise<Room | null | 'busy'> {
    const [r] = await rows(this.c, `SELECT * FROM waiting_rooms WHERE ${where} FOR ${mode} `
      + 'SKIP LOCKED', args);
    if (r) return rowToRoom(r);
    const [there] = await rows(this.c, `SELECT 1 FROM waiting_rooms WHERE ${where}`, args);
    return there ? 'busy' : null;
  }

  async setRoomState(roomId: string, st: RoomState): Promise<void> {
    await this.c.query('UPDATE waiting_rooms SET tokens = $1, filled_at_ms = $2, '
      + 'admitted_total = $3, shuffled_at_ms = $4 WHERE room_id = $5',
    [st.tokens, st.filledAtMs, st.admittedTotal, st.shuffledAtMs, roomId]);
  }

  async insertTicket(ticket: Ticket): Promise<boolean> {
    return ((await this.c.query(TICKET_SQL, ticketToValues(ticket))).rowCount ?? 0) === 1;
  }

  // The lookup, the counts and the insert under one lock per room and account and one per room
  // and network (which holds the address's too), held to the commit, so that a join in
  // another process counts this one. Taken without waiting: a group-commit batch holds the
  // locks of all its joins, and two processes' batches waiting on each other's would
  // deadlock; `busy` sends the join back to be asked again instead.
  // The room's row first, shared with the other joins and the admitter (FOR KEY SHARE), never
  // waited for (SKIP LOCKED): a change of its settings holds it (FOR UPDATE) and may be
  // waiting for the batch this join is in.
  async joinTicket(ticket: Ticket, limits: JoinLimits, terms: JoinTerms): Promise<JoinOutcome> {
    let room = this.#shared.get(ticket.roomId);
    if (!room) {
      const [r] = await rows(this.c, 'SELECT * FROM waiting_rooms WHERE room_id = $1 '
        + 'FOR KEY SHARE SKIP LOCKED', [ticket.roomId]);
      if (!r) {
        const [there] = await rows(this.c, 'SELECT 1 FROM waiting_rooms WHERE room_id = $1',
          [ticket.roomId]);
        return there ? 'busy' : 'room_changed';
      }
      room = rowToRoom(r);
      this.#shared.set(ticket.roomId, room);
    }
    if (!holdsJoinTerms(room, terms)) return 'room_changed';
    const lock = async (kind: string, v: string): Promise<boolean> => (await rows(this.c,
      `SELECT pg_try_advisory_xact_lock(hashtext('${kind}:' || $1 || ' ' || $2)) AS ok`,
      [ticket.roomId, v]))[0]?.ok === true;
    if (ticket.accountId !== null) {
      if (!(await lock('waiting_account', ticket.accountId))) return 'busy';
      const [had] = await rows(this.c, LIVE_PLACE_OF_ACCOUNT_SQL,
        [ticket.roomId, ticket.accountId, ticket.joinedAtMs]);
      if (had) return { existing: rowToTicket(had) };
    }
    const network = networkOf(ticket.address);
    const counted = ticket.address !== ''
      && (limits.perAddressMax !== null || limits.perNetworkMax !== null);
    if (counted && !(await lock('waiting_network', network))) return 'busy';
    const count = async (column: string, v: string): Promise<number> => Number((await rows(
      this.c, `SELECT count(*)::bigint AS n FROM waiting_tickets WHERE room_id = $1 AND ${
        column} = $2 AND status IN ('waiting', 'held')`, [ticket.roomId, v]))[0]!.n);
    if (counted && limits.perAddressMax !== null
      && await count('address', ticket.address) >= limits.perAddressMax) return 'too_many';
    if (counted && limits.perNetworkMax !== null
      && await count('network', network) >= limits.perNetworkMax) return 'too_many_network';
    return (await this.insertTicket(ticket)) ? 'inserted' : 'key_taken';
  }

  async unkeyedTicketIds(roomId: string): Promise<string[]> {
    return (await rows(this.c, "SELECT ticket_id FROM waiting_tickets WHERE room_id = $1 "
      + "AND status IN ('waiting', 'held') AND line_key IS NULL ORDER BY joined_at_ms, "
      + 'ticket_id COLLATE "C"', [roomId])).map((r) => String(r.ticket_id));
  }

  async roomJoined(roomId: string): Promise<boolean> {
    const [r] = await rows(this.c, 'SELECT EXISTS (SELECT 1 FROM waiting_tickets WHERE '
      + 'room_id = $1) AS j', [roomId]);
    return r?.j === true;
  }

  async setTicketKeys(roomId: string, ids: readonly string[], keys: readonly number[]):
    Promise<void> {
    if (ids.length === 0) return;
    await this.c.query('UPDATE waiting_tickets t SET line_key = x.k FROM unnest($2::text[], '
      + '$3::bigint[]) AS x(id, k) WHERE t.room_id = $1 AND t.ticket_id = x.id',
    [roomId, ids, keys]);
  }

  async expireTickets(roomId: string, seenBeforeMs: number): Promise<number> {
    return (await this.c.query("UPDATE waiting_tickets SET status = 'expired' WHERE "
      + "room_id = $1 AND status = 'waiting' AND last_seen_ms < $2", [roomId, seenBeforeMs]))
      .rowCount ?? 0;
  }

  async headOfLine(roomId: string, limit: number): Promise<Ticket[]> {
    return (await rows(this.c, "SELECT * FROM waiting_tickets WHERE room_id = $1 AND "
      + "status = 'waiting' AND line_key IS NOT NULL ORDER BY line_key LIMIT $2",
    [roomId, limit])).map(rowToTicket);
  }

  async admit(passes: readonly Pass[], atMs: number): Promise<void> {
    if (passes.length === 0) return;
    await this.c.query("UPDATE waiting_tickets t SET status = 'admitted', pass_id = x.p, "
      + 'admitted_at_ms = $3 FROM unnest($1::text[], $2::text[]) AS x(t, p) '
      + "WHERE t.ticket_id = x.t AND t.status = 'waiting'",
    [passes.map((p) => p.ticketId), passes.map((p) => p.passId), atMs]);
    const values = passes.map(passToValues);
    await this.c.query(PASS_SQL, PASS_COLUMNS.map((_, i) => values.map((v) => v[i])));
  }

  async activePassCount(roomId: string, nowMs: number): Promise<number> {
    return activePasses(this.c, roomId, nowMs);
  }

  async touchTickets(ids: readonly string[], atMs: number): Promise<void> {
    if (ids.length === 0) return;
    await this.c.query('UPDATE waiting_tickets SET last_seen_ms = greatest(last_seen_ms, $2) '
      + "WHERE ticket_id = ANY($1::text[]) AND status IN ('waiting', 'held')", [ids, atMs]);
  }

  async holdTicket(ticketId: string, held: boolean): Promise<boolean> {
    const [to, from] = held ? ['held', 'waiting'] : ['waiting', 'held'];
    return ((await this.c.query('UPDATE waiting_tickets SET status = $2 WHERE ticket_id = $1 '
      + 'AND status = $3', [ticketId, to, from])).rowCount ?? 0) === 1;
  }

  async revokePass(passId: string): Promise<boolean> {
    return ((await this.c.query("UPDATE waiting_passes SET status = 'revoked' WHERE "
      + `pass_id = $1 AND ${REVOCABLE_SQL}`, [passId])).rowCount ?? 0) === 1;
  }

  async claimPass(passId: string, by: string, key: string, nowMs: number,
    claimedUntilMs: number): Promise<PassClaim> {
    const done = await this.c.query("UPDATE waiting_passes SET status = 'spent', spent_by = $2, "
      + 'spent_key = $3, spent_at_ms = $4, claimed_until_ms = $5, bound_to = $2 '
      + "WHERE pass_id = $1 AND status = 'active' AND expires_at_ms > $4 "
      + 'AND (bound_to IS NULL OR bound_to = $2)', [passId, by, key, nowMs, claimedUntilMs]);
    if ((done.rowCount ?? 0) === 1) return 'claimed';
    const [r] = await rows(this.c, 'SELECT * FROM waiting_passes WHERE pass_id = $1', [passId]);
    return claimOutcome(r ? rowToPass(r) : null, by, key, nowMs);
  }

  async spendPass(passId: string, by: string, key: string): Promise<boolean> {
    return ((await this.c.query('UPDATE waiting_passes SET claimed_until_ms = NULL WHERE '
      + "pass_id = $1 AND status IN ('spent', 'revoked') AND spent_by = $2 AND spent_key = $3",
    [passId, by, key])).rowCount ?? 0) === 1;
  }

  async releasePass(passId: string, by: string, key: string): Promise<boolean> {
    // Only a claim under way (claimed_until_ms set) goes back: a spent pass never does, and
    // one revoked while claimed goes back revoked.
    return ((await this.c.query(`UPDATE waiting_passes SET status = ${RELEASED_STATUS_SQL}, `
      + 'spent_by = NULL, spent_key = NULL, spent_at_ms = NULL, claimed_until_ms = NULL '
      + "WHERE pass_id = $1 AND status IN ('spent', 'revoked') AND spent_by = $2 "
      + 'AND spent_key = $3 AND claimed_until_ms IS NOT NULL', [passId, by, key]))
      .rowCount ?? 0) === 1;
  }

  // One conditional UPDATE: of two accounts binding at once, the second waits for the first's
  // row lock, then finds bound_to set and changes nothing.
  async bindPass(passId: string, by: string, nowMs: number): Promise<PassClaim> {
    await this.c.query('UPDATE waiting_passes SET bound_to = $2 WHERE pass_id = $1 '
      + "AND bound_to IS NULL AND status = 'active' AND expires_at_ms > $3", [passId, by, nowMs]);
    const [r] = await rows(this.c, 'SELECT * FROM waiting_passes WHERE pass_id = $1', [passId]);
    return bindOutcome(r ? rowToPass(r) : null, by, nowMs);
  }
}

class WaitingRoomsPostgresReads implements WaitingRoomsReads {
  constructor(private readonly pool: Queryable) {}

  async room(roomId: string): Promise<Room | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM waiting_rooms WHERE room_id = $1', [roomId]);
    return r ? rowToRoom(r) : null;
  }

  async rooms(limit: number): Promise<Room[]> {
    return (await rows(this.pool, 'SELECT * FROM waiting_rooms ORDER BY opens_at_ms, '
      + 'room_id LIMIT $1', [limit])).map(rowToRoom);
  }

  async ticket(ticketId: string): Promise<Ticket | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM waiting_tickets WHERE ticket_id = $1',
      [ticketId]);
    return r ? rowToTicket(r) : null;
  }

  async lineKeys(roomId: string) {
    // Rows as arrays: 100,000 objects with named fields cost twice the memory and time.
    const r = await this.pool.query({ text: "SELECT status, line_key FROM waiting_tickets "
      + "WHERE room_id = $1 AND status IN ('waiting', 'held') AND line_key IS NOT NULL "
      + 'ORDER BY line_key', values: [roomId], rowMode: 'array' });
    return splitLine(r.rows as Array<[unknown, unknown]>);
  }

  async lineCounts(roomId: string, nowMs: number) {
    const [r] = await rows(this.pool, 'SELECT count(*)::bigint AS n FROM waiting_tickets '
      + "WHERE room_id = $1 AND status = 'waiting'", [roomId]);
    return { waiting: Number(r!.n), activePasses: await activePasses(this.pool, roomId, nowMs) };
  }

  async roomCounts(roomId: string, nowMs: number): Promise<RoomCounts> {
    const tickets = await rows(this.pool, 'SELECT status, (line_key IS NULL) AS unkeyed, '
      + 'count(*)::bigint AS n FROM waiting_tickets WHERE room_id = $1 GROUP BY 1, 2', [roomId]);
    const passes = await rows(this.pool, "SELECT status, (status = 'active' AND "
      + 'expires_at_ms > $2) AS live, count(*)::bigint AS n FROM waiting_passes '
      + 'WHERE room_id = $1 GROUP BY 1, 2', [roomId, nowMs]);
    return countsFrom(tickets, passes);
  }

  async pass(passId: string): Promise<Pass | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM waiting_passes WHERE pass_id = $1',
      [passId]);
    return r ? rowToPass(r) : null;
  }

  async passesOf(roomId: string, limit: number): Promise<Pass[]> {
    return (await rows(this.pool, 'SELECT * FROM waiting_passes WHERE room_id = $1 '
      + 'ORDER BY issued_at_ms DESC, pass_id DESC LIMIT $2', [roomId, limit])).map(rowToPass);
  }

  async findTickets(roomId: string, status: TicketStatus | null, network: NetworkMatch | null,
    limit: number, offset: number): Promise<Ticket[]> {
    // The prefix is digits and dots (NETWORK_PATTERN): nothing in it is a LIKE wildcard.
    return (await rows(this.pool, 'SELECT * FROM waiting_tickets WHERE room_id = $1 '
      + "AND (status = $2::text OR ($2::text IS NULL AND status IN ('waiting', 'held'))) "
      + 'AND (($3::text IS NULL AND $4::text IS NULL) OR address = $3::text '
      + "OR address LIKE $4::text || '%') "
      + 'ORDER BY line_key NULLS LAST, ticket_id LIMIT $5 OFFSET $6', [roomId, status,
      network?.address ?? null, network?.prefix ?? null, limit, offset])).map(rowToTicket);
  }

  async ticketsOf(roomId: string, limit: number): Promise<Ticket[]> {
    return (await rows(this.pool, 'SELECT * FROM waiting_tickets WHERE room_id = $1 '
      + 'ORDER BY line_key NULLS LAST, ticket_id LIMIT $2', [roomId, limit])).map(rowToTicket);
  }
}

/** waiting-rooms' part of the PostgreSQL store. */
export const waitingRoomsPostgres: PostgresPart<WaitingRoomsPostgresTx, WaitingRoomsReads> = {
  name: 'waiting-rooms',
  writes: (c) => new WaitingRoomsPostgresTx(c),
  reads: (pool) => new WaitingRoomsPostgresReads(pool),
};
