import { draftsForOrderChanges } from './notification.js';
export const queueOrderNotices = async (tx, changes) => {
    const drafts = draftsForOrderChanges(changes);
    if (drafts.length === 0)
        return;
    // Every event of a batch carries the batch's time; the lock of a sweep carries the moment
    // its cooling-off ended, which may be earlier: the message is queued at the latest of them.
    await tx.enqueueNotifications(drafts, Math.max(...changes.map((c) => c.event.atMs)));
};
//# sourceMappingURL=order-notices.js.map