import { rows } from '../kernel/store/postgres-store.js';
async function changeWindows(db) {
    return (await rows(db, 'SELECT doc FROM change_windows ORDER BY window_id'))
        .map((r) => JSON.parse(r.doc));
}
class LaunchesPostgresTx {
    c;
    constructor(c) {
        this.c = c;
    }
    async putLaunch(launch) {
        await this.c.query('INSERT INTO launches VALUES ($1, $2) ON CONFLICT (launch_id) '
            + 'DO UPDATE SET doc = EXCLUDED.doc', [launch.launchId, JSON.stringify(launch)]);
    }
    async putChangeWindow(w) {
        await this.c.query('INSERT INTO change_windows VALUES ($1, $2) ON CONFLICT (window_id) '
            + 'DO UPDATE SET doc = EXCLUDED.doc', [w.windowId, JSON.stringify(w)]);
    }
    async changeWindows() {
        return changeWindows(this.c);
    }
}
class LaunchesPostgresReads {
    pool;
    constructor(pool) {
        this.pool = pool;
    }
    async launches() {
        return (await rows(this.pool, 'SELECT doc FROM launches ORDER BY launch_id'))
            .map((r) => JSON.parse(r.doc));
    }
    changeWindows() {
        return changeWindows(this.pool);
    }
}
/** launches' part of the PostgreSQL store. */
export const launchesPostgres = {
    name: 'launches',
    writes: (c) => new LaunchesPostgresTx(c),
    reads: (pool) => new LaunchesPostgresReads(pool),
};
//# sourceMappingURL=launches-postgres.js.map