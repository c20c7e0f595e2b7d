// A payment provider that approves every charge and accepts every refund but never sends a
// notification, so that nothing changes the store behind a test's back.
import type {
  ChargeResult, HeldCharge, PaymentProvider, RefundStatus,
} from '../src/payments/payments.js';

export class QuietPayments implements PaymentProvider {
  readonly ledgerId = 'quiet';
  charges = 0;

  async charge(req: { reference: string }): Promise<ChargeResult> {
    this.charges += 1;
    return { status: 'approved', paymentId: `pay_${req.reference}` };
  }

  async void(): Promise<void> {}

  async refund(): Promise<void> {}

  /** Every refund still under way: the reconciler waits, and writes nothing of it. */
  async refundStatus(): Promise<RefundStatus> {
    return { status: 'pending' };
  }

  /** Holds nothing for the sweep to void. */
  async heldCharges(): Promise<HeldCharge[]> {
    return [];
  }
}
