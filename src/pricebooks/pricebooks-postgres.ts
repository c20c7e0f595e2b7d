// Price books on the shared store: the shared SQL (pricebooks-sql.ts) with its `?` numbered as
// PostgreSQL's `$n`. Several API processes write one database: a ready car's claims are
// compare-and-set UPDATEs (the second of two racing ones finds the row changed and does
// nothing), and a price version is applied by whichever process marks it first.
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import { PricebooksSqlReads, PricebooksSqlTx, type Sql } from './pricebooks-sql.js';
import type { PricebooksReads, PricebooksTx } from './pricebooks-store.js';

const numbered = new Map<string, string>();
/** `?` to `$1, $2, ...` (the SQL holds no `?` inside a literal), cached per text. */
function toPg(sql: string): string {
  let out = numbered.get(sql);
  if (out === undefined) {
    let i = 0;
    out = sql.replace(/\?/g, () => `$${++i}`);
    numbered.set(sql, out);
  }
  return out;
}

function postgresSql(db: Queryable): Sql {
  return {
    all: (sql, params = []) => rows(db, toPg(sql), [...params]),
    run: async (sql, params = []) => (await db.query(toPg(sql), [...params])).rowCount ?? 0,
  };
}

/** Price books' part of the PostgreSQL store. */
export const pricebooksPostgres: PostgresPart<PricebooksTx, PricebooksReads> = {
  name: 'pricebooks',
  writes: (c) => new PricebooksSqlTx(postgresSql(c)),
  reads: (pool) => new PricebooksSqlReads(postgresSql(pool)),
};
