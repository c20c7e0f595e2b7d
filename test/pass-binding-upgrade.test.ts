// Migration 22 on a database made before passes were bound to accounts: a pass already used
// (spent, or claimed by a request under way) is bound to the account that used it, so another
// account cannot take it after the upgrade; an unused one is unbound until its first use; an
// older ticket reads back with no account. Both stores: SQLite in a temporary folder,
// PostgreSQL in a fresh schema of the shared server.
import { strict as assert } from 'node:assert';
import { sameSql, upgradeOnBothStores } from './migrated-to.js';

const T = 1_750_946_400_000;
const END = T + 600_000;

/** Three admitted tickets: one pass spent, one claimed by a request under way, one unused. */
const ROWS = sameSql([
  'INSERT INTO waiting_tickets VALUES '
    + `('wrt_1', 'night', ${T}, 1, 'admitted', ${T}, '198.51.100.1', 'wrp_1', ${T}), `
    + `('wrt_2', 'night', ${T}, 2, 'admitted', ${T}, '198.51.100.2', 'wrp_2', ${T}), `
    + `('wrt_3', 'night', ${T}, 3, 'admitted', ${T}, '198.51.100.3', 'wrp_3', ${T})`,
  'INSERT INTO waiting_passes VALUES '
    + `('wrp_1', 'night', 'wrt_1', ${T}, ${END}, 'spent', 'acc_1', 'k1', ${T + 1}, NULL), `
    + `('wrp_2', 'night', 'wrt_2', ${T}, ${END}, 'spent', 'acc_2', 'k2', ${T + 1}, `
    + `${T + 30_000}), `
    + `('wrp_3', 'night', 'wrt_3', ${T}, ${END}, 'active', NULL, NULL, NULL, NULL)`,
]);

await upgradeOnBothStores({
  name: 'bound passes after an upgrade', version: 22, rows: ROWS,
  test: 'migration 22 binds each used pass to its user; unused ones bind on first use',
  check: async (store) => {
    const bound = async (id: string) => (await store.pass(id))!.boundTo;
    assert.deepEqual([await bound('wrp_1'), await bound('wrp_2'), await bound('wrp_3')],
      ['acc_1', 'acc_2', null]);
    const claim = (id: string, by: string, key: string) => store.transaction((tx) =>
      tx.claimPass(id, by, key, T + 2, T + 2 + 30_000));
    assert.equal(await claim('wrp_1', 'acc_9', 'k9'), 'other_account');
    assert.equal(await claim('wrp_2', 'acc_9', 'k9'), 'other_account',
      'a claim under way at the upgrade is its account\'s');
    assert.equal(await claim('wrp_1', 'acc_1', 'k1'), 'again', 'its retry replays');
    assert.equal(await store.transaction((tx) => tx.bindPass('wrp_3', 'acc_3', T + 2)),
      'claimed');
    assert.equal(await claim('wrp_3', 'acc_9', 'k9'), 'other_account');
    assert.equal((await store.ticket('wrt_1'))!.accountId, null);
  },
});
