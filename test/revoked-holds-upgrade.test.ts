// Migration 24 on a database made before the `revoked` hold status: the holds an operator
// cancelled as suspicious (found by their audit entries, drop_hold_cancelled) become `revoked`
// and count against their buyer's limits again; a buyer's own cancel stays `cancelled`, and
// the status CHECK takes `revoked`. Both stores: SQLite in a temporary folder, PostgreSQL in a
// fresh schema of the shared server (where drop_take_holds is replaced to count it).
import { strict as assert } from 'node:assert';
import { sameSql, upgradeOnBothStores } from './migrated-to.js';

const hold = (n: number, account: string) => `('hld_${n}', 'jacket', 'm', '${account}', `
  + `'id_${account}', 1, 100, 'cancelled', 'sale', 'drp_hld_${n}', 1000, 2000, 1500, 'k${n}', `
  + "'h', NULL)";

/** A drop with one hold an operator cancelled (audited) and one its buyer let go. */
const ROWS = sameSql([
  "INSERT INTO drops VALUES ('jacket', 'Jacket', '夹克', 'merch', 100, 0, 1000, 1, 1, "
    + "'[{\"variant\":\"m\",\"name\":\"M\",\"nameZh\":\"M\",\"quantity\":3}]', 500)",
  "INSERT INTO drop_variants VALUES ('jacket', 'm', 3, 3, 0, 0)",
  `INSERT INTO drop_holds VALUES ${hold(1, 'ring')}, ${hold(2, 'honest')}`,
  'INSERT INTO audit_log (at_ms, actor, action, detail) VALUES (1500, \'operator:ops\', '
    + '\'drop_hold_cancelled\', \'{"drop_id":"jacket","hold_id":"hld_1","account_id":"ring",'
    + '"was":"paid","refund_fen":100,"reason":"ring","flagged":true,"cluster_id":null}\')',
]);

await upgradeOnBothStores({
  name: 'revoked holds after an upgrade', version: 24, rows: ROWS,
  test: 'migration 24 makes the audited operator cancels revoked, counted; nothing else',
  check: async (store) => {
    assert.deepEqual([(await store.hold('hld_1'))!.status, (await store.hold('hld_2'))!
      .status], ['revoked', 'cancelled']);
    assert.deepEqual(await store.transaction((tx) => tx.unitsByAccount('jacket',
      ['ring', 'honest'])), new Map([['ring', 1]]));
    const row = (await store.hold('hld_1'))!;
    const like = (n: number, status: string) => ({ ...row, holdId: `hld_${n}`,
      paymentReference: `drp_hld_${n}`, idempotencyKey: `k${n}`, status: status as never });
    await store.transaction((tx) => tx.insertHolds([like(3, 'revoked')]));
    await assert.rejects(store.transaction((tx) => tx.insertHolds([like(4, 'bogus')])),
      /CHECK|check/);
  },
});
