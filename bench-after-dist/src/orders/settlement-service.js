import { ok, refuse } from '../kernel/outcomes.js';
import { verify } from '../payments/index.js';
import { parseNotification, takeNotice } from './payment-notification.js';
import { PaymentReconciler } from './payment-reconciler.js';
export class SettlementService {
    deps;
    /** Asks the payment provider about what its notifications did not settle. */
    reconciler;
    constructor(deps) {
        this.deps = deps;
        this.reconciler = new PaymentReconciler(deps);
    }
    /**
     * Takes a signed notification from the payment provider (payment-notification.ts): each
     * (event id, reference) is taken once, so a duplicate changes nothing; a malformed one is
     * refused with `invalid_request` (422) so the provider sends it again; one that does not
     * match the refund launchday asked for is acknowledged and recorded as an anomaly.
     */
    async receivePaymentNotification(body, signature) {
        const nowMs = this.deps.clock.nowMs();
        // The provider signs with its own clock, which the simulated clock does not move.
        if (!verify(this.deps.paymentSecret, signature, body, Date.now())) {
            return refuse('signature_invalid');
        }
        const notice = parseNotification(body);
        if (!notice.ok)
            return notice;
        return ok(await this.deps.store.transaction((tx) => takeNotice(tx, notice.value, nowMs)));
    }
    /** One reconciliation round with the provider (payment-reconciler.ts). */
    reconcilePayments() {
        return this.reconciler.reconcile();
    }
}
//# sourceMappingURL=settlement-service.js.map