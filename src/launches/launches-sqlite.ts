// Launches' SQL on the embedded store (launches-store.ts is the port it implements).
import type { ChangeWindow, Launch } from './launch.js';
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import type { LaunchesReads, LaunchesTx } from './launches-store.js';

class LaunchesSqliteTx implements LaunchesTx {
  constructor(private readonly s: LaunchesWrites) {}

  async putLaunch(launch: Launch): Promise<void> {
    this.s.putLaunch.run(launch.launchId, JSON.stringify(launch));
  }

  async lockLaunch(launchId: string): Promise<Launch | null> {
    const doc = this.s.launch.pluck().get(launchId) as string | undefined;
    return doc === undefined ? null : JSON.parse(doc);
  }

  async putChangeWindow(w: ChangeWindow): Promise<void> {
    this.s.putWindow.run(w.windowId, JSON.stringify(w));
  }

  async changeWindows(): Promise<ChangeWindow[]> {
    return (this.s.windows.pluck().all() as string[]).map((d) => JSON.parse(d));
  }
}

function prepareLaunchesWrites(db: Db) {
  return {
    putLaunch: db.prepare('INSERT OR REPLACE INTO launches VALUES (?, ?)'),
    launch: db.prepare('SELECT doc FROM launches WHERE launch_id = ?'),
    putWindow: db.prepare('INSERT OR REPLACE INTO change_windows VALUES (?, ?)'),
    windows: db.prepare('SELECT doc FROM change_windows ORDER BY window_id'),
  };
}
type LaunchesWrites = ReturnType<typeof prepareLaunchesWrites>;

class LaunchesSqliteReads implements LaunchesReads {
  readonly #r: ReturnType<typeof prepareLaunchesReads>;

  constructor(db: Db) {
    this.#r = prepareLaunchesReads(db);
  }

  async launches(): Promise<Launch[]> {
    return (this.#r.launches.pluck().all() as string[]).map((d) => JSON.parse(d));
  }

  async changeWindows(): Promise<ChangeWindow[]> {
    return (this.#r.windows.pluck().all() as string[]).map((d) => JSON.parse(d));
  }
}

function prepareLaunchesReads(db: Db) {
  return {
    launches: db.prepare('SELECT doc FROM launches ORDER BY launch_id'),
    windows: db.prepare('SELECT doc FROM change_windows ORDER BY window_id'),
  };
}

/** launches' part of the SQLite store: its statements, prepared once per connection. */
export const launchesSqlite: SqlitePart<LaunchesTx, LaunchesReads> = {
  name: 'launches',
  writes: (db) => new LaunchesSqliteTx(prepareLaunchesWrites(db)),
  reads: (db) => new LaunchesSqliteReads(db),
};
