// Production's SQL on the shared store (production-store.ts is the port it implements). A
// re-plan writes up to every locked order's estimate in one transaction, so the bulk writes go
// through unnest in chunks: one round trip per chunk, not per order.
import type pg from 'pg';
import type { BuildWeekRow } from './estimates.js';
import { rows, type PostgresPart, type Queryable } from '../kernel/store/postgres-store.js';
import type { CentreVersion, PlanVersion } from './plan.js';
import {
  carFromRow, CAR_COLUMNS, centreFromRow, changeFromRow, CENTRE_COLUMNS, CHANGE_COLUMNS, estimateFromRow,
  ALLOCATED_WITH_SHOWN, ESTIMATE_COLUMNS, planFromRow, PLAN_COLUMNS, ratesText, replanFromRow, REPLAN_COLUMNS,
  shownFromRow,
} from './production-rows.js';
import type {
  CarRecord, EstimateChange, ProductionReads, ProductionTx, Replan, ShownEstimate, StoredEstimate,
} from './production-store.js';

/**
 * The advisory lock every re-plan and production run holds until commit (lockPlanning): one
 * process at a time re-plans. A fixed 64-bit key of launchday's own ("ldplan" in ASCII).
 */
const PLANNING_LOCK = 119_178_638_680_430;

/** Rows per statement in bulk writes. */
const CHUNK = 10_000;

const PLANS_IN_FORCE = `SELECT DISTINCT ON (launch_id, trim) ${PLAN_COLUMNS} FROM production_plans `
  + 'ORDER BY launch_id, trim, version DESC';
const CENTRES_IN_FORCE = `SELECT DISTINCT ON (city_id) ${CENTRE_COLUMNS} FROM delivery_centres `
  + 'ORDER BY city_id, version DESC';

/** Runs `write` over `list` in chunks, each turned into one array per column. */
async function chunked<T>(list: readonly T[], write: (part: readonly T[]) => Promise<unknown>):
  Promise<void> {
  for (let i = 0; i < list.length; i += CHUNK) await write(list.slice(i, i + CHUNK));
}

/** Byte order, as SQLite sorts text (PostgreSQL's collation may not). */
const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function plansInForce(db: Queryable): Promise<PlanVersion[]> {
  return (await rows(db, PLANS_IN_FORCE)).map(planFromRow)
    .sort((a, b) => byBytes(a.launchId, b.launchId) || byBytes(a.trim, b.trim));
}

async function centresInForce(db: Queryable): Promise<CentreVersion[]> {
  return (await rows(db, CENTRES_IN_FORCE)).map(centreFromRow)
    .sort((a, b) => byBytes(a.cityId, b.cityId));
}

class ProductionPostgresTx implements ProductionTx {
  constructor(private readonly c: pg.PoolClient) {}

  async lockPlanning(): Promise<void> {
    // Readers of the estimates go on; another re-plan (any process) waits for this one's commit.
    await this.c.query('SELECT pg_advisory_xact_lock($1)', [PLANNING_LOCK]);
    await this.c.query('LOCK TABLE order_estimates IN EXCLUSIVE MODE');
  }

  async tryLockPlanning(): Promise<boolean> {
    // Every holder of the planning lock takes the advisory lock first: if it is free, so will
    // the table lock be but for a writer that has not yet reached it, which is waited for.
    const r = await rows<{ got: boolean }>(this.c, 'SELECT pg_try_advisory_xact_lock($1) AS got',
      [PLANNING_LOCK]);
    if (!r[0]!.got) return false;
    await this.c.query('LOCK TABLE order_estimates IN EXCLUSIVE MODE');
    return true;
  }

  async insertPlanVersion(p: PlanVersion): Promise<void> {
    await this.c.query(`INSERT INTO production_plans (${PLAN_COLUMNS}) `
      + 'VALUES ($1, $2, $3, $4, $5, $6, $7)', [p.launchId, p.trim, p.version, ratesText(p),
      p.createdBy, p.createdAtMs, p.reason]);
  }

  async insertCentreVersion(c: CentreVersion): Promise<void> {
    await this.c.query(`INSERT INTO delivery_centres (${CENTRE_COLUMNS}) `
      + 'VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [c.cityId, c.version, c.handoversPerWeek,
      c.opensOn, c.servedBy, c.createdBy, c.createdAtMs, c.reason]);
  }

  async plansInForce(): Promise<PlanVersion[]> {
    return plansInForce(this.c);
  }

  async centresInForce(): Promise<CentreVersion[]> {
    return centresInForce(this.c);
  }

  async planVersionCount(launchId: string, trim: string): Promise<number> {
    const r = await rows<{ n: string }>(this.c, 'SELECT COALESCE(MAX(version), 0) AS n FROM '
      + 'production_plans WHERE launch_id = $1 AND trim = $2', [launchId, trim]);
    return Number(r[0]!.n);
  }

  async centreVersionCount(cityId: string): Promise<number> {
    const r = await rows<{ n: string }>(this.c, 'SELECT COALESCE(MAX(version), 0) AS n FROM '
      + 'delivery_centres WHERE city_id = $1', [cityId]);
    return Number(r[0]!.n);
  }

  async storedEstimates(): Promise<StoredEstimate[]> {
    return (await rows(this.c, `SELECT ${ESTIMATE_COLUMNS} FROM order_estimates`))
      .map(estimateFromRow);
  }

  async putEstimates(list: readonly StoredEstimate[]): Promise<void> {
    await chunked(list, (part) => this.c.query(`INSERT INTO order_estimates (${ESTIMATE_COLUMNS}) `
      + 'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], '
      + '$6::bigint[], $7::int[], $8::int[], $9::text[], $10::int[], $11::int[], $12::bigint[]) '
      + 'ON CONFLICT (order_id) DO UPDATE SET account_id = EXCLUDED.account_id, '
      + 'launch_id = EXCLUDED.launch_id, trim = EXCLUDED.trim, city = EXCLUDED.city, '
      + 'position = EXCLUDED.position, build_week = EXCLUDED.build_week, '
      + 'arrival_week = EXCLUDED.arrival_week, centre = EXCLUDED.centre, '
      + 'handover_week = EXCLUDED.handover_week, plan_version = EXCLUDED.plan_version, '
      + 'trim_seq = EXCLUDED.trim_seq',
    [part.map((e) => e.orderId), part.map((e) => e.accountId), part.map((e) => e.launchId),
      part.map((e) => e.trim), part.map((e) => e.city), part.map((e) => e.position),
      part.map((e) => e.buildWeek), part.map((e) => e.arrivalWeek), part.map((e) => e.centre),
      part.map((e) => e.handoverWeek), part.map((e) => e.planVersion),
      part.map((e) => e.trimSeq)]));
  }

  async deleteEstimates(orderIds: readonly string[]): Promise<void> {
    await chunked(orderIds, (part) => this.c.query(
      'DELETE FROM order_estimates WHERE order_id = ANY($1::text[])', [part]));
  }

  async insertReplan(r: Replan): Promise<void> {
    await this.c.query(`INSERT INTO replans (${REPLAN_COLUMNS}) `
      + 'VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [r.replanId, r.atMs, r.actor, r.cause,
      r.reason, r.ordersEstimated, r.movedEarlier, r.movedLater]);
  }

  async insertEstimateChanges(list: ReadonlyArray<Omit<EstimateChange, 'changeId'>>):
    Promise<void> {
    // WITH ORDINALITY keeps the ids in the list's order, as SQLite's one-by-one inserts do.
    await chunked(list, (part) => this.c.query(`INSERT INTO estimate_changes (${
      CHANGE_COLUMNS.slice(11)}) SELECT a, b, c, d, e, f, g, h, i, j, k FROM unnest($1::text[], `
      + '$2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], '
      + '$9::text[], $10::int[], $11::bigint[]) WITH ORDINALITY AS x(a, b, c, d, e, f, g, h, i, '
      + 'j, k, ord) ORDER BY ord',
    [part.map((c) => c.replanId), part.map((c) => c.orderId), part.map((c) => c.accountId),
      part.map((c) => c.launchId), part.map((c) => c.trim), part.map((c) => c.oldFrom),
      part.map((c) => c.oldTo), part.map((c) => c.newFrom), part.map((c) => c.newTo),
      part.map((c) => c.weeksMoved), part.map((c) => c.atMs)]));
  }

  async insertShownEstimates(list: readonly ShownEstimate[]): Promise<void> {
    await chunked(list, (part) => this.c.query('INSERT INTO shown_estimates (order_id, '
      + 'shown_at_ms, handover_week, window_from, window_to, occasion) SELECT a, b, c, d, e, f '
      + 'FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[]) '
      + 'WITH ORDINALITY AS x(a, b, c, d, e, f, ord) ORDER BY ord',
    [part.map((s) => s.orderId), part.map((s) => s.shownAtMs), part.map((s) => s.handoverWeek),
      part.map((s) => s.windowFrom), part.map((s) => s.windowTo), part.map((s) => s.occasion)]));
  }

  async carsByVin(vins: readonly string[]): Promise<CarRecord[]> {
    return (await rows(this.c, `SELECT ${CAR_COLUMNS} FROM built_cars WHERE vin = ANY($1::text[]) `
      + 'ORDER BY car_seq', [vins])).map(carFromRow);
  }

  async insertCars(cars: readonly CarRecord[]): Promise<void> {
    await chunked(cars, (part) => this.c.query(`INSERT INTO built_cars (${CAR_COLUMNS}) `
      + 'SELECT a, b, c, d, e, f, g, h, i, j FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], '
      + '$6::bigint[], $7::text[], $8::text[], $9::bigint[], $10::int[]) '
      + 'WITH ORDINALITY AS x(a, b, c, d, e, f, g, h, i, j, ord) ORDER BY ord',
    [part.map((c) => c.vin), part.map((c) => c.launchId), part.map((c) => c.trim),
      part.map((c) => c.options.join(',')), part.map((c) => c.builtOn),
      part.map((c) => c.recordedAtMs), part.map((c) => c.recordedBy),
      part.map((c) => c.orderId), part.map((c) => c.placedAtMs),
      part.map((c) => (c.pooled ? 1 : 0))]));
  }

  async unplacedCars(): Promise<CarRecord[]> {
    return (await rows(this.c, `SELECT ${CAR_COLUMNS} FROM built_cars WHERE placed_at_ms IS NULL `
      + 'ORDER BY car_seq')).map(carFromRow);
  }

  async ordersWithCars(): Promise<string[]> {
    return (await rows<{ order_id: string }>(this.c,
      'SELECT order_id FROM built_cars WHERE order_id IS NOT NULL')).map((r) => r.order_id);
  }

  async releaseCars(orderIds: readonly string[]): Promise<number> {
    if (orderIds.length === 0) return 0;
    // The same release as unplaceCarOf, for many orders in one statement.
    const r = await this.c.query('UPDATE built_cars SET order_id = NULL, placed_at_ms = NULL, '
      + 'pooled = 0 WHERE order_id = ANY($1::text[])', [orderIds]);
    return r.rowCount ?? 0;
  }

  async unplaceCarOf(orderId: string): Promise<string | null> {
    const r = await this.c.query('UPDATE built_cars SET order_id = NULL, placed_at_ms = NULL, '
      + 'pooled = 0 WHERE order_id = $1 RETURNING vin', [orderId]);
    return (r.rows[0]?.vin as string | undefined) ?? null;
  }

  async placeCars(allocations: ReadonlyArray<{ vin: string; orderId: string }>,
    pooled: readonly string[], atMs: number): Promise<void> {
    // Only an unplaced car is placed: a car is never given twice.
    let placed = 0;
    await chunked(allocations, async (part) => {
      placed += (await this.c.query('UPDATE built_cars AS b SET order_id = x.o, placed_at_ms = $3 '
        + 'FROM unnest($1::text[], $2::text[]) AS x(v, o) WHERE b.vin = x.v '
        + 'AND b.placed_at_ms IS NULL', [part.map((a) => a.vin), part.map((a) => a.orderId),
        atMs])).rowCount ?? 0;
    });
    await chunked(pooled, async (part) => {
      placed += (await this.c.query('UPDATE built_cars SET pooled = 1, placed_at_ms = $2 '
        + 'WHERE vin = ANY($1::text[]) AND placed_at_ms IS NULL', [part, atMs])).rowCount ?? 0;
    });
    if (placed !== allocations.length + pooled.length) {
      throw new Error('a car to place was not unplaced');
    }
  }
}

class ProductionPostgresReads implements ProductionReads {
  constructor(private readonly pool: Queryable) {}

  async planVersions(launchId: string, trim: string): Promise<PlanVersion[]> {
    return (await rows(this.pool, `SELECT ${PLAN_COLUMNS} FROM production_plans `
      + 'WHERE launch_id = $1 AND trim = $2 ORDER BY version', [launchId, trim])).map(planFromRow);
  }

  plansInForce(): Promise<PlanVersion[]> {
    return plansInForce(this.pool);
  }

  async centreVersions(cityId: string): Promise<CentreVersion[]> {
    return (await rows(this.pool, `SELECT ${CENTRE_COLUMNS} FROM delivery_centres `
      + 'WHERE city_id = $1 ORDER BY version', [cityId])).map(centreFromRow);
  }

  centresInForce(): Promise<CentreVersion[]> {
    return centresInForce(this.pool);
  }

  async storedEstimate(orderId: string): Promise<StoredEstimate | null> {
    const r = await rows(this.pool, `SELECT ${ESTIMATE_COLUMNS} FROM order_estimates `
      + 'WHERE order_id = $1', [orderId]);
    return r.length === 0 ? null : estimateFromRow(r[0]!);
  }

  async centreArrivals(): Promise<Array<[string, number, number]>> {
    const r = await rows<{ centre: string; arrival_week: number; n: string }>(this.pool,
      'SELECT centre, arrival_week, COUNT(*) AS n FROM order_estimates WHERE centre IS NOT NULL '
      + 'GROUP BY centre, arrival_week ORDER BY centre COLLATE "C", arrival_week');
    return r.map((x) => [x.centre, Number(x.arrival_week), Number(x.n)]);
  }

  async trimBuildWeeks(): Promise<BuildWeekRow[]> {
    const r = await rows<{ launch_id: string; trim: string; build_week: number; n: string;
      seq: string }>(this.pool, 'SELECT launch_id, trim, build_week, COUNT(*) AS n, '
      + 'MAX(trim_seq) AS seq FROM order_estimates GROUP BY launch_id, trim, build_week '
      + 'ORDER BY launch_id COLLATE "C", trim COLLATE "C", build_week');
    return r.map((x) => [x.launch_id, x.trim, Number(x.build_week), Number(x.n),
      Number(x.seq)]);
  }

  async estimateChangesAfter(afterId: number, limit: number): Promise<EstimateChange[]> {
    return (await rows(this.pool, `SELECT ${CHANGE_COLUMNS} FROM estimate_changes `
      + 'WHERE change_id > $1 ORDER BY change_id LIMIT $2', [afterId, limit])).map(changeFromRow);
  }

  async replans(limit: number): Promise<Replan[]> {
    return (await rows(this.pool, `SELECT ${REPLAN_COLUMNS} FROM replans `
      + 'ORDER BY at_ms DESC, replan_id COLLATE "C" DESC LIMIT $1', [limit])).map(replanFromRow);
  }

  async estimateChangesOfReplan(replanId: string, afterId: number, limit: number):
    Promise<EstimateChange[]> {
    return (await rows(this.pool, `SELECT ${CHANGE_COLUMNS} FROM estimate_changes `
      + 'WHERE replan_id = $1 AND change_id > $2 ORDER BY change_id LIMIT $3',
    [replanId, afterId, limit])).map(changeFromRow);
  }

  async latestCars(limit: number): Promise<CarRecord[]> {
    return (await rows(this.pool, `SELECT ${CAR_COLUMNS} FROM built_cars `
      + 'ORDER BY car_seq DESC LIMIT $1', [limit])).map(carFromRow);
  }

  async carOfOrder(orderId: string): Promise<CarRecord | null> {
    const r = await rows(this.pool, `SELECT ${CAR_COLUMNS} FROM built_cars WHERE order_id = $1`,
      [orderId]);
    return r.length === 0 ? null : carFromRow(r[0]!);
  }

  async readyStock(limit: number): Promise<CarRecord[]> {
    return (await rows(this.pool, `SELECT ${CAR_COLUMNS} FROM built_cars WHERE pooled = 1 `
      + 'ORDER BY car_seq LIMIT $1', [limit])).map(carFromRow);
  }

  async allocatedWithShown(): Promise<Array<{ orderId: string; builtOn: string;
    shownHandoverWeek: number | null }>> {
    return (await rows<{ order_id: string; built_on: string; week: number | null }>(this.pool,
      ALLOCATED_WITH_SHOWN)).map((r) => ({ orderId: r.order_id, builtOn: r.built_on,
      shownHandoverWeek: r.week === null ? null : Number(r.week) }));
  }

  async carCount(): Promise<number> {
    return Number((await rows<{ n: string }>(this.pool,
      'SELECT count(*) AS n FROM built_cars'))[0]!.n);
  }

  async shownEstimates(orderId: string): Promise<ShownEstimate[]> {
    return (await rows(this.pool, 'SELECT order_id, shown_at_ms, handover_week, window_from, '
      + 'window_to, occasion FROM shown_estimates WHERE order_id = $1 ORDER BY shown_id',
    [orderId])).map(shownFromRow);
  }
}

/** production's part of the PostgreSQL store. */
export const productionPostgres: PostgresPart<ProductionTx, ProductionReads> = {
  name: 'production',
  writes: (c) => new ProductionPostgresTx(c),
  reads: (pool) => new ProductionPostgresReads(pool),
};
