// What price books does inside orders' transactions (orders' ORDER_EVENTS_WRITTEN hook): the
// ledger entries the order changes imply (a new order's booking with its price version),
// written in the same transaction as the events, so the books hold an order if and only if it committed.
import type { OrderEventsWritten } from '../orders/index.js';
import { ledgerForOrderChanges } from './ledger.js';

const MOVES_MONEY = new Set(['placed', 'placed_and_locked', 'cancelled', 'changed']);

export const ledgerOrderChanges: OrderEventsWritten = async (tx, changes) => {
  const relevant = changes.filter((c) => MOVES_MONEY.has(c.event.type));
  if (relevant.length === 0) return;
  // One small read per batch: the launches' applied price versions (a handful of rows).
  const versions = await tx.appliedVersions();
  const cancelled = relevant.filter((c) => c.event.type === 'cancelled')
    .map((c) => c.order.orderId);
  const credits = new Map<string, number>();
  for (const p of await tx.protectionsTx(cancelled)) {
    if (p.kind === 'credit') credits.set(p.orderId, (credits.get(p.orderId) ?? 0) + p.amountFen);
  }
  const entries = ledgerForOrderChanges(relevant, (l) => versions.get(l) ?? 1,
    (id) => credits.get(id) ?? 0);
  // The booking carries the order's price version: no row of its own on the order path.
  await tx.appendLedger(entries);
};
