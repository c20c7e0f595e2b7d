// A launch's live frame: its figures (the counters) and its time figures (the placements
// counters), read from the store, with the opening as the launch stands now.
//
// The placements are one counter per second with orders: 3,600 for an hour's night, more for a
// launch that takes orders for days. Reading them all every second would grow with the launch
// (on SQLite, on the event loop), so each launch's are kept here: read whole at first and every
// FULL_READ_MS, and in between only the last RECENT_S seconds, an index range. An order's
// second changes after that only when it is switched to another launch, which the next whole
// read brings; every process reads the same rows, so every process serves the same figures.
import type { Clock } from '../kernel/clock.js';
import { liveFigures, type LaunchesService, type LiveFigures } from '../launches/index.js';
import { placementsOf, statsFromCounters, type LaunchStats } from './launch-stats.js';
import type { OrdersService } from './orders-service.js';

/** A launch's live frame as sent: its figures and its time figures (launches' LiveFrame). */
export type LaunchLiveFrame = LaunchStats & LiveFigures;

/** Seconds re-read every frame: an order commits well within this of its placement time. */
export const RECENT_S = 30;
/** How often a launch's placements are read whole again. */
export const FULL_READ_MS = 60_000;

/** Builds launches' frames, keeping each launch's placements between frames (see above). */
export class LiveFrames {
  readonly #placed = new Map<string, { counts: Map<string, number>; readAtMs: number }>();

  constructor(private readonly launches: LaunchesService, private readonly orders: OrdersService,
    private readonly clock: Clock) {}

  /** The frame of `launchId` now, or null when there is no such launch. Two store reads. */
  async frame(launchId: string): Promise<LaunchLiveFrame | null> {
    const launch = await this.launches.launch(launchId);
    if (launch === null) return null;
    const nowMs = this.clock.nowMs();
    const [counters, placed] = await Promise.all([this.orders.counters(launchId),
      this.#placements(launchId, nowMs)]);
    return { ...statsFromCounters(launchId, counters, nowMs, launch),
      ...liveFigures(placed, launch.opensAtMs, nowMs) };
  }

  async #placements(launchId: string, nowMs: number): Promise<Map<string, number>> {
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
    for (const key of kept.counts.keys()) if (key >= from) kept.counts.delete(key);
    for (const [key, n] of recent) kept.counts.set(key, n);
    return kept.counts;
  }
}
