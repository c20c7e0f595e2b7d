// Drops' SQL on the shared store (drops-store.ts is the port it implements). Several API
// processes write one database: every write to a drop first locks the drop's row (lockDrops,
// sorted), so the writes of one drop are serialised; the stock moves are conditional UPDATEs,
// and the table's CHECK refuses an oversell even if a caller forgot the lock.
import type pg from 'pg';
import {
  LIMITED, type Drop, type Hold, type Holding, type HoldStatus, type VariantStock,
  type WaitlistEntry, type EntryStatus,
} from './drop.js';
import {
  DROP_COLUMNS, dropToValues, ENTRY_COLUMNS, entryToValues, HOLD_COLUMNS, holdToValues, rowToDrop,
  rowToEntry, rowToHold, rowToStock,
} from './drop-rows.js';
import {
  rows, sendStatements, type CommitStatement, type PostgresPart, type Queryable,
} from '../kernel/store/postgres-store.js';
import {
  revokeOfEntry, type CommitWrite, type DropsReads, type DropsTx, type HoldRevoke,
  type SettledHoldRow, type SettleHoldRequest, type StockMove,
  type TakeHoldRequest, type TakenHoldRow, type UnderLockQuery, type UnderLockRead,
} from './drops-store.js';

/** drop.ts LIMITED as an SQL list: the statuses whose units count against the limits. */
const LIMITED_SQL = [...LIMITED].map((s) => `'${s}'`).join(', ');
const params = (n: number): string => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
const HOLD_TYPES: Record<(typeof HOLD_COLUMNS)[number], string> = {
  hold_id: 'text', drop_id: 'text', variant: 'text', account_id: 'text', identity_key: 'text',
  quantity: 'integer', amount_fen: 'bigint', status: 'text', source: 'text',
  payment_reference: 'text', created_at_ms: 'bigint', expires_at_ms: 'bigint',
  settled_at_ms: 'bigint', idempotency_key: 'text', request_hash: 'text', entry_id: 'text',
};
const HOLD_INSERT = `INSERT INTO drop_holds (${HOLD_COLUMNS.join(', ')}) SELECT * FROM unnest(${
  HOLD_COLUMNS.map((c, i) => `$${i + 1}::${HOLD_TYPES[c]}[]`).join(', ')})`;

/**
 * readUnderLock's one statement: a drop's stock, its holds past due, the holds of the batch's
 * keys and the units its buyers hold, each as JSON. It runs after lockDrops, in a statement of
 * its own: a statement sees what was committed when it began, and one that began before the
 * lock was granted would miss what the other process committed while this one waited for it.
 */
const UNDER_LOCK_READ = `SELECT
  (SELECT coalesce(json_agg(v ORDER BY v.drop_id, v.variant), '[]') FROM drop_variants v
    WHERE v.drop_id = ANY($1::text[])) AS stock,
  (SELECT coalesce(json_agg(h ORDER BY h.expires_at_ms, h.hold_id), '[]') FROM (SELECT * FROM
    drop_holds WHERE status = 'held' AND expires_at_ms <= $2 AND drop_id = ANY($1::text[])
    ORDER BY expires_at_ms, hold_id LIMIT $3) h) AS due,
  (SELECT coalesce(json_agg(h), '[]') FROM drop_holds h WHERE (h.account_id, h.idempotency_key)
    IN (SELECT * FROM unnest($4::text[], $5::text[]))) AS known,
  (SELECT coalesce(json_agg(json_build_array(u.drop_id, u.account_id, u.n)), '[]') FROM (
    SELECT h.drop_id, h.account_id, sum(h.quantity)::bigint AS n FROM drop_holds h
    JOIN (SELECT DISTINCT * FROM unnest($6::text[], $7::text[])) q(d, a)
      ON h.drop_id = q.d AND h.account_id = q.a
    WHERE h.status IN (${LIMITED_SQL}) GROUP BY h.drop_id, h.account_id) u) AS accounts,
  (SELECT coalesce(json_agg(json_build_array(u.drop_id, u.identity_key, u.n)), '[]') FROM (
    SELECT h.drop_id, h.identity_key, sum(h.quantity)::bigint AS n FROM drop_holds h
    JOIN (SELECT DISTINCT * FROM unnest($8::text[], $9::text[])) q(d, k)
      ON h.drop_id = q.d AND h.identity_key = q.k
    WHERE h.status IN (${LIMITED_SQL}) GROUP BY h.drop_id, h.identity_key) u) AS identities,
  (SELECT coalesce(json_agg(h), '[]') FROM drop_holds h WHERE h.hold_id = ANY($10::text[]))
    AS holds`;

/** lockDrops' statement; lockAndRead sends it with UNDER_LOCK_READ. */
const LOCK_DROPS = 'SELECT * FROM drops WHERE drop_id = ANY($1::text[]) ORDER BY drop_id '
  + 'FOR UPDATE';

/**
 * insertHoldsAndMove's one statement: the holds (HOLD_INSERT's columns, $1-$16) and the stock
 * moves ($17-$21), each move conditional as moveStock's. Both parts of a statement always run.
 */
const INSERT_AND_MOVE = `WITH inserted AS (${HOLD_INSERT} RETURNING 1),
  moved AS (UPDATE drop_variants v SET available = v.available + m.a, held = v.held + m.h,
    sold = v.sold + m.s FROM unnest($17::text[], $18::text[], $19::bigint[], $20::bigint[],
    $21::bigint[]) AS m(d, var, a, h, s)
    WHERE v.drop_id = m.d AND v.variant = m.var AND v.available + m.a >= 0
    AND v.held + m.h >= 0 AND v.sold + m.s >= 0 RETURNING 1)
  SELECT (SELECT count(*) FROM moved)::integer AS moved,
    (SELECT count(*) FROM inserted)::integer AS inserted`;

/**
 * writeAtCommit's one statement: INSERT_AND_MOVE's holds ($1-$16) and moves ($17-$21), and the
 * holds to mark paid ($22, at $23), each paid only if still held. It fails (an integer cast of
 * a sentence) unless all $24 moves and all $25 payments applied: a statement sent with the
 * COMMIT cannot be asserted on before it, so it asserts itself, and the COMMIT after it is then
 * not run. The CASE's refusal is not a constant, so the planner does not evaluate it ahead.
 * WRITE_AT_COMMIT_CLOSING also closes the waiting entries of the variants $26/$27 (drop,
 * variant) the batch sold for good (a data-modifying WITH runs whether or not the query reads
 * it); the other settle batches send no UPDATE of the waitlist.
 */
const WRITE_AT_COMMIT_SQL = `WITH inserted AS (${HOLD_INSERT} RETURNING 1),
  moved AS (UPDATE drop_variants v SET available = v.available + m.a, held = v.held + m.h,
    sold = v.sold + m.s FROM unnest($17::text[], $18::text[], $19::bigint[], $20::bigint[],
    $21::bigint[]) AS m(d, var, a, h, s)
    WHERE v.drop_id = m.d AND v.variant = m.var AND v.available + m.a >= 0
    AND v.held + m.h >= 0 AND v.sold + m.s >= 0 RETURNING 1),
  paid AS (UPDATE drop_holds SET status = 'paid', settled_at_ms = $23
    WHERE hold_id = ANY($22::text[]) AND status = 'held' RETURNING 1),
  CLOSE_LINES
  applied AS (SELECT (SELECT count(*) FROM moved) AS moves, (SELECT count(*) FROM paid) AS paid)
  SELECT CASE WHEN moves = $24 AND paid = $25 THEN 0 ELSE ('drop write at commit: ' || moves
    || ' of ' || $24 || ' stock moves and ' || paid || ' of ' || $25 || ' payments applied')
    ::integer END AS refused FROM applied`;
const WRITE_AT_COMMIT = WRITE_AT_COMMIT_SQL.replace('CLOSE_LINES', '');
const WRITE_AT_COMMIT_CLOSING = WRITE_AT_COMMIT_SQL.replace('CLOSE_LINES', `closed AS (
    UPDATE drop_waitlist w SET status = 'closed'
    FROM unnest($26::text[], $27::text[]) AS c(d, var)
    WHERE w.drop_id = c.d AND w.variant = c.var AND w.status = 'waiting' RETURNING 1),`);

/**
 * `sql` with each $n replaced by params[n - 1] as a literal, for the simple protocol (several
 * statements in one round trip take no parameters): text by pg's escapeLiteral, integers as
 * digits, null as NULL, arrays as ARRAY[...] ('{}' when empty; every $n of an array is cast in
 * the SQL). A text with NUL is refused (the simple protocol's message ends at NUL); the callers
 * leave such values out first, as readUnderLock does.
 */
export function inlineParams(sql: string, params: readonly unknown[],
  escape: (text: string) => string): string {
  const literal = (v: unknown): string => {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (typeof v === 'number' && !Number.isSafeInteger(v)) {
        throw new Error(`not an integer to inline: ${v}`);
      }
      return String(v);
    }
    if (typeof v === 'string') {
      if (v.includes('\u0000')) throw new Error('a text with NUL cannot be inlined');
      return escape(v);
    }
    if (Array.isArray(v)) return v.length === 0 ? "'{}'" : `ARRAY[${v.map(literal).join(', ')}]`;
    throw new Error(`cannot inline a ${typeof v}`);
  };
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length) throw new Error(`no parameter $${n}`);
    return literal(params[i]);
  });
}

/** Whether a value has NUL in it: PostgreSQL refuses such a text, and none is stored. */
const hasNul = (...texts: string[]): boolean => texts.some((t) => t.includes('\u0000'));

/** `dropId\u0000id` to units, from readUnderLock's [drop_id, id, n] triples. */
const unitsMap = (triples: Array<[string, string, number]>): Map<string, number> =>
  new Map(triples.map(([d, id, n]) => [`${d}\u0000${id}`, Number(n)]));

class DropsPostgresTx implements DropsTx {
  /**
   * writeAtCommit's and takeHoldsAtCommit's statements, sent with the COMMIT
   * (dropsPostgres.commitWith), or before the next statement of the transaction.
   */
  atCommit: CommitStatement[] = [];

  constructor(private readonly c: pg.PoolClient) {}

  /**
   * The connection, once any write held back for the COMMIT has been sent: a statement after
   * it (another handler's of the same batch) must see it, as it would have been written at once.
   */
  async #conn(): Promise<pg.PoolClient> {
    if (this.atCommit.length > 0) await sendStatements(this.c, this.atCommit.splice(0));
    return this.c;
  }

  async #query(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    return (await this.#conn()).query(sql, params);
  }

  async #rows<R = Record<string, unknown>>(sql: string, params: unknown[]): Promise<R[]> {
    return rows<R>(await this.#conn(), sql, params);
  }

  async lockDrops(dropIds: readonly string[]): Promise<Drop[]> {
    if (dropIds.length === 0) return [];
    return (await this.#rows(LOCK_DROPS, [dropIds])).map(rowToDrop);
  }

  async dropsById(dropIds: readonly string[]): Promise<Drop[]> {
    if (dropIds.length === 0) return [];
    return (await this.#rows('SELECT * FROM drops WHERE drop_id = ANY($1::text[]) '
      + 'ORDER BY drop_id', [dropIds])).map(rowToDrop);
  }

  async putDrop(drop: Drop): Promise<void> {
    await this.#query(`INSERT INTO drops (${DROP_COLUMNS.join(', ')}) VALUES (${
      params(DROP_COLUMNS.length)}) ON CONFLICT (drop_id) DO UPDATE SET ${DROP_COLUMNS.slice(1)
      .map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`, dropToValues(drop));
    await this.#query('DELETE FROM drop_variants WHERE drop_id = $1', [drop.dropId]);
    await this.#query('INSERT INTO drop_variants SELECT $1, v, q, q, 0, 0 '
      + 'FROM unnest($2::text[], $3::bigint[]) AS x(v, q)', [drop.dropId,
      drop.variants.map((v) => v.variant), drop.variants.map((v) => v.quantity)]);
  }

  async dropHasHolds(dropId: string): Promise<boolean> {
    return (await this.#rows('SELECT 1 FROM drop_holds WHERE drop_id = $1 LIMIT 1',
      [dropId])).length > 0;
  }

  async stock(dropIds: readonly string[]): Promise<VariantStock[]> {
    if (dropIds.length === 0) return [];
    return (await this.#rows('SELECT * FROM drop_variants WHERE drop_id = ANY($1::text[]) '
      + 'ORDER BY drop_id, variant', [dropIds])).map(rowToStock);
  }

  async moveStock(m: StockMove): Promise<boolean> {
    const r = await this.#query('UPDATE drop_variants SET available = available + $3, '
      + 'held = held + $4, sold = sold + $5 WHERE drop_id = $1 AND variant = $2 '
      + 'AND available + $3 >= 0 AND held + $4 >= 0 AND sold + $5 >= 0',
    [m.dropId, m.variant, m.available, m.held, m.sold]);
    return r.rowCount === 1;
  }

  async holdsByIdempotency(refs: ReadonlyArray<{ accountId: string; key: string }>):
    Promise<Hold[]> {
    if (refs.length === 0) return [];
    return (await this.#rows('SELECT * FROM drop_holds WHERE (account_id, idempotency_key) '
      + 'IN (SELECT * FROM unnest($1::text[], $2::text[]))',
    [refs.map((r) => r.accountId), refs.map((r) => r.key)])).map(rowToHold);
  }

  async unitsByAccount(dropId: string, accountIds: readonly string[]) {
    return this.#units('account_id', dropId, accountIds);
  }

  async unitsByIdentity(dropId: string, keys: readonly string[]) {
    return this.#units('identity_key', dropId, keys);
  }

  async #units(column: 'account_id' | 'identity_key', dropId: string, ids: readonly string[]):
    Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (ids.length === 0) return out;
    for (const r of await this.#rows<{ id: string; n: number }>(`SELECT ${column} AS id, `
      + 'sum(quantity)::bigint AS n FROM drop_holds WHERE drop_id = $1 '
      + `AND ${column} = ANY($2::text[]) AND status IN (${LIMITED_SQL}) GROUP BY ${column}`,
    [dropId, ids])) out.set(r.id, Number(r.n));
    return out;
  }

  async insertHolds(holds: readonly Hold[]): Promise<void> {
    if (holds.length === 0) return;
    const cols: unknown[][] = HOLD_COLUMNS.map(() => []);
    for (const h of holds) holdToValues(h).forEach((v, i) => cols[i]!.push(v));
    await this.#query(HOLD_INSERT, cols);
  }

  async holds(holdIds: readonly string[]): Promise<Hold[]> {
    if (holdIds.length === 0) return [];
    const found = new Map((await this.#rows('SELECT * FROM drop_holds WHERE '
      + 'hold_id = ANY($1::text[])', [holdIds])).map((r) => [String(r.hold_id), rowToHold(r)]));
    return holdIds.flatMap((id) => found.get(id) ?? []);
  }

  async settleHold(holdId: string, status: Exclude<HoldStatus, 'held'>, atMs: number):
    Promise<boolean> {
    const r = await this.#query("UPDATE drop_holds SET status = $2, settled_at_ms = $3 "
      + "WHERE hold_id = $1 AND status = 'held'", [holdId, status, atMs]);
    return r.rowCount === 1;
  }

  async unsellHold(holdId: string, atMs: number): Promise<boolean> {
    const r = await this.#query("UPDATE drop_holds SET status = 'revoked', settled_at_ms = $2 "
      + "WHERE hold_id = $1 AND status = 'paid'", [holdId, atMs]);
    return r.rowCount === 1;
  }

  async settleHolds(holdIds: readonly string[], status: Exclude<HoldStatus, 'held'>,
    atMs: number): Promise<string[]> {
    if (holdIds.length === 0) return [];
    const settled = new Set((await this.#rows<{ hold_id: string }>('UPDATE drop_holds SET '
      + "status = $2, settled_at_ms = $3 WHERE hold_id = ANY($1::text[]) AND status = 'held' "
      + 'RETURNING hold_id', [holdIds, status, atMs])).map((r) => r.hold_id));
    return holdIds.filter((id) => settled.has(id));
  }

  async dueHolds(dropIds: readonly string[], nowMs: number, limit: number): Promise<Hold[]> {
    if (dropIds.length === 0) return [];
    return (await this.#rows("SELECT * FROM drop_holds WHERE status = 'held' "
      + 'AND expires_at_ms <= $2 AND drop_id = ANY($1::text[]) '
      + 'ORDER BY expires_at_ms, hold_id LIMIT $3', [dropIds, nowMs, limit])).map(rowToHold);
  }

  async dropsWithDueHolds(nowMs: number, limit: number): Promise<string[]> {
    return (await this.#rows<{ drop_id: string }>('SELECT DISTINCT drop_id FROM drop_holds '
      + "WHERE status = 'held' AND expires_at_ms <= $1 ORDER BY drop_id LIMIT $2",
    [nowMs, limit])).map((r) => r.drop_id);
  }

  async waitingEntries(dropId: string, variant: string, limit: number):
    Promise<WaitlistEntry[]> {
    return (await this.#rows('SELECT * FROM drop_waitlist WHERE drop_id = $1 '
      + "AND variant = $2 AND status = 'waiting' ORDER BY seq LIMIT $3",
    [dropId, variant, limit])).map(rowToEntry);
  }

  async waitingCount(dropId: string): Promise<number> {
    const [r] = await this.#rows<{ n: number }>('SELECT count(*)::bigint AS n FROM '
      + "drop_waitlist WHERE drop_id = $1 AND status = 'waiting'", [dropId]);
    return Number(r?.n ?? 0);
  }

  async openEntry(dropId: string, variant: string, accountId: string):
    Promise<WaitlistEntry | null> {
    const [r] = await this.#rows('SELECT * FROM drop_waitlist WHERE drop_id = $1 '
      + "AND variant = $2 AND account_id = $3 AND status IN ('waiting', 'offered')",
    [dropId, variant, accountId]);
    return r ? rowToEntry(r) : null;
  }

  async nextEntrySeq(dropId: string): Promise<number> {
    const [r] = await this.#rows<{ n: number }>('SELECT coalesce(max(seq), 0) + 1 AS n '
      + 'FROM drop_waitlist WHERE drop_id = $1', [dropId]);
    return Number(r?.n ?? 1);
  }

  async insertEntry(entry: WaitlistEntry): Promise<void> {
    await this.#query(`INSERT INTO drop_waitlist (${ENTRY_COLUMNS.join(', ')}) VALUES (${
      params(ENTRY_COLUMNS.length)})`, entryToValues(entry));
  }

  async setEntry(entryId: string, status: EntryStatus, holdId: string | null): Promise<void> {
    await this.#query('UPDATE drop_waitlist SET status = $2, hold_id = $3 WHERE entry_id = $1',
      [entryId, status, holdId]);
  }

  async closeWaiting(dropId: string, variant: string): Promise<number> {
    return (await this.#query("UPDATE drop_waitlist SET status = 'closed' WHERE drop_id = $1 "
      + "AND variant = $2 AND status = 'waiting'", [dropId, variant])).rowCount ?? 0;
  }

  async reopenClosed(dropId: string, variant: string, exceptAccounts: readonly string[]):
    Promise<number> {
    return (await this.#query("UPDATE drop_waitlist SET status = 'waiting' WHERE drop_id = $1 "
      + "AND variant = $2 AND status = 'closed' AND NOT (account_id = ANY($3::text[]))",
    [dropId, variant, [...exceptAccounts]])).rowCount ?? 0;
  }

  async readUnderLock(q: UnderLockQuery): Promise<UnderLockRead> {
    return underLockRead((await this.#query(UNDER_LOCK_READ, underLockParams(q))).rows[0]);
  }

  async lockAndRead(q: UnderLockQuery): Promise<{ drops: Drop[]; read: UnderLockRead }> {
    const dropIds = q.dropIds.filter((d) => !hasNul(d));
    if (dropIds.length === 0) return { drops: [], read: await this.readUnderLock(q) };
    const escape = (t: string) => this.c.escapeLiteral(t);
    // Two statements in one message: the second takes its snapshot once the first has the lock.
    // A write held back by an earlier handler of the batch goes first, in the same message (a
    // batch of holds and payments locks twice): the read after it sees it.
    // The simple protocol (no parameters): one result per statement, the last two ours.
    const [locked, read] = (await sendStatements(this.c, this.atCommit.splice(0), [
      inlineParams(LOCK_DROPS, [dropIds], escape),
      inlineParams(UNDER_LOCK_READ, underLockParams(q), escape)])).slice(-2);
    return { drops: locked!.rows.map(rowToDrop), read: underLockRead(read!.rows[0]) };
  }

  writeAtCommit(w: CommitWrite): void {
    if (w.holds.length === 0 && w.moves.length === 0 && (w.paid?.holdIds.length ?? 0) === 0) {
      return;
    }
    const cols: unknown[][] = HOLD_COLUMNS.map(() => []);
    for (const h of w.holds) holdToValues(h).forEach((v, i) => cols[i]!.push(v));
    const paid = w.paid?.holdIds ?? [];
    const sql = (w.closeLines ?? []).length > 0 ? WRITE_AT_COMMIT_CLOSING : WRITE_AT_COMMIT;
    this.atCommit.push({ text: inlineParams(sql, [...cols, w.moves.map((m) => m.dropId),
      w.moves.map((m) => m.variant), w.moves.map((m) => m.available),
      w.moves.map((m) => m.held), w.moves.map((m) => m.sold), paid, w.paid?.atMs ?? 0,
      w.moves.length, paid.length, (w.closeLines ?? []).map((c) => c.dropId),
      (w.closeLines ?? []).map((c) => c.variant)], (t) => this.c.escapeLiteral(t)) });
  }

  takeHoldsAtCommit(cmds: readonly TakeHoldRequest[], nowMs: number): () => TakenHoldRow[] {
    let taken: TakenHoldRow[] | null = null;
    const json = JSON.stringify(cmds.map((c) => ({ d: c.dropId, v: c.variant, q: c.quantity,
      a: c.accountId, i: c.identityKey, k: c.idempotencyKey, h: c.requestHash, id: c.holdId,
      e: c.expiresAtMs })));
    this.atCommit.push({ text: inlineParams('SELECT * FROM drop_take_holds($1::json, $2) '
      + 'ORDER BY ord', [json, nowMs], (t) => this.c.escapeLiteral(t)),
    onResult: (r) => {
      taken = r.rows.map((x) => ({ verdict: x.verdict as TakenHoldRow['verdict'],
        prior: x.prior === null ? null : rowToHold(x.prior),
        drop: x.drop_row === null ? null : rowToDrop(x.drop_row),
        accountUnits: Number(x.account_units), identityUnits: Number(x.identity_units),
        available: Number(x.available), held: Number(x.held) }));
    } });
    return () => {
      if (taken === null) throw new Error('the holds decided at the COMMIT have no result');
      return taken;
    };
  }

  settleHoldsAtCommit(cmds: readonly SettleHoldRequest[], nowMs: number):
    () => SettledHoldRow[] {
    let settled: SettledHoldRow[] | null = null;
    const json = JSON.stringify(cmds.map((c) => ({ d: c.dropId, h: c.holdId, a: c.accountId,
      o: c.outcome })));
    this.atCommit.push({ text: inlineParams('SELECT * FROM drop_settle_holds($1::json, $2) '
      + 'ORDER BY ord', [json, nowMs], (t) => this.c.escapeLiteral(t)),
    onResult: (r) => {
      settled = r.rows.map((x) => ({ verdict: x.verdict as SettledHoldRow['verdict'],
        hold: x.hold === null ? null : rowToHold(x.hold) }));
    } });
    return () => {
      if (settled === null) throw new Error('the settles decided at the COMMIT have no result');
      return settled;
    };
  }

  async insertHoldsAndMove(holds: readonly Hold[], moves: readonly StockMove[]):
    Promise<number> {
    const cols: unknown[][] = HOLD_COLUMNS.map(() => []);
    for (const h of holds) holdToValues(h).forEach((v, i) => cols[i]!.push(v));
    const r = await this.#query(INSERT_AND_MOVE, [...cols, moves.map((m) => m.dropId),
      moves.map((m) => m.variant), moves.map((m) => m.available), moves.map((m) => m.held),
      moves.map((m) => m.sold)]);
    return Number(r.rows[0].moved);
  }
}

/** readUnderLock's parameters; a key or an id with NUL matches nothing stored, so is left out. */
function underLockParams(q: UnderLockQuery): unknown[] {
  // As rows() in postgres-store.ts: PostgreSQL refuses a text with NUL, and none is stored.
  const refs = q.refs.filter((r) => !hasNul(r.accountId, r.key));
  const accounts = q.accounts.filter((a) => !hasNul(a.dropId, a.id));
  const identities = q.identities.filter((a) => !hasNul(a.dropId, a.id));
  const dropIds = q.dropIds.filter((d) => !hasNul(d));
  const holdIds = (q.holdIds ?? []).filter((h) => !hasNul(h));
  return [dropIds, q.nowMs, q.dueLimit, refs.map((x) => x.accountId), refs.map((x) => x.key),
    accounts.map((a) => a.dropId), accounts.map((a) => a.id), identities.map((a) => a.dropId),
    identities.map((a) => a.id), holdIds];
}

/** UNDER_LOCK_READ's one row, decoded. */
function underLockRead(row: unknown): UnderLockRead {
  const r = row as Record<string, unknown[]>;
  return { stock: r.stock!.map((x) => rowToStock(x as Record<string, unknown>)),
    due: r.due!.map((x) => rowToHold(x as Record<string, unknown>)),
    known: r.known!.map((x) => rowToHold(x as Record<string, unknown>)),
    accountUnits: unitsMap(r.accounts as Array<[string, string, number]>),
    identityUnits: unitsMap(r.identities as Array<[string, string, number]>),
    holds: r.holds!.map((x) => rowToHold(x as Record<string, unknown>)) };
}

class DropsPostgresReads implements DropsReads {
  constructor(private readonly pool: Queryable) {}

  async drop(dropId: string): Promise<Drop | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM drops WHERE drop_id = $1', [dropId]);
    return r ? rowToDrop(r) : null;
  }

  async drops(): Promise<Drop[]> {
    return (await rows(this.pool, 'SELECT * FROM drops ORDER BY opens_at_ms, drop_id'))
      .map(rowToDrop);
  }

  async dropStock(dropId: string): Promise<VariantStock[]> {
    return (await rows(this.pool, 'SELECT * FROM drop_variants WHERE drop_id = $1 '
      + 'ORDER BY variant', [dropId])).map(rowToStock);
  }

  async hasDueHolds(dropId: string, nowMs: number): Promise<boolean> {
    return (await rows(this.pool, "SELECT 1 FROM drop_holds WHERE status = 'held' "
      + 'AND drop_id = $1 AND expires_at_ms <= $2 LIMIT 1', [dropId, nowMs])).length > 0;
  }

  async waitingByVariant(dropId: string): Promise<Map<string, number>> {
    return new Map((await rows(this.pool, 'SELECT variant, count(*)::bigint AS n FROM '
      + "drop_waitlist WHERE drop_id = $1 AND status = 'waiting' GROUP BY variant", [dropId]))
      .map((r) => [String(r.variant), Number(r.n)]));
  }

  async hold(holdId: string): Promise<Hold | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM drop_holds WHERE hold_id = $1', [holdId]);
    return r ? rowToHold(r) : null;
  }

  async holdByIdempotency(accountId: string, key: string): Promise<Hold | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM drop_holds WHERE account_id = $1 '
      + 'AND idempotency_key = $2', [accountId, key]);
    return r ? rowToHold(r) : null;
  }

  async holdByReference(reference: string): Promise<Hold | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM drop_holds WHERE payment_reference = $1',
      [reference]);
    return r ? rowToHold(r) : null;
  }

  async holding(dropId: string, accountId: string, identityKey: string): Promise<Holding> {
    const [r] = await rows<{ a: string; i: string }>(this.pool, 'SELECT '
      + 'coalesce(sum(quantity) FILTER (WHERE account_id = $2), 0)::bigint AS a, '
      + 'coalesce(sum(quantity) FILTER (WHERE identity_key = $3), 0)::bigint AS i '
      + 'FROM drop_holds WHERE drop_id = $1 AND (account_id = $2 OR identity_key = $3) '
      + `AND status IN (${LIMITED_SQL})`, [dropId, accountId, identityKey]);
    return { accountUnits: Number(r!.a), identityUnits: Number(r!.i) };
  }

  async holdsOf(dropId: string, accountId: string, limit: number): Promise<Hold[]> {
    return (await rows(this.pool, 'SELECT * FROM drop_holds WHERE drop_id = $1 '
      + 'AND account_id = $2 ORDER BY created_at_ms DESC, hold_id DESC LIMIT $3',
    [dropId, accountId, limit])).map(rowToHold);
  }

  async entriesOf(dropId: string, accountId: string) {
    return (await rows(this.pool, 'SELECT e.*, (SELECT count(*) FROM drop_waitlist a WHERE '
      + "a.drop_id = e.drop_id AND a.variant = e.variant AND a.status = 'waiting' "
      + 'AND a.seq < e.seq)::bigint AS ahead FROM drop_waitlist e WHERE e.drop_id = $1 '
      + 'AND e.account_id = $2 ORDER BY e.seq', [dropId, accountId]))
      .map((r) => ({ entry: rowToEntry(r), ahead: Number(r.ahead) }));
  }

  async revokesOf(holdIds: readonly string[]): Promise<Map<string, HoldRevoke>> {
    if (holdIds.length === 0) return new Map();
    return new Map((await rows(this.pool, "SELECT at_ms, detail FROM audit_log WHERE action = "
      + "'drop_hold_cancelled' AND (detail::json->>'hold_id') = ANY($1::text[])",
    [holdIds])).map((r) => revokeOfEntry(String(r.detail), Number(r.at_ms))));
  }

  async holdCount(dropId: string): Promise<number> {
    const [r] = await rows<{ n: number }>(this.pool, 'SELECT count(*)::bigint AS n FROM '
      + 'drop_holds WHERE drop_id = $1', [dropId]);
    return Number(r?.n ?? 0);
  }

  async holdsOfDrop(dropId: string, limit: number): Promise<Hold[]> {
    return (await rows(this.pool, 'SELECT * FROM drop_holds WHERE drop_id = $1 '
      + 'ORDER BY created_at_ms, hold_id LIMIT $2', [dropId, limit])).map(rowToHold);
  }

  async entriesOfDrop(dropId: string, limit: number): Promise<WaitlistEntry[]> {
    return (await rows(this.pool, 'SELECT * FROM drop_waitlist WHERE drop_id = $1 '
      + 'ORDER BY seq LIMIT $2', [dropId, limit])).map(rowToEntry);
  }
}

/** drops' part of the PostgreSQL store. */
export const dropsPostgres: PostgresPart<DropsPostgresTx, DropsReads> = {
  name: 'drops',
  writes: (c) => new DropsPostgresTx(c),
  commitWith: (tx) => tx.atCommit,
  reads: (pool) => new DropsPostgresReads(pool),
};
