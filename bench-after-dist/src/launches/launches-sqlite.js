class LaunchesSqliteTx {
    s;
    constructor(s) {
        this.s = s;
    }
    async putLaunch(launch) {
        this.s.putLaunch.run(launch.launchId, JSON.stringify(launch));
    }
    async putChangeWindow(w) {
        this.s.putWindow.run(w.windowId, JSON.stringify(w));
    }
    async changeWindows() {
        return this.s.windows.pluck().all().map((d) => JSON.parse(d));
    }
}
function prepareLaunchesWrites(db) {
    return {
        putLaunch: db.prepare('INSERT OR REPLACE INTO launches VALUES (?, ?)'),
        putWindow: db.prepare('INSERT OR REPLACE INTO change_windows VALUES (?, ?)'),
        windows: db.prepare('SELECT doc FROM change_windows ORDER BY window_id'),
    };
}
class LaunchesSqliteReads {
    #r;
    constructor(db) {
        this.#r = prepareLaunchesReads(db);
    }
    async launches() {
        return this.#r.launches.pluck().all().map((d) => JSON.parse(d));
    }
    async changeWindows() {
        return this.#r.windows.pluck().all().map((d) => JSON.parse(d));
    }
}
function prepareLaunchesReads(db) {
    return {
        launches: db.prepare('SELECT doc FROM launches ORDER BY launch_id'),
        windows: db.prepare('SELECT doc FROM change_windows ORDER BY window_id'),
    };
}
/** launches' part of the SQLite store: its statements, prepared once per connection. */
export const launchesSqlite = {
    name: 'launches',
    writes: (db) => new LaunchesSqliteTx(prepareLaunchesWrites(db)),
    reads: (db) => new LaunchesSqliteReads(db),
};
//# sourceMappingURL=launches-sqlite.js.map