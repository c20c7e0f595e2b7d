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
    // Orders locked since the last re-plan get their stored estimate, and a plan change a crash
    // left unplanned is planned (a change re-plans at once by itself).
    timers: [{ name: 'production.replan', intervalMs: (l) => l.replanIntervalMs,
            run: (app) => app.production.replanPeriodic() }],
};
//# sourceMappingURL=index.js.map