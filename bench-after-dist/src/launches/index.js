import { launchRoutes } from './launch-routes.js';
import { launchesMigrations } from './launches-migrations.js';
import { launchesPostgres } from './launches-postgres.js';
import { launchesSqlite } from './launches-sqlite.js';
export * from './catalogue.js';
export * from './launch.js';
export * from './launch-views.js';
export * from './launches-service.js';
export * from './launches-store.js';
export * from './live-hub.js';
export * from './live-series.js';
export const launches = {
    name: 'launches',
    dependsOn: ['accounts'],
    routes: launchRoutes,
    migrations: launchesMigrations,
    sqlite: launchesSqlite,
    postgres: launchesPostgres,
};
//# sourceMappingURL=index.js.map