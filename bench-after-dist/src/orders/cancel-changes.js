/**
 * An operator's cancel or refund, from the order after it: the rules (decideCancel) leave no
 * doubt what it was before, a firm order refunded or a locked one forfeited, deposit held.
 */
export function cancelChanges(after) {
    return {
        // `locked` stands for every status past the lock (isPastLock): a forfeit came from one.
        status: { from: after.depositState === 'refunded' ? 'firm' : 'locked', to: after.status },
        deposit_state: { from: 'held', to: after.depositState },
    };
}
//# sourceMappingURL=cancel-changes.js.map