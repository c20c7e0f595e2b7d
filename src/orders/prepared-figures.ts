// A launch's public figures (`GET /launches/{id}/stats`), prepared once per change
// (kernel/http/prepared-reply.ts). The counts are read from the store again whenever a commit
// may have changed them (OrdersService keeps the commit generation) and, on SQLite, at least once
// a second; on PostgreSQL, where other processes commit too, on every request. The JSON, its ETag
// and its gzip form are rebuilt only when a count differs from the last read.
import { PreparedJson, REPLY_TIME } from '../kernel/http/prepared-reply.js';
import type { Launch } from '../launches/index.js';
import { statsFromCounters } from './launch-stats.js';

/**
 * The public figures: a phone asks again each time; a shared cache (a CDN) may answer for one
 * second, and two more while it asks again, as the live screen's tick does. Figures a second
 * old are what every viewer sees between ticks anyway.
 */
export const FIGURES_CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-while-revalidate=2';

interface FiguresEntry {
  readonly launch: Launch;
  readonly counters: ReadonlyMap<string, number>;
  readonly reply: PreparedJson;
  /** The commit generation the counts were read in (-1: a commit came during the read). */
  readonly gen: number;
  /** performance.now() when the read began. */
  readonly readAt: number;
}

/** Whether two counter maps hold the same counts. */
function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** One process's prepared figures, one entry per launch asked about (launches are few). */
export class PreparedFigures {
  readonly #figures = new Map<string, FiguresEntry>();
  /** Replies prepared so far. */
  builds = 0;
  /** Counts read from the store so far (tested: none while nothing was committed). */
  reads = 0;

  /**
   * The figures of `l` from the counters just read, in commit generation `gen` (-1 when a
   * commit may have come during the read), the read begun at `readAt` (performance.now()).
   */
  figures(l: Launch, counters: ReadonlyMap<string, number>, nowMs: number, gen = -1,
    readAt = -Infinity): PreparedJson {
    this.reads++;
    const hit = this.#figures.get(l.launchId);
    if (hit !== undefined && hit.launch === l && sameCounts(hit.counters, counters)) {
      this.#figures.set(l.launchId, { ...hit, gen, readAt });
      return hit.reply;
    }
    this.builds++;
    const reply = new PreparedJson({ ...statsFromCounters(l.launchId, counters, nowMs, l),
      as_of: REPLY_TIME }, FIGURES_CACHE_CONTROL);
    this.#figures.set(l.launchId, { launch: l, counters, reply, gen, readAt });
    return reply;
  }

  /**
   * The figures of `l` without reading the store: when they were read in generation `gen`
   * (no commit since that may have changed them) at or after `notBefore` (performance.now()).
   */
  current(l: Launch, gen: number, notBefore: number): PreparedJson | undefined {
    const hit = this.#figures.get(l.launchId);
    return hit !== undefined && hit.launch === l && hit.gen === gen && gen >= 0
      && hit.readAt >= notBefore ? hit.reply : undefined;
  }
}
