// The event loop's side of the SQLite writer thread (sqlite-batch-worker.ts): sends it batches,
// matches its answers, holds each until its flushing thread (sqlite-sync-worker.ts) says the
// batch's commit is on disk, and lets the store's own transactions in only while it is paused.
import { Worker } from 'node:worker_threads';
import type { SqliteStore } from '../store/sqlite-store.js';
import { CommitUnknown, StoreUnavailable } from '../store/store-unavailable.js';
import {
  decodeOutcomes, encodeJobs, type BatchHandlerLimits, type WriteComposition,
} from './batch-handlers.js';
import type { BatchExecutor, BatchJob, JobOutcome } from './group-committer.js';
import {
  newSyncCounters, stopSync, SYNC_REQUESTED, type SyncMessage,
} from './sync-counters.js';

export type ToWorker =
  | { readonly type: 'batch'; readonly id: number; readonly jobs: readonly BatchJob[];
      readonly nowMs: number }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'batch'; readonly id: number; readonly outcomes: JobOutcome[];
      /** The writer's last commit when it answered: the batch's, or one after it. */
      readonly commit: number }
  | { readonly type: 'failed'; readonly id: number; readonly error: string;
      /** The store could not write (disk full, read-only, I/O error): see store-unavailable. */
      readonly unavailable: boolean }
  | { readonly type: 'paused' }
  | { readonly type: 'stopped' };

export class SqliteBatchExecutor {
  readonly #worker: Worker;
  #nextId = 1;
  /**
   * Batches sent and not yet answered, oldest first: a handful at most (batches in flight).
   * An array, not a Map keyed by id: with the Map, which adds and deletes on every batch and
   * so rebuilds its table now and then, the batches' commands outlived their requests into the
   * old generation (measured at two connections: five times the bytes promoted per order;
   * docs/benchmarks.md, session 7). Likely the old tables, left in the old generation, still
   * pointed at the batches they held, and young collections take such pointers as live.
   */
  readonly #waiting: Array<{ readonly id: number; resolve(o: JobOutcome[]): void;
    reject(e: Error): void;
    /** The writer's answer, held until its commit is on disk. */
    answered?: { readonly outcomes: JobOutcome[]; readonly commit: number } }> = [];
  /** The flushing thread: it says which of the writer's commits are on disk. */
  readonly #syncer: Worker;
  readonly #syncCounters = new BigInt64Array(newSyncCounters());
  /** Commits known to be on disk: those numbered up to this. */
  #durableUpTo = 0;
  /** Callers waiting for the writer to pause, in the order they asked. */
  readonly #pauses: Array<() => void> = [];
  #stopped: (() => void) | null = null;
  /** Set once the thread has died: every batch after fails at once with it. */
  #dead: Error | null = null;
  #closing = false;
  /** Whether the thread is referenced (see `holdsProcess`). */
  #referenced = false;
  #reportDeath!: (err: Error) => void;
  /**
   * Settles if the thread dies other than by `close`: nothing can be written after that, so the
   * process should stop and be started again (main.ts exits).
   */
  readonly died: Promise<Error> = new Promise((resolve) => { this.#reportDeath = resolve; });

  readonly #wires: WriteComposition['wires'];

  /**
   * `wires`: the compact forms commands cross in (the composition's WriteComposition; the
   * thread imports the same composition from `store.composition.module`).
   * `syncWorker`: the flushing thread's module, for tests (sqlite-sync-worker.js by default).
   */
  constructor(private readonly store: SqliteStore, limits: BatchHandlerLimits,
    wires: WriteComposition['wires'],
    syncWorker: URL = new URL('./sqlite-sync-worker.js', import.meta.url)) {
    this.#wires = wires;
    const syncCounters = this.#syncCounters.buffer;
    this.#worker = new Worker(new URL('./sqlite-batch-worker.js', import.meta.url),
      { workerData: { file: store.file, limits: { autoLockBatchMax: limits.autoLockBatchMax },
        module: store.composition.module, syncCounters } });
    // Never referenced: the writer thread is, while anything waits on it, and so the process
    // lives while a flush that a batch waits for is under way.
    this.#syncer = new Worker(syncWorker,
      { workerData: { walPath: `${store.file}-wal`, counters: syncCounters } });
    this.#syncer.unref();
    this.#syncer.on('message', (m: SyncMessage) => this.#synced(m));
    this.#syncer.on('error', (err: Error) => this.#die(err));
    this.#syncer.on('exit', (code) => {
      if (!this.#closing) this.#die(new Error(`the SQLite flushing thread exited (${code})`));
    });
    // Referenced only while something waits on it, so an idle writer never keeps a process up.
    this.#worker.unref();
    this.#worker.on('message', (m: FromWorker) => this.#receive(m));
    this.#worker.on('error', (err: Error) => this.#die(err));
    this.#worker.on('exit',
      (code) => this.#die(new Error(`the SQLite writer thread exited (${code})`)));
    store.setWriteGate({ enter: () => this.#pause() });
  }

  readonly execute: BatchExecutor = (jobs, nowMs) => {
    if (this.#dead !== null) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const decoded = (o: JobOutcome[]): void => {
        try {
          resolve(decodeOutcomes(this.#wires, jobs, o, nowMs));
        } catch (err) {
          reject(err as Error);
        }
      };
      this.#waiting.push({ id, resolve: decoded, reject });
      this.#send({ type: 'batch', id, jobs: encodeJobs(this.#wires, jobs), nowMs });
    });
  };

  /** The writer's last commit that it has asked to have flushed (its commits so far). */
  get commitsRequested(): number {
    return Number(Atomics.load(this.#syncCounters, SYNC_REQUESTED));
  }

  /** Commits known to be on disk (numbered 1 to this). */
  get commitsFlushed(): number {
    return this.#durableUpTo;
  }

  /** Stops the writer thread once the batches sent have committed. */
  close(): Promise<void> {
    this.#closing = true;
    this.store.setWriteGate(null);
    if (this.#dead !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.#stopped = resolve;
      this.#send({ type: 'stop' });
    });
  }

  /**
   * Stops the thread at once, without waiting for its batches: what the event loop sees when
   * the thread crashes (for tests).
   */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
    stopSync(this.#syncCounters);
  }

  #pause(): Promise<() => void> {
    if (this.#dead !== null) return Promise.resolve(() => {});
    return new Promise((resolve) => {
      this.#pauses.push(() => resolve(() => {
        if (this.#dead === null) this.#send({ type: 'resume' });
        this.#settled();
      }));
      this.#send({ type: 'pause' });
    });
  }

  /**
   * Whether the thread keeps the process alive now: only while something waits on it (a batch,
   * a pause, a close).
   */
  get holdsProcess(): boolean {
    return this.#referenced;
  }

  #send(m: ToWorker): void {
    this.#worker.ref();
    this.#referenced = true;
    this.#worker.postMessage(m);
  }

  /**
   * Unreferences the thread once nothing waits on it. A close waits too: a pause that ends
   * while the thread is stopping must not let the process end before the thread has said so.
   */
  #settled(): void {
    if (this.#waiting.length === 0 && this.#pauses.length === 0 && this.#stopped === null) {
      this.#worker.unref();
      this.#referenced = false;
    }
  }

  #receive(m: FromWorker): void {
    if (m.type === 'paused') {
      this.#pauses.shift()?.();
      return;
    }
    if (m.type === 'stopped') {
      // The writer flushed its WAL itself before it stopped: every batch answered is on disk.
      this.#synced({ type: 'durable', upTo: Number.MAX_SAFE_INTEGER });
      stopSync(this.#syncCounters);
      this.#stopped?.();
      return;
    }
    const at = this.#waiting.findIndex((x) => x.id === m.id);
    if (at < 0) return;
    if (m.type === 'batch' && m.commit > this.#durableUpTo) {
      // Committed, not yet on disk: answered by #synced.
      this.#waiting[at]!.answered = { outcomes: m.outcomes, commit: m.commit };
      return;
    }
    const w = this.#waiting.splice(at, 1)[0]!;
    if (m.type === 'batch') w.resolve(m.outcomes);
    else w.reject(m.unavailable ? new StoreUnavailable(m.error) : new Error(m.error));
    this.#settled();
  }

  /**
   * The flushing thread's word: the batches answered whose commits it covers are told now,
   * in the order sent. If the flush failed, their commands may or may not be on disk: each
   * fails as a commit of unknown outcome (CommitUnknown, as a connection lost during COMMIT).
   */
  #synced(m: SyncMessage): void {
    this.#durableUpTo = Math.max(this.#durableUpTo, m.upTo);
    for (let i = 0; i < this.#waiting.length;) {
      const w = this.#waiting[i]!;
      if (w.answered === undefined || w.answered.commit > m.upTo) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      if (m.type === 'durable') w.resolve(w.answered.outcomes);
      else {
        w.resolve(w.answered.outcomes.map((o) => ({ done: false, error: m.error,
          unavailable: true, commitUnknown: true })));
      }
    }
    this.#settled();
  }

  #die(cause: Error): void {
    if (this.#dead !== null) return;
    // Nothing can be written until the process starts again (main.ts stops it): the requests
    // in flight and after are refused as for a store out of reach, with Retry-After, not 500.
    const err = new StoreUnavailable(cause.message, { cause });
    this.#dead = err;
    stopSync(this.#syncCounters);
    // A batch answered and not yet known on disk was committed: it may be there or not.
    for (const w of this.#waiting.splice(0)) {
      w.reject(w.answered === undefined ? err : new CommitUnknown(cause.message, { cause }));
    }
    for (const resume of this.#pauses.splice(0)) resume();
    this.#stopped?.();
    if (!this.#closing) this.#reportDeath(cause);
  }
}
