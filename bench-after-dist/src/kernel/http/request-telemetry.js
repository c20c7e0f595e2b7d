// What the HTTP shell records of each request: its reply in the metrics, and a log line when
// there is something to say. Both sides (node:http and the lane) call the same two methods.
import { LogSampler } from '../logger.js';
/** Lines a second about refusals for load or rate; the rest are counted into the next one. */
const REFUSAL_LINES_PER_SECOND = 10;
export class RequestTelemetry {
    logger;
    metrics;
    /**
     * Read once. A line for every request made each order cost about 40% more of the event loop
     * (docs/benchmarks.md), so it is written at debug only; off, the check is one boolean.
     */
    #debug;
    #refusalLines = new LogSampler(REFUSAL_LINES_PER_SECOND);
    constructor(logger, metrics) {
        this.logger = logger;
        this.metrics = metrics;
        this.#debug = logger.isLevelEnabled('debug');
    }
    /** The series of a route pattern (or `unmatched`, `page`), made once and kept. */
    series(method, route) {
        return this.metrics.series(method, route);
    }
    /**
     * A reply was sent: `status`, with the refusal's outcome code if it was one, for a request
     * that arrived at `startedMs` (performance.now()). Counted always; logged at debug, or at
     * warn (sampled) when refused for load or rate, since that is what an operator acts on.
     */
    replied(series, requestId, status, code, startedMs) {
        const nowMs = performance.now();
        series.observe(status, (nowMs - startedMs) / 1000);
        if (status === 503 || status === 429) {
            series.refused(code ?? String(status));
            const dropped = this.#refusalLines.admit(nowMs);
            if (dropped >= 0) {
                this.logger.warn({ req_id: requestId, method: series.method, route: series.route,
                    status, code, dropped }, 'request refused for load or rate');
            }
        }
        else if (this.#debug) {
            this.logger.debug({ req_id: requestId, method: series.method, route: series.route,
                status, code, ms: Math.round((nowMs - startedMs) * 1000) / 1000 }, 'request');
        }
    }
    /**
     * A route found the store out of reach (a restart, a full disk): an expected outcome, answered
     * 503 `store_unavailable`; one warning line without the stack, sampled with the refusals.
     */
    storeUnavailable(series, requestId, err) {
        if (this.#refusalLines.admit(performance.now()) < 0)
            return;
        this.logger.warn({ req_id: requestId, method: series.method, route: series.route,
            cause: String(err) }, 'store unavailable');
    }
    /** A route threw: a bug or a fault below it. The reply is a 500 `internal_error`. */
    failed(series, requestId, err) {
        this.logger.error({ req_id: requestId, method: series.method, route: series.route,
            err }, 'internal error');
    }
}
//# sourceMappingURL=request-telemetry.js.map