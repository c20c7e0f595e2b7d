// Orders' part of the storage port: orders, their events, queue sequences and the launch counters.
// Both adapters implement it (orders-sqlite.ts, orders-postgres.ts) and pass its contract (orders-
// store.contract.ts). The composed Store and StoreTx (kernel/store/store.ts) take these methods by
// declaration merging.
import type { CounterDelta } from './launch-stats.js';
import type { Order } from './order.js';

export interface OrderEvent {
  readonly orderId: string;
  readonly atMs: number;
  readonly type: string;
  readonly actor: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** A locked order's place in production, as the estimates read it (production/estimates.ts). */
export interface LockedQueueEntry {
  readonly orderId: string;
  readonly accountId: string;
  readonly launchId: string;
  readonly trim: string;
  readonly city: string;
  /** Sorted, defaults filled in: the configuration a built car must match. */
  readonly options: readonly string[];
  readonly trimSeq: number;
  readonly queuedAtMs: number;
}

export interface IdempotencyRef {
  readonly accountId: string;
  readonly key: string;
}

/** Orders' reads and writes inside one transaction (see StoreTx). */
export interface OrdersTx {
  /**
   * Serialises concurrent transactions that touch the same accounts, so that limits counted
   * in one transaction hold across processes. Ids must be distinct.
   */
  lockAccounts(accountIds: readonly string[]): Promise<void>;
  ordersByIdempotency(refs: readonly IdempotencyRef[]): Promise<Order[]>;
  /**
   * Orders counting against the per-account limit, per account in the launch (accounts without
   * any are absent): all but the cancelled, and those an operator cancelled as suspicious.
   */
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
  /**
   * Every queue entry of an order past its lock (`locked` or `scheduled`), in no particular
   * order (a re-plan reads them all).
   */
  lockedQueue(): Promise<LockedQueueEntry[]>;
}

/** Orders' reads of committed data (see Store). */
export interface OrdersReads {
  order(orderId: string): Promise<Order | null>;
  ordersOfAccount(accountId: string, limit: number): Promise<Order[]>;
  /**
   * The account's orders of the launch that count against its per-account limit, as
   * StoreTx.activeOrderCounts counts them, read outside a transaction: advice for a waiting
   * room's join (the composition's targetAtLimit), not the count an order is decided by.
   */
  activeOrderCount(launchId: string, accountId: string): Promise<number>;
  /** A page of a launch's orders in queue order, for auditors and operators. */
  ordersOfLaunch(launchId: string, afterOrderId: string, limit: number): Promise<Order[]>;
  orderEvents(orderId: string): Promise<OrderEvent[]>;
  /**
   * The launch's counters, summed over shards; with `fromKey`, only those whose key sorts at or
   * after it (an index range: the live series re-reads its last seconds, live-frames.ts; keys
   * compared that way are digits of one length, which every collation orders alike).
   */
  counters(launchId: string, fromKey?: string): Promise<Map<string, number>>;
  /** How many production sequence numbers below `seq` of `trimKey` have been released. */
  releasedBefore(trimKey: string, seq: number): Promise<number>;
  /**
   * The order an account placed with an idempotency key, or null: read before charging, so
   * that a retried request is never charged again.
   */
  orderByIdempotency(accountId: string, key: string): Promise<Order | null>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends OrdersTx {}
  interface Store extends OrdersReads {}
}
