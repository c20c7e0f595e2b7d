// The gate in front of a write that a waiting room may guard (POST /orders for a launch, a
// drop's purchases): a port of the kernel, so that orders and drops ask it without depending on
// the waiting room's capability; the composition (src/launchday.ts) plugs the room in.
import type { IncomingHttpHeaders } from 'node:http';
import type { Refusal, Result } from './outcomes.js';
import type { StoreTx } from './store/store.js';

/** Where the pass comes in: this header on the guarded request. */
export const PASS_HEADER = 'x-waiting-room-pass';

/** The refusals of a request a waiting room gates, for its route's list of errors. */
export const GATE_REFUSALS = ['waiting_room_pass_required', 'waiting_room_pass_invalid',
  'waiting_room_pass_in_use', 'waiting_room_pass_other_account'] as const;

/** The waiting-room pass a request carries (PASS_HEADER), if any. */
export const passOf = (headers: IncomingHttpHeaders): string | undefined => {
  const v = headers[PASS_HEADER];
  return typeof v === 'string' ? v : undefined;
};

/**
 * A pass is bound to the first account that uses it (`claim` or `check`), in the same write
 * that uses it: another account presenting it is refused `waiting_room_pass_other_account` and
 * nothing changes. The account that holds it may still join the waitlist with it and then buy.
 */
export interface AdmissionGate {
  /**
   * Whether the request may go ahead for `targetId` (a launch or a drop id): null when no room
   * is on for it, or when the pass was spent for this account and Idempotency-Key (a retry of
   * the same request spends it again); else the refusal (`waiting_room_pass_required`,
   * `waiting_room_pass_invalid`, `waiting_room_pass_other_account` for a pass bound to another
   * account, or `waiting_room_pass_in_use` with Retry-After while another request of the same
   * account holds the pass), whose details carry the room's address.
   */
  claim(targetId: string, pass: string | undefined, accountId: string, key: string):
    Promise<Refusal | null>;
  /**
   * The same check as `claim`, with the same refusals, for a write that leads to a unit later
   * without buying it now (a drop's waitlist join): the pass must be live and not another
   * account's, and is not spent (it stays for the purchase it was given for) but bound to
   * `accountId` if it was not yet. A pass spent by `accountId` itself still lets it in: the
   * place was earned by that account.
   */
  check(targetId: string, pass: string | undefined, accountId: string): Promise<Refusal | null>;
  /**
   * The guarded write's outcome, for the pass `claim` held while it ran: spent for good when
   * the write succeeded (`refusal` null) or may have (`givesPassBack` says no); given back
   * when it was refused for its content (nothing was written under this key), so that a
   * corrected request, or a concurrent one with the same pass waiting in `claim`, can use it.
   */
  settle(targetId: string, pass: string | undefined, accountId: string, key: string,
    refusal: Pick<Refusal, 'code' | 'heldUnderKey'> | null): Promise<void>;
}

/** The gate of a composition without waiting rooms: always open. */
export const openGate: AdmissionGate = {
  claim: () => Promise.resolve(null),
  check: () => Promise.resolve(null),
  settle: () => Promise.resolve(),
};

/**
 * A refused order or drop purchase gives its waiting-room pass back: nothing was bought with it
 * (a buyer at their limit or with a declined card once lost their place). Not when something
 * may have been: the commit is unknown, the key already holds an order made with this pass
 * (`idempotency_key_reused`: releasing would let the pass buy a second one), or the key holds
 * a hold that can still be paid (`heldUnderKey`: a drop purchase whose paying settle was
 * refused for load; its retry with the same key pays it, answered 'again' by the pass).
 */
export const givesPassBack = (r: Pick<Refusal, 'code' | 'heldUnderKey'>): boolean =>
  r.code !== 'commit_unknown' && r.code !== 'idempotency_key_reused' && r.heldUnderKey !== true;

/**
 * Told of a launch's or drop's opening (ms) as it is written, inside that write's transaction:
 * a waiting room in front of it moves with it, or refuses the move (the refusal, then nothing
 * is written). The composition plugs the room in; alone, a target's opening moves freely.
 */
export type OpeningSet = (tx: StoreTx, targetId: string, opensAtMs: number, actor: string) =>
  Promise<Refusal | null>;

/** Who holds a pass's claim: what `claim` was asked with, for its `settle`. */
export interface GateClaim {
  readonly targetId: string;
  readonly pass: string | undefined;
  readonly accountId: string;
  readonly key: string;
}

/**
 * Runs `write`, the request a gate's `claim` let in, then settles the pass with its outcome,
 * also when `write` throws: settled then as a commit whose outcome is unknown (only the write's
 * own refusal can say that nothing was written under the key: a provider's socket error reads
 * as the store's, and a hold may be held under the key by then), which keeps the pass with the
 * key (givesPassBack): the same key's retry is let in again ('again') and answered from what was
 * written, another key is refused. The throw is then thrown on, for the shell's answer (500
 * internal_error, logged with the request id; 503 store_unavailable or commit_unknown for the
 * store out of reach). A throw left unsettled held the pass under way (waiting_room_pass_in_use
 * to the buyer's other keys) until its claim lapsed. A settle that throws is given to `told`
 * and the write's outcome still answered (the order was made): the claim lapses after
 * waitingPassClaimMs and then counts as spent, never as given back.
 */
export async function settledWrite<T>(gate: AdmissionGate, claim: GateClaim,
  write: () => Promise<Result<T>>, told: (err: unknown) => void): Promise<Result<T>> {
  const settle = (outcome: Pick<Refusal, 'code' | 'heldUnderKey'> | null) => gate.settle(
    claim.targetId, claim.pass, claim.accountId, claim.key, outcome).catch(told);
  let r: Result<T>;
  try {
    r = await write();
  } catch (err) {
    await settle({ code: 'commit_unknown' });
    throw err;
  }
  await settle(r.ok ? null : r);
  return r;
}
