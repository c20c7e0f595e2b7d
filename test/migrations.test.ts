// The global migrations composed from the capabilities' pieces make the same schema as the
// single migration list they were split from, and a database made by that code opens unchanged.
// test/fixtures/schema-5.sqlite.json is sqlite_master as the pre-split code (one sql-schema.ts)
// left it after migrations 1-5.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore, storeComposition } from '../src/stores.js';

interface SchemaRow { type: string; name: string; tbl_name: string; sql: string }

const before = JSON.parse(readFileSync('test/fixtures/schema-5.sqlite.json', 'utf8')) as
  SchemaRow[];

/** The objects migrations 1-5 made: later numbers (new capabilities' tables) add to them. */
const FIRST_FIVE = new Set(before.map((r) => r.name));
const firstFive = (rows: SchemaRow[]): SchemaRow[] => rows.filter((r) => FIRST_FIVE.has(r.name));

/**
 * What migration 10 leaves of the first five's objects: the orders table rebuilt with the
 * `scheduled` status in its CHECK (SQLite quotes a renamed table's name), all else as it was.
 * Its upgrade test: scheduled-upgrade.test.ts.
 */
const afterTen = (rows: SchemaRow[]): SchemaRow[] => rows.map((r) => (r.name !== 'orders' ? r
  : { ...r, sql: r.sql.replace('CREATE TABLE orders (', 'CREATE TABLE "orders" (')
    .replace("('firm', 'locked', 'cancelled')", "('firm', 'locked', 'scheduled', 'cancelled')")
  }));

const schemaOf = (file: string): SchemaRow[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE "
      + "'sqlite_%' ORDER BY type, name").all() as SchemaRow[];
  } finally {
    db.close();
  }
};

it('the composed migrations keep the global numbers 1-5 and their names', () => {
  assert.deepEqual(storeComposition.migrations.map((m) => m.version).slice(0, 5),
    [1, 2, 3, 4, 5]);
  assert.equal(storeComposition.migrations[0]!.name, 'orders, accounts, launches, counters');
});

it('the later numbers follow without a gap; 7 rebuilds the placements counters and makes no '
  + 'object (its upgrade test: placements-upgrade.test.ts)', () => {
  const versions = storeComposition.migrations.map((m) => m.version);
  assert.deepEqual(versions, versions.map((_, i) => i + 1));
  assert.ok(versions.includes(7));
  assert.doesNotMatch(storeComposition.migrations.find((m) => m.version === 7)!.sql('sqlite'),
    /CREATE/);
});

it('a new database gets the schema the single migration list made', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'launchday-migrations-'));
  try {
    await new SqliteStore(dir).close();
    const made = schemaOf(join(dir, 'launchday.sqlite'));
    assert.deepEqual(firstFive(made), afterTen(before));
    assert.ok(made.some((r) => r.name === 'notification_outbox'), 'migration 8 ran');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('a database made by the pre-split code opens, migrates only the numbers after 5 and takes '
  + 'writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'launchday-migrations-'));
  try {
    const file = join(dir, 'launchday.sqlite');
    const old = new Database(file);
    // Tables (schema_migrations among them) before the indexes on them.
    const tablesFirst = (r: SchemaRow): number => (r.type === 'table' ? 0 : 1);
    for (const r of [...before].sort((a, b) => tablesFirst(a) - tablesFirst(b))) old.exec(r.sql);
    for (const v of [1, 2, 3, 4, 5]) {
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(v, `v${v}`);
    }
    old.prepare('INSERT INTO meta VALUES (?, ?)').run('seeded_at', 'before');
    old.close();
    const store = new SqliteStore(dir);
    try {
      assert.equal(await store.meta('seeded_at'), 'before');
      await store.transaction((tx) => tx.setMeta('after', 'yes'));
      assert.equal(await store.meta('after'), 'yes');
      assert.deepEqual(await store.launches(), []);
      assert.deepEqual(await store.counters('placed:yu7-2025'), new Map());
    } finally {
      await store.close();
    }
    assert.deepEqual(firstFive(schemaOf(file)), afterTen(before));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
