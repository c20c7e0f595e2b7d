// Deliveries' SQL on the shared store (deliveries-store.ts is the port it implements). Several
// API processes write one database: a record is read FOR UPDATE before it is changed, and a
// slot is booked by one conditional upsert (the row's lock orders racing buyers; the CHECK and
// the condition keep the count within the capacity).
import type pg from 'pg';
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import type { BalancePart, Delivery, MoneyEvent } from './delivery.js';
import {
  anomalyFromRow, DELIVERY_COLUMNS, deliveryFromRow, deliveryValues, filterSql, moneyEventFromRow,
  PART_CHECKED_SQL, PART_COLUMNS, partFromRow, PARTS_TO_CHECK_SQL, partToCheckFromRow,
  partValues,
} from './delivery-rows.js';
import type {
  DeliveriesReads, DeliveriesTx, DeliveryAnomaly, DeliveryFilter, PartToCheck,
} from './deliveries-store.js';

const params = (k: number): string => Array.from({ length: k }, (_, i) => `$${i + 1}`).join(', ');
/** `?` placeholders as PostgreSQL's numbered ones. */
const numbered = (sql: string): string => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};
const PUT_DELIVERY = `INSERT INTO deliveries (${DELIVERY_COLUMNS.join(', ')}) VALUES (${
  params(DELIVERY_COLUMNS.length)}) ON CONFLICT (order_id) DO UPDATE SET ${DELIVERY_COLUMNS
  .slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;

class DeliveriesPostgresTx implements DeliveriesTx {
  constructor(private readonly c: pg.PoolClient) {}

  async deliveriesForUpdate(orderIds: readonly string[]): Promise<Delivery[]> {
    if (orderIds.length === 0) return [];
    return (await rows(this.c, 'SELECT * FROM deliveries WHERE order_id = ANY($1::text[]) '
      + 'ORDER BY order_id FOR UPDATE', [[...orderIds]])).map(deliveryFromRow);
  }

  async putDeliveries(deliveries: readonly Delivery[]): Promise<void> {
    for (const d of deliveries) await this.c.query(PUT_DELIVERY, deliveryValues(d));
  }

  async insertBalancePart(part: BalancePart): Promise<void> {
    await this.c.query(`INSERT INTO balance_parts (${PART_COLUMNS.join(', ')}) VALUES (${
      params(PART_COLUMNS.length)})`, partValues(part));
  }

  async updateBalancePart(p: BalancePart): Promise<void> {
    await this.c.query('UPDATE balance_parts SET status = $1, settled_at_ms = $2, '
      + 'refunded_fen = $3, refunded_at_ms = $4 WHERE part_id = $5',
    [p.status, p.settledAtMs, p.refundedFen, p.refundedAtMs, p.partId]);
  }

  async balancePartForUpdate(reference: string): Promise<BalancePart | null> {
    const [r] = await rows(this.c, 'SELECT * FROM balance_parts WHERE reference = $1 FOR UPDATE',
      [reference]);
    return r ? partFromRow(r) : null;
  }

  async balancePartsTx(orderId: string): Promise<BalancePart[]> {
    return (await rows(this.c, 'SELECT * FROM balance_parts WHERE order_id = $1 '
      + 'ORDER BY requested_at_ms, part_id', [orderId])).map(partFromRow);
  }

  async balancePartByKey(orderId: string, key: string): Promise<BalancePart | null> {
    const [r] = await rows(this.c, 'SELECT * FROM balance_parts WHERE order_id = $1 '
      + 'AND idempotency_key = $2', [orderId, key]);
    return r ? partFromRow(r) : null;
  }

  async livePartCount(orderId: string): Promise<number> {
    const [r] = await rows(this.c, "SELECT count(*) AS n FROM balance_parts WHERE order_id = $1 "
      + "AND status IN ('pending', 'received')", [orderId]);
    return Number(r!.n);
  }

  async insertMoneyEvents(events: ReadonlyArray<Omit<MoneyEvent, 'seq'>>): Promise<void> {
    for (const e of events) {
      await this.c.query('INSERT INTO delivery_money_events (order_id, kind, amount_fen, '
        + 'reference, at_ms) VALUES ($1, $2, $3, $4, $5)',
      [e.orderId, e.kind, e.amountFen, e.reference, e.atMs]);
    }
  }

  async recordDeliveryAnomaly(a: DeliveryAnomaly): Promise<void> {
    await this.c.query('INSERT INTO delivery_anomalies (at_ms, order_id, reference, kind, '
      + 'detail) VALUES ($1, $2, $3, $4, $5)', [a.atMs, a.orderId, a.reference, a.kind, a.detail]);
  }

  async takeSlot(centre: string, slotStartMs: number, capacity: number): Promise<boolean> {
    // One statement: the first booking inserts the row, later ones wait on its lock and see
    // the count the one before them committed.
    const r = await this.c.query('INSERT INTO delivery_slots VALUES ($1, $2, 1) '
      + 'ON CONFLICT (centre, slot_start_ms) DO UPDATE SET booked = delivery_slots.booked + 1 '
      + 'WHERE delivery_slots.booked < $3', [centre, slotStartMs, capacity]);
    return r.rowCount === 1;
  }

  async freeSlot(centre: string, slotStartMs: number): Promise<void> {
    await this.c.query('UPDATE delivery_slots SET booked = booked - 1 WHERE centre = $1 '
      + 'AND slot_start_ms = $2 AND booked > 0', [centre, slotStartMs]);
  }

  async partChecked(partId: string, checks: number, nextCheckAtMs: number): Promise<void> {
    await this.c.query(numbered(PART_CHECKED_SQL), [checks, nextCheckAtMs, partId]);
  }

  async deferredOrders(atMs: number): Promise<string[]> {
    return (await rows(this.c, 'SELECT order_id FROM deliveries WHERE deferred_until_ms > $1 '
      + "AND stage = 'released' ORDER BY order_id", [atMs])).map((r) => r.order_id as string);
  }

  async deliveriesDue(atMs: number, limit: number): Promise<Delivery[]> {
    return (await rows(this.c, 'SELECT * FROM deliveries WHERE next_sweep_at_ms <= $1 '
      + 'ORDER BY next_sweep_at_ms, order_id LIMIT $2 FOR UPDATE SKIP LOCKED', [atMs, limit]))
      .map(deliveryFromRow);
  }

  async putSlotCapacity(centre: string, capacity: number, atMs: number, actor: string):
    Promise<void> {
    await this.c.query('INSERT INTO delivery_slot_capacity VALUES ($1, $2, $3, $4) '
      + 'ON CONFLICT (centre) DO UPDATE SET capacity = EXCLUDED.capacity, '
      + 'updated_at_ms = EXCLUDED.updated_at_ms, updated_by = EXCLUDED.updated_by',
    [centre, capacity, atMs, actor]);
  }

  async slotCapacityOf(centre: string): Promise<number | null> {
    const [r] = await rows(this.c, 'SELECT capacity FROM delivery_slot_capacity '
      + 'WHERE centre = $1', [centre]);
    return r ? Number(r.capacity) : null;
  }
}

class DeliveriesPostgresReads implements DeliveriesReads {
  constructor(private readonly pool: Queryable) {}

  async delivery(orderId: string): Promise<Delivery | null> {
    const [r] = await rows(this.pool, 'SELECT * FROM deliveries WHERE order_id = $1', [orderId]);
    return r ? deliveryFromRow(r) : null;
  }

  async balanceParts(orderId: string): Promise<BalancePart[]> {
    return (await rows(this.pool, 'SELECT * FROM balance_parts WHERE order_id = $1 '
      + 'ORDER BY requested_at_ms, part_id', [orderId])).map(partFromRow);
  }

  async partsToCheck(atMs: number, firstAfterMs: number, limit: number):
    Promise<PartToCheck[]> {
    return (await rows(this.pool, numbered(PARTS_TO_CHECK_SQL), [firstAfterMs, atMs, limit]))
      .map(partToCheckFromRow);
  }

  async moneyEventsAfter(afterSeq: number, limit: number): Promise<MoneyEvent[]> {
    return (await rows(this.pool, 'SELECT * FROM delivery_money_events WHERE seq > $1 '
      + 'ORDER BY seq LIMIT $2', [afterSeq, limit])).map(moneyEventFromRow);
  }

  async deliveries(filter: DeliveryFilter, limit: number): Promise<Delivery[]> {
    const { where, values } = filterSql(filter);
    return (await rows(this.pool, numbered(`SELECT * FROM deliveries ${where} `
      + 'ORDER BY order_id LIMIT ?'), [...values, limit])).map(deliveryFromRow);
  }

  async slotBookings(centre: string, fromMs: number, toMs: number):
    Promise<Array<[number, number]>> {
    return (await rows(this.pool, 'SELECT slot_start_ms, booked FROM delivery_slots '
      + 'WHERE centre = $1 AND slot_start_ms >= $2 AND slot_start_ms < $3 '
      + 'ORDER BY slot_start_ms', [centre, fromMs, toMs]))
      .map((r) => [Number(r.slot_start_ms), Number(r.booked)]);
  }

  async slotCapacities(): Promise<Array<[string, number]>> {
    return (await rows(this.pool, 'SELECT centre, capacity FROM delivery_slot_capacity '
      + 'ORDER BY centre')).map((r) => [r.centre as string, Number(r.capacity)]);
  }

  async nextSweepAt(): Promise<number | null> {
    const [r] = await rows(this.pool, 'SELECT min(next_sweep_at_ms) AS t FROM deliveries '
      + 'WHERE next_sweep_at_ms IS NOT NULL');
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }

  async deliveryAnomalies(limit: number): Promise<DeliveryAnomaly[]> {
    return (await rows(this.pool, 'SELECT * FROM delivery_anomalies ORDER BY anomaly_id DESC '
      + 'LIMIT $1', [limit])).map(anomalyFromRow);
  }
}

/** Deliveries' part of the PostgreSQL store. */
export const deliveriesPostgres: PostgresPart<DeliveriesPostgresTx, DeliveriesReads> = {
  name: 'deliveries',
  writes: (c) => new DeliveriesPostgresTx(c),
  reads: (pool) => new DeliveriesPostgresReads(pool),
};
