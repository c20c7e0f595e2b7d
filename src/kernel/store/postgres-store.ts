// The shared store: one PostgreSQL database for several API processes. Every batch operation is
// one round trip with array parameters (unnest), so a group commit of thousands of orders costs
// a handful of statements and never meets the 65,535 bind-parameter limit. Invariants that span
// processes rest on row locks taken inside the transaction (lockAccounts, ordersForUpdate,
// dueFirmOrders, takeNumbers), and transactions that lose a deadlock or a serialisation race are
// run again.
import { strict as assert } from 'node:assert';
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { CommitUnknown, isStoreUnavailable } from './store-unavailable.js';
import type { WindowCounts } from '../sliding-window.js';
import { composeParts, type AuditEntry, type RateHit, type Store, type StoreComposition,
  type StoreTx } from './store.js';

/** Connections each store holds at most: one per concurrent transaction or read. */
const POOL_CONNECTIONS_MAX = 10;
/** Attempts of one transaction that keeps losing deadlocks or serialisation races. */
const TRANSACTION_ATTEMPTS_MAX = 5;
const CONNECT_TIMEOUT_MS = 10_000;
/** How often a store deletes rate counters whose windows have both ended. */
const RATE_SWEEP_INTERVAL_MS = 60_000;
/**
 * Adds hits to sliding-window counters (kernel/sliding-window.ts's addHits, in SQL), all in one
 * statement: the row's old values are on the right of SET, so each update is atomic however
 * many processes hit the same key.
 */
const RATE_HITS = `INSERT INTO rate_windows AS r (key, window_ms, window_start_ms, previous,
  current) SELECT k, w, s, 0, c FROM unnest($1::text[], $2::bigint[], $3::bigint[],
  $4::bigint[]) AS h(k, w, s, c)
  ON CONFLICT (key) DO UPDATE SET
    previous = CASE WHEN r.window_start_ms >= EXCLUDED.window_start_ms THEN r.previous
      WHEN r.window_start_ms = EXCLUDED.window_start_ms - EXCLUDED.window_ms THEN r.current
      ELSE 0 END,
    current = CASE WHEN r.window_start_ms >= EXCLUDED.window_start_ms
      THEN r.current + EXCLUDED.current ELSE EXCLUDED.current END,
    window_start_ms = GREATEST(r.window_start_ms, EXCLUDED.window_start_ms),
    window_ms = EXCLUDED.window_ms
  RETURNING key, window_start_ms, previous, current`;

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);

// pg hands BIGINT over as a string because it may exceed 2^53; milliseconds and fen never do,
// and a value that did would be a bug worth stopping for.
function parseBigint(text: string): number {
  const n = Number(text);
  assert.ok(Number.isSafeInteger(n), `BIGINT ${text} is beyond a safe integer`);
  return n;
}
const types = {
  getTypeParser: ((oid: number, format?: string) => (oid === pg.types.builtins.INT8
    ? parseBigint : pg.types.getTypeParser(oid, format as 'text'))) as
    typeof pg.types.getTypeParser,
};

export type Queryable = pg.Pool | pg.PoolClient;

/** Whether a parameter is, or is an array holding, a string with NUL in it. */
const holdsNul = (p: unknown): boolean => (typeof p === 'string' ? p.includes('\u0000')
  : Array.isArray(p) && p.some(holdsNul));

export async function rows<R = Record<string, unknown>>(db: Queryable, sql: string,
  params: unknown[] = []): Promise<R[]> {
  // PostgreSQL refuses a text parameter holding NUL (an error, a 500) where SQLite simply finds
  // nothing; no stored text holds NUL, so a lookup by one finds nothing here too (store.ts).
  if (sql.startsWith('SELECT') && params.some(holdsNul)) return [];
  return (await db.query(sql, params)).rows as R[];
}

/** The kernel's own part of every transaction: the audit log and the meta table. */
class PostgresBaseTx {
  constructor(private readonly c: pg.PoolClient) {}

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.c.query('INSERT INTO audit_log (at_ms, actor, action, detail) '
      + 'VALUES ($1, $2, $3, $4)', [e.atMs, e.actor, e.action, JSON.stringify(e.detail)]);
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.c.query('INSERT INTO meta VALUES ($1, $2) ON CONFLICT (key) '
      + 'DO UPDATE SET value = EXCLUDED.value', [key, value]);
  }
}

/**
 * A capability's part of the PostgreSQL store (src/capabilities.ts lists them): its methods in a
 * transaction, on that transaction's connection (`shard`: the counter shard this process writes),
 * and its reads, on the pool. `beforeCommit` runs just before COMMIT, for writes a part holds
 * back until then. The transaction object is composed once per transaction (a batch), never
 * per command.
 */
export interface PostgresPart<Tx extends object, Reads extends object> {
  readonly name: string;
  writes(c: pg.PoolClient, shard: number): Tx;
  beforeCommit?(tx: Tx): Promise<void>;
  /**
   * Statements the part held back to send with the COMMIT, in its round trip (plain SQL text,
   * values already inlined: the simple protocol takes no parameters). A transaction that holds
   * a row lock other processes wait for (a drop's) thus releases it without waiting for this
   * process's event loop once more. A statement that fails makes the rest of the text, the
   * COMMIT too, not run: the transaction rolls back as on any failure.
   */
  commitWith?(tx: Tx): readonly CommitStatement[];
  reads(pool: Queryable): Reads;
}

/**
 * One statement sent with the COMMIT (PostgresPart.commitWith): its SQL text (exactly one
 * statement, values inlined), and what to do with its result once the server has answered
 * (`onResult`), when its sender needs the result (drops' holds decided in the database).
 */
export interface CommitStatement {
  readonly text: string;
  readonly onResult?: (result: pg.QueryResult) => void;
}

/**
 * Sends `statements` (and `after`, more SQL text, e.g. COMMIT) in one message on `client` and
 * hands each statement its own result. The simple protocol answers one result per statement,
 * or the result alone when there is one statement.
 */
export async function sendStatements(client: Pick<pg.PoolClient, 'query'>,
  statements: readonly CommitStatement[], after: readonly string[] = []):
  Promise<pg.QueryResult[]> {
  const texts = [...statements.map((s) => s.text), ...after];
  const reply = await client.query(texts.join(';\n')) as unknown as
    pg.QueryResult | pg.QueryResult[];
  const results = Array.isArray(reply) ? reply : [reply];
  statements.forEach((s, i) => s.onResult?.(results[i]!));
  return results;
}

/** A connection whose ROLLBACK failed: it must be dropped, not handed to the next caller. */
/** The connection cannot be used again: released as broken, its cause thrown on. */
class BrokenConnection extends Error {}

/**
 * Runs `fn` between BEGIN and COMMIT on `client`; ROLLBACK and rethrow on any failure. A connection lost during the COMMIT leaves the
 * outcome unknown (the server may have committed before the reply was lost): that is thrown as
 * `CommitUnknown`, never as a plain store failure, whose reply says nothing was done.
 */
export async function inTransaction<T>(client: Pick<pg.PoolClient, 'query'>,
  fn: () => Promise<T>, commitWith: () => readonly CommitStatement[] = () => [],
  lazyBegin = false): Promise<T> {
  const begin = lazyBegin ? deferBegin(client) : null;
  if (begin === null) await client.query('BEGIN');
  let committing = false;
  try {
    const result = await fn();
    const withCommit = commitWith();
    committing = true;
    // A transaction that sent nothing has nothing to commit.
    if (begin?.pending() === true && withCommit.length === 0) {
      begin.cancel();
      return result;
    }
    // One round trip: the statements held back, then COMMIT (simple protocol, one message).
    if (withCommit.length === 0) await client.query('COMMIT');
    else await sendStatements(client, withCommit, ['COMMIT']);
    return result;
  } catch (err) {
    if (committing && isStoreUnavailable(err)) {
      throw new BrokenConnection('COMMIT lost', { cause: new CommitUnknown(
        `the connection was lost during COMMIT: ${(err as Error).message}`, { cause: err }) });
    }
    // Nothing was sent: there is no transaction to roll back.
    if (begin?.pending() === true) {
      begin.cancel();
      throw err;
    }
    try {
      await client.query('ROLLBACK');
    } catch {
      throw new BrokenConnection('ROLLBACK failed', { cause: err });
    }
    throw err;
  }
}

/**
 * Holds `client`'s BEGIN back until its first statement, and sends it in the same message when
 * that statement is plain text with no parameters (the simple protocol: drops' lockAndRead), one
 * round trip instead of two; before any other first statement, BEGIN goes alone, as it did.
 * `client.query` is replaced on this connection until the first statement (then restored).
 * `pending()`: nothing has been sent yet; `cancel()`: the transaction ends without having sent
 * anything (`query` restored, the connection goes back to the pool as it came). For
 * PostgresStore.transaction's own connections, which only its parts use, by promises.
 */
function deferBegin(client: Pick<pg.PoolClient, 'query'>):
  { pending(): boolean; cancel(): void } {
  const target = client as { query: (...args: unknown[]) => Promise<unknown> };
  const own = Object.prototype.hasOwnProperty.call(target, 'query');
  const query = target.query;
  let pending = true;
  let began: Promise<unknown> | null = null;
  const restore = () => {
    if (own) target.query = query;
    else delete (target as { query?: unknown }).query;
  };
  target.query = async (...args: unknown[]) => {
    if (pending) {
      pending = false;
      if (args.length === 1 && typeof args[0] === 'string') {
        restore();
        const results = await query.call(target, `BEGIN;\n${args[0]}`) as pg.QueryResult[];
        const rest = results.slice(1);
        return rest.length === 1 ? rest[0] : rest;
      }
      began = query.call(target, 'BEGIN');
    }
    // Every statement issued before BEGIN's answer waits for it here and then goes in the order
    // it was issued; none is sent outside the transaction if BEGIN fails.
    await began;
    restore();
    return query.apply(target, args);
  };
  return { pending: () => pending, cancel: () => {
    pending = false;
    restore();
  } };
}

/**
 * Creates the schema and applies the missing migrations, each in its own transaction. An
 * advisory lock held to the end of each transaction makes a second process starting at the
 * same moment wait, then find the work done.
 */
async function migrate(pool: pg.Pool, schema: string | null,
  migrations: StoreComposition['migrations']): Promise<void> {
  const lockKey = `launchday.migrate:${schema ?? ''}`;
  const client = await pool.connect();
  try {
    const lock = (): Promise<unknown> =>
      client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
    await inTransaction(client, async () => {
      await lock();
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY '
        + 'KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)');
    });
    for (const m of migrations) {
      await inTransaction(client, async () => {
        await lock();
        const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1',
          [m.version]);
        if (done.rowCount !== 0) return;
        await client.query(m.sql('postgres'));
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)',
          [m.version, m.name, Date.now()]);
      });
    }
  } finally {
    client.release();
  }
}

/**
 * Adds server settings to those an `options` parameter of the URL may carry. pg lets the URL's
 * `options` replace the pool's, so they are moved out of the URL and merged, ours last.
 */
function withSettings(url: string, settings: readonly string[]):
  { connectionString: string; options: string } {
  if (!/[?&]options=/.test(url)) return { connectionString: url, options: settings.join(' ') };
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options') ?? '';
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), options: [given, ...settings].join(' ').trim() };
}

export interface PostgresStoreOptions {
  /** A schema of its own (created if missing) instead of the connection's default. */
  readonly schema?: string;
}

/** The store's read methods come from the parts (composeParts), assigned in the constructor. */
export interface PostgresStore extends Store {}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  /** The counter shard this instance writes, so processes never queue on one counter row. */
  readonly shard = randomInt(0, 2 ** 31 - 1);

  private constructor(private readonly pool: pg.Pool,
    private readonly composition: StoreComposition) {
    Object.assign(this, composeParts(composition.postgres.map((p) => p.reads(pool))));
  }

  /** `composition`: the capabilities' parts and migrations (src/stores.ts). */
  static async open(url: string, composition: StoreComposition,
    options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const schema = options.schema ?? null;
    if (schema !== null) {
      assert.ok(/^[a-z_][a-z0-9_]{0,62}$/.test(schema), `schema "${schema}" is not a plain name`);
    }
    // synchronous_commit is stated, not inherited: a commit that returns is on disk.
    const settings = ['-c synchronous_commit=on'];
    if (schema !== null) settings.push(`-c search_path=${schema}`);
    const connection = withSettings(url, settings);
    const pool = new pg.Pool({ ...connection, max: POOL_CONNECTIONS_MAX,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types });
    // A connection that dies (the database restarts: 57P01, or its socket closes) emits
    // 'error', and an 'error' nobody listens for ends the process. The pool listens for its
    // idle connections and drops them; a connection checked out by a transaction or a read is
    // the pool's no longer, so each gets a listener of its own for its whole life. Its query
    // fails instead, the transaction rolls back (on the server, with the session), the client
    // is released as broken, and the pool opens fresh connections once the database is back.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    try {
      await migrate(pool, schema, composition.migrations);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool, composition);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        const parts = this.composition.postgres;
        let own: object[] = [];
        return await inTransaction(client, async () => {
          own = parts.map((p) => p.writes(client, this.shard));
          const tx = composeParts([new PostgresBaseTx(client), ...own]) as StoreTx;
          const result = await fn(tx);
          for (let i = 0; i < parts.length; i++) await parts[i]!.beforeCommit?.(own[i]!);
          return result;
        }, () => parts.flatMap((p, i) => p.commitWith?.(own[i]!) ?? []), true);
      } catch (err) {
        if (err instanceof BrokenConnection) broken = err;
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && RETRYABLE.has(code) && !broken
          && attempt < TRANSACTION_ATTEMPTS_MAX) continue;
        throw broken ? (err as Error).cause : err;
      } finally {
        client.release(broken);
      }
    }
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    return (await rows(this.pool, 'SELECT * FROM audit_log ORDER BY entry_id DESC LIMIT $1',
      [limit])).map((r) => ({
      atMs: Number(r.at_ms), actor: String(r.actor), action: String(r.action),
      detail: JSON.parse(String(r.detail)),
    }));
  }

  async meta(key: string): Promise<string | null> {
    const [r] = await rows<{ value: string }>(this.pool, 'SELECT value FROM meta WHERE key = $1',
      [key]);
    return r ? r.value : null;
  }

  async hitRates(hits: readonly RateHit[], nowMs: number): Promise<WindowCounts[]> {
    if (hits.length === 0) return [];
    // Rows are written in key order, so two statements never wait on each other's rows.
    const sorted = [...hits].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const found = await rows<{ key: string; window_start_ms: number; previous: number;
      current: number }>(this.pool, RATE_HITS, [sorted.map((h) => h.key),
      sorted.map((h) => h.windowMs), sorted.map((h) => Math.floor(nowMs / h.windowMs) * h.windowMs),
      sorted.map((h) => h.cost)]);
    const byKey = new Map(found.map((r) => [r.key, { windowStartMs: Number(r.window_start_ms),
      previous: Number(r.previous), current: Number(r.current) }]));
    if (nowMs - this.#ratesSweptAtMs >= RATE_SWEEP_INTERVAL_MS) {
      this.#ratesSweptAtMs = nowMs;
      void this.pool.query('DELETE FROM rate_windows WHERE window_start_ms + 2 * window_ms <= $1',
        [nowMs]).catch(() => undefined);
    }
    return hits.map((h) => byKey.get(h.key)!);
  }

  #ratesSweptAtMs = -Infinity;

  async close(): Promise<void> {
    await this.pool.end();
  }
}
