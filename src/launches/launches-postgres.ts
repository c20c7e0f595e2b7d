// Launches' SQL on the shared store (launches-store.ts is the port it implements).
import type pg from 'pg';
import type { ChangeWindow, Launch } from './launch.js';
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import type { LaunchesReads, LaunchesTx } from './launches-store.js';

async function changeWindows(db: Queryable): Promise<ChangeWindow[]> {
  return (await rows<{ doc: string }>(db, 'SELECT doc FROM change_windows ORDER BY window_id'))
    .map((r) => JSON.parse(r.doc));
}

class LaunchesPostgresTx implements LaunchesTx {
  constructor(private readonly c: pg.PoolClient) {}

  async putLaunch(launch: Launch): Promise<void> {
    await this.c.query('INSERT INTO launches VALUES ($1, $2) ON CONFLICT (launch_id) '
      + 'DO UPDATE SET doc = EXCLUDED.doc', [launch.launchId, JSON.stringify(launch)]);
  }

  async lockLaunch(launchId: string): Promise<Launch | null> {
    const [row] = await rows<{ doc: string }>(this.c,
      'SELECT doc FROM launches WHERE launch_id = $1 FOR UPDATE', [launchId]);
    return row ? JSON.parse(row.doc) : null;
  }

  async putChangeWindow(w: ChangeWindow): Promise<void> {
    await this.c.query('INSERT INTO change_windows VALUES ($1, $2) ON CONFLICT (window_id) '
      + 'DO UPDATE SET doc = EXCLUDED.doc', [w.windowId, JSON.stringify(w)]);
  }

  async changeWindows(): Promise<ChangeWindow[]> {
    return changeWindows(this.c);
  }
}

class LaunchesPostgresReads implements LaunchesReads {
  constructor(private readonly pool: Queryable) {}

  async launches(): Promise<Launch[]> {
    return (await rows<{ doc: string }>(this.pool, 'SELECT doc FROM launches ORDER BY launch_id'))
      .map((r) => JSON.parse(r.doc));
  }

  changeWindows(): Promise<ChangeWindow[]> {
    return changeWindows(this.pool);
  }
}

/** launches' part of the PostgreSQL store. */
export const launchesPostgres: PostgresPart<LaunchesTx, LaunchesReads> = {
  name: 'launches',
  writes: (c) => new LaunchesPostgresTx(c),
  reads: (pool) => new LaunchesPostgresReads(pool),
};
