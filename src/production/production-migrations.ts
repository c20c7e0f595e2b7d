// Production's pieces of the global migrations (kernel/store/migrations.ts). Number 6: plan and
// centre versions, stored estimates, re-plans, estimate changes, estimates shown, and built cars
// (each allocated to one order, or pooled as ready stock); 27: each trim's tail by index. A piece
// is never edited after it has shipped: add a new number instead.
import { int, type MigrationPiece } from '../kernel/store/migrations.js';

export const productionMigrations: readonly MigrationPiece[] = [
  {
    version: 6,
    sql: (d) => `
      CREATE TABLE production_plans (launch_id TEXT NOT NULL, trim TEXT NOT NULL,
        version INTEGER NOT NULL, rates TEXT NOT NULL, created_by TEXT NOT NULL,
        created_at_ms ${int(d)} NOT NULL, reason TEXT NOT NULL,
        PRIMARY KEY (launch_id, trim, version));
      CREATE TABLE delivery_centres (city_id TEXT NOT NULL, version INTEGER NOT NULL,
        handovers_per_week INTEGER NOT NULL, opens_on TEXT NOT NULL, served_by TEXT,
        created_by TEXT NOT NULL, created_at_ms ${int(d)} NOT NULL, reason TEXT NOT NULL,
        PRIMARY KEY (city_id, version));
      CREATE TABLE order_estimates (
        order_id TEXT ${d === 'postgres' ? 'COLLATE "C" ' : ''}PRIMARY KEY,
        account_id TEXT NOT NULL, launch_id TEXT NOT NULL, trim TEXT NOT NULL,
        city TEXT NOT NULL, position ${int(d)} NOT NULL, build_week INTEGER NOT NULL,
        arrival_week INTEGER NOT NULL, centre TEXT, handover_week INTEGER NOT NULL,
        plan_version INTEGER NOT NULL);
      CREATE INDEX order_estimates_centre ON order_estimates (centre, arrival_week);
      CREATE TABLE replans (replan_id TEXT PRIMARY KEY, at_ms ${int(d)} NOT NULL,
        actor TEXT NOT NULL, cause TEXT NOT NULL, reason TEXT NOT NULL,
        orders_estimated INTEGER NOT NULL, moved_earlier INTEGER NOT NULL,
        moved_later INTEGER NOT NULL);
      CREATE TABLE estimate_changes (
        change_id ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        replan_id TEXT NOT NULL, order_id TEXT NOT NULL, account_id TEXT NOT NULL,
        launch_id TEXT NOT NULL, trim TEXT NOT NULL, old_from TEXT NOT NULL,
        old_to TEXT NOT NULL, new_from TEXT NOT NULL, new_to TEXT NOT NULL,
        weeks_moved INTEGER NOT NULL, at_ms ${int(d)} NOT NULL);
      CREATE INDEX estimate_changes_order ON estimate_changes (order_id, change_id);
      CREATE TABLE shown_estimates (
        shown_id ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        order_id TEXT NOT NULL, shown_at_ms ${int(d)} NOT NULL, handover_week INTEGER NOT NULL,
        window_from TEXT NOT NULL, window_to TEXT NOT NULL, occasion TEXT NOT NULL);
      CREATE INDEX shown_estimates_order ON shown_estimates (order_id, shown_id);
      CREATE TABLE built_cars (
        car_seq ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        vin TEXT NOT NULL UNIQUE, launch_id TEXT NOT NULL, trim TEXT NOT NULL,
        options TEXT NOT NULL, built_on TEXT NOT NULL, recorded_at_ms ${int(d)} NOT NULL,
        recorded_by TEXT NOT NULL, order_id TEXT UNIQUE, placed_at_ms ${int(d)},
        pooled INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX built_cars_unplaced ON built_cars (car_seq) WHERE placed_at_ms IS NULL;
    `,
  },
  {
    version: 27,
    // Where each trim's estimates end (trimBuildWeeks): the production sequence of each order as
    // estimated (the sequences released below the last since then are the orders that left or
    // were re-queued), taken from the orders for the estimates stored before; and grouped from
    // an index, not by sorting the table (300,000 estimates on SQLite: 17 ms against 112 ms, on
    // the event loop), when the estimates' snapshot is read.
    sql: (d) => `
      ALTER TABLE order_estimates ADD COLUMN trim_seq ${int(d)} NOT NULL DEFAULT 0;
      UPDATE order_estimates SET trim_seq = COALESCE((SELECT o.trim_seq FROM orders o
        WHERE o.order_id = order_estimates.order_id), 0);
      CREATE INDEX order_estimates_build ON order_estimates (launch_id, trim, build_week);
    `,
  },
];
