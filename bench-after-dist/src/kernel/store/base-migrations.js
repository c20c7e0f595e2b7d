// The kernel's pieces of the global migrations (migrations.ts): the audit log, the meta table
// and the rate counters every capability uses. Never edited after shipping: add a new number.
import { int } from './migrations.js';
export const baseMigrations = [
    {
        version: 1,
        sql: (d) => `
      CREATE TABLE audit_log (
        entry_id ${d === 'postgres' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY,
        at_ms ${int(d)} NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
    },
    {
        version: 3,
        // SQLite's single process counts in memory, but the table is made on both stores alike.
        sql: (d) => `
      CREATE TABLE rate_windows (
        key TEXT PRIMARY KEY, window_ms ${int(d)} NOT NULL, window_start_ms ${int(d)} NOT NULL,
        previous ${int(d)} NOT NULL, current ${int(d)} NOT NULL);
    `,
    },
];
//# sourceMappingURL=base-migrations.js.map