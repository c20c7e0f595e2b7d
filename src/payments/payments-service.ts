// Payments' use cases: handing the outbox's refunds to the provider (payments.ts is the port).
import type { Clock } from '../kernel/clock.js';
import type { Store } from '../kernel/store/store.js';
import type { PaymentProvider } from './payments.js';

export interface PaymentsDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly payments: PaymentProvider;
}

export class PaymentsService {
  constructor(private readonly deps: PaymentsDeps) {}

  /** Hands queued refunds to the payment provider; safe to run again after a crash. */
  async sendPayments(): Promise<number> {
    const ops = await this.deps.store.pendingPayments(500);
    const sent: string[] = [];
    for (const op of ops) {
      try {
        await this.deps.payments.refund({ reference: op.reference, amountFen: op.amountFen });
        sent.push(op.opId);
      } catch {
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
