// Sliding-window hit counts kept in this process: SQLite's (one process owns the database) and
// the order path's on every store (no database round trip per order). Bounded: past `keysMax`
// keys the forgotten ones are swept, and if most keys are still live the map starts over, which
// forgives hits rather than growing without end under a flood of distinct addresses (to reset a
// phone's wrong-code count that way takes `keysMax` requests, for 5 more guesses).
import { addHits } from '../sliding-window.js';
export class MemoryRateCounter {
    keysMax;
    #counts = new Map();
    constructor(keysMax) {
        this.keysMax = keysMax;
    }
    /** Adds each hit's cost at `nowMs`; the counts after, in the order given. */
    hit(hits, nowMs) {
        return hits.map(({ key, windowMs, cost }) => {
            const counts = addHits(this.#counts.get(key)?.counts ?? null, nowMs, windowMs, cost);
            if (!this.#counts.has(key) && this.#counts.size >= this.keysMax)
                this.#sweep(nowMs);
            this.#counts.set(key, { counts, windowMs });
            return counts;
        });
    }
    get size() {
        return this.#counts.size;
    }
    #sweep(nowMs) {
        for (const [key, e] of this.#counts) {
            if (e.counts.windowStartMs + 2 * e.windowMs <= nowMs)
                this.#counts.delete(key);
        }
        // Less than a quarter forgotten: start over, or every new key would sweep the map again.
        if (this.#counts.size >= this.keysMax * 0.75)
            this.#counts.clear();
    }
}
//# sourceMappingURL=memory-rate-counter.js.map