// A digest of everything the embedded store holds, to prove that a refused request changed
// nothing: row counts and a hash of every row of every table, read on a connection of its own.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
/**
 * Tables the server writes by itself in the background, whatever the requests: counted, not
 * hashed. (The payment outbox is marked sent by a timer after the request that queued it; the
 * notification outbox, delivered by one.)
 */
const BACKGROUND_TABLES = new Set(['payment_outbox', 'notification_outbox']);
/**
 * Tables only the background writes, growing as it works: neither counted nor hashed. (The
 * estimates shown at lock are written by production's timer up to a second after the lock.)
 */
const BACKGROUND_ONLY_TABLES = new Set(['notification_attempts', 'shown_estimates']);
/** The digest of the SQLite store in `dataDir`. */
export function storeDigest(dataDir) {
    const db = new Database(join(dataDir, 'launchday.sqlite'), { readonly: true });
    try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND " +
            "name NOT LIKE 'sqlite_%' ORDER BY name").all();
        const counts = {};
        const h = createHash('sha256');
        for (const { name } of tables) {
            if (BACKGROUND_ONLY_TABLES.has(name))
                continue;
            const rows = db.prepare(`SELECT * FROM "${name}"`).all();
            counts[name] = rows.length;
            if (BACKGROUND_TABLES.has(name))
                continue;
            h.update(`${name}\n`);
            for (const line of rows.map((r) => JSON.stringify(r)).sort())
                h.update(`${line}\n`);
        }
        return { counts, hash: h.digest('hex') };
    }
    finally {
        db.close();
    }
}
/**
 * Watches the store for commits cheaply: `PRAGMA data_version` on a connection of its own
 * changes exactly when another connection has committed, so the full digest is computed only
 * after something was written.
 */
export class StoreWatch {
    dataDir;
    db;
    version;
    cached;
    constructor(dataDir) {
        this.dataDir = dataDir;
        this.db = new Database(join(dataDir, 'launchday.sqlite'), { readonly: true });
        this.version = this.dataVersion();
        this.cached = storeDigest(dataDir);
    }
    dataVersion() {
        return this.db.pragma('data_version', { simple: true });
    }
    /** The digest now; recomputed only if a commit happened since the last call. */
    digest() {
        const v = this.dataVersion();
        if (v !== this.version) {
            this.version = v;
            this.cached = storeDigest(this.dataDir);
        }
        return this.cached;
    }
    close() {
        this.db.close();
    }
}
//# sourceMappingURL=store-digest.js.map