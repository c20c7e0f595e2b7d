import { CommitUnknown, isCommitUnknown, isStoreUnavailable, StoreUnavailable, } from '../store/store-unavailable.js';
/**
 * Runs a batch in one transaction; if that fails, runs each command alone, so that one
 * command's failure does not fail its batch-mates. Shared by every executor.
 *
 * A store out of reach fails every command at once, each marked `unavailable`: the transaction
 * rolled back (or never began), so nothing of the batch is written, and trying each command
 * alone would only wait for the same dead connection once per command. Lost during its COMMIT,
 * the batch may have been written: each command is marked `commitUnknown` as well.
 */
export async function executeBatch(transaction, handlers, jobs, nowMs) {
    try {
        const values = await transaction((tx) => runGroups(tx, handlers, jobs, nowMs));
        return values.map((value) => ({ done: true, value }));
    }
    catch (first) {
        if (isStoreUnavailable(first))
            return jobs.map(() => unavailableOutcome(first));
        const out = [];
        for (const job of jobs) {
            try {
                const [value] = await transaction((tx) => runGroups(tx, handlers, [job], nowMs));
                out.push({ done: true, value });
            }
            catch (err) {
                // The store went away part-way: the commands not yet tried fail with it, untried.
                if (isStoreUnavailable(err)) {
                    out.push(unavailableOutcome(err));
                    // The ones after it were never tried: certainly not written.
                    const untried = new StoreUnavailable(err?.message ?? String(err));
                    while (out.length < jobs.length)
                        out.push(unavailableOutcome(untried));
                    return out;
                }
                out.push({ done: false, error: err?.message ?? String(err) });
            }
        }
        return out;
    }
}
function unavailableOutcome(err) {
    return { done: false, error: err?.message ?? String(err), unavailable: true,
        ...(isCommitUnknown(err) ? { commitUnknown: true } : {}) };
}
/** The error a failed outcome rejects its command with. */
export function outcomeError(o) {
    if (o.commitUnknown === true)
        return new CommitUnknown(o.error);
    return o.unavailable === true ? new StoreUnavailable(o.error) : new Error(o.error);
}
/** Runs the batch's commands grouped by handler, in order of each group's first arrival. */
export async function runGroups(tx, handlers, batch, nowMs) {
    const groups = new Map();
    batch.forEach((job, i) => {
        const list = groups.get(job.handler);
        if (list)
            list.push(i);
        else
            groups.set(job.handler, [i]);
    });
    const results = new Array(batch.length);
    for (const [name, indexes] of groups) {
        const handler = handlers[name];
        if (handler === undefined)
            throw new Error(`no batch handler named ${name}`);
        const out = await handler(tx, indexes.map((i) => batch[i].payload), nowMs);
        if (out.length !== indexes.length)
            throw new Error('a batch handler lost a result');
        indexes.forEach((at, k) => { results[at] = out[k]; });
    }
    return results;
}
/** Runs batches in this thread, on the store's own transactions. */
export function localExecutor(store, handlers) {
    return (jobs, nowMs) => executeBatch((fn) => store.transaction(fn), handlers, jobs, nowMs);
}
export class Overloaded extends Error {
    constructor() {
        super('too many commands waiting for a commit');
    }
}
export class GroupCommitter {
    execute;
    clock;
    limits;
    #pending = [];
    #inFlight = 0;
    #scheduled = false;
    #idle = [];
    batches = 0;
    commands = 0;
    /** Commands refused because the queue was full or too slow. */
    refused = 0;
    #onCommit = null;
    /**
     * Told of every batch once it has committed or failed: a callback, so that the committer
     * knows nothing of how it is measured. Its cost is per batch, not per command.
     */
    onBatch = null;
    constructor(execute, clock, limits) {
        this.execute = execute;
        this.clock = clock;
        this.limits = limits;
    }
    /**
     * Calls `listener` with each batch once it has committed (or failed), before any of its
     * commands' promises settle: a cache the batch makes stale is dropped before anyone can be
     * told the write happened. `results`: each command's result (undefined for one refused), or
     * null when the batch failed and what it wrote is unknown. One listener; a second replaces
     * the first.
     */
    onCommit(listener) {
        this.#onCommit = listener;
    }
    get pendingCount() {
        return this.#pending.length;
    }
    /**
     * Queues a command for the handler named; the promise settles once its batch has committed
     * (or failed). An `essential` command (the system's own, such as locking orders whose
     * cooling-off ended) is never refused for load.
     */
    submit(handler, payload, essential = false) {
        const nowMs = performance.now();
        const oldest = this.#pending[0];
        if (!essential && (this.#pending.length >= this.limits.pendingCommandsMax
            || (oldest !== undefined && nowMs - oldest.queuedAtMs > this.limits.queueDelayMaxMs))) {
            this.refused++;
            return Promise.reject(new Overloaded());
        }
        return new Promise((resolve, reject) => {
            this.#pending.push({ handler, payload, queuedAtMs: nowMs,
                resolve: resolve, reject });
            this.#schedule();
        });
    }
    /** Resolves when nothing is pending or running: for orderly shutdown. */
    drained() {
        if (this.#inFlight === 0 && this.#pending.length === 0)
            return Promise.resolve();
        return new Promise((resolve) => this.#idle.push(resolve));
    }
    // setImmediate lets every request already readable on a socket join the batch first, unless
    // enough are waiting to keep the writer busy meanwhile (fewer when it has nothing to do).
    #schedule() {
        if (this.#inFlight >= this.limits.batchesInFlightMax)
            return;
        const early = this.#inFlight === 0 ? this.limits.batchIdleCommands
            : this.limits.batchEarlyCommands;
        if (this.#pending.length >= early) {
            void this.#runBatch();
            return;
        }
        if (this.#scheduled)
            return;
        this.#scheduled = true;
        setImmediate(() => {
            this.#scheduled = false;
            // An early batch may have taken the last slot since; its end schedules the next.
            if (this.#inFlight < this.limits.batchesInFlightMax)
                void this.#runBatch();
        });
    }
    async #runBatch() {
        if (this.#pending.length === 0)
            return;
        this.#inFlight++;
        const batch = this.#pending.splice(0, this.limits.batchCommandsMax);
        // Start gathering the next batch now: it runs as soon as this one has been written.
        if (this.#pending.length > 0)
            this.#schedule();
        const startedMs = performance.now();
        const queueDelayMs = startedMs - batch[0].queuedAtMs;
        let ok = false;
        try {
            const outcomes = await this.execute(batch.map((j) => ({ handler: j.handler, payload: j.payload })), this.clock.nowMs());
            ok = true;
            this.batches++;
            this.#onCommit?.(batch, outcomes.map((o) => (o.done ? o.value : undefined)));
            batch.forEach((job, i) => {
                const o = outcomes[i];
                if (o.done) {
                    this.commands++;
                    job.resolve(o.value);
                }
                else {
                    job.reject(outcomeError(o));
                }
            });
        }
        catch (err) {
            // Part of it may have been written before the failure: treat it as committed.
            this.#onCommit?.(batch, null);
            for (const job of batch)
                job.reject(err);
        }
        finally {
            this.#inFlight--;
            if (this.#pending.length > 0)
                this.#schedule();
            else if (this.#inFlight === 0)
                for (const done of this.#idle.splice(0))
                    done();
            this.onBatch?.({ ok, commands: batch.length, queueDelayMs,
                durationMs: performance.now() - startedMs });
        }
    }
}
//# sourceMappingURL=group-committer.js.map