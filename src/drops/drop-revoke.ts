// An operator's cancel of a drop's flagged purchases (issue #17, anti-scalping: "cancel flagged
// orders before they lock, refunding the deposit, recorded with the operator's reason"). The
// rule is pure (decideRevoke); the batch handler (dropRevoke) applies it under the drop's lock,
// as every other write of a drop's stock, holds and waitlist is (drop-commands.ts).
//
// When a drop's purchase "locks" (ours where DOMAIN.md is silent):
// - a hold not yet paid never locked: it is cancelled, its units return at once (down the
//   waitlist, else to sale), and nothing was charged;
// - a car's deposit locks on payment (DOMAIN.md, "Ready stock": the founder's edition's deposit
//   is non-refundable and locked on payment), so a paid car hold is refused, left alone;
// - a merchandise sale is ours to cancel for Limits.dropSaleCancelHours after its payment (the
//   window before the parcel ships; launchday keeps no shipping state, so the window stands for
//   it), with a full refund through the payment outbox, reconciled until the provider confirms
//   it; the unit returns at once as an ended hold's does. If its size had sold for good, the
//   waitlist places that sell-out closed reopen first (in the same transaction), so the unit is
//   offered to them in their order, and goes back on sale only when none of them is left.
import { strict as assert } from 'node:assert';
import { newId } from '../kernel/ids.js';
import { ok, refuse, type OutcomeCode, type Result } from '../kernel/outcomes.js';
import type { StoreTx } from '../kernel/store/store.js';
import type { BatchHandler } from '../kernel/write/group-committer.js';
import type { Drop, Hold } from './drop.js';
import {
  endHold, openScope, returnUnits, type HoldTimes, type Scope,
} from './drop-commands.js';

/** What an operator's cancel does to a hold: `release` a held one, `refund` a paid one. */
export type RevokeAction = 'release' | 'refund';

/**
 * Whether an operator may cancel `hold` of `drop` at `nowMs`, and how. Refusals: `hold_closed`
 * (expired, declined or cancelled already: nothing is left to cancel), `order_already_locked`
 * (a car's deposit, locked on payment; a merchandise sale past `saleCancelMs` after its payment),
 * each with a message that says why. Rules: the file's comment.
 */
export function decideRevoke(drop: Drop, hold: Hold, nowMs: number, saleCancelMs: number):
  Result<RevokeAction> {
  if (hold.status === 'held') return ok('release');
  if (hold.status !== 'paid') {
    return refuse('hold_closed', `This hold is ${hold.status}: nothing is left to cancel.`);
  }
  // Locked as an order past its lock is: the same code, the drop's reason in the message.
  if (drop.kind === 'car') {
    return refuse('order_already_locked', 'A car\'s deposit locks on payment: it is not '
      + 'refundable, so the sale cannot be cancelled.');
  }
  const paidAtMs = hold.settledAtMs ?? hold.createdAtMs;
  if (nowMs >= paidAtMs + saleCancelMs) {
    return refuse('order_already_locked', `This sale was paid more than ${
      Math.round(saleCancelMs / 3_600_000)} h ago: past the cancel window it ships, and it can `
      + 'no longer be cancelled.');
  }
  return ok('refund');
}

/** One operator's cancel of some holds of one drop, with the reason kept in the audit log. */
export interface RevokeCommand {
  readonly dropId: string;
  /** Distinct hold ids (a report's cluster's), at most Limits.flaggedCancelMax. */
  readonly holdIds: readonly string[];
  /** The operator, as the audit log names them. */
  readonly actor: string;
  readonly reason: string;
  readonly clusterId: string | null;
  /** Limits.dropSaleCancelHours in ms. */
  readonly saleCancelMs: number;
  readonly times: HoldTimes;
}

/**
 * One hold's outcome: `cancelled` (held, released), `refunded` (a paid sale cancelled, its
 * refund queued: `refundFen`), or the refusal's code and message, the hold left alone
 * (`hold_not_found`: none in this drop). `status`: the hold's status after the command.
 */
export interface RevokeOutcome {
  readonly holdId: string;
  readonly outcome: 'cancelled' | 'refunded' | OutcomeCode;
  readonly status: Hold['status'] | null;
  readonly refundFen: number;
  /** Why it was left alone; null when cancelled. */
  readonly why: string | null;
}

/**
 * Cancels the holds of each command under its drop's lock, each decided alone by decideRevoke
 * from the hold as it is under the lock, so a retry (or a second operator) finds them ended and
 * changes nothing. A paid sale's refund is queued in the payment outbox and its audit entry
 * written in the same transaction as its cancel: a crash after the commit loses neither, and the
 * outbox and the reconciler hand the refund over until the provider confirms it.
 */
export const dropRevoke: BatchHandler<RevokeCommand, RevokeOutcome[]> = async (tx, cmds,
  nowMs) => {
  const scope = await openScope(tx, cmds.map((c) => c.dropId), nowMs, cmds[0]!.times);
  const out: RevokeOutcome[][] = [];
  for (const c of cmds) {
    const drop = scope.drops.get(c.dropId);
    const holds = new Map((await tx.holds(c.holdIds)).map((h) => [h.holdId, h]));
    // The accounts whose sales this cancel takes back: none is offered a unit it frees.
    const cancelled = [...new Set([...holds.values()].map((h) => h.accountId))];
    const results: RevokeOutcome[] = [];
    for (const holdId of c.holdIds) {
      const h = holds.get(holdId);
      if (!drop || !h || h.dropId !== c.dropId) {
        results.push({ holdId, outcome: 'hold_not_found', status: null, refundFen: 0,
          why: `No hold ${holdId} in the drop ${c.dropId}.` });
        continue;
      }
      const d = decideRevoke(drop, h, nowMs, c.saleCancelMs);
      if (!d.ok) {
        results.push({ holdId, outcome: d.code, status: h.status, refundFen: 0, why: d.message });
        continue;
      }
      const refundFen = d.value === 'refund' ? await unsell(tx, scope, h, nowMs, c.times,
        cancelled)
        : (await endHold(tx, scope, h, 'revoked', nowMs, c.times), 0);
      await tx.appendAudit({ atMs: nowMs, actor: c.actor, action: 'drop_hold_cancelled',
        detail: { drop_id: c.dropId, hold_id: holdId, account_id: h.accountId,
          was: h.status, refund_fen: refundFen, reason: c.reason, flagged: true,
          cluster_id: c.clusterId } });
      results.push({ holdId, outcome: d.value === 'refund' ? 'refunded' : 'cancelled',
        status: 'revoked', refundFen, why: null });
    }
    out.push(results);
  }
  await scope.stock.flush(tx);
  return out;
};

/**
 * Cancels a paid sale under the drop's lock: the hold becomes `revoked`, its refund (the whole
 * amount paid, under the charge's own reference, so the provider returns it once) is queued in
 * the outbox, the waitlist places its size's sell-out closed wait again (reopenClosed), and its
 * units leave `sold` and return as an ended hold's do: offered down the line, the rest on sale.
 * Returns the refund.
 */
async function unsell(tx: StoreTx, scope: Scope, h: Hold, nowMs: number, times: HoldTimes,
  cancelled: readonly string[]): Promise<number> {
  // Decided under the lock from the hold as read under it: it is still paid.
  assert.ok(await tx.unsellHold(h.holdId, nowMs), `hold ${h.holdId} is paid`);
  await tx.queuePayment({ opId: newId('pop'), kind: 'refund', reference: h.paymentReference,
    orderId: h.holdId, amountFen: h.amountFen, createdAtMs: nowMs });
  scope.stock.move(h.dropId, h.variant, { sold: -h.quantity, held: h.quantity });
  // The size is no longer sold for good: the places its sell-out closed (`closed`: only a
  // sell-out closes one) wait again, in their order, so the units go to those who asked in time
  // before any goes back on sale (issue #17, never undersell). Only they: a place that lapsed,
  // was passed over or bought keeps its end, and so does a place of an account whose sale this
  // cancel takes back (it would be offered its own unit again).
  await tx.reopenClosed(h.dropId, h.variant, cancelled);
  await returnUnits(tx, scope, h.dropId, h.variant, h.quantity, nowMs, times);
  return h.amountFen;
}
