// The shape of launch-night demand: the share of the hour's firm orders placed by each second
// after the opening. Fitted to the YU7 figures (DOMAIN.md): 196,000 of 289,000 in the first two
// minutes, over 200,000 in three, all 289,000 within the hour. Each segment decays exponentially
// and the rate never rises from one segment to the next, so the peak is the opening second.
export const YU7_FIRST_HOUR_ORDERS = 289_000;
export const YU7_ORDERS_2_MIN = 196_000;
export const YU7_ORDERS_3_MIN = 200_000;
export const YU7_SEGMENTS = [
    { endSeconds: 120, shareAtEnd: YU7_ORDERS_2_MIN / YU7_FIRST_HOUR_ORDERS, decaySeconds: 35 },
    // "Over 200,000 in three minutes": 202,300 of 289,000.
    { endSeconds: 180, shareAtEnd: 0.7, decaySeconds: 100 },
    { endSeconds: 3600, shareAtEnd: 1, decaySeconds: 1200 },
];
export class DemandCurve {
    segments;
    constructor(segments = YU7_SEGMENTS) {
        this.segments = segments;
        let start = 0;
        let share = 0;
        for (const s of segments) {
            if (!(s.endSeconds > start && s.shareAtEnd > share && s.decaySeconds > 0)) {
                throw new Error('demand curve segments must increase in time and share');
            }
            start = s.endSeconds;
            share = s.shareAtEnd;
        }
        if (share !== 1)
            throw new Error('the last segment must end at share 1');
    }
    get durationSeconds() {
        return this.segments[this.segments.length - 1].endSeconds;
    }
    /** Share of orders placed by `t` seconds after the opening. */
    cumulative(t) {
        let start = 0;
        let base = 0;
        for (const s of this.segments) {
            if (t < s.endSeconds) {
                if (t <= start)
                    return base;
                const length = s.endSeconds - start;
                const mass = s.shareAtEnd - base;
                return base + mass * (1 - Math.exp(-(t - start) / s.decaySeconds)) /
                    (1 - Math.exp(-length / s.decaySeconds));
            }
            start = s.endSeconds;
            base = s.shareAtEnd;
        }
        return 1;
    }
    /** Arrival rate at `t`, as a share of the hour's orders per second. */
    rate(t) {
        let start = 0;
        let base = 0;
        for (const s of this.segments) {
            if (t < s.endSeconds) {
                const length = s.endSeconds - start;
                const mass = s.shareAtEnd - base;
                return mass * Math.exp(-(Math.max(t, start) - start) / s.decaySeconds) /
                    (s.decaySeconds * (1 - Math.exp(-length / s.decaySeconds)));
            }
            start = s.endSeconds;
            base = s.shareAtEnd;
        }
        return 0;
    }
    /** The second at which the share `u` (0 <= u < 1) of orders has been placed. */
    inverse(u) {
        let start = 0;
        let base = 0;
        for (const s of this.segments) {
            if (u < s.shareAtEnd) {
                const length = s.endSeconds - start;
                const x = (u - base) / (s.shareAtEnd - base);
                return start - s.decaySeconds * Math.log(1 - x * (1 - Math.exp(-length / s.decaySeconds)));
            }
            start = s.endSeconds;
            base = s.shareAtEnd;
        }
        return this.durationSeconds;
    }
}
//# sourceMappingURL=demand-curve.js.map