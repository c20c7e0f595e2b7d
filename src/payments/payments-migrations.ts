// Payments' pieces of the global migrations (kernel/store/migrations.ts): its tables, under the
// numbers they shipped with. A piece is never edited after it has shipped: add a new number.
import { int, type MigrationPiece } from '../kernel/store/migrations.js';

export const paymentsMigrations: readonly MigrationPiece[] = [
  {
    version: 1,
    sql: (d) => `
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
    sql: (d) => `
      ALTER TABLE payment_outbox ADD COLUMN settled_at_ms ${int(d)};
      CREATE TABLE payment_notifications (
        event_id TEXT PRIMARY KEY, type TEXT NOT NULL, reference TEXT NOT NULL,
        received_at_ms ${int(d)} NOT NULL);
    `,
  },
  {
    version: 4,
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
    version: 26,
    // A refund notice for a settled refund asks for the earlier notices of its reference
    // (orders/payment-notification.ts): looked up by reference, not read whole.
    sql: () => `
      CREATE INDEX payment_events_reference ON payment_events (reference, type);
    `,
  },
];
