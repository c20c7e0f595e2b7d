// Launchday's side of reconciliation with the payment provider. Notifications get lost (with a
// process, or in the provider), and a process can die between a charge and its order's commit;
// both leave money in a state no order records. Here launchday asks instead of waiting:
// - refunds sent and not confirmed within `refundConfirmAfterMs` are asked about, settled on the
//   provider's answer, and sent again (idempotently, same reference) when the provider lost them;
// - charges the provider holds that no order holds are voided once older than
//   `chargeSweepGraceMs` (the crash between charge and commit), each recorded as an anomaly.
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import type { Order } from './order.js';
import type { Store } from '../kernel/store/store.js';
import type { PaymentAnomaly, UnsettledRefund } from '../payments/index.js';
import { recordRefundSettled, type RefundOwner } from './payment-notification.js';
import {
  depositReference, PROVIDER_ERRORS_IN_A_ROW_MAX, type PaymentProvider,
} from '../payments/index.js';

export interface ReconcilerDeps {
  readonly store: Store;
  readonly payments: PaymentProvider;
  readonly clock: Clock;
  readonly limits: Limits;
}

/** What one reconciliation round did. */
export interface ReconcileReport {
  /** Refunds settled on the provider's answer to a status query. */
  readonly settled: number;
  /** Refunds the provider did not know, sent again. */
  readonly resent: number;
  /** Refunds the provider reported with another amount (anomalies). */
  readonly mismatched: number;
  /** Charges no order held, voided. */
  readonly voided: number;
}

/** The meta key of a ledger's sweep cursor: charges up to this provider time were compared. */
const sweepCursor = (ledgerId: string): string => `charge_sweep_after_ms:${ledgerId}`;
/**
 * How many of a payer's orders the sweep reads first to find the one holding a charge; all of
 * them when these do not hold it.
 */
const ORDERS_PER_PAYER_MAX = 1_000;

/** Whether `order` was paid under `reference` (whatever its deposit state now). */
export function paidUnder(order: Order, reference: string): boolean {
  return depositReference(order.accountId, order.idempotencyKey, order.requestHash) === reference;
}

export class PaymentReconciler {
  /**
   * Other capabilities that hold charges of their own (drops' holds): a charge no order holds
   * is voided only if none of these says it holds it. The composition (launchday.ts) adds them;
   * orders does not know who they are.
   */
  readonly otherHolders: Array<(reference: string) => Promise<boolean>> = [];
  /**
   * Other capabilities whose refunds the outbox keeps (drops' holds, ready-stock sales,
   * deliveries' balance parts): a settled refund is recorded in its owner's history
   * (payment-notification.ts). The notifications' path uses the same list
   * (settlement-service.ts).
   */
  readonly refundOwners: RefundOwner[] = [];
  /** The round under way: a timer that fires during a slow round joins it. */
  #round: Promise<ReconcileReport> | null = null;

  constructor(private readonly deps: ReconcilerDeps) {}

  /**
   * One round: refunds first, then the sweep. Safe to run on many processes at once; within a
   * process, a call during a round gets that round's report.
   */
  reconcile(): Promise<ReconcileReport> {
    this.#round ??= (async () => {
      try {
        const refunds = await this.checkRefunds();
        const voided = await this.sweepCharges();
        return { ...refunds, voided };
      } finally {
        this.#round = null;
      }
    })();
    return this.#round;
  }

  /** Asks the provider about refunds not confirmed in time; see the file's comment. */
  async checkRefunds(): Promise<Omit<ReconcileReport, 'voided'>> {
    const { store, payments, clock, limits } = this.deps;
    const nowMs = clock.nowMs();
    const due = await store.refundsToCheck(nowMs - limits.refundConfirmAfterMs,
      limits.paymentReconcileBatchMax);
    let settled = 0;
    let resent = 0;
    let mismatched = 0;
    let errorsInARow = 0;
    for (const refund of due) {
      let status;
      try {
        status = await payments.refundStatus(refund.reference);
        if (status.status === 'unknown') {
          await payments.refund({ reference: refund.reference, amountFen: refund.amountFen });
        }
      } catch {
        // This refund's call failed: it is asked again after the others, so that one the
        // provider keeps rejecting never stops the rest; several in a row: the provider is
        // away, and the rest wait for the next round.
        await store.transaction((tx) => tx.markRefundsChecked([refund.opId], nowMs));
        if (++errorsInARow >= PROVIDER_ERRORS_IN_A_ROW_MAX) break;
        continue;
      }
      errorsInARow = 0;
      if (status.status === 'unknown') {
        await store.transaction((tx) => tx.markPaymentsSent([refund.opId], nowMs));
        resent++;
      } else if (status.status === 'pending') {
        await store.transaction((tx) => tx.markRefundsChecked([refund.opId], nowMs));
      } else if (status.amountFen !== refund.amountFen) {
        await this.#mismatch(refund, status.amountFen, nowMs);
        mismatched++;
      } else if (await this.#settle(refund, nowMs)) settled++;
    }
    return { settled, resent, mismatched };
  }

  async #settle(refund: UnsettledRefund, nowMs: number): Promise<boolean> {
    return this.deps.store.transaction(async (tx) => {
      const orderId = await tx.settleRefund(refund.reference, nowMs);
      if (!orderId) return false; // A notification settled it meanwhile.
      await recordRefundSettled(tx, this.refundOwners, { orderId, reference: refund.reference,
        amountFen: refund.amountFen, atMs: nowMs, detail: { via: 'status_query' } });
      return true;
    });
  }

  async #mismatch(refund: UnsettledRefund, reportedFen: number, nowMs: number): Promise<void> {
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
   *
   * Two cursors: one follows new charges; the other walks every held charge again, a page a
   * round, and starts over at the end. A charge kept only for now (a drop's or a ready car's
   * hold still running, a balance the sale may still be paid with) is voided by the second once
   * its holder lets it go: with one cursor, a charge kept while a hold ran longer than the grace
   * was passed and never seen again, and a crash between charge and settle left the buyer's
   * money held at the provider for good.
   */
  async sweepCharges(): Promise<number> {
    const cursor = sweepCursor(this.deps.payments.ledgerId);
    return await this.#sweepPage(cursor, false) + await this.#sweepPage(`${cursor}:again`, true);
  }

  /** One page of held charges after the cursor `key`; `wrap`: start over after the last. */
  async #sweepPage(key: string, wrap: boolean): Promise<number> {
    const { store, payments, clock, limits } = this.deps;
    const afterMs = Number(await store.meta(key) ?? 0);
    let limit = limits.paymentReconcileBatchMax;
    let held = await payments.heldCharges(limits.chargeSweepGraceMs, limit, afterMs);
    // A full page all of one millisecond (a burst, a provider's coarse clock) would be followed
    // by the next after that millisecond, past the charges of it this page did not list, which
    // neither cursor would ever see: ask for more until the page reaches past it.
    while (held.length >= limit && held[0]!.chargedAtMs === held.at(-1)!.chargedAtMs) {
      limit *= 2;
      held = await payments.heldCharges(limits.chargeSweepGraceMs, limit, afterMs);
    }
    let voided = 0;
    for (const charge of held) {
      let orders = await store.ordersOfAccount(charge.payer, ORDERS_PER_PAYER_MAX);
      // Newest first: a payer with more orders since may hold it with an older one (a paid
      // order's charge walked again after a thousand orders placed and cancelled was voided).
      // Only an order's reference (depositReference) can be; others are their holders' to say.
      if (orders.length >= ORDERS_PER_PAYER_MAX && charge.reference.startsWith('dep_')
        && !orders.some((o) => paidUnder(o, charge.reference))) {
        orders = await store.ordersOfAccount(charge.payer, Number.MAX_SAFE_INTEGER);
      }
      const holder = orders.find((o) => paidUnder(o, charge.reference));
      const refunded = holder?.depositState === 'refunded'
        ? await store.transaction((tx) => tx.refundOf(charge.reference)) : null;
      // An order refunded but whose refund is still queued holds its charge until it is sent.
      if (holder && !(refunded && refunded.sentAtMs !== null)) continue;
      if (!holder && await this.#heldElsewhere(charge.reference)) continue;
      await payments.void({ reference: charge.reference });
      const anomaly: PaymentAnomaly = { atMs: clock.nowMs(), kind: 'orphan_charge_voided',
        reference: charge.reference, eventId: '', detail: { amount_fen: charge.amountFen,
          payer: charge.payer, order_id: holder?.orderId ?? null } };
      await store.transaction((tx) => tx.recordPaymentAnomaly(anomaly));
      voided++;
    }
    // Every charge up to the last one listed has been seen, and no new charge can appear with
    // an earlier time. A full page may have stopped inside a millisecond: start inside it again
    // (seeing a charge twice is harmless); it spans two at least (above).
    const last = held.at(-1);
    const full = held.length >= limit;
    let next: number | null = null;
    if (last) {
      next = full && last.chargedAtMs - 1 > afterMs ? last.chargedAtMs - 1 : last.chargedAtMs;
    }
    if (wrap && !full) next = 0;
    if (next !== null && next !== afterMs) {
      await store.transaction((tx) => tx.setMeta(key, String(next)));
    }
    return voided;
  }

  async #heldElsewhere(reference: string): Promise<boolean> {
    for (const holds of this.otherHolders) if (await holds(reference)) return true;
    return false;
  }

  /** Refunds not settled within `refundUnsettledAlertMs`: how many, and the oldest page. */
  unsettled(): Promise<{ count: number; refunds: UnsettledRefund[] }> {
    const { store, clock, limits } = this.deps;
    return store.unsettledRefunds(clock.nowMs() - limits.refundUnsettledAlertMs,
      limits.paymentAnomaliesListMax);
  }

  /** How many refunds have not settled within `refundUnsettledAlertMs`: for metrics. */
  async unsettledCount(): Promise<number> {
    const { store, clock, limits } = this.deps;
    return (await store.unsettledRefunds(clock.nowMs() - limits.refundUnsettledAlertMs, 0)).count;
  }

  anomalies(limit: number): Promise<PaymentAnomaly[]> {
    return this.deps.store.paymentAnomalies(
      Math.min(limit, this.deps.limits.paymentAnomaliesListMax));
  }
}
