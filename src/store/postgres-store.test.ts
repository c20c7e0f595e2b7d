// Runs the contract on a real PostgreSQL, each test in a schema of its own that is dropped
// afterwards. Without a reachable database the suite is skipped, naming why, except in CI or
// with LAUNCHDAY_REQUIRE_POSTGRES=1, where a missing database is a failure.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import pg from 'pg';
import { PostgresStore } from './postgres-store.js';
import { storeContract } from './store-contract.js';

const url = process.env.LAUNCHDAY_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const required = Boolean(process.env.CI) || process.env.LAUNCHDAY_REQUIRE_POSTGRES === '1';

async function unreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `PostgreSQL at ${url.replace(/\/\/[^@/]*@/, '//***@')} is unreachable: ${
      (err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

const reason = await unreachable();
if (reason === null) {
  storeContract('PostgreSQL', async () => {
    const schema = `launchday_test_${randomBytes(6).toString('hex')}`;
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
    const schema = `launchday_test_${randomBytes(6).toString('hex')}`;
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(url, { schema })));
    try {
      await stores[0]!.transaction((tx) => tx.setMeta('k', 'v'));
      assert.equal(await stores[2]!.meta('k'), 'v');
      assert.notEqual(stores[0]!.shard, stores[1]!.shard);
    } finally {
      for (const s of stores) await s.close();
      await dropSchema(schema);
    }
  });
} else if (required) {
  it('PostgreSQL store contract', () => assert.fail(`${reason} (required: CI or `
    + 'LAUNCHDAY_REQUIRE_POSTGRES=1)'));
} else {
  it('PostgreSQL store contract', { skip: reason }, () => undefined);
}
