// wrk sending one GET over and over, with the headers given (If-None-Match, Accept-Encoding),
// and printing its figures as JSON like wrk-runner.ts. wrk's latency percentiles are corrected
// for coordinated omission (wrk adds samples for the requests a stalled connection did not
// send); read-benchmark.ts measures uncorrected latency beside them with its own probe.
import { runWrkScript, WRK_DONE_LUA } from './wrk-runner.js';
export function runWrkGet(spec) {
    const headers = Object.entries(spec.headers)
        .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join('\n');
    return runWrkScript(spec, `${headers}\n${WRK_DONE_LUA}`, spec.url);
}
//# sourceMappingURL=wrk-get.js.map