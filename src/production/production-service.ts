// Production's use cases: plan and centre versions, re-plans (every locked order's estimate in
// one pass, moved ones listed), the estimates orders show (wired into orders as its
// EstimateSource), and the record of estimates shown at lock.
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import { newId } from '../kernel/ids.js';
import { ok, quoted, refuse, type Result } from '../kernel/outcomes.js';
import type { SqliteStore } from '../kernel/store/sqlite-store.js';
import type { Store, StoreTx } from '../kernel/store/store.js';
import { transactionWrite, type BatchWrite } from '../kernel/write/batch-handlers.js';
import { findTrim, launchNotFound, type LaunchesService } from '../launches/index.js';
import {
  resolveConfiguration, scheduleOrders, unscheduleOrders, type EstimateSource, type Order, type PlannedEstimate,
  type VehicleSource,
} from '../orders/index.js';
import { allocate } from './allocation.js';
import {
  estimateAppended, planKey, TRANSIT_WEEKS, trimTails, WINDOW_WEEKS, weeksFromNow, windowOf,
  type CentreLoad, type OrderEstimate, type PlanningState, type TrimTail,
} from './estimates.js';
import {
  beijingDateMs, checkRates, weekOfDate, type CentreVersion, type PlanRate, type PlanVersion,
} from './plan.js';
import type {
  CarRecord, EstimateChange, Replan, ShownEstimate,
} from './production-store.js';
import { vinProblem } from './vin.js';
import { changeRow, replan } from './replan.js';
import { mergedRequest, ReplanCoalescer, type ReplanRequest } from './replan-coalescer.js';
import { UnpackedReplan } from './replan-packing.js';
import { ReplanThread } from './replan-thread.js';

export interface ProductionDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: Limits;
}

/** What the estimates read on a request's path: the plans and centres, and the centres' loads. */
interface Snapshot {
  readonly state: PlanningState;
  readonly loads: ReadonlyMap<string, CentreLoad>;
  /**
   * Where each trim's stored estimates end (estimates.ts, trimTails), with the orders at or
   * before each counted as of `tailsAt` (#liveTails).
   */
  readonly tails: ReadonlyMap<string, TrimTail>;
  /** `performance.now()` when the tails' orders were counted. */
  readonly tailsAt: number;
  /** Cars recorded: none means no order has a VIN to look up. */
  readonly cars: number;
  readonly gen: number;
  /** `performance.now()` when the read began. */
  readonly readAt: number;
}

/**
 * How long a snapshot may lag a re-plan made by another process (PostgreSQL). This process's
 * own re-plans drop it as they commit; on SQLite, which only this process writes, it has no age
 * limit.
 */
const SNAPSHOT_MAX_AGE_MS = 1_000;

/**
 * How long the orders counted at or before each trim's tail may lag an order cancelled or
 * re-queued (on both stores: on SQLite the rest of the snapshot is kept until a re-plan). An
 * order re-queued at the end since was counted at its old place, and an order locked behind it
 * was told a week early (the attacker's case, test/estimate-lock-week.test.ts).
 */
const TAILS_MAX_AGE_MS = 1_000;

/** A car as an operator records it. */
export interface BuiltCarInput {
  readonly vin: string;
  readonly trim: string;
  readonly options: readonly string[];
}

/** What a production run did: cars new and seen before, and where the new ones went. */
export interface RunSummary {
  readonly recorded: number;
  /** Cars of this run recorded before with the same configuration (a re-sent run). */
  readonly alreadyRecorded: number;
  readonly allocations: ReadonlyArray<{ vin: string; orderId: string }>;
  readonly pooled: readonly string[];
}

/** A re-plan's result as the operator's reply and the audit log show it. */
export interface ReplanSummary extends Replan {
  readonly durationMs: number;
}

/**
 * Called inside a re-plan's transaction with the estimate changes it writes (not yet numbered:
 * `replanId` + `orderId` is unique), so that a capability that tells buyers (notifications)
 * can queue its messages in the same transaction: a crash then loses or doubles none.
 */
export type EstimatesMovedHook = (tx: StoreTx,
  changes: ReadonlyArray<Omit<EstimateChange, 'changeId'>>) => Promise<void>;

/**
 * Called inside a production run's transaction with each car just allocated and its order's
 * buyer (`accountId`): the composition queues the "scheduled, your VIN is ..." message there.
 */
export type CarsAllocatedHook = (tx: StoreTx, allocated: ReadonlyArray<{ vin: string;
  orderId: string; accountId: string }>, atMs: number) => Promise<void>;

/**
 * Asked inside an allocation's transaction: the locked orders that must not get a car now
 * (deliveries: a deferral the buyer asked for runs until its date). They keep their place.
 */
export type HeldBackSource = (tx: StoreTx, atMs: number) => Promise<ReadonlySet<string>>;

export class ProductionService implements EstimateSource, VehicleSource {
  /** Set by the composition: orders an allocation passes over for now (deliveries). */
  heldBack: HeldBackSource | null = null;
  /** Set by the composition when a capability wants the moved estimates in the same commit. */
  onEstimatesMoved: EstimatesMovedHook | null = null;
  /** Set by the composition when a capability wants each allocation in the same commit. */
  onCarsAllocated: CarsAllocatedHook | null = null;
  #snapshot: Snapshot | null = null;
  #reading: Promise<Snapshot> | null = null;
  /** The generation `#reading` was begun in: a read begun before a change is not handed out. */
  #readingGen = -1;
  /**
   * Plan and centre changes between their version's commit and their re-plan's end, and what
   * resolves when the last ends: the stored estimates are the old plan's until then, and
   * counted with the new plan's rates they told a buyer weeks early (the attacker's case).
   */
  #changes = 0;
  #changed: { readonly promise: Promise<void>; readonly resolve: () => void } | null = null;
  #gen = 0;
  readonly #maxAgeMs: number;
  /** Estimates shown at lock, written by `flushShown` (the timer, or when many wait). */
  #shown: ShownEstimate[] = [];
  #flushing: Promise<void> | null = null;
  /** Re-plans one at a time; requests made during one share the next (replan-coalescer.ts). */
  readonly #replans = new ReplanCoalescer<ReplanSummary | null>((requests) =>
    this.#runReplan(mergedRequest(requests)));
  /**
   * On SQLite: computes re-plans in a worker thread, so that a re-plan of 300,000 orders does
   * not hold the event loop for seconds (docs/benchmarks.md); null on PostgreSQL, where one
   * transaction re-plans (the database does the heavy part, and serialises processes).
   */
  readonly #thread: ReplanThread | null;
  /** The tail of this process's re-plans and production runs: they never interleave. */
  #serialTail: Promise<unknown> = Promise.resolve();

  /** Where the estimates shown at lock are written (`flushShown`). */
  readonly #write: BatchWrite;

  /**
   * `offThread`: false keeps SQLite re-plans on the event loop, in one transaction. `write`:
   * the kernel's `writeInBatch` (the writer thread on SQLite), else this store's transaction.
   */
  constructor(private readonly deps: ProductionDeps, private readonly launches: LaunchesService,
    options: { offThread?: boolean; write?: BatchWrite } = {}) {
    this.#write = options.write ?? transactionWrite(deps.store);
    this.#maxAgeMs = deps.store.kind === 'postgres' ? SNAPSHOT_MAX_AGE_MS : Infinity;
    const sqlite = deps.store.kind === 'sqlite' ? deps.store as SqliteStore : null;
    this.#thread = sqlite !== null && options.offThread !== false
      ? new ReplanThread(sqlite.file, sqlite.composition.module) : null;
  }

  /** Waits for the re-plan under way and stops the re-plan worker. */
  async close(): Promise<void> {
    await this.#replans.idle();
    await this.#thread?.close();
  }

  // ---------- plans and centres ----------

  /**
   * Adds a version of a trim's plan, then re-plans (requestReplan) and answers with the re-plan
   * that covered it. Outcomes:
   * `launch_not_found`, `unknown_trim`, `invalid_request` (the rates; the last must build).
   */
  async putPlan(actor: string, launchId: string, trim: string, rates: readonly PlanRate[],
    reason: string): Promise<Result<{ plan: PlanVersion; replan: ReplanSummary }>> {
    const launch = await this.launches.launch(launchId);
    if (!launch) return launchNotFound('launch_id', launchId);
    if (!findTrim(launch, trim)) {
      return refuse('unknown_trim', `${launchId} has no trim ${quoted(trim)}; its trims are `
        + `${launch.trims.map((t) => t.trim).join(', ')}.`);
    }
    const checked = checkRates(rates, this.deps.limits.planRatesMax,
      this.deps.limits.planUnitsPerWeekMax);
    if (!checked.ok) return checked;
    if (rates[rates.length - 1]!.unitsPerWeek === 0) {
      return refuse('invalid_request', 'The last rate must build cars: a plan that stops would '
        + 'leave locked orders without a date.');
    }
    const atMs = this.deps.clock.nowMs();
    return this.#changing(async () => {
      const plan = await this.#inTransaction(async (tx) => {
        const p: PlanVersion = { launchId, trim, rates,
          version: (await tx.planVersionCount(launchId, trim)) + 1,
          createdBy: actor, createdAtMs: atMs, reason };
        await tx.insertPlanVersion(p);
        await tx.appendAudit({ atMs, actor, action: 'production_plan_changed', detail: {
          launch_id: launchId, trim, version: p.version, reason } });
        return p;
      });
      // The re-plan runs by itself once the version is in: the reply waits for the one that
      // covers it. A crash before it ran leaves the version unplanned only until the periodic
      // one.
      return ok({ plan, replan: (await this.requestReplan({ actor, cause: 'plan', reason }))! });
    });
  }

  /**
   * Runs a plan or centre change (its version, then its re-plan): estimates asked for meanwhile
   * in this process wait for it to end (#current). On PostgreSQL another process still reads the
   * new version with the old estimates until the re-plan commits (not handled yet).
   */
  async #changing<T>(change: () => Promise<T>): Promise<T> {
    if (this.#changes++ === 0) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => { resolve = r; });
      this.#changed = { promise, resolve };
    }
    try {
      return await change();
    } finally {
      if (--this.#changes === 0) {
        const changed = this.#changed!;
        this.#changed = null;
        this.#dropSnapshot();
        changed.resolve();
      }
    }
  }

  /**
   * Adds a version of a city's delivery centre, then re-plans as `putPlan` does. Outcomes:
   * `unknown_city` (no launch delivers there), `centre_not_found` (`servedBy` names a city
   * without a centre), `invalid_request`.
   */
  async putCentre(actor: string, centre: Omit<CentreVersion, 'version' | 'createdBy'
    | 'createdAtMs'>): Promise<Result<{ centre: CentreVersion; replan: ReplanSummary }>> {
    const cities = new Set((await this.launches.all()).flatMap((l) => l.cities.map((c) =>
      c.cityId)));
    if (!cities.has(centre.cityId)) {
      return refuse('unknown_city', `No launch delivers to the city ${quoted(centre.cityId)}, `
        + 'so it cannot have a delivery centre: list the cities with GET /launches.');
    }
    if (centre.servedBy === centre.cityId) {
      return refuse('invalid_request', '"served_by" must name another city.');
    }
    const atMs = this.deps.clock.nowMs();
    return this.#changing(async () => {
      const put = await this.#inTransaction(async (tx): Promise<Result<CentreVersion>> => {
        if (centre.servedBy !== null && (await tx.centreVersionCount(centre.servedBy)) === 0) {
          return refuse('centre_not_found', `"${centre.servedBy}" has no delivery centre.`);
        }
        const c: CentreVersion = { ...centre,
          version: (await tx.centreVersionCount(centre.cityId)) + 1, createdBy: actor,
          createdAtMs: atMs };
        await tx.insertCentreVersion(c);
        await tx.appendAudit({ atMs, actor, action: 'delivery_centre_changed', detail: {
          city_id: c.cityId, version: c.version, reason: c.reason } });
        return ok(c);
      });
      if (!put.ok) return put;
      const r = await this.requestReplan({ actor, cause: 'centre', reason: put.value.reason });
      return ok({ centre: put.value, replan: r! });
    });
  }

  /** Re-plans now: picks up orders locked since the last one (they get their first estimate). */
  async replanNow(actor: string, reason: string): Promise<ReplanSummary> {
    return (await this.requestReplan({ actor, cause: 'manual', reason }))!;
  }

  /**
   * Asks for a re-plan and answers with the one that covers the request: one runs at a time in
   * this process, and requests made while one runs share the next (ReplanCoalescer). On
   * PostgreSQL a re-plan holds the planning lock (lockPlanning), so processes take turns.
   * Null only for a periodic request alone that found another process re-planning, or nothing
   * to change.
   */
  requestReplan(r: ReplanRequest): Promise<ReplanSummary | null> {
    return this.#replans.request(r);
  }

  /**
   * The periodic re-plan (the timer, every `replanIntervalMs`): covers orders locked since the
   * last re-plan and any change a crash left unplanned. It leaves no trace when nothing changed,
   * and on PostgreSQL gives way when another process is re-planning (tryLockPlanning).
   */
  replanPeriodic(): Promise<ReplanSummary | null> {
    return this.requestReplan({ actor: 'system', cause: 'periodic', reason: '' });
  }

  /** Runs `fn` after this process's re-plans and production runs begun before it. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#serialTail.then(fn, fn);
    this.#serialTail = run.catch(() => undefined);
    return run;
  }

  async #runReplan(req: ReplanRequest): Promise<ReplanSummary | null> {
    return this.#serial(async () => {
      const atMs = this.deps.clock.nowMs();
      const quiet = req.cause === 'periodic';
      if (this.#thread !== null) return this.#replanSliced(req, atMs, quiet);
      return this.#inTransaction(async (tx) => this.#replan(tx, req, atMs, quiet),
        { tryLock: quiet });
    });
  }

  /**
   * A transaction that holds off other re-plans (with `tryLock`, or gives up at once and
   * answers null when another holds them), and drops the snapshot once it committed.
   */
  async #inTransaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  async #inTransaction<T>(fn: (tx: StoreTx) => Promise<T>, o: { tryLock: boolean }):
    Promise<T | null>;
  async #inTransaction<T>(fn: (tx: StoreTx) => Promise<T>, o = { tryLock: false }):
    Promise<T | null> {
    try {
      return await this.deps.store.transaction(async (tx) => {
        if (o.tryLock) {
          if (!await tx.tryLockPlanning()) return null;
        } else await tx.lockPlanning();
        return fn(tx);
      });
    } finally {
      this.#dropSnapshot();
    }
  }

  #dropSnapshot(): void {
    this.#gen++;
    this.#snapshot = null;
  }

  /**
   * Every locked order's estimate in one pass, in the caller's transaction: the new ones stored,
   * those of orders gone removed, and each moved one written to `estimate_changes` (the rows the
   * notifications capability consumes, one message each). `quiet`: when nothing changed, no
   * re-plan is recorded (null).
   */
  async #replan(tx: StoreTx, req: ReplanRequest, atMs: number, quiet: boolean):
    Promise<ReplanSummary | null> {
    const started = performance.now();
    const state = stateOf(await tx.plansInForce(), await tx.centresInForce());
    const result = replan(state, await tx.lockedQueue(), await tx.storedEstimates(),
      new Set(await tx.ordersWithCars()));
    if (quiet && result.write.length === 0 && result.remove.length === 0) return null;
    const replanId = newId('rpl');
    await tx.putEstimates(result.write);
    await tx.deleteEstimates(result.remove);
    const changes = result.moved.map((m) => changeRow(m, replanId, atMs));
    await tx.insertEstimateChanges(changes);
    if (changes.length > 0 && this.onEstimatesMoved) await this.onEstimatesMoved(tx, changes);
    return this.#recordReplan(tx, { replanId, atMs, ...req,
      ordersEstimated: result.estimates.size, movedEarlier: result.earlier,
      movedLater: result.later }, started);
  }

  async #recordReplan(tx: StoreTx, r: Replan, started: number): Promise<ReplanSummary> {
    await tx.insertReplan(r);
    await tx.appendAudit({ atMs: r.atMs, actor: r.actor, action: 'replanned', detail: {
      cause: r.cause, reason: r.reason, replan_id: r.replanId,
      moved_earlier: r.movedEarlier, moved_later: r.movedLater } });
    return { ...r, durationMs: Math.round(performance.now() - started) };
  }

  /**
   * A re-plan on SQLite: computed in the worker thread from one consistent read, then written
   * in slices of `replanSliceOrders` estimates, each in its own short transaction with its
   * changes and their messages (onEstimatesMoved), the event loop and the orders' writer free
   * between them. A crash between slices leaves the rest unwritten and unannounced: the next
   * re-plan compares with what was stored, so each move is still told exactly once. Orders
   * locked or cancelled while it runs are the next re-plan's (periodic at the latest).
   */
  async #replanSliced(req: ReplanRequest, atMs: number, quiet: boolean):
    Promise<ReplanSummary | null> {
    const started = performance.now();
    const u = new UnpackedReplan(await this.#thread!.replan());
    const remove = u.remove;
    // Every moved estimate is among those written: nothing to write is nothing moved.
    if (quiet && u.size === 0 && remove.length === 0) return null;
    const replanId = newId('rpl');
    const step = this.deps.limits.replanSliceOrders;
    for (let from = 0; from < Math.max(u.size, remove.length); from += step) {
      const { write, moved } = u.slice(from, Math.min(u.size, from + step));
      const gone = remove.slice(from, from + step);
      await this.deps.store.transaction(async (tx) => {
        await tx.putEstimates(write);
        await tx.deleteEstimates(gone);
        const changes = moved.map((m) => changeRow(m, replanId, atMs));
        await tx.insertEstimateChanges(changes);
        if (changes.length > 0 && this.onEstimatesMoved) await this.onEstimatesMoved(tx, changes);
      });
      this.#dropSnapshot();
      // A turn for the requests and group commits waiting.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const r = await this.deps.store.transaction((tx) => this.#recordReplan(tx, { replanId, atMs,
      ...req, ordersEstimated: u.p.estimated, movedEarlier: u.p.earlier,
      movedLater: u.p.later }, started));
    this.#dropSnapshot();
    return r;
  }

  // ---------- production runs and allocation ----------

  /**
   * Records a run of built cars and allocates every unplaced car, in one transaction: each car
   * to the first locked order of its configuration in queue order that has none, the others to
   * the ready-stock pool. Re-sending a run records nothing new and allocates nothing twice; a
   * crash before the commit leaves nothing, so the run can be sent again. Outcomes:
   * `launch_not_found`, `invalid_vin`, `unknown_trim`, `unknown_option`, `option_conflict`,
   * `vin_conflict` (a VIN recorded before with another configuration), `invalid_request`.
   */
  async recordRun(actor: string, launchId: string, builtOn: string,
    cars: readonly BuiltCarInput[], reason: string): Promise<Result<RunSummary>> {
    const launch = await this.launches.launch(launchId);
    if (!launch) return launchNotFound('launch_id', launchId);
    if (beijingDateMs(builtOn) === null) {
      return refuse('invalid_request', '"built_on" must be a date YYYY-MM-DD.');
    }
    const atMs = this.deps.clock.nowMs();
    const records: CarRecord[] = [];
    const seen = new Set<string>();
    for (const [i, c] of cars.entries()) {
      const problem = vinProblem(c.vin);
      if (problem !== null) {
        return refuse('invalid_vin', `cars[${i}].vin "${c.vin}" is not a valid VIN: ${problem}.`);
      }
      if (seen.has(c.vin)) return refuse('invalid_request', `cars[${i}].vin is repeated.`);
      seen.add(c.vin);
      // The order rules fill the defaults in, so that a car matches orders as they are stored.
      const r = resolveConfiguration(launch, { trim: c.trim, options: c.options,
        city: launch.cities[0]?.cityId ?? '' });
      if (!r.ok) return refuse(r.code, `cars[${i}]: ${r.message}`);
      records.push({ vin: c.vin, launchId, trim: r.value.config.trim,
        options: r.value.config.options, builtOn, recordedAtMs: atMs, recordedBy: actor,
        orderId: null, placedAtMs: null, pooled: false });
    }
    return this.#serial(() => this.#inTransaction(async (tx) => {
      const before = new Map((await tx.carsByVin(records.map((c) => c.vin)))
        .map((c) => [c.vin, c]));
      const fresh: CarRecord[] = [];
      for (const c of records) {
        const old = before.get(c.vin);
        if (old === undefined) fresh.push(c);
        else if (old.launchId !== c.launchId || old.trim !== c.trim
          || old.options.join(',') !== c.options.join(',')) {
          return refuse('vin_conflict', `${c.vin} was recorded before as another configuration.`);
        }
      }
      await tx.insertCars(fresh);
      const placed = await this.#allocate(tx, atMs);
      await tx.appendAudit({ atMs, actor, action: 'production_run_recorded', detail: {
        launch_id: launchId, built_on: builtOn, recorded: fresh.length, reason,
        allocated: placed.allocations.length, pooled: placed.pooled.length } });
      return ok({ recorded: fresh.length, alreadyRecorded: records.length - fresh.length,
        ...placed });
    }));
  }

  /**
   * Takes the car from `orderId` and allocates it again at once, in the caller's transaction
   * (deliveries: a deferral, an unpaid balance after notice and grace, missed appointments):
   * by the allocation rule it goes to the first waiting order of its configuration by
   * production sequence, passing over `orderId` and the orders held back, else to the
   * ready-stock pool. The caller locks planning first (`tx.lockPlanning`). `reason` (the
   * deliveries rule) goes into the order's `car_released` event. Null when the order had no car.
   */
  async releaseCar(tx: StoreTx, orderId: string, reason: string, atMs: number):
    Promise<{ vin: string; toOrderId: string | null } | null> {
    const vin = await tx.unplaceCarOf(orderId);
    if (vin === null) return null;
    // The order goes back to waiting for a car (scheduled -> locked) in the same transaction,
    // so that a later allocation can schedule it again.
    await unscheduleOrders(tx, [{ orderId, vin }], reason, atMs);
    const r = await this.#allocate(tx, atMs, orderId);
    this.#gen++;
    this.#snapshot = null;
    return { vin, toOrderId: r.allocations.find((a) => a.vin === vin)?.orderId ?? null };
  }

  /** Allocates every unplaced car (`allocate`), in the caller's transaction. */
  async #allocate(tx: StoreTx, atMs: number, passOver?: string):
    Promise<Pick<RunSummary, 'allocations' | 'pooled'>> {
    const cars = await tx.unplacedCars();
    if (cars.length === 0) return { allocations: [], pooled: [] };
    const served = new Set(await tx.ordersWithCars());
    if (passOver !== undefined) served.add(passOver);
    for (const o of (await this.heldBack?.(tx, atMs)) ?? []) served.add(o);
    const waiting = (await tx.lockedQueue()).filter((o) => !served.has(o.orderId));
    const r = allocate(cars, waiting);
    await tx.placeCars(r.allocations, r.pooled, atMs);
    // The orders capability owns the status: each order allocated a car becomes scheduled in
    // this same transaction, so a car is never allocated to an order still shown as locked.
    const builtOn = new Map(cars.map((c) => [c.vin, c.builtOn]));
    await scheduleOrders(tx, r.allocations.map((a) => ({ ...a, builtOn: builtOn.get(a.vin)!,
      allocationWeek: weekOfDate(builtOn.get(a.vin)!) })), atMs);
    if (r.allocations.length > 0 && this.onCarsAllocated) {
      const buyer = new Map(waiting.map((o) => [o.orderId, o.accountId]));
      await this.onCarsAllocated(tx, r.allocations.map((a) => ({ ...a,
        accountId: buyer.get(a.orderId)! })), atMs);
    }
    return r;
  }

  /**
   * The truth audit: of the allocated orders that were shown a plan's estimate at their lock,
   * how many got their car in the window shown (the week it can be handed over, its build week
   * + TRANSIT_WEEKS, within the shown handover week or the week after).
   */
  async truthShare(): Promise<{ allocated: number; shownAtLock: number; inside: number;
    share: number | null }> {
    // Every estimate shown so far counts, the last second's too (written by group commit).
    await this.flushShown();
    const rows = await this.deps.store.allocatedWithShown();
    let shown = 0;
    let inside = 0;
    for (const r of rows) {
      if (r.shownHandoverWeek === null) continue;
      shown++;
      const week = weekOfDate(r.builtOn) + TRANSIT_WEEKS;
      if (week >= r.shownHandoverWeek && week < r.shownHandoverWeek + WINDOW_WEEKS) inside++;
    }
    return { allocated: rows.length, shownAtLock: shown, inside,
      share: shown === 0 ? null : inside / shown };
  }

  /** The car allocated to a scheduled order (its VIN), when any is. */
  async vehicleOf(order: Order): Promise<{ vin: string; builtOn: string } | null> {
    if (order.status !== 'scheduled') return null;
    const s = this.#current();
    const snap = s instanceof Promise ? await s : s;
    if (snap.cars === 0) return null;
    const car = await this.deps.store.carOfOrder(order.orderId);
    return car && { vin: car.vin, builtOn: car.builtOn };
  }

  // ---------- estimates for orders (EstimateSource) ----------

  /** The plans, centres and loads, cached; read once for every caller when stale. */
  #current(): Snapshot | Promise<Snapshot> {
    // A plan or centre change under way: answered once its re-plan has ended.
    if (this.#changed !== null) return this.#changed.promise.then(() => this.#current());
    const s = this.#snapshot;
    const now = performance.now();
    if (s !== null && s.gen === this.#gen && now - s.readAt < this.#maxAgeMs
      && now - s.tailsAt < TAILS_MAX_AGE_MS) {
      return s;
    }
    if (this.#reading !== null && this.#readingGen === this.#gen) return this.#reading;
    const gen = this.#gen;
    // Only the tails' counts are old: recounted, the rest kept (a few indexed counts).
    const fresh = s !== null && s.gen === gen && now - s.readAt < this.#maxAgeMs;
    const read = fresh ? (async () => {
      const tailsAt = performance.now();
      const snap: Snapshot = { ...s, tails: await this.#liveTails(s.tails), tailsAt };
      if (gen === this.#gen) this.#snapshot = snap;
      return snap;
    })() : (async () => {
      const readAt = performance.now();
      const [plans, centres, arrivals, tails, cars] = await Promise.all([
        this.deps.store.plansInForce(), this.deps.store.centresInForce(),
        this.deps.store.centreArrivals(), this.#tailsNow(), this.deps.store.carCount()]);
      const loads = new Map<string, Array<[number, number]>>();
      for (const [centre, week, cars] of arrivals) {
        let l = loads.get(centre);
        if (l === undefined) loads.set(centre, l = []);
        l.push([week, cars]);
      }
      const snap: Snapshot = { state: stateOf(plans, centres), loads, tails, tailsAt: readAt,
        cars, gen, readAt };
      if (gen === this.#gen) this.#snapshot = snap;
      return snap;
    })();
    this.#reading = read;
    this.#readingGen = gen;
    const done = (): void => {
      if (this.#reading === read) this.#reading = null;
    };
    void read.then(done, done);
    return read;
  }

  /**
   * Where each trim's stored estimates end (estimates.ts, TrimTail), by `planKey`, with `orders`
   * as they stand now: the live locked orders at or before the tail, its sequence less the
   * sequences released below it. An order re-queued at the end by a change since the re-plan is
   * counted after the tail (its old sequence released), not at its old place.
   */
  async #tailsNow(): Promise<Map<string, TrimTail>> {
    return this.#liveTails(trimTails(await this.deps.store.trimBuildWeeks()));
  }

  /** `tails` with each one's `orders` counted now (see #tailsNow). */
  async #liveTails(tails: ReadonlyMap<string, TrimTail>): Promise<Map<string, TrimTail>> {
    const out = new Map(tails);
    // A plan's key (launch/trim) is the orders' key of the trim's sequence (order.ts, trimKey).
    await Promise.all([...tails].map(async ([k, t]) => {
      const released = await this.deps.store.releasedBefore(k, t.lastSeq + 1);
      out.set(k, { ...t, orders: t.lastSeq - released });
    }));
    return out;
  }

  /** One trim's tail as `#tailsNow` gives it; undefined when none of its orders is estimated. */
  async trimTail(launchId: string, trim: string): Promise<TrimTail | undefined> {
    return (await this.#tailsNow()).get(planKey(launchId, trim));
  }

  #planned(handoverWeek: number): PlannedEstimate {
    const w = windowOf(handoverWeek);
    return { ...weeksFromNow(handoverWeek, this.deps.clock.nowMs()), windowFrom: w.from,
      windowTo: w.to };
  }

  /**
   * The estimate of one more order at `position` of its trim, queued at `queuedAtMs`: see
   * `estimateAppended`.
   */
  #appended(s: Snapshot, launchId: string, trim: string, city: string | null, position: number,
    queuedAtMs: number): OrderEstimate | null {
    const e = estimateAppended(s.state, s.loads, s.tails, launchId, trim, city ?? '', position,
      queuedAtMs);
    return e && { ...e, orderId: '', accountId: '', trimSeq: 0 };
  }

  ifLockedNow(launchId: string, trim: string, city: string | null, lockedInTrim: number):
    PlannedEstimate | null | Promise<PlannedEstimate | null> {
    const s = this.#current();
    const answer = (snap: Snapshot): PlannedEstimate | null => {
      const e = this.#appended(snap, launchId, trim, city, lockedInTrim + 1,
        this.deps.clock.nowMs());
      return e && this.#planned(e.handoverWeek);
    };
    return s instanceof Promise ? s.then(answer) : answer(s);
  }

  /**
   * A locked order's estimate: the one the last re-plan stored (what the buyer is kept informed
   * of), or, for an order locked since, its place appended to that queue.
   */
  forLocked(order: Order, aheadInTrim: number, atLock: boolean):
    PlannedEstimate | null | Promise<PlannedEstimate | null> {
    const s = this.#current();
    const answer = async (snap: Snapshot): Promise<PlannedEstimate | null> => {
      if (!snap.state.plans.has(planKey(order.launchId, order.trim))) return null;
      const stored = await this.deps.store.storedEstimate(order.orderId);
      const week = stored?.handoverWeek ?? this.#appended(snap, order.launchId, order.trim,
        order.city, aheadInTrim + 1, order.queuedAtMs ?? this.deps.clock.nowMs())?.handoverWeek;
      if (week === undefined) return null;
      const planned = this.#planned(week);
      if (atLock) this.#recordShown(order.orderId, week, planned);
      return planned;
    };
    if (s instanceof Promise) return s.then(answer);
    // No plan for the trim: answered at once, as orders' own estimate is.
    return s.state.plans.has(planKey(order.launchId, order.trim)) ? answer(s) : null;
  }

  // ---------- estimates shown (truth audit) ----------

  #recordShown(orderId: string, handoverWeek: number, p: PlannedEstimate): void {
    this.#shown.push({ orderId, shownAtMs: this.deps.clock.nowMs(), handoverWeek,
      windowFrom: p.windowFrom, windowTo: p.windowTo, occasion: 'lock' });
    if (this.#shown.length >= this.deps.limits.shownEstimatesBufferMax) {
      void this.flushShown().catch(() => undefined);
    }
  }

  /**
   * Writes the estimates shown since the last flush in one transaction (the server's timer calls
   * it every second, and `close`). A lock's reply does not wait for it: a crash can lose the
   * last second's records, never an order or a lock.
   */
  async flushShown(): Promise<void> {
    while (this.#flushing !== null) await this.#flushing;
    if (this.#shown.length === 0) return;
    const batch = this.#shown;
    this.#shown = [];
    this.#flushing = this.#write('insertShownEstimates', batch)
      .catch((err) => {
        // Kept for the next flush, up to the bound: the store may be back by then.
        const room = this.deps.limits.shownEstimatesBufferMax * 2 - this.#shown.length;
        this.#shown = [...batch.slice(Math.max(0, batch.length - room)), ...this.#shown];
        throw err;
      })
      .finally(() => {
        this.#flushing = null;
      });
    await this.#flushing;
  }
}

/** The plans and centres in force as the estimates take them. */
export function stateOf(plans: readonly PlanVersion[], centres: readonly CentreVersion[]):
  PlanningState {
  return { plans: new Map(plans.map((p) => [planKey(p.launchId, p.trim), p])),
    centres: new Map(centres.map((c) => [c.cityId, c])) };
}
