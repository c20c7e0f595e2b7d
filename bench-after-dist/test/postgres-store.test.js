// Runs the contract on a real PostgreSQL, each test in a schema of its own that is dropped
// afterwards. Without a reachable database the suite is skipped, naming why, except in CI or
// with LAUNCHDAY_REQUIRE_POSTGRES=1, where a missing database is a failure.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import { dropSchema, postgresUrl as url, testSchema, withPostgres } from './postgres.js';
import { PostgresStore } from '../src/stores.js';
import { storeContract } from './store-contracts.js';
await withPostgres('PostgreSQL store contract', () => {
    storeContract('PostgreSQL', async () => {
        const schema = testSchema();
        const store = await PostgresStore.open(url, { schema });
        return {
            store,
            openPeer: () => PostgresStore.open(url, { schema }),
            async cleanup() {
                await store.close();
                await dropSchema(schema);
            },
        };
    });
    it('PostgreSQL: two stores opening an empty schema at once migrate it once', async () => {
        const schema = testSchema();
        const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(url, { schema })));
        try {
            await stores[0].transaction((tx) => tx.setMeta('k', 'v'));
            assert.equal(await stores[2].meta('k'), 'v');
            assert.notEqual(stores[0].shard, stores[1].shard);
        }
        finally {
            for (const s of stores)
                await s.close();
            await dropSchema(schema);
        }
    });
});
//# sourceMappingURL=postgres-store.test.js.map