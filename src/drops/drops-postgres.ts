// Drops' SQL on the shared store (drops-store.ts is the port it implements). Several API
// processes write one database: every write to a drop first locks the drop's row (lockDrops,
// sorted), so the writes of one drop are serialised; the stock moves are conditional UPDATEs,
// and the table's CHECK refuses an oversell even if a caller forgot the lock.
import type pg from 'pg';
import type { Drop, Hold, HoldStatus, VariantStock, WaitlistEntry, EntryStatus } from './drop.js';
import {
  DROP_COLUMNS, dropToValues, ENTRY_COLUMNS, entryToValues, HOLD_COLUMNS, holdToValues, rowToDrop,
  rowToEntry, rowToHold, rowToStock,
} from './drop-rows.js';
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import type { DropsReads, DropsTx, StockMove } from './drops-store.js';

const params = (n: number): string => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
const HOLD_TYPES: Record<(typeof HOLD_COLUMNS)[number], string> = {
  hold_id: 'text', drop_id: 'text', variant: 'text', account_id: 'text', identity_key: 'text',
  quantity: 'integer', amount_fen: 'bigint', status: 'text', source: 'text',
  payment_reference: 'text', created_at_ms: 'bigint', expires_at_ms: 'bigint',
  settled_at_ms: 'bigint', idempotency_key: 'text', request_hash: 'text', entry_id: 'text',
};
const HOLD_INSERT = `INSERT INTO drop_holds (${HOLD_COLUMNS.join(', ')}) SELECT * FROM unnest(${
  HOLD_COLUMNS.map((c, i) => `$${i + 1}::${HOLD_TYPES[c]}[]`).join(', ')})`;

class DropsPostgresTx implements DropsTx {
  constructor(private readonly c: pg.PoolClient) {}

  async lockDrops(dropIds: readonly string[]): Promise<Drop[]> {
    if (dropIds.length === 0) return [];
    return (await rows(this.c, 'SELECT * FROM drops WHERE drop_id = ANY($1::text[]) '
      + 'ORDER BY drop_id FOR UPDATE', [dropIds])).map(rowToDrop);
  }

  async dropsById(dropIds: readonly string[]): Promise<Drop[]> {
    if (dropIds.length === 0) return [];
    return (await rows(this.c, 'SELECT * FROM drops WHERE drop_id = ANY($1::text[]) '
      + 'ORDER BY drop_id', [dropIds])).map(rowToDrop);
  }

  async putDrop(drop: Drop): Promise<void> {
    await this.c.query(`INSERT INTO drops (${DROP_COLUMNS.join(', ')}) VALUES (${
      params(DROP_COLUMNS.length)}) ON CONFLICT (drop_id) DO UPDATE SET ${DROP_COLUMNS.slice(1)
      .map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`, dropToValues(drop));
    await this.c.query('DELETE FROM drop_variants WHERE drop_id = $1', [drop.dropId]);
    await this.c.query('INSERT INTO drop_variants SELECT $1, v, q, q, 0, 0 '
      + 'FROM unnest($2::text[], $3::bigint[]) AS x(v, q)', [drop.dropId,
      drop.variants.map((v) => v.variant), drop.variants.map((v) => v.quantity)]);
  }

  async dropHasHolds(dropId: string): Promise<boolean> {
    return (await rows(this.c, 'SELECT 1 FROM drop_holds WHERE drop_id = $1 LIMIT 1',
      [dropId])).length > 0;
  }

  async stock(dropIds: readonly string[]): Promise<VariantStock[]> {
    if (dropIds.length === 0) return [];
    return (await rows(this.c, 'SELECT * FROM drop_variants WHERE drop_id = ANY($1::text[]) '
      + 'ORDER BY drop_id, variant', [dropIds])).map(rowToStock);
  }

  async moveStock(m: StockMove): Promise<boolean> {
    const r = await this.c.query('UPDATE drop_variants SET available = available + $3, '
      + 'held = held + $4, sold = sold + $5 WHERE drop_id = $1 AND variant = $2 '
      + 'AND available + $3 >= 0 AND held + $4 >= 0 AND sold + $5 >= 0',
    [m.dropId, m.variant, m.available, m.held, m.sold]);
    return r.rowCount === 1;
  }

  async holdsByIdempotency(refs: ReadonlyArray<{ accountId: string; key: string }>):
    Promise<Hold[]> {
    if (refs.length === 0) return [];
    return (await rows(this.c, 'SELECT * FROM drop_holds WHERE (account_id, idempotency_key) '
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
    for (const r of await rows<{ id: string; n: number }>(this.c, `SELECT ${column} AS id, `
      + 'sum(quantity)::bigint AS n FROM drop_holds WHERE drop_id = $1 '
      + `AND ${column} = ANY($2::text[]) AND status IN ('held', 'paid') GROUP BY ${column}`,
    [dropId, ids])) out.set(r.id, Number(r.n));
    return out;
  }

  async insertHolds(holds: readonly Hold[]): Promise<void> {
    if (holds.length === 0) return;
    const cols: unknown[][] = HOLD_COLUMNS.map(() => []);
    for (const h of holds) holdToValues(h).forEach((v, i) => cols[i]!.push(v));
    await this.c.query(HOLD_INSERT, cols);
  }

  async holds(holdIds: readonly string[]): Promise<Hold[]> {
    if (holdIds.length === 0) return [];
    const found = new Map((await rows(this.c, 'SELECT * FROM drop_holds WHERE '
      + 'hold_id = ANY($1::text[])', [holdIds])).map((r) => [String(r.hold_id), rowToHold(r)]));
    return holdIds.flatMap((id) => found.get(id) ?? []);
  }

  async settleHold(holdId: string, status: Exclude<HoldStatus, 'held'>, atMs: number):
    Promise<boolean> {
    const r = await this.c.query("UPDATE drop_holds SET status = $2, settled_at_ms = $3 "
      + "WHERE hold_id = $1 AND status = 'held'", [holdId, status, atMs]);
    return r.rowCount === 1;
  }

  async settleHolds(holdIds: readonly string[], status: Exclude<HoldStatus, 'held'>,
    atMs: number): Promise<string[]> {
    if (holdIds.length === 0) return [];
    const settled = new Set((await rows<{ hold_id: string }>(this.c, 'UPDATE drop_holds SET '
      + "status = $2, settled_at_ms = $3 WHERE hold_id = ANY($1::text[]) AND status = 'held' "
      + 'RETURNING hold_id', [holdIds, status, atMs])).map((r) => r.hold_id));
    return holdIds.filter((id) => settled.has(id));
  }

  async dueHolds(dropIds: readonly string[], nowMs: number, limit: number): Promise<Hold[]> {
    if (dropIds.length === 0) return [];
    return (await rows(this.c, "SELECT * FROM drop_holds WHERE status = 'held' "
      + 'AND expires_at_ms <= $2 AND drop_id = ANY($1::text[]) '
      + 'ORDER BY expires_at_ms, hold_id LIMIT $3', [dropIds, nowMs, limit])).map(rowToHold);
  }

  async dropsWithDueHolds(nowMs: number, limit: number): Promise<string[]> {
    return (await rows<{ drop_id: string }>(this.c, 'SELECT DISTINCT drop_id FROM drop_holds '
      + "WHERE status = 'held' AND expires_at_ms <= $1 ORDER BY drop_id LIMIT $2",
    [nowMs, limit])).map((r) => r.drop_id);
  }

  async waitingEntries(dropId: string, variant: string, limit: number):
    Promise<WaitlistEntry[]> {
    return (await rows(this.c, 'SELECT * FROM drop_waitlist WHERE drop_id = $1 '
      + "AND variant = $2 AND status = 'waiting' ORDER BY seq LIMIT $3",
    [dropId, variant, limit])).map(rowToEntry);
  }

  async waitingCount(dropId: string): Promise<number> {
    const [r] = await rows<{ n: number }>(this.c, 'SELECT count(*)::bigint AS n FROM '
      + "drop_waitlist WHERE drop_id = $1 AND status = 'waiting'", [dropId]);
    return Number(r?.n ?? 0);
  }

  async openEntry(dropId: string, variant: string, accountId: string):
    Promise<WaitlistEntry | null> {
    const [r] = await rows(this.c, 'SELECT * FROM drop_waitlist WHERE drop_id = $1 '
      + "AND variant = $2 AND account_id = $3 AND status IN ('waiting', 'offered')",
    [dropId, variant, accountId]);
    return r ? rowToEntry(r) : null;
  }

  async nextEntrySeq(dropId: string): Promise<number> {
    const [r] = await rows<{ n: number }>(this.c, 'SELECT coalesce(max(seq), 0) + 1 AS n '
      + 'FROM drop_waitlist WHERE drop_id = $1', [dropId]);
    return Number(r?.n ?? 1);
  }

  async insertEntry(entry: WaitlistEntry): Promise<void> {
    await this.c.query(`INSERT INTO drop_waitlist (${ENTRY_COLUMNS.join(', ')}) VALUES (${
      params(ENTRY_COLUMNS.length)})`, entryToValues(entry));
  }

  async setEntry(entryId: string, status: EntryStatus, holdId: string | null): Promise<void> {
    await this.c.query('UPDATE drop_waitlist SET status = $2, hold_id = $3 WHERE entry_id = $1',
      [entryId, status, holdId]);
  }
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
  reads: (pool) => new DropsPostgresReads(pool),
};
