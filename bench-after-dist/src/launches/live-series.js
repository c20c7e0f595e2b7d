// The live screen's time figures, computed by the server from stored data so that every screen
// in the room, and every process serving them, shows the same: the opening as it stands now,
// orders taken per second, the peak second, and the series since the opening.
//
// Source: the placements counters (orders/launch-stats.ts's placementsOf), orders by the
// second they were placed, written in the order's own transaction. Derived from the store rather than from
// one process's memory of the frames it sent, which is what made each screen's peak and chart
// its own (issue #18 fault 5): two processes over PostgreSQL read the same rows, and a process
// that restarts, or a screen that connects late, gets the whole night.
/** Most points in a series: the step between them grows with the time since the opening. */
export const SERIES_POINTS_MAX = 600;
/** Orders per second is the average over this many whole seconds before the current one. */
export const RATE_WINDOW_S = 5;
/** The step between points for `elapsedS` seconds since the opening. */
export function seriesStepS(elapsedS) {
    return Math.max(1, Math.ceil(elapsedS / SERIES_POINTS_MAX));
}
/**
 * The figures at `nowMs` from the placements counters (`placed`: Unix second as text -> orders
 * taken in it) of a launch opening at `opensAtMs`. Costs one pass over the seconds with orders.
 * A second whose counter is below zero counts as none (see below): every count is >= 0.
 */
export function liveFigures(placed, opensAtMs, nowMs) {
    // A second below zero is left out, so the series never falls or shows a negative count.
    // Migration 7 rebuilds the counters from the orders, and the live code keeps them equal to
    // the orders after it, so none should be: one still can when a process running the code from
    // before the placements (which writes none) takes orders after migration 7 has run (a rolling
    // upgrade of several processes on one PostgreSQL) and a new process later switches one of
    // them. That second is then shown as 0, not as the orders it had; a restart of every process
    // on the new code, then a run of migration 7 again (delete its schema_migrations row), puts
    // it right.
    const seconds = [...placed].map(([k, n]) => [Number(k), n])
        .filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
    const elapsedS = Math.floor((nowMs - opensAtMs) / 1000);
    const nowSecond = Math.floor(nowMs / 1000);
    let peak = 0;
    let peakSecond = null;
    let recent = 0;
    const opensSecond = Math.ceil(opensAtMs / 1000);
    for (const [sec, n] of seconds) {
        if (sec >= opensSecond && n > peak)
            [peak, peakSecond] = [n, sec];
        if (sec < nowSecond && sec >= nowSecond - RATE_WINDOW_S)
            recent += n;
    }
    const step = seriesStepS(elapsedS);
    const counts = [];
    if (elapsedS >= 0) {
        // The count at point i is every order placed in a second that began before the opening
        // plus i * step seconds: walk the sorted seconds once.
        let j = 0;
        let sum = 0;
        for (let i = 0; i * step <= elapsedS; i++) {
            const untilMs = opensAtMs + i * step * 1000;
            while (j < seconds.length && seconds[j][0] * 1000 < untilMs)
                sum += seconds[j++][1];
            counts.push(sum);
        }
    }
    return {
        opens_at: new Date(opensAtMs).toISOString(),
        elapsed_s: elapsedS,
        rate_per_s: recent / RATE_WINDOW_S,
        peak_per_s: peak,
        peak_at_s: peakSecond === null ? null : Math.round(peakSecond - opensAtMs / 1000),
        series: { step_s: step, from: 0, counts },
    };
}
/** The same figures with only the series' last `points` points, for a frame after the first. */
export function withTail(figures, points) {
    const { counts } = figures.series;
    const from = Math.max(0, counts.length - points);
    return { ...figures, series: { ...figures.series, from, counts: counts.slice(from) } };
}
//# sourceMappingURL=live-series.js.map