// The application: every use case of launchday as a method that returns a result code or a
// value. HTTP is a thin shell over it (http-app.ts); tests drive it directly or through HTTP.
import type { Clock } from '../domain/clock.js';
import { isValidPhone, validateIdNumber, validateName } from '../domain/identity.js';
import { statsFromCounters, type LaunchStats } from '../domain/launch-stats.js';
import { findTrim, type Launch } from '../domain/launch.js';
import {
  allowedActions, decideSalesOpen, estimateWeeks, isDueForAutoLock, queueKey,
  resolveConfiguration, sortedIds, switchTargets, trimKey,
  type ChangeRequest, type ChangeWindow, type Order,
} from '../domain/order.js';
import { ok, refuse, type Refusal, type Result } from '../domain/outcomes.js';
import type { Limits } from '../config.js';
import type { Account, OrderEvent, Store } from '../store/store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { RegisterCommand } from './account-commands.js';
import { batchHandlers, type BatchHandlers } from './batch-handlers.js';
import {
  GroupCommitter, localExecutor, Overloaded, type PayloadOf, type ResultOf,
} from './group-committer.js';
import { sha256 } from './ids.js';
import type { OrderAction, PlaceOutcome } from './order-commands.js';
import { depositReference, type PaymentProvider } from './payments.js';
import { parseObject } from './http-io.js';
import { verify, type PaymentNotification } from './payment-signature.js';
import { SqliteBatchExecutor } from './sqlite-batch-executor.js';
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
  readonly log?: (line: string) => void;
}

export interface PlaceInput {
  readonly launchId: string;
  readonly trim: string;
  readonly options: readonly string[];
  readonly city: string;
}

/** How long cached launches and windows may lag a change made by another process. */
const CACHE_MS = 1_000;
/** How long cached launch figures may lag, unless a caller asks for fresher ones. */
const COUNTERS_CACHE_MS = 250;

export class Launchday {
  readonly committer: GroupCommitter<BatchHandlers>;
  /** The embedded store's writer thread, which runs the group-commit batches. */
  readonly #writerThread: SqliteBatchExecutor | null;
  /** Buyers' sessions and operators: who a bearer token stands for (sessions.ts). */
  readonly sessions: Sessions;
  #launches = new Map<string, Launch>();
  #windows: ChangeWindow[] = [];
  #loadedAtMs = -Infinity;
  #loading: Promise<void> | null = null;
  readonly #counterCache = new Map<string, { atMs: number; counters: Map<string, number> }>();
  /**
   * Settles if nothing can be written any more (the SQLite writer thread died): the process
   * should stop and be started again, which main.ts does.
   */
  readonly broken: Promise<Error>;
  /** Why nothing can be written, once `broken` has settled. */
  brokenBecause: Error | null = null;

  constructor(readonly deps: LaunchdayDeps) {
    this.sessions = new Sessions({ store: deps.store, clock: deps.clock, sms: deps.sms,
      limits: deps.limits, showCodes: deps.showCodes, log: deps.log ?? (() => {}) });
    // SQLite takes one writer at a time: it gets a thread of its own, so that the event loop
    // only reads requests and writes replies. PostgreSQL's writes run here, on its pool.
    this.#writerThread = deps.store instanceof SqliteStore
      ? new SqliteBatchExecutor(deps.store, deps.limits) : null;
    this.committer = new GroupCommitter(
      this.#writerThread?.execute ?? localExecutor(deps.store, batchHandlers(deps.limits)),
      deps.clock, deps.limits);
    this.broken = this.#writerThread?.died ?? new Promise<Error>(() => {});
    void this.broken.then((err) => { this.brokenBecause = err; });
  }

  /** Waits for the commits under way and stops the writer thread; the store stays open. */
  async close(): Promise<void> {
    await this.sessions.flushTouches();
    await this.committer.drained();
    await this.#writerThread?.close();
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  /** Submits to group commit; a full queue becomes the `overloaded` outcome. */
  async #submit<K extends keyof BatchHandlers>(handler: K,
    payload: PayloadOf<BatchHandlers[K]>, essential = false):
    Promise<ResultOf<BatchHandlers[K]> | Refusal> {
    try {
      return await this.committer.submit(handler, payload, essential);
    } catch (err) {
      if (err instanceof Overloaded) return refuse('overloaded');
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

  async counters(launchId: string, maxAgeMs = COUNTERS_CACHE_MS): Promise<Map<string, number>> {
    const hit = this.#cachedCounters(launchId, maxAgeMs);
    if (hit !== null) return hit;
    const now = performance.now();
    const counters = await this.deps.store.counters(launchId);
    this.#counterCache.set(launchId, { atMs: now, counters });
    return counters;
  }

  #cachedCounters(launchId: string, maxAgeMs = COUNTERS_CACHE_MS): Map<string, number> | null {
    const hit = this.#counterCache.get(launchId);
    return hit && performance.now() - hit.atMs < maxAgeMs ? hit.counters : null;
  }

  async stats(launchId: string): Promise<Result<LaunchStats>> {
    if (!(await this.launch(launchId))) return refuse('launch_not_found');
    return ok(statsFromCounters(launchId, await this.counters(launchId, 0),
      this.deps.clock.nowMs()));
  }

  // ---------- identity ----------

  authenticate(token: string): Promise<Caller | null> {
    return this.sessions.authenticate(token);
  }

  validateRegistration(input: { phone: string; name: string; idNumber: string }):
    Result<Omit<RegisterCommand, 'tokenHash'>> {
    if (!isValidPhone(input.phone)) return refuse('invalid_phone');
    const name = validateName(input.name);
    if (!name.ok) return name;
    const id = validateIdNumber(input.idNumber, this.deps.clock.nowMs());
    if (!id.ok) return id;
    return ok({ phone: input.phone, name: name.value, idNumber: id.value });
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
    const requestHash = sha256(JSON.stringify([input.launchId, input.trim,
      sortedIds(input.options), input.city]));
    const reference = depositReference(account.accountId, idempotencyKey, requestHash);
    const command = { accountId: account.accountId, launch, config: resolved.value.config,
      priceFen: resolved.value.priceFen, idempotencyKey, requestHash, paymentReference: reference };
    // Checked again in the batch; here so that nobody is charged before the opening. A retry
    // of an order taken before still gets its order back: the batch looks the key up first.
    const open = decideSalesOpen(launch, this.deps.clock.nowMs());
    if (!open.ok) return this.#submit('place', { ...command, refusal: open });
    // The provider answers a retried charge (same reference) with its first answer, so a
    // retry of a committed order is not charged twice; the batch answers it with that order.
    const paid = await this.deps.payments.charge({ reference, amountFen: launch.depositFen,
      payer: account.accountId });
    if (paid.status !== 'approved') return refuse('payment_declined');
    const r = await this.#submit('place', command);
    // Money taken for an order that was not written is released at once. A replay shares the
    // reference with the order that holds the money, so it must not.
    if (!r.ok) await this.deps.payments.void({ reference });
    return r;
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
    if (r.ok && r.value.depositState === 'refunded') void this.sendPayments();
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
   * Takes a signed notification from the payment provider. Each event is recorded once, so a
   * duplicate changes nothing; a refund's settlement goes into its order's history.
   */
  async receivePaymentNotification(body: string, signature: string | undefined):
    Promise<Result<{ duplicate: boolean }>> {
    const nowMs = this.deps.clock.nowMs();
    // The provider signs with its own clock, which the simulated clock does not move.
    if (!verify(this.deps.paymentSecret, signature, body, Date.now())) {
      return refuse('signature_invalid');
    }
    const parsed = parseObject(body);
    if (!parsed.ok) return parsed;
    const n = parsed.value as Partial<PaymentNotification>;
    if (typeof n.event_id !== 'string' || n.type !== 'refund.succeeded'
      || typeof n.reference !== 'string') {
      return refuse('invalid_request', 'A notification needs event_id, type and reference.');
    }
    return this.deps.store.transaction(async (tx) => {
      const fresh = await tx.recordNotification(n.event_id!, n.type!, n.reference!, nowMs);
      if (!fresh) return ok({ duplicate: true });
      const orderId = await tx.settleRefund(n.reference!, nowMs);
      if (orderId) {
        await tx.insertEvents([{ orderId, atMs: nowMs, type: 'refund_settled',
          actor: 'payment_provider', detail: { amount_fen: n.amount_fen ?? null } }]);
      }
      return ok({ duplicate: false });
    });
  }

  // ---------- estimates ----------

  /** The estimate for a configuration if its order locked now. */
  async estimateIfLockedNow(launch: Launch, trim: string):
    Promise<{ weeksMin: number; weeksMax: number; lockedAhead: number } | null> {
    const counters = this.#cachedCounters(launch.launchId)
      ?? await this.counters(launch.launchId);
    return this.#estimateIfLockedNow(launch, trim, counters);
  }

  #estimateIfLockedNow(launch: Launch, trim: string, counters: Map<string, number>):
    { weeksMin: number; weeksMax: number; lockedAhead: number } | null {
    const t = findTrim(launch, trim);
    if (!t) return null;
    const lockedAhead = counters.get(`trim.${trim}.locked`) ?? 0;
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
      const counters = this.#cachedCounters(launch.launchId)
        ?? await this.counters(launch.launchId);
      const e = this.#estimateIfLockedNow(launch, order.trim, counters);
      if (e) estimate = { weeksMin: e.weeksMin, weeksMax: e.weeksMax, basis: 'if_locked_now' };
    }
    const windows = this.#fresh() ? this.#windows : await this.windows();
    const nowMs = this.deps.clock.nowMs();
    const actions = allowedActions(order, windows, nowMs);
    const switchTo = switchTargets(order, windows, nowMs);
    return { estimate, queue, actions, switchTo,
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
