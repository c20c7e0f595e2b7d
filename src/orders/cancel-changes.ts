// What an operator's cancel or refund changed, field by field, for the audit log
// (`detail.changes`, as launch-changes.ts for a launch): the console shows each as old -> new.
import type { Order } from './order.js';

/**
 * An operator's cancel or refund, from the order after it: the rules (decideCancel) leave no
 * doubt what it was before, a firm order refunded or a locked one forfeited, deposit held.
 */
export function cancelChanges(after: Order): Record<string, { from: unknown; to: unknown }> {
  return {
    // `locked` stands for every status past the lock (isPastLock): a forfeit came from one.
    status: { from: after.depositState === 'refunded' ? 'firm' : 'locked', to: after.status },
    deposit_state: { from: 'held', to: after.depositState },
  };
}
