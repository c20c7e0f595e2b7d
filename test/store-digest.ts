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
 * estimates shown at lock are written by production's timer up to a second after the lock;
 * the client signals of earlier registrations, orders and holds by scalpers' timer, within
 * half a second: that a refusal leaves none is test/suspicious-patterns.test.ts's to check.)
 */
const BACKGROUND_ONLY_TABLES = new Set(['notification_attempts', 'shown_estimates',
  'client_signals']);

export interface StoreDigest {
  readonly counts: Readonly<Record<string, number>>;
  readonly hash: string;
}

/** The digest of the SQLite store in `dataDir`. */
export function storeDigest(dataDir: string): StoreDigest {
  const db = new Database(join(dataDir, 'launchday.sqlite'), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND " +
      "name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
    const counts: Record<string, number> = {};
    const h = createHash('sha256');
    for (const { name } of tables) {
      if (BACKGROUND_ONLY_TABLES.has(name)) continue;
      const rows = db.prepare(`SELECT * FROM "${name}"`).all();
      counts[name] = rows.length;
      if (BACKGROUND_TABLES.has(name)) continue;
      h.update(`${name}\n`);
      for (const line of rows.map((r) => JSON.stringify(r)).sort()) h.update(`${line}\n`);
    }
    return { counts, hash: h.digest('hex') };
  } finally {
    db.close();
  }
}

/**
 * Watches the store for commits cheaply: `PRAGMA data_version` on a connection of its own
 * changes exactly when another connection has committed, so the full digest is computed only
 * after something was written.
 */
export class StoreWatch {
  private readonly db: Database.Database;
  private version: number;
  private cached: StoreDigest;

  constructor(private readonly dataDir: string) {
    this.db = new Database(join(dataDir, 'launchday.sqlite'), { readonly: true });
    this.version = this.dataVersion();
    this.cached = storeDigest(dataDir);
  }

  private dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** The digest now; recomputed only if a commit happened since the last call. */
  digest(): StoreDigest {
    const v = this.dataVersion();
    if (v !== this.version) {
      this.version = v;
      this.cached = storeDigest(this.dataDir);
    }
    return this.cached;
  }

  close(): void {
    this.db.close();
  }
}
