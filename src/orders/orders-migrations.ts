// Orders' pieces of the global migrations (kernel/store/migrations.ts). Text ids sort by bytes on
// both stores (SQLite does by default; on PostgreSQL the order id is COLLATE "C"), so paging by id
// gives the same order everywhere. A piece is never edited after it has shipped: add a new number
// instead.

import { int, type MigrationPiece } from '../kernel/store/migrations.js';

export const ordersMigrations: readonly MigrationPiece[] = [
  {
    version: 1,
    sql: (d) => `
      CREATE TABLE orders (
        order_id TEXT ${d === 'postgres' ? 'COLLATE "C" ' : ''}PRIMARY KEY,
        account_id TEXT NOT NULL, launch_id TEXT NOT NULL,
        model_id TEXT NOT NULL, trim TEXT NOT NULL, options TEXT NOT NULL, city TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('firm', 'locked', 'cancelled')),
        price_fen ${int(d)} NOT NULL, deposit_fen ${int(d)} NOT NULL,
        deposit_state TEXT NOT NULL
          CHECK (deposit_state IN ('held', 'refunded', 'forfeited', 'applied')),
        created_at_ms ${int(d)} NOT NULL, cooling_off_ends_at_ms ${int(d)} NOT NULL,
        locked_at_ms ${int(d)}, cancelled_at_ms ${int(d)}, queued_at_ms ${int(d)},
        queue_place ${int(d)}, trim_seq ${int(d)}, changed_in_window_id TEXT,
        idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL, version INTEGER NOT NULL,
        UNIQUE (account_id, idempotency_key));
      CREATE UNIQUE INDEX orders_queue_place ON orders (launch_id, trim, city, queue_place)
        WHERE queue_place IS NOT NULL;
      CREATE INDEX orders_due ON orders (cooling_off_ends_at_ms) WHERE status = 'firm';
      CREATE INDEX orders_launch ON orders (launch_id, order_id);
      CREATE TABLE order_events (
        event_id ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        order_id TEXT NOT NULL, at_ms ${int(d)} NOT NULL, type TEXT NOT NULL,
        actor TEXT NOT NULL, detail TEXT NOT NULL);
      CREATE INDEX order_events_order ON order_events (order_id, event_id);
      CREATE TABLE sequences (name TEXT PRIMARY KEY, last ${int(d)} NOT NULL);
      CREATE TABLE released_seqs (trim_key TEXT NOT NULL, seq ${int(d)} NOT NULL,
        PRIMARY KEY (trim_key, seq));
      CREATE TABLE counters (launch_id TEXT NOT NULL, key TEXT NOT NULL, shard INTEGER NOT NULL,
        value ${int(d)} NOT NULL, PRIMARY KEY (launch_id, key, shard));
    `,
  },
];
