// What an operator's cancel or refund changed, field by field, for the audit log
// (`detail.changes`, as launch-changes.ts for a launch): the console shows each as old -> new.
import type { OrderEvent } from './orders-store.js';
import type { Order, OrderStatus } from './order.js';

/**
 * The status an order was cancelled from, as its `cancelled` event recorded it (`from_status`,
 * written in the cancel's own transaction: exact, whatever happened to the order meanwhile).
 * An event written before it was recorded leaves only the rules (decideCancel) to go by: a
 * refunded deposit came from `firm`, a forfeited one from past the lock, said as `locked`.
 */
export function cancelledFrom(after: Order, events: readonly OrderEvent[]): OrderStatus {
  for (let i = events.length - 1; i >= 0; i--) {
    const recorded = events[i]!.type === 'cancelled' ? events[i]!.detail.from_status : undefined;
    if (typeof recorded === 'string') return recorded as OrderStatus;
  }
  return after.depositState === 'refunded' ? 'firm' : 'locked';
}

/** An operator's cancel or refund of an order that was `from`, from the order after it. */
export function cancelChanges(from: OrderStatus, after: Order):
  Record<string, { from: unknown; to: unknown }> {
  return {
    status: { from, to: after.status },
    deposit_state: { from: 'held', to: after.depositState },
  };
}
