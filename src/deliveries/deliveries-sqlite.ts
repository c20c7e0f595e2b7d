// Deliveries' SQL on the embedded store (deliveries-store.ts is the port it implements). One
// process owns the file and BEGIN IMMEDIATE excludes every other writer, so "for update" reads
// are plain reads and a slot's conditional UPDATE cannot race.
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import type { BalancePart, Delivery, MoneyEvent } from './delivery.js';
import {
  anomalyFromRow, DELIVERY_COLUMNS, deliveryFromRow, deliveryValues, filterSql, moneyEventFromRow,
  PART_CHECKED_SQL, PART_COLUMNS, partFromRow, PARTS_TO_CHECK_SQL, partToCheckFromRow,
  partValues,
} from './delivery-rows.js';
import type {
  DeliveriesReads, DeliveriesTx, DeliveryAnomaly, DeliveryFilter, PartToCheck,
} from './deliveries-store.js';

type Row = Record<string, unknown>;
const marks = (k: number): string => Array.from({ length: k }, () => '?').join(', ');

function prepareWrites(db: Db) {
  return {
    delivery: db.prepare('SELECT * FROM deliveries WHERE order_id = ?'),
    putDelivery: db.prepare(`INSERT OR REPLACE INTO deliveries (${DELIVERY_COLUMNS.join(', ')}) `
      + `VALUES (${marks(DELIVERY_COLUMNS.length)})`),
    insertPart: db.prepare(`INSERT INTO balance_parts (${PART_COLUMNS.join(', ')}) VALUES (${
      marks(PART_COLUMNS.length)})`),
    updatePart: db.prepare('UPDATE balance_parts SET status = ?, settled_at_ms = ?, '
      + 'refunded_fen = ?, refunded_at_ms = ? WHERE part_id = ?'),
    partByRef: db.prepare('SELECT * FROM balance_parts WHERE reference = ?'),
    partsOf: db.prepare('SELECT * FROM balance_parts WHERE order_id = ? '
      + 'ORDER BY requested_at_ms, part_id'),
    partByKey: db.prepare('SELECT * FROM balance_parts WHERE order_id = ? AND idempotency_key = ?'),
    liveParts: db.prepare("SELECT count(*) AS n FROM balance_parts WHERE order_id = ? "
      + "AND status IN ('pending', 'received')"),
    partChecked: db.prepare(PART_CHECKED_SQL),
    insertEvent: db.prepare('INSERT INTO delivery_money_events (order_id, kind, amount_fen, '
      + 'reference, at_ms) VALUES (?, ?, ?, ?, ?)'),
    insertAnomaly: db.prepare('INSERT INTO delivery_anomalies (at_ms, order_id, reference, kind, '
      + 'detail) VALUES (?, ?, ?, ?, ?)'),
    seedSlot: db.prepare('INSERT OR IGNORE INTO delivery_slots VALUES (?, ?, 0)'),
    takeSlot: db.prepare('UPDATE delivery_slots SET booked = booked + 1 WHERE centre = ? '
      + 'AND slot_start_ms = ? AND booked < ?'),
    freeSlot: db.prepare('UPDATE delivery_slots SET booked = booked - 1 WHERE centre = ? '
      + 'AND slot_start_ms = ? AND booked > 0'),
    deferred: db.prepare('SELECT order_id FROM deliveries WHERE deferred_until_ms > ? '
      + "AND stage = 'released' ORDER BY order_id"),
    due: db.prepare('SELECT * FROM deliveries WHERE next_sweep_at_ms <= ? '
      + 'ORDER BY next_sweep_at_ms, order_id LIMIT ?'),
    putCapacity: db.prepare('INSERT OR REPLACE INTO delivery_slot_capacity VALUES (?, ?, ?, ?)'),
    capacity: db.prepare('SELECT capacity FROM delivery_slot_capacity WHERE centre = ?'),
  };
}
type Writes = ReturnType<typeof prepareWrites>;

class DeliveriesSqliteTx implements DeliveriesTx {
  constructor(private readonly s: Writes) {}

  async deliveriesForUpdate(orderIds: readonly string[]): Promise<Delivery[]> {
    return orderIds.flatMap((id) => {
      const r = this.s.delivery.get(id) as Row | undefined;
      return r ? [deliveryFromRow(r)] : [];
    });
  }

  async putDeliveries(deliveries: readonly Delivery[]): Promise<void> {
    for (const d of deliveries) this.s.putDelivery.run(deliveryValues(d));
  }

  async insertBalancePart(part: BalancePart): Promise<void> {
    this.s.insertPart.run(partValues(part));
  }

  async updateBalancePart(p: BalancePart): Promise<void> {
    this.s.updatePart.run(p.status, p.settledAtMs, p.refundedFen, p.refundedAtMs, p.partId);
  }

  async balancePartForUpdate(reference: string): Promise<BalancePart | null> {
    const r = this.s.partByRef.get(reference) as Row | undefined;
    return r ? partFromRow(r) : null;
  }

  async balancePartsTx(orderId: string): Promise<BalancePart[]> {
    return (this.s.partsOf.all(orderId) as Row[]).map(partFromRow);
  }

  async balancePartByKey(orderId: string, key: string): Promise<BalancePart | null> {
    const r = this.s.partByKey.get(orderId, key) as Row | undefined;
    return r ? partFromRow(r) : null;
  }

  async livePartCount(orderId: string): Promise<number> {
    return Number((this.s.liveParts.get(orderId) as Row).n);
  }

  async partChecked(partId: string, checks: number, nextCheckAtMs: number): Promise<void> {
    this.s.partChecked.run(checks, nextCheckAtMs, partId);
  }

  async insertMoneyEvents(events: ReadonlyArray<Omit<MoneyEvent, 'seq'>>): Promise<void> {
    for (const e of events) {
      this.s.insertEvent.run(e.orderId, e.kind, e.amountFen, e.reference, e.atMs);
    }
  }

  async recordDeliveryAnomaly(a: DeliveryAnomaly): Promise<void> {
    this.s.insertAnomaly.run(a.atMs, a.orderId, a.reference, a.kind, a.detail);
  }

  async takeSlot(centre: string, slotStartMs: number, capacity: number): Promise<boolean> {
    this.s.seedSlot.run(centre, slotStartMs);
    return this.s.takeSlot.run(centre, slotStartMs, capacity).changes === 1;
  }

  async freeSlot(centre: string, slotStartMs: number): Promise<void> {
    this.s.freeSlot.run(centre, slotStartMs);
  }

  async deferredOrders(atMs: number): Promise<string[]> {
    return (this.s.deferred.all(atMs) as Row[]).map((r) => r.order_id as string);
  }

  async deliveriesDue(atMs: number, limit: number): Promise<Delivery[]> {
    return (this.s.due.all(atMs, limit) as Row[]).map(deliveryFromRow);
  }

  async putSlotCapacity(centre: string, capacity: number, atMs: number, actor: string):
    Promise<void> {
    this.s.putCapacity.run(centre, capacity, atMs, actor);
  }

  async slotCapacityOf(centre: string): Promise<number | null> {
    const r = this.s.capacity.get(centre) as Row | undefined;
    return r ? Number(r.capacity) : null;
  }
}

class DeliveriesSqliteReads implements DeliveriesReads {
  readonly #r;

  constructor(private readonly db: Db) {
    this.#r = {
      delivery: db.prepare('SELECT * FROM deliveries WHERE order_id = ?'),
      parts: db.prepare('SELECT * FROM balance_parts WHERE order_id = ? '
        + 'ORDER BY requested_at_ms, part_id'),
      toCheck: db.prepare(PARTS_TO_CHECK_SQL),
      events: db.prepare('SELECT * FROM delivery_money_events WHERE seq > ? ORDER BY seq LIMIT ?'),
      slots: db.prepare('SELECT slot_start_ms, booked FROM delivery_slots WHERE centre = ? '
        + 'AND slot_start_ms >= ? AND slot_start_ms < ? ORDER BY slot_start_ms'),
      capacities: db.prepare('SELECT centre, capacity FROM delivery_slot_capacity '
        + 'ORDER BY centre'),
      anomalies: db.prepare('SELECT * FROM delivery_anomalies ORDER BY anomaly_id DESC LIMIT ?'),
      nextSweep: db.prepare('SELECT min(next_sweep_at_ms) AS t FROM deliveries '
        + 'WHERE next_sweep_at_ms IS NOT NULL'),
    };
  }

  async delivery(orderId: string): Promise<Delivery | null> {
    const r = this.#r.delivery.get(orderId) as Row | undefined;
    return r ? deliveryFromRow(r) : null;
  }

  async balanceParts(orderId: string): Promise<BalancePart[]> {
    return (this.#r.parts.all(orderId) as Row[]).map(partFromRow);
  }

  async partsToCheck(atMs: number, firstAfterMs: number, limit: number):
    Promise<PartToCheck[]> {
    return (this.#r.toCheck.all(firstAfterMs, atMs, limit) as Row[]).map(partToCheckFromRow);
  }

  async moneyEventsAfter(afterSeq: number, limit: number): Promise<MoneyEvent[]> {
    return (this.#r.events.all(afterSeq, limit) as Row[]).map(moneyEventFromRow);
  }

  async deliveries(filter: DeliveryFilter, limit: number): Promise<Delivery[]> {
    const { where, values } = filterSql(filter);
    return (this.db.prepare(`SELECT * FROM deliveries ${where} ORDER BY order_id LIMIT ?`)
      .all(...values, limit) as Row[]).map(deliveryFromRow);
  }

  async slotBookings(centre: string, fromMs: number, toMs: number):
    Promise<Array<[number, number]>> {
    return (this.#r.slots.all(centre, fromMs, toMs) as Row[])
      .map((r) => [Number(r.slot_start_ms), Number(r.booked)]);
  }

  async slotCapacities(): Promise<Array<[string, number]>> {
    return (this.#r.capacities.all() as Row[]).map((r) => [r.centre as string,
      Number(r.capacity)]);
  }

  async nextSweepAt(): Promise<number | null> {
    const t = (this.#r.nextSweep.get() as Row).t;
    return t === null || t === undefined ? null : Number(t);
  }

  async deliveryAnomalies(limit: number): Promise<DeliveryAnomaly[]> {
    return (this.#r.anomalies.all(limit) as Row[]).map(anomalyFromRow);
  }
}

/** Deliveries' part of the SQLite store: its statements, prepared once per connection. */
export const deliveriesSqlite: SqlitePart<DeliveriesTx, DeliveriesReads> = {
  name: 'deliveries',
  writes: (db) => new DeliveriesSqliteTx(prepareWrites(db)),
  reads: (db) => new DeliveriesSqliteReads(db),
};
