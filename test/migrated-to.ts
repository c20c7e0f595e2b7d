// A database as an older launchday left it, for upgrade tests: the migrations given applied and
// recorded in schema_migrations, as the store's own migrate() would have, then the test's rows.
// Opening a store on it then applies only the migrations after them.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { StoreComposition } from '../src/kernel/store/store.js';
import { postgresUrl } from './postgres.js';

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
