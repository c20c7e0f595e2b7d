// Settling deposits with the payment provider: its signed notifications, and reconciliation for
// what they did not say (payment-reconciler.ts). Here, not in payments/, because both read
// orders and write their history (a refund settled is an order event): orders depend on
// payments, so payments cannot depend on orders.
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import type { Store } from '../kernel/store/store.js';
import { verify, type PaymentProvider } from '../payments/index.js';
import { parseNotification, takeNotice, type NoticeOutcome } from './payment-notification.js';
import { PaymentReconciler } from './payment-reconciler.js';

export interface SettlementDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly payments: PaymentProvider;
  readonly limits: Limits;
  /** Shared with the payment provider: signs its notifications. */
  readonly paymentSecret: string;
}

export class SettlementService {
  /** Asks the payment provider about what its notifications did not settle. */
  readonly reconciler: PaymentReconciler;

  constructor(private readonly deps: SettlementDeps) {
    this.reconciler = new PaymentReconciler(deps);
  }

  /**
   * Takes a signed notification from the payment provider (payment-notification.ts): each
   * (event id, reference) is taken once, so a duplicate changes nothing; a malformed one is
   * refused with `invalid_request` (422) so the provider sends it again; one that does not
   * match the refund launchday asked for is acknowledged and recorded as an anomaly.
   */
  async receivePaymentNotification(body: string, signature: string | undefined):
    Promise<Result<NoticeOutcome>> {
    const nowMs = this.deps.clock.nowMs();
    // The provider signs with its own clock, which the simulated clock does not move.
    const signedAtMs = Date.now();
    if (!verify(this.deps.paymentSecret, signature, body, signedAtMs)) {
      return refuse('signature_invalid');
    }
    const notice = parseNotification(body, signedAtMs);
    if (!notice.ok) return notice;
    return ok(await this.deps.store.transaction((tx) => takeNotice(tx, notice.value, nowMs,
      this.reconciler.refundOwners)));
  }

  /** One reconciliation round with the provider (payment-reconciler.ts). */
  reconcilePayments(): ReturnType<PaymentReconciler['reconcile']> {
    return this.reconciler.reconcile();
  }
}
