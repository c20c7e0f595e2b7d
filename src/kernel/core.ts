// The application's kernel: what every capability's service shares. Group commit and the SQLite
// writer thread, whether the store answers, the rate limits, the audit log, and closing. It
// holds no use case: those are the capabilities' services (accounts/accounts-service.ts, ...),
// which submit their batch commands here. The kernel names no capability: the handlers come
// from the composition (src/stores.ts, writeComposition).
import { systemClock, type Clock } from './clock.js';
import { refuse, type Refusal } from './outcomes.js';
import type { Limits, RateLimitMode } from './config.js';
import type { Store } from './store/store.js';
import { SqliteStore } from './store/sqlite-store.js';
import { isCommitUnknown, isStoreUnavailable, ResultUnread } from './store/store-unavailable.js';
import type { BatchWrite, StoreCallCommand, WriteComposition } from './write/batch-handlers.js';
import {
  GroupCommitter, localExecutor, Overloaded, type HandlerMap, type PayloadOf, type ResultOf,
} from './write/group-committer.js';
import { SqliteBatchExecutor } from './write/sqlite-batch-executor.js';
import { StoreHealth } from './http/store-health.js';
import { RateLimits } from './rate-limits.js';

export interface CoreDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: Limits;
  /** Which rate limits apply (config.ts); all when absent. */
  readonly rateLimitMode?: RateLimitMode;
  /**
   * The clock of the rate limits: real time even when launch night runs on a simulated clock
   * (abuse comes at real speed); a test passes its own to move the windows.
   */
  readonly rateClock?: Clock;
}

/**
 * Submits a command to group commit: its handler's result, or a refusal (`overloaded`,
 * `store_unavailable`, `commit_unknown`). What a service is given of the Core, typed by the
 * handlers it uses.
 */
export type Submit<H extends HandlerMap> = <K extends keyof H & string>(handler: K,
  payload: PayloadOf<H[K]>, essential?: boolean, lane?: string) =>
  Promise<ResultOf<H[K]> | Refusal>;

/**
 * Least time between two probes of an idle store (readiness, /health): however often they are
 * asked, the store sees one tiny write a second from each process at most.
 */
const STORE_PROBE_INTERVAL_MS = 1_000;
/** A probe slower than this counts the store as unreachable. */
const STORE_PROBE_TIMEOUT_MS = 2_000;

export class Core<H extends HandlerMap> {
  readonly committer: GroupCommitter<H>;
  /** The embedded store's writer thread, which runs the group-commit batches. */
  readonly #writerThread: SqliteBatchExecutor | null;
  /**
   * Settles if nothing can be written any more (the SQLite writer thread died): the process
   * should stop and be started again, which main.ts does.
   */
  readonly broken: Promise<Error>;
  /** Why nothing can be written, once `broken` has settled. */
  brokenBecause: Error | null = null;
  /** Whether the store answers (store-unavailable.ts): for readiness and /health. */
  readonly storeHealth: StoreHealth;
  #closing = false;
  /** Per phone, identity number, account and address; the routes ask before they act. */
  readonly rateLimits: RateLimits;

  constructor(readonly deps: CoreDeps, write: WriteComposition<H>) {
    this.rateLimits = new RateLimits(deps.store, deps.limits, deps.rateLimitMode ?? 'on',
      deps.rateClock ?? systemClock);
    // SQLite takes one writer at a time: it gets a thread of its own, so that the event loop
    // only reads requests and writes replies. PostgreSQL's writes run here, on its pool.
    this.#writerThread = deps.store instanceof SqliteStore
      ? new SqliteBatchExecutor(deps.store, deps.limits, write.wires) : null;
    // Lanes (GroupCommitter.submit) on PostgreSQL only: there the batches of one drop queue on
    // its row lock with the other processes' (docs/benchmarks.md, sessions 14 and 15). SQLite's
    // one writer thread takes no such lock, and writes the next batch while one is flushed.
    this.committer = new GroupCommitter(
      this.#writerThread?.execute ?? localExecutor(deps.store, write.handlers(deps.limits)),
      deps.clock, deps.limits, this.#writerThread === null);
    this.broken = this.#writerThread?.died ?? new Promise<Error>(() => {});
    void this.broken.then((err) => { this.brokenBecause = err; });
    this.storeHealth = new StoreHealth({ probeIntervalMs: STORE_PROBE_INTERVAL_MS,
      probeTimeoutMs: STORE_PROBE_TIMEOUT_MS,
      probe: () => deps.store.transaction((tx) =>
        tx.setMeta('health_probe_at', new Date().toISOString())) });
  }

  /** True from the moment the process starts to close: readiness says 503 from then on. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Marks the process as closing, before the server stops taking connections. */
  beginClosing(): void {
    this.#closing = true;
  }

  /**
   * The refusal for an error thrown on a request's way, when it is an expected one: the store
   * out of reach is `store_unavailable` (503, Retry-After), never `internal_error`. Null for
   * anything else, which is a bug and stays a 500.
   */
  refusalFor(err: unknown): Refusal | null {
    if (!isStoreUnavailable(err)) return null;
    if (err instanceof ResultUnread) {
      // Committed with the store in reach: its health is not in question.
      return refuse('commit_unknown', 'Your request was saved, but its answer could not be '
        + 'read: send the same request again with the same Idempotency-Key for its answer.');
    }
    this.storeHealth.failed();
    // Lost during its COMMIT, the change may have been made: saying "not completed" would be
    // untrue, and a retry of a lock or a change would then meet "already done".
    return refuse(isCommitUnknown(err) ? 'commit_unknown' : 'store_unavailable');
  }

  /** Waits for the commits under way and stops the writer thread; the store stays open. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.committer.drained();
    await this.#writerThread?.close();
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  /**
   * Submits to group commit; a full queue becomes the `overloaded` outcome, a store out of
   * reach `store_unavailable` (its batch rolled back: nothing of it was written).
   */
  readonly submit: Submit<H> = async (handler, payload, essential = false, lane = '') => {
    try {
      const r = await this.committer.submit(handler, payload, essential, lane);
      this.storeHealth.succeeded();
      return r;
    } catch (err) {
      if (err instanceof Overloaded) return refuse('overloaded');
      const refusal = this.refusalFor(err);
      if (refusal !== null) return refusal;
      throw err;
    }
  };

  /**
   * A background write in a group-commit batch (batch-handlers.ts, `storeCall`): essential, so
   * load never refuses it; on SQLite it runs on the writer thread. Throws as `submit`'s
   * committer does (StoreUnavailable, CommitUnknown).
   */
  readonly writeInBatch: BatchWrite = (method, ...args) => this.#storeCall(method, args, true);

  /**
   * As `writeInBatch`, but refused for load like a buyer's order: rejects with `Overloaded`
   * (group-committer.ts) when the commit queue is full or too slow. For writes a crowd makes
   * (waiting-room joins and pass claims), which must not grow the queue past its bound.
   */
  readonly writeInBatchUnlessBusy: BatchWrite = (method, ...args) =>
    this.#storeCall(method, args, false);

  #storeCall(method: string, args: readonly unknown[], essential: boolean): Promise<never> {
    const command: StoreCallCommand = { method, args };
    // The kernel's own handler, merged into every composition (src/stores.ts).
    return (this.committer as unknown as GroupCommitter<{ storeCall: never }>)
      .submit('storeCall', command as never, essential) as Promise<never>;
  }

  // ---------- operator ----------
  async audit(actor: string, action: string, detail: Record<string, unknown>): Promise<void> {
    const atMs = this.deps.clock.nowMs();
    await this.deps.store.transaction((tx) => tx.appendAudit({ atMs, actor, action, detail }));
  }
}
