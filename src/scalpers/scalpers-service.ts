// Scalpers' use cases: keep the signals of each registration, order and drop hold (buffered,
// written a few times a second outside the order path, after the buyers' writes), report the
// suspicious clusters of a launch or a drop, and cancel a cluster's flagged orders before they lock, refunding the
// deposit, with the operator's reason. Source: issue #17 (anti-scalping).
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import type { ClientEvent } from '../kernel/http/client-signals.js';
import { ok, refuse, type OutcomeCode, type Result } from '../kernel/outcomes.js';
import type { Store } from '../kernel/store/store.js';
import type { Caller } from '../accounts/index.js';
import type { Hold } from '../drops/index.js';
import type { DropsService } from '../drops/index.js';
import type { LaunchesService } from '../launches/index.js';
import { isPastLock, type OrdersService } from '../orders/index.js';
import type { Submit } from '../kernel/core.js';
import type { ScalperHandlers } from './signal-commands.js';
import { rowsOf, SignalBuffer } from './signal-buffer.js';
import type { Signal } from './signals.js';
import { findClusters, type Cluster, type SuspicionRules } from './suspicion.js';

export interface ScalpersDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: Limits;
  readonly log?: (line: string) => void;
  /**
   * Whether the group commit has commands waiting or a batch under way: the timer's flush
   * (flushWhenIdle) waits while it has. None: never busy.
   */
  readonly writerBusy?: () => boolean;
  /** A monotonic clock (ms) for how long signals have waited; performance.now() by default. */
  readonly nowMs?: () => number;
}

/** What a report covers: one launch's orders or one drop's holds. */
export interface ReportScope {
  readonly kind: 'launch' | 'drop';
  readonly id: string;
}

/** Where one order or hold of a cluster stands now. */
export interface SubjectState {
  /** Order: firm, locked, cancelled; hold: held, paid, expired, failed, cancelled, revoked. */
  readonly status: string;
  /**
   * The deposit's state (held, refunded, forfeited, applied); of a hold, the money it paid:
   * `held` once paid, `refunded` once an operator cancelled the sale, null when none was paid.
   */
  readonly depositState: string | null;
  /**
   * What a cancel refunds, in fen, so that the console can say what a cluster's cancel will
   * refund before the operator confirms it: an order's deposit; a hold's amount when it is paid
   * and an operator's cancel would refund it; else null (a hold not paid refunds nothing).
   */
  readonly depositFen: number | null;
  /** Whether an operator's cancel can still cancel it (a firm order; a hold decideRevoke lets). */
  readonly cancellable: boolean;
  /** Why it cannot be cancelled: the code and message the cancel would answer; null if it can. */
  readonly refusal: { readonly code: OutcomeCode; readonly message: string } | null;
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

/**
 * Rows of one `recordSignals` command, one transaction: about 10 ms of the SQLite writer's time
 * (docs/benchmarks.md, session 19), the most a buyer's command waits behind a flush.
 */
export const SIGNAL_CHUNK_ROWS = 2_000;

export class ScalpersService {
  /**
   * Events waiting for the next flush, in chunks (signal-buffer.ts). Hashed into signals at the
   * flush (signalsOfChunk: the distinct facts of a chunk, once each), not on the buyer's request.
   */
  readonly #buffer: SignalBuffer;
  #flushing: Promise<void> = Promise.resolve();
  /** Signals dropped because the buffer was full (the store was away for a while). */
  dropped = 0;

  constructor(private readonly deps: ScalpersDeps, private readonly orders: OrdersService,
    private readonly launches: LaunchesService,
    private readonly submit: Submit<ScalperHandlers>, private readonly drops: DropsService) {
    this.#buffer = new SignalBuffer(SIGNAL_CHUNK_ROWS, deps.nowMs ?? (() => performance.now()));
  }

  /** Events waiting to be written. */
  get buffered(): number {
    return this.#buffer.rows;
  }

  /**
   * Keeps an event's signal for the next flush. Never throws and never waits: the buyer's
   * reply does not depend on it. Past `signalsBufferMax` unwritten signals, new ones are
   * dropped and counted (the report is evidence for an operator, not a ledger).
   */
  record(e: ClientEvent): void {
    if (this.#buffer.rows >= this.deps.limits.signalsBufferMax) {
      this.dropped += 1;
      return;
    }
    this.#buffer.push(e);
  }

  /**
   * Writes every signal buffered now through group commit (`recordSignals`: hashed and written
   * in the writer's thread, never on the event loop's own connection), a chunk of
   * SIGNAL_CHUNK_ROWS per transaction; essential, so load never refuses it. On failure the
   * chunk and those after it wait for the next flush, up to `signalsBufferMax`. For a close and
   * a report, which must see them all.
   */
  flush(): Promise<void> {
    return this.#write(false);
  }

  /**
   * The timer's flush: as `flush`, at a lower priority than the buyers' writes. While the group
   * commit has commands waiting or a batch under way (`deps.writerBusy`: at a drop's opening,
   * the holds), it writes nothing, and between two chunks it stops when the writer became busy;
   * unless the oldest signal waiting has waited `signalsFlushDeferMaxMs`, or the buffer is half
   * full (`signalsBufferMax`): then it writes all, as `flush`. A crash loses what waits, as
   * before: at most `signalsFlushDeferMaxMs` and a timer's round of signals.
   */
  flushWhenIdle(): Promise<void> {
    return this.#write(true);
  }

  #write(yielding: boolean): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      // The signals waiting now, no more: a crowd recording meanwhile waits for the next round.
      let left = this.#buffer.rows;
      const max = this.deps.limits.signalsBufferMax;
      while (left > 0) {
        if (yielding && this.#mayWait()) return;
        const chunk = this.#buffer.take();
        if (chunk === null) return;
        left -= rowsOf(chunk);
        let failure: unknown = null;
        try {
          const r = await this.submit('recordSignals', { chunk }, true);
          if (typeof r !== 'number') failure = r.code;
        } catch (err) {
          failure = err;
        }
        if (failure !== null) {
          this.dropped += this.#buffer.restore(chunk, max);
          this.deps.log?.(`scalpers: signals not written yet (${String(failure)})`);
          return;
        }
      }
    });
    return this.#flushing;
  }

  /** Whether the timer's flush leaves the writer to the buyers' commands for now. */
  #mayWait(): boolean {
    const { limits } = this.deps;
    return (this.deps.writerBusy?.() ?? false)
      && this.#buffer.oldestWaitMs < limits.signalsFlushDeferMaxMs
      && this.#buffer.rows < limits.signalsBufferMax / 2;
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
    const states = await this.#states(scope, clusters.flatMap((c) => [...c.orders,
      ...c.linkedOrders].map((o) => o.subjectId)));
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
              depositFen: now.depositFen, cancellable: now.status === 'firm',
              refusal: now.status === 'firm' ? null
                : refuse(isPastLock(now.status) ? 'order_already_locked' : 'order_cancelled') });
          }
        } else {
          const h = await store.hold(id);
          if (h) out.set(id, await this.#holdState(h));
        }
      }));
    }
    return out;
  }

  /** Where a drop's hold stands: its money, and whether an operator may cancel it (drops). */
  async #holdState(h: Hold): Promise<SubjectState> {
    const verdict = await this.drops.revocable(h);
    const refunded = h.status === 'revoked' && await this.deps.store.transaction((tx) =>
      tx.refundOf(h.paymentReference)) !== null;
    return { status: h.status, cancellable: verdict.ok,
      depositState: h.status === 'paid' ? 'held' : refunded ? 'refunded' : null,
      depositFen: verdict.ok && h.status === 'paid' ? h.amountFen : null,
      refusal: verdict.ok ? null : { code: verdict.code, message: verdict.message } };
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
      // Flagged: the order keeps counting against the account's limit in the launch, so the
      // ring cannot take the place again (as a drop's revoked hold, drop.ts LIMITED).
      const r = await this.orders.act(operator, orderId, { kind: 'cancel', acceptForfeit: false,
        reason, flagged: true });
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
