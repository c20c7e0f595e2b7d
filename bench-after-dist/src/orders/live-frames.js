import { liveFigures } from '../launches/index.js';
import { placementsOf, statsFromCounters } from './launch-stats.js';
/** Seconds re-read every frame: an order commits well within this of its placement time. */
export const RECENT_S = 30;
/** How often a launch's placements are read whole again. */
export const FULL_READ_MS = 60_000;
/** Builds launches' frames, keeping each launch's placements between frames (see above). */
export class LiveFrames {
    launches;
    orders;
    clock;
    #placed = new Map();
    constructor(launches, orders, clock) {
        this.launches = launches;
        this.orders = orders;
        this.clock = clock;
    }
    /** The frame of `launchId` now, or null when there is no such launch. Two store reads. */
    async frame(launchId) {
        const launch = await this.launches.launch(launchId);
        if (launch === null)
            return null;
        const nowMs = this.clock.nowMs();
        const [counters, placed] = await Promise.all([this.orders.counters(launchId),
            this.#placements(launchId, nowMs)]);
        return { ...statsFromCounters(launchId, counters, nowMs, launch),
            ...liveFigures(placed, launch.opensAtMs, nowMs) };
    }
    async #placements(launchId, nowMs) {
        const name = placementsOf(launchId);
        const kept = this.#placed.get(launchId);
        if (kept === undefined || Math.abs(nowMs - kept.readAtMs) >= FULL_READ_MS) {
            const counts = await this.orders.counters(name);
            this.#placed.set(launchId, { counts, readAtMs: nowMs });
            return counts;
        }
        // Unix seconds have 10 digits until 2286: as text they sort as numbers.
        const from = String(Math.floor(nowMs / 1000) - RECENT_S);
        const recent = await this.orders.counters(name, from);
        for (const key of kept.counts.keys())
            if (key >= from)
                kept.counts.delete(key);
        for (const [key, n] of recent)
            kept.counts.set(key, n);
        return kept.counts;
    }
}
//# sourceMappingURL=live-frames.js.map