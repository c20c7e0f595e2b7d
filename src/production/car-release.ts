// A scheduled order cancelled (its deposit forfeited, DOMAIN.md step 8) gives its car back: the
// car is unplaced again in the cancel's own transaction, and the next allocation gives it to the
// next order of its configuration waiting (or to ready stock). Production implements orders'
// ORDER_EVENTS_WRITTEN hook for it, so orders never reaches into production's table.
import type { OrderEventsWritten } from '../orders/index.js';

/**
 * Releases the cars of orders cancelled past their lock. Only a forfeiting cancel can concern an
 * order with a car (a refund is of a firm order), so the hook costs nothing on the order path.
 */
export const releaseCancelledCars: OrderEventsWritten = async (tx, changes) => {
  const ids = changes.filter((c) => c.event.type === 'cancelled'
    && c.event.detail.deposit_state === 'forfeited').map((c) => c.event.orderId);
  if (ids.length > 0) await tx.releaseCars(ids);
};
