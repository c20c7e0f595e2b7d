// Reads what the production auditor needs straight from the store of a server the simulator
// started (its SQLite file, read-only, or its scratch PostgreSQL database): the launch's orders,
// the built cars, the estimate changes, the notification outbox and the first estimate shown at
// each lock. The API pages these a hundred or a thousand at a time, and the outbox has no paging
// at all; the store gives them whole, and the auditor compares both.
import { join } from 'node:path';
import type { AuditCar, AuditChange, AuditMessage, AuditOrder } from './production-auditor.js';

export type StoreData = {
  readonly orders: AuditOrder[];
  readonly stored: AuditCar[];
  readonly changes: AuditChange[];
  readonly messages: AuditMessage[];
  readonly shownAtLock: Map<string, number>;
};

const ORDERS = 'SELECT order_id, account_id, launch_id, trim, options, status, trim_seq '
  + 'FROM orders WHERE launch_id = $1';
const CARS = 'SELECT vin, launch_id, trim, options, built_on, order_id, pooled FROM built_cars '
  + 'ORDER BY car_seq';
const CHANGES = 'SELECT replan_id, order_id, account_id, weeks_moved FROM estimate_changes '
  + 'ORDER BY change_id';
const MESSAGES = 'SELECT dedup_key, kind, account_id, order_id FROM notification_outbox';
/** The first estimate shown at each lock (the truth audit's reference). */
const SHOWN = 'SELECT s.order_id, s.handover_week FROM shown_estimates s WHERE s.shown_id = '
  + '(SELECT min(t.shown_id) FROM shown_estimates t WHERE t.order_id = s.order_id)';

const list = (text: unknown): string[] => (text === '' || text == null ? []
  : String(text).split(','));

function rowsToData(orders: any[], cars: any[], changes: any[], messages: any[], shown: any[]):
  StoreData {
  return {
    orders: orders.map((r) => ({ orderId: r.order_id, accountId: r.account_id,
      launchId: r.launch_id, trim: r.trim, options: list(r.options), status: r.status,
      trimSeq: r.trim_seq == null ? null : Number(r.trim_seq) })),
    stored: cars.map((r) => ({ vin: r.vin, launchId: r.launch_id, trim: r.trim,
      options: list(r.options), builtOn: r.built_on, orderId: r.order_id ?? null,
      pooled: Number(r.pooled) === 1 })),
    changes: changes.map((r) => ({ replanId: r.replan_id, orderId: r.order_id,
      accountId: r.account_id, weeksMoved: Number(r.weeks_moved) })),
    messages: messages.map((r) => ({ key: r.dedup_key, kind: r.kind, accountId: r.account_id,
      orderId: r.order_id ?? null })),
    shownAtLock: new Map(shown.map((r) => [r.order_id as string, Number(r.handover_week)])),
  };
}

/** One query against the store: SQL with `$1`-style parameters, the rows as objects. */
export type StoreQuery = (sql: string, params?: unknown[]) => Promise<any[]>;

/**
 * Runs `read` with a query function on the store at `location` (what `startServers` reports:
 * a data folder for SQLite, read-only beside the running server, or a `postgres://` URL).
 */
export async function readStore<T>(location: string, read: (q: StoreQuery) => Promise<T>):
  Promise<T> {
  if (location.startsWith('postgres')) {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: location });
    await c.connect();
    try {
      return await read(async (sql, params = []) => (await c.query(sql, params)).rows);
    } finally {
      await c.end();
    }
  }
  const { default: Database } = await import('better-sqlite3');
  // Read-only beside the running server: WAL lets it read a consistent snapshot meanwhile.
  const db = new Database(join(location, 'launchday.sqlite'), { readonly: true,
    fileMustExist: true });
  try {
    return await read(async (sql, params = []) =>
      db.prepare(sql.replace(/\$\d+/g, '?')).all(...params));
  } finally {
    db.close();
  }
}

/** The store's data for `launchId` (`location`: as `readStore` takes it). */
export async function readProductionStore(location: string, launchId: string):
  Promise<StoreData> {
  return readStore(location, async (q) => rowsToData(await q(ORDERS, [launchId]),
    await q(CARS), await q(CHANGES), await q(MESSAGES), await q(SHOWN)));
}
