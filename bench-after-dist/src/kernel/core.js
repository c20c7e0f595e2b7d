// The application's kernel: what every capability's service shares. Group commit and the SQLite
// writer thread, whether the store answers, the rate limits, the audit log, and closing. It
// holds no use case: those are the capabilities' services (accounts/accounts-service.ts, ...),
// which submit their batch commands here. The kernel names no capability: the handlers come
// from the composition (src/stores.ts, writeComposition).
import { systemClock } from './clock.js';
import { refuse } from './outcomes.js';
import { SqliteStore } from './store/sqlite-store.js';
import { isCommitUnknown, isStoreUnavailable } from './store/store-unavailable.js';
import { GroupCommitter, localExecutor, Overloaded, } from './write/group-committer.js';
import { SqliteBatchExecutor } from './write/sqlite-batch-executor.js';
import { StoreHealth } from './http/store-health.js';
import { RateLimits } from './rate-limits.js';
/**
 * Least time between two probes of an idle store (readiness, /health): however often they are
 * asked, the store sees one tiny write a second from each process at most.
 */
const STORE_PROBE_INTERVAL_MS = 1_000;
/** A probe slower than this counts the store as unreachable. */
const STORE_PROBE_TIMEOUT_MS = 2_000;
export class Core {
    deps;
    committer;
    /** The embedded store's writer thread, which runs the group-commit batches. */
    #writerThread;
    /**
     * Settles if nothing can be written any more (the SQLite writer thread died): the process
     * should stop and be started again, which main.ts does.
     */
    broken;
    /** Why nothing can be written, once `broken` has settled. */
    brokenBecause = null;
    /** Whether the store answers (store-unavailable.ts): for readiness and /health. */
    storeHealth;
    #closing = false;
    /** Per phone, identity number, account and address; the routes ask before they act. */
    rateLimits;
    constructor(deps, write) {
        this.deps = deps;
        this.rateLimits = new RateLimits(deps.store, deps.limits, deps.rateLimitMode ?? 'on', deps.rateClock ?? systemClock);
        // SQLite takes one writer at a time: it gets a thread of its own, so that the event loop
        // only reads requests and writes replies. PostgreSQL's writes run here, on its pool.
        this.#writerThread = deps.store instanceof SqliteStore
            ? new SqliteBatchExecutor(deps.store, deps.limits, write.wires) : null;
        this.committer = new GroupCommitter(this.#writerThread?.execute ?? localExecutor(deps.store, write.handlers(deps.limits)), deps.clock, deps.limits);
        this.broken = this.#writerThread?.died ?? new Promise(() => { });
        void this.broken.then((err) => { this.brokenBecause = err; });
        this.storeHealth = new StoreHealth({ probeIntervalMs: STORE_PROBE_INTERVAL_MS,
            probeTimeoutMs: STORE_PROBE_TIMEOUT_MS,
            probe: () => deps.store.transaction((tx) => tx.setMeta('health_probe_at', new Date().toISOString())) });
    }
    /** True from the moment the process starts to close: readiness says 503 from then on. */
    get closing() {
        return this.#closing;
    }
    /** Marks the process as closing, before the server stops taking connections. */
    beginClosing() {
        this.#closing = true;
    }
    /**
     * The refusal for an error thrown on a request's way, when it is an expected one: the store
     * out of reach is `store_unavailable` (503, Retry-After), never `internal_error`. Null for
     * anything else, which is a bug and stays a 500.
     */
    refusalFor(err) {
        if (!isStoreUnavailable(err))
            return null;
        this.storeHealth.failed();
        // Lost during its COMMIT, the change may have been made: saying "not completed" would be
        // untrue, and a retry of a lock or a change would then meet "already done".
        return refuse(isCommitUnknown(err) ? 'commit_unknown' : 'store_unavailable');
    }
    /** Waits for the commits under way and stops the writer thread; the store stays open. */
    async close() {
        this.#closing = true;
        await this.committer.drained();
        await this.#writerThread?.close();
    }
    get clock() {
        return this.deps.clock;
    }
    /**
     * Submits to group commit; a full queue becomes the `overloaded` outcome, a store out of
     * reach `store_unavailable` (its batch rolled back: nothing of it was written).
     */
    submit = async (handler, payload, essential = false) => {
        try {
            const r = await this.committer.submit(handler, payload, essential);
            this.storeHealth.succeeded();
            return r;
        }
        catch (err) {
            if (err instanceof Overloaded)
                return refuse('overloaded');
            const refusal = this.refusalFor(err);
            if (refusal !== null)
                return refusal;
            throw err;
        }
    };
    // ---------- operator ----------
    async audit(actor, action, detail) {
        const atMs = this.deps.clock.nowMs();
        await this.deps.store.transaction((tx) => tx.appendAudit({ atMs, actor, action, detail }));
    }
}
//# sourceMappingURL=core.js.map