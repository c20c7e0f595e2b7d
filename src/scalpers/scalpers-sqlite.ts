// Scalpers' SQL on the embedded store (scalpers-store.ts is the port it implements).
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import { SIGNAL_COLUMNS, signalFromRow, signalValues } from './signal-rows.js';
import type { ScalpersReads, ScalpersTx } from './scalpers-store.js';
import type { Signal } from './signals.js';

/** Rows per multi-row INSERT: 13 columns, well under SQLite's 32,766 parameters. */
const SIGNAL_ROWS_PER_INSERT = 250;
/** From the column list itself, so that a column added there is bound here too. */
const SIGNAL_COLUMN_COUNT = SIGNAL_COLUMNS.split(',').length;

class ScalpersSqliteTx implements ScalpersTx {
  readonly #db: Db;
  /** The INSERT of n rows (1 to SIGNAL_ROWS_PER_INSERT), prepared on first use. */
  readonly #inserts = new Map<number, ReturnType<Db['prepare']>>();

  constructor(db: Db) {
    this.#db = db;
  }

  #insert(rows: number): ReturnType<Db['prepare']> {
    let stmt = this.#inserts.get(rows);
    if (stmt === undefined) {
      const row = `(${Array.from({ length: SIGNAL_COLUMN_COUNT }, () => '?').join(', ')})`;
      stmt = this.#db.prepare(`INSERT INTO client_signals (${SIGNAL_COLUMNS}) VALUES `
        + `${Array.from({ length: rows }, () => row).join(', ')} `
        + 'ON CONFLICT (signal_id) DO NOTHING');
      this.#inserts.set(rows, stmt);
    }
    return stmt;
  }

  // A flush holds a second's signals (thousands at an opening): full statements of
  // SIGNAL_ROWS_PER_INSERT rows, then one for the rest, as the ledger's rows
  // (pricebooks-sql.ts): one call into SQLite per row cost more than the row.
  async insertSignals(signals: readonly Signal[]): Promise<void> {
    for (let i = 0; i < signals.length; i += SIGNAL_ROWS_PER_INSERT) {
      const end = Math.min(signals.length, i + SIGNAL_ROWS_PER_INSERT);
      const params: unknown[] = [];
      for (let k = i; k < end; k++) params.push(...signalValues(signals[k]!));
      this.#insert(end - i).run(params);
    }
  }
}

class ScalpersSqliteReads implements ScalpersReads {
  readonly #ofScope;
  readonly #registration;

  constructor(db: Db) {
    this.#ofScope = db.prepare('SELECT * FROM client_signals WHERE scope = ? '
      + 'ORDER BY at_ms, signal_id LIMIT ?');
    this.#registration = db.prepare("SELECT * FROM client_signals WHERE kind = 'registration' "
      + 'AND account_id IN (SELECT value FROM json_each(?))');
  }

  async signalsOfScope(scope: string, limit: number): Promise<Signal[]> {
    return (this.#ofScope.all(scope, limit) as Array<Record<string, unknown>>)
      .map(signalFromRow);
  }

  async registrationSignals(accountIds: readonly string[]): Promise<Signal[]> {
    if (accountIds.length === 0) return [];
    return (this.#registration.all(JSON.stringify(accountIds)) as
      Array<Record<string, unknown>>).map(signalFromRow);
  }
}

/** scalpers' part of the SQLite store: its statements, prepared once per connection. */
export const scalpersSqlite: SqlitePart<ScalpersTx, ScalpersReads> = {
  name: 'scalpers',
  writes: (db) => new ScalpersSqliteTx(db),
  reads: (db) => new ScalpersSqliteReads(db),
};
