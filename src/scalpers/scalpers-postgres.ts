// Scalpers' SQL on the shared store (scalpers-store.ts is the port it implements).
import type pg from 'pg';
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import { SIGNAL_COLUMNS, signalFromRow, signalValues } from './signal-rows.js';
import type { ScalpersReads, ScalpersTx } from './scalpers-store.js';
import type { Signal } from './signals.js';

const COLUMNS = 13;

class ScalpersPostgresTx implements ScalpersTx {
  constructor(private readonly c: pg.PoolClient) {}

  async insertSignals(signals: readonly Signal[]): Promise<void> {
    // One statement per 500 rows: a flush of the buffer costs a few round trips, not one each.
    for (let i = 0; i < signals.length; i += 500) {
      const part = signals.slice(i, i + 500);
      const values = part.flatMap(signalValues);
      const tuples = part.map((_, r) => `(${Array.from({ length: COLUMNS },
        (__, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`).join(', ');
      await this.c.query(`INSERT INTO client_signals (${SIGNAL_COLUMNS}) VALUES ${tuples} `
        + 'ON CONFLICT (signal_id) DO NOTHING', values);
    }
  }
}

class ScalpersPostgresReads implements ScalpersReads {
  constructor(private readonly pool: Queryable) {}

  async signalsOfScope(scope: string, limit: number): Promise<Signal[]> {
    return (await rows(this.pool, 'SELECT * FROM client_signals WHERE scope = $1 '
      + 'ORDER BY at_ms, signal_id LIMIT $2', [scope, limit])).map(signalFromRow);
  }

  async registrationSignals(accountIds: readonly string[]): Promise<Signal[]> {
    if (accountIds.length === 0) return [];
    return (await rows(this.pool, "SELECT * FROM client_signals WHERE kind = 'registration' "
      + 'AND account_id = ANY($1::text[])', [accountIds])).map(signalFromRow);
  }
}

/** scalpers' part of the PostgreSQL store. */
export const scalpersPostgres: PostgresPart<ScalpersTx, ScalpersReads> = {
  name: 'scalpers',
  writes: (c) => new ScalpersPostgresTx(c),
  reads: (pool) => new ScalpersPostgresReads(pool),
};
