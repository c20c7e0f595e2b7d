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
export async function postgresUnreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `PostgreSQL at ${postgresUrl.replace(/\/\/[^@/]*@/, '//***@')} is unreachable: ${
      (err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const testSchema = (): string => `launchday_test_${randomBytes(6).toString('hex')}`;

/**
 * For a suite run on both stores that makes a server per test: `env()` names a fresh schema of
 * the shared server each call (the variables a harness takes), and `dropAll()` drops every one
 * made since the last drop.
 */
export function freshSchemas(): { env: () => Record<string, string>;
  dropAll: () => Promise<void> } {
  const made: string[] = [];
  return {
    env: () => {
      made.push(testSchema());
      return { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: made.at(-1)! };
    },
    dropAll: async () => {
      for (const schema of made.splice(0)) await dropSchema(schema);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Registers `register` when PostgreSQL answers; otherwise one skipped or failing test. */
export async function withPostgres(name: string, register: () => void): Promise<void> {
  const reason = await postgresUnreachable();
  if (reason === null) register();
  else if (required) {
    it(name, () => assert.fail(`${reason} (required: CI or LAUNCHDAY_REQUIRE_POSTGRES=1)`));
  } else it(name, { skip: reason }, () => undefined);
}

/**
 * Runs `fn` with the text of every message sent on a PostgreSQL connection pushed on `sent`
 * (one per round trip: node-postgres sends a query and waits for its reply before the next).
 */
export async function spying<T>(sent: string[], fn: () => Promise<T>): Promise<T> {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const query = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0];
    sent.push(typeof q === 'string' ? q : String((q as { text?: unknown })?.text ?? q));
    return query.apply(this, args);
  };
  try {
    return await fn();
  } finally {
    proto.query = query;
  }
}
