// The event loop's side of the SQLite writer thread (sqlite-batch-worker.ts): sends it batches,
// matches its answers, and lets the store's own transactions in only while it is paused.
import { Worker } from 'node:worker_threads';
import { StoreUnavailable } from '../store/store-unavailable.js';
import { decodeOutcomes, encodeJobs, } from './batch-handlers.js';
export class SqliteBatchExecutor {
    store;
    #worker;
    #nextId = 1;
    /**
     * Batches sent and not yet answered, oldest first: a handful at most (batches in flight).
     * An array, not a Map keyed by id: with the Map, which adds and deletes on every batch and
     * so rebuilds its table now and then, the batches' commands outlived their requests into the
     * old generation (measured at two connections: five times the bytes promoted per order;
     * docs/benchmarks.md, session 7). Likely the old tables, left in the old generation, still
     * pointed at the batches they held, and young collections take such pointers as live.
     */
    #waiting = [];
    /** Callers waiting for the writer to pause, in the order they asked. */
    #pauses = [];
    #stopped = null;
    /** Set once the thread has died: every batch after fails at once with it. */
    #dead = null;
    #closing = false;
    /** Whether the thread is referenced (see `holdsProcess`). */
    #referenced = false;
    #reportDeath;
    /**
     * Settles if the thread dies other than by `close`: nothing can be written after that, so the
     * process should stop and be started again (main.ts exits).
     */
    died = new Promise((resolve) => { this.#reportDeath = resolve; });
    #wires;
    /**
     * `wires`: the compact forms commands cross in (the composition's WriteComposition; the
     * thread imports the same composition from `store.composition.module`).
     */
    constructor(store, limits, wires) {
        this.store = store;
        this.#wires = wires;
        this.#worker = new Worker(new URL('./sqlite-batch-worker.js', import.meta.url), { workerData: { file: store.file, limits: { autoLockBatchMax: limits.autoLockBatchMax },
                module: store.composition.module } });
        // Referenced only while something waits on it, so an idle writer never keeps a process up.
        this.#worker.unref();
        this.#worker.on('message', (m) => this.#receive(m));
        this.#worker.on('error', (err) => this.#die(err));
        this.#worker.on('exit', (code) => this.#die(new Error(`the SQLite writer thread exited (${code})`)));
        store.setWriteGate({ enter: () => this.#pause() });
    }
    execute = (jobs, nowMs) => {
        if (this.#dead !== null)
            return Promise.reject(this.#dead);
        const id = this.#nextId++;
        return new Promise((resolve, reject) => {
            const decoded = (o) => {
                try {
                    resolve(decodeOutcomes(this.#wires, jobs, o, nowMs));
                }
                catch (err) {
                    reject(err);
                }
            };
            this.#waiting.push({ id, resolve: decoded, reject });
            this.#send({ type: 'batch', id, jobs: encodeJobs(this.#wires, jobs), nowMs });
        });
    };
    /** Stops the writer thread once the batches sent have committed. */
    close() {
        this.#closing = true;
        this.store.setWriteGate(null);
        if (this.#dead !== null)
            return Promise.resolve();
        return new Promise((resolve) => {
            this.#stopped = resolve;
            this.#send({ type: 'stop' });
        });
    }
    /**
     * Stops the thread at once, without waiting for its batches: what the event loop sees when
     * the thread crashes (for tests).
     */
    async terminate() {
        await this.#worker.terminate();
    }
    #pause() {
        if (this.#dead !== null)
            return Promise.resolve(() => { });
        return new Promise((resolve) => {
            this.#pauses.push(() => resolve(() => {
                if (this.#dead === null)
                    this.#send({ type: 'resume' });
                this.#settled();
            }));
            this.#send({ type: 'pause' });
        });
    }
    /**
     * Whether the thread keeps the process alive now: only while something waits on it (a batch,
     * a pause, a close).
     */
    get holdsProcess() {
        return this.#referenced;
    }
    #send(m) {
        this.#worker.ref();
        this.#referenced = true;
        this.#worker.postMessage(m);
    }
    /**
     * Unreferences the thread once nothing waits on it. A close waits too: a pause that ends
     * while the thread is stopping must not let the process end before the thread has said so.
     */
    #settled() {
        if (this.#waiting.length === 0 && this.#pauses.length === 0 && this.#stopped === null) {
            this.#worker.unref();
            this.#referenced = false;
        }
    }
    #receive(m) {
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
        if (m.type === 'batch')
            w?.resolve(m.outcomes);
        else
            w?.reject(m.unavailable ? new StoreUnavailable(m.error) : new Error(m.error));
        this.#settled();
    }
    #die(cause) {
        if (this.#dead !== null)
            return;
        // Nothing can be written until the process starts again (main.ts stops it): the requests
        // in flight and after are refused as for a store out of reach, with Retry-After, not 500.
        const err = new StoreUnavailable(cause.message, { cause });
        this.#dead = err;
        for (const w of this.#waiting.splice(0))
            w.reject(err);
        for (const resume of this.#pauses.splice(0))
            resume();
        this.#stopped?.();
        if (!this.#closing)
            this.#reportDeath(cause);
    }
}
//# sourceMappingURL=sqlite-batch-executor.js.map