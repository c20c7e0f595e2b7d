// Group commit: commands that arrive while a transaction is being written wait and then share
// the next one, so a stampede costs one disk flush per batch, not per order. A reply is sent only
// after the batch that holds its command is committed.
//
// The committer only queues, sheds and batches; an executor runs each batch where the store's
// writer lives: in this thread (PostgreSQL), or in a thread of its own (SQLite, see
// sqlite-batch-executor.ts). Commands name their handler and carry plain data, so a batch can
// cross to another thread.
import type { Clock } from '../clock.js';
import type { Store, StoreTx } from '../store/store.js';
import {
  CommitUnknown, isCommitUnknown, isStoreUnavailable, ResultUnread, StoreUnavailable,
} from '../store/store-unavailable.js';

/**
 * A command's result that is known only once its transaction has committed: a handler that
 * sends its whole decision with the COMMIT (drops' holds on PostgreSQL, so the drop's lock is
 * taken and released inside the database) returns one per command. `value` is called after the
 * COMMIT succeeded (executeBatch), never before; it throws if the statement's result never came.
 */
export class AtCommit<R> {
  constructor(readonly value: () => R) {}
}

/**
 * Runs many commands of one kind inside a transaction; returns one result per command. A
 * handler whose R includes AtCommit (dropHold) may answer after the COMMIT: ResultOf leaves
 * AtCommit out, as executeBatch resolves it.
 */
export type BatchHandler<P, R> = (tx: StoreTx, payloads: readonly P[], nowMs: number) =>
  Promise<R[]>;

/** A command's outcome from what its handler returned, once the transaction has committed. */
function settled(value: unknown): JobOutcome {
  if (!(value instanceof AtCommit)) return { done: true, value };
  try {
    return { done: true, value: value.value() };
  } catch (err) {
    // Committed, but its result could not be read: this command fails, not its batch-mates
    // (running them again would take their holds twice). Not a 500: its change was made, and
    // the same request sent again with its Idempotency-Key is answered from what was written
    // (ResultUnread, `commit_unknown`).
    return { done: false, error: (err as Error)?.message ?? String(err), unavailable: true,
      commitUnknown: true, resultUnread: true };
  }
}

export type HandlerMap = Readonly<Record<string, BatchHandler<any, any>>>;
export type PayloadOf<H> = H extends BatchHandler<infer P, unknown> ? P : never;
export type ResultOf<H> = H extends BatchHandler<never, infer R> ? Exclude<R, AtCommit<unknown>>
  : never;

export interface BatchJob {
  readonly handler: string;
  readonly payload: unknown;
}

/**
 * A command's outcome: its handler's result, or the error that failed it. `unavailable` says
 * the store could not be reached (store-unavailable.ts): a plain flag, as it crosses threads.
 */
export type JobOutcome =
  | { readonly done: true; readonly value: unknown }
  | { readonly done: false; readonly error: string; readonly unavailable?: boolean;
      /** The store went away during the COMMIT: the command may have been written. */
      readonly commitUnknown?: boolean;
      /** Committed, but the command's result (AtCommit) could not be read: see ResultUnread. */
      readonly resultUnread?: boolean };

/** Runs a batch at the time given, all in one transaction if it can (see executeBatch). */
export type BatchExecutor = (jobs: readonly BatchJob[], nowMs: number) => Promise<JobOutcome[]>;

/**
 * Runs a batch in one transaction; if that fails, runs each command alone, so that one
 * command's failure does not fail its batch-mates. Shared by every executor.
 *
 * This is also what answers a unique-key race on PostgreSQL: a batch that read "no row with
 * this key" (a drop purchase's Idempotency-Key, a registration's phone) and lost the INSERT to
 * another process's or lane's batch fails on the key; its command, run alone in a transaction
 * of its own, reads the winner's row and is answered from it (a replay, or the key's refusal),
 * as test/unique-key-races.test.ts shows. A handler must therefore read its keys inside the
 * transaction, never rely on a read made before it.
 *
 * A store out of reach fails every command at once, each marked `unavailable`: the transaction
 * rolled back (or never began), so nothing of the batch is written, and trying each command
 * alone would only wait for the same dead connection once per command. Lost during its COMMIT,
 * the batch may have been written: each command is marked `commitUnknown` as well.
 */
export async function executeBatch(transaction: Store['transaction'], handlers: HandlerMap,
  jobs: readonly BatchJob[], nowMs: number): Promise<JobOutcome[]> {
  try {
    const values = await transaction((tx) => runGroups(tx, handlers, jobs, nowMs));
    return values.map(settled);
  } catch (first) {
    if (isStoreUnavailable(first)) return jobs.map(() => unavailableOutcome(first));
    const out: JobOutcome[] = [];
    for (const job of jobs) {
      try {
        const [value] = await transaction((tx) => runGroups(tx, handlers, [job], nowMs));
        out.push(settled(value));
      } catch (err) {
        // The store went away part-way: the commands not yet tried fail with it, untried.
        if (isStoreUnavailable(err)) {
          out.push(unavailableOutcome(err));
          // The ones after it were never tried: certainly not written.
          const untried = new StoreUnavailable((err as Error)?.message ?? String(err));
          while (out.length < jobs.length) out.push(unavailableOutcome(untried));
          return out;
        }
        out.push({ done: false, error: (err as Error)?.message ?? String(err) });
      }
    }
    return out;
  }
}

function unavailableOutcome(err: unknown): JobOutcome {
  return { done: false, error: (err as Error)?.message ?? String(err), unavailable: true,
    ...(isCommitUnknown(err) ? { commitUnknown: true } : {}) };
}

/** The error a failed outcome rejects its command with. */
export function outcomeError(o: Extract<JobOutcome, { done: false }>): Error {
  if (o.resultUnread === true) return new ResultUnread(o.error);
  if (o.commitUnknown === true) return new CommitUnknown(o.error);
  return o.unavailable === true ? new StoreUnavailable(o.error) : new Error(o.error);
}

/** Runs the batch's commands grouped by handler, in order of each group's first arrival. */
export async function runGroups(tx: StoreTx, handlers: HandlerMap, batch: readonly BatchJob[],
  nowMs: number): Promise<unknown[]> {
  const groups = new Map<string, number[]>();
  batch.forEach((job, i) => {
    const list = groups.get(job.handler);
    if (list) list.push(i);
    else groups.set(job.handler, [i]);
  });
  const results = new Array<unknown>(batch.length);
  for (const [name, indexes] of groups) {
    const handler = handlers[name];
    if (handler === undefined) throw new Error(`no batch handler named ${name}`);
    const out = await handler(tx, indexes.map((i) => batch[i]!.payload), nowMs);
    if (out.length !== indexes.length) throw new Error('a batch handler lost a result');
    indexes.forEach((at, k) => { results[at] = out[k]; });
  }
  return results;
}

/** Runs batches in this thread, on the store's own transactions. */
export function localExecutor(store: Store, handlers: HandlerMap): BatchExecutor {
  return (jobs, nowMs) => executeBatch((fn) => store.transaction(fn), handlers, jobs, nowMs);
}

interface Job {
  readonly handler: string;
  readonly payload: unknown;
  readonly queuedAtMs: number;
  /** Its lane ('' for none): see GroupCommitter.submit. */
  readonly lane: string;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** The commands of one lane waiting, oldest first, and whether a batch of it is under way. */
interface Lane {
  readonly jobs: Job[];
  busy: boolean;
  /** When its last batch ended (performance.now(), ms); its commands wait from then. */
  freedAtMs: number;
}

export interface GroupCommitterLimits {
  /** Commands in one transaction at most. */
  readonly batchCommandsMax: number;
  /**
   * A batch normally goes when the event loop's turn ends, so that every request already read
   * joins it. When this many are waiting it goes at once: in a stampede a turn reads hundreds of
   * requests, and the writer would sit idle while the event loop parses them all.
   */
  readonly batchEarlyCommands: number;
  /**
   * As `batchEarlyCommands`, while no batch is under way: the writer has nothing to do, so a
   * smaller batch starts it now rather than after the event loop has parsed a whole burst.
   */
  readonly batchIdleCommands: number;
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

/** One batch as the committer's observer sees it (metrics.ts counts them). */
export interface BatchObservation {
  /** False when the batch could not run at all (each of its commands failed). */
  readonly ok: boolean;
  readonly commands: number;
  /**
   * How long its oldest command waited in the queue before the batch began (ms); a lane's
   * command counts from when its lane's batch before ended (its wait for that is by design).
   */
  readonly queueDelayMs: number;
  /** From the batch's start to its commit and flush (ms). */
  readonly durationMs: number;
}

export class Overloaded extends Error {
  constructor() {
    super('too many commands waiting for a commit');
  }
}

export class GroupCommitter<H extends HandlerMap> {
  /** The waiting commands by lane ('': those of none, never held back), each oldest first. */
  readonly #lanes = new Map<string, Lane>([['', { jobs: [], busy: false, freedAtMs: 0 }]]);
  #pendingCount = 0;
  #inFlight = 0;
  #scheduled = false;
  #idle: Array<() => void> = [];
  batches = 0;
  commands = 0;
  /** Commands refused because the queue was full or too slow. */
  refused = 0;
  #onCommit: ((jobs: readonly BatchJob[], results: readonly unknown[] | null) => void) | null
    = null;
  /**
   * Told of every batch once it has committed or failed: a callback, so that the committer
   * knows nothing of how it is measured. Its cost is per batch, not per command.
   */
  onBatch: ((batch: BatchObservation) => void) | null = null;

  /**
   * `lanes`: whether `submit`'s lanes hold a lane's commands back while a batch of it is under
   * way (see submit); when false every command flows as if it had none.
   */
  constructor(private readonly execute: BatchExecutor, private readonly clock: Clock,
    private readonly limits: GroupCommitterLimits, private readonly lanes = true) {}

  /**
   * Calls `listener` with each batch once it has committed (or failed), before any of its
   * commands' promises settle: a cache the batch makes stale is dropped before anyone can be
   * told the write happened. `results`: each command's result (undefined for one refused), or
   * null when the batch failed and what it wrote is unknown. One listener; a second replaces
   * the first.
   */
  onCommit(listener: (jobs: readonly BatchJob[], results: readonly unknown[] | null) => void):
    void {
    this.#onCommit = listener;
  }

  /**
   * How long the oldest write waiting for a commit has waited (ms; 0 when none waits): the load
   * signal an adaptive waiting room slows its admissions by.
   */
  get queueDelayMs(): number {
    return this.#oldestWaitMs(performance.now());
  }

  get pendingCount(): number {
    return this.#pendingCount;
  }

  /** Whether a command is waiting or a batch is under way: for writes that can wait. */
  get busy(): boolean {
    return this.#pendingCount > 0 || this.#inFlight > 0;
  }

  /**
   * How long the oldest command that could go in the next batch has waited (ms): a command of
   * a lane waits from when its lane was last freed, not while a batch of its lane is under way
   * (it is then held back by design, and the writer is not behind).
   */
  #oldestWaitMs(nowMs: number): number {
    let most = 0;
    for (const lane of this.#lanes.values()) {
      const head = lane.jobs[0];
      if (head === undefined || lane.busy) continue;
      most = Math.max(most, nowMs - Math.max(head.queuedAtMs, lane.freedAtMs));
    }
    return most;
  }

  /**
   * Queues a command for the handler named; the promise settles once its batch has committed
   * (or failed). An `essential` command (the system's own, such as locking orders whose
   * cooling-off ended) is never refused for load.
   *
   * `lane` (a name; '' or absent for none): the commands of one lane go in one batch at a time;
   * while a batch holding some is under way, the lane's next commands wait and join the batch
   * after it, and other commands flow past them. For commands that all take one row lock (a
   * drop's, on PostgreSQL), batches in flight would only queue on that lock, one behind the
   * other, so a lane makes each batch larger instead and leaves the lock's queue to other
   * processes. The wait for the lane's batch under way does not count as queue delay.
   */
  submit<K extends keyof H & string>(handler: K, payload: PayloadOf<H[K]>, essential = false,
    lane = ''): Promise<ResultOf<H[K]>> {
    const nowMs = performance.now();
    if (!essential && (this.#pendingCount >= this.limits.pendingCommandsMax
      || this.#oldestWaitMs(nowMs) > this.limits.queueDelayMaxMs)) {
      this.refused++;
      return Promise.reject(new Overloaded());
    }
    const name = this.lanes ? lane : '';
    let queue = this.#lanes.get(name);
    if (queue === undefined) {
      queue = { jobs: [], busy: false, freedAtMs: 0 };
      this.#lanes.set(name, queue);
    }
    const into = queue;
    return new Promise((resolve, reject) => {
      into.jobs.push({ handler, payload, queuedAtMs: nowMs, lane: name,
        resolve: resolve as (v: unknown) => void, reject });
      this.#pendingCount++;
      this.#schedule();
    });
  }

  /** Resolves when nothing is pending or running: for orderly shutdown. */
  drained(): Promise<void> {
    if (this.#inFlight === 0 && this.#pendingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Commands that the next batch could take now (those of lanes under way wait). */
  #ready(): number {
    let n = 0;
    for (const lane of this.#lanes.values()) if (!lane.busy) n += lane.jobs.length;
    return n;
  }

  /**
   * Takes the next batch: the oldest ready commands, at most batchCommandsMax, in arrival
   * order across the lanes not under way; marks the lanes it takes from as under way.
   */
  /**
   * The next batch, and how long its oldest command waited for it (ms): a lane's command from
   * when its lane was last freed, as queueDelayMs counts it, not while its lane's batch ran.
   */
  #take(): { batch: Job[]; waitedMs: number } {
    // The commands of no lane, and of one named lane at most: the oldest waiting. A named
    // lane's commands all take one row lock (a drop's), and a batch with two lanes would take
    // the two locks in the order its handlers run; two processes doing so in the other order
    // waited for each other until PostgreSQL's deadlock_timeout (1 s), then one batch was
    // aborted and run again (the PostgreSQL review's find). The other lanes go in the next
    // batches, in flight beside this one.
    const none = this.#lanes.get('')!;
    let named: Lane | null = null;
    for (const l of this.#lanes.values()) {
      if (l === none || l.busy || l.jobs.length === 0) continue;
      if (named === null || l.jobs[0]!.queuedAtMs < named.jobs[0]!.queuedAtMs) named = l;
    }
    const open = [none, ...(named === null ? [] : [named])].filter((l) => l.jobs.length > 0);
    const nowMs = performance.now();
    const waitedMs = Math.max(...open.map((l) => nowMs - Math.max(l.jobs[0]!.queuedAtMs,
      l.freedAtMs)));
    const batch: Job[] = [];
    if (open.length === 1) {
      batch.push(...open[0]!.jobs.splice(0, this.limits.batchCommandsMax));
    } else {
      const at = open.map(() => 0);
      while (batch.length < this.limits.batchCommandsMax) {
        let pick = -1;
        for (let i = 0; i < open.length; i++) {
          const job = open[i]!.jobs[at[i]!];
          if (job !== undefined && (pick < 0
            || job.queuedAtMs < open[pick]!.jobs[at[pick]!]!.queuedAtMs)) pick = i;
        }
        if (pick < 0) break;
        batch.push(open[pick]!.jobs[at[pick]!]!);
        at[pick]!++;
      }
      open.forEach((l, i) => l.jobs.splice(0, at[i]!));
    }
    this.#pendingCount -= batch.length;
    for (const job of batch) if (job.lane !== '') this.#lanes.get(job.lane)!.busy = true;
    return { batch, waitedMs };
  }

  /** Frees the lanes of a batch that ended; a lane with nothing waiting is forgotten. */
  #free(batch: readonly Job[]): void {
    const nowMs = performance.now();
    for (const name of new Set(batch.map((j) => j.lane))) {
      if (name === '') continue;
      const lane = this.#lanes.get(name)!;
      lane.busy = false;
      lane.freedAtMs = nowMs;
      if (lane.jobs.length === 0) this.#lanes.delete(name);
    }
  }

  // setImmediate lets every request already readable on a socket join the batch first, unless
  // enough are waiting to keep the writer busy meanwhile (fewer when it has nothing to do).
  #schedule(): void {
    if (this.#inFlight >= this.limits.batchesInFlightMax) return;
    const early = this.#inFlight === 0 ? this.limits.batchIdleCommands
      : this.limits.batchEarlyCommands;
    if (this.#ready() >= early) {
      void this.#runBatch();
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      // An early batch may have taken the last slot since; its end schedules the next.
      if (this.#inFlight < this.limits.batchesInFlightMax) void this.#runBatch();
    });
  }

  async #runBatch(): Promise<void> {
    if (this.#ready() === 0) return;
    this.#inFlight++;
    const { batch, waitedMs: queueDelayMs } = this.#take();
    // Start gathering the next batch now: it runs as soon as this one has been written.
    if (this.#ready() > 0) this.#schedule();
    const startedMs = performance.now();
    let ok = false;
    try {
      const outcomes = await this.execute(
        batch.map((j) => ({ handler: j.handler, payload: j.payload })), this.clock.nowMs());
      ok = true;
      this.batches++;
      this.#onCommit?.(batch, outcomes.map((o) => (o.done ? o.value : undefined)));
      batch.forEach((job, i) => {
        const o = outcomes[i]!;
        if (o.done) {
          this.commands++;
          job.resolve(o.value);
        } else {
          job.reject(outcomeError(o));
        }
      });
    } catch (err) {
      // Part of it may have been written before the failure: treat it as committed.
      this.#onCommit?.(batch, null);
      for (const job of batch) job.reject(err);
    } finally {
      this.#inFlight--;
      this.#free(batch);
      if (this.#ready() > 0) this.#schedule();
      else if (this.#inFlight === 0 && this.#pendingCount === 0) {
        for (const done of this.#idle.splice(0)) done();
      }
      this.onBatch?.({ ok, commands: batch.length, queueDelayMs,
        durationMs: performance.now() - startedMs });
    }
  }
}
