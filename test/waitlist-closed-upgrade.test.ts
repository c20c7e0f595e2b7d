// Migration 20 on a database made before the `closed` waitlist status: the waiting entries of a
// variant already sold for good (every unit paid) close, those of a variant that can still sell
// keep waiting, entries that ended otherwise stay as they were, and the status CHECK takes
// `closed` and still refuses anything else. Both stores: SQLite in a temporary folder,
// PostgreSQL in a fresh schema of the shared server.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PostgresStore, SqliteStore, storeComposition, type Store } from '../src/stores.js';
import { postgresAt, sqliteAt } from './migrated-to.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const BEFORE = storeComposition.migrations.filter((m) => m.version < 20);

/** A drop whose M (1 unit) is sold for good and whose S (2 units) has one left. */
const ROWS = [
  "INSERT INTO drops VALUES ('jacket', 'Jacket', '夹克', 'merch', 100, 0, 1000, 2, 2, "
    + "'[{\"variant\":\"m\",\"name\":\"M\",\"nameZh\":\"M\",\"quantity\":1},"
    + "{\"variant\":\"s\",\"name\":\"S\",\"nameZh\":\"S\",\"quantity\":2}]', 500)",
  "INSERT INTO drop_variants VALUES ('jacket', 'm', 1, 0, 0, 1), ('jacket', 's', 2, 0, 1, 1)",
  'INSERT INTO drop_waitlist VALUES '
    + "('wle_1', 'jacket', 'm', 'acc_1', 'id_1', 1, 2000, 'bought', 'hld_1'), "
    + "('wle_2', 'jacket', 'm', 'acc_2', 'id_2', 2, 2001, 'waiting', NULL), "
    + "('wle_3', 'jacket', 's', 'acc_3', 'id_3', 3, 2002, 'waiting', NULL), "
    + "('wle_4', 'jacket', 'm', 'acc_4', 'id_4', 4, 2003, 'passed', NULL)",
];

interface Kind {
  /** A database at migration 18 holding ROWS. */
  atNineteen(): Promise<void>;
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

function upgradeTests(kind: () => Kind): void {
  let k: Kind;
  after(() => k?.cleanup());

  it('migration 20 closes the waiting entries of a variant sold for good, and nothing else',
    async () => {
      k = kind();
      await k.atNineteen();
      const store = await k.open();
      try {
        assert.deepEqual((await store.entriesOfDrop('jacket', 10)).map((e) =>
          [e.entryId, e.status]), [['wle_1', 'bought'], ['wle_2', 'closed'],
          ['wle_3', 'waiting'], ['wle_4', 'passed']]);
        assert.deepEqual(await store.waitingByVariant('jacket'), new Map([['s', 1]]));
        await store.transaction((tx) => tx.setEntry('wle_3', 'closed', null));
        await assert.rejects(store.transaction((tx) => tx.setEntry('wle_3', 'bogus' as never,
          null)), /CHECK|check/);
      } finally {
        await store.close();
      }
    });
}

describe('closed waitlist entries after an upgrade, SQLite', () => {
  const d = mkdtempSync(join(tmpdir(), 'launchday-waitlist-closed-'));
  upgradeTests(() => ({
    atNineteen: async () => sqliteAt(d, BEFORE, (db) => {
      for (const sql of ROWS) db.exec(sql);
    }),
    open: async () => new SqliteStore(d),
    cleanup: async () => rmSync(d, { recursive: true, force: true }),
  }));
});

await withPostgres('closed waitlist entries after an upgrade, PostgreSQL', () => {
  describe('closed waitlist entries after an upgrade, PostgreSQL', () => {
    const s = testSchema();
    upgradeTests(() => ({
      atNineteen: () => postgresAt(s, BEFORE, async (c) => {
        for (const sql of ROWS) await c.query(sql);
      }),
      open: () => PostgresStore.open(postgresUrl, { schema: s }),
      cleanup: () => dropSchema(s),
    }));
  });
});
