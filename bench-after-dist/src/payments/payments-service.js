export class PaymentsService {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** Hands queued refunds to the payment provider; safe to run again after a crash. */
    async sendPayments() {
        const ops = await this.deps.store.pendingPayments(500);
        const sent = [];
        for (const op of ops) {
            try {
                await this.deps.payments.refund({ reference: op.reference, amountFen: op.amountFen });
                sent.push(op.opId);
            }
            catch {
                break; // The provider is unreachable: the rest stay queued for the next round.
            }
        }
        if (sent.length > 0) {
            const nowMs = this.deps.clock.nowMs();
            await this.deps.store.transaction((tx) => tx.markPaymentsSent(sent, nowMs));
        }
        return sent.length;
    }
}
//# sourceMappingURL=payments-service.js.map