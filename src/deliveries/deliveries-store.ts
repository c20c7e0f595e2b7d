// Deliveries' part of the storage port: one delivery record per order, its balance parts, the
// money events the books read back, and the appointment slots' bookings per centre. Both
// adapters implement it (deliveries-sqlite.ts, deliveries-postgres.ts) and pass its contract
// (deliveries-store.contract.ts).
import type { BalancePart, Delivery, MoneyEvent, Stage } from './delivery.js';

/** Something the provider said that does not fit a part, kept for an operator. */
export interface DeliveryAnomaly {
  readonly atMs: number;
  readonly orderId: string;
  readonly reference: string;
  readonly kind: string;
  readonly detail: string;
}

/** A pending part the collection reconciler asks about, with the questions asked so far. */
export interface PartToCheck extends BalancePart {
  /** Questions asked about it so far. */
  readonly checks: number;
  /** When it is next asked about (ms); null before the first (asked for + the first wait). */
  readonly nextCheckAtMs: number | null;
}

/** A filter of the operator's list. */
export interface DeliveryFilter {
  readonly stage?: Stage;
  /** Only ready orders past their balance deadline and not paid in full. */
  readonly overdueAtMs?: number;
  readonly centre?: string;
}

/** Deliveries' reads and writes inside one transaction (see StoreTx). */
export interface DeliveriesTx {
  /** The records of these orders (those that exist), locked until commit. */
  deliveriesForUpdate(orderIds: readonly string[]): Promise<Delivery[]>;
  /** Inserts or replaces each record whole. */
  putDeliveries(deliveries: readonly Delivery[]): Promise<void>;
  insertBalancePart(part: BalancePart): Promise<void>;
  updateBalancePart(part: BalancePart): Promise<void>;
  /** The part with this payment reference, locked until commit; null when none. */
  balancePartForUpdate(reference: string): Promise<BalancePart | null>;
  /**
   * An order's parts, oldest first, read in the transaction but not locked: a credit refunds
   * only from received parts, which settling never changes again, and settling locks a part
   * before its record, so locking them after the record could deadlock with it.
   */
  balancePartsTx(orderId: string): Promise<BalancePart[]>;
  /** The part an order's buyer asked for with this Idempotency-Key; null when none. */
  balancePartByKey(orderId: string, idempotencyKey: string): Promise<BalancePart | null>;
  /** Parts of one order that are pending or received (the ones counting against the limit). */
  livePartCount(orderId: string): Promise<number>;
  /**
   * Notes that a pending part was asked about at the provider: its `checks` so far and when it
   * is next asked about (ms). A part settled meanwhile is left as it is.
   */
  partChecked(partId: string, checks: number, nextCheckAtMs: number): Promise<void>;
  insertMoneyEvents(events: ReadonlyArray<Omit<MoneyEvent, 'seq'>>): Promise<void>;
  recordDeliveryAnomaly(anomaly: DeliveryAnomaly): Promise<void>;
  /**
   * Books one place in a centre's slot if fewer than `capacity` are booked: true when booked.
   * Atomic against every other transaction (the capacity is never exceeded).
   */
  takeSlot(centre: string, slotStartMs: number, capacity: number): Promise<boolean>;
  /** Gives one place back. */
  freeSlot(centre: string, slotStartMs: number): Promise<void>;
  /** Orders whose car was released for a deferral still running at `atMs`. */
  deferredOrders(atMs: number): Promise<string[]>;
  /** Records due for the sweep at `atMs` (next sweep time reached), earliest first, locked. */
  deliveriesDue(atMs: number, limit: number): Promise<Delivery[]>;
  /** An operator's capacity for a centre's slots (replacing the default). */
  putSlotCapacity(centre: string, capacity: number, atMs: number, actor: string): Promise<void>;
  slotCapacityOf(centre: string): Promise<number | null>;
}

/** Deliveries' reads of committed data (see Store). */
export interface DeliveriesReads {
  delivery(orderId: string): Promise<Delivery | null>;
  /** An order's parts, oldest first. */
  balanceParts(orderId: string): Promise<BalancePart[]>;
  /**
   * Pending parts due to be asked about at `atMs`: next check time reached, or never checked
   * and asked for at least `firstAfterMs` before; oldest first, at most `limit`.
   */
  partsToCheck(atMs: number, firstAfterMs: number, limit: number): Promise<PartToCheck[]>;
  /** Money events with `seq` above `afterSeq`, oldest first, at most `limit`. */
  moneyEventsAfter(afterSeq: number, limit: number): Promise<MoneyEvent[]>;
  /** Records matching the filter, by order id, at most `limit`. */
  deliveries(filter: DeliveryFilter, limit: number): Promise<Delivery[]>;
  /** A centre's bookings per slot start from `fromMs` to before `toMs`: [start, booked]. */
  slotBookings(centre: string, fromMs: number, toMs: number): Promise<Array<[number, number]>>;
  /** Centres with an operator's own slot capacity. */
  slotCapacities(): Promise<Array<[string, number]>>;
  /** The earliest time the sweep has something to do (null when nothing waits for it). */
  nextSweepAt(): Promise<number | null>;
  /** The newest anomalies first. */
  deliveryAnomalies(limit: number): Promise<DeliveryAnomaly[]>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends DeliveriesTx {}
  interface Store extends DeliveriesReads {}
}
