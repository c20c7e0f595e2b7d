// The money ledger: one row per movement of money or of the order book, written in the same
// transaction as the change that causes it, so the books (books.ts) are a fold over it and can
// never disagree with the orders. Orders' events reach it through orders' ORDER_EVENTS_WRITTEN
// hook (order-ledger.ts); other capabilities (delivery: balance parts, handover) append their
// entries with `tx.appendLedger` inside their own transactions; price protection and ready-stock
// sales write theirs here. Every entry has a key: appending one twice records it once, so a
// retried transaction or a repeated callback never counts money twice.
import type { OrderChange } from '../orders/index.js';

/**
 * What an entry records (closed list; amounts are positive fen unless the kind says a delta):
 * - deposit_received / _refunded / _forfeited / _applied: a deposit's states (DOMAIN.md, Money).
 * - order_booked (+price at placement), order_repriced (delta on a change), order_unbooked
 *   (minus the price, when cancelled or delivered): the order book, whose sum is potential
 *   revenue.
 * - price_credit: price protection lowered an undelivered order's price (recorded as a delta of
 *   the order book, minus the difference).
 * - protection_refund: a delivered order got the difference back (money out).
 * - balance_due / balance_received: the balance (delivery's), due and paid, in parts.
 * - revenue_recognised: the price actually charged, at handover (delivery's, or a ready-stock
 *   sale at pick-up).
 * - ready_received / ready_refunded: money of ready-stock sales (deposit or whole price).
 * - balance_refunded: balance money returned (a part confirmed after the balance was covered,
 *   or the part a price credit made overpaid); the books count the balance received net of it.
 */
export const LEDGER_KINDS = [
  'deposit_received', 'deposit_refunded', 'deposit_forfeited', 'deposit_applied',
  'order_booked', 'order_repriced', 'order_unbooked', 'price_credit', 'protection_refund',
  'balance_due', 'balance_received', 'revenue_recognised', 'ready_received', 'ready_refunded',
  'balance_refunded',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEntry {
  /** Unique per movement, e.g. `deposit_received:ord_x`: a second append of it is ignored. */
  readonly entryKey: string;
  readonly atMs: number;
  readonly launchId: string;
  /** The order, or the ready-stock sale (`rs_...`), the money belongs to. */
  readonly orderId: string;
  readonly accountId: string;
  readonly kind: LedgerKind;
  /** Fen; negative only for the order book's deltas (order_repriced, order_unbooked). */
  readonly amountFen: number;
  readonly trim: string;
  /** The launch's price version the order was booked at (order_booked), else null. */
  readonly priceVersion: number | null;
}

/** A stored entry: its append order. */
export interface StoredLedgerEntry extends LedgerEntry {
  readonly seq: number;
}

/**
 * The entries a batch of order changes implies. `versionOf(launchId)`: the launch's price
 * version in force (1 before any change); `creditOf(orderId)`: price protection's credits on
 * the order so far, fen (a cancelled order leaves the book at the price it then had). Pure.
 */
export function ledgerForOrderChanges(changes: readonly OrderChange[],
  versionOf: (launchId: string) => number, creditOf: (orderId: string) => number = () => 0):
  LedgerEntry[] {
  const out: LedgerEntry[] = [];
  for (const { event, order } of changes) {
    if (event.type === 'placed' || event.type === 'placed_and_locked') {
      // The order path's case, a batch's every placement: two literals of one shape, no
      // spread or closure per order (they cost more than SQLite's insert; bench:ledger).
      const { atMs } = event;
      const { orderId, launchId, accountId, trim } = order;
      if (order.depositFen !== 0) {
        out.push({ entryKey: `deposit_received:${orderId}`, atMs, launchId, orderId, accountId,
          kind: 'deposit_received', amountFen: order.depositFen, trim, priceVersion: null });
      }
      out.push({ entryKey: `order_booked:${orderId}`, atMs, launchId, orderId, accountId,
        kind: 'order_booked', amountFen: order.priceFen, trim,
        priceVersion: versionOf(launchId) });
      continue;
    }
    const base = { atMs: event.atMs, launchId: order.launchId, orderId: order.orderId,
      accountId: order.accountId, trim: order.trim, priceVersion: null };
    const add = (kind: LedgerKind, amountFen: number, suffix = '') => {
      if (amountFen === 0) return;
      out.push({ ...base, entryKey: `${kind}:${order.orderId}${suffix}`, kind, amountFen });
    };
    if (event.type === 'cancelled') {
      const state = order.depositState;
      if (state === 'refunded') add('deposit_refunded', order.depositFen);
      if (state === 'forfeited') add('deposit_forfeited', order.depositFen);
      add('order_unbooked', -(order.priceFen - creditOf(order.orderId)));
    } else if (event.type === 'changed') {
      const from = event.detail.from as { price_fen?: number; launch_id?: string } | undefined;
      if (typeof from?.price_fen !== 'number') continue;
      // Keyed by the event's time: each change of an order is its own movement.
      const at = `:${event.atMs}`;
      if (from.launch_id !== undefined && from.launch_id !== order.launchId) {
        // A model switch carries the deposit and the booking to the other launch: out of the
        // old launch's books (negative receipt, unbooked) and into the new one's.
        const old = { ...base, launchId: from.launch_id };
        out.push({ ...old, entryKey: `deposit_received:${order.orderId}:out${at}`,
          kind: 'deposit_received', amountFen: -order.depositFen },
        { ...old, entryKey: `order_unbooked:${order.orderId}:out${at}`, kind: 'order_unbooked',
          amountFen: -from.price_fen });
        add('deposit_received', order.depositFen, `:in${at}`);
        out.push({ ...base, entryKey: `order_booked:${order.orderId}:in${at}`,
          kind: 'order_booked', amountFen: order.priceFen,
          priceVersion: versionOf(order.launchId) });
      } else {
        add('order_repriced', order.priceFen - from.price_fen, at);
      }
    }
  }
  return out;
}
