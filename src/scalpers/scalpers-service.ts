// Scalpers' use cases: keep the signals of each registration, order and drop hold (buffered,
// written a few times a second outside the order path), report the suspicious clusters of a
// launch or a drop, and cancel a cluster's flagged orders before they lock, refunding the
// deposit, with the operator's reason. Source: issue #17 (anti-scalping).
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import type { ClientEvent } from '../kernel/http/client-signals.js';
import { newTimeOrderedId } from '../kernel/ids.js';
import { ok, refuse, type OutcomeCode, type Result } from '../kernel/outcomes.js';
import type { Store } from '../kernel/store/store.js';
import type { Caller } from '../accounts/index.js';
import type { LaunchesService } from '../launches/index.js';
import { isPastLock, type OrdersService } from '../orders/index.js';
import type { Submit } from '../kernel/core.js';
import type { ScalperHandlers } from './signal-commands.js';
import type { Signal } from './signals.js';
import { findClusters, type Cluster, type SuspicionRules } from './suspicion.js';

export interface ScalpersDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: Limits;
  readonly log?: (line: string) => void;
}

/** What a report covers: one launch's orders or one drop's holds. */
export interface ReportScope {
  readonly kind: 'launch' | 'drop';
  readonly id: string;
}

/** Where one order or hold of a cluster stands now. */
export interface SubjectState {
  /** Order: firm, locked, cancelled; hold: held, paid, expired, failed, cancelled. */
  readonly status: string;
  /** Orders only: the deposit's state (held, refunded, forfeited, applied). */
  readonly depositState: string | null;
  /**
   * Orders only: the deposit, in fen (what a cancel refunds while it is held), so that the
   * console can say what a cluster's cancel will refund before the operator confirms it.
   */
  readonly depositFen: number | null;
  /** Whether `cancelFlagged` can still cancel it (a firm order). */
  readonly cancellable: boolean;
}

export interface Report {
  readonly scope: ReportScope;
  readonly opensAtMs: number;
  readonly asOfMs: number;
  /** Signals read; `truncated` when the scope had more than the Limits table lets a report read. */
  readonly signals: number;
  readonly truncated: boolean;
  readonly clusters: readonly Cluster[];
  readonly states: ReadonlyMap<string, SubjectState>;
}

/** One order's outcome in a batch cancel: `cancelled`, or the refusal left alone. */
export interface CancelOutcome {
  readonly orderId: string;
  readonly outcome: 'cancelled' | OutcomeCode;
  readonly depositState: string | null;
}

/** The report's thresholds, from the Limits table. */
export const rulesOf = (l: Limits): SuspicionRules => ({
  deviceAccountsMin: l.suspicionDeviceAccountsMin,
  paymentAccountsMin: l.suspicionPaymentAccountsMin,
  addressAccountsMin: l.suspicionAddressAccountsMin,
  networkAccountsMin: l.suspicionNetworkAccountsMin,
  burstWindowMs: l.suspicionBurstWindowSeconds * 1000,
  burstOrdersMin: l.suspicionBurstOrdersMin,
  bulkWindowMs: l.suspicionBulkWindowSeconds * 1000,
  bulkAccountsMin: l.suspicionBulkAccountsMin,
  bulkBeforeOpeningMs: l.suspicionBulkBeforeOpeningHours * 3_600_000,
});

const READ_CHUNK = 50;

export class ScalpersService {
  /**
   * Events waiting for the next flush, with their signal ids. Hashed into signals at the flush
   * (signalOf: three sha256 and the network prefix), not on the buyer's request.
   */
  #buffer: Array<{ readonly signalId: string; readonly event: ClientEvent }> = [];
  #flushing: Promise<void> = Promise.resolve();
  /** Signals dropped because the buffer was full (the store was away for a while). */
  dropped = 0;

  constructor(private readonly deps: ScalpersDeps, private readonly orders: OrdersService,
    private readonly launches: LaunchesService,
    private readonly submit: Submit<ScalperHandlers>) {}

  /**
   * Keeps an event's signal for the next flush. Never throws and never waits: the buyer's
   * reply does not depend on it. Past `signalsBufferMax` unwritten signals, new ones are
   * dropped and counted (the report is evidence for an operator, not a ledger).
   */
  record(e: ClientEvent): void {
    if (this.#buffer.length >= this.deps.limits.signalsBufferMax) {
      this.dropped += 1;
      return;
    }
    this.#buffer.push({ signalId: newTimeOrderedId('sig', e.atMs), event: e });
  }

  /**
   * Writes the buffered signals through group commit (`recordSignals`: hashed and written in the
   * writer's thread, never on the event loop's own connection); essential, so load never refuses
   * it. On failure they wait for the next flush, up to `signalsBufferMax`.
   */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#buffer.length === 0) return;
      const batch = this.#buffer;
      this.#buffer = [];
      let failure: unknown = null;
      try {
        const r = await this.submit('recordSignals', { entries: batch }, true);
        if (typeof r !== 'number') failure = r.code;
      } catch (err) {
        failure = err;
      }
      if (failure !== null) {
        const room = this.deps.limits.signalsBufferMax - this.#buffer.length;
        this.#buffer = [...batch.slice(0, Math.max(0, room)), ...this.#buffer];
        this.deps.log?.(`scalpers: signals not written yet (${String(failure)})`);
      }
    });
    return this.#flushing;
  }

  /**
   * The suspicious clusters of a launch or a drop, most suspicious first, each order's state
   * read now. Refusals: launch_not_found, drop_not_found.
   */
  async report(scope: ReportScope): Promise<Result<Report>> {
    const { store, limits } = this.deps;
    const opened = scope.kind === 'launch' ? (await this.launches.launch(scope.id))?.opensAtMs
      : (await store.drop(scope.id))?.opensAtMs;
    if (opened === undefined) {
      return refuse(scope.kind === 'launch' ? 'launch_not_found' : 'drop_not_found');
    }
    await this.flush();
    const asOfMs = this.deps.clock.nowMs();
    const max = limits.suspicionSignalsMax;
    const scoped = await store.signalsOfScope(`${scope.kind}:${scope.id}`, max + 1);
    const truncated = scoped.length > max;
    if (truncated) scoped.length = max;
    const accounts = [...new Set(scoped.map((s) => s.accountId))];
    const registrations: Signal[] = [];
    for (let i = 0; i < accounts.length; i += 5_000) {
      registrations.push(...await store.registrationSignals(accounts.slice(i, i + 5_000)));
    }
    const clusters = findClusters(scoped, registrations, opened, rulesOf(limits))
      .slice(0, limits.suspicionClustersMax);
    const states = await this.#states(scope, clusters.flatMap((c) => c.orders
      .map((o) => o.subjectId)));
    return ok({ scope, opensAtMs: opened, asOfMs, signals: scoped.length, truncated, clusters,
      states });
  }

  async #states(scope: ReportScope, ids: readonly string[]): Promise<Map<string, SubjectState>> {
    const { store } = this.deps;
    const out = new Map<string, SubjectState>();
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      await Promise.all(ids.slice(i, i + READ_CHUNK).map(async (id) => {
        if (scope.kind === 'launch') {
          const o = await store.order(id);
          if (o) {
            const now = await this.orders.current(o);
            out.set(id, { status: now.status, depositState: now.depositState,
              depositFen: now.depositFen, cancellable: now.status === 'firm' });
          }
        } else {
          const h = await store.hold(id);
          if (h) {
            out.set(id, { status: h.status, depositState: null, depositFen: null,
              cancellable: false });
          }
        }
      }));
    }
    return out;
  }

  /**
   * Cancels flagged orders of a launch before they lock, each refunding its deposit, under the
   * operator's name and reason (recorded in each order's history and in the audit log). Each
   * order is decided alone: `cancelled`, or `order_already_locked` (left alone: past the lock
   * the deposit is the buyer's to forfeit, not ours to refund), `order_cancelled`,
   * `order_not_found` (none, or not of this launch); a refusal of the store is that order's.
   * At most Limits.flaggedCancelMax orders per call (invalid_request past it).
   */
  async cancelFlagged(operator: Extract<Caller, { role: 'admin' }>, launchId: string,
    orderIds: readonly string[], reason: string, audit: (orderId: string, depositState: string)
    => Promise<void>): Promise<Result<CancelOutcome[]>> {
    if (orderIds.length > this.deps.limits.flaggedCancelMax) {
      return refuse('invalid_request', `Cancel at most ${this.deps.limits.flaggedCancelMax} `
        + 'orders at once.');
    }
    const out: CancelOutcome[] = [];
    for (const orderId of new Set(orderIds)) {
      const found = await this.deps.store.order(orderId);
      if (!found || found.launchId !== launchId) {
        out.push({ orderId, outcome: 'order_not_found', depositState: null });
        continue;
      }
      const o = await this.orders.current(found);
      if (o.status !== 'firm') {
        // Past the lock (locked, or scheduled with a car) is "already locked", not cancelled.
        out.push({ orderId, outcome: isPastLock(o.status) ? 'order_already_locked'
          : 'order_cancelled', depositState: o.depositState });
        continue;
      }
      // No forfeit is accepted: an order that locked since it was read is refused, not
      // cancelled at the buyer's cost.
      const r = await this.orders.act(operator, orderId, { kind: 'cancel', acceptForfeit: false,
        reason });
      if (r.ok) {
        await audit(orderId, r.value.depositState);
        out.push({ orderId, outcome: 'cancelled', depositState: r.value.depositState });
      } else {
        out.push({ orderId, outcome: r.code === 'forfeit_not_accepted' ? 'order_already_locked'
          : r.code, depositState: null });
      }
    }
    return ok(out);
  }
}
