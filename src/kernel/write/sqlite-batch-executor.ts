// The event loop's side of the SQLite writer thread (sqlite-batch-worker.ts): sends it batches,
// matches its answers, and lets the store's own transactions in only while it is paused.
import { Worker } from 'node:worker_threads';
import type { SqliteStore } from '../store/sqlite-store.js';
import { StoreUnavailable } from '../store/store-unavailable.js';
import {
  decodeOutcomes, encodeJobs, type BatchHandlerLimits, type WriteComposition,
} from './batch-handlers.js';
import type { BatchExecutor, BatchJob, JobOutcome } from './group-committer.js';

export type ToWorker =
  | { readonly type: 'batch'; readonly id: number; readonly jobs: readonly BatchJob[];
      readonly nowMs: number }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'batch'; readonly id: number; readonly outcomes: JobOutcome[] }
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
    reject(e: Error): void }> = [];
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
   */
  constructor(private readonly store: SqliteStore, limits: BatchHandlerLimits,
    wires: WriteComposition['wires']) {
    this.#wires = wires;
    this.#worker = new Worker(new URL('./sqlite-batch-worker.js', import.meta.url),
      { workerData: { file: store.file, limits: { autoLockBatchMax: limits.autoLockBatchMax },
        module: store.composition.module } });
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
      this.#stopped?.();
      return;
    }
    const at = this.#waiting.findIndex((x) => x.id === m.id);
    const w = at < 0 ? undefined : this.#waiting.splice(at, 1)[0];
    if (m.type === 'batch') w?.resolve(m.outcomes);
    else w?.reject(m.unavailable ? new StoreUnavailable(m.error) : new Error(m.error));
    this.#settled();
  }

  #die(cause: Error): void {
    if (this.#dead !== null) return;
    // Nothing can be written until the process starts again (main.ts stops it): the requests
    // in flight and after are refused as for a store out of reach, with Retry-After, not 500.
    const err = new StoreUnavailable(cause.message, { cause });
    this.#dead = err;
    for (const w of this.#waiting.splice(0)) w.reject(err);
    for (const resume of this.#pauses.splice(0)) resume();
    this.#stopped?.();
    if (!this.#closing) this.#reportDeath(cause);
  }
}
