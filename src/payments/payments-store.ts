// Payments' part of the storage port: the payment outbox, provider notifications and anomalies.
// Both adapters implement it (payments-sqlite.ts, payments-postgres.ts) and pass its contract
// (payments-store.contract.ts). The composed Store and StoreTx (kernel/store/store.ts) take these
// methods by declaration merging.

/** A payment instruction written in the same transaction as the order change that needs it. */
export interface PaymentOp {
  readonly opId: string;
  readonly kind: 'refund';
  readonly reference: string;
  readonly orderId: string;
  readonly amountFen: number;
  readonly createdAtMs: number;
}

/** A refund launchday asked for and the provider has not yet confirmed (payment_outbox). */
export interface UnsettledRefund extends PaymentOp {
  /** When it was last handed to the provider; null while still queued. */
  readonly sentAtMs: number | null;
}

/**
 * Something the provider told launchday that does not match what launchday asked for, kept for
 * an operator: `kind` is one of PAYMENT_ANOMALY_KINDS (orders/payment-notification.ts).
 */
export interface PaymentAnomaly {
  readonly atMs: number;
  readonly kind: string;
  readonly reference: string;
  readonly eventId: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Payments' reads and writes inside one transaction (see StoreTx). */
export interface PaymentsTx {
  queuePayment(op: PaymentOp): Promise<void>;
  markPaymentsSent(opIds: readonly string[], atMs: number): Promise<void>;
  /**
   * Records a provider's notification by its event id and reference; false when it was
   * recorded before (the provider sends some twice). The pair, not the id alone: an id is
   * unique only as far as its provider's numbering is.
   */
  recordNotification(eventId: string, type: string, reference: string, atMs: number):
    Promise<boolean>;
  /**
   * The event ids of the notifications of `type` recorded for `reference` (recordNotification),
   * oldest first, at most 10: whether a refund already settled was reported before.
   */
  notificationsOf(reference: string, type: string): Promise<string[]>;
  /** Marks the refund of `reference` settled; its order id, or null if none was waiting. */
  settleRefund(reference: string, atMs: number): Promise<string | null>;
  /** The refund launchday asked for under `reference` (settled or not), or null. */
  refundOf(reference: string): Promise<(UnsettledRefund & { settledAtMs: number | null }) | null>;
  /** Notes that these refunds' status was asked of the provider at `atMs`. */
  markRefundsChecked(opIds: readonly string[], atMs: number): Promise<void>;
  recordPaymentAnomaly(anomaly: PaymentAnomaly): Promise<void>;
}

/** Payments' reads of committed data (see Store). */
export interface PaymentsReads {
  /** Payment instructions not yet handed to the provider, oldest first. */
  pendingPayments(limit: number): Promise<PaymentOp[]>;
  /**
   * Refunds handed to the provider and not settled, last sent or checked at or before
   * `checkedBeforeMs`, oldest first: the ones to ask the provider about.
   */
  refundsToCheck(checkedBeforeMs: number, limit: number): Promise<UnsettledRefund[]>;
  /** Refunds asked for at or before `createdBeforeMs` and not settled: count and oldest page. */
  unsettledRefunds(createdBeforeMs: number, limit: number):
    Promise<{ count: number; refunds: UnsettledRefund[] }>;
  /** The newest anomalies first. */
  paymentAnomalies(limit: number): Promise<PaymentAnomaly[]>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends PaymentsTx {}
  interface Store extends PaymentsReads {}
}
