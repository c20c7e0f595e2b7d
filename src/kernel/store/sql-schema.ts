// Versioned migrations. Text ids sort by bytes on both stores (SQLite does by default; on
// PostgreSQL the order id is COLLATE "C"), so paging by id gives the same order everywhere.
// Each entry runs once, in order, at start-up, in its own transaction;
// a migration is never edited after it has shipped: add a new one instead. `bigint` is the
// PostgreSQL type for milliseconds and fen; SQLite's INTEGER already holds 64 bits.

export interface Migration {
  readonly version: number;
  readonly name: string;
  sql(dialect: 'sqlite' | 'postgres'): string;
}

const int = (d: 'sqlite' | 'postgres'): string => (d === 'postgres' ? 'BIGINT' : 'INTEGER');

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'orders, accounts, launches, counters',
    sql: (d) => `
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY, phone TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        id_number TEXT NOT NULL UNIQUE, created_at_ms ${int(d)} NOT NULL);
      CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(account_id),
        created_at_ms ${int(d)} NOT NULL);
      CREATE TABLE one_time_codes (
        phone TEXT PRIMARY KEY, code_hash TEXT NOT NULL, expires_at_ms ${int(d)} NOT NULL,
        attempts INTEGER NOT NULL);
      CREATE TABLE launches (launch_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
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
      CREATE TABLE change_windows (window_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE audit_log (
        entry_id ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        at_ms ${int(d)} NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE payment_outbox (
        op_id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('refund')),
        reference TEXT NOT NULL, order_id TEXT NOT NULL, amount_fen ${int(d)} NOT NULL,
        created_at_ms ${int(d)} NOT NULL, sent_at_ms ${int(d)});
      CREATE INDEX payment_outbox_pending ON payment_outbox (created_at_ms)
        WHERE sent_at_ms IS NULL;
    `,
  },
  {
    version: 2,
    name: 'payment notifications: settled refunds, each notification recorded once',
    sql: (d) => `
      ALTER TABLE payment_outbox ADD COLUMN settled_at_ms ${int(d)};
      CREATE TABLE payment_notifications (
        event_id TEXT PRIMARY KEY, type TEXT NOT NULL, reference TEXT NOT NULL,
        received_at_ms ${int(d)} NOT NULL);
    `,
  },
  {
    version: 3,
    name: 'rate limits: sliding-window counters shared by the API processes',
    // SQLite's single process counts in memory, but the table is made on both stores alike.
    sql: (d) => `
      CREATE TABLE rate_windows (
        key TEXT PRIMARY KEY, window_ms ${int(d)} NOT NULL, window_start_ms ${int(d)} NOT NULL,
        previous ${int(d)} NOT NULL, current ${int(d)} NOT NULL);
    `,
  },
  {
    version: 4,
    name: 'payments: notifications keyed by event and reference, anomalies, refund checks',
    // Providers number events per process or per account, not globally: an event id alone
    // deduplicated two different refunds into one (payment_notifications is no longer written).
    sql: (d) => `
      ALTER TABLE payment_outbox ADD COLUMN checked_at_ms ${int(d)};
      CREATE INDEX payment_outbox_unsettled ON payment_outbox (created_at_ms)
        WHERE settled_at_ms IS NULL;
      CREATE INDEX payment_outbox_reference ON payment_outbox (reference);
      CREATE TABLE payment_events (
        event_id TEXT NOT NULL, reference TEXT NOT NULL, type TEXT NOT NULL,
        received_at_ms ${int(d)} NOT NULL, PRIMARY KEY (event_id, reference));
      CREATE TABLE payment_anomalies (
        anomaly_id ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        at_ms ${int(d)} NOT NULL, kind TEXT NOT NULL, reference TEXT NOT NULL,
        event_id TEXT NOT NULL, detail TEXT NOT NULL);
    `,
  },
  {
    version: 5,
    name: 'sessions end and can be revoked; named operators',
    // Sessions from before this migration count as last seen at their sign-in.
    sql: (d) => `
      ALTER TABLE tokens ADD COLUMN last_seen_at_ms ${int(d)};
      ALTER TABLE tokens ADD COLUMN revoked_at_ms ${int(d)};
      UPDATE tokens SET last_seen_at_ms = created_at_ms;
      CREATE INDEX tokens_account ON tokens (account_id, created_at_ms);
      CREATE TABLE operators (
        name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
        created_at_ms ${int(d)} NOT NULL, created_by TEXT NOT NULL);
    `,
  },
];
