// Latencies in logarithmic buckets 1% wide, from 10 microseconds to about 100 s: constant memory
// however many requests, and percentiles within 1%.
const MIN_MS = 0.01;
const GROWTH = 1.01;
const BUCKETS = Math.ceil(Math.log(1e7) / Math.log(GROWTH)) + 1;
export class LatencyHistogram {
    counts = new Uint32Array(BUCKETS);
    count = 0;
    maxMs = 0;
    sumMs = 0;
    record(ms) {
        const clamped = Math.max(ms, MIN_MS);
        const i = Math.min(BUCKETS - 1, Math.floor(Math.log(clamped / MIN_MS) / Math.log(GROWTH)));
        this.counts[i] += 1;
        this.count += 1;
        this.sumMs += ms;
        if (ms > this.maxMs)
            this.maxMs = ms;
    }
    /** The latency under which `q` (0..1) of the requests finished; the bucket's upper edge. */
    percentileMs(q) {
        if (this.count === 0)
            return 0;
        const rank = Math.ceil(q * this.count);
        let seen = 0;
        for (let i = 0; i < BUCKETS; i++) {
            seen += this.counts[i];
            if (seen >= rank)
                return Math.min(this.maxMs, MIN_MS * GROWTH ** (i + 1));
        }
        return this.maxMs;
    }
    merge(other) {
        for (let i = 0; i < BUCKETS; i++)
            this.counts[i] += other.counts[i];
        this.count += other.count;
        this.sumMs += other.sumMs;
        this.maxMs = Math.max(this.maxMs, other.maxMs);
    }
}
//# sourceMappingURL=latency-histogram.js.map