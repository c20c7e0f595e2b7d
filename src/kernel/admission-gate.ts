// The gate in front of a write that a waiting room may guard (POST /orders for a launch, a
// drop's purchases): a port of the kernel, so that orders and drops ask it without depending on
// the waiting room's capability; the composition (src/launchday.ts) plugs the room in.
import type { IncomingHttpHeaders } from 'node:http';
import type { Refusal } from './outcomes.js';
import type { StoreTx } from './store/store.js';

/** Where the pass comes in: this header on the guarded request. */
export const PASS_HEADER = 'x-waiting-room-pass';

/** The refusals of a request a waiting room gates, for its route's list of errors. */
export const GATE_REFUSALS = ['waiting_room_pass_required', 'waiting_room_pass_invalid',
  'waiting_room_pass_in_use'] as const;

/** The waiting-room pass a request carries (PASS_HEADER), if any. */
export const passOf = (headers: IncomingHttpHeaders): string | undefined => {
  const v = headers[PASS_HEADER];
  return typeof v === 'string' ? v : undefined;
};

export interface AdmissionGate {
  /**
   * Whether the request may go ahead for `targetId` (a launch or a drop id): null when no room
   * is on for it, or when the pass was spent for this account and Idempotency-Key (a retry of
   * the same request spends it again); else the refusal (`waiting_room_pass_required`,
   * `waiting_room_pass_invalid`, or `waiting_room_pass_in_use` with Retry-After while another
   * request's claim on the pass is still under way), whose details carry the room's address.
   */
  claim(targetId: string, pass: string | undefined, accountId: string, key: string):
    Promise<Refusal | null>;
  /**
   * The same check as `claim`, with the same refusals, for a write that leads to a unit later
   * without buying it now (a drop's waitlist join): the pass must be live and not another
   * request's, and is not spent (it stays for the purchase it was given for). A pass spent by
   * `accountId` itself still lets it in: the place was earned by that account.
   */
  check(targetId: string, pass: string | undefined, accountId: string): Promise<Refusal | null>;
  /**
   * The guarded write's outcome, for the pass `claim` held while it ran: spent for good when
   * the write succeeded (`refusal` null) or may have (`givesPassBack` says no); given back
   * when it was refused for its content (nothing was written under this key), so that a
   * corrected request, or a concurrent one with the same pass waiting in `claim`, can use it.
   */
  settle(targetId: string, pass: string | undefined, accountId: string, key: string,
    refusal: Pick<Refusal, 'code'> | null): Promise<void>;
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
 * may have been: the commit is unknown, or the key already holds an order made with this pass
 * (`idempotency_key_reused`: releasing would let the pass buy a second one).
 */
export const givesPassBack = (r: Pick<Refusal, 'code'>): boolean =>
  r.code !== 'commit_unknown' && r.code !== 'idempotency_key_reused';

/**
 * Told of a launch's or drop's opening (ms) as it is written, inside that write's transaction:
 * a waiting room in front of it moves with it, or refuses the move (the refusal, then nothing
 * is written). The composition plugs the room in; alone, a target's opening moves freely.
 */
export type OpeningSet = (tx: StoreTx, targetId: string, opensAtMs: number, actor: string) =>
  Promise<Refusal | null>;
