// Drops: limited items sold exactly (a fixed quantity in variants, an opening, per-account and
// per-identity limits), holds while payment completes, and a waitlist for units that come back.
// What the composition may use of it.
import type { Capability } from '../kernel/capability.js';
import { dropCommands } from './drop-commands.js';
import { dropRevoke } from './drop-revoke.js';
import { dropRoutes } from './drop-routes.js';
import { dropsMigrations } from './drops-migrations.js';
import { dropsPostgres } from './drops-postgres.js';
import { dropsSqlite } from './drops-sqlite.js';

export * from './drop.js';
export * from './drop-commands.js';
export * from './drop-revoke.js';
export * from './drop-routes.js';
export * from './drops-service.js';
export * from './drops-store.js';

export const drops = {
  name: 'drops',
  dependsOn: ['accounts', 'payments'],
  routes: dropRoutes,
  migrations: dropsMigrations,
  sqlite: dropsSqlite,
  postgres: dropsPostgres,
  batchHandlers: () => ({ ...dropCommands(), dropRevoke }),
} satisfies Capability;
