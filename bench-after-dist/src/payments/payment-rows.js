/** A nullable millisecond column (BIGINT arrives as a number from either driver). */
export const nullableMs = (v) => (v === null || v === undefined ? null : Number(v));
/** A payment_outbox row as a refund. */
export function refundFromRow(r) {
    return { opId: String(r.op_id), kind: 'refund', reference: String(r.reference),
        orderId: String(r.order_id), amountFen: Number(r.amount_fen),
        createdAtMs: Number(r.created_at_ms), sentAtMs: nullableMs(r.sent_at_ms) };
}
/** A payment_anomalies row. */
export function anomalyFromRow(r) {
    return { atMs: Number(r.at_ms), kind: String(r.kind), reference: String(r.reference),
        eventId: String(r.event_id), detail: JSON.parse(String(r.detail)) };
}
//# sourceMappingURL=payment-rows.js.map