// The storage port: what the services need from a database, and nothing more. Every adapter
// (SQLite, PostgreSQL) passes the same contract suite in store-contract.ts.
//
// Text parameters: no stored text holds NUL (U+0000), which PostgreSQL cannot store; the edges
// refuse it (web/js/text-fields.js). A lookup by a key holding NUL finds nothing on every
// adapter, as it would on SQLite, instead of an error on PostgreSQL.
import type { CounterDelta } from '../domain/launch-stats.js';
import type { Launch } from '../domain/launch.js';
import type { ChangeWindow, Order } from '../domain/order.js';
import type { WindowCounts } from '../domain/sliding-window.js';
import type { Session } from '../domain/session.js';

export interface Account {
  readonly accountId: string;
  readonly phone: string;
  readonly name: string;
  readonly idNumber: string;
  readonly createdAtMs: number;
}

export interface OrderEvent {
  readonly orderId: string;
  readonly atMs: number;
  readonly type: string;
  readonly actor: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly atMs: number;
  readonly actor: string;
  readonly action: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface OneTimeCode {
  readonly phone: string;
  readonly codeHash: string;
  readonly expiresAtMs: number;
  readonly attempts: number;
}

/** A named operator; the token is shown once, at creation or rotation, and only hashed here. */
export interface Operator {
  readonly name: string;
  readonly tokenHash: string;
  readonly createdAtMs: number;
  /** The operator who created it, or `bootstrap` for `admin`. */
  readonly createdBy: string;
}

/** A payment instruction written in the same transaction as the order change that needs it. */
export interface PaymentOp {
  readonly opId: string;
  readonly kind: 'refund';
  readonly reference: string;
  readonly orderId: string;
  readonly amountFen: number;
  readonly createdAtMs: number;
}

/** `cost` more hits on a sliding-window counter (rate-limits.ts); cost 0 reads it. */
export interface RateHit {
  /** Names the rule and whose hits these are, e.g. `code_fail:phone:13800138000`. */
  readonly key: string;
  readonly windowMs: number;
  readonly cost: number;
}

/** A refund launchday asked for and the provider has not yet confirmed (payment_outbox). */
export interface UnsettledRefund extends PaymentOp {
  /** When it was last handed to the provider; null while still queued. */
  readonly sentAtMs: number | null;
}

/**
 * Something the provider told launchday that does not match what launchday asked for, kept for
 * an operator: `kind` is one of PAYMENT_ANOMALY_KINDS (app/payment-anomalies.ts).
 */
export interface PaymentAnomaly {
  readonly atMs: number;
  readonly kind: string;
  readonly reference: string;
  readonly eventId: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface IdempotencyRef {
  readonly accountId: string;
  readonly key: string;
}

/** Reads and writes inside one transaction. Nothing is visible to others before commit. */
export interface StoreTx {
  /** The account, with a first session when `tokenHash` is given (an import gives none). */
  insertAccount(account: Account, tokenHash: string | null): Promise<void>;
  /** Which of these phones and identity numbers are registered already. */
  registered(phones: readonly string[], idNumbers: readonly string[]):
    Promise<{ phones: Set<string>; idNumbers: Set<string> }>;
  /** A new session, last seen at `atMs`. */
  insertToken(tokenHash: string, accountId: string, atMs: number): Promise<void>;
  /** Moves the sessions' last use forward to `atMs` (never back); revoked ones stay revoked. */
  touchSessions(tokenHashes: readonly string[], atMs: number): Promise<void>;
  /**
   * Revokes the account's sessions still unrevoked: those named (token hashes), or all when
   * `tokenHashes` is null. Returns the hashes revoked.
   */
  revokeSessions(accountId: string, tokenHashes: readonly string[] | null, atMs: number):
    Promise<string[]>;
  /** Creates the operator, or replaces its token (rotation) when the name exists. */
  putOperator(operator: Operator): Promise<void>;
  /** False when there was no such operator. */
  deleteOperator(name: string): Promise<boolean>;
  putCode(code: OneTimeCode): Promise<void>;
  getCode(phone: string): Promise<OneTimeCode | null>;
  deleteCode(phone: string): Promise<void>;

  /**
   * Serialises concurrent transactions that touch the same accounts, so that limits counted
   * in one transaction hold across processes. Ids must be distinct.
   */
  lockAccounts(accountIds: readonly string[]): Promise<void>;
  ordersByIdempotency(refs: readonly IdempotencyRef[]): Promise<Order[]>;
  /** Firm or locked orders per account in the launch (accounts without any are absent). */
  activeOrderCounts(launchId: string, accountIds: readonly string[]): Promise<Map<string, number>>;
  /** The orders, locked against concurrent change until commit. */
  ordersForUpdate(orderIds: readonly string[]): Promise<Order[]>;
  /**
   * Firm orders whose cooling-off ended at or before `nowMs`, earliest first, locked like
   * `ordersForUpdate`: two sweeps at once never both take the same order.
   */
  dueFirmOrders(nowMs: number, limit: number): Promise<Order[]>;
  insertOrders(orders: readonly Order[]): Promise<void>;
  updateOrders(orders: readonly Order[]): Promise<void>;
  insertEvents(events: readonly OrderEvent[]): Promise<void>;

  /**
   * Locks the named sequences, in the order given, until commit: a transaction that will take
   * numbers from several locks them all first, in one global order, so that two transactions
   * never each hold one and wait for the other. Names must be sorted and distinct.
   */
  lockSequences(names: readonly string[]): Promise<void>;
  /** Takes `count` consecutive numbers from the named sequence; returns the first (from 1). */
  takeNumbers(sequence: string, count: number): Promise<number>;
  /** Records that a locked order left production sequence `seq` of `trimKey`. */
  releaseSeq(trimKey: string, seq: number): Promise<void>;
  /** Adds to counters. An adapter may hold the changes back until just before commit. */
  addCounters(deltas: readonly CounterDelta[]): Promise<void>;

  putLaunch(launch: Launch): Promise<void>;
  putChangeWindow(window: ChangeWindow): Promise<void>;
  changeWindows(): Promise<ChangeWindow[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
  queuePayment(op: PaymentOp): Promise<void>;
  markPaymentsSent(opIds: readonly string[], atMs: number): Promise<void>;
  /**
   * Records a provider's notification by its event id and reference; false when it was
   * recorded before (the provider sends some twice). The pair, not the id alone: an id is
   * unique only as far as its provider's numbering is.
   */
  recordNotification(eventId: string, type: string, reference: string, atMs: number):
    Promise<boolean>;
  /** Marks the refund of `reference` settled; its order id, or null if none was waiting. */
  settleRefund(reference: string, atMs: number): Promise<string | null>;
  /** The refund launchday asked for under `reference` (settled or not), or null. */
  refundOf(reference: string): Promise<(UnsettledRefund & { settledAtMs: number | null }) | null>;
  /** Notes that these refunds' status was asked of the provider at `atMs`. */
  markRefundsChecked(opIds: readonly string[], atMs: number): Promise<void>;
  recordPaymentAnomaly(anomaly: PaymentAnomaly): Promise<void>;
  setMeta(key: string, value: string): Promise<void>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs `fn` in one write transaction: everything commits together, durably, or nothing. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;

  launches(): Promise<Launch[]>;
  /** The session of a token hash and its account, revoked or expired ones too. */
  sessionByToken(tokenHash: string): Promise<{ session: Session; account: Account } | null>;
  /** The account's sessions not revoked, newest first. */
  sessionsOf(accountId: string, limit: number): Promise<Session[]>;
  operatorByToken(tokenHash: string): Promise<Operator | null>;
  operators(): Promise<Operator[]>;
  accountByPhone(phone: string): Promise<Account | null>;
  accountByIdNumber(idNumber: string): Promise<Account | null>;
  accountById(accountId: string): Promise<Account | null>;
  order(orderId: string): Promise<Order | null>;
  ordersOfAccount(accountId: string, limit: number): Promise<Order[]>;
  /** A page of a launch's orders in queue order, for auditors and operators. */
  ordersOfLaunch(launchId: string, afterOrderId: string, limit: number): Promise<Order[]>;
  orderEvents(orderId: string): Promise<OrderEvent[]>;
  /**
   * The launch's counters, summed over shards; with `fromKey`, only those whose key sorts at or
   * after it (an index range: the live series re-reads its last seconds, live-frame.ts; keys
   * compared that way are digits of one length, which every collation orders alike).
   */
  counters(launchId: string, fromKey?: string): Promise<Map<string, number>>;
  changeWindows(): Promise<ChangeWindow[]>;
  /** How many production sequence numbers below `seq` of `trimKey` have been released. */
  releasedBefore(trimKey: string, seq: number): Promise<number>;
  /** Payment instructions not yet handed to the provider, oldest first. */
  pendingPayments(limit: number): Promise<PaymentOp[]>;
  /**
   * The order an account placed with an idempotency key, or null: read before charging, so
   * that a retried request is never charged again.
   */
  orderByIdempotency(accountId: string, key: string): Promise<Order | null>;
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
  auditLog(limit: number): Promise<AuditEntry[]>;
  meta(key: string): Promise<string | null>;
  /**
   * Adds the hits to their counters at `nowMs`, each atomically, outside any transaction; the
   * counts after, in the order given. Keys must be distinct. Shared by every process on the
   * database (PostgreSQL); SQLite's single process keeps them in memory, so they start over
   * when it restarts.
   */
  hitRates(hits: readonly RateHit[], nowMs: number): Promise<WindowCounts[]>;
  close(): Promise<void>;
}
