// Production's SQL on the embedded store (production-store.ts is the port it implements).
import type { Db, SqlitePart } from '../kernel/store/sqlite-store.js';
import type { BuildWeekRow } from './estimates.js';
import type { CentreVersion, PlanVersion } from './plan.js';
import {
  carFromRow, CAR_COLUMNS, centreFromRow, changeFromRow, CENTRE_COLUMNS, CHANGE_COLUMNS, estimateFromRow,
  ALLOCATED_WITH_SHOWN, ESTIMATE_COLUMNS, planFromRow, PLAN_COLUMNS, ratesText, replanFromRow, REPLAN_COLUMNS,
  shownFromRow,
} from './production-rows.js';
import type {
  CarRecord, EstimateChange, ProductionReads, ProductionTx, Replan, ShownEstimate, StoredEstimate,
} from './production-store.js';

type Row = Record<string, unknown>;

const PLANS_IN_FORCE = `SELECT ${PLAN_COLUMNS} FROM production_plans p WHERE version = (SELECT `
  + 'MAX(version) FROM production_plans WHERE launch_id = p.launch_id AND trim = p.trim) '
  + 'ORDER BY launch_id, trim';
const CENTRES_IN_FORCE = `SELECT ${CENTRE_COLUMNS} FROM delivery_centres c WHERE version = `
  + '(SELECT MAX(version) FROM delivery_centres WHERE city_id = c.city_id) ORDER BY city_id';

function prepareWrites(db: Db) {
  return {
    insertPlan: db.prepare(`INSERT INTO production_plans (${PLAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    insertCentre: db.prepare(`INSERT INTO delivery_centres (${CENTRE_COLUMNS}) `
      + 'VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    plans: db.prepare(PLANS_IN_FORCE),
    centres: db.prepare(CENTRES_IN_FORCE),
    planCount: db.prepare('SELECT COALESCE(MAX(version), 0) FROM production_plans '
      + 'WHERE launch_id = ? AND trim = ?').pluck(),
    centreCount: db.prepare('SELECT COALESCE(MAX(version), 0) FROM delivery_centres '
      + 'WHERE city_id = ?').pluck(),
    estimates: db.prepare(`SELECT ${ESTIMATE_COLUMNS} FROM order_estimates`).raw(),
    putEstimate: db.prepare(`INSERT OR REPLACE INTO order_estimates (${ESTIMATE_COLUMNS}) `
      + 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    deleteEstimate: db.prepare('DELETE FROM order_estimates WHERE order_id = ?'),
    insertReplan: db.prepare(`INSERT INTO replans (${REPLAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    insertChange: db.prepare(`INSERT INTO estimate_changes (${CHANGE_COLUMNS.slice(11)}) `
      + 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    insertShown: db.prepare('INSERT INTO shown_estimates (order_id, shown_at_ms, handover_week, '
      + 'window_from, window_to, occasion) VALUES (?, ?, ?, ?, ?, ?)'),
    carByVin: db.prepare(`SELECT ${CAR_COLUMNS} FROM built_cars WHERE vin = ?`),
    insertCar: db.prepare(`INSERT INTO built_cars (${CAR_COLUMNS}) `
      + 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    unplaced: db.prepare(`SELECT ${CAR_COLUMNS} FROM built_cars WHERE placed_at_ms IS NULL `
      + 'ORDER BY car_seq'),
    withCars: db.prepare('SELECT order_id FROM built_cars WHERE order_id IS NOT NULL').pluck(),
    allocate: db.prepare('UPDATE built_cars SET order_id = ?, placed_at_ms = ? '
      + 'WHERE vin = ? AND placed_at_ms IS NULL'),
    pool: db.prepare('UPDATE built_cars SET pooled = 1, placed_at_ms = ? '
      + 'WHERE vin = ? AND placed_at_ms IS NULL'),
    unplace: db.prepare('UPDATE built_cars SET order_id = NULL, placed_at_ms = NULL, '
      + 'pooled = 0 WHERE order_id = ? RETURNING vin'),
  };
}

/** A car's column values in CAR_COLUMNS order. */
export const carValues = (c: CarRecord): unknown[] => [c.vin, c.launchId, c.trim,
  c.options.join(','), c.builtOn, c.recordedAtMs, c.recordedBy, c.orderId, c.placedAtMs,
  c.pooled ? 1 : 0];

class ProductionSqliteTx implements ProductionTx {
  constructor(private readonly s: ReturnType<typeof prepareWrites>) {}

  async lockPlanning(): Promise<void> {
    // One process writes SQLite, one transaction at a time: nothing to hold off.
  }

  async tryLockPlanning(): Promise<boolean> {
    return true;
  }

  async insertPlanVersion(p: PlanVersion): Promise<void> {
    this.s.insertPlan.run(p.launchId, p.trim, p.version, ratesText(p), p.createdBy,
      p.createdAtMs, p.reason);
  }

  async insertCentreVersion(c: CentreVersion): Promise<void> {
    this.s.insertCentre.run(c.cityId, c.version, c.handoversPerWeek, c.opensOn, c.servedBy,
      c.createdBy, c.createdAtMs, c.reason);
  }

  async plansInForce(): Promise<PlanVersion[]> {
    return (this.s.plans.all() as Row[]).map(planFromRow);
  }

  async centresInForce(): Promise<CentreVersion[]> {
    return (this.s.centres.all() as Row[]).map(centreFromRow);
  }

  async planVersionCount(launchId: string, trim: string): Promise<number> {
    return this.s.planCount.get(launchId, trim) as number;
  }

  async centreVersionCount(cityId: string): Promise<number> {
    return this.s.centreCount.get(cityId) as number;
  }

  async storedEstimates(): Promise<StoredEstimate[]> {
    // Rows as arrays: a re-plan reads every stored estimate.
    return (this.s.estimates.all() as unknown[][]).map(([orderId, accountId, launchId, trim,
      city, position, buildWeek, arrivalWeek, centre, handoverWeek, planVersion, trimSeq]) => ({
      orderId, accountId, launchId, trim, city, position, buildWeek, arrivalWeek, centre,
      handoverWeek, planVersion, trimSeq }) as StoredEstimate);
  }

  async putEstimates(list: readonly StoredEstimate[]): Promise<void> {
    for (const e of list) {
      this.s.putEstimate.run(e.orderId, e.accountId, e.launchId, e.trim, e.city, e.position,
        e.buildWeek, e.arrivalWeek, e.centre, e.handoverWeek, e.planVersion, e.trimSeq);
    }
  }

  async deleteEstimates(orderIds: readonly string[]): Promise<void> {
    for (const id of orderIds) this.s.deleteEstimate.run(id);
  }

  async insertReplan(r: Replan): Promise<void> {
    this.s.insertReplan.run(r.replanId, r.atMs, r.actor, r.cause, r.reason, r.ordersEstimated,
      r.movedEarlier, r.movedLater);
  }

  async insertEstimateChanges(list: ReadonlyArray<Omit<EstimateChange, 'changeId'>>):
    Promise<void> {
    for (const c of list) {
      this.s.insertChange.run(c.replanId, c.orderId, c.accountId, c.launchId, c.trim, c.oldFrom,
        c.oldTo, c.newFrom, c.newTo, c.weeksMoved, c.atMs);
    }
  }

  async insertShownEstimates(list: readonly ShownEstimate[]): Promise<void> {
    for (const s of list) {
      this.s.insertShown.run(s.orderId, s.shownAtMs, s.handoverWeek, s.windowFrom, s.windowTo,
        s.occasion);
    }
  }

  async carsByVin(vins: readonly string[]): Promise<CarRecord[]> {
    const out: CarRecord[] = [];
    for (const v of vins) {
      const r = this.s.carByVin.get(v) as Row | undefined;
      if (r !== undefined) out.push(carFromRow(r));
    }
    return out;
  }

  async insertCars(cars: readonly CarRecord[]): Promise<void> {
    for (const c of cars) this.s.insertCar.run(...carValues(c));
  }

  async unplacedCars(): Promise<CarRecord[]> {
    return (this.s.unplaced.all() as Row[]).map(carFromRow);
  }

  async ordersWithCars(): Promise<string[]> {
    return this.s.withCars.all() as string[];
  }

  async releaseCars(orderIds: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of orderIds) if (await this.unplaceCarOf(id) !== null) n += 1;
    return n;
  }

  async unplaceCarOf(orderId: string): Promise<string | null> {
    const r = this.s.unplace.get(orderId) as { vin: string } | undefined;
    return r?.vin ?? null;
  }

  async placeCars(allocations: ReadonlyArray<{ vin: string; orderId: string }>,
    pooled: readonly string[], atMs: number): Promise<void> {
    // Only an unplaced car is placed: a car is never given twice.
    for (const a of allocations) {
      if (this.s.allocate.run(a.orderId, atMs, a.vin).changes !== 1) {
        throw new Error(`car ${a.vin} is not unplaced`);
      }
    }
    for (const v of pooled) {
      if (this.s.pool.run(atMs, v).changes !== 1) throw new Error(`car ${v} is not unplaced`);
    }
  }
}

function prepareReads(db: Db) {
  return {
    planVersions: db.prepare(`SELECT ${PLAN_COLUMNS} FROM production_plans `
      + 'WHERE launch_id = ? AND trim = ? ORDER BY version'),
    plans: db.prepare(PLANS_IN_FORCE),
    centreVersions: db.prepare(`SELECT ${CENTRE_COLUMNS} FROM delivery_centres `
      + 'WHERE city_id = ? ORDER BY version'),
    centres: db.prepare(CENTRES_IN_FORCE),
    estimate: db.prepare(`SELECT ${ESTIMATE_COLUMNS} FROM order_estimates WHERE order_id = ?`),
    arrivals: db.prepare('SELECT centre, arrival_week, COUNT(*) FROM order_estimates '
      + 'WHERE centre IS NOT NULL GROUP BY centre, arrival_week ORDER BY centre, arrival_week')
      .raw(),
    builds: db.prepare('SELECT launch_id, trim, build_week, COUNT(*), MAX(trim_seq) '
      + 'FROM order_estimates '
      + 'GROUP BY launch_id, trim, build_week ORDER BY launch_id, trim, build_week').raw(),
    changesAfter: db.prepare(`SELECT ${CHANGE_COLUMNS} FROM estimate_changes `
      + 'WHERE change_id > ? ORDER BY change_id LIMIT ?'),
    replans: db.prepare(`SELECT ${REPLAN_COLUMNS} FROM replans ORDER BY at_ms DESC, `
      + 'replan_id DESC LIMIT ?'),
    changesOfReplan: db.prepare(`SELECT ${CHANGE_COLUMNS} FROM estimate_changes `
      + 'WHERE replan_id = ? AND change_id > ? ORDER BY change_id LIMIT ?'),
    latestCars: db.prepare(`SELECT ${CAR_COLUMNS} FROM built_cars ORDER BY car_seq DESC LIMIT ?`),
    shown: db.prepare('SELECT order_id, shown_at_ms, handover_week, window_from, window_to, '
      + 'occasion FROM shown_estimates WHERE order_id = ? ORDER BY shown_id'),
    carOfOrder: db.prepare(`SELECT ${CAR_COLUMNS} FROM built_cars WHERE order_id = ?`),
    readyStock: db.prepare(`SELECT ${CAR_COLUMNS} FROM built_cars WHERE pooled = 1 `
      + 'ORDER BY car_seq LIMIT ?'),
    carCount: db.prepare('SELECT count(*) FROM built_cars').pluck(),
    allocatedWithShown: db.prepare(ALLOCATED_WITH_SHOWN).raw(),
  };
}

class ProductionSqliteReads implements ProductionReads {
  readonly #r: ReturnType<typeof prepareReads>;

  constructor(db: Db) {
    this.#r = prepareReads(db);
  }

  async planVersions(launchId: string, trim: string): Promise<PlanVersion[]> {
    return (this.#r.planVersions.all(launchId, trim) as Row[]).map(planFromRow);
  }

  async plansInForce(): Promise<PlanVersion[]> {
    return (this.#r.plans.all() as Row[]).map(planFromRow);
  }

  async centreVersions(cityId: string): Promise<CentreVersion[]> {
    return (this.#r.centreVersions.all(cityId) as Row[]).map(centreFromRow);
  }

  async centresInForce(): Promise<CentreVersion[]> {
    return (this.#r.centres.all() as Row[]).map(centreFromRow);
  }

  async storedEstimate(orderId: string): Promise<StoredEstimate | null> {
    const r = this.#r.estimate.get(orderId) as Row | undefined;
    return r === undefined ? null : estimateFromRow(r);
  }

  async centreArrivals(): Promise<Array<[string, number, number]>> {
    return this.#r.arrivals.all() as Array<[string, number, number]>;
  }

  async trimBuildWeeks(): Promise<BuildWeekRow[]> {
    return this.#r.builds.all() as BuildWeekRow[];
  }

  async estimateChangesAfter(afterId: number, limit: number): Promise<EstimateChange[]> {
    return (this.#r.changesAfter.all(afterId, limit) as Row[]).map(changeFromRow);
  }

  async replans(limit: number): Promise<Replan[]> {
    return (this.#r.replans.all(limit) as Row[]).map(replanFromRow);
  }

  async estimateChangesOfReplan(replanId: string, afterId: number, limit: number):
    Promise<EstimateChange[]> {
    return (this.#r.changesOfReplan.all(replanId, afterId, limit) as Row[]).map(changeFromRow);
  }

  async latestCars(limit: number): Promise<CarRecord[]> {
    return (this.#r.latestCars.all(limit) as Row[]).map(carFromRow);
  }

  async shownEstimates(orderId: string): Promise<ShownEstimate[]> {
    return (this.#r.shown.all(orderId) as Row[]).map(shownFromRow);
  }

  async carOfOrder(orderId: string): Promise<CarRecord | null> {
    const r = this.#r.carOfOrder.get(orderId) as Row | undefined;
    return r === undefined ? null : carFromRow(r);
  }

  async readyStock(limit: number): Promise<CarRecord[]> {
    return (this.#r.readyStock.all(limit) as Row[]).map(carFromRow);
  }

  async carCount(): Promise<number> {
    return this.#r.carCount.get() as number;
  }

  async allocatedWithShown(): Promise<Array<{ orderId: string; builtOn: string;
    shownHandoverWeek: number | null }>> {
    return (this.#r.allocatedWithShown.all() as Array<[string, string, number | null]>)
      .map(([orderId, builtOn, shownHandoverWeek]) => ({ orderId, builtOn, shownHandoverWeek }));
  }
}

/** production's part of the SQLite store: its statements, prepared once per connection. */
export const productionSqlite: SqlitePart<ProductionTx, ProductionReads> = {
  name: 'production',
  writes: (db) => new ProductionSqliteTx(prepareWrites(db)),
  reads: (db) => new ProductionSqliteReads(db),
};
