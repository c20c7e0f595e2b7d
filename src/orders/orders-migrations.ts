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
  {
    // The placements counters (launch-stats.ts placementsOf) began with the wall screen: a
    // database made before holds none, so its series showed zeros for the orders it had, and a
    // switch of one of them took a placement back from a second that never had it (negative).
    // They are rebuilt here from the orders as the live code keeps them: one per order, under
    // the launch the order is in now (a switch moves it, keeping its second), keyed by the Unix
    // second of created_at_ms as decimal text (floor, as Math.floor: exact for any sign), all
    // statuses. Rebuilt, not added to: a database made by the code between the wall screen and
    // this number already holds some (maybe negative ones), and the rebuild equals what the
    // live code would have written had it always run. Shard 0: reads sum over shards.
    // On PostgreSQL the orders table is locked against writes first, so a process already
    // running the new code cannot commit an order (and its counter) between the delete and the
    // insert; SQLite's migration holds the only writer.
    version: 7,
    sql: (d) => `
      ${d === 'postgres' ? 'LOCK TABLE orders IN SHARE MODE;' : ''}
      DELETE FROM counters WHERE substr(launch_id, 1, 7) = 'placed:';
      INSERT INTO counters (launch_id, key, shard, value)
        SELECT 'placed:' || launch_id, CAST(at_s AS TEXT), 0, count(*)
        FROM (SELECT launch_id,
            (created_at_ms - ((created_at_ms % 1000) + 1000) % 1000) / 1000 AS at_s
          FROM orders) AS placed
        GROUP BY launch_id, at_s;
    `,
  },
  {
    // A real `scheduled` status (order.ts OrderStatus): the CHECK on orders.status takes it, and
    // every order production had already allocated a car to (built_cars, migration 6: until now
    // such an order stayed `locked` and only its reply showed `stage: "scheduled"`) becomes
    // scheduled, with a `scheduled` event naming its VIN, as an allocation now writes one. The
    // figures need nothing: a scheduled order counts as locked (countedStatus).
    // SQLite cannot alter a CHECK: the table is rebuilt, same columns in the same order, and its
    // indexes made again. PostgreSQL named the column's CHECK orders_status_check.
    version: 10,
    sql: (d) => `
      ${d === 'postgres' ? `
      LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE;
      ALTER TABLE orders DROP CONSTRAINT orders_status_check;
      ALTER TABLE orders ADD CONSTRAINT orders_status_check
        CHECK (status IN ('firm', 'locked', 'scheduled', 'cancelled'));` : `
      CREATE TABLE orders_v10 (
        order_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL, launch_id TEXT NOT NULL,
        model_id TEXT NOT NULL, trim TEXT NOT NULL, options TEXT NOT NULL, city TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('firm', 'locked', 'scheduled', 'cancelled')),
        price_fen INTEGER NOT NULL, deposit_fen INTEGER NOT NULL,
        deposit_state TEXT NOT NULL
          CHECK (deposit_state IN ('held', 'refunded', 'forfeited', 'applied')),
        created_at_ms INTEGER NOT NULL, cooling_off_ends_at_ms INTEGER NOT NULL,
        locked_at_ms INTEGER, cancelled_at_ms INTEGER, queued_at_ms INTEGER,
        queue_place INTEGER, trim_seq INTEGER, changed_in_window_id TEXT,
        idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL, version INTEGER NOT NULL,
        UNIQUE (account_id, idempotency_key));
      INSERT INTO orders_v10 SELECT * FROM orders;
      DROP TABLE orders;
      ALTER TABLE orders_v10 RENAME TO orders;
      CREATE UNIQUE INDEX orders_queue_place ON orders (launch_id, trim, city, queue_place)
        WHERE queue_place IS NOT NULL;
      CREATE INDEX orders_due ON orders (cooling_off_ends_at_ms) WHERE status = 'firm';
      CREATE INDEX orders_launch ON orders (launch_id, order_id);`}
      INSERT INTO order_events (order_id, at_ms, type, actor, detail)
        SELECT o.order_id, c.placed_at_ms, 'scheduled', 'system',
          '{"vin":"' || c.vin || '","built_on":"' || c.built_on || '","migrated":true}'
        FROM orders o JOIN built_cars c ON c.order_id = o.order_id
        WHERE o.status = 'locked' ORDER BY c.placed_at_ms, o.order_id;
      UPDATE orders SET status = 'scheduled', version = version + 1
        WHERE status = 'locked'
          AND order_id IN (SELECT order_id FROM built_cars WHERE order_id IS NOT NULL);
    `,
  },
];
