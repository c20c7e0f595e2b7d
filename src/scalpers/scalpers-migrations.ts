// Scalpers' pieces of the global migrations (kernel/store/migrations.ts): 12, the client
// signals (signals.ts says what each column holds and why only hashes and prefixes); 17, the
// account index narrowed to registrations.
// A piece is never edited after it has shipped: add a new number instead.
import { int, type MigrationPiece } from '../kernel/store/migrations.js';

/** Migration 22's kinds, as SQL literals (it never changes: a new kind is a new number). */
const SIGNAL_KINDS = ['registration', 'order', 'drop_purchase', 'order_refused',
  'purchase_refused', 'waitlist_join', 'room_join'].map((k) => `'${k}'`).join(', ');

export const scalpersMigrations: readonly MigrationPiece[] = [
  {
    version: 12,
    sql: (d) => `
      CREATE TABLE client_signals (
        signal_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('registration', 'order', 'drop_purchase')),
        account_id TEXT NOT NULL, account_created_at_ms ${int(d)} NOT NULL,
        subject_id TEXT, scope TEXT, units INTEGER NOT NULL, at_ms ${int(d)} NOT NULL,
        device_key TEXT, network_key TEXT, payment_key TEXT, address_key TEXT, city TEXT);
      CREATE INDEX client_signals_scope ON client_signals (scope, at_ms);
      CREATE INDEX client_signals_account ON client_signals (account_id);
    `,
  },
  {
    // Only registrations are ever looked up by account (registrationSignals). An index of every
    // signal by account took one more random page per order in each group commit: accounts
    // order in no particular order, so a batch of N orders dirtied about N pages of it, each
    // written to the WAL at commit (about 20 us of the writer thread an order, measured with
    // `npm run bench -- --only intake`, docs/benchmarks.md, session 12).
    version: 17,
    sql: () => `
      DROP INDEX client_signals_account;
      CREATE INDEX client_signals_registration ON client_signals (account_id)
        WHERE kind = 'registration';
    `,
  },
  {
    // The attempts that took nothing (ClientEvent): the report counts every account of a
    // launch or a drop that tried, not only those that bought. Only the CHECK widens; SQLite
    // cannot alter one, so its table is rebuilt with the same columns and indexes.
    version: 23,
    sql: (d) => (d === 'postgres' ? `
      ALTER TABLE client_signals DROP CONSTRAINT client_signals_kind_check;
      ALTER TABLE client_signals ADD CONSTRAINT client_signals_kind_check
        CHECK (kind IN (${SIGNAL_KINDS}));` : `
      CREATE TABLE client_signals_v22 (
        signal_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN (${SIGNAL_KINDS})),
        account_id TEXT NOT NULL, account_created_at_ms INTEGER NOT NULL,
        subject_id TEXT, scope TEXT, units INTEGER NOT NULL, at_ms INTEGER NOT NULL,
        device_key TEXT, network_key TEXT, payment_key TEXT, address_key TEXT, city TEXT);
      INSERT INTO client_signals_v22 SELECT * FROM client_signals;
      DROP TABLE client_signals;
      ALTER TABLE client_signals_v22 RENAME TO client_signals;
      CREATE INDEX client_signals_scope ON client_signals (scope, at_ms);
      CREATE INDEX client_signals_registration ON client_signals (account_id)
        WHERE kind = 'registration';`),
  },
];
