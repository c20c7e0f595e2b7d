// Where the PostgreSQL tests find their server, and what they do when it is not there: skip,
// naming why, except in CI or with LAUNCHDAY_REQUIRE_POSTGRES=1, where that is a failure.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import pg from 'pg';
export const postgresUrl = process.env.LAUNCHDAY_TEST_DATABASE_URL
    || 'postgres://postgres@127.0.0.1:5432/test';
const required = Boolean(process.env.CI) || process.env.LAUNCHDAY_REQUIRE_POSTGRES === '1';
/** Null when the server answers; otherwise why not. */
export async function postgresUnreachable() {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
    try {
        await client.connect();
        await client.query('SELECT 1');
        return null;
    }
    catch (err) {
        return `PostgreSQL at ${postgresUrl.replace(/\/\/[^@/]*@/, '//***@')} is unreachable: ${err.message}`;
    }
    finally {
        await client.end().catch(() => undefined);
    }
}
export const testSchema = () => `launchday_test_${randomBytes(6).toString('hex')}`;
export async function dropSchema(schema) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
    finally {
        await client.end();
    }
}
/** Registers `register` when PostgreSQL answers; otherwise one skipped or failing test. */
export async function withPostgres(name, register) {
    const reason = await postgresUnreachable();
    if (reason === null)
        register();
    else if (required) {
        it(name, () => assert.fail(`${reason} (required: CI or LAUNCHDAY_REQUIRE_POSTGRES=1)`));
    }
    else
        it(name, { skip: reason }, () => undefined);
}
//# sourceMappingURL=postgres.js.map