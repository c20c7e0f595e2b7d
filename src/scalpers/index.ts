// Scalpers: the signals kept at registration, order and drop purchase (device, network, payment
// source, delivery address; hashed or masked), the operators' suspicious-pattern report, and
// the batch cancel of flagged orders before they lock. What the composition may use of it.
import type { Capability } from '../kernel/capability.js';
import { scalperRoutes } from './scalper-routes.js';
import { scalperCommands } from './signal-commands.js';
import { scalpersMigrations } from './scalpers-migrations.js';
import { scalpersPostgres } from './scalpers-postgres.js';
import { scalpersSqlite } from './scalpers-sqlite.js';

export * from './signals.js';
export * from './suspicion.js';
export * from './scalpers-service.js';
export * from './scalpers-store.js';
export * from './signal-commands.js';
export * from './signal-buffer.js';

export const scalpers = {
  name: 'scalpers',
  dependsOn: ['accounts', 'launches', 'orders', 'drops'],
  routes: scalperRoutes,
  migrations: scalpersMigrations,
  sqlite: scalpersSqlite,
  postgres: scalpersPostgres,
  batchHandlers: () => scalperCommands(),
  // Signals wait in memory a moment so that the opening second's writes stay the orders' own;
  // while the group commit is busy they wait longer, up to signalsFlushDeferMaxMs.
  timers: [{ name: 'scalpers.flush', intervalMs: (l) => l.signalsFlushMs,
    run: (app) => app.scalpers.flushWhenIdle() }],
} satisfies Capability;
