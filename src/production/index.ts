// Production: the production plan per launch and trim (versioned dated weekly rates), delivery
// centres per city, delivery estimates from them (a pure function of plan, centres and queue),
// and re-plans that keep every locked order's estimate true and list the ones that moved.
// What the composition may use of it.
import { hook, type Capability } from '../kernel/capability.js';
import { ORDER_EVENTS_WRITTEN } from '../orders/index.js';
import { releaseCancelledCars } from './car-release.js';
import { productionMigrations } from './production-migrations.js';
import { productionPostgres } from './production-postgres.js';
import { productionRoutes } from './production-routes.js';
import { productionSqlite } from './production-sqlite.js';

export * from './estimates.js';
export * from './plan.js';
export * from './production-service.js';
export * from './production-store.js';
export * from './production-views.js';
export * from './replan.js';
export * from './replan-coalescer.js';

export const production = {
  name: 'production',
  dependsOn: ['accounts', 'launches', 'orders'],
  routes: productionRoutes,
  migrations: productionMigrations,
  sqlite: productionSqlite,
  postgres: productionPostgres,
  hooks: [hook(ORDER_EVENTS_WRITTEN, releaseCancelledCars)],
  // Orders locked since the last re-plan get their stored estimate, and a plan change a crash
  // left unplanned is planned (a change re-plans at once by itself).
  timers: [{ name: 'production.replan', intervalMs: (l) => l.replanIntervalMs,
    run: (app) => app.production.replanPeriodic() }],
} satisfies Capability;
