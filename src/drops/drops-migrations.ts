// Drops' pieces of the global migrations (kernel/store/migrations.ts), numbered 9. The stock
// invariant is a CHECK: whatever the code does, a variant's units on sale, held and sold never
// go below zero nor add up to other than its quantity, so the database refuses an oversell.
// A piece is never edited after it has shipped: add a new number instead.
import { int, type MigrationPiece } from '../kernel/store/migrations.js';

export const dropsMigrations: readonly MigrationPiece[] = [
  {
    version: 9,
    sql: (d) => `
      CREATE TABLE drops (
        drop_id TEXT PRIMARY KEY, name TEXT NOT NULL, name_zh TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('merch', 'car')),
        price_fen ${int(d)} NOT NULL, deposit_fen ${int(d)} NOT NULL,
        opens_at_ms ${int(d)} NOT NULL, per_account_limit INTEGER NOT NULL,
        per_identity_limit INTEGER NOT NULL, variants TEXT NOT NULL,
        created_at_ms ${int(d)} NOT NULL);
      CREATE TABLE drop_variants (
        drop_id TEXT NOT NULL, variant TEXT NOT NULL, quantity ${int(d)} NOT NULL,
        available ${int(d)} NOT NULL CHECK (available >= 0),
        held ${int(d)} NOT NULL CHECK (held >= 0),
        sold ${int(d)} NOT NULL CHECK (sold >= 0),
        CHECK (available + held + sold = quantity),
        PRIMARY KEY (drop_id, variant));
      CREATE TABLE drop_holds (
        hold_id TEXT PRIMARY KEY, drop_id TEXT NOT NULL, variant TEXT NOT NULL,
        account_id TEXT NOT NULL, identity_key TEXT NOT NULL, quantity INTEGER NOT NULL,
        amount_fen ${int(d)} NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('held', 'paid', 'expired', 'failed', 'cancelled')),
        source TEXT NOT NULL CHECK (source IN ('sale', 'waitlist')),
        payment_reference TEXT NOT NULL UNIQUE,
        created_at_ms ${int(d)} NOT NULL, expires_at_ms ${int(d)} NOT NULL,
        settled_at_ms ${int(d)}, idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL,
        entry_id TEXT, UNIQUE (account_id, idempotency_key));
      CREATE INDEX drop_holds_account ON drop_holds (drop_id, account_id);
      CREATE INDEX drop_holds_identity ON drop_holds (drop_id, identity_key);
      CREATE INDEX drop_holds_due ON drop_holds (expires_at_ms) WHERE status = 'held';
      CREATE TABLE drop_waitlist (
        entry_id TEXT PRIMARY KEY, drop_id TEXT NOT NULL, variant TEXT NOT NULL,
        account_id TEXT NOT NULL, identity_key TEXT NOT NULL, seq ${int(d)} NOT NULL,
        joined_at_ms ${int(d)} NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('waiting', 'offered', 'bought', 'lapsed', 'passed')),
        hold_id TEXT, UNIQUE (drop_id, seq));
      CREATE INDEX drop_waitlist_line ON drop_waitlist (drop_id, variant, seq)
        WHERE status = 'waiting';
      CREATE INDEX drop_waitlist_account ON drop_waitlist (drop_id, account_id);
    `,
  },
  {
    // A `closed` waitlist status (drop.ts EntryStatus): a variant sold for good (every unit
    // paid) closes its waiting entries in the batch that sells its last unit, so no buyer is
    // told they wait for a unit that cannot come back. The entries of variants already sold
    // for good close here. (Branch pgone also numbers its drop_take_holds 19: renumber at merge.)
    // SQLite cannot alter a CHECK: the table is rebuilt, same columns in the same order, and its
    // indexes made again. PostgreSQL named the column's CHECK drop_waitlist_status_check.
    version: 19,
    sql: (d) => `
      ${d === 'postgres' ? `
      LOCK TABLE drop_waitlist IN SHARE ROW EXCLUSIVE MODE;
      ALTER TABLE drop_waitlist DROP CONSTRAINT drop_waitlist_status_check;
      ALTER TABLE drop_waitlist ADD CONSTRAINT drop_waitlist_status_check
        CHECK (status IN ('waiting', 'offered', 'bought', 'lapsed', 'passed', 'closed'));` : `
      CREATE TABLE drop_waitlist_v19 (
        entry_id TEXT PRIMARY KEY, drop_id TEXT NOT NULL, variant TEXT NOT NULL,
        account_id TEXT NOT NULL, identity_key TEXT NOT NULL, seq INTEGER NOT NULL,
        joined_at_ms INTEGER NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('waiting', 'offered', 'bought', 'lapsed', 'passed', 'closed')),
        hold_id TEXT, UNIQUE (drop_id, seq));
      INSERT INTO drop_waitlist_v19 SELECT * FROM drop_waitlist;
      DROP TABLE drop_waitlist;
      ALTER TABLE drop_waitlist_v19 RENAME TO drop_waitlist;
      CREATE INDEX drop_waitlist_line ON drop_waitlist (drop_id, variant, seq)
        WHERE status = 'waiting';
      CREATE INDEX drop_waitlist_account ON drop_waitlist (drop_id, account_id);`}
      UPDATE drop_waitlist SET status = 'closed' WHERE status = 'waiting' AND EXISTS (
        SELECT 1 FROM drop_variants v WHERE v.drop_id = drop_waitlist.drop_id
          AND v.variant = drop_waitlist.variant AND v.sold = v.quantity);
    `,
  },
];
