// A launch's public figures (`GET /launches/{id}/stats`), prepared once per change
// (kernel/http/prepared-reply.ts). They are read from the store on every request as before, so
// no commit of any process is ever missing; the JSON, its ETag and its gzip form are rebuilt
// only when a count differs from the last read.
import { PreparedJson, REPLY_TIME } from '../kernel/http/prepared-reply.js';
import { statsFromCounters } from './launch-stats.js';
/**
 * The public figures: a phone asks again each time; a shared cache (a CDN) may answer for one
 * second, and two more while it asks again, as the live screen's tick does. Figures a second
 * old are what every viewer sees between ticks anyway.
 */
export const FIGURES_CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-while-revalidate=2';
/** Whether two counter maps hold the same counts. */
function sameCounts(a, b) {
    if (a.size !== b.size)
        return false;
    for (const [k, v] of a)
        if (b.get(k) !== v)
            return false;
    return true;
}
/** One process's prepared figures, one entry per launch asked about (launches are few). */
export class PreparedFigures {
    #figures = new Map();
    /** Replies prepared so far. */
    builds = 0;
    /** The figures of `l` from the counters just read. */
    figures(l, counters, nowMs) {
        const hit = this.#figures.get(l.launchId);
        if (hit !== undefined && hit.launch === l && sameCounts(hit.counters, counters)) {
            return hit.reply;
        }
        this.builds++;
        const reply = new PreparedJson({ ...statsFromCounters(l.launchId, counters, nowMs, l),
            as_of: REPLY_TIME }, FIGURES_CACHE_CONTROL);
        this.#figures.set(l.launchId, { launch: l, counters, reply });
        return reply;
    }
}
//# sourceMappingURL=prepared-figures.js.map