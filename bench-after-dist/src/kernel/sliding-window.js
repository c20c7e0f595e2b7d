// A sliding-window counter: how many hits a key had in the last `windowMs`, estimated from two
// fixed windows (the current one and the one before it, weighted by how much of it still lies
// inside the sliding window). Two integers per key, so it is one row in a table or one entry in
// a map, and unlike a fixed window it never lets twice the limit through across a boundary.
// Pure: the time is always passed in.
/** The start of the fixed window holding `nowMs`. */
export const windowStart = (nowMs, windowMs) => Math.floor(nowMs / windowMs) * windowMs;
/**
 * The counts after `cost` more hits at `nowMs` (cost 0: the counts as of now). A window that
 * has ended becomes the previous one; one that ended longer ago is forgotten.
 */
export function addHits(counts, nowMs, windowMs, cost) {
    const start = windowStart(nowMs, windowMs);
    if (counts === null || counts.windowStartMs < start - windowMs) {
        return { windowStartMs: start, previous: 0, current: cost };
    }
    if (counts.windowStartMs === start)
        return { ...counts, current: counts.current + cost };
    if (counts.windowStartMs === start - windowMs) {
        return { windowStartMs: start, previous: counts.current, current: cost };
    }
    // A clock that stepped back: count in the window already there rather than lose hits.
    return { ...counts, current: counts.current + cost };
}
/** The hits of the last `windowMs` before `nowMs`, estimated (may be fractional). */
export function slidingCount(c, nowMs, windowMs) {
    const start = windowStart(nowMs, windowMs);
    if (c.windowStartMs === start) {
        return c.previous * (1 - (nowMs - start) / windowMs) + c.current;
    }
    if (c.windowStartMs === start - windowMs) {
        return c.current * (1 - (nowMs - start) / windowMs);
    }
    return c.windowStartMs > start ? c.previous + c.current : 0;
}
/**
 * Milliseconds from `nowMs` until the sliding count is at most `max - 1`, so that one more hit
 * is allowed; 0 when it is already. Stepped through the two windows it can fall in.
 */
export function msUntilAllowed(counts, nowMs, windowMs, max) {
    const room = max - 1;
    if (slidingCount(counts, nowMs, windowMs) <= room)
        return 0;
    const start = windowStart(nowMs, windowMs);
    const c = addHits(counts, nowMs, windowMs, 0);
    if (c.windowStartMs !== start)
        return windowMs; // the clock stepped back: wait a window
    // Within this window only the previous window's weight falls: previous * (1 - f) + current
    // <= room, for f the fraction of this window gone.
    if (c.current <= room) {
        const f = 1 - (room - c.current) / c.previous;
        return Math.max(1, Math.ceil(start + f * windowMs - nowMs));
    }
    // Otherwise once this window has ended, when its count is the one falling.
    const f = 1 - room / c.current;
    return Math.max(1, Math.ceil(start + windowMs + f * windowMs - nowMs));
}
//# sourceMappingURL=sliding-window.js.map