// Accounts' pieces of the global migrations (kernel/store/migrations.ts): its tables, under the
// numbers they shipped with. A piece is never edited after it has shipped: add a new number.
import { int, type MigrationPiece } from '../kernel/store/migrations.js';

export const accountsMigrations: readonly MigrationPiece[] = [
  {
    version: 1,
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
    `,
  },
  {
    version: 5,
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
  {
    version: 18,
    // The token hashes each revocation revoked, under the count it took (countRevocation): a
    // process that sees the count move reads which sessions to forget instead of forgetting
    // every session it holds (one sign-out elsewhere made every process read every cached
    // buyer again). Kept for the last REVOKED_TOKENS_KEPT counts.
    sql: () => `
      CREATE TABLE revoked_tokens (n BIGINT NOT NULL, token_hash TEXT NOT NULL,
        PRIMARY KEY (n, token_hash));
    `,
  },
];
