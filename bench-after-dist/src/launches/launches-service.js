import { PreparedLaunches } from './prepared-launches.js';
/**
 * How long cached launches and windows may lag a change made by another process (PostgreSQL);
 * this process's own changes reload them as they commit (putLaunch, putWindow).
 */
const CACHE_MS = 1_000;
export class LaunchesService {
    deps;
    /** The public launch reads, prepared once per change (prepared-launches.ts). */
    prepared = new PreparedLaunches();
    #launches = new Map();
    #windows = [];
    #loadedAtMs = -Infinity;
    #loading = null;
    constructor(deps) {
        this.deps = deps;
    }
    // ---------- launches and windows (cached: read on every order) ----------
    /** Reloads launches and windows when stale; concurrent callers share one load. */
    refresh(force = false) {
        // A forced reload must see writes made after a load already in flight began.
        if (this.#loading)
            return force ? this.#loading.then(() => this.refresh(true)) : this.#loading;
        if (!force && this.fresh())
            return Promise.resolve();
        this.#loading = (async () => {
            try {
                const launches = await this.deps.store.launches();
                const windows = await this.deps.store.changeWindows();
                this.#launches = new Map(launches.map((l) => [l.launchId, l]));
                this.#windows = windows;
                this.#loadedAtMs = performance.now();
            }
            finally {
                this.#loading = null;
            }
        })();
        return this.#loading;
    }
    /** Whether the cached launches and windows may be used as they are. */
    fresh() {
        return this.#loading === null && performance.now() - this.#loadedAtMs < CACHE_MS;
    }
    /**
     * The launch from a fresh cache, without waiting (every order reads it twice); undefined when
     * the cache must be reloaded first, which `launch` does.
     */
    cachedLaunch(launchId) {
        return this.fresh() ? this.#launches.get(launchId) ?? null : undefined;
    }
    /** The launches by id as last loaded: for a caller that has just checked `fresh()`. */
    get byId() {
        return this.#launches;
    }
    /** The change windows as last loaded: for a caller that has just checked `fresh()`. */
    get cachedWindows() {
        return this.#windows;
    }
    async launch(launchId) {
        await this.refresh();
        return this.#launches.get(launchId) ?? null;
    }
    async all() {
        await this.refresh();
        return [...this.#launches.values()].sort((a, b) => a.opensAtMs - b.opensAtMs);
    }
    async windows() {
        await this.refresh();
        return this.#windows;
    }
    async putLaunch(actor, launch, detail) {
        const atMs = this.deps.clock.nowMs();
        await this.deps.store.transaction(async (tx) => {
            await tx.putLaunch(launch);
            await tx.appendAudit({ atMs, actor, action: 'launch_updated',
                detail: { launch_id: launch.launchId, ...detail } });
        });
        await this.refresh(true);
    }
    /** Writes a window and its audit entry; `changes` is each changed field `{from, to}`. */
    async putWindow(actor, window, action, changes) {
        const atMs = this.deps.clock.nowMs();
        await this.deps.store.transaction(async (tx) => {
            await tx.putChangeWindow(window);
            await tx.appendAudit({ atMs, actor, action, detail: { window_id: window.windowId,
                    ...(changes ? { changes } : {}) } });
        });
        await this.refresh(true);
    }
}
//# sourceMappingURL=launches-service.js.map