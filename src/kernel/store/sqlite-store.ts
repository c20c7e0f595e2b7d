// The embedded store: one SQLite file in WAL mode, with the WAL flushed to disk before a
// transaction returns. Writes use one connection, serialised; reads use a second connection that
// only ever sees committed data.
import Database from 'better-sqlite3';
import { closeSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { GroupSync } from './group-sync.js';
import { MemoryRateCounter } from './memory-rate-counter.js';
import type { WindowCounts } from '../sliding-window.js';
import { composeParts, type AuditEntry, type RateHit, type Store, type StoreComposition,
  type StoreTx } from './store.js';

export type Db = Database.Database;

/**
 * A capability's part of the SQLite store (src/capabilities.ts lists them): its methods inside a
 * write transaction, on the writer's connection, and its reads, on the read-only connection.
 * Each builds its prepared statements once per connection; the store composes the parts' methods
 * into one transaction object per writer and one read surface (store.ts, composeParts).
 */
export interface SqlitePart<Tx extends object, Reads extends object> {
  readonly name: string;
  writes(db: Db): Tx;
  reads(db: Db): Reads;
}

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

function migrate(db: Db, migrations: StoreComposition['migrations']): void {
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

/** The kernel's own part of every transaction: the audit log and the meta table. */
class SqliteBaseTx {
  constructor(private readonly s: Statements) {}

  async appendAudit(e: AuditEntry): Promise<void> {
    this.s.audit.run(e.atMs, e.actor, e.action, JSON.stringify(e.detail));
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.s.setMeta.run(key, value);
  }
}

function prepareWrites(db: Db) {
  return {
    audit: db.prepare('INSERT INTO audit_log (at_ms, actor, action, detail) VALUES (?, ?, ?, ?)'),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta VALUES (?, ?)'),
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
  readonly #tx: StoreTx;
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
  constructor(file: string, composition: StoreComposition,
    options: { migrate?: boolean; flushInline?: boolean } = {}) {
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
    if (options.migrate === true) migrate(this.#db, composition.migrations);
    // One transaction object for the writer's life, composed of every part's methods.
    this.#tx = composeParts([new SqliteBaseTx(prepareWrites(this.#db)),
      ...composition.sqlite.map((p) => p.writes(this.#db))]) as StoreTx;
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

/** The store's read methods come from the parts (composeParts), assigned in the constructor. */
export interface SqliteStore extends Store {}

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

  /** The composition this store was opened with, for a writer in another thread. */
  readonly composition: StoreComposition;

  /**
   * `composition`: the capabilities' parts and migrations (src/stores.ts).
   * `rateKeysMax`: rate counters kept in memory (Limits.rateKeysMax).
   */
  constructor(dataDir: string, composition: StoreComposition, rateKeysMax = 100_000) {
    this.composition = composition;
    this.#rates = new MemoryRateCounter(rateKeysMax);
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'launchday.sqlite');
    this.#writer = new SqliteWriter(this.file, composition, { migrate: true });
    this.#checkpointer = this.#startCheckpointer();
    this.#reader = new Database(this.file, { readonly: true });
    this.#reader.pragma('busy_timeout = 5000');
    this.#r = prepareReads(this.#reader);
    Object.assign(this, composeParts(composition.sqlite.map((p) => p.reads(this.#reader))));
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
    audit: db.prepare('SELECT * FROM audit_log ORDER BY entry_id DESC LIMIT ?'),
    meta: db.prepare('SELECT value FROM meta WHERE key = ?'),
  };
}
