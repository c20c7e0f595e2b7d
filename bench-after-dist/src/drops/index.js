import { dropCommands } from './drop-commands.js';
import { dropRoutes } from './drop-routes.js';
import { dropsMigrations } from './drops-migrations.js';
import { dropsPostgres } from './drops-postgres.js';
import { dropsSqlite } from './drops-sqlite.js';
export * from './drop.js';
export * from './drop-commands.js';
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
    batchHandlers: () => dropCommands(),
};
//# sourceMappingURL=index.js.map