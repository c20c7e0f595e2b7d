// What notifications does inside orders' transactions (orders' ORDER_EVENTS_WRITTEN hook): the
// messages the order changes just written cause are queued in the same transaction, so an
// order that locks has its message queued if and only if the lock commits.
import type { OrderEventsWritten } from '../orders/index.js';
import { draftsForOrderChanges } from './notification.js';

export const queueOrderNotices: OrderEventsWritten = async (tx, changes) => {
  const drafts = draftsForOrderChanges(changes);
  if (drafts.length === 0) return;
  // Every event of a batch carries the batch's time; the lock of a sweep carries the moment
  // its cooling-off ended, which may be earlier: the message is queued at the latest of them.
  await tx.enqueueNotifications(drafts, Math.max(...changes.map((c) => c.event.atMs)));
};
