// Payment rows as the store port's types, the same for every adapter.
import type { PaymentAnomaly, UnsettledRefund } from './payments-store.js';

/** A nullable millisecond column (BIGINT arrives as a number from either driver). */
export const nullableMs = (v: unknown): number | null =>
  (v === null || v === undefined ? null : Number(v));

/** A payment_outbox row as a refund. */
export function refundFromRow(r: Record<string, unknown>): UnsettledRefund {
  return { opId: String(r.op_id), kind: 'refund', reference: String(r.reference),
    orderId: String(r.order_id), amountFen: Number(r.amount_fen),
    createdAtMs: Number(r.created_at_ms), sentAtMs: nullableMs(r.sent_at_ms) };
}

/** A payment_anomalies row. */
export function anomalyFromRow(r: Record<string, unknown>): PaymentAnomaly {
  return { atMs: Number(r.at_ms), kind: String(r.kind), reference: String(r.reference),
    eventId: String(r.event_id), detail: JSON.parse(String(r.detail)) };
}
