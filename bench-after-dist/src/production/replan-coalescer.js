// Automatic re-plans run one at a time, and requests made while one runs are coalesced into one
// run after it: that run reads the plans, centres and queue after every change that asked for
// it, so no change is left unplanned, and a burst of edits costs two re-plans, not one each.
/**
 * Coalesces re-plan requests around one runner. `request` answers with the run that covers the
 * request: the one about to start when none is running, otherwise the next one (queued behind
 * the run in flight, which may have read its inputs before the caller's change), shared by
 * every request made meanwhile. A run's failure is its own callers'; the next still runs.
 */
export class ReplanCoalescer {
    run;
    #inFlight = null;
    #queued = null;
    constructor(run) {
        this.run = run;
    }
    /** Whether a run is in flight or queued. */
    get busy() {
        return this.#inFlight !== null || this.#queued !== null;
    }
    request(r) {
        if (this.#queued !== null) {
            this.#queued.requests.push(r);
            return this.#queued.promise;
        }
        if (this.#inFlight === null)
            return this.#start([r]);
        const requests = [r];
        const promise = this.#inFlight.then(() => undefined, () => undefined).then(() => {
            this.#queued = null;
            return this.#start(requests);
        });
        this.#queued = { promise, requests };
        return promise;
    }
    /** Resolves once nothing is in flight or queued (for a clean close). */
    async idle() {
        while (this.busy) {
            await (this.#queued?.promise ?? this.#inFlight)?.then(() => undefined, () => undefined);
        }
    }
    #start(requests) {
        const p = this.run(requests);
        this.#inFlight = p;
        const clear = () => {
            if (this.#inFlight === p)
                this.#inFlight = null;
        };
        p.then(clear, clear);
        return p;
    }
}
/**
 * One request standing for several coalesced ones: the first's actor, the distinct causes
 * joined by `+`, the distinct reasons joined by `; `.
 */
export function mergedRequest(requests) {
    const distinct = (xs) => [...new Set(xs.filter((x) => x !== ''))];
    return { actor: requests[0].actor,
        cause: distinct(requests.map((r) => r.cause)).join('+'),
        reason: distinct(requests.map((r) => r.reason)).join('; ') };
}
//# sourceMappingURL=replan-coalescer.js.map