import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addHits, msUntilAllowed, slidingCount } from './sliding-window.js';
const W = 60_000;
describe('sliding-window counter', () => {
    it('slides: a window later the hits weigh by how much of them is still inside', () => {
        // [ms since 0, cost, expected counts after, expected sliding count]
        const table = [
            [1_000, 1, [0, 0, 1], 1],
            [30_000, 4, [0, 0, 5], 5],
            [60_000, 0, [60_000, 5, 0], 5], // the next window begins: all 5 still inside
            [75_000, 0, [60_000, 5, 0], 3.75], // a quarter of the window gone
            [90_000, 2, [60_000, 5, 2], 4.5],
            [120_000, 0, [120_000, 2, 0], 2], // the first 5 have slid out
            [300_000, 0, [300_000, 0, 0], 0], // two windows later: forgotten
        ];
        let c = null;
        for (const [t, cost, [start, previous, current], expected] of table) {
            c = addHits(c, t, W, cost);
            assert.deepEqual(c, { windowStartMs: start, previous, current }, `at ${t}`);
            assert.equal(slidingCount(c, t, W), expected, `count at ${t}`);
        }
    });
    it('never lets twice the maximum through across a window boundary', () => {
        let c = null;
        for (let i = 0; i < 5; i++)
            c = addHits(c, 59_999, W, 1);
        // Just after the boundary the five of a millisecond ago still count in full (nearly).
        assert.ok(slidingCount(c, 60_001, W) > 4.99);
    });
    it('the wait it names is when one more hit fits, and not a millisecond sooner', () => {
        fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 * W }), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 20 }), (hits, max) => {
            const times = hits.map(([t]) => t).sort((a, b) => a - b);
            let c = null;
            times.forEach((t, i) => { c = addHits(c, t, W, hits[i][1]); });
            const now = times[times.length - 1];
            const wait = msUntilAllowed(c, now, W, max);
            assert.ok(slidingCount(c, now + wait, W) <= max - 1 + 1e-9, 'allowed after the wait');
            if (wait > 0) {
                assert.ok(slidingCount(c, now + wait - 1, W) > max - 1, 'refused just before it');
            }
        }), { numRuns: 500 });
    });
    it('estimates between the hits of the current window and those of the last two', () => {
        fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5 * W }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: W }), (raw, after) => {
            const times = [...raw].sort((a, b) => a - b);
            let c = null;
            for (const t of times)
                c = addHits(c, t, W, 1);
            const now = times[times.length - 1] + after;
            const start = Math.floor(now / W) * W;
            const n = slidingCount(c, now, W);
            assert.ok(n >= times.filter((t) => t >= start).length - 1e-9);
            assert.ok(n <= times.filter((t) => t >= start - W).length + 1e-9);
        }), { numRuns: 300 });
    });
});
//# sourceMappingURL=sliding-window.test.js.map