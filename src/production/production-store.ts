// Production's part of the storage port: plan and centre versions, each locked order's stored
// estimate, the re-plans, the estimate changes they found (for notifications to consume), and
// the estimates shown at lock (for the truth audit). Both adapters implement it
// (production-sqlite.ts, production-postgres.ts) and pass its contract
// (production-store.contract.ts).
import type { BuildWeekRow, OrderEstimate } from './estimates.js';
import type { CentreVersion, PlanVersion } from './plan.js';

/** A locked order's estimate as stored by the last re-plan. */
export type StoredEstimate = OrderEstimate;

/** One re-plan: what caused it and what it found. */
export interface Replan {
  readonly replanId: string;
  readonly atMs: number;
  readonly actor: string;
  /** `plan`, `centre` or `manual`. */
  readonly cause: string;
  readonly reason: string;
  readonly ordersEstimated: number;
  readonly movedEarlier: number;
  readonly movedLater: number;
}

/**
 * A locked order whose estimate a re-plan moved: the row the notifications capability turns
 * into exactly one message (its `changeId` is the key). Windows are Beijing dates, both ends
 * included; `weeksMoved` is negative when the estimate moved earlier.
 */
export interface EstimateChange {
  /** Increasing in commit order: a consumer pages with `estimateChangesAfter(lastSeen)`. */
  readonly changeId: number;
  readonly replanId: string;
  readonly orderId: string;
  readonly accountId: string;
  readonly launchId: string;
  readonly trim: string;
  readonly oldFrom: string;
  readonly oldTo: string;
  readonly newFrom: string;
  readonly newTo: string;
  readonly weeksMoved: number;
  readonly atMs: number;
}

/** An estimate shown to a buyer for a locked order (the lock reply), for the truth audit. */
export interface ShownEstimate {
  readonly orderId: string;
  readonly shownAtMs: number;
  readonly handoverWeek: number;
  readonly windowFrom: string;
  readonly windowTo: string;
  /** `lock`: in the reply to the lock. */
  readonly occasion: string;
}

/** A built car as recorded: its VIN, exact configuration, and where it went. */
export interface CarRecord {
  readonly vin: string;
  readonly launchId: string;
  readonly trim: string;
  /** Sorted, defaults filled in. */
  readonly options: readonly string[];
  /** `YYYY-MM-DD`, Beijing: the day it left the line. */
  readonly builtOn: string;
  readonly recordedAtMs: number;
  readonly recordedBy: string;
  /** The order it was allocated to; null while unplaced or in the ready-stock pool. */
  readonly orderId: string | null;
  /** When it was allocated or pooled; null until an allocation run has placed it. */
  readonly placedAtMs: number | null;
  /** In the ready-stock pool: no locked order wanted its configuration when it was placed. */
  readonly pooled: boolean;
}

/** Production's reads and writes inside one transaction (see StoreTx). */
export interface ProductionTx {
  /**
   * Holds off every other re-plan until commit, so that each compares against the estimates the
   * one before it stored, and version numbers are taken one at a time (first in a transaction).
   */
  lockPlanning(): Promise<void>;
  /**
   * As `lockPlanning` when no other transaction holds it; false at once, holding nothing, when
   * one does (another process is re-planning): the periodic re-plan then gives way.
   */
  tryLockPlanning(): Promise<boolean>;
  insertPlanVersion(plan: PlanVersion): Promise<void>;
  insertCentreVersion(centre: CentreVersion): Promise<void>;
  /** The highest version of every launch and trim's plan. */
  plansInForce(): Promise<PlanVersion[]>;
  /** The highest version of every city's centre. */
  centresInForce(): Promise<CentreVersion[]>;
  /** The highest version of one plan (0 when none). */
  planVersionCount(launchId: string, trim: string): Promise<number>;
  centreVersionCount(cityId: string): Promise<number>;
  storedEstimates(): Promise<StoredEstimate[]>;
  putEstimates(estimates: readonly StoredEstimate[]): Promise<void>;
  deleteEstimates(orderIds: readonly string[]): Promise<void>;
  insertReplan(replan: Replan): Promise<void>;
  insertEstimateChanges(changes: ReadonlyArray<Omit<EstimateChange, 'changeId'>>): Promise<void>;
  insertShownEstimates(shown: readonly ShownEstimate[]): Promise<void>;
  /** The recorded cars among `vins`. */
  carsByVin(vins: readonly string[]): Promise<CarRecord[]>;
  /** Records new cars (unplaced); a VIN recorded before fails the transaction. */
  insertCars(cars: readonly CarRecord[]): Promise<void>;
  /** Cars not yet allocated nor pooled, in the order they were recorded. */
  unplacedCars(): Promise<CarRecord[]>;
  /** Every order that has a car. */
  ordersWithCars(): Promise<string[]>;
  /**
   * Takes back the cars of these orders (cancelled after their car was allocated): each is
   * unplaced again, for the next allocation to give to the next order waiting. Returns how many.
   */
  releaseCars(orderIds: readonly string[]): Promise<number>;
  /**
   * Takes the car from an order (deliveries: a deferral, or a release by the rules): the car is
   * unplaced again, for the next allocation. Its VIN; null when the order had none.
   */
  unplaceCarOf(orderId: string): Promise<string | null>;
  /** Gives each car its order, and pools the others, at `atMs`. */
  placeCars(allocations: ReadonlyArray<{ vin: string; orderId: string }>,
    pooled: readonly string[], atMs: number): Promise<void>;
}

/** Production's reads of committed data (see Store). */
export interface ProductionReads {
  /** Every version of one plan, oldest first. */
  planVersions(launchId: string, trim: string): Promise<PlanVersion[]>;
  plansInForce(): Promise<PlanVersion[]>;
  /** Every version of one city's centre, oldest first. */
  centreVersions(cityId: string): Promise<CentreVersion[]>;
  centresInForce(): Promise<CentreVersion[]>;
  storedEstimate(orderId: string): Promise<StoredEstimate | null>;
  /** Stored estimates per centre and arrival week: [centre, week, cars], by centre and week. */
  centreArrivals(): Promise<Array<[string, number, number]>>;
  /**
   * Stored estimates per trim and build week: [launchId, trim, week, orders, highest trimSeq],
   * by launch, trim and week (estimates.ts, trimTails: where each trim's queue ends in the plan).
   */
  trimBuildWeeks(): Promise<BuildWeekRow[]>;
  /** Estimate changes with `changeId` above `afterId`, oldest first, at most `limit`. */
  estimateChangesAfter(afterId: number, limit: number): Promise<EstimateChange[]>;
  /** The latest re-plans, newest first. */
  replans(limit: number): Promise<Replan[]>;
  /** One re-plan's estimate changes with `changeId` above `afterId`, oldest first. */
  estimateChangesOfReplan(replanId: string, afterId: number, limit: number):
    Promise<EstimateChange[]>;
  /** The cars recorded last, newest first, at most `limit` (the operator's list of runs). */
  latestCars(limit: number): Promise<CarRecord[]>;
  shownEstimates(orderId: string): Promise<ShownEstimate[]>;
  /** The car allocated to an order, or null. */
  carOfOrder(orderId: string): Promise<CarRecord | null>;
  /** Cars in the ready-stock pool, first recorded first, at most `limit`. */
  readyStock(limit: number): Promise<CarRecord[]>;
  /** How many cars have been recorded (0 lets order replies skip looking for one). */
  carCount(): Promise<number>;
  /**
   * Every allocated car's order with its build day and the handover week of the first estimate
   * shown at its lock (null when none was: locked before a plan, or automatically).
   */
  allocatedWithShown(): Promise<Array<{ orderId: string; builtOn: string;
    shownHandoverWeek: number | null }>>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends ProductionTx {}
  interface Store extends ProductionReads {}
}
