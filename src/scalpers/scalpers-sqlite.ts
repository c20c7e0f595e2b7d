// Scalpers' SQL on the embedded store (scalpers-store.ts is the port it implements).
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import { SIGNAL_COLUMNS, signalFromRow, signalValues } from './signal-rows.js';
import type { ScalpersReads, ScalpersTx } from './scalpers-store.js';
import type { Signal } from './signals.js';

class ScalpersSqliteTx implements ScalpersTx {
  readonly #insert;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO client_signals (${SIGNAL_COLUMNS}) VALUES `
      + '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (signal_id) DO NOTHING');
  }

  async insertSignals(signals: readonly Signal[]): Promise<void> {
    for (const s of signals) this.#insert.run(...signalValues(s));
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
