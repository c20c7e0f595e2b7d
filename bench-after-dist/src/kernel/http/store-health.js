// Whether the store answers, as readiness and /health report it. Traffic tells first: a write or
// read that fails for want of the store marks it unreachable at once, a committed batch marks it
// reachable again. Without traffic (a process taken out of rotation gets none) a probe asks the
// store itself, at most once per `probeIntervalMs`, so that probes never load it.
export class StoreHealth {
    options;
    #state = 'reachable';
    /** When the state was last learnt, from traffic or a probe. */
    #learntAtMs = -Infinity;
    #probing = null;
    #now;
    constructor(options) {
        this.options = options;
        this.#now = options.nowMs ?? (() => performance.now());
    }
    /** The state as last learnt, without asking the store. */
    get state() {
        return this.#state;
    }
    /** Traffic found the store out of reach. */
    failed() {
        this.#state = 'unreachable';
        this.#learntAtMs = this.#now();
    }
    /** Traffic reached the store. */
    succeeded() {
        this.#state = 'reachable';
        this.#learntAtMs = this.#now();
    }
    /** The state, probed first when it was last learnt longer than the interval ago. */
    check() {
        if (this.#now() - this.#learntAtMs < this.options.probeIntervalMs) {
            return Promise.resolve(this.#state);
        }
        this.#probing ??= this.#probe().finally(() => { this.#probing = null; });
        return this.#probing;
    }
    async #probe() {
        let timer;
        const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('probe timed out')), this.options.probeTimeoutMs);
        });
        try {
            await Promise.race([this.options.probe(), timeout]);
            this.succeeded();
        }
        catch {
            this.failed();
        }
        finally {
            clearTimeout(timer);
        }
        return this.#state;
    }
}
//# sourceMappingURL=store-health.js.map