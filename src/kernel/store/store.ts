// The storage port's base: what every store has whichever capabilities it holds (transactions,
// the meta table, the audit log, rate counters), and how capabilities' parts are composed into
// one store. Each capability declares its part (e.g. orders/orders-store.ts) and merges it into
// Store and StoreTx below by declaration merging; both adapters (sqlite-store.ts,
// postgres-store.ts) own the connections and compose the parts listed in src/stores.ts.
//
// Text parameters: no stored text holds NUL (U+0000), which PostgreSQL cannot store; the edges
// refuse it (web/js/text-fields.js). A lookup by a key holding NUL finds nothing on every
// adapter, as it would on SQLite, instead of an error on PostgreSQL.
import type { PostgresPart } from './postgres-store.js';
import type { SqlitePart } from './sqlite-store.js';
import type { WindowCounts } from '../sliding-window.js';
import type { Migration } from './migrations.js';

export interface AuditEntry {
  readonly atMs: number;
  readonly actor: string;
  readonly action: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** `cost` more hits on a sliding-window counter (rate-limits.ts); cost 0 reads it. */
export interface RateHit {
  /** Names the rule and whose hits these are, e.g. `code_fail:phone:13800138000`. */
  readonly key: string;
  readonly windowMs: number;
  readonly cost: number;
}

/**
 * Reads and writes inside one transaction. Nothing is visible to others before commit. The
 * kernel's own methods are here; each capability adds its part (declaration merging).
 */
export interface StoreTx {
  appendAudit(entry: AuditEntry): Promise<void>;
  setMeta(key: string, value: string): Promise<void>;
}

/** A store: its transactions and reads; each capability adds its reads (declaration merging). */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs `fn` in one write transaction: everything commits together, durably, or nothing. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  auditLog(limit: number): Promise<AuditEntry[]>;
  meta(key: string): Promise<string | null>;
  /**
   * Adds the hits to their counters at `nowMs`, each atomically, outside any transaction; the
   * counts after, in the order given. Keys must be distinct. Shared by every process on the
   * database (PostgreSQL); SQLite's single process keeps them in memory, so they start over
   * when it restarts.
   */
  hitRates(hits: readonly RateHit[], nowMs: number): Promise<WindowCounts[]>;
  close(): Promise<void>;
}

/**
 * Everything a store is built from (src/stores.ts): every capability's part for each adapter
 * and the migrations. `module` is the file URL of the module exporting it as
 * `storeComposition`: the SQLite writer thread imports it there, so that the kernel names no
 * capability.
 */
export interface StoreComposition {
  readonly migrations: readonly Migration[];
  readonly sqlite: ReadonlyArray<SqlitePart<object, object>>;
  readonly postgres: ReadonlyArray<PostgresPart<object, object>>;
  readonly module: string;
}

/**
 * One object holding every part's public methods, each bound to its part: the composed
 * transaction or read surface. Built once per connection (SQLite) or per transaction
 * (PostgreSQL), never per command. Two parts offering one name is a composition error.
 */
export function composeParts(parts: readonly object[]): object {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (let proto = Object.getPrototypeOf(part); proto !== null && proto !== Object.prototype;
      proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name === 'constructor') continue;
        if (name in out) throw new Error(`two store parts offer ${name}`);
        const method = (part as Record<string, unknown>)[name];
        if (typeof method === 'function') out[name] = method.bind(part);
      }
    }
  }
  return out;
}
