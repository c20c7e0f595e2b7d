// Orders' SQL on the embedded store (orders-store.ts is the port it implements).
import type { CounterDelta } from './launch-stats.js';
import type { Order } from './order.js';
import {
  COUNTED_CANCEL, ORDER_COLUMNS, orderToValues, rowToOrder, type OrderRow,
} from './order-row.js';
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import type {
  IdempotencyRef, LockedQueueEntry, OrderEvent, OrdersReads, OrdersTx,
} from './orders-store.js';

const ORDER_INSERT = `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}) VALUES (${
  ORDER_COLUMNS.map(() => '?').join(', ')})`;
const ORDER_UPDATE = `UPDATE orders SET ${ORDER_COLUMNS.slice(1).map((c) => `${c} = ?`)
  .join(', ')} WHERE order_id = ?`;

class OrdersSqliteTx implements OrdersTx {
  constructor(private readonly s: OrdersWrites) {}

  // One process owns the file and BEGIN IMMEDIATE already excludes every other writer.
  async lockAccounts(): Promise<void> {}

  async ordersByIdempotency(refs: readonly IdempotencyRef[]): Promise<Order[]> {
    const out: Order[] = [];
    for (const r of refs) {
      const row = this.s.byIdempotency.get(r.accountId, r.key) as OrderRow | undefined;
      if (row) out.push(rowToOrder(row));
    }
    return out;
  }

  async activeOrderCounts(launchId: string, accountIds: readonly string[]) {
    const out = new Map<string, number>();
    for (const id of accountIds) {
      const n = this.s.activeCount.pluck().get(id, launchId) as number;
      if (n > 0) out.set(id, n);
    }
    return out;
  }

  async ordersForUpdate(orderIds: readonly string[]): Promise<Order[]> {
    const out: Order[] = [];
    for (const id of orderIds) {
      const row = this.s.order.get(id) as OrderRow | undefined;
      if (row) out.push(rowToOrder(row));
    }
    return out;
  }

  async dueFirmOrders(nowMs: number, limit: number): Promise<Order[]> {
    return (this.s.due.all(nowMs, limit) as OrderRow[]).map(rowToOrder);
  }

  async insertOrders(orders: readonly Order[]): Promise<void> {
    for (const o of orders) this.s.insertOrder.run(orderToValues(o));
  }

  async updateOrders(orders: readonly Order[]): Promise<void> {
    for (const o of orders) {
      const [id, ...rest] = orderToValues(o);
      const info = this.s.updateOrder.run(...rest, id);
      if (info.changes !== 1) throw new Error(`order ${String(id)} vanished during update`);
    }
  }

  async insertEvents(events: readonly OrderEvent[]): Promise<void> {
    for (const e of events) {
      this.s.insertEvent.run(e.orderId, e.atMs, e.type, e.actor, JSON.stringify(e.detail));
    }
  }

  // BEGIN IMMEDIATE already excludes every other writer.
  async lockSequences(): Promise<void> {}

  async takeNumbers(sequence: string, count: number): Promise<number> {
    const last = this.s.takeNumbers.pluck().get(sequence, count, count) as number;
    return last - count + 1;
  }

  async releaseSeq(trimKey: string, seq: number): Promise<void> {
    this.s.release.run(trimKey, seq);
  }

  async addCounters(deltas: readonly CounterDelta[]): Promise<void> {
    for (const d of deltas) this.s.addCounter.run(d.launchId, d.key, d.delta, d.delta);
  }

  async lockedQueue(): Promise<LockedQueueEntry[]> {
    // Rows as arrays: a re-plan reads every locked order, and objects per row cost a third more.
    return (this.s.lockedQueue.all() as Array<[string, string, string, string, string, string,
      number, number]>).map(([orderId, accountId, launchId, trim, city, options, trimSeq,
      queuedAtMs]) => ({ orderId, accountId, launchId, trim, city,
      options: options === '' ? [] : options.split(','), trimSeq, queuedAtMs }));
  }
}

function prepareOrdersWrites(db: Db) {
  return {
    byIdempotency: db.prepare('SELECT * FROM orders WHERE account_id = ? AND idempotency_key = ?'),
    // The unary + keeps SQLite on the (account_id, ...) index: a buyer has a handful of orders,
    // while the launch_id index would scan every order of the launch.
    // A cancelled order counts only if an operator cancelled it as suspicious (COUNTED_CANCEL).
    activeCount: db.prepare("SELECT count(*) FROM orders WHERE account_id = ? AND +launch_id = ? "
      + `AND (status <> 'cancelled' OR ${COUNTED_CANCEL('sqlite', 'orders')})`),
    order: db.prepare('SELECT * FROM orders WHERE order_id = ?'),
    due: db.prepare("SELECT * FROM orders WHERE status = 'firm' AND cooling_off_ends_at_ms <= ? "
      + 'ORDER BY cooling_off_ends_at_ms, order_id LIMIT ?'),
    insertOrder: db.prepare(ORDER_INSERT),
    updateOrder: db.prepare(ORDER_UPDATE),
    insertEvent: db.prepare('INSERT INTO order_events (order_id, at_ms, type, actor, detail) '
      + 'VALUES (?, ?, ?, ?, ?)'),
    takeNumbers: db.prepare('INSERT INTO sequences (name, last) VALUES (?, ?) ON CONFLICT (name) '
      + 'DO UPDATE SET last = last + ? RETURNING last'),
    release: db.prepare('INSERT INTO released_seqs VALUES (?, ?)'),
    lockedQueue: db.prepare('SELECT order_id, account_id, launch_id, trim, city, options, '
      + "trim_seq, queued_at_ms FROM orders WHERE status IN ('locked', 'scheduled')").raw(),
    addCounter: db.prepare('INSERT INTO counters VALUES (?, ?, 0, ?) ON CONFLICT '
      + '(launch_id, key, shard) DO UPDATE SET value = value + ?'),
  };
}
type OrdersWrites = ReturnType<typeof prepareOrdersWrites>;

class OrdersSqliteReads implements OrdersReads {
  readonly #r: ReturnType<typeof prepareOrdersReads>;

  constructor(db: Db) {
    this.#r = prepareOrdersReads(db);
  }

  async order(orderId: string): Promise<Order | null> {
    const row = this.#r.order.get(orderId) as OrderRow | undefined;
    return row ? rowToOrder(row) : null;
  }

  async ordersOfAccount(accountId: string, limit: number): Promise<Order[]> {
    return (this.#r.ordersOfAccount.all(accountId, limit) as OrderRow[]).map(rowToOrder);
  }

  async activeOrderCount(launchId: string, accountId: string): Promise<number> {
    return Number(this.#r.activeCount.pluck().get(accountId, launchId));
  }

  async ordersOfLaunch(launchId: string, afterOrderId: string, limit: number): Promise<Order[]> {
    // A key holding NUL finds nothing, as on PostgreSQL (store.ts), even as a paging cursor.
    if (afterOrderId.includes('\u0000')) return [];
    return (this.#r.ordersOfLaunch.all(launchId, afterOrderId, limit) as OrderRow[])
      .map(rowToOrder);
  }

  async orderEvents(orderId: string): Promise<OrderEvent[]> {
    return (this.#r.events.all(orderId) as Array<Record<string, unknown>>).map((r) => ({
      orderId, atMs: Number(r.at_ms), type: String(r.type), actor: String(r.actor),
      detail: JSON.parse(String(r.detail)),
    }));
  }

  async counters(launchId: string, fromKey?: string): Promise<Map<string, number>> {
    const rows = (fromKey === undefined ? this.#r.counters.all(launchId)
      : this.#r.countersFrom.all(launchId, fromKey)) as Array<{ key: string; value: number }>;
    return new Map(rows.map((r) => [r.key, Number(r.value)]));
  }

  async releasedBefore(trimKey: string, seq: number): Promise<number> {
    return this.#r.releasedBefore.pluck().get(trimKey, seq) as number;
  }

  async orderByIdempotency(accountId: string, key: string): Promise<Order | null> {
    const row = this.#r.byIdempotency.get(accountId, key) as OrderRow | undefined;
    return row ? rowToOrder(row) : null;
  }
}

function prepareOrdersReads(db: Db) {
  return {
    order: db.prepare('SELECT * FROM orders WHERE order_id = ?'),
    ordersOfAccount: db.prepare('SELECT * FROM orders WHERE account_id = ? '
      + 'ORDER BY created_at_ms DESC, order_id DESC LIMIT ?'),
    // As the writes' activeCount: on the account's index, a counted cancel included.
    activeCount: db.prepare("SELECT count(*) FROM orders WHERE account_id = ? AND +launch_id = ? "
      + `AND (status <> 'cancelled' OR ${COUNTED_CANCEL('sqlite', 'orders')})`),
    ordersOfLaunch: db.prepare('SELECT * FROM orders WHERE launch_id = ? AND order_id > ? '
      + 'ORDER BY order_id LIMIT ?'),
    events: db.prepare('SELECT * FROM order_events WHERE order_id = ? ORDER BY event_id'),
    counters: db.prepare('SELECT key, sum(value) AS value FROM counters WHERE launch_id = ? '
      + 'GROUP BY key ORDER BY key'),
    countersFrom: db.prepare('SELECT key, sum(value) AS value FROM counters WHERE launch_id = ? '
      + 'AND key >= ? GROUP BY key ORDER BY key'),
    releasedBefore: db.prepare('SELECT count(*) FROM released_seqs WHERE trim_key = ? AND seq < ?'),
    byIdempotency: db.prepare('SELECT * FROM orders WHERE account_id = ? AND idempotency_key = ?'),
  };
}

/** orders' part of the SQLite store: its statements, prepared once per connection. */
export const ordersSqlite: SqlitePart<OrdersTx, OrdersReads> = {
  name: 'orders',
  writes: (db) => new OrdersSqliteTx(prepareOrdersWrites(db)),
  reads: (db) => new OrdersSqliteReads(db),
};
