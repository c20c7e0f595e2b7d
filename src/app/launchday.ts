// The application: every use case of launchday as a method that returns a result code or a
// value. HTTP is a thin shell over it (http-app.ts); tests drive it directly or through HTTP.
import { systemClock, type Clock } from '../domain/clock.js';
import {
  validateIdNumber, validateName, validatePhone,
} from '../domain/identity.js';
import { statsFromCounters, type LaunchStats } from '../domain/launch-stats.js';
import { findTrim, locksOnPlacement, type Launch } from '../domain/launch.js';
import {
  allowedActions, decideSalesOpen, estimateWeeks, isDueForAutoLock, queueKey,
  resolveConfiguration, switchTargets, trimKey, isWindowOpen,
  type ChangeRequest, type ChangeWindow, type Order,
} from '../domain/order.js';
import { ok, refuse, type Refusal, type Result } from '../domain/outcomes.js';
import type { Limits, RateLimitMode } from '../config.js';
import type { Account, OrderEvent, Store } from '../store/store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { isCommitUnknown, isStoreUnavailable } from '../store/store-unavailable.js';
import type { RegisterCommand } from './account-commands.js';
import { batchHandlers, type BatchHandlers } from './batch-handlers.js';
import {
  GroupCommitter, localExecutor, Overloaded, type PayloadOf, type ResultOf,
} from './group-committer.js';
import { sha256 } from './ids.js';
import type { OrderAction, PlaceCommand, PlaceOutcome } from './order-commands.js';
import { depositReference, type PaymentProvider } from './payments.js';
import { verify } from './payment-signature.js';
import { parseNotification, takeNotice, type NoticeOutcome } from './payment-notification.js';
import { paidUnder, PaymentReconciler } from './payment-reconciler.js';
import { SqliteBatchExecutor } from './sqlite-batch-executor.js';
import { StoreHealth } from './store-health.js';
import { RateLimits } from './rate-limits.js';
import { Sessions, type Caller } from './sessions.js';
import type { SmsSender } from './sms.js';
import type { OrderExtras } from './views.js';

export type { Caller } from './sessions.js';

export interface LaunchdayDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly payments: PaymentProvider;
  readonly sms: SmsSender;
  readonly limits: Limits;
  /** Shared with the payment provider: signs its notifications. */
  readonly paymentSecret: string;
  /**
   * Shown in the reply to a code request: only in the development setting
   * (LAUNCHDAY_DEV_SHOW_CODES=on) with the sandbox SMS sender.
   */
  readonly showCodes: boolean;
  /** Which rate limits apply (config.ts); all when absent. */
  readonly rateLimitMode?: RateLimitMode;
  /**
   * The clock of the rate limits: real time even when launch night runs on a simulated clock
   * (abuse comes at real speed); a test passes its own to move the windows.
   */
  readonly rateClock?: Clock;
  readonly log?: (line: string) => void;
}

export interface PlaceInput {
  readonly launchId: string;
  readonly trim: string;
  readonly options: readonly string[];
  readonly city: string;
}

/**
 * Whether the charge made for a place command is held by an order after its batch: a new order
 * holds it; a replay holds it unless the order's deposit was refunded (then the provider took
 * the reference afresh, and nothing holds that charge).
 */
function chargeKept(r: Result<PlaceOutcome>): boolean {
  return r.ok && (!r.value.replay || r.value.order.depositState !== 'refunded');
}

/**
 * How long cached launches and windows may lag a change made by another process (PostgreSQL);
 * this process's own changes reload them as they commit (putLaunch, putWindow).
 */
const CACHE_MS = 1_000;
/**
 * How long the cached locked counts behind the estimates may lag a lock made by another process
 * (PostgreSQL; docs/api.md). This process's own locks drop the cache as their batch commits, so
 * on SQLite, which only this process writes, the cache has no age limit.
 */
const COUNTERS_CACHE_MS = 250;
/**
 * Least time between two probes of an idle store (readiness, /health): however often they are
 * asked, the store sees one tiny write a second from each process at most.
 */
const STORE_PROBE_INTERVAL_MS = 1_000;
/** A probe slower than this counts the store as unreachable. */
const STORE_PROBE_TIMEOUT_MS = 2_000;

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

export class Launchday {
  readonly committer: GroupCommitter<BatchHandlers>;
  /** Asks the payment provider about what its notifications did not settle. */
  readonly reconciler: PaymentReconciler;
  /** The embedded store's writer thread, which runs the group-commit batches. */
  readonly #writerThread: SqliteBatchExecutor | null;
  /** Buyers' sessions and operators: who a bearer token stands for (sessions.ts). */
  readonly sessions: Sessions;
  #launches = new Map<string, Launch>();
  #windows: ChangeWindow[] = [];
  #loadedAtMs = -Infinity;
  #loading: Promise<void> | null = null;
  /**
   * Locked counts per launch, for estimates. Valid while no batch that may have changed a locked
   * count has committed since it was read (its `gen` is the current one), and on PostgreSQL for
   * at most COUNTERS_CACHE_MS. A batch of new firm orders changes no locked count, so the order hot
   * path keeps the cache and never reads counters from the store.
   */
  readonly #lockedCache = new Map<string, LockedCounts>();
  /** Reads under way, shared by the callers of one generation. */
  readonly #lockedReads = new Map<string, Promise<LockedCounts>>();
  /** Bumped, before any of its commands is answered, by each commit that may move a lock. */
  #lockedGen = 0;
  /** How old cached locked counts may be: other processes write only to PostgreSQL. */
  readonly #lockedMaxAgeMs: number;
  /**
   * Settles if nothing can be written any more (the SQLite writer thread died): the process
   * should stop and be started again, which main.ts does.
   */
  readonly broken: Promise<Error>;
  /** Why nothing can be written, once `broken` has settled. */
  brokenBecause: Error | null = null;
  /** Whether the store answers (store-unavailable.ts): for readiness and /health. */
  readonly storeHealth: StoreHealth;
  #closing = false;
  /** Per phone, identity number, account and address; the routes ask before they act. */
  readonly rateLimits: RateLimits;

  constructor(readonly deps: LaunchdayDeps) {
    this.rateLimits = new RateLimits(deps.store, deps.limits, deps.rateLimitMode ?? 'on',
      deps.rateClock ?? systemClock);
    this.sessions = new Sessions({ store: deps.store, clock: deps.clock, sms: deps.sms,
      limits: deps.limits, showCodes: deps.showCodes, log: deps.log ?? (() => {}) });
    // SQLite takes one writer at a time: it gets a thread of its own, so that the event loop
    // only reads requests and writes replies. PostgreSQL's writes run here, on its pool.
    this.#writerThread = deps.store instanceof SqliteStore
      ? new SqliteBatchExecutor(deps.store, deps.limits) : null;
    this.committer = new GroupCommitter(
      this.#writerThread?.execute ?? localExecutor(deps.store, batchHandlers(deps.limits)),
      deps.clock, deps.limits);
    this.committer.onCommit((jobs) => this.#afterCommit(jobs));
    this.#lockedMaxAgeMs = deps.store.kind === 'postgres' ? COUNTERS_CACHE_MS : Infinity;
    this.reconciler = new PaymentReconciler(deps);
    this.broken = this.#writerThread?.died ?? new Promise<Error>(() => {});
    void this.broken.then((err) => { this.brokenBecause = err; });
    this.storeHealth = new StoreHealth({ probeIntervalMs: STORE_PROBE_INTERVAL_MS,
      probeTimeoutMs: STORE_PROBE_TIMEOUT_MS,
      probe: () => deps.store.transaction((tx) =>
        tx.setMeta('health_probe_at', new Date().toISOString())) });
  }

  /** True from the moment the process starts to close: readiness says 503 from then on. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Marks the process as closing, before the server stops taking connections. */
  beginClosing(): void {
    this.#closing = true;
  }

  /**
   * The refusal for an error thrown on a request's way, when it is an expected one: the store
   * out of reach is `store_unavailable` (503, Retry-After), never `internal_error`. Null for
   * anything else, which is a bug and stays a 500.
   */
  refusalFor(err: unknown): Refusal | null {
    if (!isStoreUnavailable(err)) return null;
    this.storeHealth.failed();
    // Lost during its COMMIT, the change may have been made: saying "not completed" would be
    // untrue, and a retry of a lock or a change would then meet "already done".
    return refuse(isCommitUnknown(err) ? 'commit_unknown' : 'store_unavailable');
  }

  /** Waits for the commits under way and stops the writer thread; the store stays open. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.sessions.codesIssued();
    await this.sessions.flushTouches();
    await this.committer.drained();
    await this.#writerThread?.close();
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  /**
   * Submits to group commit; a full queue becomes the `overloaded` outcome, a store out of
   * reach `store_unavailable` (its batch rolled back: nothing of it was written).
   */
  async #submit<K extends keyof BatchHandlers>(handler: K,
    payload: PayloadOf<BatchHandlers[K]>, essential = false):
    Promise<ResultOf<BatchHandlers[K]> | Refusal> {
    try {
      const r = await this.committer.submit(handler, payload, essential);
      this.storeHealth.succeeded();
      return r;
    } catch (err) {
      if (err instanceof Overloaded) return refuse('overloaded');
      const refusal = this.refusalFor(err);
      if (refusal !== null) return refusal;
      throw err;
    }
  }

  // ---------- launches and windows (cached: read on every order) ----------

  /** Reloads launches and windows when stale; concurrent callers share one load. */
  refresh(force = false): Promise<void> {
    // A forced reload must see writes made after a load already in flight began.
    if (this.#loading) return force ? this.#loading.then(() => this.refresh(true)) : this.#loading;
    if (!force && this.#fresh()) return Promise.resolve();
    this.#loading = (async () => {
      try {
        const launches = await this.deps.store.launches();
        const windows = await this.deps.store.changeWindows();
        this.#launches = new Map(launches.map((l) => [l.launchId, l]));
        this.#windows = windows;
        this.#loadedAtMs = performance.now();
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  /** Whether the cached launches and windows may be used as they are. */
  #fresh(): boolean {
    return this.#loading === null && performance.now() - this.#loadedAtMs < CACHE_MS;
  }

  /**
   * The launch from a fresh cache, without waiting (every order reads it twice); undefined when
   * the cache must be reloaded first, which `launch` does.
   */
  #cachedLaunch(launchId: string): Launch | null | undefined {
    return this.#fresh() ? this.#launches.get(launchId) ?? null : undefined;
  }

  async launch(launchId: string): Promise<Launch | null> {
    await this.refresh();
    return this.#launches.get(launchId) ?? null;
  }

  async launches(): Promise<Launch[]> {
    await this.refresh();
    return [...this.#launches.values()].sort((a, b) => a.opensAtMs - b.opensAtMs);
  }

  async windows(): Promise<ChangeWindow[]> {
    await this.refresh();
    return this.#windows;
  }

  /** A launch's counters as committed now, read from the store (never cached). */
  counters(launchId: string): Promise<Map<string, number>> {
    return this.deps.store.counters(launchId);
  }

  /**
   * Drops the cached locked counts when a committed batch may have changed one: a lock, cancel,
   * change or sweep (`act`, `autoLock`), or orders that lock as placed. Runs before any command
   * of the batch is answered, so a reply and every read after it see the batch.
   */
  #afterCommit(jobs: readonly { handler: string; payload: unknown }[]): void {
    for (const j of jobs) {
      if (j.handler === 'register') continue;
      if (j.handler === 'place' && !locksOnPlacement((j.payload as PlaceCommand).launch)) continue;
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
    const launch = await this.launch(launchId);
    if (!launch) return refuse('launch_not_found');
    return ok(statsFromCounters(launchId, await this.counters(launchId),
      this.deps.clock.nowMs(), launch));
  }

  // ---------- identity ----------

  authenticate(token: string): Promise<Caller | null> {
    return this.sessions.authenticate(token);
  }

  validateRegistration(input: { phone: string; name: string; idNumber: string }):
    Result<Omit<RegisterCommand, 'tokenHash'>> {
    // Each field in its stored form (web/js/text-fields.js): one person, one key.
    const phone = validatePhone(input.phone);
    if (!phone.ok) return phone;
    const name = validateName(input.name);
    if (!name.ok) return name;
    const id = validateIdNumber(input.idNumber, this.deps.clock.nowMs());
    if (!id.ok) return id;
    return ok({ phone: phone.value, name: name.value, idNumber: id.value });
  }

  /**
   * Registers a buyer, who is signed in at once: the reply's token is the buyer's own.
   */
  async register(input: { phone: string; name: string; idNumber: string }):
    Promise<Result<{ account: Account; token: string }>> {
    const valid = this.validateRegistration(input);
    if (!valid.ok) return valid;
    const { token, tokenHash } = this.sessions.newToken();
    const r = await this.#submit('register', { ...valid.value, tokenHash });
    if (!r.ok) return r;
    // The buyer's next request carries this token: the process that issued it knows it.
    this.sessions.rememberNew(token, r.value, r.value.createdAtMs);
    return ok({ account: r.value, token });
  }

  /**
   * An operator's import of one validated buyer: no session is made (buyers sign in
   * themselves), and it is bounded by its own limit and never cut short by load shedding,
   * which would leave part of a list registered.
   */
  async importAccount(valid: Omit<RegisterCommand, 'tokenHash'>): Promise<Result<Account>> {
    return this.#submit('register', { ...valid, tokenHash: null }, true);
  }

  requestCode(phone: string): Promise<Result<{ code: string | null }>> {
    return this.sessions.requestCode(phone);
  }

  signIn(phone: string, code: string): Promise<Result<{ account: Account; token: string }>> {
    return this.sessions.signIn(phone, code);
  }

  // ---------- orders ----------

  async placeOrder(account: Account, input: PlaceInput, idempotencyKey: string):
    Promise<Result<PlaceOutcome>> {
    const launch = this.#cachedLaunch(input.launchId) ?? await this.launch(input.launchId);
    if (!launch) return refuse('launch_not_found');
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
    if (!open.ok) return this.#submit('place', { ...command, refusal: open });
    // A retry (the web page retries a pending key for minutes) is answered without charging:
    // the provider charges a refunded reference afresh, which nothing would hold.
    const prior = await this.deps.store.orderByIdempotency(account.accountId, idempotencyKey);
    if (prior) {
      return prior.requestHash === requestHash ? ok({ order: prior, replay: true })
        : refuse('idempotency_key_reused');
    }
    const paid = await this.deps.payments.charge({ reference, amountFen: launch.depositFen,
      payer: account.accountId });
    if (paid.status !== 'approved') return refuse('payment_declined');
    let r: Result<PlaceOutcome>;
    try {
      r = await this.#submit('place', command);
    } catch (err) {
      await this.#voidUnlessCommitted(account.accountId, idempotencyKey, reference);
      throw err;
    }
    if (!chargeKept(r)) await this.#release(reference);
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

  async order(caller: Caller, orderId: string): Promise<Result<Order>> {
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
    const r = await this.#submit('act', {
      orderId, action,
      accountId: caller.role === 'buyer' ? caller.account.accountId : null,
      actor: caller.role === 'buyer' ? `buyer:${caller.account.accountId}` : caller.actor,
    });
    // The refund is queued with the change; a failure to hand it over now is retried by the
    // timer, and must not become an unhandled rejection, which would end the process.
    if (r.ok && r.value.depositState === 'refunded') void this.sendPayments().catch(() => 0);
    return r;
  }

  async change(caller: Caller, orderId: string, change: ChangeRequest): Promise<Result<Order>> {
    const current = await this.deps.store.order(orderId);
    if (!current || (caller.role === 'buyer' && current.accountId !== caller.account.accountId)) {
      return refuse('order_not_found');
    }
    const own = await this.launch(current.launchId);
    const target = change.launchId === undefined ? own : await this.launch(change.launchId);
    if (!own || !target) return refuse('launch_not_found');
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

  /** Hands queued refunds to the payment provider; safe to run again after a crash. */
  async sendPayments(): Promise<number> {
    const ops = await this.deps.store.pendingPayments(500);
    const sent: string[] = [];
    for (const op of ops) {
      try {
        await this.deps.payments.refund({ reference: op.reference, amountFen: op.amountFen });
        sent.push(op.opId);
      } catch {
        break; // The provider is unreachable: the rest stay queued for the next round.
      }
    }
    if (sent.length > 0) {
      const nowMs = this.deps.clock.nowMs();
      await this.deps.store.transaction((tx) => tx.markPaymentsSent(sent, nowMs));
    }
    return sent.length;
  }

  /**
   * Takes a signed notification from the payment provider (payment-notification.ts): each
   * (event id, reference) is taken once, so a duplicate changes nothing; a malformed one is
   * refused with `invalid_request` (422) so the provider sends it again; one that does not
   * match the refund launchday asked for is acknowledged and recorded as an anomaly.
   */
  async receivePaymentNotification(body: string, signature: string | undefined):
    Promise<Result<NoticeOutcome>> {
    const nowMs = this.deps.clock.nowMs();
    // The provider signs with its own clock, which the simulated clock does not move.
    if (!verify(this.deps.paymentSecret, signature, body, Date.now())) {
      return refuse('signature_invalid');
    }
    const notice = parseNotification(body);
    if (!notice.ok) return notice;
    return ok(await this.deps.store.transaction((tx) => takeNotice(tx, notice.value, nowMs)));
  }

  /** One reconciliation round with the provider (payment-reconciler.ts). */
  reconcilePayments(): ReturnType<PaymentReconciler['reconcile']> {
    return this.reconciler.reconcile();
  }

  // ---------- estimates ----------

  /**
   * The estimate for a configuration if its order locked now, and when the locked count behind
   * it was read (`asOfMs`): every lock this process has committed is in it; another process's
   * may be missing for at most COUNTERS_CACHE_MS. Null for a trim the launch does not have.
   */
  async estimateIfLockedNow(launch: Launch, trim: string):
    Promise<{ weeksMin: number; weeksMax: number; lockedAhead: number; asOfMs: number } | null> {
    const counts = await this.#lockedCounts(launch.launchId);
    const e = this.#estimateIfLockedNow(launch, trim, counts);
    return e && { ...e, asOfMs: counts.asOfMs };
  }

  #estimateIfLockedNow(launch: Launch, trim: string, counts: LockedCounts):
    { weeksMin: number; weeksMax: number; lockedAhead: number } | null {
    const t = findTrim(launch, trim);
    if (!t) return null;
    const lockedAhead = counts.byTrim.get(trim) ?? 0;
    return { ...estimateWeeks(t, lockedAhead), lockedAhead };
  }

  /** What an order's view adds to the order: estimate, queue, actions, and history. */
  async orderExtras(order: Order, history?: readonly OrderEvent[]): Promise<OrderExtras> {
    const launch = this.#cachedLaunch(order.launchId) ?? await this.launch(order.launchId);
    const t = launch ? findTrim(launch, order.trim) : undefined;
    let estimate: { weeksMin: number; weeksMax: number; basis: string } | null = null;
    let queue: { queueKey: string; place: number; lockedAheadInTrim: number } | null = null;
    if (order.status === 'locked' && order.trimSeq !== null && order.queuePlace !== null && t) {
      const released = await this.deps.store.releasedBefore(trimKey(order.launchId, order.trim),
        order.trimSeq);
      const ahead = order.trimSeq - 1 - released;
      queue = { queueKey: queueKey(order.launchId, order.trim, order.city),
        place: order.queuePlace, lockedAheadInTrim: ahead };
      estimate = { ...estimateWeeks(t, ahead), basis: 'locked' };
    } else if (order.status === 'firm' && launch) {
      // Cached (no await) on the order hot path: new firm orders leave it valid.
      const known = this.#lockedCounts(launch.launchId);
      const counts = known instanceof Promise ? await known : known;
      const e = this.#estimateIfLockedNow(launch, order.trim, counts);
      if (e) estimate = { weeksMin: e.weeksMin, weeksMax: e.weeksMax, basis: 'if_locked_now' };
    }
    const windows = this.#fresh() ? this.#windows : await this.windows();
    const nowMs = this.deps.clock.nowMs();
    const actions = allowedActions(order, windows, nowMs, this.#launches);
    const switchTo = switchTargets(order, windows, nowMs, this.#launches);
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
      history: history ?? await this.deps.store.orderEvents(order.orderId) };
  }

  // ---------- operator ----------

  async audit(actor: string, action: string, detail: Record<string, unknown>): Promise<void> {
    const atMs = this.deps.clock.nowMs();
    await this.deps.store.transaction((tx) => tx.appendAudit({ atMs, actor, action, detail }));
  }

  async putLaunch(actor: string, launch: Launch, detail: Record<string, unknown>): Promise<void> {
    const atMs = this.deps.clock.nowMs();
    await this.deps.store.transaction(async (tx) => {
      await tx.putLaunch(launch);
      await tx.appendAudit({ atMs, actor, action: 'launch_updated',
        detail: { launch_id: launch.launchId, ...detail } });
    });
    await this.refresh(true);
  }

  async putWindow(actor: string, window: ChangeWindow, action: string): Promise<void> {
    const atMs = this.deps.clock.nowMs();
    await this.deps.store.transaction(async (tx) => {
      await tx.putChangeWindow(window);
      await tx.appendAudit({ atMs, actor, action, detail: { window_id: window.windowId } });
    });
    await this.refresh(true);
  }
}
