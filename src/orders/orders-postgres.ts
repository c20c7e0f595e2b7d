// Orders' SQL on the shared store (orders-store.ts is the port it implements).
import type pg from 'pg';
import { mergeDeltas, type CounterDelta } from './launch-stats.js';
import type { Order } from './order.js';
import {
  COUNTED_CANCEL, ORDER_COLUMNS, orderToValues, rowToOrder, type OrderRow,
} from './order-row.js';
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import type {
  IdempotencyRef, LockedQueueEntry, OrderEvent, OrdersReads, OrdersTx,
} from './orders-store.js';

/** The array type of each order column, for inserts and updates through unnest. */
const ORDER_COLUMN_TYPES: Record<(typeof ORDER_COLUMNS)[number], string> = {
  order_id: 'text', account_id: 'text', launch_id: 'text', model_id: 'text', trim: 'text',
  options: 'text', city: 'text', status: 'text', price_fen: 'bigint', deposit_fen: 'bigint',
  deposit_state: 'text', created_at_ms: 'bigint', cooling_off_ends_at_ms: 'bigint',
  locked_at_ms: 'bigint', cancelled_at_ms: 'bigint', queued_at_ms: 'bigint',
  queue_place: 'bigint', trim_seq: 'bigint', changed_in_window_id: 'text',
  idempotency_key: 'text', request_hash: 'text', version: 'integer',
};
const ORDER_UNNEST = `unnest(${ORDER_COLUMNS.map((c, i) => `$${i + 1}::${ORDER_COLUMN_TYPES[c]}[]`)
  .join(', ')})`;
const ORDER_INSERT = `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}) SELECT * FROM ${
  ORDER_UNNEST}`;
const ORDER_UPDATE = `UPDATE orders AS o SET ${ORDER_COLUMNS.slice(1).map((c) => `${c} = u.${c}`)
  .join(', ')} FROM ${ORDER_UNNEST} AS u(${ORDER_COLUMNS.join(', ')}) `
  + 'WHERE o.order_id = u.order_id';

/** Column-wise arrays of the orders: one array parameter per column. */
function orderColumns(orders: readonly Order[]): unknown[][] {
  const cols: unknown[][] = ORDER_COLUMNS.map(() => []);
  for (const o of orders) orderToValues(o).forEach((v, i) => cols[i]!.push(v));
  return cols;
}

const byOrderId = (rows: OrderRow[]): Map<string, Order> =>
  new Map(rows.map((r) => [String(r.order_id), rowToOrder(r)]));

class OrdersPostgresTx implements OrdersTx {
  readonly #counters: CounterDelta[] = [];

  constructor(private readonly c: pg.PoolClient, private readonly shard: number) {}

  // Locks are taken in one sorted pass, so two transactions over overlapping sets of accounts
  // always meet in the same order and cannot deadlock each other here.
  async lockAccounts(accountIds: readonly string[]): Promise<void> {
    if (accountIds.length === 0) return;
    await this.c.query('SELECT account_id FROM accounts WHERE account_id = ANY($1::text[]) '
      + 'ORDER BY account_id FOR UPDATE', [accountIds]);
  }

  async ordersByIdempotency(refs: readonly IdempotencyRef[]): Promise<Order[]> {
    if (refs.length === 0) return [];
    const found = await rows<OrderRow>(this.c, 'SELECT * FROM orders WHERE '
      + '(account_id, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
    [refs.map((r) => r.accountId), refs.map((r) => r.key)]);
    const byRef = new Map(found.map((r) =>
      [`${String(r.account_id)}\u0000${String(r.idempotency_key)}`, rowToOrder(r)]));
    return refs.flatMap((r) => byRef.get(`${r.accountId}\u0000${r.key}`) ?? []);
  }

  async activeOrderCounts(launchId: string, accountIds: readonly string[]) {
    const out = new Map<string, number>();
    if (accountIds.length === 0) return out;
    // Each buyer's few orders are read through the account's index. Written as one filter,
    // the planner could take the launch's index instead, on statistics that lag a stampede, and
    // read every order of the launch for each batch (seen: 33,000 rows, 17 ms). `|| ''` keeps
    // the launch index out of reach, as the unary + does on SQLite.
    for (const r of await rows<{ account_id: string; n: number }>(this.c,
      'SELECT a AS account_id, c.n FROM unnest($2::text[]) AS a CROSS JOIN LATERAL '
      + "(SELECT count(*) AS n FROM orders o WHERE o.account_id = a AND o.launch_id || '' = $1 "
      + `AND (o.status <> 'cancelled' OR ${COUNTED_CANCEL('postgres', 'o')})) AS c WHERE c.n > 0`,
      [launchId, accountIds])) out.set(r.account_id, r.n);
    return out;
  }

  async ordersForUpdate(orderIds: readonly string[]): Promise<Order[]> {
    if (orderIds.length === 0) return [];
    const found = byOrderId(await rows<OrderRow>(this.c, 'SELECT * FROM orders '
      + 'WHERE order_id = ANY($1::text[]) ORDER BY order_id FOR UPDATE', [orderIds]));
    return orderIds.flatMap((id) => found.get(id) ?? []);
  }

  // The rows are locked: two processes sweeping at once must not both lock the same order.
  // The second waits, then sees the order no longer firm and leaves it out.
  async dueFirmOrders(nowMs: number, limit: number): Promise<Order[]> {
    return (await rows<OrderRow>(this.c, "SELECT * FROM orders WHERE status = 'firm' "
      + 'AND cooling_off_ends_at_ms <= $1 ORDER BY cooling_off_ends_at_ms, order_id LIMIT $2 '
      + 'FOR UPDATE', [nowMs, limit])).map(rowToOrder);
  }

  async insertOrders(orders: readonly Order[]): Promise<void> {
    if (orders.length === 0) return;
    await this.c.query(ORDER_INSERT, orderColumns(orders));
  }

  async updateOrders(orders: readonly Order[]): Promise<void> {
    // The last version of an order given twice wins, as it would written one by one.
    const unique = [...new Map(orders.map((o) => [o.orderId, o])).values()];
    if (unique.length === 0) return;
    const r = await this.c.query(ORDER_UPDATE, orderColumns(unique));
    if (r.rowCount !== unique.length) {
      throw new Error(`${unique.length - (r.rowCount ?? 0)} orders vanished during update`);
    }
  }

  async insertEvents(events: readonly OrderEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Ordinality keeps event ids, and so the history of each order, in the order given.
    await this.c.query('INSERT INTO order_events (order_id, at_ms, type, actor, detail) '
      + 'SELECT order_id, at_ms, type, actor, detail FROM unnest($1::text[], $2::bigint[], '
      + '$3::text[], $4::text[], $5::text[]) WITH ORDINALITY '
      + 'AS e(order_id, at_ms, type, actor, detail, n) ORDER BY n',
    [events.map((e) => e.orderId), events.map((e) => e.atMs), events.map((e) => e.type),
      events.map((e) => e.actor), events.map((e) => JSON.stringify(e.detail))]);
  }

  async lockSequences(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    // The upsert writes nothing new but takes each row's lock, in the order of the sorted list.
    await this.c.query('INSERT INTO sequences AS s (name, last) SELECT n, 0 FROM '
      + 'unnest($1::text[]) WITH ORDINALITY AS u(n, i) ORDER BY i '
      + 'ON CONFLICT (name) DO UPDATE SET last = s.last', [names]);
  }

  async takeNumbers(sequence: string, count: number): Promise<number> {
    const [r] = await rows<{ last: number }>(this.c, 'INSERT INTO sequences AS s (name, last) '
      + 'VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET last = s.last + EXCLUDED.last '
      + 'RETURNING last', [sequence, count]);
    return r!.last - count + 1;
  }

  async releaseSeq(trimKey: string, seq: number): Promise<void> {
    await this.c.query('INSERT INTO released_seqs VALUES ($1, $2)', [trimKey, seq]);
  }

  /**
   * Counter changes are kept and written once, just before COMMIT: every transaction then locks
   * the counter rows it changes last, all at once and in one order, after whatever else it
   * locked, so that no two transactions can wait for each other's rows in a cycle.
   */
  async addCounters(deltas: readonly CounterDelta[]): Promise<void> {
    this.#counters.push(...deltas);
  }

  async lockedQueue(): Promise<LockedQueueEntry[]> {
    const r = await this.c.query({ text: 'SELECT order_id, account_id, launch_id, trim, city, '
      + "options, trim_seq, queued_at_ms FROM orders WHERE status IN ('locked', 'scheduled')",
    rowMode: 'array' });
    return (r.rows as Array<[string, string, string, string, string, string, string, string]>)
      .map(([orderId, accountId, launchId, trim, city, options, trimSeq, queuedAtMs]) => ({
        orderId, accountId, launchId, trim, city,
        options: options === '' ? [] : options.split(','), trimSeq: Number(trimSeq),
        queuedAtMs: Number(queuedAtMs) }));
  }

  async writeCounters(): Promise<void> {
    // One row may be touched once per statement, and every transaction locks its rows in one
    // order so that none waits for another in a cycle: mergeDeltas sums repeats and sorts.
    const all = mergeDeltas(this.#counters.splice(0));
    if (all.length === 0) return;
    await this.c.query('INSERT INTO counters AS c (launch_id, key, shard, value) '
      + 'SELECT l, k, $3, v FROM unnest($1::text[], $2::text[], $4::bigint[]) '
      + 'WITH ORDINALITY AS d(l, k, v, i) ORDER BY i '
      + 'ON CONFLICT (launch_id, key, shard) DO UPDATE SET value = c.value + EXCLUDED.value',
    [all.map((d) => d.launchId), all.map((d) => d.key), this.shard, all.map((d) => d.delta)]);
  }
}

class OrdersPostgresReads implements OrdersReads {
  constructor(private readonly pool: Queryable) {}

  async order(orderId: string): Promise<Order | null> {
    const [r] = await rows<OrderRow>(this.pool, 'SELECT * FROM orders WHERE order_id = $1',
      [orderId]);
    return r ? rowToOrder(r) : null;
  }

  async ordersOfAccount(accountId: string, limit: number): Promise<Order[]> {
    return (await rows<OrderRow>(this.pool, 'SELECT * FROM orders WHERE account_id = $1 '
      + 'ORDER BY created_at_ms DESC, order_id DESC LIMIT $2', [accountId, limit]))
      .map(rowToOrder);
  }

  async activeOrderCount(launchId: string, accountId: string): Promise<number> {
    // As activeOrderCounts: on the account's index (`|| ''` keeps the launch's out of reach).
    const [r] = await rows<{ n: string }>(this.pool, 'SELECT count(*) AS n FROM orders o '
      + "WHERE o.account_id = $1 AND o.launch_id || '' = $2 "
      + `AND (o.status <> 'cancelled' OR ${COUNTED_CANCEL('postgres', 'o')})`,
    [accountId, launchId]);
    return Number(r!.n);
  }

  async ordersOfLaunch(launchId: string, afterOrderId: string, limit: number): Promise<Order[]> {
    return (await rows<OrderRow>(this.pool, 'SELECT * FROM orders WHERE launch_id = $1 '
      + 'AND order_id > $2 ORDER BY order_id LIMIT $3', [launchId, afterOrderId, limit]))
      .map(rowToOrder);
  }

  async orderEvents(orderId: string): Promise<OrderEvent[]> {
    return (await rows(this.pool, 'SELECT * FROM order_events WHERE order_id = $1 '
      + 'ORDER BY event_id', [orderId])).map((r) => ({
      orderId, atMs: Number(r.at_ms), type: String(r.type), actor: String(r.actor),
      detail: JSON.parse(String(r.detail)),
    }));
  }

  async counters(launchId: string, fromKey?: string): Promise<Map<string, number>> {
    const found = await rows<{ key: string; value: number }>(this.pool, 'SELECT key, '
      + 'sum(value)::bigint AS value FROM counters WHERE launch_id = $1'
      + `${fromKey === undefined ? '' : ' AND key >= $2'} GROUP BY key ORDER BY key`,
    fromKey === undefined ? [launchId] : [launchId, fromKey]);
    return new Map(found.map((r) => [r.key, r.value]));
  }

  async releasedBefore(trimKey: string, seq: number): Promise<number> {
    const [r] = await rows<{ n: number }>(this.pool, 'SELECT count(*) AS n FROM released_seqs '
      + 'WHERE trim_key = $1 AND seq < $2', [trimKey, seq]);
    return r?.n ?? 0; // no row: the key held NUL (rows())
  }

  async orderByIdempotency(accountId: string, key: string): Promise<Order | null> {
    const [r] = await rows<OrderRow>(this.pool, 'SELECT * FROM orders WHERE account_id = $1 '
      + 'AND idempotency_key = $2', [accountId, key]);
    return r ? rowToOrder(r) : null;
  }
}

/** orders' part of the PostgreSQL store. */
export const ordersPostgres: PostgresPart<OrdersPostgresTx, OrdersReads> = {
  name: 'orders',
  writes: (c, shard) => new OrdersPostgresTx(c, shard),
  beforeCommit: (tx) => tx.writeCounters(),
  reads: (pool) => new OrdersPostgresReads(pool),
};
