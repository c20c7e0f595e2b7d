// A payment provider that approves every charge and accepts every refund but never sends a
// notification, so that nothing changes the store behind a test's back.
import type { ChargeResult, PaymentProvider } from '../src/app/payments.js';

export class QuietPayments implements PaymentProvider {
  charges = 0;

  async charge(req: { reference: string }): Promise<ChargeResult> {
    this.charges += 1;
    return { status: 'approved', paymentId: `pay_${req.reference}` };
  }

  async void(): Promise<void> {}

  async refund(): Promise<void> {}
}
