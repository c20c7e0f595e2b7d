// Group commit: commands that arrive while a transaction is being written wait and then share
// the next one, so a stampede costs one disk flush per batch, not per order. A reply is sent only
// after the batch that holds its command is committed.
import type { Store, StoreTx } from '../store/store.js';

/** Runs many commands of one kind inside a transaction; returns one result per command. */
export type BatchHandler<P, R> = (tx: StoreTx, payloads: readonly P[]) => Promise<R[]>;

interface Job {
  readonly handler: BatchHandler<unknown, unknown>;
  readonly payload: unknown;
  readonly queuedAtMs: number;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export interface GroupCommitterLimits {
  /** Commands in one transaction at most. */
  readonly batchCommandsMax: number;
  /**
   * Batches under way at once. The next batch may be written while the one before is still
   * being flushed to disk (SQLite) or committed on another connection (PostgreSQL).
   */
  readonly batchesInFlightMax: number;
  /** Commands waiting at most; beyond it `submit` refuses at once (the caller answers 503). */
  readonly pendingCommandsMax: number;
  /**
   * How long the oldest waiting command may have waited before new ones are refused. Offered
   * more than it can write, launchday says so at once instead of letting every reply wait.
   */
  readonly queueDelayMaxMs: number;
}

export class Overloaded extends Error {
  constructor() {
    super('too many commands waiting for a commit');
  }
}

export class GroupCommitter {
  #pending: Job[] = [];
  #inFlight = 0;
  #scheduled = false;
  #idle: Array<() => void> = [];
  batches = 0;
  commands = 0;
  /** Commands refused because the queue was full or too slow. */
  refused = 0;

  constructor(private readonly store: Store, private readonly limits: GroupCommitterLimits) {}

  get pendingCount(): number {
    return this.#pending.length;
  }

  /**
   * Queues a command; the promise settles once its batch has committed (or failed). An
   * `essential` command (the system's own, such as locking orders whose cooling-off ended)
   * is never refused for load.
   */
  submit<P, R>(handler: BatchHandler<P, R>, payload: P, essential = false): Promise<R> {
    const nowMs = performance.now();
    const oldest = this.#pending[0];
    if (!essential && (this.#pending.length >= this.limits.pendingCommandsMax
      || (oldest !== undefined && nowMs - oldest.queuedAtMs > this.limits.queueDelayMaxMs))) {
      this.refused++;
      return Promise.reject(new Overloaded());
    }
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ handler: handler as BatchHandler<unknown, unknown>, payload,
        queuedAtMs: nowMs,
        resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Resolves when nothing is pending or running: for orderly shutdown. */
  drained(): Promise<void> {
    if (this.#inFlight === 0 && this.#pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  // setImmediate lets every request already readable on a socket join the batch first.
  #schedule(): void {
    if (this.#inFlight >= this.limits.batchesInFlightMax || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#runBatch();
    });
  }

  async #runBatch(): Promise<void> {
    if (this.#pending.length === 0) return;
    this.#inFlight++;
    const batch = this.#pending.splice(0, this.limits.batchCommandsMax);
    // Start gathering the next batch now: it runs as soon as this one has been written.
    if (this.#pending.length > 0) this.#schedule();
    try {
      const results = await this.store.transaction((tx) => runGroups(tx, batch));
      this.batches++;
      this.commands += batch.length;
      batch.forEach((job, i) => job.resolve(results[i]));
    } catch {
      // One command's failure must not fail its batch-mates: retry each alone.
      for (const job of batch) {
        try {
          const [result] = await this.store.transaction((tx) => runGroups(tx, [job]));
          this.batches++;
          this.commands++;
          job.resolve(result);
        } catch (err) {
          job.reject(err);
        }
      }
    } finally {
      this.#inFlight--;
      if (this.#pending.length > 0) this.#schedule();
      else if (this.#inFlight === 0) for (const done of this.#idle.splice(0)) done();
    }
  }
}

/** Runs the batch's commands grouped by handler, in order of each group's first arrival. */
async function runGroups(tx: StoreTx, batch: readonly Job[]): Promise<unknown[]> {
  const groups = new Map<BatchHandler<unknown, unknown>, number[]>();
  batch.forEach((job, i) => {
    const list = groups.get(job.handler);
    if (list) list.push(i);
    else groups.set(job.handler, [i]);
  });
  const results = new Array<unknown>(batch.length);
  for (const [handler, indexes] of groups) {
    const out = await handler(tx, indexes.map((i) => batch[i]!.payload));
    if (out.length !== indexes.length) throw new Error('a batch handler lost a result');
    indexes.forEach((at, k) => { results[at] = out[k]; });
  }
  return results;
}
