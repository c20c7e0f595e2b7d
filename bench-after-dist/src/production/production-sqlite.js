import { carFromRow, CAR_COLUMNS, centreFromRow, changeFromRow, CENTRE_COLUMNS, CHANGE_COLUMNS, estimateFromRow, ALLOCATED_WITH_SHOWN, ESTIMATE_COLUMNS, planFromRow, PLAN_COLUMNS, ratesText, replanFromRow, REPLAN_COLUMNS, shownFromRow, } from './production-rows.js';
const PLANS_IN_FORCE = `SELECT ${PLAN_COLUMNS} FROM production_plans p WHERE version = (SELECT `
    + 'MAX(version) FROM production_plans WHERE launch_id = p.launch_id AND trim = p.trim) '
    + 'ORDER BY launch_id, trim';
const CENTRES_IN_FORCE = `SELECT ${CENTRE_COLUMNS} FROM delivery_centres c WHERE version = `
    + '(SELECT MAX(version) FROM delivery_centres WHERE city_id = c.city_id) ORDER BY city_id';
function prepareWrites(db) {
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
            + 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
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
        release: db.prepare('UPDATE built_cars SET order_id = NULL, placed_at_ms = NULL '
            + 'WHERE order_id = ?'),
        pool: db.prepare('UPDATE built_cars SET pooled = 1, placed_at_ms = ? '
            + 'WHERE vin = ? AND placed_at_ms IS NULL'),
    };
}
/** A car's column values in CAR_COLUMNS order. */
export const carValues = (c) => [c.vin, c.launchId, c.trim,
    c.options.join(','), c.builtOn, c.recordedAtMs, c.recordedBy, c.orderId, c.placedAtMs,
    c.pooled ? 1 : 0];
class ProductionSqliteTx {
    s;
    constructor(s) {
        this.s = s;
    }
    async lockPlanning() {
        // One process writes SQLite, one transaction at a time: nothing to hold off.
    }
    async tryLockPlanning() {
        return true;
    }
    async insertPlanVersion(p) {
        this.s.insertPlan.run(p.launchId, p.trim, p.version, ratesText(p), p.createdBy, p.createdAtMs, p.reason);
    }
    async insertCentreVersion(c) {
        this.s.insertCentre.run(c.cityId, c.version, c.handoversPerWeek, c.opensOn, c.servedBy, c.createdBy, c.createdAtMs, c.reason);
    }
    async plansInForce() {
        return this.s.plans.all().map(planFromRow);
    }
    async centresInForce() {
        return this.s.centres.all().map(centreFromRow);
    }
    async planVersionCount(launchId, trim) {
        return this.s.planCount.get(launchId, trim);
    }
    async centreVersionCount(cityId) {
        return this.s.centreCount.get(cityId);
    }
    async storedEstimates() {
        // Rows as arrays: a re-plan reads every stored estimate.
        return this.s.estimates.all().map(([orderId, accountId, launchId, trim, city, position, buildWeek, arrivalWeek, centre, handoverWeek, planVersion]) => ({
            orderId, accountId, launchId, trim, city, position, buildWeek, arrivalWeek, centre,
            handoverWeek, planVersion
        }));
    }
    async putEstimates(list) {
        for (const e of list) {
            this.s.putEstimate.run(e.orderId, e.accountId, e.launchId, e.trim, e.city, e.position, e.buildWeek, e.arrivalWeek, e.centre, e.handoverWeek, e.planVersion);
        }
    }
    async deleteEstimates(orderIds) {
        for (const id of orderIds)
            this.s.deleteEstimate.run(id);
    }
    async insertReplan(r) {
        this.s.insertReplan.run(r.replanId, r.atMs, r.actor, r.cause, r.reason, r.ordersEstimated, r.movedEarlier, r.movedLater);
    }
    async insertEstimateChanges(list) {
        for (const c of list) {
            this.s.insertChange.run(c.replanId, c.orderId, c.accountId, c.launchId, c.trim, c.oldFrom, c.oldTo, c.newFrom, c.newTo, c.weeksMoved, c.atMs);
        }
    }
    async insertShownEstimates(list) {
        for (const s of list) {
            this.s.insertShown.run(s.orderId, s.shownAtMs, s.handoverWeek, s.windowFrom, s.windowTo, s.occasion);
        }
    }
    async carsByVin(vins) {
        const out = [];
        for (const v of vins) {
            const r = this.s.carByVin.get(v);
            if (r !== undefined)
                out.push(carFromRow(r));
        }
        return out;
    }
    async insertCars(cars) {
        for (const c of cars)
            this.s.insertCar.run(...carValues(c));
    }
    async unplacedCars() {
        return this.s.unplaced.all().map(carFromRow);
    }
    async ordersWithCars() {
        return this.s.withCars.all();
    }
    async releaseCars(orderIds) {
        let n = 0;
        for (const id of orderIds)
            n += this.s.release.run(id).changes;
        return n;
    }
    async placeCars(allocations, pooled, atMs) {
        // Only an unplaced car is placed: a car is never given twice.
        for (const a of allocations) {
            if (this.s.allocate.run(a.orderId, atMs, a.vin).changes !== 1) {
                throw new Error(`car ${a.vin} is not unplaced`);
            }
        }
        for (const v of pooled) {
            if (this.s.pool.run(atMs, v).changes !== 1)
                throw new Error(`car ${v} is not unplaced`);
        }
    }
}
function prepareReads(db) {
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
        changesAfter: db.prepare(`SELECT ${CHANGE_COLUMNS} FROM estimate_changes `
            + 'WHERE change_id > ? ORDER BY change_id LIMIT ?'),
        replans: db.prepare(`SELECT ${REPLAN_COLUMNS} FROM replans ORDER BY at_ms DESC, `
            + 'replan_id DESC LIMIT ?'),
        shown: db.prepare('SELECT order_id, shown_at_ms, handover_week, window_from, window_to, '
            + 'occasion FROM shown_estimates WHERE order_id = ? ORDER BY shown_id'),
        carOfOrder: db.prepare(`SELECT ${CAR_COLUMNS} FROM built_cars WHERE order_id = ?`),
        readyStock: db.prepare(`SELECT ${CAR_COLUMNS} FROM built_cars WHERE pooled = 1 `
            + 'ORDER BY car_seq LIMIT ?'),
        carCount: db.prepare('SELECT count(*) FROM built_cars').pluck(),
        allocatedWithShown: db.prepare(ALLOCATED_WITH_SHOWN).raw(),
    };
}
class ProductionSqliteReads {
    #r;
    constructor(db) {
        this.#r = prepareReads(db);
    }
    async planVersions(launchId, trim) {
        return this.#r.planVersions.all(launchId, trim).map(planFromRow);
    }
    async plansInForce() {
        return this.#r.plans.all().map(planFromRow);
    }
    async centreVersions(cityId) {
        return this.#r.centreVersions.all(cityId).map(centreFromRow);
    }
    async centresInForce() {
        return this.#r.centres.all().map(centreFromRow);
    }
    async storedEstimate(orderId) {
        const r = this.#r.estimate.get(orderId);
        return r === undefined ? null : estimateFromRow(r);
    }
    async centreArrivals() {
        return this.#r.arrivals.all();
    }
    async estimateChangesAfter(afterId, limit) {
        return this.#r.changesAfter.all(afterId, limit).map(changeFromRow);
    }
    async replans(limit) {
        return this.#r.replans.all(limit).map(replanFromRow);
    }
    async shownEstimates(orderId) {
        return this.#r.shown.all(orderId).map(shownFromRow);
    }
    async carOfOrder(orderId) {
        const r = this.#r.carOfOrder.get(orderId);
        return r === undefined ? null : carFromRow(r);
    }
    async readyStock(limit) {
        return this.#r.readyStock.all(limit).map(carFromRow);
    }
    async carCount() {
        return this.#r.carCount.get();
    }
    async allocatedWithShown() {
        return this.#r.allocatedWithShown.all()
            .map(([orderId, builtOn, shownHandoverWeek]) => ({ orderId, builtOn, shownHandoverWeek }));
    }
}
/** production's part of the SQLite store: its statements, prepared once per connection. */
export const productionSqlite = {
    name: 'production',
    writes: (db) => new ProductionSqliteTx(prepareWrites(db)),
    reads: (db) => new ProductionSqliteReads(db),
};
//# sourceMappingURL=production-sqlite.js.map