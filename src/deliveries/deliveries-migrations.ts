// Deliveries' piece of the global migrations (kernel/store/migrations.ts), number 13: one
// delivery record per order, balance parts, the money events the books read back, slot bookings
// per centre (a CHECK keeps every count within 0 and its capacity), operators' slot capacities,
// and anomalies. A piece is never edited after it has shipped: add a new number instead.
import { int, type MigrationPiece } from '../kernel/store/migrations.js';

export const deliveriesMigrations: readonly MigrationPiece[] = [
  {
    version: 13,
    sql: (d) => `
      CREATE TABLE deliveries (
        order_id TEXT ${d === 'postgres' ? 'COLLATE "C" ' : ''}PRIMARY KEY,
        account_id TEXT NOT NULL, launch_id TEXT NOT NULL, city TEXT NOT NULL,
        centre TEXT NOT NULL, vin TEXT, price_fen ${int(d)} NOT NULL,
        deposit_fen ${int(d)} NOT NULL, cycle INTEGER NOT NULL,
        stage TEXT NOT NULL CHECK (stage IN ('built', 'ready', 'delivered', 'released')),
        scheduled_at_ms ${int(d)} NOT NULL, ready_at_ms ${int(d)}, due_at_ms ${int(d)},
        reminded_at_ms ${int(d)}, notice_at_ms ${int(d)}, grace_ends_at_ms ${int(d)},
        received_fen ${int(d)} NOT NULL CHECK (received_fen >= 0),
        pending_fen ${int(d)} NOT NULL CHECK (pending_fen >= 0),
        refunded_fen ${int(d)} NOT NULL CHECK (refunded_fen >= 0),
        deferred_until_ms ${int(d)}, deferred_days INTEGER NOT NULL,
        released_at_ms ${int(d)}, release_reason TEXT, no_shows INTEGER NOT NULL,
        slot_start_ms ${int(d)}, delivered_at_ms ${int(d)}, revenue_fen ${int(d)},
        next_sweep_at_ms ${int(d)}, updated_at_ms ${int(d)} NOT NULL,
        CHECK (received_fen - refunded_fen <= price_fen - deposit_fen));
      CREATE INDEX deliveries_sweep ON deliveries (next_sweep_at_ms)
        WHERE next_sweep_at_ms IS NOT NULL;
      CREATE INDEX deliveries_deferred ON deliveries (deferred_until_ms)
        WHERE deferred_until_ms IS NOT NULL;
      CREATE INDEX deliveries_stage ON deliveries (stage, order_id);
      CREATE TABLE balance_parts (
        part_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, reference TEXT NOT NULL UNIQUE,
        method TEXT NOT NULL, amount_fen ${int(d)} NOT NULL CHECK (amount_fen > 0),
        status TEXT NOT NULL CHECK (status IN ('pending', 'received', 'failed')),
        requested_at_ms ${int(d)} NOT NULL, settled_at_ms ${int(d)},
        refunded_fen ${int(d)} NOT NULL, refunded_at_ms ${int(d)},
        idempotency_key TEXT NOT NULL, UNIQUE (order_id, idempotency_key));
      CREATE TABLE delivery_money_events (
        seq ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        order_id TEXT NOT NULL, kind TEXT NOT NULL, amount_fen ${int(d)} NOT NULL,
        reference TEXT NOT NULL, at_ms ${int(d)} NOT NULL);
      CREATE INDEX delivery_money_events_order ON delivery_money_events (order_id, seq);
      CREATE TABLE delivery_slots (
        centre TEXT NOT NULL, slot_start_ms ${int(d)} NOT NULL,
        booked INTEGER NOT NULL CHECK (booked >= 0), PRIMARY KEY (centre, slot_start_ms));
      CREATE TABLE delivery_slot_capacity (
        centre TEXT PRIMARY KEY, capacity INTEGER NOT NULL CHECK (capacity > 0),
        updated_at_ms ${int(d)} NOT NULL, updated_by TEXT NOT NULL);
      CREATE TABLE delivery_anomalies (
        anomaly_id ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        at_ms ${int(d)} NOT NULL, order_id TEXT NOT NULL, reference TEXT NOT NULL,
        kind TEXT NOT NULL, detail TEXT NOT NULL);
    `,
  },
  {
    version: 15,
    // The collection reconciler (collection-reconciler.ts): when a pending part is next asked
    // about at the provider and how many times it was, so the backoff survives a restart.
    sql: (d) => `
      ALTER TABLE balance_parts ADD COLUMN next_check_at_ms ${int(d)};
      ALTER TABLE balance_parts ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX balance_parts_pending ON balance_parts (requested_at_ms)
        WHERE status = 'pending';
    `,
  },
];
