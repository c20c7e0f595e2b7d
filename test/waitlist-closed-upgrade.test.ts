// Migration 20 on a database made before the `closed` waitlist status: the waiting entries of a
// variant already sold for good (every unit paid) close, those of a variant that can still sell
// keep waiting, entries that ended otherwise stay as they were, and the status CHECK takes
// `closed` and still refuses anything else. Both stores: SQLite in a temporary folder,
// PostgreSQL in a fresh schema of the shared server.
import { strict as assert } from 'node:assert';
import { sameSql, upgradeOnBothStores } from './migrated-to.js';

/** A drop whose M (1 unit) is sold for good and whose S (2 units) has one left. */
const ROWS = sameSql([
  "INSERT INTO drops VALUES ('jacket', 'Jacket', '夹克', 'merch', 100, 0, 1000, 2, 2, "
    + "'[{\"variant\":\"m\",\"name\":\"M\",\"nameZh\":\"M\",\"quantity\":1},"
    + "{\"variant\":\"s\",\"name\":\"S\",\"nameZh\":\"S\",\"quantity\":2}]', 500)",
  "INSERT INTO drop_variants VALUES ('jacket', 'm', 1, 0, 0, 1), ('jacket', 's', 2, 0, 1, 1)",
  'INSERT INTO drop_waitlist VALUES '
    + "('wle_1', 'jacket', 'm', 'acc_1', 'id_1', 1, 2000, 'bought', 'hld_1'), "
    + "('wle_2', 'jacket', 'm', 'acc_2', 'id_2', 2, 2001, 'waiting', NULL), "
    + "('wle_3', 'jacket', 's', 'acc_3', 'id_3', 3, 2002, 'waiting', NULL), "
    + "('wle_4', 'jacket', 'm', 'acc_4', 'id_4', 4, 2003, 'passed', NULL)",
]);

await upgradeOnBothStores({
  name: 'closed waitlist entries after an upgrade', version: 20, rows: ROWS,
  test: 'migration 20 closes the waiting entries of a variant sold for good, and nothing else',
  check: async (store) => {
    assert.deepEqual((await store.entriesOfDrop('jacket', 10)).map((e) =>
      [e.entryId, e.status]), [['wle_1', 'bought'], ['wle_2', 'closed'],
      ['wle_3', 'waiting'], ['wle_4', 'passed']]);
    assert.deepEqual(await store.waitingByVariant('jacket'), new Map([['s', 1]]));
    await store.transaction((tx) => tx.setEntry('wle_3', 'closed', null));
    await assert.rejects(store.transaction((tx) => tx.setEntry('wle_3', 'bogus' as never,
      null)), /CHECK|check/);
  },
});
