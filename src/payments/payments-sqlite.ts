// Payments' SQL on the embedded store (payments-store.ts is the port it implements).
import { anomalyFromRow, nullableMs, refundFromRow } from './payment-rows.js';
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import type {
  PaymentAnomaly, PaymentOp, PaymentsReads, PaymentsTx, UnsettledRefund,
} from './payments-store.js';

class PaymentsSqliteTx implements PaymentsTx {
  constructor(private readonly s: PaymentsWrites) {}

  async queuePayment(op: PaymentOp): Promise<void> {
    this.s.queuePayment.run(op.opId, op.kind, op.reference, op.orderId, op.amountFen,
      op.createdAtMs);
  }

  async markPaymentsSent(opIds: readonly string[], atMs: number): Promise<void> {
    for (const id of opIds) this.s.paymentSent.run(atMs, id);
  }

  async recordNotification(eventId: string, type: string, reference: string, atMs: number):
    Promise<boolean> {
    return this.s.recordNotification.run(eventId, type, reference, atMs).changes === 1;
  }

  async notificationsOf(reference: string, type: string): Promise<string[]> {
    return this.s.notificationsOf.pluck().all(reference, type) as string[];
  }

  async settleRefund(reference: string, atMs: number): Promise<string | null> {
    const id = this.s.settleRefund.pluck().get(atMs, reference) as string | undefined;
    return id ?? null;
  }

  async refundOf(reference: string) {
    const r = this.s.refundOf.get(reference) as Record<string, unknown> | undefined;
    return r ? { ...refundFromRow(r), settledAtMs: nullableMs(r.settled_at_ms) } : null;
  }

  async markRefundsChecked(opIds: readonly string[], atMs: number): Promise<void> {
    for (const id of opIds) this.s.refundChecked.run(atMs, id);
  }

  async recordPaymentAnomaly(a: PaymentAnomaly): Promise<void> {
    this.s.paymentAnomaly.run(a.atMs, a.kind, a.reference, a.eventId, JSON.stringify(a.detail));
  }
}

function preparePaymentsWrites(db: Db) {
  return {
    queuePayment: db.prepare('INSERT INTO payment_outbox (op_id, kind, reference, order_id, '
      + 'amount_fen, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)'),
    recordNotification: db.prepare('INSERT INTO payment_events (event_id, type, reference, '
      + 'received_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (event_id, reference) DO NOTHING'),
    notificationsOf: db.prepare('SELECT event_id FROM payment_events WHERE reference = ? '
      + 'AND type = ? ORDER BY received_at_ms, event_id LIMIT 10'),
    refundOf: db.prepare("SELECT * FROM payment_outbox WHERE reference = ? AND kind = 'refund' "
      + 'ORDER BY created_at_ms LIMIT 1'),
    refundChecked: db.prepare('UPDATE payment_outbox SET checked_at_ms = ? WHERE op_id = ?'),
    paymentAnomaly: db.prepare('INSERT INTO payment_anomalies (at_ms, kind, reference, event_id, '
      + 'detail) VALUES (?, ?, ?, ?, ?)'),
    settleRefund: db.prepare("UPDATE payment_outbox SET settled_at_ms = ? WHERE reference = ? "
      + "AND kind = 'refund' AND settled_at_ms IS NULL RETURNING order_id"),
    paymentSent: db.prepare('UPDATE payment_outbox SET sent_at_ms = ? WHERE op_id = ?'),
  };
}
type PaymentsWrites = ReturnType<typeof preparePaymentsWrites>;

class PaymentsSqliteReads implements PaymentsReads {
  readonly #r: ReturnType<typeof preparePaymentsReads>;

  constructor(db: Db) {
    this.#r = preparePaymentsReads(db);
  }

  async pendingPayments(limit: number): Promise<PaymentOp[]> {
    return (this.#r.pendingPayments.all(limit) as Array<Record<string, unknown>>).map((r) => ({
      opId: String(r.op_id), kind: 'refund', reference: String(r.reference),
      orderId: String(r.order_id), amountFen: Number(r.amount_fen),
      createdAtMs: Number(r.created_at_ms),
    }));
  }

  async refundsToCheck(checkedBeforeMs: number, limit: number): Promise<UnsettledRefund[]> {
    return (this.#r.refundsToCheck.all(checkedBeforeMs, limit) as Array<Record<string, unknown>>)
      .map(refundFromRow);
  }

  async unsettledRefunds(createdBeforeMs: number, limit: number) {
    const count = this.#r.unsettledCount.pluck().get(createdBeforeMs) as number;
    const refunds = (this.#r.unsettled.all(createdBeforeMs, limit) as
      Array<Record<string, unknown>>).map(refundFromRow);
    return { count, refunds };
  }

  async paymentAnomalies(limit: number): Promise<PaymentAnomaly[]> {
    return (this.#r.anomalies.all(limit) as Array<Record<string, unknown>>).map(anomalyFromRow);
  }
}

function preparePaymentsReads(db: Db) {
  return {
    pendingPayments: db.prepare('SELECT * FROM payment_outbox WHERE sent_at_ms IS NULL '
      + 'ORDER BY created_at_ms, op_id LIMIT ?'),
    refundsToCheck: db.prepare('SELECT * FROM payment_outbox WHERE settled_at_ms IS NULL '
      + 'AND sent_at_ms IS NOT NULL AND coalesce(checked_at_ms, sent_at_ms) <= ? '
      + 'ORDER BY created_at_ms, op_id LIMIT ?'),
    unsettledCount: db.prepare('SELECT count(*) FROM payment_outbox WHERE settled_at_ms IS NULL '
      + 'AND created_at_ms <= ?'),
    unsettled: db.prepare('SELECT * FROM payment_outbox WHERE settled_at_ms IS NULL '
      + 'AND created_at_ms <= ? ORDER BY created_at_ms, op_id LIMIT ?'),
    anomalies: db.prepare('SELECT * FROM payment_anomalies ORDER BY anomaly_id DESC LIMIT ?'),
  };
}

/** payments' part of the SQLite store: its statements, prepared once per connection. */
export const paymentsSqlite: SqlitePart<PaymentsTx, PaymentsReads> = {
  name: 'payments',
  writes: (db) => new PaymentsSqliteTx(preparePaymentsWrites(db)),
  reads: (db) => new PaymentsSqliteReads(db),
};
