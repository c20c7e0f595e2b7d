// The public reads every phone repeats, prepared once per change (kernel/http/prepared-reply.ts):
// the launch list, each launch, each launch's figures. Each is rebuilt when what it shows is no
// longer what it was built from; none is ever served past a change.
import { statsFromCounters } from '../domain/launch-stats.js';
import { launchState, type Launch } from '../domain/launch.js';
import { PreparedJson, REPLY_TIME } from '../kernel/http/prepared-reply.js';
import type { Launchday } from './launchday.js';
import { launchView } from './views.js';

/**
 * Launches: any cache may keep them but must ask again each time (a 304 when unchanged), since
 * an operator may move an opening at any moment and the page must see it (issue 18, fault 6).
 */
export const LAUNCH_CACHE_CONTROL = 'public, no-cache';
/**
 * The public figures: a phone asks again each time; a shared cache (a CDN) may answer for one
 * second, and two more while it asks again, as the live screen's tick does. Figures a second
 * old are what every viewer sees between ticks anyway.
 */
export const FIGURES_CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-while-revalidate=2';

interface ListEntry {
  readonly launches: readonly Launch[];
  readonly states: readonly string[];
  readonly reply: PreparedJson;
}

interface FiguresEntry {
  readonly launch: Launch;
  readonly counters: ReadonlyMap<string, number>;
  readonly reply: PreparedJson;
}

/** Whether two counter maps hold the same counts. */
function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/**
 * One app's prepared reads. A launch is an immutable object replaced whenever it may have
 * changed (Launchday.refresh: this process's own change at once, another process's within the
 * cache's second), so the object itself is the key; its state (scheduled, open) is part of the
 * key too, since it turns at the opening without the object changing. The figures are read from
 * the store on every request as before and rebuilt when any count differs.
 */
export class PreparedReads {
  #list: ListEntry | null = null;
  readonly #launches = new WeakMap<Launch, { state: string; reply: PreparedJson }>();
  /** One entry per launch asked about (each exists: launches are few). */
  readonly #figures = new Map<string, FiguresEntry>();
  /** Replies prepared so far (tested: no rebuild without a change). */
  builds = 0;

  /** `GET /launches`, as `{launches: [Launch], server_time}`. */
  list(launches: readonly Launch[], nowMs: number): PreparedJson {
    const states = launches.map((l) => launchState(l, nowMs));
    const hit = this.#list;
    if (hit !== null && hit.launches.length === launches.length
      && launches.every((l, i) => hit.launches[i] === l && hit.states[i] === states[i])) {
      return hit.reply;
    }
    this.builds++;
    const reply = new PreparedJson({ launches: launches.map((l) => ({ ...launchView(l, nowMs),
      server_time: REPLY_TIME })), server_time: REPLY_TIME }, LAUNCH_CACHE_CONTROL);
    this.#list = { launches: [...launches], states, reply };
    return reply;
  }

  /** `GET /launches/{id}`. */
  launch(l: Launch, nowMs: number): PreparedJson {
    const state = launchState(l, nowMs);
    const hit = this.#launches.get(l);
    if (hit !== undefined && hit.state === state) return hit.reply;
    this.builds++;
    const reply = new PreparedJson({ ...launchView(l, nowMs), server_time: REPLY_TIME },
      LAUNCH_CACHE_CONTROL);
    this.#launches.set(l, { state, reply });
    return reply;
  }

  /** `GET /launches/{id}/stats` from the counters just read. */
  figures(l: Launch, counters: ReadonlyMap<string, number>, nowMs: number): PreparedJson {
    const hit = this.#figures.get(l.launchId);
    if (hit !== undefined && hit.launch === l && sameCounts(hit.counters, counters)) {
      return hit.reply;
    }
    this.builds++;
    const reply = new PreparedJson({ ...statsFromCounters(l.launchId, counters, nowMs, l),
      as_of: REPLY_TIME }, FIGURES_CACHE_CONTROL);
    this.#figures.set(l.launchId, { launch: l, counters, reply });
    return reply;
  }
}

const byApp = new WeakMap<Launchday, PreparedReads>();

/** The prepared reads of `app`, made on first use. */
export function preparedReads(app: Launchday): PreparedReads {
  let r = byApp.get(app);
  if (r === undefined) byApp.set(app, r = new PreparedReads());
  return r;
}
