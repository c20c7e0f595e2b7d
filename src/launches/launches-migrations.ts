// Launches' pieces of the global migrations (kernel/store/migrations.ts): its tables, under the
// numbers they shipped with. A piece is never edited after it has shipped: add a new number.
import type { MigrationPiece } from '../kernel/store/migrations.js';

export const launchesMigrations: readonly MigrationPiece[] = [
  {
    version: 1,
    sql: (d) => `
      CREATE TABLE launches (launch_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE change_windows (window_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
    `,
  },
];
