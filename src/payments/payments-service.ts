// Payments' use cases: handing the outbox's refunds to the provider (payments.ts is the port).
import type { Clock } from '../kernel/clock.js';
import type { Store } from '../kernel/store/store.js';
import type { PaymentProvider } from './payments.js';

export interface PaymentsDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly payments: PaymentProvider;
}

/**
 * Calls to the payment provider in a row that may fail (errors, not answers) before a round of
 * the outbox or a reconciler stops: the provider is then taken to be away, and what is left
 * waits for the next round. One failure alone only passes that item over (a reference the
 * provider keeps rejecting must not stop the rest).
 */
export const PROVIDER_ERRORS_IN_A_ROW_MAX = 3;

export class PaymentsService {
  constructor(private readonly deps: PaymentsDeps) {}

  /** Hands queued refunds to the payment provider; safe to run again after a crash. */
  async sendPayments(): Promise<number> {
    const ops = await this.deps.store.pendingPayments(500);
    const sent: string[] = [];
    let errorsInARow = 0;
    for (const op of ops) {
      try {
        await this.deps.payments.refund({ reference: op.reference, amountFen: op.amountFen });
        sent.push(op.opId);
        errorsInARow = 0;
      } catch {
        // This one stays queued for the next round, and the ones after it go now (one the
        // provider keeps rejecting stopped the whole outbox); several failures in a row: the
        // provider is away, and the rest stay queued too.
        if (++errorsInARow >= PROVIDER_ERRORS_IN_A_ROW_MAX) break;
      }
    }
    if (sent.length > 0) {
      const nowMs = this.deps.clock.nowMs();
      await this.deps.store.transaction((tx) => tx.markPaymentsSent(sent, nowMs));
    }
    return sent.length;
  }
}
