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
 * - `orphan_charge_voided`: a charge the provider held that no order held, voided by the sweep;
 * - `refund_settled_again`: a refund notice under a new event id, at the amount asked for, for
 *   a refund already settled, after an earlier notice of the same reference (at any amount;
 *   its detail names them, `earlier_event_ids`): the provider may have refunded it twice, so
 *   the books must show it (the refund stays settled once).
 */
export const PAYMENT_ANOMALY_KINDS = ['refund_not_requested', 'amount_mismatch',
  'orphan_charge_voided', 'refund_settled_again'] as const;
export type PaymentAnomalyKind = typeof PAYMENT_ANOMALY_KINDS[number];

/** Amounts are fen; the largest deposit is far below this (10,000,000 fen, admin-routes.ts). */
const AMOUNT_FEN_MAX = 1_000_000_000;

/**
 * Parses and checks a notification body: `invalid_json` or `invalid_request` naming the field
 * (an `occurred_at` past `signedAtMs`, the real time the signature was checked at, by more
 * than its tolerance too).
 */
export const parseNotification = (body: string, signedAtMs: number): Result<PaymentNotice> =>
  parseProviderEvent(body, ['refund.succeeded'] as const, AMOUNT_FEN_MAX, signedAtMs);

/** What taking a notice did: nothing (a duplicate), settled a refund, or recorded an anomaly. */
export interface NoticeOutcome {
  readonly duplicate: boolean;
  readonly anomaly: PaymentAnomalyKind | null;
}

/** A refund the provider confirmed, as its owner's history records it. */
export interface SettledRefund {
  /**
   * The outbox's owner id: an order's id, or another capability's (a drop's hold id, a
   * ready-stock sale's id); a balance refund's is its order's, though the money is deliveries'.
   */
  readonly orderId: string;
  readonly reference: string;
  readonly amountFen: number;
  readonly atMs: number;
  /** How it was learnt: `{via: 'notification', event_id}` or `{via: 'status_query'}`. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * Another capability whose refunds go through payments' outbox (a drop's hold, a ready-stock
 * sale, a balance part's surplus or credit): records a settled refund in its own history, in
 * the settling transaction, and says whether it was its own. The composition (launchday.ts)
 * adds them; orders does not know them.
 */
export type RefundOwner = (tx: StoreTx, refund: SettledRefund) => Promise<boolean>;

/**
 * Records a settled refund in its owner's history: the first of `owners` that owns it, else
 * the order's, as a `refund_settled` event. Only an order's own refunds (its deposit, a price
 * protection's) are order events: a drop sale's or a ready-stock sale's id is no order's, and a
 * balance refund is deliveries' money (the attacker's finding 11, and its loose ends).
 */
export async function recordRefundSettled(tx: StoreTx, owners: readonly RefundOwner[],
  refund: SettledRefund): Promise<void> {
  for (const owns of owners) if (await owns(tx, refund)) return;
  await tx.insertEvents([{ orderId: refund.orderId, atMs: refund.atMs, type: 'refund_settled',
    actor: 'payment_provider', detail: { amount_fen: refund.amountFen, ...refund.detail } }]);
}

/**
 * For a notice at the amount asked for, of a refund already settled (`refund.settledAtMs` set):
 * when an earlier notice (another event id) of the same reference was taken, records a
 * `refund_settled_again` anomaly (with those event ids and the settling time) and returns its
 * kind; null when none was (the refund was settled by a status query: this is its first notice).
 */
async function settledAgain(tx: StoreTx, n: PaymentNotice, nowMs: number,
  refund: { orderId: string; amountFen: number; settledAtMs: number | null }):
  Promise<'refund_settled_again' | null> {
  const earlier = (await tx.notificationsOf(n.reference, n.type)).filter((id) => id !== n.eventId);
  if (earlier.length === 0) return null;
  await tx.recordPaymentAnomaly({ atMs: nowMs, kind: 'refund_settled_again',
    reference: n.reference, eventId: n.eventId, detail: { source: 'notification',
      notified_fen: n.amountFen, asked_fen: refund.amountFen, order_id: refund.orderId,
      occurred_at: new Date(n.occurredAtMs).toISOString(), earlier_event_ids: earlier,
      settled_at: new Date(refund.settledAtMs!).toISOString() } });
  return 'refund_settled_again';
}

/**
 * Takes a checked notice inside a transaction: recorded once per (event id, reference); settles
 * the refund of its reference when the amount is the one asked for, recorded in its owner's
 * history (recordRefundSettled: a `refund_settled` event in an order's); otherwise records an
 * anomaly. A notice for a refund already settled changes nothing in it; when an earlier notice
 * (another event id) of the same reference was taken, it is a second refund reported, recorded
 * as a `refund_settled_again` anomaly (a refund settled by a status query may get its first
 * notice later: that one is not), also when that earlier notice's transaction settled it after
 * this one read it (two processes, PostgreSQL).
 */
export async function takeNotice(tx: StoreTx, n: PaymentNotice, nowMs: number,
  owners: readonly RefundOwner[] = []): Promise<NoticeOutcome> {
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
  // Already settled when read: a second refund reported, or the first notice after a query.
  if (asked!.settledAtMs != null) {
    return { duplicate: false, anomaly: await settledAgain(tx, n, nowMs, asked!) };
  }
  const orderId = await tx.settleRefund(n.reference, nowMs);
  if (orderId) {
    await recordRefundSettled(tx, owners, { orderId, reference: n.reference,
      amountFen: n.amountFen, atMs: nowMs, detail: { event_id: n.eventId, via: 'notification' } });
    return { duplicate: false, anomaly: null };
  }
  // Settled meanwhile by a transaction that committed after our read (two processes took two
  // notices at once, on PostgreSQL): read it again, now that its settle and notice are visible.
  const settled = await tx.refundOf(n.reference);
  if (settled?.settledAtMs != null && settled.amountFen === n.amountFen) {
    const again = await settledAgain(tx, n, nowMs, settled);
    if (again !== null) return { duplicate: false, anomaly: again };
  }
  return { duplicate: false, anomaly: null };
}
