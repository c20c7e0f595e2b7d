// A provider's notification, checked field by field and matched with what launchday asked for.
// A malformed one is refused (422), so the provider sends it again; a well-formed one that does
// not match a refund launchday asked for (unknown reference, deposit never refunded, another
// amount) is acknowledged and recorded as an anomaly for an operator, never silently dropped.
import { parseIsoTime } from '../kernel/iso-time.js';
import { ok, refuse } from '../kernel/outcomes.js';
import { parseObject } from '../kernel/http/http-io.js';
/**
 * What launchday could not match, kept in payment_anomalies:
 * - `refund_not_requested`: a refund notice for a reference launchday never asked to refund
 *   (an unknown reference, or a deposit that was never refunded);
 * - `amount_mismatch`: the provider returned another amount than launchday asked for (from a
 *   notification or a status query); the refund stays unsettled;
 * - `orphan_charge_voided`: a charge the provider held that no order held, voided by the sweep.
 */
export const PAYMENT_ANOMALY_KINDS = ['refund_not_requested', 'amount_mismatch',
    'orphan_charge_voided'];
/** Event ids and references: printable ASCII without spaces, as providers issue them. */
const TOKEN = /^[\x21-\x7e]{1,128}$/;
/** Amounts are fen; the largest deposit is far below this (10,000,000 fen, admin-routes.ts). */
const AMOUNT_FEN_MAX = 1_000_000_000;
/** Parses and checks a notification body: `invalid_json` or `invalid_request` naming the field. */
export function parseNotification(body) {
    const parsed = parseObject(body);
    if (!parsed.ok)
        return parsed;
    const n = parsed.value;
    const bad = (field, rule) => refuse('invalid_request', `"${field}" ${rule}`);
    if (typeof n.event_id !== 'string' || !TOKEN.test(n.event_id)) {
        return bad('event_id', 'must be 1-128 printable characters without spaces.');
    }
    if (n.type !== 'refund.succeeded')
        return bad('type', 'must be "refund.succeeded".');
    if (typeof n.reference !== 'string' || !TOKEN.test(n.reference)) {
        return bad('reference', 'must be 1-128 printable characters without spaces.');
    }
    const amount = n.amount_fen;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1
        || amount > AMOUNT_FEN_MAX) {
        return bad('amount_fen', `must be a whole number of fen from 1 to ${AMOUNT_FEN_MAX}.`);
    }
    // Strict RFC 3339 with a zone, as every time entering launchday (iso-time.ts).
    const occurredAtMs = typeof n.occurred_at === 'string' ? parseIsoTime(n.occurred_at) : null;
    if (occurredAtMs === null) {
        return bad('occurred_at', 'must be an RFC 3339 time with Z or an offset.');
    }
    return ok({ eventId: n.event_id, type: n.type, reference: n.reference, amountFen: amount,
        occurredAtMs });
}
/**
 * Takes a checked notice inside a transaction: recorded once per (event id, reference); settles
 * the refund of its reference when the amount is the one asked for, with a `refund_settled`
 * event in the order's history; otherwise records an anomaly. A notice for a refund already
 * settled (by an earlier notice or a status query) changes nothing.
 */
export async function takeNotice(tx, n, nowMs) {
    if (!(await tx.recordNotification(n.eventId, n.type, n.reference, nowMs))) {
        return { duplicate: true, anomaly: null };
    }
    const asked = await tx.refundOf(n.reference);
    const anomaly = asked === null ? 'refund_not_requested'
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
//# sourceMappingURL=payment-notification.js.map