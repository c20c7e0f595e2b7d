import { depositReference } from '../payments/index.js';
/** The meta key of a ledger's sweep cursor: charges up to this provider time were compared. */
const sweepCursor = (ledgerId) => `charge_sweep_after_ms:${ledgerId}`;
/** How many of a payer's orders the sweep reads to find the one holding a charge. */
const ORDERS_PER_PAYER_MAX = 1_000;
/** Whether `order` was paid under `reference` (whatever its deposit state now). */
export function paidUnder(order, reference) {
    return depositReference(order.accountId, order.idempotencyKey, order.requestHash) === reference;
}
export class PaymentReconciler {
    deps;
    /**
     * Other capabilities that hold charges of their own (drops' holds): a charge no order holds
     * is voided only if none of these says it holds it. The composition (launchday.ts) adds them;
     * orders does not know who they are.
     */
    otherHolders = [];
    /** The round under way: a timer that fires during a slow round joins it. */
    #round = null;
    constructor(deps) {
        this.deps = deps;
    }
    /**
     * One round: refunds first, then the sweep. Safe to run on many processes at once; within a
     * process, a call during a round gets that round's report.
     */
    reconcile() {
        this.#round ??= (async () => {
            try {
                const refunds = await this.checkRefunds();
                const voided = await this.sweepCharges();
                return { ...refunds, voided };
            }
            finally {
                this.#round = null;
            }
        })();
        return this.#round;
    }
    /** Asks the provider about refunds not confirmed in time; see the file's comment. */
    async checkRefunds() {
        const { store, payments, clock, limits } = this.deps;
        const nowMs = clock.nowMs();
        const due = await store.refundsToCheck(nowMs - limits.refundConfirmAfterMs, limits.paymentReconcileBatchMax);
        let settled = 0;
        let resent = 0;
        let mismatched = 0;
        for (const refund of due) {
            let status;
            try {
                status = await payments.refundStatus(refund.reference);
            }
            catch {
                break; // The provider is unreachable: ask again next round.
            }
            if (status.status === 'unknown') {
                try {
                    await payments.refund({ reference: refund.reference, amountFen: refund.amountFen });
                }
                catch {
                    break;
                }
                await store.transaction((tx) => tx.markPaymentsSent([refund.opId], nowMs));
                resent++;
            }
            else if (status.status === 'pending') {
                await store.transaction((tx) => tx.markRefundsChecked([refund.opId], nowMs));
            }
            else if (status.amountFen !== refund.amountFen) {
                await this.#mismatch(refund, status.amountFen, nowMs);
                mismatched++;
            }
            else if (await this.#settle(refund, nowMs))
                settled++;
        }
        return { settled, resent, mismatched };
    }
    async #settle(refund, nowMs) {
        return this.deps.store.transaction(async (tx) => {
            const orderId = await tx.settleRefund(refund.reference, nowMs);
            if (!orderId)
                return false; // A notification settled it meanwhile.
            await tx.insertEvents([{ orderId, atMs: nowMs, type: 'refund_settled',
                    actor: 'payment_provider', detail: { amount_fen: refund.amountFen,
                        via: 'status_query' } }]);
            return true;
        });
    }
    async #mismatch(refund, reportedFen, nowMs) {
        await this.deps.store.transaction(async (tx) => {
            await tx.markRefundsChecked([refund.opId], nowMs);
            await tx.recordPaymentAnomaly({ atMs: nowMs, kind: 'amount_mismatch',
                reference: refund.reference, eventId: '', detail: { source: 'status_query',
                    notified_fen: reportedFen, asked_fen: refund.amountFen, order_id: refund.orderId } });
        });
    }
    /**
     * Voids every charge the provider has held longer than the grace that no order holds: no
     * order has its reference, or the order that had it was refunded and its refund sent (a
     * replay re-charged it). Pages through the provider's holds with a cursor kept in the store,
     * so a restart resumes where the last round stopped. Returns how many were voided.
     */
    async sweepCharges() {
        const { store, payments, clock, limits } = this.deps;
        const cursor = sweepCursor(payments.ledgerId);
        const afterMs = Number(await store.meta(cursor) ?? 0);
        const held = await payments.heldCharges(limits.chargeSweepGraceMs, limits.paymentReconcileBatchMax, afterMs);
        let voided = 0;
        for (const charge of held) {
            const orders = await store.ordersOfAccount(charge.payer, ORDERS_PER_PAYER_MAX);
            const holder = orders.find((o) => paidUnder(o, charge.reference));
            const refunded = holder?.depositState === 'refunded'
                ? await store.transaction((tx) => tx.refundOf(charge.reference)) : null;
            // An order refunded but whose refund is still queued holds its charge until it is sent.
            if (holder && !(refunded && refunded.sentAtMs !== null))
                continue;
            if (!holder && await this.#heldElsewhere(charge.reference))
                continue;
            await payments.void({ reference: charge.reference });
            const anomaly = { atMs: clock.nowMs(), kind: 'orphan_charge_voided',
                reference: charge.reference, eventId: '', detail: { amount_fen: charge.amountFen,
                    payer: charge.payer, order_id: holder?.orderId ?? null } };
            await store.transaction((tx) => tx.recordPaymentAnomaly(anomaly));
            voided++;
        }
        // Every charge up to the last one listed has been seen, and no new charge can appear with
        // an earlier time. A full page may have stopped inside a millisecond: start inside it again
        // (seeing a charge twice is harmless), unless the whole page was that millisecond.
        const last = held.at(-1);
        if (last) {
            const full = held.length >= limits.paymentReconcileBatchMax;
            const next = full && last.chargedAtMs - 1 > afterMs ? last.chargedAtMs - 1
                : last.chargedAtMs;
            await store.transaction((tx) => tx.setMeta(cursor, String(next)));
        }
        return voided;
    }
    async #heldElsewhere(reference) {
        for (const holds of this.otherHolders)
            if (await holds(reference))
                return true;
        return false;
    }
    /** Refunds not settled within `refundUnsettledAlertMs`: how many, and the oldest page. */
    unsettled() {
        const { store, clock, limits } = this.deps;
        return store.unsettledRefunds(clock.nowMs() - limits.refundUnsettledAlertMs, limits.paymentAnomaliesListMax);
    }
    /** How many refunds have not settled within `refundUnsettledAlertMs`: for metrics. */
    async unsettledCount() {
        const { store, clock, limits } = this.deps;
        return (await store.unsettledRefunds(clock.nowMs() - limits.refundUnsettledAlertMs, 0)).count;
    }
    anomalies(limit) {
        return this.deps.store.paymentAnomalies(Math.min(limit, this.deps.limits.paymentAnomaliesListMax));
    }
}
//# sourceMappingURL=payment-reconciler.js.map