export class QuietPayments {
    ledgerId = 'quiet';
    charges = 0;
    async charge(req) {
        this.charges += 1;
        return { status: 'approved', paymentId: `pay_${req.reference}` };
    }
    async void() { }
    async refund() { }
    /** Every refund still under way: the reconciler waits, and writes nothing of it. */
    async refundStatus() {
        return { status: 'pending' };
    }
    /** Holds nothing for the sweep to void. */
    async heldCharges() {
        return [];
    }
}
//# sourceMappingURL=quiet-payments.js.map