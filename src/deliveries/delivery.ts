// Deliveries' pure core: an order's way from a car allocated to the keys handed over (the
// stages), its balance (the price less the deposit, paid in parts by several methods), the
// deadline counted from the car being ready for inspection with its one reminder, its notice and
// its grace, deferrals, appointment slots and no-shows. No clock, no store: time is an argument.
// DOMAIN.md lifecycle steps 6 and 7, and "Money".

export const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/** Appointment slots run from 10:00 to 18:00 Beijing time. */
export const SLOT_DAY_START_HOUR = 10;
export const SLOT_DAY_END_HOUR = 18;

/**
 * Where an order's delivery stands:
 * - `built`: a built car (VIN) is allocated to it (a production run): it is scheduled;
 * - `ready`: the car is at the delivery centre and ready for inspection (an operator's mark):
 *   the balance deadline runs from here;
 * - `delivered`: handed over (inspection confirmed, keys given); revenue recognised;
 * - `released`: its car went to the next order of its configuration or to ready stock (a
 *   deferral, an unpaid balance after notice and grace, missed appointments); it keeps its
 *   place in production and waits for the next car (after `deferredUntilMs`, for a deferral).
 */
export type Stage = 'built' | 'ready' | 'delivered' | 'released';
export const STAGES: readonly Stage[] = ['built', 'ready', 'delivered', 'released'];

/** Why a car was released. */
export type ReleaseReason = 'deferral' | 'lapsed' | 'no_show';

/** An order's delivery record (one row per order, kept by deliveries). Money in fen, times ms. */
export interface Delivery {
  readonly orderId: string;
  readonly accountId: string;
  readonly launchId: string;
  readonly city: string;
  /** The delivery centre: the city's own, else the one serving it. */
  readonly centre: string;
  /** The car now allocated; null once released. */
  readonly vin: string | null;
  /**
   * The price charged, fen: the order's price less the price-protection credits it was given
   * (before the allocation, read then; after it, applied by `credited`). The deposit as it was
   * when the car was first allocated.
   */
  readonly priceFen: number;
  readonly depositFen: number;
  /** 1 for the first car; one more for each car allocated after a release. */
  readonly cycle: number;
  readonly stage: Stage;
  readonly scheduledAtMs: number;
  readonly readyAtMs: number | null;
  /** The balance deadline: ready + the deadline days (null until ready). */
  readonly dueAtMs: number | null;
  readonly remindedAtMs: number | null;
  /** The overdue notice; the grace runs from it to `graceEndsAtMs`. */
  readonly noticeAtMs: number | null;
  readonly graceEndsAtMs: number | null;
  /** Sums over the balance parts (kept in step with them in the same transaction). */
  readonly receivedFen: number;
  readonly pendingFen: number;
  readonly refundedFen: number;
  readonly deferredUntilMs: number | null;
  /** Deferral days asked for so far, all cycles. */
  readonly deferredDays: number;
  readonly releasedAtMs: number | null;
  readonly releaseReason: ReleaseReason | null;
  /** Missed appointments with this car. */
  readonly noShows: number;
  /** The booked appointment's slot start; null when none is booked. */
  readonly slotStartMs: number | null;
  readonly deliveredAtMs: number | null;
  /** What was recognised at handover: deposit + received - refunded (the price charged). */
  readonly revenueFen: number | null;
  /** When the sweep has something to do for it (a reminder, a notice, a release); or null. */
  readonly nextSweepAtMs: number | null;
  readonly updatedAtMs: number;
}

/** How a part is paid; a loan or lease part is paid by a finance provider for the buyer. */
export const METHODS = ['card', 'alipay', 'wechat_pay', 'bank_transfer', 'loan', 'lease'] as const;
export type Method = typeof METHODS[number];

/**
 * A balance part: `pending` from the request until the provider's notification; `received` or
 * `failed` after it. `refundedFen` > 0 when its money was returned (a part confirmed after the
 * balance was already covered: the provider took it, so it goes back).
 */
export interface BalancePart {
  readonly partId: string;
  readonly orderId: string;
  readonly reference: string;
  readonly method: Method;
  readonly amountFen: number;
  readonly status: 'pending' | 'received' | 'failed';
  readonly requestedAtMs: number;
  readonly settledAtMs: number | null;
  readonly refundedFen: number;
  readonly refundedAtMs: number | null;
  /** The buyer's Idempotency-Key: the same key pays under the same reference. */
  readonly idempotencyKey: string;
}

/**
 * A money event, in the order written, for the books (another capability's ledger reads them):
 * `balance_received` (a part confirmed), `balance_refunded` (a part's money returned),
 * `deposit_applied` and `revenue_recognised` (at handover).
 */
export interface MoneyEvent {
  readonly seq: number;
  readonly orderId: string;
  readonly kind: 'balance_received' | 'balance_refunded' | 'deposit_applied'
    | 'revenue_recognised';
  readonly amountFen: number;
  /** The part's payment reference, or the order id for the handover's events. */
  readonly reference: string;
  readonly atMs: number;
}

/**
 * A movement of deliveries' money as the books take it (the composition appends it to price
 * books' ledger in the same transaction; deliveries does not depend on price books). Fen:
 * `balance_due` price - deposit at the first allocation (the order's price before credits: the
 * books lower it by the credits); `order_unbooked` minus the price charged, at handover.
 */
export interface LedgerMove {
  /** Unique per movement: a second append of it is ignored. */
  readonly entryKey: string;
  readonly orderId: string;
  readonly launchId: string;
  readonly accountId: string;
  readonly kind: MoneyEvent['kind'] | 'balance_due' | 'order_unbooked';
  readonly amountFen: number;
  readonly atMs: number;
}

/** The rules in force (from the Limits: config.ts). */
export interface DeliveryRules {
  readonly balanceDeadlineDays: number;
  readonly balanceReminderDays: number;
  readonly balanceGraceDays: number;
  readonly deferralMaxDays: number;
  readonly noShowMax: number;
  readonly slotMinutes: number;
  readonly appointmentDaysAhead: number;
}

/** The balance: price less deposit. */
export const balanceFen = (d: Pick<Delivery, 'priceFen' | 'depositFen'>): number =>
  d.priceFen - d.depositFen;

/** What is still due and not under way: balance - received + refunded - pending. */
export const openFen = (d: Delivery): number =>
  balanceFen(d) - d.receivedFen + d.refundedFen - d.pendingFen;

/** What is still due once the parts under way are confirmed (received counts, pending not). */
export const outstandingFen = (d: Delivery): number =>
  balanceFen(d) - d.receivedFen + d.refundedFen;

/** Paid in full: every fen of the balance received and kept. */
export const paidInFull = (d: Delivery): boolean => outstandingFen(d) <= 0;

/** The money taken for the car so far: deposit + received - refunded (fen). */
export const chargedFen = (d: Delivery): number => d.depositFen + d.receivedFen - d.refundedFen;

/**
 * The next time the sweep must look at a delivery: the reminder, then the deadline's notice,
 * then the grace's end; null when nothing is due (not ready, or paid in full).
 */
export function nextSweepAt(d: Delivery, rules: DeliveryRules): number | null {
  if (d.stage !== 'ready' || d.dueAtMs === null || paidInFull(d)) return null;
  if (d.remindedAtMs === null) return d.dueAtMs - rules.balanceReminderDays * DAY_MS;
  if (d.noticeAtMs === null) return d.dueAtMs;
  return d.graceEndsAtMs;
}

/** What the sweep does for a delivery at `nowMs`, one step at a time. */
export type SweepAction = 'remind' | 'notice' | 'release' | null;

/**
 * The sweep's next step: the reminder (once, `balanceReminderDays` before the deadline), the
 * notice (once, at the deadline; the grace starts), the release (once the grace is over and no
 * part is under way: a part asked for in time is waited for). Never a release without the
 * notice before it, and never before the grace has run.
 */
export function sweepAction(d: Delivery, nowMs: number, rules: DeliveryRules): SweepAction {
  if (d.stage !== 'ready' || d.dueAtMs === null || paidInFull(d)) return null;
  if (d.remindedAtMs === null) {
    return nowMs >= d.dueAtMs - rules.balanceReminderDays * DAY_MS ? 'remind' : null;
  }
  if (d.noticeAtMs === null) return nowMs >= d.dueAtMs ? 'notice' : null;
  if (d.graceEndsAtMs !== null && nowMs >= d.graceEndsAtMs && d.pendingFen === 0) {
    return 'release';
  }
  return null;
}

/** The record after the sweep's step `a` at `nowMs`. */
export function applySweep(d: Delivery, a: Exclude<SweepAction, null>, nowMs: number,
  rules: DeliveryRules): Delivery {
  const next = a === 'remind' ? { ...d, remindedAtMs: nowMs }
    : a === 'notice' ? { ...d, noticeAtMs: nowMs,
      graceEndsAtMs: nowMs + rules.balanceGraceDays * DAY_MS }
      : released(d, 'lapsed', nowMs, null);
  return withSweep({ ...next, updatedAtMs: nowMs }, rules);
}

/** The record with its next sweep time recomputed. */
export const withSweep = (d: Delivery, rules: DeliveryRules): Delivery =>
  ({ ...d, nextSweepAtMs: nextSweepAt(d, rules) });

/** The record once its car is released: waiting for the next car, appointment freed. */
export function released(d: Delivery, reason: ReleaseReason, nowMs: number,
  untilMs: number | null): Delivery {
  return { ...d, stage: 'released', vin: null, releasedAtMs: nowMs, releaseReason: reason,
    deferredUntilMs: untilMs, slotStartMs: null, nextSweepAtMs: null, updatedAtMs: nowMs };
}

/** A new car allocated to a released order: a new cycle from `built`, the money kept. */
export function reallocated(d: Delivery, vin: string, nowMs: number): Delivery {
  return { ...d, vin, stage: 'built', cycle: d.cycle + 1, scheduledAtMs: nowMs, readyAtMs: null,
    dueAtMs: null, remindedAtMs: null, noticeAtMs: null, graceEndsAtMs: null,
    deferredUntilMs: null, releasedAtMs: null, releaseReason: null, noShows: 0,
    slotStartMs: null, nextSweepAtMs: null, updatedAtMs: nowMs };
}

/** The record once the car is ready at the centre: the deadline runs from now. */
export function markedReady(d: Delivery, nowMs: number, rules: DeliveryRules): Delivery {
  return withSweep({ ...d, stage: 'ready', readyAtMs: nowMs,
    dueAtMs: nowMs + rules.balanceDeadlineDays * DAY_MS, updatedAtMs: nowMs }, rules);
}

// ---------- appointment slots ----------

/** Midnight in Beijing of the day holding `ms`. */
export const beijingMidnight = (ms: number): number =>
  Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;

/**
 * Whether `slotMs` starts a slot a buyer may book at `nowMs`: on the slot grid (10:00-18:00
 * Beijing, every `slotMinutes`), after now, and within `appointmentDaysAhead` days.
 */
export function isBookableSlot(slotMs: number, nowMs: number, rules: DeliveryRules): boolean {
  if (!Number.isSafeInteger(slotMs) || slotMs <= nowMs) return false;
  if (slotMs > nowMs + rules.appointmentDaysAhead * DAY_MS) return false;
  const intoDay = slotMs - beijingMidnight(slotMs);
  const step = rules.slotMinutes * 60_000;
  return intoDay % step === 0 && intoDay >= SLOT_DAY_START_HOUR * 3_600_000
    && intoDay < SLOT_DAY_END_HOUR * 3_600_000;
}

/** Every bookable slot start from `nowMs` over the days ahead, in time order. */
export function bookableSlots(nowMs: number, rules: DeliveryRules): number[] {
  const out: number[] = [];
  const step = rules.slotMinutes * 60_000;
  for (let day = beijingMidnight(nowMs); day <= nowMs + rules.appointmentDaysAhead * DAY_MS;
    day += DAY_MS) {
    for (let t = day + SLOT_DAY_START_HOUR * 3_600_000; t < day + SLOT_DAY_END_HOUR * 3_600_000;
      t += step) {
      if (isBookableSlot(t, nowMs, rules)) out.push(t);
    }
  }
  return out;
}

/** Deferral days left to an order (all its deferrals count against the one limit). */
export const deferralDaysLeft = (d: Delivery, rules: DeliveryRules): number =>
  Math.max(0, rules.deferralMaxDays - d.deferredDays);

// ---------- balance parts ----------

/**
 * Whether a new part of `amountFen` may be asked for: `balance_covered` when nothing is open,
 * `balance_parts_limit` past the parts allowed (but for one paying all that is open),
 * `balance_part_invalid` when it is more than is open or less than the smallest part (the last
 * part may be smaller: it is what is left).
 */
export function checkPart(d: Delivery, amountFen: number, partsSoFar: number,
  limits: { balancePartsMax: number; balancePartMinFen: number }):
  'ok' | 'balance_covered' | 'balance_parts_limit' | 'balance_part_invalid' {
  const open = openFen(d);
  if (open <= 0) return 'balance_covered';
  // At the limit only the part paying everything left is taken, so the limit never strands
  // a buyer with a balance they cannot pay.
  if (partsSoFar >= limits.balancePartsMax && amountFen !== open) return 'balance_parts_limit';
  if (!Number.isSafeInteger(amountFen) || amountFen > open
    || (amountFen < limits.balancePartMinFen && amountFen !== open) || amountFen < 1) {
    return 'balance_part_invalid';
  }
  return 'ok';
}

/** What the provider said of a part. */
export type PartOutcome = 'succeeded' | 'failed';

/** What settling a part did, for the store, the books and the operator. */
export interface Settled {
  readonly delivery: Delivery;
  readonly part: BalancePart;
  /** Fen newly received (a `balance_received` event), 0 when none. */
  readonly receivedFen: number;
  /** Fen to return through the provider (a `balance_refunded` event and a refund), or 0. */
  readonly refundFen: number;
  /**
   * Something that does not fit, kept for an operator: `collection_failed_after_success` (a
   * failure reported for a part already confirmed: ignored, the money is in), or
   * `collection_after_close` (money confirmed after the balance was covered or the order
   * delivered: returned to the payer).
   */
  readonly anomaly: string | null;
}

/**
 * Applies a provider's word on a part. A success makes the part received (the money is taken,
 * whatever was said before, so a success after a failure counts); money beyond what is due
 * (the balance already covered, lowered by a price credit, or the order delivered) is returned,
 * exactly that surplus, as a refund of the part. A failure
 * of a pending part frees its amount to be paid again; a failure after a success changes
 * nothing. The same word twice changes nothing. Every fen: received - refunded never exceeds
 * the balance.
 */
export function settlePart(d: Delivery, part: BalancePart, outcome: PartOutcome, nowMs: number,
  rules: DeliveryRules): Settled {
  const none = { delivery: d, part, receivedFen: 0, refundFen: 0, anomaly: null };
  if (outcome === 'failed') {
    if (part.status === 'received') {
      return { ...none, anomaly: 'collection_failed_after_success' };
    }
    if (part.status === 'failed') return none;
    return { ...none, part: { ...part, status: 'failed', settledAtMs: nowMs },
      delivery: withSweep({ ...d, pendingFen: d.pendingFen - part.amountFen,
        updatedAtMs: nowMs }, rules) };
  }
  if (part.status === 'received') return none;
  const wasPending = part.status === 'pending';
  let next: Delivery = { ...d, receivedFen: d.receivedFen + part.amountFen,
    pendingFen: d.pendingFen - (wasPending ? part.amountFen : 0), updatedAtMs: nowMs };
  let p: BalancePart = { ...part, status: 'received', settledAtMs: nowMs };
  // Exactly the surplus goes back: what the part brings beyond the balance (all of it once the
  // order is delivered, which needs the balance paid in full). Returning the whole part left a
  // balance a credit had lowered while the part was pending unpaid again.
  const refundFen = Math.min(part.amountFen, Math.max(0, -outstandingFen(next)));
  if (refundFen > 0) {
    next = { ...next, refundedFen: next.refundedFen + refundFen };
    p = { ...p, refundedFen: refundFen, refundedAtMs: nowMs };
  }
  return { delivery: withSweep(next, rules), part: p, receivedFen: part.amountFen, refundFen,
    anomaly: refundFen > 0 ? 'collection_after_close' : null };
}

// ---------- price protection ----------

/**
 * The price charged once `creditFen` of protection is taken off `priceFen`, never below the
 * deposit: deliveries holds only the balance, so a price cut below the deposit lowers the
 * balance to 0 and the rest of that credit is not deliveries' to return (fen).
 */
export const creditedPrice = (priceFen: number, depositFen: number, creditFen: number): number =>
  Math.max(Math.min(priceFen, depositFen), priceFen - Math.max(0, creditFen));

/**
 * What a price credit does to a record: the price charged falls by `creditFen`. When more was
 * received and kept than the lower balance (the buyer paid at the old price), the difference
 * goes back through the payment port (ours: refunded at once, never held as a credit the
 * buyer must ask for), taken from the latest received parts first: `refunds` names each part
 * and its fen. A part still pending that the credit made surplus is returned when it is
 * confirmed (settlePart). A delivered record is not changed (protection refunds it instead).
 */
export function credited(d: Delivery, parts: readonly BalancePart[], creditFen: number,
  nowMs: number, rules: DeliveryRules): { delivery: Delivery;
    refunds: Array<{ part: BalancePart; amountFen: number }> } {
  const priceFen = creditedPrice(d.priceFen, d.depositFen, creditFen);
  if (d.stage === 'delivered' || priceFen === d.priceFen) return { delivery: d, refunds: [] };
  let next: Delivery = { ...d, priceFen, updatedAtMs: nowMs };
  let excess = Math.min(d.receivedFen - d.refundedFen, -outstandingFen(next));
  const refunds: Array<{ part: BalancePart; amountFen: number }> = [];
  const received = parts.filter((p) => p.status === 'received' && p.amountFen > p.refundedFen)
    .sort((a, b) => (b.settledAtMs ?? 0) - (a.settledAtMs ?? 0));
  for (const p of received) {
    if (excess <= 0) break;
    const take = Math.min(excess, p.amountFen - p.refundedFen);
    refunds.push({ part: { ...p, refundedFen: p.refundedFen + take, refundedAtMs: nowMs },
      amountFen: take });
    next = { ...next, refundedFen: next.refundedFen + take };
    excess -= take;
  }
  return { delivery: withSweep(next, rules), refunds };
}
