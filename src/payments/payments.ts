// The payment port. The real provider is out of reach from here, so launchday ships a sandbox
// that keeps the provider's contract: a charge is identified by the caller's reference, so a
// retried charge returns the first answer instead of taking the money twice.
import { hash } from 'node:crypto';
import { sign, SIGNATURE_HEADER } from './payment-signature.js';
import { newId } from '../kernel/ids.js';
import { RecentMap } from '../kernel/recent-map.js';

export type ChargeResult =
  | { readonly status: 'approved'; readonly paymentId: string }
  | { readonly status: 'declined'; readonly reason: string };

/**
 * What the provider knows of a refund: `succeeded` (money returned; the amount it returned, fen),
 * `pending` (accepted, not yet done), or `unknown` (never received, or lost: send it again).
 */
export type RefundStatus =
  | { readonly status: 'succeeded'; readonly amountFen: number }
  | { readonly status: 'pending' }
  | { readonly status: 'unknown' };

/**
 * A collection (a balance part): accepted now and settled later by a signed notification,
 * `collection.succeeded` or `collection.failed`, as card acquirers, bank transfers and finance
 * providers (a loan or lease paid by the lender) confirm; or declined at once.
 */
export type CollectResult =
  | { readonly status: 'pending' }
  | { readonly status: 'declined'; readonly reason: string };

/**
 * What the provider knows of a collection (a balance part), asked when its notification has not
 * come: `succeeded` (the money is taken; the amount, fen), `failed`, `pending` (accepted, not
 * yet decided), or `unknown` (never received: launchday asks `collect` again, same reference).
 */
export type CollectionStatus =
  | { readonly status: 'succeeded'; readonly amountFen: number }
  | { readonly status: 'failed' }
  | { readonly status: 'pending' }
  | { readonly status: 'unknown' };

/** A charge the provider holds: approved, and neither voided nor refunded. */
export interface HeldCharge {
  readonly reference: string;
  readonly amountFen: number;
  /** The payer given to `charge` (launchday's account id). */
  readonly payer: string;
  /** When the provider took it, by its own clock (ms). */
  readonly chargedAtMs: number;
}

export interface PaymentProvider {
  /**
   * Names the provider's ledger (a real provider's merchant account): launchday keeps one
   * sweep cursor per ledger, so processes that each run their own sandbox never share one.
   */
  readonly ledgerId: string;
  /**
   * Takes a deposit. A charge that no committed order holds is released with `void`.
   * `source`: the payment instrument the buyer named (X-Payment-Source), when the caller has one.
   */
  charge(req: { reference: string; amountFen: number; payer: string; source?: string | null }):
    Promise<ChargeResult>;
  /**
   * Releases a charge no order holds (the order was refused after the payment): the money
   * never left the buyer's hold, so no notification follows. A charge neither kept by an order
   * nor voided (the process died in between) is found by launchday's sweep (`heldCharges`).
   */
  void(req: { reference: string }): Promise<void>;
  /**
   * Asks for money back for a reference; refunding the same reference twice returns it once.
   * Accepted here; the provider confirms later with a signed `refund.succeeded` notification.
   */
  refund(req: { reference: string; amountFen: number }): Promise<void>;
  /**
   * Collects a balance part (deliveries): the same reference again answers as the first time.
   * `method` is how the buyer pays (card, alipay, wechat_pay, bank_transfer, loan, lease); for
   * a loan or lease `payer` names the finance provider paying for the buyer. Optional: a
   * provider without it is asked `charge`, whose approval counts as the part received.
   */
  collect?(req: { reference: string; amountFen: number; payer: string; method: string }):
    Promise<CollectResult>;
  /**
   * Asks after a collection whose notification has not come (deliveries' collection
   * reconciler). Optional, as `collect` is: without it a pending part waits for its notice.
   */
  collectionStatus?(reference: string): Promise<CollectionStatus>;
  /** Asks after a refund whose notification has not come (launchday's reconciliation). */
  refundStatus(reference: string): Promise<RefundStatus>;
  /**
   * Charges held now that were taken after `afterMs` and at least `olderThanMs` ago (the
   * provider's clock), oldest first, at most `limit`: what launchday compares with its orders
   * to void what no order holds.
   */
  heldCharges(olderThanMs: number, limit: number, afterMs: number): Promise<HeldCharge[]>;
}

/** The deposit's reference: the same account, key and body always pay under the same one. */
export function depositReference(accountId: string, idempotencyKey: string,
  requestHash: string): string {
  return `dep_${hash('sha256', `${accountId}\u0000${idempotencyKey}\u0000${requestHash}`,
    'base64url').slice(0, 32)}`;
}

export interface SandboxOptions {
  /** Payers whose charges the sandbox declines, to exercise the decline path. */
  readonly declinePayers?: ReadonlySet<string>;
  /** Delay before a refund succeeds and its notification is sent (ms), as [least, most]. */
  readonly notifyDelayMs?: readonly [number, number];
  /** Share of notifications sent very late (ten times the longest delay). */
  readonly lateShare?: number;
  /** Share of notifications sent twice. */
  readonly duplicateShare?: number;
  /** Share of refunds that succeed but whose notification is never sent (lost). */
  readonly lostNotificationShare?: number;
  /** Share of refund requests that fail outright (the provider is unavailable): they throw. */
  readonly refundFailureShare?: number;
  /** Share of refund requests accepted and then forgotten: `refundStatus` answers unknown. */
  readonly lostRefundShare?: number;
  /** Share of collections (balance parts) that fail: a `collection.failed` notification. */
  readonly collectFailureShare?: number;
  /**
   * Share of collections settled whose notification is never sent (lost): only a status
   * query (`collectionStatus`) finds out how they ended.
   */
  readonly lostCollectionNoticeShare?: number;
  /** Delivery attempts per notification before the sandbox gives up on it. */
  readonly deliveryAttempts?: number;
  /** Deliveries awaiting the receiver's answer at once; the rest wait in a queue. */
  readonly deliveriesInFlightMax?: number;
  /**
   * Notifications waiting to be delivered (queued, or scheduled for a later attempt); past it
   * a new one is dropped (counted in `dropped`), as a provider sheds a receiver that does not
   * answer; the refund itself still succeeds and `refundStatus` says so.
   */
  readonly deliveriesWaitingMax?: number;
  readonly random?: () => number;
  /** How many recent charge and refund references the sandbox remembers. */
  readonly referencesKept?: number;
  /** The provider's own clock (ms); `Date.now` unless a test moves it. */
  readonly nowMs?: () => number;
}

const DEFAULT_REFERENCES_KEPT = 100_000;
/** A notification's delay by default (ms), least and most, before the late share's. */
const DEFAULT_NOTIFY_DELAY_MS = [50, 500] as const;
/** The share of notifications sent late (ten times the longest delay) by default. */
const DEFAULT_LATE_SHARE = 0.1;
/**
 * The latest a default sandbox sends a notification's first attempt after the refund or
 * collection was asked for (ms): a late one, the longest delay and ten times it again (5.5 s).
 * Tests waiting on notifications wait at least this long.
 */
export const SANDBOX_LATEST_NOTICE_MS = DEFAULT_NOTIFY_DELAY_MS[1] * 11;

/** Which webhook a notification goes to: refunds' (orders) or collections' (deliveries). */
type Target = 'refund' | 'collection';
/** Payment sources the sandbox always declines start with this (its test instrument). */
export const DECLINED_SOURCE_PREFIX = 'decline';
/** Payment sources the sandbox answers only after SLOW_SOURCE_MS start with this. */
export const SLOW_SOURCE_PREFIX = 'slow-';
export const SLOW_SOURCE_MS = 2_000;
/**
 * `slow<seconds>-…`: the slow bank with a delay of its own, 1 to SLOW_SOURCE_SECONDS_MAX s, for
 * a test that must act while a payment is still under way on a loaded machine (2 s was not
 * always enough for a browser to load a page there). The buyer names the source, so the most
 * is what that test needs: 60 s let anyone hold a request, a connection and a unit for a minute
 * and a shutdown for longer than a process manager's kill grace (the attacker's review).
 */
const SLOW_SOURCE = /^slow(\d{1,2})?-/;
export const SLOW_SOURCE_SECONDS_MAX = 10;

/** How long the sandbox's slow bank takes for `source` (ms), or 0 for any other source. */
export function slowSourceMs(source: string | null | undefined): number {
  const m = SLOW_SOURCE.exec(source ?? '');
  if (m === null) return 0;
  if (m[1] === undefined) return SLOW_SOURCE_MS;
  const seconds = Number(m[1]);
  return seconds >= 1 && seconds <= SLOW_SOURCE_SECONDS_MAX ? seconds * 1000 : 0;
}

/** Where the sandbox posts its notifications: the webhook, as raw body and headers. */
export type Deliver = (body: string, headers: Record<string, string>) => Promise<number>;

interface ChargeRecord {
  readonly amountFen: number;
  readonly payer: string;
  readonly result: ChargeResult;
  readonly chargedAtMs: number;
  refunded: boolean;
}

/** A collection the sandbox accepted: how it will end, and whether it has yet. */
interface CollectionRecord {
  readonly amountFen: number;
  readonly outcome: 'succeeded' | 'failed';
  settled: boolean;
}

interface RefundRecord {
  readonly amountFen: number;
  succeeded: boolean;
}

/**
 * In-memory sandbox that keeps the real provider's contract: a charge is approved inside the
 * call; a refund is accepted at once and settled later by a signed notification, sometimes
 * late, sometimes twice, sometimes never, retried until the receiver answers 2xx. Deliveries
 * are bounded: `deliveriesInFlightMax` at once, `deliveriesWaitingMax` waiting.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  /** Each sandbox is a ledger of its own: it forgets everything when its process ends. */
  readonly ledgerId = newId('sandbox');
  /** Recent references only: a retry comes within minutes, and the sandbox must stay small. */
  readonly charges: RecentMap<ChargeRecord>;
  readonly refunds: RecentMap<RefundRecord>;
  /** Collections (balance parts) by reference, with the first answer given. */
  readonly collections: RecentMap<CollectResult>;
  /** Accepted collections' ends (decided when accepted, reached after the delay). */
  readonly #collected: RecentMap<CollectionRecord>;
  voided = 0;
  /** Notifications the receiver has acknowledged (duplicates included). */
  delivered = 0;
  /** Notifications dropped because too many were waiting, or given up after every attempt. */
  dropped = 0;
  /** The most deliveries that were awaiting an answer at once (for tests of the bound). */
  inFlightPeak = 0;
  #inFlight = 0;
  /** Scheduled for a later attempt (timers), counted against the waiting bound. */
  #scheduled = 0;
  readonly #ready: Array<{ body: string; attempt: number; to: Target }> = [];
  #deliver: Deliver | null = null;
  /** Where collections' notifications go (deliveries' webhook); refunds' when not given. */
  #deliverCollections: Deliver | null = null;
  #secret = '';
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SandboxOptions = {}) {
    const kept = options.referencesKept ?? DEFAULT_REFERENCES_KEPT;
    this.charges = new RecentMap(kept);
    this.refunds = new RecentMap(kept);
    this.collections = new RecentMap(kept);
    this.#collected = new RecentMap(kept);
  }

  /**
   * Starts delivering notifications, signed with the secret both sides share; collections'
   * notifications go to `collections` when given (their own webhook), else to `deliver`.
   */
  connect(secret: string, deliver: Deliver, collections?: Deliver): void {
    this.#secret = secret;
    this.#deliver = deliver;
    this.#deliverCollections = collections ?? null;
    this.#pump();
  }

  #target(to: Target): Deliver | null {
    return to === 'collection' ? this.#deliverCollections ?? this.#deliver : this.#deliver;
  }

  /** Stops every delivery still scheduled or queued. */
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#scheduled = 0;
    this.#ready.length = 0;
    this.#deliver = null;
    this.#deliverCollections = null;
  }

  /** Notifications queued, scheduled for a retry, or awaiting an answer. */
  get outstanding(): number {
    return this.#ready.length + this.#scheduled + this.#inFlight;
  }

  #now(): number {
    return (this.options.nowMs ?? Date.now)();
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.#timers.add(t);
  }

  /** Queues a delivery if the bound allows; false when it was dropped. */
  #enqueue(body: string, attempt: number, to: Target = 'refund'): boolean {
    if (this.outstanding >= (this.options.deliveriesWaitingMax ?? 10_000)) {
      this.dropped++;
      return false;
    }
    this.#ready.push({ body, attempt, to });
    this.#pump();
    return true;
  }

  /** A delivery to be queued after `ms`, counted against the bound while it waits. */
  #schedule(ms: number, body: string, attempt: number, to: Target = 'refund'): void {
    if (this.outstanding >= (this.options.deliveriesWaitingMax ?? 10_000)) {
      this.dropped++;
      return;
    }
    this.#scheduled++;
    this.#later(ms, () => {
      this.#scheduled--;
      this.#ready.push({ body, attempt, to });
      this.#pump();
    });
  }

  #pump(): void {
    const max = this.options.deliveriesInFlightMax ?? 16;
    while (this.#deliver && this.#inFlight < max && this.#ready.length > 0) {
      const { body, attempt, to } = this.#ready.shift()!;
      this.#send(this.#target(to)!, body, attempt, to);
    }
  }

  #send(deliver: Deliver, body: string, attempt: number, to: Target): void {
    this.#inFlight++;
    this.inFlightPeak = Math.max(this.inFlightPeak, this.#inFlight);
    const headers = { 'content-type': 'application/json',
      [SIGNATURE_HEADER]: sign(this.#secret, Date.now(), body) };
    const done = (delivered: boolean): void => {
      // No longer in flight before a retry is counted, so a retry never crowds itself out.
      this.#inFlight--;
      if (delivered) this.delivered++;
      else if (!this.#deliver) return; // Closed meanwhile.
      else if (attempt < (this.options.deliveryAttempts ?? 8)) {
        this.#schedule(100 * 2 ** attempt, body, attempt + 1, to);
      } else this.dropped++;
      this.#pump();
    };
    deliver(body, headers).then((status) => done(status >= 200 && status < 300),
      () => done(false));
  }

  /**
   * One notification's delay (ms): uniform in `notifyDelayMs`, and for a `lateShare` of them
   * ten times the longest delay later (SANDBOX_LATEST_NOTICE_MS by default).
   */
  #noticeDelayMs(random: () => number): number {
    const [least, most] = this.options.notifyDelayMs ?? DEFAULT_NOTIFY_DELAY_MS;
    const ms = least + random() * (most - least);
    return random() < (this.options.lateShare ?? DEFAULT_LATE_SHARE) ? ms + most * 10 : ms;
  }

  /** After a delay the refund succeeds; its notification is sent (once, twice, or never). */
  #settleLater(reference: string, record: RefundRecord): void {
    const random = this.options.random ?? Math.random;
    const delay = (): number => this.#noticeDelayMs(random);
    const lost = random() < (this.options.lostNotificationShare ?? 0);
    const copies = random() < (this.options.duplicateShare ?? 0.1) ? 2 : 1;
    // Unique across processes and restarts, as a real provider's are: a counter starting at 1
    // in every process gave two processes' refunds the same event id.
    const body = JSON.stringify({ event_id: newId('evt'), type: 'refund.succeeded',
      reference, amount_fen: record.amountFen, occurred_at: new Date(this.#now()).toISOString() });
    this.#later(delay(), () => {
      record.succeeded = true;
      if (lost) return;
      this.#enqueue(body, 1);
      if (copies === 2) this.#schedule(delay(), body, 1);
    });
  }

  /**
   * Accepts a collection and settles it later: a signed `collection.succeeded` (or, for a
   * share `collectFailureShare`, `collection.failed`) notification after a delay, sometimes
   * late or twice, as refunds' are; so two parts' notifications can arrive in either order.
   * Payers on the decline list are declined at once. The same reference answers as before.
   */
  async collect(req: { reference: string; amountFen: number; payer: string; method: string }):
    Promise<CollectResult> {
    const seen = this.collections.get(req.reference);
    if (seen) return seen;
    if (this.options.declinePayers?.has(req.payer)) {
      const declined: CollectResult = { status: 'declined',
        reason: 'sandbox: payer on the decline list' };
      this.collections.set(req.reference, declined);
      return declined;
    }
    const pending: CollectResult = { status: 'pending' };
    this.collections.set(req.reference, pending);
    const random = this.options.random ?? Math.random;
    const delay = (): number => this.#noticeDelayMs(random);
    const failed = random() < (this.options.collectFailureShare ?? 0);
    const copies = random() < (this.options.duplicateShare ?? 0.1) ? 2 : 1;
    // Drawn only when asked for, so a seeded sandbox without it draws the same numbers as
    // before it existed (the tests' and the simulator's seeded runs stay as they were).
    const lostShare = this.options.lostCollectionNoticeShare ?? 0;
    const lost = lostShare > 0 && random() < lostShare;
    const record: CollectionRecord = { amountFen: req.amountFen,
      outcome: failed ? 'failed' : 'succeeded', settled: false };
    this.#collected.set(req.reference, record);
    const body = JSON.stringify({ event_id: newId('evt'),
      type: failed ? 'collection.failed' : 'collection.succeeded', reference: req.reference,
      amount_fen: req.amountFen, method: req.method,
      occurred_at: new Date(this.#now()).toISOString() });
    this.#later(delay(), () => {
      record.settled = true;
      if (lost) return;
      this.#enqueue(body, 1, 'collection');
      if (copies === 2) this.#schedule(delay(), body, 1, 'collection');
    });
    return pending;
  }

  async charge(req: { reference: string; amountFen: number; payer: string;
    source?: string | null }): Promise<ChargeResult> {
    // A source named `slow-…` is the sandbox's slow bank: it answers after SLOW_SOURCE_MS (or
    // `slow10-…` after 10 s), as a payment that takes its time does (the rest of its name then
    // decides, `slow-decline-…`).
    const slowMs = slowSourceMs(req.source);
    if (slowMs > 0) {
      await new Promise((r) => setTimeout(r, slowMs));
      req = { ...req, source: req.source!.slice(req.source!.indexOf('-') + 1) };
    }
    const seen = this.charges.get(req.reference);
    // A refunded reference is charged afresh, as the real provider does: that charge is a new
    // hold, which launchday must keep with an order or void.
    if (seen && !seen.refunded) return seen.result;
    // A source named `decline…` is the sandbox's test instrument that is always declined (as a
    // provider's test card is): how a simulator's buyer has a payment fail.
    const result: ChargeResult = this.options.declinePayers?.has(req.payer)
      ? { status: 'declined', reason: 'sandbox: payer on the decline list' }
      : req.source?.startsWith(DECLINED_SOURCE_PREFIX)
      ? { status: 'declined', reason: 'sandbox: the declining test instrument' }
      : { status: 'approved', paymentId: newId('pay') };
    this.charges.set(req.reference, { amountFen: req.amountFen, payer: req.payer, result,
      chargedAtMs: this.#now(), refunded: false });
    this.refunds.delete(req.reference);
    return result;
  }

  async void(req: { reference: string }): Promise<void> {
    const c = this.charges.get(req.reference);
    if (c && !c.refunded && this.charges.delete(req.reference)) this.voided++;
  }

  async refund(req: { reference: string; amountFen: number }): Promise<void> {
    if (this.refunds.has(req.reference)) return;
    const random = this.options.random ?? Math.random;
    if (random() < (this.options.refundFailureShare ?? 0)) {
      throw new Error('sandbox: the provider is unavailable');
    }
    const charge = this.charges.get(req.reference);
    if (charge) charge.refunded = true;
    // Accepted, then forgotten: only a status query finds out, and sending it again fixes it.
    if (random() < (this.options.lostRefundShare ?? 0)) return;
    const record: RefundRecord = { amountFen: req.amountFen, succeeded: false };
    this.refunds.set(req.reference, record);
    this.#settleLater(req.reference, record);
  }

  async collectionStatus(reference: string): Promise<CollectionStatus> {
    const seen = this.collections.get(reference);
    if (seen?.status === 'declined') return { status: 'failed' };
    const c = this.#collected.get(reference);
    if (!c) return { status: 'unknown' };
    if (!c.settled) return { status: 'pending' };
    return c.outcome === 'failed' ? { status: 'failed' }
      : { status: 'succeeded', amountFen: c.amountFen };
  }

  async refundStatus(reference: string): Promise<RefundStatus> {
    const r = this.refunds.get(reference);
    if (!r) return { status: 'unknown' };
    return r.succeeded ? { status: 'succeeded', amountFen: r.amountFen } : { status: 'pending' };
  }

  async heldCharges(olderThanMs: number, limit: number, afterMs: number):
    Promise<HeldCharge[]> {
    const before = this.#now() - olderThanMs;
    const out: HeldCharge[] = [];
    // Kept in the order taken; a linear walk is fine for a sandbox's 100,000 references.
    for (const reference of this.charges.keys()) {
      const c = this.charges.get(reference)!;
      if (c.chargedAtMs > before) break; // Oldest first: the rest are younger still.
      if (c.chargedAtMs <= afterMs || c.refunded || c.result.status !== 'approved') continue;
      out.push({ reference, amountFen: c.amountFen, payer: c.payer,
        chargedAtMs: c.chargedAtMs });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Every charge held now, whatever its age (for tests and the invariant checks). */
  heldReferences(): Map<string, number> {
    const out = new Map<string, number>();
    for (const reference of this.charges.keys()) {
      const c = this.charges.get(reference)!;
      if (!c.refunded && c.result.status === 'approved') out.set(reference, c.amountFen);
    }
    return out;
  }
}
