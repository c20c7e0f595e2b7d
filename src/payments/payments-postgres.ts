// Payments' SQL on the shared store (payments-store.ts is the port it implements).
import type pg from 'pg';
import { anomalyFromRow, nullableMs, refundFromRow } from './payment-rows.js';
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import type {
  PaymentAnomaly, PaymentOp, PaymentsReads, PaymentsTx, UnsettledRefund,
} from './payments-store.js';

class PaymentsPostgresTx implements PaymentsTx {
  constructor(private readonly c: pg.PoolClient) {}

  async queuePayment(op: PaymentOp): Promise<void> {
    await this.c.query('INSERT INTO payment_outbox (op_id, kind, reference, order_id, '
      + 'amount_fen, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)',
      [op.opId, op.kind, op.reference, op.orderId, op.amountFen, op.createdAtMs]);
  }

  async markPaymentsSent(opIds: readonly string[], atMs: number): Promise<void> {
    if (opIds.length === 0) return;
    await this.c.query('UPDATE payment_outbox SET sent_at_ms = $1 WHERE op_id = ANY($2::text[])',
      [atMs, opIds]);
  }

  async recordNotification(eventId: string, type: string, reference: string, atMs: number):
    Promise<boolean> {
    const r = await this.c.query('INSERT INTO payment_events (event_id, type, reference, '
      + 'received_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (event_id, reference) DO NOTHING',
    [eventId, type, reference, atMs]);
    return r.rowCount === 1;
  }

  async notificationsOf(reference: string, type: string): Promise<string[]> {
    const r = await rows<{ event_id: string }>(this.c, 'SELECT event_id FROM payment_events '
      + 'WHERE reference = $1 AND type = $2 ORDER BY received_at_ms, event_id LIMIT 10',
    [reference, type]);
    return r.map((x) => x.event_id);
  }

  async settleRefund(reference: string, atMs: number): Promise<string | null> {
    const r = await rows<{ order_id: string }>(this.c, 'UPDATE payment_outbox SET '
      + "settled_at_ms = $1 WHERE reference = $2 AND kind = 'refund' AND settled_at_ms IS NULL "
      + 'RETURNING order_id', [atMs, reference]);
    return r[0]?.order_id ?? null;
  }

  async refundOf(reference: string) {
    const [r] = await rows(this.c, "SELECT * FROM payment_outbox WHERE reference = $1 "
      + "AND kind = 'refund' ORDER BY created_at_ms LIMIT 1", [reference]);
    return r ? { ...refundFromRow(r), settledAtMs: nullableMs(r.settled_at_ms) } : null;
  }

  async markRefundsChecked(opIds: readonly string[], atMs: number): Promise<void> {
    if (opIds.length === 0) return;
    await this.c.query('UPDATE payment_outbox SET checked_at_ms = $1 '
      + 'WHERE op_id = ANY($2::text[])', [atMs, opIds]);
  }

  async recordPaymentAnomaly(a: PaymentAnomaly): Promise<void> {
    await this.c.query('INSERT INTO payment_anomalies (at_ms, kind, reference, event_id, detail) '
      + 'VALUES ($1, $2, $3, $4, $5)',
    [a.atMs, a.kind, a.reference, a.eventId, JSON.stringify(a.detail)]);
  }
}

class PaymentsPostgresReads implements PaymentsReads {
  constructor(private readonly pool: Queryable) {}

  async pendingPayments(limit: number): Promise<PaymentOp[]> {
    return (await rows(this.pool, 'SELECT * FROM payment_outbox WHERE sent_at_ms IS NULL '
      + 'ORDER BY created_at_ms, op_id LIMIT $1', [limit])).map((r) => ({
      opId: String(r.op_id), kind: 'refund', reference: String(r.reference),
      orderId: String(r.order_id), amountFen: Number(r.amount_fen),
      createdAtMs: Number(r.created_at_ms),
    }));
  }

  async refundsToCheck(checkedBeforeMs: number, limit: number): Promise<UnsettledRefund[]> {
    return (await rows(this.pool, 'SELECT * FROM payment_outbox WHERE settled_at_ms IS NULL '
      + 'AND sent_at_ms IS NOT NULL AND coalesce(checked_at_ms, sent_at_ms) <= $1 '
      + 'ORDER BY created_at_ms, op_id LIMIT $2', [checkedBeforeMs, limit])).map(refundFromRow);
  }

  async unsettledRefunds(createdBeforeMs: number, limit: number) {
    const [c] = await rows<{ n: number }>(this.pool, 'SELECT count(*) AS n FROM payment_outbox '
      + 'WHERE settled_at_ms IS NULL AND created_at_ms <= $1', [createdBeforeMs]);
    const refunds = (await rows(this.pool, 'SELECT * FROM payment_outbox WHERE settled_at_ms '
      + 'IS NULL AND created_at_ms <= $1 ORDER BY created_at_ms, op_id LIMIT $2',
    [createdBeforeMs, limit])).map(refundFromRow);
    return { count: Number(c!.n), refunds };
  }

  async paymentAnomalies(limit: number): Promise<PaymentAnomaly[]> {
    return (await rows(this.pool, 'SELECT * FROM payment_anomalies ORDER BY anomaly_id DESC '
      + 'LIMIT $1', [limit])).map(anomalyFromRow);
  }
}

/** payments' part of the PostgreSQL store. */
export const paymentsPostgres: PostgresPart<PaymentsTx, PaymentsReads> = {
  name: 'payments',
  writes: (c) => new PaymentsPostgresTx(c),
  reads: (pool) => new PaymentsPostgresReads(pool),
};
