// Price books' piece of the global migrations (kernel/store/migrations.ts), numbered 14: price
// versions, the money ledger the books are folded from (its bookings carry each order's price
// version), price protection, costs and targets, and ready-stock cars with their sales. Refunds
// go through payments' outbox (payment_outbox), followed until the provider confirms them.
// Existing orders get the ledger entries their state implies, booked at price version 1 at their
// current price, so the books of a database that predates 14 are whole.
// A piece is never edited after it has shipped: add a new number instead.
import { int, type Dialect, type MigrationPiece } from '../kernel/store/migrations.js';

const seq = (d: Dialect): string => (d === 'postgres' ? 'BIGSERIAL' : 'INTEGER');

/** The ledger rows an existing order's state implies (as the hook writes them from now on). */
const backfill = (d: Dialect): string => {
  const amount = (e: string) => (d === 'postgres' ? `(${e})::bigint` : e);
  const row = (kind: string, amountSql: string, where: string, atSql = 'created_at_ms') => `
      INSERT INTO ledger_entries (entry_key, at_ms, launch_id, order_id, account_id, kind,
        amount_fen, trim, price_version)
      SELECT '${kind}:' || order_id, ${atSql}, launch_id, order_id, account_id, '${kind}',
        ${amount(amountSql)}, trim, 1 FROM orders ${where};`;
  return row('deposit_received', 'deposit_fen', '')
    + row('order_booked', 'price_fen', '')
    + row('deposit_refunded', 'deposit_fen', "WHERE deposit_state = 'refunded'",
      'coalesce(cancelled_at_ms, created_at_ms)')
    + row('deposit_forfeited', 'deposit_fen', "WHERE deposit_state = 'forfeited'",
      'coalesce(cancelled_at_ms, created_at_ms)')
    + row('order_unbooked', '0 - price_fen', "WHERE status = 'cancelled'",
      'coalesce(cancelled_at_ms, created_at_ms)');
};

export const pricebooksMigrations: readonly MigrationPiece[] = [
  {
    version: 14,
    sql: (d) => `
      CREATE TABLE price_versions (
        launch_id TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 2),
        item_kind TEXT NOT NULL CHECK (item_kind IN ('trim', 'option')), item_id TEXT NOT NULL,
        price_fen ${int(d)} NOT NULL CHECK (price_fen >= 0),
        previous_fen ${int(d)} NOT NULL, effective_from_ms ${int(d)} NOT NULL,
        reason TEXT NOT NULL, actor TEXT NOT NULL, recorded_at_ms ${int(d)} NOT NULL,
        applied_at_ms ${int(d)}, PRIMARY KEY (launch_id, version));
      CREATE TABLE ledger_entries (
        seq ${seq(d)} PRIMARY KEY, entry_key TEXT NOT NULL UNIQUE, at_ms ${int(d)} NOT NULL,
        launch_id TEXT NOT NULL, order_id TEXT NOT NULL, account_id TEXT NOT NULL,
        kind TEXT NOT NULL, amount_fen ${int(d)} NOT NULL, trim TEXT NOT NULL,
        price_version INTEGER);
      CREATE INDEX ledger_entries_launch ON ledger_entries (launch_id, seq);
      CREATE INDEX ledger_entries_order ON ledger_entries (order_id, kind);
      ${backfill(d)}
      CREATE TABLE price_protections (
        order_id TEXT NOT NULL, version INTEGER NOT NULL, launch_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('credit', 'refund')),
        amount_fen ${int(d)} NOT NULL CHECK (amount_fen > 0), at_ms ${int(d)} NOT NULL,
        PRIMARY KEY (order_id, version));
      CREATE TABLE book_settings (
        launch_id TEXT PRIMARY KEY, costs TEXT NOT NULL,
        deliveries_per_year_target ${int(d)} NOT NULL, protection TEXT NOT NULL,
        updated_at_ms ${int(d)} NOT NULL);
      CREATE TABLE ready_cars (
        vin TEXT PRIMARY KEY, launch_id TEXT NOT NULL, trim TEXT NOT NULL, options TEXT NOT NULL,
        city TEXT NOT NULL, price_fen ${int(d)} NOT NULL, deposit_fen ${int(d)} NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('available', 'held', 'reserved', 'sold')),
        sale_id TEXT, until_ms ${int(d)}, listed_at_ms ${int(d)} NOT NULL,
        listed_by TEXT NOT NULL);
      CREATE TABLE ready_sales (
        sale_id TEXT PRIMARY KEY, vin TEXT NOT NULL, launch_id TEXT NOT NULL,
        account_id TEXT NOT NULL, mode TEXT NOT NULL CHECK (mode IN ('full', 'deposit')),
        price_fen ${int(d)} NOT NULL, deposit_fen ${int(d)} NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('held', 'paid', 'deposit_paid', 'expired',
          'failed', 'lapsed')),
        payment_reference TEXT NOT NULL UNIQUE, created_at_ms ${int(d)} NOT NULL,
        expires_at_ms ${int(d)} NOT NULL, balance_due_at_ms ${int(d)},
        settled_at_ms ${int(d)}, idempotency_key TEXT NOT NULL,
        UNIQUE (account_id, idempotency_key));
      CREATE UNIQUE INDEX ready_sales_one_sold ON ready_sales (vin)
        WHERE status IN ('paid', 'deposit_paid');
      CREATE INDEX ready_sales_account ON ready_sales (account_id, created_at_ms);
    `,
  },
];
