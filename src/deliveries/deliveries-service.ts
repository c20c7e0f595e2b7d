// Deliveries' use cases: the record made when a car is allocated, the car marked ready, the
// balance paid in parts through the payment port (its signed notifications taken in any order,
// twice, late or failed), deferrals, the sweep of deadlines (reminder, notice, grace, release),
// appointments with per-centre slot capacity, no-shows and the handover. Each change is one
// transaction; messages to the buyer go to the notifications outbox in it, keyed so that each
// is sent once.
import { hash } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import { newId } from '../kernel/ids.js';
import { ok, refuse, type OutcomeCode, type Result } from '../kernel/outcomes.js';
import type { Store, StoreTx } from '../kernel/store/store.js';
import type { NotificationDraft } from '../notifications/index.js';
import { handOverOrders, type SettledRefund } from '../orders/index.js';
import { verify, type PaymentProvider } from '../payments/index.js';
import { servingCentre, stateOf, weekOf, type ProductionService } from '../production/index.js';
import {
  applySweep, checkPart, credited, creditedPrice, DAY_MS, deferralDaysLeft, isBookableSlot,
  markedReady, openFen, outstandingFen, paidInFull, reallocated, released, settlePart, sweepAction, withSweep, chargedFen,
  type BalancePart, type Delivery, type DeliveryRules, type LedgerMove, type Method,
  type PartOutcome, type ReleaseReason,
} from './delivery.js';
import { parseCollectionNotice } from './collection-notice.js';
import { CollectionReconciler, type CollectionReport } from './collection-reconciler.js';

export interface DeliveriesDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: Limits;
  readonly payments: PaymentProvider;
  /** Shared with the payment provider: signs its notifications. */
  readonly paymentSecret: string;
  /** Takes a car back and allocates it again by the rules (production). */
  readonly production: Pick<ProductionService, 'releaseCar'>;
}

/** Who asks: a buyer (their account) or an operator (the actor written in the audit log). */
export type Asker = { readonly accountId: string } | { readonly actor: string };

/** What a deferral did: the record, and where its car went (an order, or ready stock). */
export interface Deferred {
  readonly delivery: Delivery;
  readonly carToOrderId: string | null;
}

/** The payment reference of a balance part: the same order and key pay under the same one. */
export const partReference = (orderId: string, key: string): string =>
  `bal_${hash('sha256', `${orderId}\u0000${key}`, 'base64url').slice(0, 32)}`;

/**
 * The payment reference of a refund a price credit takes from a part: one per part and price
 * version (the part's own reference is its surplus refund's, at settlement).
 */
export const creditRefundReference = (partRef: string, version: number): string =>
  `${partRef}:credit:${version}`;

/** Whether a payment reference is a balance part's or one of its refunds' (`bal_`). */
export const isBalanceReference = (reference: string): boolean => reference.startsWith('bal_');

export class DeliveriesService {
  readonly rules: DeliveryRules;
  #sweeping: Promise<number> | null = null;
  readonly #collections: CollectionReconciler;
  /**
   * Price-protection credits already given to these orders, fen per order (the composition's:
   * price books). A car allocated after a credit is charged the lower price. Null: none.
   */
  creditsOf: ((tx: StoreTx, orderIds: readonly string[]) =>
    Promise<ReadonlyMap<string, number>>) | null = null;
  /** Where the money moves go in the same transaction (the composition's: the ledger). */
  onLedger: ((tx: StoreTx, moves: readonly LedgerMove[]) => Promise<void>) | null = null;

  constructor(private readonly deps: DeliveriesDeps) {
    this.rules = deps.limits;
    this.#collections = new CollectionReconciler({ ...deps,
      settle: (reference, outcome, amountFen, source) => this.settle(reference, outcome,
        amountFen, source),
      resend: async (part) => {
        const d = await deps.store.delivery(part.orderId);
        return this.#collect(part, d?.accountId ?? '', false);
      } });
  }

  /**
   * One round of the collection reconciler (collection-reconciler.ts): pending parts whose
   * notification is late are asked about at the provider and settled on its answer.
   */
  reconcileCollections(): Promise<CollectionReport> {
    return this.#collections.reconcile();
  }

  // ---------- records ----------

  /**
   * Called inside a production run's (or a release's) transaction with each car just
   * allocated: a new record at `built`, or a released order's next cycle with its money kept.
   */
  async onCarsAllocated(tx: StoreTx, allocated: ReadonlyArray<{ vin: string; orderId: string }>,
    atMs: number): Promise<void> {
    if (allocated.length === 0) return;
    const ids = allocated.map((a) => a.orderId);
    const existing = new Map((await tx.deliveriesForUpdate(ids)).map((d) => [d.orderId, d]));
    const orders = new Map((await tx.ordersForUpdate(ids)).map((o) => [o.orderId, o]));
    const centres = stateOf([], await tx.centresInForce()).centres;
    const fresh = ids.filter((id) => !existing.has(id));
    const credits = fresh.length > 0 && this.creditsOf ? await this.creditsOf(tx, fresh)
      : new Map<string, number>();
    const out: Delivery[] = [];
    const moves: LedgerMove[] = [];
    for (const a of allocated) {
      const before = existing.get(a.orderId);
      if (before) {
        const next = reallocated(before, a.vin, atMs);
        out.push(next);
        // The first car's message is keyed by the order alone (the composition's); each later
        // car's by its cycle, so the buyer hears of every car once.
        await tx.enqueueNotifications([{ key: `order_scheduled:${a.orderId}:${next.cycle}`,
          accountId: before.accountId, orderId: a.orderId, kind: 'order_scheduled',
          params: { order_id: a.orderId, vin: a.vin } }], atMs);
        continue;
      }
      const o = orders.get(a.orderId)!;
      const centre = servingCentre(centres, o.city, weekOf(atMs)).centre ?? o.city;
      out.push({ orderId: o.orderId, accountId: o.accountId, launchId: o.launchId, city: o.city,
        centre, vin: a.vin, priceFen: creditedPrice(o.priceFen, o.depositFen,
          credits.get(o.orderId) ?? 0),
        depositFen: o.depositFen, cycle: 1,
        stage: 'built', scheduledAtMs: atMs, readyAtMs: null, dueAtMs: null,
        remindedAtMs: null, noticeAtMs: null, graceEndsAtMs: null, receivedFen: 0,
        pendingFen: 0, refundedFen: 0, deferredUntilMs: null, deferredDays: 0,
        releasedAtMs: null, releaseReason: null, noShows: 0, slotStartMs: null,
        deliveredAtMs: null, revenueFen: null, nextSweepAtMs: null, updatedAtMs: atMs });
      // Due at the order's price: the books take the credits off it themselves.
      moves.push({ entryKey: `balance_due:${o.orderId}`, orderId: o.orderId,
        launchId: o.launchId, accountId: o.accountId, kind: 'balance_due',
        amountFen: o.priceFen - o.depositFen, atMs });
    }
    await tx.putDeliveries(out);
    await this.#ledger(tx, moves);
  }

  /** The order view's short form of the delivery (orders' DeliverySource); null before a car. */
  async deliveryOf(order: { orderId: string }): Promise<{ stage: string; outstandingFen: number;
    dueAtMs: number | null; slotStartMs: number | null } | null> {
    const d = await this.deps.store.delivery(order.orderId);
    return d && { stage: d.stage, outstandingFen: Math.max(0, outstandingFen(d)),
      dueAtMs: d.dueAtMs, slotStartMs: d.slotStartMs };
  }

  /** Orders an allocation passes over now: their deferral runs (production's HeldBackSource). */
  async heldBack(tx: StoreTx, atMs: number): Promise<ReadonlySet<string>> {
    return new Set(await tx.deferredOrders(atMs));
  }

  /**
   * The record of an order as `asker` may see it: a buyer only their own (`order_not_found`
   * otherwise); `delivery_not_started` while no car was ever allocated.
   */
  async view(asker: Asker, orderId: string):
    Promise<Result<{ delivery: Delivery; parts: BalancePart[] }>> {
    const d = await this.deps.store.delivery(orderId);
    const refusal = await this.#refusal(asker, orderId, d);
    if (refusal) return refuse(refusal);
    return ok({ delivery: d!, parts: await this.deps.store.balanceParts(orderId) });
  }

  /** Why `asker` may not act on the record (null when they may). */
  async #refusal(asker: Asker, orderId: string, d: Delivery | null): Promise<OutcomeCode | null> {
    if (d === null) {
      const o = await this.deps.store.order(orderId);
      if (o === null || ('accountId' in asker && o.accountId !== asker.accountId)) {
        return 'order_not_found';
      }
      return 'delivery_not_started';
    }
    return 'accountId' in asker && d.accountId !== asker.accountId ? 'order_not_found' : null;
  }

  /** A transaction over one record, locked; `fn` refuses or returns the new value. */
  async #withRecord<T>(asker: Asker, orderId: string, release: boolean,
    fn: (tx: StoreTx, d: Delivery, nowMs: number) => Promise<Result<T>>): Promise<Result<T>> {
    const first = await this.deps.store.delivery(orderId);
    const refusal = await this.#refusal(asker, orderId, first);
    if (refusal) return refuse(refusal);
    return this.deps.store.transaction(async (tx) => {
      // A release allocates the car again: it waits for re-plans and production runs first.
      if (release) await tx.lockPlanning();
      const [d] = await tx.deliveriesForUpdate([orderId]);
      return fn(tx, d!, this.deps.clock.nowMs());
    });
  }

  // ---------- the car at the centre ----------

  /**
   * An operator marks the car ready for inspection at the centre: the balance deadline starts
   * now (`balanceDeadlineDays`), and the buyer is told what is due, by when, and what follows
   * (a `balance_due` message, once per car). Again on a ready car: the same record.
   * Outcomes: `delivery_not_started` (no car now), `already_delivered`.
   */
  markReady(actor: string, orderId: string): Promise<Result<Delivery>> {
    return this.#withRecord({ actor }, orderId, false, async (tx, d, nowMs) => {
      if (d.stage === 'ready') return ok(d);
      if (d.stage === 'delivered') return refuse('already_delivered');
      if (d.stage === 'released') return refuse('delivery_not_started');
      const next = markedReady(d, nowMs, this.rules);
      await tx.putDeliveries([next]);
      if (!paidInFull(next)) {
        await tx.enqueueNotifications([{ key: `balance_due:${d.orderId}:${d.cycle}`,
          accountId: d.accountId, orderId: d.orderId, kind: 'balance_due',
          params: { order_id: d.orderId, outstanding_fen: outstandingFen(next),
            due_at_ms: next.dueAtMs!, grace_days: this.rules.balanceGraceDays } }], nowMs);
      }
      await tx.appendAudit({ atMs: nowMs, actor, action: 'car_ready', detail: {
        order_id: d.orderId, vin: d.vin, due_at_ms: next.dueAtMs } });
      return ok(next);
    });
  }

  /**
   * Marks ready every car built for a centre (an arriving truck), up to `deliveriesListMax` a
   * call, each as `markReady` does it (its own transaction and message). The orders marked.
   */
  async markCentreReady(actor: string, centre: string): Promise<string[]> {
    const built = await this.deps.store.deliveries({ stage: 'built', centre },
      this.deps.limits.deliveriesListMax);
    const marked: string[] = [];
    for (const d of built) {
      if ((await this.markReady(actor, d.orderId)).ok) marked.push(d.orderId);
    }
    return marked;
  }

  // ---------- the balance ----------

  /**
   * The buyer asks to pay `amountFen` of the balance by `method`, under their Idempotency-Key:
   * the part is recorded pending, then handed to the payment port (`collect`; a provider
   * without it is asked `charge`, whose answer settles the part at once). The same key again
   * returns the same part (`replay`), never a second payment. Outcomes: `delivery_not_started`,
   * `already_delivered`, `balance_covered`, `balance_parts_limit`, `balance_part_invalid`.
   */
  async payPart(accountId: string, orderId: string, key: string, amountFen: number,
    method: Method): Promise<Result<{ part: BalancePart; delivery: Delivery; replay: boolean }>> {
    const r = await this.#withRecord({ accountId }, orderId, false, async (tx, d, nowMs) => {
      const seen = await tx.balancePartByKey(orderId, key);
      if (seen) {
        return seen.amountFen === amountFen && seen.method === method
          ? ok({ part: seen, delivery: d, replay: true }) : refuse('idempotency_key_reused',
            'This Idempotency-Key was already used for a balance part of this order with '
            + 'another amount or method; use a new key for a new part.');
      }
      if (d.stage === 'delivered') return refuse('already_delivered');
      if (d.stage === 'released') return refuse('delivery_not_started');
      const check = checkPart(d, amountFen, await tx.livePartCount(orderId), this.deps.limits);
      if (check === 'balance_part_invalid') {
        // Name the bounds: "the smallest part allowed" alone left the buyer guessing.
        const open = openFen(d);
        const least = Math.min(this.deps.limits.balancePartMinFen, open);
        return refuse(check, `A part must be a whole number of fen from ${least} to ${open} `
          + `(${least / 100} to ${open / 100} yuan): what is still due, or less.`);
      }
      if (check !== 'ok') return refuse(check);
      const part: BalancePart = { partId: newId('bpt'), orderId, method, amountFen,
        reference: partReference(orderId, key), status: 'pending', requestedAtMs: nowMs,
        settledAtMs: null, refundedFen: 0, refundedAtMs: null, idempotencyKey: key };
      const next = withSweep({ ...d, pendingFen: d.pendingFen + amountFen, updatedAtMs: nowMs },
        this.rules);
      await tx.insertBalancePart(part);
      await tx.putDeliveries([next]);
      return ok({ part, delivery: next, replay: false });
    });
    if (!r.ok || r.value.part.status !== 'pending') return r;
    // Asked after the commit: the part exists before any money moves, so a notification that
    // comes back at once finds it, and a crash in between leaves a part the same key re-sends.
    const outcome = await this.#collect(r.value.part, r.value.delivery.accountId);
    if (outcome === null) return r;
    await this.settle(r.value.part.reference, outcome, r.value.part.amountFen, 'provider_reply');
    const [part, delivery] = await Promise.all([
      this.deps.store.balanceParts(orderId).then((ps) => ps.find((p) => p.partId
        === r.value.part.partId)!), this.deps.store.delivery(orderId)]);
    return ok({ part, delivery: delivery!, replay: r.value.replay });
  }

  /** The provider's answer to a part: null while its notification is awaited. */
  async #collect(part: BalancePart, accountId: string, unreachableFails = true):
    Promise<PartOutcome | null> {
    // A loan or lease part is paid by the finance provider for the buyer.
    const payer = part.method === 'loan' || part.method === 'lease'
      ? `finance:${part.method}:${accountId}` : accountId;
    try {
      const p = this.deps.payments;
      if (p.collect) {
        const c = await p.collect({ reference: part.reference, amountFen: part.amountFen, payer,
          method: part.method });
        return c.status === 'pending' ? null : 'failed';
      }
      const c = await p.charge({ reference: part.reference, amountFen: part.amountFen, payer });
      return c.status === 'approved' ? 'succeeded' : 'failed';
    } catch (err) {
      // Unreachable: counted as failed so the buyer can pay again. Should the provider have
      // taken it after all, its success still counts (settlePart), and any excess goes back.
      // The reconciler instead leaves the part pending and asks again later.
      if (!unreachableFails) throw err;
      return 'failed';
    }
  }

  /**
   * The provider's word on a part, in one transaction: the part settled by `settlePart`, the
   * record's sums kept in step, money events for the books, a refund queued through the
   * payment outbox when money came in beyond what is due. An unknown reference or another
   * amount is kept as an anomaly and changes nothing.
   */
  settle(reference: string, outcome: PartOutcome, amountFen: number, source: string):
    Promise<{ anomaly: string | null }> {
    return this.deps.store.transaction((tx) => this.#settleIn(tx, reference, outcome, amountFen,
      source));
  }

  async #settleIn(tx: StoreTx, reference: string, outcome: PartOutcome, amountFen: number,
    source: string): Promise<{ anomaly: string | null }> {
    {
      const nowMs = this.deps.clock.nowMs();
      const part = await tx.balancePartForUpdate(reference);
      const anomaly = async (kind: string, orderId: string) => {
        await tx.recordDeliveryAnomaly({ atMs: nowMs, orderId, reference, kind,
          detail: JSON.stringify({ outcome, amount_fen: amountFen, source }) });
        return { anomaly: kind };
      };
      if (part === null) return anomaly('collection_unknown', '');
      if (part.amountFen !== amountFen) return anomaly('amount_mismatch', part.orderId);
      const [d] = await tx.deliveriesForUpdate([part.orderId]);
      const s = settlePart(d!, part, outcome, nowMs, this.rules);
      if (s.part !== part) await tx.updateBalancePart(s.part);
      if (s.delivery !== d) await tx.putDeliveries([s.delivery]);
      const events = [
        ...(s.receivedFen > 0 ? [{ kind: 'balance_received' as const, amountFen: s.receivedFen }]
          : []),
        ...(s.refundFen > 0 ? [{ kind: 'balance_refunded' as const, amountFen: s.refundFen }]
          : [])];
      await tx.insertMoneyEvents(events.map((e) => ({ ...e, orderId: part.orderId, reference,
        atMs: nowMs })));
      await this.#ledger(tx, events.map((e) => ({ ...e, entryKey: `${e.kind}:${reference}`,
        orderId: d!.orderId, launchId: d!.launchId, accountId: d!.accountId, atMs: nowMs })));
      if (s.refundFen > 0) {
        await tx.queuePayment({ opId: newId('pop'), kind: 'refund', reference,
          orderId: part.orderId, amountFen: s.refundFen, createdAtMs: nowMs });
      }
      if (s.anomaly !== null) return anomaly(s.anomaly, part.orderId);
      return { anomaly: null };
    }
  }

  /**
   * A signed notification from the provider about a part (`collection.succeeded` or
   * `collection.failed`), recorded once per event id and reference (a second copy changes
   * nothing), settled whatever order they come in. Outcomes: `signature_invalid`,
   * `invalid_json`, `invalid_request` (the provider sends it again).
   */
  async receiveNotification(body: string, signature: string | undefined):
    Promise<Result<{ duplicate: boolean; anomaly: string | null }>> {
    const signedAtMs = Date.now();
    if (!verify(this.deps.paymentSecret, signature, body, signedAtMs)) {
      return refuse('signature_invalid');
    }
    const n = parseCollectionNotice(body, signedAtMs);
    if (!n.ok) return n;
    const nowMs = this.deps.clock.nowMs();
    // Recorded and settled in one transaction: a crash between them would make the provider's
    // next copy look like a duplicate of a notice never applied.
    return ok(await this.deps.store.transaction(async (tx) => {
      if (!(await tx.recordNotification(n.value.eventId, n.value.type, n.value.reference,
        nowMs))) {
        return { duplicate: true, anomaly: null };
      }
      const r = await this.#settleIn(tx, n.value.reference,
        n.value.type === 'collection.succeeded' ? 'succeeded' : 'failed', n.value.amountFen,
        `notification ${n.value.eventId}`);
      return { duplicate: false, anomaly: r.anomaly };
    }));
  }

  // ---------- deferral and releases ----------

  /**
   * The buyer defers taking the car by `days` (all deferrals of the order together up to
   * `deferralMaxDays`). The rule (DOMAIN.md step 4, "strictly by lock time among orders of the
   * same configuration"): the car goes now to the first order of its configuration by
   * production sequence that waits for one, else to ready stock; the deferred order keeps its
   * place and is passed over until the deferral ends, then takes the next car of its
   * configuration. The money paid stays with the order. Outcomes: `deferral_not_allowed`,
   * `already_delivered`, `deferral_too_long`.
   */
  defer(accountId: string, orderId: string, days: number): Promise<Result<Deferred>> {
    return this.#withRecord({ accountId }, orderId, true, async (tx, d, nowMs) => {
      if (d.stage === 'delivered') return refuse('already_delivered');
      if (d.stage === 'released') return refuse('deferral_not_allowed');
      const left = deferralDaysLeft(d, this.rules);
      if (days > left) {
        return refuse('deferral_too_long', `This order has ${left} days of deferral left.`);
      }
      const untilMs = nowMs + days * DAY_MS;
      const r = await this.#release(tx, { ...d, deferredDays: d.deferredDays + days },
        'deferral', nowMs, untilMs, `buyer:${accountId}`);
      return ok(r);
    });
  }

  /**
   * Takes the car, gives it to the next order or ready stock, and tells the buyer; `actor`
   * (who caused it) goes to the audit log.
   */
  async #release(tx: StoreTx, d: Delivery, reason: ReleaseReason, nowMs: number,
    untilMs: number | null, actor: string): Promise<Deferred> {
    if (d.slotStartMs !== null) await tx.freeSlot(d.centre, d.slotStartMs);
    const car = await this.deps.production.releaseCar(tx, d.orderId, reason, nowMs);
    const next = released(d, reason, nowMs, untilMs);
    await tx.putDeliveries([next]);
    await tx.enqueueNotifications([{ key: `car_released:${d.orderId}:${d.cycle}`,
      accountId: d.accountId, orderId: d.orderId, kind: 'car_released',
      params: { order_id: d.orderId, reason, until_ms: untilMs ?? 0 } }], nowMs);
    await tx.appendAudit({ atMs: nowMs, actor, action: 'car_released',
      detail: { order_id: d.orderId, reason, vin: car?.vin ?? null,
        to_order_id: car?.toOrderId ?? null, until_ms: untilMs } });
    return { delivery: next, carToOrderId: car?.toOrderId ?? null };
  }

  /**
   * One round of the deadlines: for each ready record whose time has come, the reminder, the
   * notice (the grace starts) or the release, each once (keyed messages; the record says what
   * was done). Returns the steps taken. A round still running is joined, not doubled.
   */
  sweep(): Promise<number> {
    if (this.#sweeping) return this.#sweeping;
    const run = this.#sweepOnce().finally(() => {
      this.#sweeping = null;
    });
    this.#sweeping = run;
    return run;
  }

  async #sweepOnce(): Promise<number> {
    // A read first: most rounds have nothing to do, and then no write transaction is opened
    // (on SQLite that would pause the writer thread every round).
    const next = await this.deps.store.nextSweepAt();
    if (next === null || next > this.deps.clock.nowMs()) return 0;
    return this.deps.store.transaction(async (tx) => {
      await tx.lockPlanning();
      const nowMs = this.deps.clock.nowMs();
      let steps = 0;
      for (let d of await tx.deliveriesDue(nowMs, this.deps.limits.deliverySweepBatchMax)) {
        for (let a = sweepAction(d, nowMs, this.rules); a !== null;
          a = sweepAction(d, nowMs, this.rules)) {
          steps++;
          if (a === 'release') {
            d = (await this.#release(tx, d, 'lapsed', nowMs, null, 'system')).delivery;
            break;
          }
          d = applySweep(d, a, nowMs, this.rules);
          await tx.putDeliveries([d]);
          await tx.enqueueNotifications([this.#sweepMessage(d, a)], nowMs);
        }
        if (d.nextSweepAtMs !== null && d.nextSweepAtMs <= nowMs && d.stage === 'ready') {
          // Waiting for a part under way: looked at again in a day, not every round.
          d = { ...d, nextSweepAtMs: nowMs + DAY_MS };
          await tx.putDeliveries([d]);
        }
      }
      return steps;
    });
  }

  #sweepMessage(d: Delivery, a: 'remind' | 'notice'): NotificationDraft {
    const base = { accountId: d.accountId, orderId: d.orderId };
    return a === 'remind'
      ? { ...base, key: `balance_reminder:${d.orderId}:${d.cycle}`, kind: 'balance_reminder',
        params: { order_id: d.orderId, outstanding_fen: outstandingFen(d),
          due_at_ms: d.dueAtMs! } }
      : { ...base, key: `balance_overdue:${d.orderId}:${d.cycle}`, kind: 'balance_overdue',
        params: { order_id: d.orderId, outstanding_fen: outstandingFen(d),
          grace_ends_at_ms: d.graceEndsAtMs! } };
  }

  // ---------- appointments and handover ----------

  /** A centre's slot capacity: the operator's, else the default (`slotCapacity`). */
  async capacityOf(tx: StoreTx, centre: string): Promise<number> {
    return (await tx.slotCapacityOf(centre)) ?? this.deps.limits.slotCapacity;
  }

  /**
   * The buyer books (or moves to) the slot starting at `slotMs` at the order's centre, once
   * the car is ready and the balance received in full. The old slot's place is given back in
   * the same transaction; a slot never holds more than its capacity. Outcomes:
   * `delivery_not_ready`, `delivery_not_started`, `already_delivered`, `balance_outstanding`,
   * `slot_invalid`, `slot_full`.
   */
  book(accountId: string, orderId: string, slotMs: number): Promise<Result<Delivery>> {
    return this.#withRecord({ accountId }, orderId, false, async (tx, d, nowMs) => {
      const stage = stageRefusal(d);
      if (stage) return refuse(stage);
      if (!paidInFull(d) || d.pendingFen > 0) return refuse('balance_outstanding');
      if (!isBookableSlot(slotMs, nowMs, this.rules)) {
        return refuse('slot_invalid', `${new Date(slotMs).toISOString()} is not a slot offered `
          + 'now: pick a slot_start from GET /orders/{order_id}/delivery/slots.');
      }
      if (d.slotStartMs === slotMs) return ok(d);
      if (!(await tx.takeSlot(d.centre, slotMs, await this.capacityOf(tx, d.centre)))) {
        return refuse('slot_full');
      }
      if (d.slotStartMs !== null) await tx.freeSlot(d.centre, d.slotStartMs);
      const next = { ...d, slotStartMs: slotMs, updatedAtMs: nowMs };
      await tx.putDeliveries([next]);
      return ok(next);
    });
  }

  /**
   * An operator records that the buyer did not come to the appointment (once it has begun):
   * the slot is freed; at `noShowMax` missed appointments the rule applies: the car is
   * released as for a lapsed balance. Outcomes: `appointment_not_found`, `appointment_not_due`.
   */
  noShow(actor: string, orderId: string): Promise<Result<Deferred>> {
    return this.#withRecord({ actor }, orderId, true, async (tx, d, nowMs) => {
      if (d.stage === 'delivered') return refuse('already_delivered');
      if (d.slotStartMs === null) return refuse('appointment_not_found');
      if (nowMs < d.slotStartMs) return refuse('appointment_not_due');
      await tx.freeSlot(d.centre, d.slotStartMs);
      const next: Delivery = { ...d, slotStartMs: null, noShows: d.noShows + 1,
        updatedAtMs: nowMs };
      await tx.appendAudit({ atMs: nowMs, actor, action: 'appointment_missed', detail: {
        order_id: d.orderId, no_shows: next.noShows } });
      if (next.noShows >= this.rules.noShowMax) {
        return ok(await this.#release(tx, next, 'no_show', nowMs, null, actor));
      }
      await tx.putDeliveries([next]);
      return ok({ delivery: next, carToOrderId: null });
    });
  }

  /**
   * The handover: inspection confirmed and keys given, at a booked appointment, the balance
   * received in full. The order is delivered; the deposit is applied and the revenue
   * recognised (deposit + received - refunded: the price charged), as money events with the
   * time. Outcomes: `handover_unconfirmed`, `delivery_not_ready`, `already_delivered`,
   * `appointment_not_found`, `balance_outstanding`.
   */
  handover(actor: string, orderId: string, confirmed: boolean): Promise<Result<Delivery>> {
    if (!confirmed) return Promise.resolve(refuse('handover_unconfirmed'));
    return this.#withRecord({ actor }, orderId, false, async (tx, d, nowMs) => {
      const stage = stageRefusal(d);
      if (stage) return refuse(stage);
      if (d.slotStartMs === null) return refuse('appointment_not_found');
      if (!paidInFull(d) || d.pendingFen > 0) return refuse('balance_outstanding');
      const revenueFen = chargedFen(d);
      const next: Delivery = { ...d, stage: 'delivered', deliveredAtMs: nowMs, revenueFen,
        nextSweepAtMs: null, updatedAtMs: nowMs };
      await tx.putDeliveries([next]);
      // The order itself is handed over in the same transaction: its deposit applied, no
      // cancel or change from now on (orders' rule).
      await handOverOrders(tx, [{ orderId, vin: d.vin ?? '' }], nowMs, actor);
      await tx.insertMoneyEvents([
        { orderId, kind: 'deposit_applied', amountFen: d.depositFen, reference: orderId,
          atMs: nowMs },
        { orderId, kind: 'revenue_recognised', amountFen: revenueFen, reference: orderId,
          atMs: nowMs }]);
      // The order leaves the order book at the price charged; price protection reads the
      // revenue entry as "delivered" from now on.
      const base = { orderId, launchId: d.launchId, accountId: d.accountId, atMs: nowMs };
      await this.#ledger(tx, [
        { ...base, entryKey: `deposit_applied:${orderId}`, kind: 'deposit_applied',
          amountFen: d.depositFen },
        { ...base, entryKey: `revenue_recognised:${orderId}`, kind: 'revenue_recognised',
          amountFen: revenueFen },
        { ...base, entryKey: `order_unbooked:${orderId}:delivered`, kind: 'order_unbooked',
          amountFen: -d.priceFen }]);
      await tx.appendAudit({ atMs: nowMs, actor, action: 'car_handed_over', detail: {
        order_id: orderId, vin: d.vin, revenue_fen: revenueFen } });
      return ok(next);
    });
  }

  // ---------- price protection ----------

  /**
   * Locks these orders' records (and the planning lock first, as an allocation takes it), so a
   * credit being decided and an allocation or handover of the same order never interleave:
   * price protection calls it before it reads which orders were handed over.
   */
  async lockRecords(tx: StoreTx, orderIds: readonly string[]): Promise<void> {
    await tx.lockPlanning();
    await tx.deliveriesForUpdate(orderIds);
  }

  /**
   * Price credits given in `tx` (fen, one per order and price version; `credited` says what
   * each does): the record's price falls, so the balance due does; what was already paid
   * beyond it is refunded through the payment outbox, as a `balance_refunded` money event and
   * ledger entry per part. Orders without a record yet take the credit at allocation.
   */
  async applyCredits(tx: StoreTx, credits: ReadonlyArray<{ orderId: string; version: number;
    amountFen: number }>, atMs: number): Promise<void> {
    const records = new Map((await tx.deliveriesForUpdate(credits.map((c) => c.orderId)))
      .map((d) => [d.orderId, d]));
    for (const c of credits) {
      const d = records.get(c.orderId);
      if (!d) continue;
      const r = credited(d, await tx.balancePartsTx(d.orderId), c.amountFen, atMs,
        this.rules);
      if (r.delivery === d) continue;
      records.set(d.orderId, r.delivery);
      await tx.putDeliveries([r.delivery]);
      for (const { part, amountFen } of r.refunds) {
        await tx.updateBalancePart(part);
        await tx.insertMoneyEvents([{ orderId: d.orderId, kind: 'balance_refunded', amountFen,
          reference: part.reference, atMs }]);
        // A reference of its own: the provider returns a reference's refund once, and one
        // part can owe several (a surplus at settlement, then a credit per price version).
        await tx.queuePayment({ opId: newId('pop'), kind: 'refund',
          reference: creditRefundReference(part.reference, c.version), orderId: d.orderId,
          amountFen, createdAtMs: atMs });
        await this.#ledger(tx, [{ entryKey: `balance_refunded:${part.reference}:credit:${
          c.version}`, orderId: d.orderId, launchId: d.launchId, accountId: d.accountId,
        kind: 'balance_refunded', amountFen, atMs }]);
      }
    }
  }

  async #ledger(tx: StoreTx, moves: readonly LedgerMove[]): Promise<void> {
    if (moves.length > 0 && this.onLedger) await this.onLedger(tx, moves);
  }

  /**
   * Whether a charge at the provider is a balance part's that the part holds: a provider
   * without `collect` is asked `charge` for a part (#collect), and the approval counts as the
   * part received, so that charge is the buyer's payment, returned by a refund, never voided.
   * Held unless the part failed (a pending one may still be received). The payment
   * reconciler's sweep asks it (launchday.ts): no order holds a part's charge, and it voided
   * the money of parts counted received.
   */
  async holdsCharge(reference: string): Promise<boolean> {
    if (!isBalanceReference(reference)) return false;
    const part = await this.deps.store.transaction((tx) => tx.balancePartForUpdate(reference));
    return part !== null && part.status !== 'failed';
  }

  /**
   * Records a refund the provider confirmed, if it is deliveries' (a part's surplus, or what a
   * price credit returned): in the audit log as `balance_refund_settled` with the order's id,
   * in the settling transaction. Balance money is deliveries', not the order's deposit, so its
   * settlement is never an order's `refund_settled` event. False (nothing written) for a
   * refund that is not deliveries'. The payment reconciler's settlement asks it (launchday.ts),
   * for notifications and status queries alike.
   */
  async refundSettled(tx: StoreTx, refund: SettledRefund): Promise<boolean> {
    if (!isBalanceReference(refund.reference)) return false;
    await tx.appendAudit({ atMs: refund.atMs, actor: 'payment_provider',
      action: 'balance_refund_settled', detail: { order_id: refund.orderId,
        reference: refund.reference, amount_fen: refund.amountFen, ...refund.detail } });
    return true;
  }

  /** An operator sets a centre's slot capacity (1 to `slotCapacityMax`). */
  async setCapacity(actor: string, centre: string, capacity: number): Promise<void> {
    const nowMs = this.deps.clock.nowMs();
    await this.deps.store.transaction(async (tx) => {
      await tx.putSlotCapacity(centre, capacity, nowMs, actor);
      await tx.appendAudit({ atMs: nowMs, actor, action: 'slot_capacity_set', detail: {
        centre, capacity } });
    });
  }
}

/** Why a record cannot be booked or handed over at its stage (null when it is ready). */
function stageRefusal(d: Delivery): OutcomeCode | null {
  return d.stage === 'ready' ? null : d.stage === 'built' ? 'delivery_not_ready'
    : d.stage === 'delivered' ? 'already_delivered' : 'delivery_not_started';
}

export type { PartOutcome };
