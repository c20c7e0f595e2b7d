// Price books on the embedded store: the shared SQL (pricebooks-sql.ts) over better-sqlite3,
// each statement prepared once per connection. One process owns the file and BEGIN IMMEDIATE
// excludes every other writer, so the compare-and-set updates never meet a concurrent one here.
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import { PricebooksSqlReads, PricebooksSqlTx, type Sql } from './pricebooks-sql.js';
import type { PricebooksReads, PricebooksTx } from './pricebooks-store.js';

type Statement = ReturnType<Db['prepare']>;

function sqliteSql(db: Db): Sql {
  const prepared = new Map<string, Statement>();
  const stmt = (sql: string): Statement => {
    let s = prepared.get(sql);
    if (!s) {
      s = db.prepare(sql);
      prepared.set(sql, s);
    }
    return s;
  };
  return {
    all: async (sql, params = []) =>
      stmt(sql).all(params as unknown[]) as Record<string, unknown>[],
    run: async (sql, params = []) => stmt(sql).run(params as unknown[]).changes,
  };
}

/** Price books' part of the SQLite store. */
export const pricebooksSqlite: SqlitePart<PricebooksTx, PricebooksReads> = {
  name: 'pricebooks',
  writes: (db) => new PricebooksSqlTx(sqliteSql(db)),
  reads: (db) => new PricebooksSqlReads(sqliteSql(db)),
};
