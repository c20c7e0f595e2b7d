// A database as an older launchday left it, for upgrade tests: the migrations given applied and
// recorded in schema_migrations, as the store's own migrate() would have, then the test's rows.
// Opening a store on it then applies only the migrations after them. upgradeOnBothStores
// declares such a test on both stores.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { StoreComposition } from '../src/kernel/store/store.js';
import type { Order } from '../src/orders/order.js';
import { ORDER_COLUMNS, orderToValues } from '../src/orders/order-row.js';
import { PostgresStore, SqliteStore, storeComposition, type Store } from '../src/stores.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

type Migrations = StoreComposition['migrations'];

/** `dir`/launchday.sqlite at `migrations`, then `seed` (SQLite's own statements). */
export function sqliteAt(dir: string, migrations: Migrations,
  seed: (db: Database.Database) => void): void {
  const db = new Database(join(dir, 'launchday.sqlite'));
  try {
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, '
      + 'name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)');
    for (const m of migrations) {
      db.exec(m.sql('sqlite'));
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    }
    seed(db);
  } finally {
    db.close();
  }
}

/** A new schema `schema` of the shared PostgreSQL server at `migrations`, then `seed`. */
export async function postgresAt(schema: string, migrations: Migrations,
  seed: (c: pg.Client) => Promise<void>): Promise<void> {
  const c = new pg.Client({ connectionString: postgresUrl });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.query(`SET search_path = ${schema}`);
    await c.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, '
      + 'name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)');
    for (const m of migrations) {
      await c.query(m.sql('postgres'));
      await c.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
    }
    await seed(c);
  } finally {
    await c.end();
  }
}

/** How the rows an older launchday left are written: SQLite's statements, PostgreSQL's. */
export interface OldRows {
  sqlite(db: Database.Database): void;
  postgres(c: pg.Client): Promise<void>;
}

/** Rows that both stores take as the same SQL text, run in order. */
export const sameSql = (statements: readonly string[]): OldRows => ({
  sqlite: (db) => { for (const sql of statements) db.exec(sql); },
  postgres: async (c) => { for (const sql of statements) await c.query(sql); },
});

const insertOrder = (p: (i: number) => string): string => `INSERT INTO orders (${
  ORDER_COLUMNS.join(', ')}) VALUES (${ORDER_COLUMNS.map((_, i) => p(i)).join(', ')})`;

/**
 * `orders` as rows of the orders table (its columns today: only for a migration after the last
 * that changed them), then `sql`, run as the same text on both stores.
 */
export const ordersThen = (orders: readonly Order[], sql: readonly string[]): OldRows => ({
  sqlite: (db) => {
    const ins = db.prepare(insertOrder(() => '?'));
    for (const o of orders) ins.run(...orderToValues(o));
    for (const s of sql) db.exec(s);
  },
  postgres: async (c) => {
    for (const o of orders) await c.query(insertOrder((i) => `$${i + 1}`), orderToValues(o));
    for (const s of sql) await c.query(s);
  },
});

/** The head's migrations before `version`: what a database made before it has. */
export const migrationsBefore = (version: number): Migrations =>
  storeComposition.migrations.filter((m) => m.version < version);

/**
 * Declares an upgrade test of migration `version` on both stores, a `describe` each named
 * `${name}, PostgreSQL` and `${name}, SQLite` holding one test `test`: a database at the
 * migrations before `version` (SQLite in a temporary folder, PostgreSQL in a fresh schema of the
 * shared server) gets `rows`, a store opened on it runs `version` and the rest, and `check`
 * reads it; the store is closed and the database removed after. PostgreSQL's part comes first:
 * its reachability probe times out while SQLite's synchronous tests hold the loop.
 */
export async function upgradeOnBothStores(o: { name: string; version: number; rows: OldRows;
  test: string; check: (store: Store) => Promise<void> }): Promise<void> {
  const before = migrationsBefore(o.version);
  const declare = (at: () => Promise<void>, open: () => Promise<Store>,
    cleanup: () => Promise<void>): void => {
    after(cleanup);
    it(o.test, async () => {
      await at();
      const store = await open();
      try {
        await o.check(store);
      } finally {
        await store.close();
      }
    });
  };
  await withPostgres(`${o.name}, PostgreSQL`, () => {
    describe(`${o.name}, PostgreSQL`, () => {
      const s = testSchema();
      declare(() => postgresAt(s, before, o.rows.postgres),
        () => PostgresStore.open(postgresUrl, { schema: s }), () => dropSchema(s));
    });
  });
  describe(`${o.name}, SQLite`, () => {
    const d = mkdtempSync(join(tmpdir(), 'launchday-upgrade-'));
    declare(async () => sqliteAt(d, before, o.rows.sqlite), async () => new SqliteStore(d),
      async () => rmSync(d, { recursive: true, force: true }));
  });
}
