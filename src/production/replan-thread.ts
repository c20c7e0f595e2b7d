// The event loop's side of the re-plan worker (replan-worker.ts): starts it on first use, asks
// it for a re-plan, and hands back the packed result. Unreferenced while idle, so it never keeps
// a process up; a worker that died is started again on the next request.
import { Worker } from 'node:worker_threads';
import type { PackedReplan } from './replan-packing.js';
import type { FromReplanWorker } from './replan-worker.js';

export class ReplanThread {
  #worker: Worker | null = null;
  #nextId = 1;
  readonly #waiting = new Map<number, { resolve(p: PackedReplan): void;
    reject(e: Error): void }>();

  /** `file`: the SQLite store's file; `module`: its composition (StoreComposition.module). */
  constructor(private readonly file: string, private readonly module: string) {}

  /** A re-plan computed from one consistent read of the store, packed. */
  replan(): Promise<PackedReplan> {
    const w = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ type: 'replan', id });
    });
  }

  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = null;
    if (w !== null) await w.terminate();
  }

  #start(): Worker {
    if (this.#worker !== null) return this.#worker;
    const w = new Worker(new URL('./replan-worker.js', import.meta.url),
      { workerData: { file: this.file, module: this.module } });
    w.unref();
    w.on('message', (m: FromReplanWorker) => {
      const waiting = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (this.#waiting.size === 0) w.unref();
      if (m.type === 'replanned') waiting?.resolve(m.packed);
      else waiting?.reject(new Error(`the re-plan worker failed: ${m.error}`));
    });
    const fail = (err: Error): void => {
      if (this.#worker === w) this.#worker = null;
      for (const x of this.#waiting.values()) x.reject(err);
      this.#waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the re-plan worker exited (${code})`)));
    this.#worker = w;
    return w;
  }
}
