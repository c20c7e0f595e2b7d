// The shared store: one PostgreSQL database for several API processes. Every batch operation is
// one round trip with array parameters (unnest), so a group commit of thousands of orders costs
// a handful of statements and never meets the 65,535 bind-parameter limit. Invariants that span
// processes rest on row locks taken inside the transaction (lockAccounts, ordersForUpdate,
// dueFirmOrders, takeNumbers), and transactions that lose a deadlock or a serialisation race are
// run again.
import { strict as assert } from 'node:assert';
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { mergeDeltas, type CounterDelta } from '../domain/launch-stats.js';
import type { Launch } from '../domain/launch.js';
import type { ChangeWindow, Order } from '../domain/order.js';
import { ORDER_COLUMNS, orderToValues, rowToOrder, type OrderRow } from './order-row.js';
import { anomalyFromRow, nullableMs, refundFromRow } from './payment-rows.js';
import { migrations } from './sql-schema.js';
import { CommitUnknown, isStoreUnavailable } from './store-unavailable.js';
import type { WindowCounts } from '../domain/sliding-window.js';
import type {
  Account, AuditEntry, IdempotencyRef, OneTimeCode, Operator, OrderEvent, PaymentAnomaly,
  PaymentOp, RateHit, Store, StoreTx, UnsettledRefund,
} from './store.js';
import type { Session } from '../domain/session.js';
import { operatorFromRow, sessionFromRow } from './session-row.js';

/** Connections each store holds at most: one per concurrent transaction or read. */
const POOL_CONNECTIONS_MAX = 10;
/** Attempts of one transaction that keeps losing deadlocks or serialisation races. */
const TRANSACTION_ATTEMPTS_MAX = 5;
const CONNECT_TIMEOUT_MS = 10_000;
/** How often a store deletes rate counters whose windows have both ended. */
const RATE_SWEEP_INTERVAL_MS = 60_000;
/**
 * Adds hits to sliding-window counters (domain/sliding-window.ts's addHits, in SQL), all in one
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

/** The array type of each order column, for inserts and updates through unnest. */
const ORDER_COLUMN_TYPES: Record<(typeof ORDER_COLUMNS)[number], string> = {
  order_id: 'text', account_id: 'text', launch_id: 'text', model_id: 'text', trim: 'text',
  options: 'text', city: 'text', status: 'text', price_fen: 'bigint', deposit_fen: 'bigint',
  deposit_state: 'text', created_at_ms: 'bigint', cooling_off_ends_at_ms: 'bigint',
  locked_at_ms: 'bigint', cancelled_at_ms: 'bigint', queued_at_ms: 'bigint',
  queue_place: 'bigint', trim_seq: 'bigint', changed_in_window_id: 'text',
  idempotency_key: 'text', request_hash: 'text', version: 'integer',
};
const ORDER_UNNEST = `unnest(${ORDER_COLUMNS.map((c, i) => `$${i + 1}::${ORDER_COLUMN_TYPES[c]}[]`)
  .join(', ')})`;
const ORDER_INSERT = `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}) SELECT * FROM ${
  ORDER_UNNEST}`;
const ORDER_UPDATE = `UPDATE orders AS o SET ${ORDER_COLUMNS.slice(1).map((c) => `${c} = u.${c}`)
  .join(', ')} FROM ${ORDER_UNNEST} AS u(${ORDER_COLUMNS.join(', ')}) `
  + 'WHERE o.order_id = u.order_id';

/** Column-wise arrays of the orders: one array parameter per column. */
function orderColumns(orders: readonly Order[]): unknown[][] {
  const cols: unknown[][] = ORDER_COLUMNS.map(() => []);
  for (const o of orders) orderToValues(o).forEach((v, i) => cols[i]!.push(v));
  return cols;
}

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

function accountFromRow(r: Record<string, unknown> | undefined): Account | null {
  if (!r) return null;
  return { accountId: String(r.account_id), phone: String(r.phone), name: String(r.name),
    idNumber: String(r.id_number), createdAtMs: Number(r.created_at_ms) };
}

const byOrderId = (rows: OrderRow[]): Map<string, Order> =>
  new Map(rows.map((r) => [String(r.order_id), rowToOrder(r)]));

type Queryable = pg.Pool | pg.PoolClient;

/** Whether a parameter is, or is an array holding, a string with NUL in it. */
const holdsNul = (p: unknown): boolean => (typeof p === 'string' ? p.includes('\u0000')
  : Array.isArray(p) && p.some(holdsNul));

async function rows<R = Record<string, unknown>>(db: Queryable, sql: string,
  params: unknown[] = []): Promise<R[]> {
  // PostgreSQL refuses a text parameter holding NUL (an error, a 500) where SQLite simply finds
  // nothing; no stored text holds NUL, so a lookup by one finds nothing here too (store.ts).
  if (sql.startsWith('SELECT') && params.some(holdsNul)) return [];
  return (await db.query(sql, params)).rows as R[];
}

class PostgresTx implements StoreTx {
  readonly #counters: CounterDelta[] = [];

  constructor(private readonly c: pg.PoolClient, private readonly shard: number) {}

  async insertAccount(a: Account, tokenHash: string | null): Promise<void> {
    await this.c.query('INSERT INTO accounts VALUES ($1, $2, $3, $4, $5)',
      [a.accountId, a.phone, a.name, a.idNumber, a.createdAtMs]);
    if (tokenHash !== null) await this.insertToken(tokenHash, a.accountId, a.createdAtMs);
  }

  async registered(phones: readonly string[], idNumbers: readonly string[]) {
    const found = { phones: new Set<string>(), idNumbers: new Set<string>() };
    if (phones.length > 0) {
      for (const r of await rows<{ phone: string }>(this.c,
        'SELECT phone FROM accounts WHERE phone = ANY($1::text[])', [phones])) {
        found.phones.add(r.phone);
      }
    }
    if (idNumbers.length > 0) {
      for (const r of await rows<{ id_number: string }>(this.c,
        'SELECT id_number FROM accounts WHERE id_number = ANY($1::text[])', [idNumbers])) {
        found.idNumbers.add(r.id_number);
      }
    }
    return found;
  }

  async insertToken(tokenHash: string, accountId: string, atMs: number): Promise<void> {
    await this.c.query('INSERT INTO tokens (token_hash, account_id, created_at_ms, '
      + 'last_seen_at_ms) VALUES ($1, $2, $3, $3)', [tokenHash, accountId, atMs]);
  }

  async touchSessions(tokenHashes: readonly string[], atMs: number): Promise<void> {
    if (tokenHashes.length === 0) return;
    await this.c.query('UPDATE tokens SET last_seen_at_ms = $1 WHERE token_hash = ANY($2::text[]) '
      + 'AND last_seen_at_ms < $1', [atMs, tokenHashes]);
  }

  async revokeSessions(accountId: string, tokenHashes: readonly string[] | null, atMs: number):
    Promise<string[]> {
    const r = await rows<{ token_hash: string }>(this.c, 'UPDATE tokens SET revoked_at_ms = $1 '
      + 'WHERE account_id = $2 AND revoked_at_ms IS NULL '
      + 'AND ($3::text[] IS NULL OR token_hash = ANY($3::text[])) RETURNING token_hash',
    [atMs, accountId, tokenHashes]);
    return r.map((x) => x.token_hash);
  }

  async putOperator(o: Operator): Promise<void> {
    await this.c.query('INSERT INTO operators VALUES ($1, $2, $3, $4) ON CONFLICT (name) '
      + 'DO UPDATE SET token_hash = EXCLUDED.token_hash',
    [o.name, o.tokenHash, o.createdAtMs, o.createdBy]);
  }

  async deleteOperator(name: string): Promise<boolean> {
    return ((await this.c.query('DELETE FROM operators WHERE name = $1', [name])).rowCount ?? 0)
      === 1;
  }

  async putCode(c: OneTimeCode): Promise<void> {
    await this.c.query('INSERT INTO one_time_codes VALUES ($1, $2, $3, $4) ON CONFLICT (phone) '
      + 'DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at_ms = EXCLUDED.expires_at_ms, '
      + 'attempts = EXCLUDED.attempts', [c.phone, c.codeHash, c.expiresAtMs, c.attempts]);
  }

  async getCode(phone: string): Promise<OneTimeCode | null> {
    // Locked for the transaction: the sign-in that reads the attempt count writes it back, and
    // parallel guesses must each see the ones before (read committed would let them all pass).
    const [r] = await rows(this.c, 'SELECT * FROM one_time_codes WHERE phone = $1 FOR UPDATE',
      [phone]);
    return r ? { phone, codeHash: String(r.code_hash), expiresAtMs: Number(r.expires_at_ms),
      attempts: Number(r.attempts) } : null;
  }

  async deleteCode(phone: string): Promise<void> {
    await this.c.query('DELETE FROM one_time_codes WHERE phone = $1', [phone]);
  }

  // Locks are taken in one sorted pass, so two transactions over overlapping sets of accounts
  // always meet in the same order and cannot deadlock each other here.
  async lockAccounts(accountIds: readonly string[]): Promise<void> {
    if (accountIds.length === 0) return;
    await this.c.query('SELECT account_id FROM accounts WHERE account_id = ANY($1::text[]) '
      + 'ORDER BY account_id FOR UPDATE', [accountIds]);
  }

  async ordersByIdempotency(refs: readonly IdempotencyRef[]): Promise<Order[]> {
    if (refs.length === 0) return [];
    const found = await rows<OrderRow>(this.c, 'SELECT * FROM orders WHERE '
      + '(account_id, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
    [refs.map((r) => r.accountId), refs.map((r) => r.key)]);
    const byRef = new Map(found.map((r) =>
      [`${String(r.account_id)}\u0000${String(r.idempotency_key)}`, rowToOrder(r)]));
    return refs.flatMap((r) => byRef.get(`${r.accountId}\u0000${r.key}`) ?? []);
  }

  async activeOrderCounts(launchId: string, accountIds: readonly string[]) {
    const out = new Map<string, number>();
    if (accountIds.length === 0) return out;
    // Each buyer's few orders are read through the account's index. Written as one filter,
    // the planner could take the launch's index instead, on statistics that lag a stampede, and
    // read every order of the launch for each batch (seen: 33,000 rows, 17 ms). `|| ''` keeps
    // the launch index out of reach, as the unary + does on SQLite.
    for (const r of await rows<{ account_id: string; n: number }>(this.c,
      'SELECT a AS account_id, c.n FROM unnest($2::text[]) AS a CROSS JOIN LATERAL '
      + "(SELECT count(*) AS n FROM orders o WHERE o.account_id = a AND o.launch_id || '' = $1 "
      + "AND o.status <> 'cancelled') AS c WHERE c.n > 0",
      [launchId, accountIds])) out.set(r.account_id, r.n);
    return out;
  }

  async ordersForUpdate(orderIds: readonly string[]): Promise<Order[]> {
    if (orderIds.length === 0) return [];
    const found = byOrderId(await rows<OrderRow>(this.c, 'SELECT * FROM orders '
      + 'WHERE order_id = ANY($1::text[]) ORDER BY order_id FOR UPDATE', [orderIds]));
    return orderIds.flatMap((id) => found.get(id) ?? []);
  }

  // The rows are locked: two processes sweeping at once must not both lock the same order.
  // The second waits, then sees the order no longer firm and leaves it out.
  async dueFirmOrders(nowMs: number, limit: number): Promise<Order[]> {
    return (await rows<OrderRow>(this.c, "SELECT * FROM orders WHERE status = 'firm' "
      + 'AND cooling_off_ends_at_ms <= $1 ORDER BY cooling_off_ends_at_ms, order_id LIMIT $2 '
      + 'FOR UPDATE', [nowMs, limit])).map(rowToOrder);
  }

  async insertOrders(orders: readonly Order[]): Promise<void> {
    if (orders.length === 0) return;
    await this.c.query(ORDER_INSERT, orderColumns(orders));
  }

  async updateOrders(orders: readonly Order[]): Promise<void> {
    // The last version of an order given twice wins, as it would written one by one.
    const unique = [...new Map(orders.map((o) => [o.orderId, o])).values()];
    if (unique.length === 0) return;
    const r = await this.c.query(ORDER_UPDATE, orderColumns(unique));
    if (r.rowCount !== unique.length) {
      throw new Error(`${unique.length - (r.rowCount ?? 0)} orders vanished during update`);
    }
  }

  async insertEvents(events: readonly OrderEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Ordinality keeps event ids, and so the history of each order, in the order given.
    await this.c.query('INSERT INTO order_events (order_id, at_ms, type, actor, detail) '
      + 'SELECT order_id, at_ms, type, actor, detail FROM unnest($1::text[], $2::bigint[], '
      + '$3::text[], $4::text[], $5::text[]) WITH ORDINALITY '
      + 'AS e(order_id, at_ms, type, actor, detail, n) ORDER BY n',
    [events.map((e) => e.orderId), events.map((e) => e.atMs), events.map((e) => e.type),
      events.map((e) => e.actor), events.map((e) => JSON.stringify(e.detail))]);
  }

  async lockSequences(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    // The upsert writes nothing new but takes each row's lock, in the order of the sorted list.
    await this.c.query('INSERT INTO sequences AS s (name, last) SELECT n, 0 FROM '
      + 'unnest($1::text[]) WITH ORDINALITY AS u(n, i) ORDER BY i '
      + 'ON CONFLICT (name) DO UPDATE SET last = s.last', [names]);
  }

  async takeNumbers(sequence: string, count: number): Promise<number> {
    const [r] = await rows<{ last: number }>(this.c, 'INSERT INTO sequences AS s (name, last) '
      + 'VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET last = s.last + EXCLUDED.last '
      + 'RETURNING last', [sequence, count]);
    return r!.last - count + 1;
  }

  async releaseSeq(trimKey: string, seq: number): Promise<void> {
    await this.c.query('INSERT INTO released_seqs VALUES ($1, $2)', [trimKey, seq]);
  }

  /**
   * Counter changes are kept and written once, just before COMMIT: every transaction then locks
   * the counter rows it changes last, all at once and in one order, after whatever else it
   * locked, so that no two transactions can wait for each other's rows in a cycle.
   */
  async addCounters(deltas: readonly CounterDelta[]): Promise<void> {
    this.#counters.push(...deltas);
  }

  async writeCounters(): Promise<void> {
    // One row may be touched once per statement, and every transaction locks its rows in one
    // order so that none waits for another in a cycle: mergeDeltas sums repeats and sorts.
    const all = mergeDeltas(this.#counters.splice(0));
    if (all.length === 0) return;
    await this.c.query('INSERT INTO counters AS c (launch_id, key, shard, value) '
      + 'SELECT l, k, $3, v FROM unnest($1::text[], $2::text[], $4::bigint[]) '
      + 'WITH ORDINALITY AS d(l, k, v, i) ORDER BY i '
      + 'ON CONFLICT (launch_id, key, shard) DO UPDATE SET value = c.value + EXCLUDED.value',
    [all.map((d) => d.launchId), all.map((d) => d.key), this.shard, all.map((d) => d.delta)]);
  }

  async putLaunch(launch: Launch): Promise<void> {
    await this.c.query('INSERT INTO launches VALUES ($1, $2) ON CONFLICT (launch_id) '
      + 'DO UPDATE SET doc = EXCLUDED.doc', [launch.launchId, JSON.stringify(launch)]);
  }

  async putChangeWindow(w: ChangeWindow): Promise<void> {
    await this.c.query('INSERT INTO change_windows VALUES ($1, $2) ON CONFLICT (window_id) '
      + 'DO UPDATE SET doc = EXCLUDED.doc', [w.windowId, JSON.stringify(w)]);
  }

  async changeWindows(): Promise<ChangeWindow[]> {
    return changeWindows(this.c);
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.c.query('INSERT INTO audit_log (at_ms, actor, action, detail) '
      + 'VALUES ($1, $2, $3, $4)', [e.atMs, e.actor, e.action, JSON.stringify(e.detail)]);
  }

  async queuePayment(op: PaymentOp): Promise<void> {
    await this.c.query('INSERT INTO payment_outbox (op_id, kind, reference, order_id, '
      + 'amount_fen, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)',
      [op.opId, op.kind, op.reference, op.orderId, op.amountFen, op.createdAtMs]);
  }

  async markPaymentsSent(opIds: readonly string[], atMs: number): Promise<void> {
    if (opIds.length === 0) return;
    await this.c.query('UPDATE payment_outbox SET sent_at_ms = $1 WHERE op_id = ANY($2::text[])',
      [atMs, opIds]);
  }

  async recordNotification(eventId: string, type: string, reference: string, atMs: number):
    Promise<boolean> {
    const r = await this.c.query('INSERT INTO payment_events (event_id, type, reference, '
      + 'received_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (event_id, reference) DO NOTHING',
    [eventId, type, reference, atMs]);
    return r.rowCount === 1;
  }

  async refundOf(reference: string) {
    const [r] = await rows(this.c, "SELECT * FROM payment_outbox WHERE reference = $1 "
      + "AND kind = 'refund' ORDER BY created_at_ms LIMIT 1", [reference]);
    return r ? { ...refundFromRow(r), settledAtMs: nullableMs(r.settled_at_ms) } : null;
  }

  async markRefundsChecked(opIds: readonly string[], atMs: number): Promise<void> {
    if (opIds.length === 0) return;
    await this.c.query('UPDATE payment_outbox SET checked_at_ms = $1 '
      + 'WHERE op_id = ANY($2::text[])', [atMs, opIds]);
  }

  async recordPaymentAnomaly(a: PaymentAnomaly): Promise<void> {
    await this.c.query('INSERT INTO payment_anomalies (at_ms, kind, reference, event_id, detail) '
      + 'VALUES ($1, $2, $3, $4, $5)',
    [a.atMs, a.kind, a.reference, a.eventId, JSON.stringify(a.detail)]);
  }

  async settleRefund(reference: string, atMs: number): Promise<string | null> {
    const r = await rows<{ order_id: string }>(this.c, 'UPDATE payment_outbox SET '
      + "settled_at_ms = $1 WHERE reference = $2 AND kind = 'refund' AND settled_at_ms IS NULL "
      + 'RETURNING order_id', [atMs, reference]);
    return r[0]?.order_id ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.c.query('INSERT INTO meta VALUES ($1, $2) ON CONFLICT (key) '
      + 'DO UPDATE SET value = EXCLUDED.value', [key, value]);
  }
}

async function changeWindows(db: Queryable): Promise<ChangeWindow[]> {
  return (await rows<{ doc: string }>(db, 'SELECT doc FROM change_windows ORDER BY window_id'))
    .map((r) => JSON.parse(r.doc));
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
  fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  let committing = false;
  try {
    const result = await fn();
    committing = true;
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (committing && isStoreUnavailable(err)) {
      throw new BrokenConnection('COMMIT lost', { cause: new CommitUnknown(
        `the connection was lost during COMMIT: ${(err as Error).message}`, { cause: err }) });
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
 * Creates the schema and applies the missing migrations, each in its own transaction. An
 * advisory lock held to the end of each transaction makes a second process starting at the
 * same moment wait, then find the work done.
 */
async function migrate(pool: pg.Pool, schema: string | null): Promise<void> {
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

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  /** The counter shard this instance writes, so processes never queue on one counter row. */
  readonly shard = randomInt(0, 2 ** 31 - 1);

  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
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
      await migrate(pool, schema);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        return await inTransaction(client, async () => {
          const tx = new PostgresTx(client, this.shard);
          const result = await fn(tx);
          await tx.writeCounters();
          return result;
        });
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

  async launches(): Promise<Launch[]> {
    return (await rows<{ doc: string }>(this.pool, 'SELECT doc FROM launches ORDER BY launch_id'))
      .map((r) => JSON.parse(r.doc));
  }

  async #account(where: string, value: string): Promise<Account | null> {
    const [r] = await rows(this.pool, `SELECT * FROM accounts WHERE ${where} = $1`, [value]);
    return accountFromRow(r);
  }

  async sessionByToken(tokenHash: string):
    Promise<{ session: Session; account: Account } | null> {
    const [r] = await rows(this.pool, 'SELECT a.*, t.token_hash, t.created_at_ms AS t_created, '
      + 't.last_seen_at_ms, t.revoked_at_ms FROM tokens t JOIN accounts a USING (account_id) '
      + 'WHERE t.token_hash = $1', [tokenHash]);
    return r ? { session: sessionFromRow({ ...r, created_at_ms: r.t_created }),
      account: accountFromRow(r)! } : null;
  }

  async sessionsOf(accountId: string, limit: number): Promise<Session[]> {
    return (await rows(this.pool, 'SELECT * FROM tokens WHERE account_id = $1 '
      + 'AND revoked_at_ms IS NULL ORDER BY created_at_ms DESC, token_hash LIMIT $2',
    [accountId, limit])).map(sessionFromRow);
  }

  async operatorByToken(tokenHash: string): Promise<Operator | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM operators WHERE token_hash = $1',
      [tokenHash]);
    return operatorFromRow(r);
  }

  async operators(): Promise<Operator[]> {
    return (await rows(this.pool, 'SELECT * FROM operators ORDER BY name'))
      .map((r) => operatorFromRow(r)!);
  }

  accountByPhone(phone: string): Promise<Account | null> {
    return this.#account('phone', phone);
  }

  accountByIdNumber(idNumber: string): Promise<Account | null> {
    return this.#account('id_number', idNumber);
  }

  accountById(accountId: string): Promise<Account | null> {
    return this.#account('account_id', accountId);
  }

  async order(orderId: string): Promise<Order | null> {
    const [r] = await rows<OrderRow>(this.pool, 'SELECT * FROM orders WHERE order_id = $1',
      [orderId]);
    return r ? rowToOrder(r) : null;
  }

  async ordersOfAccount(accountId: string, limit: number): Promise<Order[]> {
    return (await rows<OrderRow>(this.pool, 'SELECT * FROM orders WHERE account_id = $1 '
      + 'ORDER BY created_at_ms DESC, order_id DESC LIMIT $2', [accountId, limit]))
      .map(rowToOrder);
  }

  async ordersOfLaunch(launchId: string, afterOrderId: string, limit: number): Promise<Order[]> {
    return (await rows<OrderRow>(this.pool, 'SELECT * FROM orders WHERE launch_id = $1 '
      + 'AND order_id > $2 ORDER BY order_id LIMIT $3', [launchId, afterOrderId, limit]))
      .map(rowToOrder);
  }

  async orderEvents(orderId: string): Promise<OrderEvent[]> {
    return (await rows(this.pool, 'SELECT * FROM order_events WHERE order_id = $1 '
      + 'ORDER BY event_id', [orderId])).map((r) => ({
      orderId, atMs: Number(r.at_ms), type: String(r.type), actor: String(r.actor),
      detail: JSON.parse(String(r.detail)),
    }));
  }

  async counters(launchId: string, fromKey?: string): Promise<Map<string, number>> {
    const found = await rows<{ key: string; value: number }>(this.pool, 'SELECT key, '
      + 'sum(value)::bigint AS value FROM counters WHERE launch_id = $1'
      + `${fromKey === undefined ? '' : ' AND key >= $2'} GROUP BY key`,
    fromKey === undefined ? [launchId] : [launchId, fromKey]);
    return new Map(found.map((r) => [r.key, r.value]));
  }

  changeWindows(): Promise<ChangeWindow[]> {
    return changeWindows(this.pool);
  }

  async releasedBefore(trimKey: string, seq: number): Promise<number> {
    const [r] = await rows<{ n: number }>(this.pool, 'SELECT count(*) AS n FROM released_seqs '
      + 'WHERE trim_key = $1 AND seq < $2', [trimKey, seq]);
    return r?.n ?? 0; // no row: the key held NUL (rows())
  }

  async pendingPayments(limit: number): Promise<PaymentOp[]> {
    return (await rows(this.pool, 'SELECT * FROM payment_outbox WHERE sent_at_ms IS NULL '
      + 'ORDER BY created_at_ms, op_id LIMIT $1', [limit])).map((r) => ({
      opId: String(r.op_id), kind: 'refund', reference: String(r.reference),
      orderId: String(r.order_id), amountFen: Number(r.amount_fen),
      createdAtMs: Number(r.created_at_ms),
    }));
  }

  async orderByIdempotency(accountId: string, key: string): Promise<Order | null> {
    const [r] = await rows<OrderRow>(this.pool, 'SELECT * FROM orders WHERE account_id = $1 '
      + 'AND idempotency_key = $2', [accountId, key]);
    return r ? rowToOrder(r) : null;
  }

  async refundsToCheck(checkedBeforeMs: number, limit: number): Promise<UnsettledRefund[]> {
    return (await rows(this.pool, 'SELECT * FROM payment_outbox WHERE settled_at_ms IS NULL '
      + 'AND sent_at_ms IS NOT NULL AND coalesce(checked_at_ms, sent_at_ms) <= $1 '
      + 'ORDER BY created_at_ms, op_id LIMIT $2', [checkedBeforeMs, limit])).map(refundFromRow);
  }

  async unsettledRefunds(createdBeforeMs: number, limit: number) {
    const [c] = await rows<{ n: number }>(this.pool, 'SELECT count(*) AS n FROM payment_outbox '
      + 'WHERE settled_at_ms IS NULL AND created_at_ms <= $1', [createdBeforeMs]);
    const refunds = (await rows(this.pool, 'SELECT * FROM payment_outbox WHERE settled_at_ms '
      + 'IS NULL AND created_at_ms <= $1 ORDER BY created_at_ms, op_id LIMIT $2',
    [createdBeforeMs, limit])).map(refundFromRow);
    return { count: Number(c!.n), refunds };
  }

  async paymentAnomalies(limit: number): Promise<PaymentAnomaly[]> {
    return (await rows(this.pool, 'SELECT * FROM payment_anomalies ORDER BY anomaly_id DESC '
      + 'LIMIT $1', [limit])).map(anomalyFromRow);
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
