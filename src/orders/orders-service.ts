// Orders' use cases: placing (charge, then group commit), reading, locking, cancelling and
// changing orders, the cooling-off sweep, estimates and the launch figures.
import type { Clock } from '../kernel/clock.js';
import { openGate, type AdmissionGate } from '../kernel/admission-gate.js';
import type { Limits } from '../kernel/config.js';
import type { Submit } from '../kernel/core.js';
import { sha256 } from '../kernel/ids.js';
import { ok, refuse, type Refusal, type Result } from '../kernel/outcomes.js';
import type { Store } from '../kernel/store/store.js';
import type { GroupCommitter } from '../kernel/write/group-committer.js';
import type { Account, Caller } from '../accounts/index.js';
import {
  findTrim, launchNotFound, locksOnPlacement, type Launch, type LaunchesService,
} from '../launches/index.js';
import { depositReference, type PaymentProvider, type PaymentsService } from '../payments/index.js';
import { statsFromCounters, type LaunchStats } from './launch-stats.js';
import {
  allowedActions, decidePlace, decideSalesOpen, estimateWeeks, isDueForAutoLock, isPastLock,
  queueKey, resolveConfiguration, switchTargets, trimKey, isWindowOpen, type ChangeRequest,
  type Order,
} from './order.js';
import {
  orderKeyReused, type orderCommands, type OrderAction, type PlaceCommand, type PlaceOutcome,
} from './order-commands.js';
import type { OrderEvent } from './orders-store.js';
import { PreparedFigures } from './prepared-figures.js';
import type { PreparedJson } from '../kernel/http/prepared-reply.js';
import { paidUnder } from './payment-reconciler.js';
import type { OrderExtras } from './views.js';

/**
 * A delivery estimate from a production plan (the production capability's): weeks from now and
 * the calendar window, Beijing dates with both ends included.
 */
export interface PlannedEstimate {
  readonly weeksMin: number;
  readonly weeksMax: number;
  readonly windowFrom: string;
  readonly windowTo: string;
}

type Maybe<T> = T | Promise<T>;

/**
 * Where estimates come from when a production plan covers the order's trim. Orders does not
 * depend on production: the composition (src/launchday.ts) sets `OrdersService.estimates`. Each
 * method answers null when no plan covers the trim, and then the weekly-capacity estimate
 * (`estimateWeeks`) applies, as before there were plans. Answers without a promise when it can,
 * so that the order hot path need not wait.
 */
export interface EstimateSource {
  /**
   * A locked order's estimate, with `aheadInTrim` live locked orders of its trim before it.
   * `atLock`: it is shown in the reply to the lock (recorded for the truth audit).
   */
  forLocked(order: Order, aheadInTrim: number, atLock: boolean): Maybe<PlannedEstimate | null>;
  /** The estimate if an order of this configuration locked now, behind `lockedInTrim` orders. */
  ifLockedNow(launchId: string, trim: string, city: string | null, lockedInTrim: number):
    Maybe<PlannedEstimate | null>;
}

/**
 * The car built for a scheduled order (the production capability's; wired by the composition
 * like `EstimateSource`): allocation makes an order `scheduled` and gives it this car's VIN.
 */
export interface VehicleSource {
  vehicleOf(order: Order): Promise<{ vin: string; builtOn: string } | null>;
}

/**
 * Where a scheduled order's delivery stands (the deliveries capability's; wired by the
 * composition like `VehicleSource`): shown in the order view as `delivery`.
 */
export interface DeliverySource {
  deliveryOf(order: Order): Promise<OrderDelivery | null>;
}

/** A delivery in short, for the order view: its stage, what is still owed, the deadline. */
export interface OrderDelivery {
  readonly stage: string;
  readonly outstandingFen: number;
  readonly dueAtMs: number | null;
  readonly slotStartMs: number | null;
}

export interface OrdersDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly payments: PaymentProvider;
  readonly limits: Limits;
}

export interface PlaceInput {
  readonly launchId: string;
  readonly trim: string;
  readonly options: readonly string[];
  readonly city: string;
}

/** A planned estimate as an order view's. */
const planView = (p: PlannedEstimate, basis: string): NonNullable<OrderExtras['estimate']> =>
  ({ weeksMin: p.weeksMin, weeksMax: p.weeksMax, basis,
    window: { from: p.windowFrom, to: p.windowTo } });

/**
 * A place's refusals that do not say its order was not written: the COMMIT's outcome is unknown,
 * or its batch never ran (another request with the key may have placed the order).
 */
const UNDECIDED: ReadonlySet<string> = new Set(['commit_unknown', 'store_unavailable',
  'overloaded']);

/**
 * Whether the charge made for a place command is held by an order after its batch: a new order
 * holds it; a replay holds it unless the order's deposit was refunded (then the provider took
 * the reference afresh, and nothing holds that charge).
 */
function chargeKept(r: Result<PlaceOutcome>): boolean {
  return r.ok && (!r.value.replay || r.value.order.depositState !== 'refunded');
}

/**
 * How long the cached locked counts behind the estimates may lag a lock made by another process
 * (PostgreSQL; docs/api.md). This process's own locks drop the cache as their batch commits, so
 * on SQLite, which only this process writes, the cache has no age limit.
 */
const COUNTERS_CACHE_MS = 250;
/** Locked orders per trim of one launch, as read at `asOfMs`: what every estimate needs. */
interface LockedCounts {
  /** The commit generation it was read in (see `#lockedGen`). */
  readonly gen: number;
  /** Read at this time by the launch's clock (the `as_of` of an estimate). */
  readonly asOfMs: number;
  /** `performance.now()` when the read began, for the cross-process bound. */
  readonly readAt: number;
  readonly byTrim: ReadonlyMap<string, number>;
}

/**
 * Orders' batch handlers (order-commands.ts), the only writers of the counters the figures are
 * made of.
 */
const ORDER_HANDLERS: ReadonlySet<string> = new Set(['place', 'act', 'autoLock']);
/**
 * How long this process's prepared figures may be served on SQLite without reading the store
 * again when nothing was committed: a bound for any write that does not go through orders'
 * handlers (none today), the live screen's tick.
 */
export const FIGURES_CACHE_MS = 1_000;

/** Orders' batch handlers whose commit may change a locked count (`place` only if it locks). */
const MOVES_LOCKS: ReadonlySet<string> = new Set(['place', 'act', 'autoLock']);

export class OrdersService {
  /** The public figures, prepared again only when a count moved (prepared-figures.ts). */
  readonly preparedFigures = new PreparedFigures();
  /**
   * Locked counts per launch, for estimates. Valid while no batch that may have changed a locked
   * count has committed since it was read (its `gen` is the current one), and on PostgreSQL for
   * at most COUNTERS_CACHE_MS. A batch of new firm orders changes no locked count, so the order hot
   * path keeps the cache and never reads counters from the store.
   */
  readonly #lockedCache = new Map<string, LockedCounts>();
  /** Reads under way, shared by the callers of one generation. */
  readonly #lockedReads = new Map<string, Promise<LockedCounts>>();
  /**
   * Orders being placed, by deposit reference: how many requests have charged it and not yet
   * had their commit's answer. One key sent twice at once charges one reference twice (the
   * provider answers the second with the first's charge), so a request whose commit threw
   * voids it only when no other is still committing under it (#voidUnlessCommitted).
   */
  readonly #placing = new Map<string, number>();
  /** Bumped, before any of its commands is answered, by each commit that may move a lock. */
  #lockedGen = 0;
  /** How old cached locked counts may be: other processes write only to PostgreSQL. */
  readonly #lockedMaxAgeMs: number;
  /**
   * Bumped, before any of its commands is answered, by each commit of orders' own handlers
   * (the only writers of the counters: order-commands.ts's Writes) and by each failed batch:
   * the public figures read before it are no longer current (preparedFigures).
   */
  #figuresGen = 0;
  /** How old prepared figures may be: SQLite FIGURES_CACHE_MS; PostgreSQL 0 (read each time). */
  readonly #figuresMaxAgeMs: number;
  /** Figures reads under way, shared by the requests of one generation (SQLite only). */
  readonly #figuresReads = new Map<string, Promise<PreparedJson>>();
  /** Plan-based estimates, when the composition wires a production capability in. */
  estimates: EstimateSource | null = null;
  /** The waiting room's gate in front of `POST /orders` (open when no room is wired in). */
  admission: AdmissionGate = openGate;
  /** Allocated cars, likewise. */
  vehicles: VehicleSource | null = null;
  /** Deliveries (balance, readiness, appointment), likewise. */
  deliveries: DeliverySource | null = null;

  constructor(private readonly deps: OrdersDeps,
    private readonly committer: GroupCommitter<ReturnType<typeof orderCommands>>,
    private readonly submit: Submit<ReturnType<typeof orderCommands>>,
    private readonly launches: LaunchesService, private readonly payments: PaymentsService) {
    committer.onCommit((jobs, results) => this.#afterCommit(jobs, results));
    this.#lockedMaxAgeMs = deps.store.kind === 'postgres' ? COUNTERS_CACHE_MS : Infinity;
    // On PostgreSQL another process's order is in the next read's figures, as it always was;
    // this process cannot see that commit, so it reads every time.
    this.#figuresMaxAgeMs = deps.store.kind === 'postgres' ? 0 : FIGURES_CACHE_MS;
  }

  /**
   * A launch's public figures, prepared, without reading the store: when no commit that may
   * have changed them has come since they were read, and they were read within
   * FIGURES_CACHE_MS (SQLite: this process is the only writer); undefined otherwise, and
   * `figures` reads them.
   */
  cachedFigures(l: Launch): PreparedJson | undefined {
    if (this.#figuresMaxAgeMs <= 0) return undefined;
    return this.preparedFigures.current(l, this.#figuresGen,
      performance.now() - this.#figuresMaxAgeMs);
  }

  /**
   * A launch's public figures, prepared: current ones as they are, else read from the store.
   * On SQLite the requests of one generation share one read: it began after the last commit
   * any of them could have been told of, so every order acknowledged before a request is in
   * its figures.
   */
  figures(l: Launch): Promise<PreparedJson> {
    const hit = this.cachedFigures(l);
    if (hit !== undefined) return Promise.resolve(hit);
    const gen = this.#figuresGen;
    const key = `${gen}\u0000${l.launchId}`;
    const reading = this.#figuresReads.get(key);
    if (reading !== undefined) return reading;
    const read = (async () => {
      const readAt = performance.now();
      const counters = await this.counters(l.launchId);
      return this.preparedFigures.figures(l, counters, this.deps.clock.nowMs(),
        gen === this.#figuresGen ? gen : -1, readAt);
    })();
    if (this.#figuresMaxAgeMs <= 0) return read;
    this.#figuresReads.set(key, read);
    const done = (): void => void this.#figuresReads.delete(key);
    void read.then(done, done);
    return read;
  }

  /**
   * A launch's counters as committed now, read from the store (never cached); with `fromKey`,
   * those from that key on (OrdersStore.counters).
   */
  counters(launchId: string, fromKey?: string): Promise<Map<string, number>> {
    return this.deps.store.counters(launchId, fromKey);
  }

  /**
   * Drops the cached locked counts when a committed batch may have changed one: a lock, cancel,
   * change or sweep (`act`, `autoLock`), or orders that lock as placed. Runs before any command
   * of the batch is answered, so a reply and every read after it see the batch. `results`: each
   * command's (null when the batch failed, so anything may have changed).
   */
  #afterCommit(jobs: readonly { handler: string; payload: unknown }[],
    results: readonly unknown[] | null): void {
    // The cooling-off sweep that locked nothing (every second, mostly) wrote no counter.
    if (results === null || jobs.some((j, i) => ORDER_HANDLERS.has(j.handler)
      && !(j.handler === 'autoLock' && results[i] === 0))) {
      this.#figuresGen++;
    }
    for (const [i, j] of jobs.entries()) {
      // Only orders' own handlers move a lock: another capability's batch (accounts' sign-ups,
      // a drop's holds and its sweep every second) leaves the cache valid.
      if (!MOVES_LOCKS.has(j.handler)) continue;
      if (j.handler === 'place' && !locksOnPlacement((j.payload as PlaceCommand).launch)) continue;
      // The cooling-off sweep runs every second and mostly locks nothing: that leaves it valid.
      if (j.handler === 'autoLock' && results !== null && results[i] === 0) continue;
      this.#lockedGen++;
      this.#lockedCache.clear();
      return;
    }
  }

  /** The cached locked counts when still valid, without waiting; null otherwise. */
  #cachedLocked(launchId: string): LockedCounts | null {
    const hit = this.#lockedCache.get(launchId);
    return hit !== undefined && hit.gen === this.#lockedGen
      && performance.now() - hit.readAt < this.#lockedMaxAgeMs ? hit : null;
  }

  /** The locked counts of a launch: cached, or read once for every caller of this generation. */
  #lockedCounts(launchId: string): LockedCounts | Promise<LockedCounts> {
    const hit = this.#cachedLocked(launchId);
    if (hit !== null) return hit;
    const gen = this.#lockedGen;
    const key = `${gen}\u0000${launchId}`;
    const reading = this.#lockedReads.get(key);
    if (reading !== undefined) return reading;
    const read = (async () => {
      const readAt = performance.now();
      const asOfMs = this.deps.clock.nowMs();
      const counters = await this.deps.store.counters(launchId);
      const byTrim = new Map<string, number>();
      for (const [k, v] of counters) {
        if (k.startsWith('trim.') && k.endsWith('.locked')) byTrim.set(k.slice(5, -7), v);
      }
      const counts: LockedCounts = { gen, asOfMs, readAt, byTrim };
      // A commit during the read may or may not be in it: then it serves only its own callers.
      if (gen === this.#lockedGen) this.#lockedCache.set(launchId, counts);
      return counts;
    })();
    this.#lockedReads.set(key, read);
    void read.then(() => this.#lockedReads.delete(key), () => this.#lockedReads.delete(key));
    return read;
  }

  async stats(launchId: string): Promise<Result<LaunchStats>> {
    const launch = await this.launches.launch(launchId);
    if (!launch) return refuse('launch_not_found');
    return ok(statsFromCounters(launchId, await this.counters(launchId),
      this.deps.clock.nowMs(), launch));
  }

  // ---------- orders ----------
  /**
   * Whether the buyer's Idempotency-Key already names an order: its retry is answered from it
   * (a replay, or idempotency_key_reused), never refused by the waiting room.
   */
  async keyUsed(accountId: string, key: string): Promise<boolean> {
    return (await this.deps.store.orderByIdempotency(accountId, key)) !== null;
  }

  async place(account: Account, input: PlaceInput, idempotencyKey: string):
    Promise<Result<PlaceOutcome>> {
    const launch = this.launches.cachedLaunch(input.launchId)
      ?? await this.launches.launch(input.launchId);
    if (!launch) return launchNotFound('launch_id', input.launchId);
    const resolved = resolveConfiguration(launch, input);
    if (!resolved.ok) return resolved;
    // The configuration as resolved, defaults included: a retry that spells out the options the
    // order took (read back from its reply) asks for the same order, not another.
    const { config } = resolved.value;
    const requestHash = sha256(JSON.stringify([input.launchId, config.trim, config.options,
      config.city]));
    const reference = depositReference(account.accountId, idempotencyKey, requestHash);
    const command = { accountId: account.accountId, launch, config: resolved.value.config,
      priceFen: resolved.value.priceFen, idempotencyKey, requestHash, paymentReference: reference };
    // Checked again in the batch; here so that nobody is charged before the opening. A retry
    // of an order taken before still gets its order back: the batch looks the key up first.
    const open = decideSalesOpen(launch, this.deps.clock.nowMs());
    if (!open.ok) return this.submit('place', { ...command, refusal: open });
    // A retry (the web page retries a pending key for minutes) is answered without charging:
    // the provider charges a refunded reference afresh, which nothing would hold.
    const prior = await this.deps.store.orderByIdempotency(account.accountId, idempotencyKey);
    if (prior) {
      return prior.requestHash === requestHash ? ok({ order: prior, replay: true })
        : orderKeyReused();
    }
    const paid = await this.deps.payments.charge({ reference, amountFen: launch.depositFen,
      payer: account.accountId });
    if (paid.status !== 'approved') return refuse('payment_declined');
    let r: Result<PlaceOutcome>;
    this.#placing.set(reference, (this.#placing.get(reference) ?? 0) + 1);
    try {
      r = await this.submit('place', command);
    } catch (err) {
      // The shell answers the throw (settledWrite keeps the pass with the key). Another request
      // with the key, charged under the same reference and committing still, would have its
      // order's deposit voided: the charge is then its (kept by its order, released by its
      // refusal), or the reconciler's sweep's.
      if (this.#placing.get(reference) === 1) {
        await this.#voidUnlessCommitted(account.accountId, idempotencyKey, reference);
      }
      throw err;
    } finally {
      const n = this.#placing.get(reference)! - 1;
      if (n === 0) this.#placing.delete(reference);
      else this.#placing.set(reference, n);
    }
    if (chargeKept(r)) return r;
    if (!r.ok && UNDECIDED.has(r.code)) {
      // Its batch decided nothing this request can read (or never ran): the order may exist,
      // written by this batch (a COMMIT whose reply was lost) or by the key's other request.
      // Voiding it here left an order standing with its deposit voided.
      if (!this.#placing.has(reference)) {
        await this.#voidUnlessCommitted(account.accountId, idempotencyKey, reference);
      }
    } else await this.#release(reference);
    return r;
  }

  /** Voids a charge no order holds; if the provider fails, the reconciler's sweep will. */
  async #release(reference: string): Promise<void> {
    try {
      await this.deps.payments.void({ reference });
    } catch {
      // Left to the sweep (payment-reconciler.ts): the buyer's reply does not wait for it.
    }
  }

  /**
   * After a failed commit: the transaction may still have committed (a lost reply to COMMIT),
   * so the charge is voided only when no order holds it. If even that cannot be read, the
   * reconciler's sweep voids it later (payment-reconciler.ts).
   */
  async #voidUnlessCommitted(accountId: string, key: string, reference: string): Promise<void> {
    try {
      const order = await this.deps.store.orderByIdempotency(accountId, key);
      const held = order !== null && paidUnder(order, reference)
        && order.depositState !== 'refunded';
      if (!held) await this.#release(reference);
    } catch {
      // The store cannot say: left to the sweep.
    }
  }

  async get(caller: Caller, orderId: string): Promise<Result<Order>> {
    let order = await this.deps.store.order(orderId);
    if (!order || (caller.role === 'buyer' && order.accountId !== caller.account.accountId)) {
      return refuse('order_not_found');
    }
    // A reader must never see a firm order past its cooling-off: lock the due ones first.
    if (isDueForAutoLock(order, this.deps.clock.nowMs())) {
      await this.autoLockDue();
      order = (await this.deps.store.order(orderId))!;
    }
    return ok(order);
  }

  /**
   * The order as it stands now: when its cooling-off has ended and the sweep has not yet
   * written the lock (it fell due since the batch that wrote the order, even in the same
   * instant), the due orders are locked first and the order is read back. Every reply that
   * renders an order goes through here (route.ts orderReply, the lists).
   */
  async current(order: Order): Promise<Order> {
    if (!isDueForAutoLock(order, this.deps.clock.nowMs())) return order;
    await this.autoLockDue();
    return (await this.deps.store.order(order.orderId)) ?? order;
  }

  /** `current` for a list: one sweep for all, then each due order read back. */
  async currentAll(orders: readonly Order[]): Promise<Order[]> {
    const nowMs = this.deps.clock.nowMs();
    if (!orders.some((o) => isDueForAutoLock(o, nowMs))) return [...orders];
    await this.autoLockDue();
    return Promise.all(orders.map(async (o) => (isDueForAutoLock(o, nowMs)
      ? (await this.deps.store.order(o.orderId)) ?? o : o)));
  }

  /**
   * `per_account_limit_reached` when the account already holds as many orders of the launch
   * as it allows per person (counted as a placement counts them); else null, also for no such
   * launch and before the opening (no order can be placed then, so nothing is read). A waiting
   * room's join asks it (the composition's targetAtLimit); placing still decides for itself.
   */
  async limitReached(launchId: string, accountId: string): Promise<Refusal | null> {
    const launch = await this.launches.launch(launchId);
    const nowMs = this.deps.clock.nowMs();
    if (!launch || !decideSalesOpen(launch, nowMs).ok) return null;
    const d = decidePlace(launch, { nowMs,
      activeOrders: await this.deps.store.activeOrderCount(launchId, accountId) });
    return d.ok ? null : d;
  }

  async ordersOf(account: Account): Promise<Order[]> {
    const orders = await this.deps.store.ordersOfAccount(account.accountId,
      this.deps.limits.ordersListMax);
    const nowMs = this.deps.clock.nowMs();
    if (orders.some((o) => isDueForAutoLock(o, nowMs))) {
      await this.autoLockDue();
      return this.deps.store.ordersOfAccount(account.accountId, this.deps.limits.ordersListMax);
    }
    return orders;
  }

  async act(caller: Caller, orderId: string, action: OrderAction): Promise<Result<Order>> {
    const r = await this.submit('act', {
      orderId, action,
      accountId: caller.role === 'buyer' ? caller.account.accountId : null,
      actor: caller.role === 'buyer' ? `buyer:${caller.account.accountId}` : caller.actor,
    });
    // The refund is queued with the change; a failure to hand it over now is retried by the
    // timer, and must not become an unhandled rejection, which would end the process.
    if (r.ok && r.value.depositState === 'refunded') {
      void this.payments.sendPayments().catch(() => 0);
    }
    return r;
  }

  async change(caller: Caller, orderId: string, change: ChangeRequest): Promise<Result<Order>> {
    const current = await this.deps.store.order(orderId);
    if (!current || (caller.role === 'buyer' && current.accountId !== caller.account.accountId)) {
      return refuse('order_not_found');
    }
    const own = await this.launches.launch(current.launchId);
    const target = change.launchId === undefined ? own
      : await this.launches.launch(change.launchId);
    if (!own) return refuse('launch_not_found');
    if (!target) return launchNotFound('launch_id', change.launchId!);
    return this.act(caller, orderId, { kind: 'change', change, own, target });
  }

  /** Locks every firm order whose cooling-off has ended; returns how many. */
  async autoLockDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.committer.submit('autoLock', null, true);
      total += n;
      if (n < this.deps.limits.autoLockBatchMax) return total;
    }
  }

  // ---------- estimates ----------
  /**
   * The estimate for a configuration if its order locked now, and when the locked count behind
   * it was read (`asOfMs`): every lock this process has committed is in it; another process's
   * may be missing for at most COUNTERS_CACHE_MS. Null for a trim the launch does not have.
   */
  async estimateIfLockedNow(launch: Launch, trim: string, city: string | null = null):
    Promise<{ weeksMin: number; weeksMax: number; lockedAhead: number; asOfMs: number;
      window?: { from: string; to: string } } | null> {
    const counts = await this.#lockedCounts(launch.launchId);
    const e = this.#estimateIfLockedNow(launch, trim, counts);
    if (!e) return null;
    const planned = await this.estimates?.ifLockedNow(launch.launchId, trim, city, e.lockedAhead);
    return planned ? { weeksMin: planned.weeksMin, weeksMax: planned.weeksMax,
      lockedAhead: e.lockedAhead, asOfMs: counts.asOfMs,
      window: { from: planned.windowFrom, to: planned.windowTo } }
      : { ...e, asOfMs: counts.asOfMs };
  }

  #estimateIfLockedNow(launch: Launch, trim: string, counts: LockedCounts):
    { weeksMin: number; weeksMax: number; lockedAhead: number } | null {
    const t = findTrim(launch, trim);
    if (!t) return null;
    const lockedAhead = counts.byTrim.get(trim) ?? 0;
    return { ...estimateWeeks(t, lockedAhead), lockedAhead };
  }

  /** What an order's view adds to the order: estimate, queue, actions, and history. */
  async orderExtras(order: Order, history?: readonly OrderEvent[], atLock = false):
    Promise<OrderExtras> {
    const launch = this.launches.cachedLaunch(order.launchId)
      ?? await this.launches.launch(order.launchId);
    const t = launch ? findTrim(launch, order.trim) : undefined;
    let estimate: OrderExtras['estimate'] = null;
    let queue: { queueKey: string; place: number; lockedAheadInTrim: number } | null = null;
    if (isPastLock(order.status) && order.trimSeq !== null && order.queuePlace !== null && t) {
      const released = await this.deps.store.releasedBefore(trimKey(order.launchId, order.trim),
        order.trimSeq);
      const ahead = order.trimSeq - 1 - released;
      queue = { queueKey: queueKey(order.launchId, order.trim, order.city),
        place: order.queuePlace, lockedAheadInTrim: ahead };
      const p = this.estimates?.forLocked(order, ahead, atLock) ?? null;
      const planned = p instanceof Promise ? await p : p;
      estimate = planned ? planView(planned, 'locked') : { ...estimateWeeks(t, ahead),
        basis: 'locked' };
    } else if (order.status === 'firm' && launch) {
      // Cached (no await) on the order hot path: new firm orders leave it valid.
      const known = this.#lockedCounts(launch.launchId);
      const counts = known instanceof Promise ? await known : known;
      const e = this.#estimateIfLockedNow(launch, order.trim, counts);
      const p = e && this.estimates
        ? this.estimates.ifLockedNow(launch.launchId, order.trim, order.city, e.lockedAhead)
        : null;
      const planned = p instanceof Promise ? await p : p;
      if (planned) estimate = planView(planned, 'if_locked_now');
      else if (e) estimate = { weeksMin: e.weeksMin, weeksMax: e.weeksMax, basis: 'if_locked_now' };
    }
    const vehicle = order.status === 'scheduled' && this.vehicles
      ? await this.vehicles.vehicleOf(order) : null;
    // Looked up only for an order with a car, so that no other order view pays a read.
    const delivery = vehicle && this.deliveries ? await this.deliveries.deliveryOf(order) : null;
    const windows = this.launches.fresh() ? this.launches.cachedWindows
      : await this.launches.windows();
    const nowMs = this.deps.clock.nowMs();
    const actions = allowedActions(order, windows, nowMs, this.launches.byId);
    const switchTo = switchTargets(order, windows, nowMs, this.launches.byId);
    // When the soonest open window that still lets this order change or switch closes: the
    // buyer's page says until when the window's actions are offered.
    let windowClosesAtMs: number | null = null;
    if (order.status !== 'cancelled') {
      for (const w of windows) {
        if (w.fromLaunchId !== order.launchId || !isWindowOpen(w, nowMs)
          || order.changedInWindowId === w.windowId) continue;
        windowClosesAtMs = Math.min(windowClosesAtMs ?? w.closesAtMs, w.closesAtMs);
      }
    }
    return { estimate, queue, actions, switchTo, windowClosesAtMs,
      history: history ?? await this.deps.store.orderEvents(order.orderId),
      ...(vehicle ? { vehicle } : {}), ...(delivery ? { delivery } : {}) };
  }
}
