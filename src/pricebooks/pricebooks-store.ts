// Price books' part of the storage port: price versions and each order's, the ledger and its
// sums, price protection, refunds followed until confirmed, book settings, and ready-stock cars
// and sales (refunds go through payments' outbox: tx.queuePayment). Both adapters (pricebooks-sqlite.ts, pricebooks-postgres.ts) run the same SQL
// (pricebooks-sql.ts) and pass its contract (pricebooks-store.contract.ts). The composed Store
// and StoreTx (kernel/store/store.ts) take these methods by declaration merging.
//
// For other capabilities: `tx.appendLedger(entries)` inside their own transaction is how money
// they move reaches the books (delivery, through the composition's deliveries.onLedger:
// balance_due, balance_received, balance_refunded, deposit_applied, revenue_recognised at
// handover, and order_unbooked of the delivered price). An entry's key makes a repeated append
// harmless.
import type { BookSettings, LedgerSums } from './books.js';
import type { LedgerEntry, StoredLedgerEntry } from './ledger.js';
import type { PriceVersion } from './pricing.js';
import type {
  ReadyCar, ReadyCarStatus, ReadySale, ReadySaleOfCar, SaleStatus,
} from './ready-stock.js';

/** Protection given to one order at one price version. */
export interface PriceProtection {
  readonly orderId: string;
  readonly version: number;
  readonly launchId: string;
  readonly kind: 'credit' | 'refund';
  readonly amountFen: number;
  readonly atMs: number;
}

/** The price version an order was placed at, and the price it was placed at (fen). */
export interface OrderPrice {
  readonly orderId: string;
  readonly launchId: string;
  readonly priceVersion: number;
  readonly priceFen: number;
  readonly atMs: number;
}

/** A compare-and-set of a ready car: applied only if it is still as `expect` says. */
export interface CarMove {
  readonly vin: string;
  readonly expect: { readonly status: ReadyCarStatus; readonly saleId: string | null };
  readonly status: ReadyCarStatus;
  readonly saleId: string | null;
  readonly untilMs: number | null;
}

export interface PricebooksTx {
  /** Appends entries; one whose key is already there is left as it was. */
  appendLedger(entries: readonly LedgerEntry[]): Promise<void>;
  priceVersionsTx(launchId: string): Promise<PriceVersion[]>;
  insertPriceVersion(v: PriceVersion): Promise<void>;
  /** Marks a pending version applied; false if another process applied it first. */
  markVersionApplied(launchId: string, version: number, atMs: number): Promise<boolean>;
  /** Each launch's highest applied version (launches with none are absent: version 1). */
  appliedVersions(): Promise<Map<string, number>>;
  /** The protection already given to these orders. */
  protectionsTx(orderIds: readonly string[]): Promise<PriceProtection[]>;
  insertProtections(rows: readonly PriceProtection[]): Promise<void>;
  /** When each of these orders was handed over (revenue_recognised), if it was. */
  handoversOf(orderIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * The trim each of these orders is booked under in the ledger (its last booking or
   * repricing), without locking the orders: how another capability's entries get their trim.
   */
  bookedTrims(orderIds: readonly string[]): Promise<Map<string, string>>;
  putBookSettings(launchId: string, s: BookSettings, atMs: number): Promise<void>;
  /** Lists a car; false if the VIN is listed already. */
  insertReadyCar(car: ReadyCar): Promise<boolean>;
  readyCarTx(vin: string): Promise<ReadyCar | null>;
  /** Applies the move if the car is still as expected, in one conditional UPDATE. */
  moveReadyCar(m: CarMove): Promise<boolean>;
  insertReadySale(s: ReadySale): Promise<void>;
  readySaleTx(saleId: string): Promise<ReadySale | null>;
  readySaleByKey(accountId: string, key: string): Promise<ReadySale | null>;
  /** Sets a sale's status if it is `from`; false if it was not (nothing changed). */
  settleReadySale(saleId: string, from: SaleStatus, to: SaleStatus, atMs: number,
    balanceDueAtMs?: number | null): Promise<boolean>;
}

export interface PricebooksReads {
  priceVersions(launchId: string): Promise<PriceVersion[]>;
  /** The order's booking in the ledger: its price version and the price booked. */
  orderPrice(orderId: string): Promise<OrderPrice | null>;
  protectionsOf(orderId: string): Promise<PriceProtection[]>;
  /** The launch's ledger summed (books.ts); `opensAtMs` sets day 0. */
  ledgerSums(launchId: string, opensAtMs: number): Promise<LedgerSums>;
  /** The launch's ledger in append order after `afterSeq`, at most `limit`. */
  ledgerEntries(launchId: string, afterSeq: number, limit: number): Promise<StoredLedgerEntry[]>;
  bookSettings(launchId: string): Promise<BookSettings | null>;
  readyCars(limit: number): Promise<ReadyCar[]>;
  readyCar(vin: string): Promise<ReadyCar | null>;
  readySale(saleId: string): Promise<ReadySale | null>;
  /** The account's sales, newest first, at most `limit`, each with its car's label. */
  readySalesOf(accountId: string, limit: number): Promise<ReadySaleOfCar[]>;
  /**
   * Sales held past their end or reserved past their balance deadline, at most `limit`, as
   * committed: each is then moved by a conditional update, so one moved meanwhile is skipped.
   */
  dueReadySales(nowMs: number, limit: number): Promise<ReadySale[]>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends PricebooksTx {}
  interface Store extends PricebooksReads {}
}
