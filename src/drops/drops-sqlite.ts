// Drops' SQL on the embedded store (drops-store.ts is the port it implements). One process owns
// the file and BEGIN IMMEDIATE excludes every other writer, so lockDrops only reads.
import {
  LIMITED, type Drop, type Hold, type Holding, type HoldStatus, type VariantStock,
  type WaitlistEntry, type EntryStatus,
} from './drop.js';
import {
  DROP_COLUMNS, dropToValues, ENTRY_COLUMNS, entryToValues, HOLD_COLUMNS, holdToValues, rowToDrop,
  rowToEntry, rowToHold, rowToStock,
} from './drop-rows.js';
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import {
  revokeOfEntry, type DropsReads, type DropsTx, type HoldRevoke, type StockMove,
} from './drops-store.js';

type Row = Record<string, unknown>;
/** drop.ts LIMITED as an SQL list: the statuses whose units count against the limits. */
const LIMITED_SQL = [...LIMITED].map((s) => `'${s}'`).join(', ');
const insertSql = (table: string, cols: readonly string[]): string =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;

function prepareWrites(db: Db) {
  return {
    drop: db.prepare('SELECT * FROM drops WHERE drop_id = ?'),
    upsertDrop: db.prepare(`${insertSql('drops', DROP_COLUMNS)} ON CONFLICT (drop_id) DO UPDATE `
      + `SET ${DROP_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`),
    deleteStock: db.prepare('DELETE FROM drop_variants WHERE drop_id = ?'),
    insertStock: db.prepare('INSERT INTO drop_variants VALUES (?, ?, ?, ?, 0, 0)'),
    anyHold: db.prepare('SELECT 1 FROM drop_holds WHERE drop_id = ? LIMIT 1'),
    stock: db.prepare('SELECT * FROM drop_variants WHERE drop_id = ? ORDER BY variant'),
    // By the partial index of held holds (a handful in flight), not by drop_id: SQLite's
    // planner took drop_holds_identity and walked every hold the drop ever had, sold ones too
    // (about 100 times slower with 800 sold), on every purchase refused at a sell-out.
    hasDue: db.prepare("SELECT 1 FROM drop_holds INDEXED BY drop_holds_due WHERE status = 'held' "
      + 'AND drop_id = ? AND expires_at_ms <= ? LIMIT 1'),
    move: db.prepare('UPDATE drop_variants SET available = available + ?, held = held + ?, '
      + 'sold = sold + ? WHERE drop_id = ? AND variant = ? AND available + ? >= 0 '
      + 'AND held + ? >= 0 AND sold + ? >= 0'),
    byIdempotency: db.prepare('SELECT * FROM drop_holds WHERE account_id = ? '
      + 'AND idempotency_key = ?'),
    unitsByAccount: db.prepare("SELECT coalesce(sum(quantity), 0) FROM drop_holds WHERE "
      + `drop_id = ? AND account_id = ? AND status IN (${LIMITED_SQL})`),
    unitsByIdentity: db.prepare("SELECT coalesce(sum(quantity), 0) FROM drop_holds WHERE "
      + `drop_id = ? AND identity_key = ? AND status IN (${LIMITED_SQL})`),
    insertHold: db.prepare(insertSql('drop_holds', HOLD_COLUMNS)),
    hold: db.prepare('SELECT * FROM drop_holds WHERE hold_id = ?'),
    settle: db.prepare("UPDATE drop_holds SET status = ?, settled_at_ms = ? WHERE hold_id = ? "
      + "AND status = 'held'"),
    unsell: db.prepare("UPDATE drop_holds SET status = 'revoked', settled_at_ms = ? "
      + "WHERE hold_id = ? AND status = 'paid'"),
    due: db.prepare("SELECT * FROM drop_holds INDEXED BY drop_holds_due WHERE status = 'held' "
      + 'AND drop_id = ? AND expires_at_ms <= ? ORDER BY expires_at_ms, hold_id LIMIT ?'),
    dueDrops: db.prepare("SELECT DISTINCT drop_id FROM drop_holds WHERE status = 'held' "
      + 'AND expires_at_ms <= ? ORDER BY drop_id LIMIT ?'),
    waiting: db.prepare("SELECT * FROM drop_waitlist WHERE drop_id = ? AND variant = ? "
      + "AND status = 'waiting' ORDER BY seq LIMIT ?"),
    waitingCount: db.prepare("SELECT count(*) FROM drop_waitlist WHERE drop_id = ? "
      + "AND status = 'waiting'"),
    openEntry: db.prepare("SELECT * FROM drop_waitlist WHERE drop_id = ? AND variant = ? "
      + "AND account_id = ? AND status IN ('waiting', 'offered')"),
    nextSeq: db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM drop_waitlist WHERE drop_id = ?'),
    insertEntry: db.prepare(insertSql('drop_waitlist', ENTRY_COLUMNS)),
    setEntry: db.prepare('UPDATE drop_waitlist SET status = ?, hold_id = ? WHERE entry_id = ?'),
    closeWaiting: db.prepare("UPDATE drop_waitlist SET status = 'closed' WHERE drop_id = ? "
      + "AND variant = ? AND status = 'waiting'"),
    reopenClosed: db.prepare("UPDATE drop_waitlist SET status = 'waiting' WHERE drop_id = ? "
      + "AND variant = ? AND status = 'closed' AND account_id NOT IN "
      + '(SELECT value FROM json_each(?))'),
  };
}
type Writes = ReturnType<typeof prepareWrites>;

class DropsSqliteTx implements DropsTx {
  constructor(private readonly s: Writes) {}

  async lockDrops(dropIds: readonly string[]): Promise<Drop[]> {
    return dropIds.flatMap((id) => {
      const r = this.s.drop.get(id) as Row | undefined;
      return r ? [rowToDrop(r)] : [];
    });
  }

  async dropsById(dropIds: readonly string[]): Promise<Drop[]> {
    return this.lockDrops(dropIds);
  }

  async putDrop(drop: Drop): Promise<void> {
    this.s.upsertDrop.run(dropToValues(drop));
    this.s.deleteStock.run(drop.dropId);
    for (const v of drop.variants) {
      this.s.insertStock.run(drop.dropId, v.variant, v.quantity, v.quantity);
    }
  }

  async dropHasHolds(dropId: string): Promise<boolean> {
    return this.s.anyHold.get(dropId) !== undefined;
  }

  async stock(dropIds: readonly string[]): Promise<VariantStock[]> {
    return dropIds.flatMap((id) => (this.s.stock.all(id) as Row[]).map(rowToStock));
  }

  async moveStock(m: StockMove): Promise<boolean> {
    return this.s.move.run(m.available, m.held, m.sold, m.dropId, m.variant, m.available, m.held,
      m.sold).changes === 1;
  }

  async holdsByIdempotency(refs: ReadonlyArray<{ accountId: string; key: string }>):
    Promise<Hold[]> {
    return refs.flatMap((r) => {
      const row = this.s.byIdempotency.get(r.accountId, r.key) as Row | undefined;
      return row ? [rowToHold(row)] : [];
    });
  }

  async unitsByAccount(dropId: string, accountIds: readonly string[]) {
    return this.#units(this.s.unitsByAccount, dropId, accountIds);
  }

  async unitsByIdentity(dropId: string, keys: readonly string[]) {
    return this.#units(this.s.unitsByIdentity, dropId, keys);
  }

  #units(stmt: Writes['unitsByAccount'], dropId: string, ids: readonly string[]):
    Map<string, number> {
    const out = new Map<string, number>();
    for (const id of ids) {
      const n = Number(stmt.pluck().get(dropId, id));
      if (n > 0) out.set(id, n);
    }
    return out;
  }

  async insertHolds(holds: readonly Hold[]): Promise<void> {
    for (const h of holds) this.s.insertHold.run(holdToValues(h));
  }

  async holds(holdIds: readonly string[]): Promise<Hold[]> {
    return holdIds.flatMap((id) => {
      const r = this.s.hold.get(id) as Row | undefined;
      return r ? [rowToHold(r)] : [];
    });
  }

  async settleHold(holdId: string, status: Exclude<HoldStatus, 'held'>, atMs: number):
    Promise<boolean> {
    return this.s.settle.run(status, atMs, holdId).changes === 1;
  }

  async unsellHold(holdId: string, atMs: number): Promise<boolean> {
    return this.s.unsell.run(atMs, holdId).changes === 1;
  }

  async settleHolds(holdIds: readonly string[], status: Exclude<HoldStatus, 'held'>,
    atMs: number): Promise<string[]> {
    return holdIds.filter((id) => this.s.settle.run(status, atMs, id).changes === 1);
  }

  async dueHolds(dropIds: readonly string[], nowMs: number, limit: number): Promise<Hold[]> {
    const all = dropIds.flatMap((id) => (this.s.due.all(id, nowMs, limit) as Row[])
      .map(rowToHold));
    return all.sort((a, b) => a.expiresAtMs - b.expiresAtMs
      || (a.holdId < b.holdId ? -1 : 1)).slice(0, limit);
  }

  async dropsWithDueHolds(nowMs: number, limit: number): Promise<string[]> {
    return this.s.dueDrops.pluck().all(nowMs, limit) as string[];
  }

  async waitingEntries(dropId: string, variant: string, limit: number):
    Promise<WaitlistEntry[]> {
    return (this.s.waiting.all(dropId, variant, limit) as Row[]).map(rowToEntry);
  }

  async waitingCount(dropId: string): Promise<number> {
    return Number(this.s.waitingCount.pluck().get(dropId));
  }

  async openEntry(dropId: string, variant: string, accountId: string):
    Promise<WaitlistEntry | null> {
    const r = this.s.openEntry.get(dropId, variant, accountId) as Row | undefined;
    return r ? rowToEntry(r) : null;
  }

  async nextEntrySeq(dropId: string): Promise<number> {
    return Number(this.s.nextSeq.pluck().get(dropId));
  }

  async insertEntry(entry: WaitlistEntry): Promise<void> {
    this.s.insertEntry.run(entryToValues(entry));
  }

  async setEntry(entryId: string, status: EntryStatus, holdId: string | null): Promise<void> {
    this.s.setEntry.run(status, holdId, entryId);
  }

  async closeWaiting(dropId: string, variant: string): Promise<number> {
    return this.s.closeWaiting.run(dropId, variant).changes;
  }

  async reopenClosed(dropId: string, variant: string, exceptAccounts: readonly string[]):
    Promise<number> {
    return this.s.reopenClosed.run(dropId, variant, JSON.stringify(exceptAccounts)).changes;
  }
}

function prepareReads(db: Db) {
  return {
    drop: db.prepare('SELECT * FROM drops WHERE drop_id = ?'),
    drops: db.prepare('SELECT * FROM drops ORDER BY opens_at_ms, drop_id'),
    stock: db.prepare('SELECT * FROM drop_variants WHERE drop_id = ? ORDER BY variant'),
    // By the partial index of held holds (a handful in flight), not by drop_id: SQLite's
    // planner took drop_holds_identity and walked every hold the drop ever had, sold ones too
    // (about 100 times slower with 800 sold), on every purchase refused at a sell-out.
    hasDue: db.prepare("SELECT 1 FROM drop_holds INDEXED BY drop_holds_due WHERE status = 'held' "
      + 'AND drop_id = ? AND expires_at_ms <= ? LIMIT 1'),
    waitingByVariant: db.prepare("SELECT variant, count(*) AS n FROM drop_waitlist "
      + "WHERE drop_id = ? AND status = 'waiting' GROUP BY variant"),
    hold: db.prepare('SELECT * FROM drop_holds WHERE hold_id = ?'),
    byIdempotency: db.prepare('SELECT * FROM drop_holds WHERE account_id = ? '
      + 'AND idempotency_key = ?'),
    byReference: db.prepare('SELECT * FROM drop_holds WHERE payment_reference = ?'),
    holding: db.prepare('SELECT coalesce(sum(CASE WHEN account_id = ? THEN quantity END), 0) '
      + 'AS a, coalesce(sum(CASE WHEN identity_key = ? THEN quantity END), 0) AS i '
      + 'FROM drop_holds WHERE drop_id = ? AND (account_id = ? OR identity_key = ?) '
      + `AND status IN (${LIMITED_SQL})`),
    holdsOf: db.prepare('SELECT * FROM drop_holds WHERE drop_id = ? AND account_id = ? '
      + 'ORDER BY created_at_ms DESC, hold_id DESC LIMIT ?'),
    entriesOf: db.prepare('SELECT e.*, (SELECT count(*) FROM drop_waitlist a WHERE '
      + "a.drop_id = e.drop_id AND a.variant = e.variant AND a.status = 'waiting' "
      + 'AND a.seq < e.seq) AS ahead FROM drop_waitlist e WHERE e.drop_id = ? '
      + 'AND e.account_id = ? ORDER BY e.seq'),
    holdCount: db.prepare('SELECT count(*) FROM drop_holds WHERE drop_id = ?'),
    revokesOf: db.prepare("SELECT at_ms, detail FROM audit_log WHERE action = "
      + "'drop_hold_cancelled' AND json_extract(detail, '$.hold_id') IN "
      + '(SELECT value FROM json_each(?))'),
    holdsOfDrop: db.prepare('SELECT * FROM drop_holds WHERE drop_id = ? '
      + 'ORDER BY created_at_ms, hold_id LIMIT ?'),
    entriesOfDrop: db.prepare('SELECT * FROM drop_waitlist WHERE drop_id = ? ORDER BY seq '
      + 'LIMIT ?'),
  };
}

class DropsSqliteReads implements DropsReads {
  readonly #r: ReturnType<typeof prepareReads>;

  constructor(db: Db) {
    this.#r = prepareReads(db);
  }

  async drop(dropId: string): Promise<Drop | null> {
    const r = this.#r.drop.get(dropId) as Row | undefined;
    return r ? rowToDrop(r) : null;
  }

  async drops(): Promise<Drop[]> {
    return (this.#r.drops.all() as Row[]).map(rowToDrop);
  }

  async dropStock(dropId: string): Promise<VariantStock[]> {
    return (this.#r.stock.all(dropId) as Row[]).map(rowToStock);
  }

  async hasDueHolds(dropId: string, nowMs: number): Promise<boolean> {
    return this.#r.hasDue.get(dropId, nowMs) !== undefined;
  }

  async waitingByVariant(dropId: string): Promise<Map<string, number>> {
    return new Map((this.#r.waitingByVariant.all(dropId) as Row[])
      .map((r) => [String(r.variant), Number(r.n)]));
  }

  async hold(holdId: string): Promise<Hold | null> {
    const r = this.#r.hold.get(holdId) as Row | undefined;
    return r ? rowToHold(r) : null;
  }

  async holdByIdempotency(accountId: string, key: string): Promise<Hold | null> {
    const r = this.#r.byIdempotency.get(accountId, key) as Row | undefined;
    return r ? rowToHold(r) : null;
  }

  async holdByReference(reference: string): Promise<Hold | null> {
    const r = this.#r.byReference.get(reference) as Row | undefined;
    return r ? rowToHold(r) : null;
  }

  async holding(dropId: string, accountId: string, identityKey: string): Promise<Holding> {
    const r = this.#r.holding.get(accountId, identityKey, dropId, accountId, identityKey) as Row;
    return { accountUnits: Number(r.a), identityUnits: Number(r.i) };
  }

  async holdsOf(dropId: string, accountId: string, limit: number): Promise<Hold[]> {
    return (this.#r.holdsOf.all(dropId, accountId, limit) as Row[]).map(rowToHold);
  }

  async entriesOf(dropId: string, accountId: string) {
    return (this.#r.entriesOf.all(dropId, accountId) as Row[])
      .map((r) => ({ entry: rowToEntry(r), ahead: Number(r.ahead) }));
  }

  async holdCount(dropId: string): Promise<number> {
    return Number(this.#r.holdCount.pluck().get(dropId));
  }

  async revokesOf(holdIds: readonly string[]): Promise<Map<string, HoldRevoke>> {
    if (holdIds.length === 0) return new Map();
    return new Map((this.#r.revokesOf.all(JSON.stringify(holdIds)) as Row[])
      .map((r) => revokeOfEntry(String(r.detail), Number(r.at_ms))));
  }

  async holdsOfDrop(dropId: string, limit: number): Promise<Hold[]> {
    return (this.#r.holdsOfDrop.all(dropId, limit) as Row[]).map(rowToHold);
  }

  async entriesOfDrop(dropId: string, limit: number): Promise<WaitlistEntry[]> {
    return (this.#r.entriesOfDrop.all(dropId, limit) as Row[]).map(rowToEntry);
  }
}

/** drops' part of the SQLite store: its statements, prepared once per connection. */
export const dropsSqlite: SqlitePart<DropsTx, DropsReads> = {
  name: 'drops',
  writes: (db) => new DropsSqliteTx(prepareWrites(db)),
  reads: (db) => new DropsSqliteReads(db),
};
