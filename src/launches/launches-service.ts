// Launches' use cases: the catalogue and change windows, cached because every order reads them,
// and an operator's edits to them (each with its audit entry).
import type { Clock } from '../kernel/clock.js';
import type { Store } from '../kernel/store/store.js';
import type { OpeningSet } from '../kernel/admission-gate.js';
import type { Refusal } from '../kernel/outcomes.js';
import type { ChangeWindow, Launch } from './launch.js';
import { PreparedLaunches } from './prepared-launches.js';

export interface LaunchesDeps {
  readonly store: Store;
  readonly clock: Clock;
}

/**
 * How long cached launches and windows may lag a change made by another process (PostgreSQL);
 * this process's own changes reload them as they commit (putLaunch, putWindow).
 */
const CACHE_MS = 1_000;

export class LaunchesService {
  /** The public launch reads, prepared once per change (prepared-launches.ts). */
  readonly prepared = new PreparedLaunches();
  /**
   * Told of a launch's opening as it is written, in that write's transaction (the
   * composition's: a waiting room in front of the launch moves with it, or refuses the move).
   */
  openingSet: OpeningSet = () => Promise.resolve(null);
  #launches = new Map<string, Launch>();
  #windows: ChangeWindow[] = [];
  #loadedAtMs = -Infinity;
  #loading: Promise<void> | null = null;
  /** `cachedAll`'s sorted list, and the load it was sorted from. */
  #sorted: readonly Launch[] = [];
  #sortedFrom: ReadonlyMap<string, Launch> | null = null;

  constructor(private readonly deps: LaunchesDeps) {}

  // ---------- launches and windows (cached: read on every order) ----------
  /** Reloads launches and windows when stale; concurrent callers share one load. */
  refresh(force = false): Promise<void> {
    // A forced reload must see writes made after a load already in flight began.
    if (this.#loading) return force ? this.#loading.then(() => this.refresh(true)) : this.#loading;
    if (!force && this.fresh()) return Promise.resolve();
    this.#loading = (async () => {
      try {
        const launches = await this.deps.store.launches();
        const windows = await this.deps.store.changeWindows();
        this.#launches = new Map(launches.map((l) => [l.launchId, l]));
        this.#windows = windows;
        this.#loadedAtMs = performance.now();
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  /** Whether the cached launches and windows may be used as they are. */
  fresh(): boolean {
    return this.#loading === null && performance.now() - this.#loadedAtMs < CACHE_MS;
  }

  /**
   * The launch from a fresh cache, without waiting (every order reads it twice); undefined when
   * the cache must be reloaded first, which `launch` does.
   */
  cachedLaunch(launchId: string): Launch | null | undefined {
    return this.fresh() ? this.#launches.get(launchId) ?? null : undefined;
  }

  /**
   * Every launch by opening from a fresh cache, without waiting; undefined when the cache must
   * be reloaded first, which `all` does. Sorted once per load.
   */
  cachedAll(): readonly Launch[] | undefined {
    if (!this.fresh()) return undefined;
    if (this.#sortedFrom !== this.#launches) {
      this.#sorted = [...this.#launches.values()].sort((a, b) => a.opensAtMs - b.opensAtMs);
      this.#sortedFrom = this.#launches;
    }
    return this.#sorted;
  }

  /** The launches by id as last loaded: for a caller that has just checked `fresh()`. */
  get byId(): ReadonlyMap<string, Launch> {
    return this.#launches;
  }

  /** The change windows as last loaded: for a caller that has just checked `fresh()`. */
  get cachedWindows(): ChangeWindow[] {
    return this.#windows;
  }

  async launch(launchId: string): Promise<Launch | null> {
    await this.refresh();
    return this.#launches.get(launchId) ?? null;
  }

  async all(): Promise<Launch[]> {
    await this.refresh();
    return [...this.#launches.values()].sort((a, b) => a.opensAtMs - b.opensAtMs);
  }

  async windows(): Promise<ChangeWindow[]> {
    await this.refresh();
    return this.#windows;
  }

  /**
   * Writes a launch and its audit entry; refused (nothing written) as `openingSet` says
   * (`opening_held_by_waiting_room`; `overloaded` while its room is being joined or changed
   * past 5 s), else null.
   */
  async putLaunch(actor: string, launch: Launch, detail: Record<string, unknown>):
    Promise<Refusal | null> {
    const atMs = this.deps.clock.nowMs();
    const held = await this.deps.store.transaction(async (tx) => {
      // Locked before its room is read: a room written meanwhile (which reads the opening
      // under the same lock) is either seen here or sees this opening.
      await tx.lockLaunch(launch.launchId);
      const refused = await this.openingSet(tx, launch.launchId, launch.opensAtMs, actor);
      if (refused) return refused;
      await tx.putLaunch(launch);
      await tx.appendAudit({ atMs, actor, action: 'launch_updated',
        detail: { launch_id: launch.launchId, ...detail } });
      return null;
    });
    await this.refresh(true);
    return held;
  }

  /** Writes a window and its audit entry; `changes` is each changed field `{from, to}`. */
  async putWindow(actor: string, window: ChangeWindow, action: string,
    changes?: Record<string, { from: unknown; to: unknown }>): Promise<void> {
    const atMs = this.deps.clock.nowMs();
    await this.deps.store.transaction(async (tx) => {
      await tx.putChangeWindow(window);
      await tx.appendAudit({ atMs, actor, action, detail: { window_id: window.windowId,
        ...(changes ? { changes } : {}) } });
    });
    await this.refresh(true);
  }
}
