// Drops' use cases: an operator defines a drop before it opens; a buyer holds units (group
// commit), pays through the payment port, and the hold becomes a sale or returns its units;
// refused buyers join the waitlist; a timer ends holds past their deadline. The payment is taken
// between two batches, as orders take theirs before one (orders-service.ts): the units are
// reserved first, so nobody is charged for a unit they cannot have.
import { strict as assert } from 'node:assert';
import type { Clock } from '../kernel/clock.js';
import { openGate, type AdmissionGate, type OpeningSet } from '../kernel/admission-gate.js';
import type { Limits } from '../kernel/config.js';
import type { Submit } from '../kernel/core.js';
import { sha256 } from '../kernel/ids.js';
import { ok, refuse, type Refusal, type Result } from '../kernel/outcomes.js';
import type { Store, StoreTx } from '../kernel/store/store.js';
import type { Account } from '../accounts/index.js';
import type { PaymentProvider } from '../payments/index.js';
import { GroupRead } from './group-read.js';
import {
  decideHold, findVariant, HOLDING, isDropPaymentReference, limitRefusal, purchaseHash,
  samePurchase, unknownVariant, validateDrop, variantFigures, type Drop, type Hold,
  type VariantFigures, type VariantStock, type WaitlistEntry,
} from './drop.js';
import {
  dropKeyReused, HOLD_AGAIN, type dropCommands, type HoldOutcome, type HoldTimes, type JoinOutcome,
  type SettleCommand,
} from './drop-commands.js';
import { decideRevoke, type dropRevoke, type RevokeOutcome } from './drop-revoke.js';
import type { HoldRevoke } from './drops-store.js';

export interface DropsDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly payments: PaymentProvider;
  readonly limits: Limits;
}

/** What a buyer asks to buy: one variant, a number of units. */
export interface PurchaseInput {
  readonly variant: string;
  readonly quantity: number;
  /** Where it is sent, as the buyer wrote it (its request hash counts it); null or absent: none. */
  readonly deliveryAddress?: string | null;
}

/** A drop's public figures: each variant's remaining count, as read at `asOfMs`. */
export interface DropFigures {
  readonly drop: Drop;
  readonly variants: readonly VariantFigures[];
  readonly asOfMs: number;
}

/**
 * How long a cached drop definition may lag an edit made by another process (PostgreSQL).
 * Definitions only change before the opening, and the batch re-reads the drop under its lock.
 */
const CACHE_MS = 1_000;

/** The key the per-identity limit counts by: the identity number, hashed. */
export const identityKey = (account: Account): string =>
  sha256(`identity\u0000${account.idNumber}`).slice(0, 32);

/** The drops capability's batch handlers, by name (drop-commands.ts). */
export type DropHandlers = ReturnType<typeof dropCommands> & { dropRevoke: typeof dropRevoke };

/**
 * The group-commit lane of a drop's holds, settles and joins (GroupCommitter.submit): each takes
 * the drop's row lock, so a process sends one batch of them at a time (PostgreSQL only), and its
 * other commands flow past. docs/benchmarks.md, session 15.
 */
const dropLane = (dropId: string): string => `drop:${dropId}`;

/**
 * The sweep's lane: it locks every drop with a hold past due (sorted), so it goes in a batch of
 * no drop's lane. In one with drop b's commands, b's lock could come before a's; the other
 * process's sweep, taking a then b, could wait for it until PostgreSQL's deadlock_timeout (1 s).
 */
const SWEEP_LANE = 'drops:sweep';

export class DropsService {
  readonly #cache = new Map<string, { drop: Drop | null; readAt: number }>();
  /** The read refreshing a drop's cached definition, shared by the purchases asking meanwhile. */
  readonly #reading = new Map<string, Promise<Drop | null>>();
  /**
   * Variants sold for good (every unit paid), by `dropId\u0000variant`: none can come back, so a
   * purchase of one is refused without a read of the stock. Learnt from the stock reads
   * (#fresh), with when (performance.now()); forgotten when the drop is redefined or a sale of
   * it cancelled here, and trusted for CACHE_MS only: an operator's cancel of a sale
   * (drop-revoke.ts) in another process puts a unit back, which the next read then sees.
   */
  readonly #soldForGood = new Map<string, number>();
  /**
   * The drop's stock and whether a hold is past due, read once for every purchase waiting for
   * it (group-read.ts): a purchase that can only be refused is refused from it, before the
   * commit queue.
   */
  readonly #fresh = new GroupRead(async (dropId) => {
    const nowMs = this.deps.clock.nowMs();
    // Whether a hold is past due first, then the stock: a sweep (this process's timer, or
    // another process) that ends a due hold between two reads taken together could leave the
    // stock read before it (its units held) and the due read after it (none due), a state that
    // never was, and refuse as sold out a unit back on sale. In this order, no hold due at
    // nowMs when the first read ran means the stock read after it has every unit such a hold
    // returned, and a hold taken meanwhile is not due before nowMs + its time.
    const due = await this.deps.store.hasDueHolds(dropId, nowMs);
    const stock = await this.deps.store.dropStock(dropId);
    this.#learn(dropId, stock);
    return { stock, due, nowMs };
  });
  /**
   * The holds of each drop whose every variant is sold for good, by `accountId\u0000key`: no
   * hold can be taken or change any more, so the key of a purchase refused as sold out is looked
   * up here, not in the store (null: more than dropFinalHoldsMax, looked up in the store).
   * Read once per process, after the last variant sold for good.
   */
  readonly #finalHolds = new Map<string, Promise<Map<string, Hold> | null>>();
  /**
   * The holds this process's batches took and settled, by drop then `accountId\u0000key`, each
   * as last returned (null: more than dropFinalHoldsMax, no longer kept). At the sell-out the
   * final holds are taken from here when the store counts as many holds for the drop, instead
   * of reading the drop's every hold: that read blocked the event loop 8-13 ms in one piece at
   * the opening second's busiest moment (800 holds).
   */
  readonly #seen = new Map<string, Map<string, Hold> | null>();
  /** soldForGood's stock reads, by drop: when each began, and the read (CACHE_MS). */
  readonly #stockSeen = new Map<string, { read: Promise<void>; readAt: number }>();
  /** The waiting room's gate in front of purchases (open when no room is wired in). */
  admission: AdmissionGate = openGate;
  /**
   * Told of a drop's opening as its definition is written, in that write's transaction (the
   * composition's: a waiting room in front of the drop moves with it, or refuses the move).
   */
  openingSet: OpeningSet = () => Promise.resolve(null);

  constructor(private readonly deps: DropsDeps, private readonly submit: Submit<DropHandlers>) {}

  get #times(): HoldTimes {
    return { holdMs: this.deps.limits.dropHoldSeconds * 1000,
      offerMs: this.deps.limits.dropOfferSeconds * 1000 };
  }

  /**
   * The drop, from a cache at most CACHE_MS old (every purchase reads it). The purchases that
   * find it stale share one read: at a sell-out on PostgreSQL each of them read it again while
   * the first read was under way, hundreds of reads a second.
   */
  async drop(dropId: string): Promise<Drop | null> {
    const hit = this.#cache.get(dropId);
    if (hit && performance.now() - hit.readAt < CACHE_MS) return hit.drop;
    let reading = this.#reading.get(dropId);
    if (!reading) {
      reading = this.deps.store.drop(dropId).then((drop) => {
        if (this.#cache.size >= this.deps.limits.dropsListMax * 10) this.#cache.clear();
        this.#cache.set(dropId, { drop, readAt: performance.now() });
        return drop;
      }).finally(() => this.#reading.delete(dropId));
      this.#reading.set(dropId, reading);
    }
    return reading;
  }

  async list(): Promise<Drop[]> {
    return (await this.deps.store.drops()).slice(0, this.deps.limits.dropsListMax);
  }

  /**
   * Creates a drop or replaces its definition: refused with `drop_already_open` once it has
   * opened or any hold was taken (the quantity sold is then fixed), and as `openingSet` says
   * (`opening_held_by_waiting_room`; `overloaded` while its room is being joined or changed
   * past 5 s). `created` tells which.
   */
  async put(actor: string, input: Omit<Drop, 'createdAtMs'>):
    Promise<Result<{ drop: Drop; created: boolean }>> {
    const nowMs = this.deps.clock.nowMs();
    const valid = validateDrop({ ...input, createdAtMs: nowMs }, this.deps.limits);
    if (!valid.ok) return valid;
    const r = await this.deps.store.transaction(async (tx) => {
      const [before] = await tx.lockDrops([input.dropId]);
      if (before && (nowMs >= before.opensAtMs || await tx.dropHasHolds(before.dropId))) {
        return refuse('drop_already_open');
      }
      const drop = { ...valid.value, createdAtMs: before?.createdAtMs ?? nowMs };
      const held = await this.openingSet(tx, drop.dropId, drop.opensAtMs, actor);
      if (held) return held;
      await tx.putDrop(drop);
      await tx.appendAudit({ atMs: nowMs, actor, action: before ? 'drop_updated' : 'drop_created',
        detail: { drop_id: drop.dropId, opens_at_ms: drop.opensAtMs,
          variants: drop.variants.map((v) => ({ variant: v.variant, quantity: v.quantity })) } });
      return ok({ drop, created: before === undefined });
    });
    this.#cache.delete(input.dropId);
    this.#forgetSales(input.dropId);
    return r;
  }

  /**
   * What a stock read says of each variant: sold for good now (remembered, with when), or not
   * (forgotten, and the drop's final holds with it: a cancelled sale put a unit back).
   */
  #learn(dropId: string, stock: readonly VariantStock[]): void {
    const nowMs = performance.now();
    for (const x of stock) {
      const key = `${dropId}\u0000${x.variant}`;
      if (x.sold === x.quantity) this.#soldForGood.set(key, nowMs);
      else if (this.#soldForGood.delete(key)) this.#finalHolds.delete(dropId);
    }
  }

  /** Whether the variant was read sold for good less than CACHE_MS ago. */
  #isSoldForGood(dropId: string, variant: string): boolean {
    const at = this.#soldForGood.get(`${dropId}\u0000${variant}`);
    return at !== undefined && performance.now() - at < CACHE_MS;
  }

  /**
   * Forgets what this process learnt of the drop's sales (sold for good, its final holds): a
   * redefinition, or an operator's cancel of a sale, makes it untrue.
   */
  #forgetSales(dropId: string): void {
    this.#finalHolds.delete(dropId);
    this.#seen.delete(dropId);
    this.#stockSeen.delete(dropId);
    for (const k of this.#soldForGood.keys()) {
      if (k.startsWith(`${dropId}\u0000`)) this.#soldForGood.delete(k);
    }
  }

  /**
   * An operator's cancel of flagged holds of a drop (drop-revoke.ts): held ones released, paid
   * merchandise within its cancel window refunded, each with the reason in the audit log; the
   * rest left alone, each with its code and why. Idempotent: a cancelled hold is `hold_closed`
   * the second time, and nothing changes. Refusals: drop_not_found; invalid_request past
   * Limits.flaggedCancelMax holds.
   */
  async revoke(actor: string, dropId: string, holdIds: readonly string[], reason: string,
    clusterId: string | null): Promise<Result<RevokeOutcome[]>> {
    const { limits } = this.deps;
    if (holdIds.length > limits.flaggedCancelMax) {
      return refuse('invalid_request', `Cancel at most ${limits.flaggedCancelMax} holds at once.`);
    }
    if (!(await this.deps.store.drop(dropId))) return refuse('drop_not_found');
    const r = await this.submit('dropRevoke', { dropId, holdIds: [...new Set(holdIds)],
      actor, reason, clusterId, saleCancelMs: limits.dropSaleCancelHours * 3_600_000,
      times: this.#times }, true, dropLane(dropId));
    if (!Array.isArray(r)) return r;
    // A sale cancelled put a unit back: what this process learnt of the sell-out is untrue now.
    if (r.some((x) => x.outcome === 'refunded')) this.#forgetSales(dropId);
    return ok(r);
  }

  /**
   * Whether an operator could cancel the hold now, and if not why (the report's column):
   * decideRevoke's verdict, from the hold as read.
   */
  async revocable(h: Hold): Promise<Result<'release' | 'refund'>> {
    const drop = await this.drop(h.dropId);
    if (!drop) return refuse('drop_not_found');
    return decideRevoke(drop, h, this.deps.clock.nowMs(),
      this.deps.limits.dropSaleCancelHours * 3_600_000);
  }

  /**
   * Whether every variant of the drop is sold for good (every unit paid: nothing can be bought,
   * now, and later unless an operator cancels a sale); false for a drop that does not exist.
   * From what this process learnt less than CACHE_MS ago, else from a stock read at most
   * CACHE_MS old, shared by the callers meanwhile: a waiting
   * room in front of the drop asks at every join and poll.
   */
  async soldForGood(dropId: string): Promise<boolean> {
    const drop = await this.drop(dropId);
    if (!drop) return false;
    const all = () => drop.variants.every((v) => this.#isSoldForGood(dropId, v.variant));
    if (all()) return true;
    const seen = this.#stockSeen.get(dropId);
    if (seen && performance.now() - seen.readAt < CACHE_MS) {
      await seen.read;
      return all();
    }
    if (this.#stockSeen.size >= this.deps.limits.dropsListMax * 10) this.#stockSeen.clear();
    const read = this.deps.store.dropStock(dropId).then((stock) => this.#learn(dropId, stock));
    // A failed read is not remembered: the next caller reads again.
    read.catch(() => this.#stockSeen.delete(dropId));
    this.#stockSeen.set(dropId, { read, readAt: performance.now() });
    await read;
    return all();
  }

  /** The drop's public figures, read from the store (never cached): sold out shows at once. */
  async figures(dropId: string): Promise<Result<DropFigures>> {
    const drop = await this.drop(dropId);
    if (!drop) return refuse('drop_not_found');
    const asOfMs = this.deps.clock.nowMs();
    const [stock, waiting] = await Promise.all([this.deps.store.dropStock(dropId),
      this.deps.store.waitingByVariant(dropId)]);
    return ok({ drop, asOfMs,
      variants: stock.map((s) => variantFigures(s, waiting.get(s.variant) ?? 0)) });
  }

  /**
   * Holds units for the buyer (group commit), without paying: `purchase` pays right after.
   * Refusals: drop_not_found, drop_not_open, unknown_variant, invalid_request (quantity),
   * drop_limit_reached, drop_sold_out, idempotency_key_reused; overloaded.
   */
  async hold(account: Account, dropId: string, input: PurchaseInput, key: string):
    Promise<Result<HoldOutcome>> {
    const drop = await this.drop(dropId);
    if (!drop) return refuse('drop_not_found');
    if (!findVariant(drop, input.variant)) return unknownVariant(drop, input.variant);
    if (!(input.quantity >= 1 && input.quantity <= this.deps.limits.dropUnitsPerBuyerMax)) {
      return refuse('invalid_request', `"quantity" must be 1-${
        this.deps.limits.dropUnitsPerBuyerMax}.`);
    }
    const requestHash = purchaseHash({ dropId, variant: input.variant,
      quantity: input.quantity, deliveryAddress: input.deliveryAddress ?? null });
    const asked = { dropId, variant: input.variant, quantity: input.quantity, requestHash };
    // Checked again in the batch; here so that the crowd before the opening costs no commit
    // (no hold can exist before it, so no retry is refused here). The key is looked up in the
    // batch, not before it: nothing is charged before the hold, so a retry costs no charge,
    // and every request saves a read.
    if (this.deps.clock.nowMs() < drop.opensAtMs) return refuse('drop_not_open');
    if (this.#isSoldForGood(dropId, input.variant)) {
      return this.#unlessReplay(account, drop, key, asked, refuse('drop_sold_out',
        'Every unit of this size is sold: none can come back.'));
    }
    // As the batch's own lock-free refusal (drop-commands.ts refuseWithoutLock), but before the
    // commit queue: from a read that started after this request arrived, with nothing on sale
    // and no hold past due, nothing can be held. At a sell-out this keeps the queue for the
    // purchases that can succeed and the payments that settle them.
    const seen = await this.#fresh.get(dropId);
    const stock = seen.stock.find((x) => x.variant === input.variant);
    if (stock && stock.available < input.quantity && !seen.due) {
      const d = decideHold(drop, stock, { accountUnits: 0, identityUnits: 0 }, input.quantity,
        seen.nowMs);
      if (!d.ok) return this.#unlessReplay(account, drop, key, asked, d);
    }
    const cmd = { dropId, variant: input.variant, quantity: input.quantity,
      accountId: account.accountId, identityKey: identityKey(account), idempotencyKey: key,
      requestHash, times: this.#times };
    let r = await this.submit('dropHold', cmd, false, dropLane(dropId));
    // The database decided nothing (a hold past due): decided again under the lock in JS.
    if (r === HOLD_AGAIN) {
      r = await this.submit('dropHold', { ...cmd, underLock: true }, false, dropLane(dropId));
    }
    assert.ok(r !== HOLD_AGAIN, 'a hold decided under the lock is decided');
    if (r.ok) this.#note(r.value.hold);
    return r;
  }

  /**
   * Remembers a hold as a batch of this process returned it (#seen). A status other than held
   * is final, so it is never overwritten; a held one is, by whatever comes later.
   */
  #note(h: Hold): void {
    if (this.#finalHolds.has(h.dropId)) return; // taken from here already, or read
    let seen = this.#seen.get(h.dropId);
    if (seen === null) return;
    if (seen === undefined) {
      if (this.#seen.size >= this.deps.limits.dropsListMax) this.#seen.clear();
      seen = new Map();
      this.#seen.set(h.dropId, seen);
    }
    const key = `${h.accountId}\u0000${h.idempotencyKey}`;
    const had = seen.get(key);
    if (had && had.status !== 'held') return;
    seen.set(key, h);
    if (seen.size > this.deps.limits.dropFinalHoldsMax) this.#seen.set(h.dropId, null);
  }

  #noted(r: Result<Hold>): Result<Hold> {
    if (r.ok) this.#note(r.value);
    return r;
  }

  /**
   * A purchase refused without a batch, with one lookup of its key: a retry of a purchase that
   * got its hold is answered with it, and the key with another body is refused, as the batch
   * would; otherwise `refusal`.
   */
  async #unlessReplay(account: Account, drop: Drop, key: string,
    asked: Parameters<typeof samePurchase>[1], refusal: Refusal): Promise<Result<HoldOutcome>> {
    const final = await this.#finalHoldsOf(drop);
    // Once the drop is sold for good its own holds are enough: a key that named a purchase in
    // another drop reads as unused here (the refusal, not idempotency_key_reused), where the
    // store's lookup would find it; nothing is written under it either way.
    const prior = final ? final.get(`${account.accountId}\u0000${key}`)
      : await this.deps.store.holdByIdempotency(account.accountId, key);
    if (prior) {
      return samePurchase(prior.requestHash, asked) ? ok({ hold: prior, replay: true })
        : dropKeyReused();
    }
    return refusal;
  }

  /** The drop's holds by account and key once every variant is sold for good, else null. */
  #finalHoldsOf(drop: Drop): Promise<Map<string, Hold> | null> | null {
    if (!drop.variants.every((v) => this.#isSoldForGood(drop.dropId, v.variant))) return null;
    const have = this.#finalHolds.get(drop.dropId);
    if (have) return have;
    const read = this.#finalHoldsRead(drop.dropId);
    // A failed read is not remembered: the next refusal reads again.
    read.catch(() => this.#finalHolds.delete(drop.dropId));
    this.#finalHolds.set(drop.dropId, read);
    return read;
  }

  /**
   * The drop's every hold by account and key, once every variant is sold for good (no hold can
   * be taken or change any more), or null when more than dropFinalHoldsMax. From the holds this
   * process saw (#seen) when they are all of the drop's (the store counts as many: a hold taken
   * by another process, before a restart, or offered from the waitlist makes the count differ),
   * else read from the store. A hold seen as held is read again: with nothing held any more, it
   * has ended since, or been paid in a batch whose result has not been handled yet.
   */
  async #finalHoldsRead(dropId: string): Promise<Map<string, Hold> | null> {
    const max = this.deps.limits.dropFinalHoldsMax;
    const seen = this.#seen.get(dropId);
    this.#seen.delete(dropId);
    if (seen && await this.deps.store.holdCount(dropId) === seen.size) {
      const final = seen;
      for (const [key, h] of seen) {
        if (h.status !== 'held') continue;
        const now = await this.deps.store.hold(h.holdId);
        if (now) final.set(key, now);
      }
      return final;
    }
    const holds = await this.deps.store.holdsOfDrop(dropId, max + 1);
    return holds.length > max ? null
      : new Map(holds.map((h) => [`${h.accountId}\u0000${h.idempotencyKey}`, h]));
  }

  /**
   * Whether the buyer's Idempotency-Key already names a hold (in any drop): its retry is
   * answered from it (a replay, or idempotency_key_reused), never refused by the waiting room.
   */
  async keyUsed(accountId: string, key: string): Promise<boolean> {
    return (await this.deps.store.holdByIdempotency(accountId, key)) !== null;
  }

  /**
   * Buys: holds, then pays. A retry with the same key pays a hold still held (the provider
   * answers a repeated reference with its first answer), returns a paid one as it is, and
   * refuses as before one that ended unpaid. Refusals: those of `hold` and `pay`.
   */
  async purchase(account: Account, dropId: string, input: PurchaseInput, key: string,
    source: string | null = null): Promise<Result<HoldOutcome>> {
    const held = await this.hold(account, dropId, input, key);
    if (!held.ok) return held;
    // A retry of a purchase that did not become a sale says why, as the first reply did.
    const status = held.value.hold.status;
    if (status === 'failed') return refuse('payment_declined');
    if (status === 'expired') return refuse('hold_expired');
    if (status === 'cancelled' || status === 'revoked') return refuse('hold_closed');
    if (status === 'paid') return held;
    // The hold as its batch returned it (or, for a replay, as the batch read it): paid from
    // that, not read again. One read and one event-loop turn less per unit sold.
    const paid = await this.#payHeld(account, held.value.hold, source);
    return paid.ok ? ok({ hold: paid.value, replay: held.value.replay }) : paid;
  }

  /**
   * Pays a held hold (a purchase's, or a waitlist offer's): charges, then makes it a sale.
   * `source`: the payment instrument the buyer named (X-Payment-Source), passed to the port.
   * Refusals: hold_not_found, hold_expired, hold_closed, payment_declined (the hold is ended
   * and its units returned), overloaded/store_unavailable (the hold stays until its deadline).
   */
  async pay(account: Account, dropId: string, holdId: string, source: string | null = null):
    Promise<Result<Hold>> {
    const h = await this.deps.store.hold(holdId);
    if (!h || h.dropId !== dropId || h.accountId !== account.accountId) {
      return refuse('hold_not_found');
    }
    return this.#payHeld(account, h, source);
  }

  /**
   * Pays `h`, the buyer's hold as last read or committed: charges, then makes it a sale. The
   * settle's batch checks again, under the drop's lock, that it is still held.
   */
  async #payHeld(account: Account, h: Hold, source: string | null): Promise<Result<Hold>> {
    const { dropId, holdId } = h;
    if (h.status === 'paid') return ok(h);
    if (h.status !== 'held') return refuse(h.status === 'expired' ? 'hold_expired' : 'hold_closed');
    if (h.expiresAtMs <= this.deps.clock.nowMs()) return refuse('hold_expired');
    // With the hold, so that the batch settles it without reading it first.
    const settle = (outcome: 'paid' | 'failed') => this.#settle({ dropId, holdId,
      accountId: account.accountId, outcome, times: this.#times, hold: h });
    const charged = await this.deps.payments.charge({ reference: h.paymentReference,
      amountFen: h.amountFen, payer: account.accountId, source });
    if (charged.status !== 'approved') {
      await settle('failed');
      return refuse('payment_declined');
    }
    let r: Result<Hold>;
    try {
      r = await settle('paid');
    } catch (err) {
      // The sale may have been made: the charge goes only if not. The shell answers the throw
      // (a purchase's pass stays with its key: settledWrite); paying again answers which.
      await this.#voidUnlessPaid(h.paymentReference);
      throw err;
    }
    // The hold ended while the payment was being taken: nothing holds the charge. A settle
    // whose outcome is unknown (commit_unknown) may have made the sale: voided only if not.
    if (!r.ok && r.code === 'commit_unknown') {
      await this.#voidUnlessPaid(h.paymentReference);
    } else if (!r.ok && r.code !== 'store_unavailable' && r.code !== 'overloaded') {
      await this.#void(h.paymentReference);
    } else if (!r.ok) {
      // Refused for load: the hold stays held, charged, and its key's retry pays it; the pass
      // that got this purchase in stays spent (givesPassBack), or it could buy again.
      return { ...r, heldUnderKey: true };
    }
    return r;
  }

  /** Lets a held hold (or a waitlist offer) go: its units return at once. */
  async cancel(account: Account, dropId: string, holdId: string): Promise<Result<Hold>> {
    return this.#settle({ dropId, holdId, accountId: account.accountId, outcome: 'cancelled',
      times: this.#times });
  }

  /**
   * Submits a settle (dropSettle, essential); where the database decided nothing (HOLD_AGAIN:
   * a hold past due, or units to offer down the waitlist) it is decided again under the lock.
   */
  async #settle(cmd: SettleCommand): Promise<Result<Hold>> {
    let r = await this.submit('dropSettle', cmd, true, dropLane(cmd.dropId));
    if (r === HOLD_AGAIN) {
      r = await this.submit('dropSettle', { ...cmd, underLock: true }, true,
        dropLane(cmd.dropId));
    }
    assert.ok(r !== HOLD_AGAIN, 'a settle decided under the lock is decided');
    return this.#noted(r);
  }

  /** Joins the waitlist of a sold-out variant (one unit). Refusals: see dropJoin. */
  async join(account: Account, dropId: string, variant: string): Promise<Result<JoinOutcome>> {
    const drop = await this.drop(dropId);
    if (!drop) return refuse('drop_not_found');
    if (!findVariant(drop, variant)) return unknownVariant(drop, variant);
    return this.submit('dropJoin', { dropId, variant, accountId: account.accountId,
      identityKey: identityKey(account), waitlistMax: this.deps.limits.dropWaitlistMax,
      times: this.#times }, false, dropLane(dropId));
  }

  /**
   * `drop_limit_reached` when the account, or its identity number, already holds or bought as
   * many units of the drop as it allows (held, paid and revoked units count, as a purchase
   * counts them); else null, also for no such drop or account, and before the opening (nothing
   * can be held then, so nothing is read). A waiting room's join asks it (the composition's
   * targetAtLimit): such a place would only lead to this refusal, while the pass it earned
   * counted against the room's active cap. The purchase still decides under the drop's lock.
   */
  async limitReached(dropId: string, accountId: string): Promise<Refusal | null> {
    const drop = await this.drop(dropId);
    if (!drop || this.deps.clock.nowMs() < drop.opensAtMs) return null;
    const account = await this.deps.store.accountById(accountId);
    if (!account) return null;
    return limitRefusal(drop,
      await this.deps.store.holding(dropId, accountId, identityKey(account)), 1);
  }

  /**
   * A buyer's holds and waitlist places in a drop, each place with how many wait ahead, and
   * the operator's cancels among the holds (`revokes`, by hold id).
   */
  async mine(account: Account, dropId: string): Promise<{ holds: Hold[];
    entries: Array<{ entry: WaitlistEntry; ahead: number }>; revokes: Map<string, HoldRevoke> }> {
    const [holds, entries] = await Promise.all([
      this.deps.store.holdsOf(dropId, account.accountId, this.deps.limits.dropsListMax),
      this.deps.store.entriesOf(dropId, account.accountId)]);
    return { holds, entries, revokes: await this.revokesOf(holds) };
  }

  /** Operator cancels read, by hold id (null: none), at most Limits.dropRevokesKeptMax. */
  #revokes = new Map<string, HoldRevoke | null>();

  /**
   * The operator's cancels among `holds` (drop-revoke.ts), by hold id: a `revoked` hold's
   * audit entry, written with the revoke and never changed, so each is read once per process
   * and kept (the drop page asks every 2 s).
   */
  async revokesOf(holds: readonly Hold[]): Promise<Map<string, HoldRevoke>> {
    const ended = holds.filter((h) => h.status === 'revoked');
    const unread = ended.map((h) => h.holdId).filter((id) => !this.#revokes.has(id));
    if (unread.length > 0) {
      const read = await this.deps.store.revokesOf(unread);
      if (this.#revokes.size + unread.length > this.deps.limits.dropRevokesKeptMax) {
        this.#revokes = new Map();
      }
      for (const id of unread) this.#revokes.set(id, read.get(id) ?? null);
    }
    const out = new Map<string, HoldRevoke>();
    for (const h of ended) {
      const r = this.#revokes.get(h.holdId);
      if (r) out.set(h.holdId, r);
    }
    return out;
  }

  /**
   * A buyer's purchases across drops for My orders: their held and paid holds (a hold ended
   * without a sale bought nothing), newest first within a drop, in the drops' order (by
   * opening), a page of at most `dropsPerPage` drops after the drop `afterDropId` (null: from
   * the first). `nextAfter`: the drop to ask after for the next page, null on the last. One read
   * per drop of the page: bounded by the page, and drops are few (dropsListMax).
   */
  async purchasesOf(account: Account, afterDropId: string | null, dropsPerPage: number):
    Promise<{ purchases: Array<{ drop: Drop; hold: Hold; revoke: HoldRevoke | null }>;
      nextAfter: string | null }> {
    const drops = await this.list();
    const from = afterDropId === null ? 0
      : drops.findIndex((d) => d.dropId === afterDropId) + 1;
    // An id no drop has names no page: nothing after it.
    if (from === 0 && afterDropId !== null) return { purchases: [], nextAfter: null };
    const page = drops.slice(from, from + dropsPerPage);
    const holds = await Promise.all(page.map((d) => this.deps.store.holdsOf(d.dropId,
      account.accountId, this.deps.limits.dropsListMax)));
    // A purchase an operator cancelled stays listed, with the reason and the refund: it
    // vanished from its buyer's list (the new user's find 9).
    const revokes = await this.revokesOf(holds.flat());
    const purchases = page.flatMap((drop, i) => holds[i]!
      .filter((h) => h.status === 'held' || h.status === 'paid' || revokes.has(h.holdId))
      .map((hold) => ({ drop, hold, revoke: revokes.get(hold.holdId) ?? null })));
    return { purchases, nextAfter: from + dropsPerPage < drops.length
      ? page[page.length - 1]!.dropId : null };
  }

  /** Ends the holds and offers past their deadline (the server's timer); returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.submit('dropSweep', { times: this.#times, limit: 5_000 }, true,
        SWEEP_LANE);
      if (typeof n !== 'number') return total;
      total += n;
      if (n < 5_000) return total;
    }
  }

  /**
   * Records a refund the provider confirmed, if it is a drop's (a sale an operator cancelled,
   * drop-revoke.ts): in the audit log as `drop_refund_settled` with the hold's id, in the
   * settling transaction, since a drop's hold has no history of its own and is not an order.
   * False (nothing written) for a refund that is not a drop's. The payment reconciler's
   * settlement asks it (launchday.ts), for notifications and status queries alike.
   */
  async refundSettled(tx: StoreTx, refund: { orderId: string; reference: string;
    amountFen: number; atMs: number; detail: Readonly<Record<string, unknown>> }):
    Promise<boolean> {
    if (!isDropPaymentReference(refund.reference)) return false;
    await tx.appendAudit({ atMs: refund.atMs, actor: 'payment_provider',
      action: 'drop_refund_settled', detail: { hold_id: refund.orderId,
        reference: refund.reference, amount_fen: refund.amountFen, ...refund.detail } });
    return true;
  }

  /**
   * Whether a charge at the provider is a drop's and still held by it (a hold waiting for it,
   * or a sale): the payment reconciler voids a drop's charge only when this says no.
   */
  async holdsCharge(reference: string): Promise<boolean> {
    if (!isDropPaymentReference(reference)) return false;
    const h = await this.deps.store.holdByReference(reference);
    if (h === null) return false;
    if (HOLDING.has(h.status)) return true;
    // A sale an operator cancelled returns its money by a refund, never by a void: until the
    // refund is handed to the provider its charge is held (as orders' reconciler keeps an
    // order's), else a crash between the cancel and the refund would void and refund it both.
    if (h.status !== 'revoked') return false;
    const refund = await this.deps.store.transaction((tx) => tx.refundOf(reference));
    return refund !== null && refund.sentAtMs === null;
  }

  /**
   * Voids the charge of a hold whose paying settle's outcome is unknown, only if the hold no
   * longer holds it (holdsCharge: ended unpaid). A hold still held may be paid yet by another
   * request charged under the same reference (a double tap, one key sent twice): voided now,
   * that sale was made with its charge gone. Left held, the charge is the retry's (the provider
   * answers the reference with its first answer) or the reconciler's sweep's once the hold ends.
   */
  async #voidUnlessPaid(reference: string): Promise<void> {
    try {
      if (!(await this.holdsCharge(reference))) await this.#void(reference);
    } catch {
      // The store cannot say: the reconciler's sweep decides later (holdsCharge).
    }
  }

  async #void(reference: string): Promise<void> {
    try {
      await this.deps.payments.void({ reference });
    } catch {
      // Left to the reconciler's sweep, which asks holdsCharge.
    }
  }
}
