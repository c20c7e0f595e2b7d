// The embedded store: one SQLite file in WAL mode, with the WAL flushed to disk before a
// transaction returns. Writes use one connection, serialised; reads use a second connection that
// only ever sees committed data.
import Database from 'better-sqlite3';
import { closeSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CounterDelta } from '../domain/launch-stats.js';
import type { Launch } from '../domain/launch.js';
import type { ChangeWindow, Order } from '../domain/order.js';
import type { Session } from '../domain/session.js';
import { ORDER_COLUMNS, orderToValues, rowToOrder, type OrderRow } from './order-row.js';
import { GroupSync } from './group-sync.js';
import { anomalyFromRow, nullableMs, refundFromRow } from './payment-rows.js';
import { operatorFromRow, sessionFromRow } from './session-row.js';
import { migrations } from './sql-schema.js';
import { MemoryRateCounter } from './memory-rate-counter.js';
import type { WindowCounts } from '../domain/sliding-window.js';
import type {
  Account, AuditEntry, IdempotencyRef, OneTimeCode, Operator, OrderEvent, PaymentAnomaly,
  PaymentOp, RateHit, Store, StoreTx, UnsettledRefund,
} from './store.js';

type Db = Database.Database;

/**
 * How often the checkpoint worker copies the WAL back into the database file. A page written by
 * many commits in between (the last page of a table or an index) is copied once: 250 ms took
 * half the worker's time per order of 50 ms under `npm run bench` (docs/benchmarks.md).
 */
const CHECKPOINT_INTERVAL_MS = 250;
/** Commits between the writer's own checkpoints, after which the WAL starts over. */
const COMMITS_PER_CATCH_UP = 200;
/** How long after the checkpoint worker died a new one starts. */
const CHECKPOINTER_RESTART_MS = 1_000;
/** Size the WAL file is cut back to when it starts over. */
const WAL_BYTES_KEPT = 64 * 1024 * 1024;

const ORDER_INSERT = `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}) VALUES (${
  ORDER_COLUMNS.map(() => '?').join(', ')})`;
const ORDER_UPDATE = `UPDATE orders SET ${ORDER_COLUMNS.slice(1).map((c) => `${c} = ?`)
  .join(', ')} WHERE order_id = ?`;

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, '
    + 'name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)');
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all());
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql('sqlite'));
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)')
        .run(m.version, m.name, Date.now());
    }).immediate();
  }
}

function accountFromRow(r: Record<string, unknown> | undefined): Account | null {
  if (!r) return null;
  return { accountId: String(r.account_id), phone: String(r.phone), name: String(r.name),
    idNumber: String(r.id_number), createdAtMs: Number(r.created_at_ms) };
}

class SqliteTx implements StoreTx {
  constructor(private readonly s: Statements) {}

  async insertAccount(a: Account, tokenHash: string | null): Promise<void> {
    this.s.insertAccount.run(a.accountId, a.phone, a.name, a.idNumber, a.createdAtMs);
    if (tokenHash !== null) {
      this.s.insertToken.run(tokenHash, a.accountId, a.createdAtMs, a.createdAtMs);
    }
  }

  async registered(phones: readonly string[], idNumbers: readonly string[]) {
    const found = { phones: new Set<string>(), idNumbers: new Set<string>() };
    for (const p of phones) if (this.s.phoneExists.get(p)) found.phones.add(p);
    for (const i of idNumbers) if (this.s.idNumberExists.get(i)) found.idNumbers.add(i);
    return found;
  }

  async insertToken(tokenHash: string, accountId: string, atMs: number): Promise<void> {
    this.s.insertToken.run(tokenHash, accountId, atMs, atMs);
  }

  async touchSessions(tokenHashes: readonly string[], atMs: number): Promise<void> {
    for (const h of tokenHashes) this.s.touchSession.run(atMs, h, atMs);
  }

  async revokeSessions(accountId: string, tokenHashes: readonly string[] | null, atMs: number):
    Promise<string[]> {
    if (tokenHashes === null) {
      return this.s.revokeAllSessions.pluck().all(atMs, accountId) as string[];
    }
    const out: string[] = [];
    for (const h of tokenHashes) {
      const r = this.s.revokeSession.pluck().get(atMs, h, accountId) as string | undefined;
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  async putOperator(o: Operator): Promise<void> {
    this.s.putOperator.run(o.name, o.tokenHash, o.createdAtMs, o.createdBy);
  }

  async deleteOperator(name: string): Promise<boolean> {
    return this.s.deleteOperator.run(name).changes === 1;
  }

  async putCode(c: OneTimeCode): Promise<void> {
    this.s.putCode.run(c.phone, c.codeHash, c.expiresAtMs, c.attempts);
  }

  async getCode(phone: string): Promise<OneTimeCode | null> {
    const r = this.s.getCode.get(phone) as Record<string, unknown> | undefined;
    return r ? { phone, codeHash: String(r.code_hash), expiresAtMs: Number(r.expires_at_ms),
      attempts: Number(r.attempts) } : null;
  }

  async deleteCode(phone: string): Promise<void> {
    this.s.deleteCode.run(phone);
  }

  // One process owns the file and BEGIN IMMEDIATE already excludes every other writer.
  async lockAccounts(): Promise<void> {}

  async ordersByIdempotency(refs: readonly IdempotencyRef[]): Promise<Order[]> {
    const out: Order[] = [];
    for (const r of refs) {
      const row = this.s.byIdempotency.get(r.accountId, r.key) as OrderRow | undefined;
      if (row) out.push(rowToOrder(row));
    }
    return out;
  }

  async activeOrderCounts(launchId: string, accountIds: readonly string[]) {
    const out = new Map<string, number>();
    for (const id of accountIds) {
      const n = this.s.activeCount.pluck().get(id, launchId) as number;
      if (n > 0) out.set(id, n);
    }
    return out;
  }

  async ordersForUpdate(orderIds: readonly string[]): Promise<Order[]> {
    const out: Order[] = [];
    for (const id of orderIds) {
      const row = this.s.order.get(id) as OrderRow | undefined;
      if (row) out.push(rowToOrder(row));
    }
    return out;
  }

  async dueFirmOrders(nowMs: number, limit: number): Promise<Order[]> {
    return (this.s.due.all(nowMs, limit) as OrderRow[]).map(rowToOrder);
  }

  async insertOrders(orders: readonly Order[]): Promise<void> {
    for (const o of orders) this.s.insertOrder.run(orderToValues(o));
  }

  async updateOrders(orders: readonly Order[]): Promise<void> {
    for (const o of orders) {
      const [id, ...rest] = orderToValues(o);
      const info = this.s.updateOrder.run(...rest, id);
      if (info.changes !== 1) throw new Error(`order ${String(id)} vanished during update`);
    }
  }

  async insertEvents(events: readonly OrderEvent[]): Promise<void> {
    for (const e of events) {
      this.s.insertEvent.run(e.orderId, e.atMs, e.type, e.actor, JSON.stringify(e.detail));
    }
  }

  // BEGIN IMMEDIATE already excludes every other writer.
  async lockSequences(): Promise<void> {}

  async takeNumbers(sequence: string, count: number): Promise<number> {
    const last = this.s.takeNumbers.pluck().get(sequence, count, count) as number;
    return last - count + 1;
  }

  async releaseSeq(trimKey: string, seq: number): Promise<void> {
    this.s.release.run(trimKey, seq);
  }

  async addCounters(deltas: readonly CounterDelta[]): Promise<void> {
    for (const d of deltas) this.s.addCounter.run(d.launchId, d.key, d.delta, d.delta);
  }

  async putLaunch(launch: Launch): Promise<void> {
    this.s.putLaunch.run(launch.launchId, JSON.stringify(launch));
  }

  async putChangeWindow(w: ChangeWindow): Promise<void> {
    this.s.putWindow.run(w.windowId, JSON.stringify(w));
  }

  async changeWindows(): Promise<ChangeWindow[]> {
    return (this.s.windows.pluck().all() as string[]).map((d) => JSON.parse(d));
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    this.s.audit.run(e.atMs, e.actor, e.action, JSON.stringify(e.detail));
  }

  async queuePayment(op: PaymentOp): Promise<void> {
    this.s.queuePayment.run(op.opId, op.kind, op.reference, op.orderId, op.amountFen,
      op.createdAtMs);
  }

  async markPaymentsSent(opIds: readonly string[], atMs: number): Promise<void> {
    for (const id of opIds) this.s.paymentSent.run(atMs, id);
  }

  async recordNotification(eventId: string, type: string, reference: string, atMs: number):
    Promise<boolean> {
    return this.s.recordNotification.run(eventId, type, reference, atMs).changes === 1;
  }

  async settleRefund(reference: string, atMs: number): Promise<string | null> {
    const id = this.s.settleRefund.pluck().get(atMs, reference) as string | undefined;
    return id ?? null;
  }

  async refundOf(reference: string) {
    const r = this.s.refundOf.get(reference) as Record<string, unknown> | undefined;
    return r ? { ...refundFromRow(r), settledAtMs: nullableMs(r.settled_at_ms) } : null;
  }

  async markRefundsChecked(opIds: readonly string[], atMs: number): Promise<void> {
    for (const id of opIds) this.s.refundChecked.run(atMs, id);
  }

  async recordPaymentAnomaly(a: PaymentAnomaly): Promise<void> {
    this.s.paymentAnomaly.run(a.atMs, a.kind, a.reference, a.eventId, JSON.stringify(a.detail));
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.s.setMeta.run(key, value);
  }
}

function prepareWrites(db: Db) {
  return {
    insertAccount: db.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?, ?)'),
    insertToken: db.prepare('INSERT INTO tokens (token_hash, account_id, created_at_ms, '
      + 'last_seen_at_ms) VALUES (?, ?, ?, ?)'),
    touchSession: db.prepare('UPDATE tokens SET last_seen_at_ms = ? WHERE token_hash = ? '
      + 'AND last_seen_at_ms < ?'),
    revokeAllSessions: db.prepare('UPDATE tokens SET revoked_at_ms = ? WHERE account_id = ? '
      + 'AND revoked_at_ms IS NULL RETURNING token_hash'),
    revokeSession: db.prepare('UPDATE tokens SET revoked_at_ms = ? WHERE token_hash = ? '
      + 'AND account_id = ? AND revoked_at_ms IS NULL RETURNING token_hash'),
    putOperator: db.prepare('INSERT INTO operators VALUES (?, ?, ?, ?) ON CONFLICT (name) '
      + 'DO UPDATE SET token_hash = excluded.token_hash'),
    deleteOperator: db.prepare('DELETE FROM operators WHERE name = ?'),
    phoneExists: db.prepare('SELECT 1 FROM accounts WHERE phone = ?'),
    idNumberExists: db.prepare('SELECT 1 FROM accounts WHERE id_number = ?'),
    putCode: db.prepare('INSERT OR REPLACE INTO one_time_codes VALUES (?, ?, ?, ?)'),
    getCode: db.prepare('SELECT * FROM one_time_codes WHERE phone = ?'),
    deleteCode: db.prepare('DELETE FROM one_time_codes WHERE phone = ?'),
    byIdempotency: db.prepare('SELECT * FROM orders WHERE account_id = ? AND idempotency_key = ?'),
    // The unary + keeps SQLite on the (account_id, ...) index: a buyer has a handful of orders,
    // while the launch_id index would scan every order of the launch.
    activeCount: db.prepare("SELECT count(*) FROM orders WHERE account_id = ? AND +launch_id = ? "
      + "AND status <> 'cancelled'"),
    order: db.prepare('SELECT * FROM orders WHERE order_id = ?'),
    due: db.prepare("SELECT * FROM orders WHERE status = 'firm' AND cooling_off_ends_at_ms <= ? "
      + 'ORDER BY cooling_off_ends_at_ms, order_id LIMIT ?'),
    insertOrder: db.prepare(ORDER_INSERT),
    updateOrder: db.prepare(ORDER_UPDATE),
    insertEvent: db.prepare('INSERT INTO order_events (order_id, at_ms, type, actor, detail) '
      + 'VALUES (?, ?, ?, ?, ?)'),
    takeNumbers: db.prepare('INSERT INTO sequences (name, last) VALUES (?, ?) ON CONFLICT (name) '
      + 'DO UPDATE SET last = last + ? RETURNING last'),
    release: db.prepare('INSERT INTO released_seqs VALUES (?, ?)'),
    addCounter: db.prepare('INSERT INTO counters VALUES (?, ?, 0, ?) ON CONFLICT '
      + '(launch_id, key, shard) DO UPDATE SET value = value + ?'),
    putLaunch: db.prepare('INSERT OR REPLACE INTO launches VALUES (?, ?)'),
    putWindow: db.prepare('INSERT OR REPLACE INTO change_windows VALUES (?, ?)'),
    windows: db.prepare('SELECT doc FROM change_windows ORDER BY window_id'),
    audit: db.prepare('INSERT INTO audit_log (at_ms, actor, action, detail) VALUES (?, ?, ?, ?)'),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta VALUES (?, ?)'),
    queuePayment: db.prepare('INSERT INTO payment_outbox (op_id, kind, reference, order_id, '
      + 'amount_fen, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)'),
    recordNotification: db.prepare('INSERT INTO payment_events (event_id, type, reference, '
      + 'received_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (event_id, reference) DO NOTHING'),
    refundOf: db.prepare("SELECT * FROM payment_outbox WHERE reference = ? AND kind = 'refund' "
      + 'ORDER BY created_at_ms LIMIT 1'),
    refundChecked: db.prepare('UPDATE payment_outbox SET checked_at_ms = ? WHERE op_id = ?'),
    paymentAnomaly: db.prepare('INSERT INTO payment_anomalies (at_ms, kind, reference, event_id, '
      + 'detail) VALUES (?, ?, ?, ?, ?)'),
    settleRefund: db.prepare("UPDATE payment_outbox SET settled_at_ms = ? WHERE reference = ? "
      + "AND kind = 'refund' AND settled_at_ms IS NULL RETURNING order_id"),
    paymentSent: db.prepare('UPDATE payment_outbox SET sent_at_ms = ? WHERE op_id = ?'),
  };
}
type Statements = ReturnType<typeof prepareWrites>;

/**
 * Admits one writer at a time across threads: a connection waits, without blocking its event
 * loop, until the other thread's writer has paused; `enter` resolves with the way to resume it.
 */
export interface WriteGate {
  enter(): Promise<() => void>;
}

/**
 * One write connection: its statements, its transactions run one at a time, and the WAL flushed
 * before a transaction returns. The store has one on the event loop's thread; the batch worker
 * (app/sqlite-batch-worker.ts) has its own, which takes the orders.
 */
export class SqliteWriter {
  readonly #db: Db;
  readonly #tx: SqliteTx;
  /** Transactions run one at a time: the tail of the chain of those waiting. */
  #tail: Promise<unknown> = Promise.resolve();
  readonly #walPath: string;
  #walFd: number | null = null;
  #commitsSinceCatchUp = 0;
  readonly #sync = new GroupSync(() => (this.#walFd ??= openSync(this.#walPath, 'r')));
  #gate: WriteGate | null = null;

  readonly #flushInline: boolean;

  /**
   * `migrate`: bring the schema up to date first (the store's writer does, once).
   * `flushInline`: flush the WAL right after each commit, on this thread, instead of in the
   * background while the next transaction runs. For the writer thread, which has nothing else
   * to do: a background flush is heard of only once the transaction after it has finished, and
   * every reply of the batch waited that long too (docs/benchmarks.md, session 5).
   */
  constructor(file: string, options: { migrate?: boolean; flushInline?: boolean } = {}) {
    this.#flushInline = options.flushInline === true;
    this.#walPath = `${file}-wal`;
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    // NORMAL keeps checkpoints safe but does not flush the WAL at each commit; transaction()
    // flushes it itself, off the event loop, before it returns. Together that is FULL.
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.pragma('foreign_keys = ON');
    // A worker thread (sqlite-checkpoint-worker.ts) copies the WAL into the database file;
    // commits never do the bulk of that work. See #catchUp for how the WAL starts over.
    this.#db.pragma('wal_autocheckpoint = 0');
    this.#db.pragma(`journal_size_limit = ${WAL_BYTES_KEPT}`);
    if (options.migrate === true) migrate(this.#db);
    this.#tx = new SqliteTx(prepareWrites(this.#db));
  }

  /** Makes every transaction of this writer first wait for the gate. */
  setGate(gate: WriteGate | null): void {
    this.#gate = gate;
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const leave = this.#gate === null ? null : await this.#gate.enter();
      try {
        this.#db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(this.#tx);
          this.#db.exec('COMMIT');
          this.#sync.wrote();
          if (this.#flushInline) this.#sync.flushNow();
          const due = ++this.#commitsSinceCatchUp >= COMMITS_PER_CATCH_UP;
          if (due || this.#walBytes() > WAL_BYTES_KEPT) {
            this.#catchUp();
          }
          return result;
        } catch (err) {
          if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
          throw err;
        }
      } finally {
        leave?.();
      }
    };
    const committed = this.#tail.then(run, run);
    this.#tail = committed.catch(() => undefined);
    // The next transaction may run while this one's flush is under way; this one's caller
    // hears back only once it is on disk.
    return committed.then(async (result) => {
      await this.#sync.durable();
      return result;
    });
  }

  /**
   * Waits until every transaction begun before has committed, then holds back those that come
   * after until the returned function is called: another thread's writer goes meanwhile.
   */
  pause(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const reached = this.#tail.then(() => undefined);
    this.#tail = reached.then(() => held);
    return reached.then(() => release);
  }

  /**
   * The worker's checkpoints run beside a writer that keeps appending, so they never quite
   * reach the end of the WAL, and the WAL can only start over once one has. Now and then the
   * writer checkpoints itself, between transactions: the worker has already copied nearly all
   * of it, so this copies only the last frames, and the next commit starts the WAL over.
   */
  #walBytes(): number {
    return fstatSync(this.#sync.fd()).size;
  }

  // Runs after COMMIT: its failure (the disk full, so the database file cannot grow) must not
  // fail a transaction that has committed. The WAL keeps the data; a later catch-up copies it.
  #catchUp(): void {
    this.#commitsSinceCatchUp = 0;
    try {
      this.#db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Retried after the next COMMITS_PER_CATCH_UP commits.
    }
  }

  async close(): Promise<void> {
    await this.#tail;
    await this.#sync.durable();
    this.#db.close();
    if (this.#walFd !== null) closeSync(this.#walFd);
  }
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  /** The database file, for a writer in another thread. */
  readonly file: string;
  readonly #writer: SqliteWriter;
  readonly #reader: Db;
  readonly #r: ReturnType<typeof prepareReads>;
  #checkpointer: Worker;
  /** Set once the checkpoint worker has exited, by `close` or by an error. */
  #checkpointerExited = false;
  #closing = false;
  /** One process owns the database, so its rate counters need no table (store.ts). */
  readonly #rates: MemoryRateCounter;

  /** `rateKeysMax`: rate counters kept in memory (Limits.rateKeysMax). */
  constructor(dataDir: string, rateKeysMax = 100_000) {
    this.#rates = new MemoryRateCounter(rateKeysMax);
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'launchday.sqlite');
    this.#writer = new SqliteWriter(this.file, { migrate: true });
    this.#checkpointer = this.#startCheckpointer();
    this.#reader = new Database(this.file, { readonly: true });
    this.#reader.pragma('busy_timeout = 5000');
    this.#r = prepareReads(this.#reader);
  }

  /**
   * The checkpoint worker. If it dies (its database could not be opened, the disk failed), the
   * process must not: an unhandled 'error' from a worker ends it. The writer's own catch-ups
   * keep the WAL from growing without end meanwhile, and a new worker starts a little later.
   */
  #startCheckpointer(): Worker {
    const worker = new Worker(new URL('./sqlite-checkpoint-worker.js', import.meta.url),
      { workerData: { file: this.file, intervalMs: CHECKPOINT_INTERVAL_MS } });
    worker.unref();
    this.#checkpointerExited = false;
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      this.#checkpointerExited = true;
      if (this.#closing) return;
      setTimeout(() => {
        if (!this.#closing) this.#checkpointer = this.#startCheckpointer();
      }, CHECKPOINTER_RESTART_MS).unref();
    });
    return worker;
  }

  /** Admits this store's transactions only when the writer of another thread has paused. */
  setWriteGate(gate: WriteGate | null): void {
    this.#writer.setGate(gate);
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#writer.transaction(fn);
  }

  async launches(): Promise<Launch[]> {
    return (this.#r.launches.pluck().all() as string[]).map((d) => JSON.parse(d));
  }

  async sessionByToken(tokenHash: string) {
    const r = this.#r.sessionByToken.get(tokenHash) as Record<string, unknown> | undefined;
    return r ? { session: sessionFromRow({ ...r, created_at_ms: r.t_created }),
      account: accountFromRow(r)! } : null;
  }

  async sessionsOf(accountId: string, limit: number): Promise<Session[]> {
    return (this.#r.sessionsOf.all(accountId, limit) as Array<Record<string, unknown>>)
      .map(sessionFromRow);
  }

  async operatorByToken(tokenHash: string): Promise<Operator | null> {
    return operatorFromRow(this.#r.operatorByToken.get(tokenHash) as Record<string, unknown>);
  }

  async operators(): Promise<Operator[]> {
    return (this.#r.operators.all() as Array<Record<string, unknown>>)
      .map((r) => operatorFromRow(r)!);
  }

  async accountByPhone(phone: string) {
    return accountFromRow(this.#r.accountByPhone.get(phone) as Record<string, unknown>);
  }

  async accountByIdNumber(idNumber: string) {
    return accountFromRow(this.#r.accountByIdNumber.get(idNumber) as Record<string, unknown>);
  }

  async accountById(accountId: string) {
    return accountFromRow(this.#r.accountById.get(accountId) as Record<string, unknown>);
  }

  async order(orderId: string): Promise<Order | null> {
    const row = this.#r.order.get(orderId) as OrderRow | undefined;
    return row ? rowToOrder(row) : null;
  }

  async ordersOfAccount(accountId: string, limit: number): Promise<Order[]> {
    return (this.#r.ordersOfAccount.all(accountId, limit) as OrderRow[]).map(rowToOrder);
  }

  async ordersOfLaunch(launchId: string, afterOrderId: string, limit: number): Promise<Order[]> {
    // A key holding NUL finds nothing, as on PostgreSQL (store.ts), even as a paging cursor.
    if (afterOrderId.includes('\u0000')) return [];
    return (this.#r.ordersOfLaunch.all(launchId, afterOrderId, limit) as OrderRow[])
      .map(rowToOrder);
  }

  async pendingPayments(limit: number): Promise<PaymentOp[]> {
    return (this.#r.pendingPayments.all(limit) as Array<Record<string, unknown>>).map((r) => ({
      opId: String(r.op_id), kind: 'refund', reference: String(r.reference),
      orderId: String(r.order_id), amountFen: Number(r.amount_fen),
      createdAtMs: Number(r.created_at_ms),
    }));
  }

  async orderByIdempotency(accountId: string, key: string): Promise<Order | null> {
    const row = this.#r.byIdempotency.get(accountId, key) as OrderRow | undefined;
    return row ? rowToOrder(row) : null;
  }

  async refundsToCheck(checkedBeforeMs: number, limit: number): Promise<UnsettledRefund[]> {
    return (this.#r.refundsToCheck.all(checkedBeforeMs, limit) as Array<Record<string, unknown>>)
      .map(refundFromRow);
  }

  async unsettledRefunds(createdBeforeMs: number, limit: number) {
    const count = this.#r.unsettledCount.pluck().get(createdBeforeMs) as number;
    const refunds = (this.#r.unsettled.all(createdBeforeMs, limit) as
      Array<Record<string, unknown>>).map(refundFromRow);
    return { count, refunds };
  }

  async paymentAnomalies(limit: number): Promise<PaymentAnomaly[]> {
    return (this.#r.anomalies.all(limit) as Array<Record<string, unknown>>).map(anomalyFromRow);
  }

  async orderEvents(orderId: string): Promise<OrderEvent[]> {
    return (this.#r.events.all(orderId) as Array<Record<string, unknown>>).map((r) => ({
      orderId, atMs: Number(r.at_ms), type: String(r.type), actor: String(r.actor),
      detail: JSON.parse(String(r.detail)),
    }));
  }

  async counters(launchId: string, fromKey?: string): Promise<Map<string, number>> {
    const rows = (fromKey === undefined ? this.#r.counters.all(launchId)
      : this.#r.countersFrom.all(launchId, fromKey)) as Array<{ key: string; value: number }>;
    return new Map(rows.map((r) => [r.key, Number(r.value)]));
  }

  async changeWindows(): Promise<ChangeWindow[]> {
    return (this.#r.windows.pluck().all() as string[]).map((d) => JSON.parse(d));
  }

  async releasedBefore(trimKey: string, seq: number): Promise<number> {
    return this.#r.releasedBefore.pluck().get(trimKey, seq) as number;
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    return (this.#r.audit.all(limit) as Array<Record<string, unknown>>).map((r) => ({
      atMs: Number(r.at_ms), actor: String(r.actor), action: String(r.action),
      detail: JSON.parse(String(r.detail)),
    }));
  }

  async meta(key: string): Promise<string | null> {
    return (this.#r.meta.pluck().get(key) as string | undefined) ?? null;
  }

  async hitRates(hits: readonly RateHit[], nowMs: number): Promise<WindowCounts[]> {
    return this.#rates.hit(hits, nowMs);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.#writer.close();
    if (!this.#checkpointerExited) {
      const stopped = new Promise((resolve) => this.#checkpointer.once('exit', resolve));
      // Unreferenced while it runs, so it never keeps a process alive; waited for here.
      this.#checkpointer.ref();
      this.#checkpointer.postMessage('stop');
      await stopped;
    }
    this.#reader.close();
  }

}

function prepareReads(db: Db) {
  return {
    launches: db.prepare('SELECT doc FROM launches ORDER BY launch_id'),
    sessionByToken: db.prepare('SELECT a.*, t.token_hash, t.created_at_ms AS t_created, '
      + 't.last_seen_at_ms, t.revoked_at_ms FROM tokens t JOIN accounts a USING (account_id) '
      + 'WHERE t.token_hash = ?'),
    sessionsOf: db.prepare('SELECT * FROM tokens WHERE account_id = ? AND revoked_at_ms IS NULL '
      + 'ORDER BY created_at_ms DESC, token_hash LIMIT ?'),
    operatorByToken: db.prepare('SELECT * FROM operators WHERE token_hash = ?'),
    operators: db.prepare('SELECT * FROM operators ORDER BY name'),
    accountByPhone: db.prepare('SELECT * FROM accounts WHERE phone = ?'),
    accountByIdNumber: db.prepare('SELECT * FROM accounts WHERE id_number = ?'),
    accountById: db.prepare('SELECT * FROM accounts WHERE account_id = ?'),
    order: db.prepare('SELECT * FROM orders WHERE order_id = ?'),
    ordersOfAccount: db.prepare('SELECT * FROM orders WHERE account_id = ? '
      + 'ORDER BY created_at_ms DESC, order_id DESC LIMIT ?'),
    ordersOfLaunch: db.prepare('SELECT * FROM orders WHERE launch_id = ? AND order_id > ? '
      + 'ORDER BY order_id LIMIT ?'),
    events: db.prepare('SELECT * FROM order_events WHERE order_id = ? ORDER BY event_id'),
    counters: db.prepare('SELECT key, sum(value) AS value FROM counters WHERE launch_id = ? '
      + 'GROUP BY key'),
    countersFrom: db.prepare('SELECT key, sum(value) AS value FROM counters WHERE launch_id = ? '
      + 'AND key >= ? GROUP BY key'),
    windows: db.prepare('SELECT doc FROM change_windows ORDER BY window_id'),
    releasedBefore: db.prepare('SELECT count(*) FROM released_seqs WHERE trim_key = ? AND seq < ?'),
    audit: db.prepare('SELECT * FROM audit_log ORDER BY entry_id DESC LIMIT ?'),
    meta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    pendingPayments: db.prepare('SELECT * FROM payment_outbox WHERE sent_at_ms IS NULL '
      + 'ORDER BY created_at_ms, op_id LIMIT ?'),
    byIdempotency: db.prepare('SELECT * FROM orders WHERE account_id = ? AND idempotency_key = ?'),
    refundsToCheck: db.prepare('SELECT * FROM payment_outbox WHERE settled_at_ms IS NULL '
      + 'AND sent_at_ms IS NOT NULL AND coalesce(checked_at_ms, sent_at_ms) <= ? '
      + 'ORDER BY created_at_ms, op_id LIMIT ?'),
    unsettledCount: db.prepare('SELECT count(*) FROM payment_outbox WHERE settled_at_ms IS NULL '
      + 'AND created_at_ms <= ?'),
    unsettled: db.prepare('SELECT * FROM payment_outbox WHERE settled_at_ms IS NULL '
      + 'AND created_at_ms <= ? ORDER BY created_at_ms, op_id LIMIT ?'),
    anomalies: db.prepare('SELECT * FROM payment_anomalies ORDER BY anomaly_id DESC LIMIT ?'),
  };
}
