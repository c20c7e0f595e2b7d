// A launch's live frame: its figures (the counters) and its time figures (the placements
// counters), read from the store at one moment, with the opening as the launch stands now.
import { placementsOf, statsFromCounters } from '../domain/launch-stats.js';
import { liveFigures } from '../domain/live-series.js';
import type { Launchday } from './launchday.js';
import type { LiveFrame } from './live-hub.js';

/**
 * The frame of `launchId` now, or null when there is no such launch. Two store reads; the
 * launch itself comes from Launchday's cache, which a change of the opening in any process
 * refreshes (so a moved opening is in the next frame).
 */
export async function liveFrame(app: Launchday, launchId: string): Promise<LiveFrame | null> {
  const launch = await app.launch(launchId);
  if (launch === null) return null;
  const [counters, placed] = await Promise.all([app.counters(launchId),
    app.counters(placementsOf(launchId))]);
  const nowMs = app.clock.nowMs();
  return { ...statsFromCounters(launchId, counters, nowMs, launch),
    ...liveFigures(placed, launch.opensAtMs, nowMs) };
}
