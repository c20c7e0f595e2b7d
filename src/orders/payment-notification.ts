// A provider's notification, checked field by field and matched with what launchday asked for.
// A malformed one is refused (422), so the provider sends it again; a well-formed one that does
// not match a refund launchday asked for (unknown reference, deposit never refunded, another
// amount) is acknowledged and recorded as an anomaly for an operator, never silently dropped.
import type { Result } from '../kernel/outcomes.js';
import { parseProviderEvent, type ProviderEvent } from '../payments/index.js';
import type { StoreTx } from '../kernel/store/store.js';

/** A notification that passed every field check (payments' parser). */
export type PaymentNotice = ProviderEvent<'refund.succeeded'>;

/**
 * What launchday could not match, kept in payment_anomalies:
 * - `refund_not_requested`: a refund notice for a reference launchday never asked to refund
 *   (an unknown reference, or a deposit that was never refunded);
 * - `amount_mismatch`: the provider returned another amount than launchday asked for (from a
 *   notification or a status query); the refund stays unsettled;
 * - `orphan_charge_voided`: a charge the provider held that no order held, voided by the sweep.
 */
export const PAYMENT_ANOMALY_KINDS = ['refund_not_requested', 'amount_mismatch',
  'orphan_charge_voided'] as const;
export type PaymentAnomalyKind = typeof PAYMENT_ANOMALY_KINDS[number];

/** Amounts are fen; the largest deposit is far below this (10,000,000 fen, admin-routes.ts). */
const AMOUNT_FEN_MAX = 1_000_000_000;

/** Parses and checks a notification body: `invalid_json` or `invalid_request` naming the field. */
export const parseNotification = (body: string): Result<PaymentNotice> =>
  parseProviderEvent(body, ['refund.succeeded'] as const, AMOUNT_FEN_MAX);

/** What taking a notice did: nothing (a duplicate), settled a refund, or recorded an anomaly. */
export interface NoticeOutcome {
  readonly duplicate: boolean;
  readonly anomaly: PaymentAnomalyKind | null;
}

/**
 * Takes a checked notice inside a transaction: recorded once per (event id, reference); settles
 * the refund of its reference when the amount is the one asked for, with a `refund_settled`
 * event in the order's history; otherwise records an anomaly. A notice for a refund already
 * settled (by an earlier notice or a status query) changes nothing.
 */
export async function takeNotice(tx: StoreTx, n: PaymentNotice, nowMs: number):
  Promise<NoticeOutcome> {
  if (!(await tx.recordNotification(n.eventId, n.type, n.reference, nowMs))) {
    return { duplicate: true, anomaly: null };
  }
  const asked = await tx.refundOf(n.reference);
  const anomaly: PaymentAnomalyKind | null = asked === null ? 'refund_not_requested'
    : asked.amountFen !== n.amountFen ? 'amount_mismatch' : null;
  if (anomaly !== null) {
    await tx.recordPaymentAnomaly({ atMs: nowMs, kind: anomaly, reference: n.reference,
      eventId: n.eventId, detail: { source: 'notification', notified_fen: n.amountFen,
        asked_fen: asked?.amountFen ?? null, order_id: asked?.orderId ?? null,
        occurred_at: new Date(n.occurredAtMs).toISOString() } });
    return { duplicate: false, anomaly };
  }
  const orderId = await tx.settleRefund(n.reference, nowMs);
  if (orderId) {
    await tx.insertEvents([{ orderId, atMs: nowMs, type: 'refund_settled',
      actor: 'payment_provider', detail: { amount_fen: n.amountFen, event_id: n.eventId,
        via: 'notification' } }]);
  }
  return { duplicate: false, anomaly: null };
}
