// Payments' SQL on the embedded store (payments-store.ts is the port it implements).
import { anomalyFromRow, nullableMs, refundFromRow } from './payment-rows.js';
class PaymentsSqliteTx {
    s;
    constructor(s) {
        this.s = s;
    }
    async queuePayment(op) {
        this.s.queuePayment.run(op.opId, op.kind, op.reference, op.orderId, op.amountFen, op.createdAtMs);
    }
    async markPaymentsSent(opIds, atMs) {
        for (const id of opIds)
            this.s.paymentSent.run(atMs, id);
    }
    async recordNotification(eventId, type, reference, atMs) {
        return this.s.recordNotification.run(eventId, type, reference, atMs).changes === 1;
    }
    async settleRefund(reference, atMs) {
        const id = this.s.settleRefund.pluck().get(atMs, reference);
        return id ?? null;
    }
    async refundOf(reference) {
        const r = this.s.refundOf.get(reference);
        return r ? { ...refundFromRow(r), settledAtMs: nullableMs(r.settled_at_ms) } : null;
    }
    async markRefundsChecked(opIds, atMs) {
        for (const id of opIds)
            this.s.refundChecked.run(atMs, id);
    }
    async recordPaymentAnomaly(a) {
        this.s.paymentAnomaly.run(a.atMs, a.kind, a.reference, a.eventId, JSON.stringify(a.detail));
    }
}
function preparePaymentsWrites(db) {
    return {
        queuePayment: db.prepare('INSERT INTO payment_outbox (op_id, kind, reference, order_id, '
            + 'amount_fen, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)'),
        recordNotification: db.prepare('INSERT INTO payment_events (event_id, type, reference, '
            + 'received_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (event_id, reference) DO NOTHING'),
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
class PaymentsSqliteReads {
    #r;
    constructor(db) {
        this.#r = preparePaymentsReads(db);
    }
    async pendingPayments(limit) {
        return this.#r.pendingPayments.all(limit).map((r) => ({
            opId: String(r.op_id), kind: 'refund', reference: String(r.reference),
            orderId: String(r.order_id), amountFen: Number(r.amount_fen),
            createdAtMs: Number(r.created_at_ms),
        }));
    }
    async refundsToCheck(checkedBeforeMs, limit) {
        return this.#r.refundsToCheck.all(checkedBeforeMs, limit)
            .map(refundFromRow);
    }
    async unsettledRefunds(createdBeforeMs, limit) {
        const count = this.#r.unsettledCount.pluck().get(createdBeforeMs);
        const refunds = this.#r.unsettled.all(createdBeforeMs, limit).map(refundFromRow);
        return { count, refunds };
    }
    async paymentAnomalies(limit) {
        return this.#r.anomalies.all(limit).map(anomalyFromRow);
    }
}
function preparePaymentsReads(db) {
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
export const paymentsSqlite = {
    name: 'payments',
    writes: (db) => new PaymentsSqliteTx(preparePaymentsWrites(db)),
    reads: (db) => new PaymentsSqliteReads(db),
};
//# sourceMappingURL=payments-sqlite.js.map