import { accountCommands } from './account-commands.js';
import { accountRoutes } from './account-routes.js';
import { accountsMigrations } from './accounts-migrations.js';
import { accountsPostgres } from './accounts-postgres.js';
import { accountsSqlite } from './accounts-sqlite.js';
export * from './account-commands.js';
export * from './account-views.js';
export * from './accounts-service.js';
export * from './accounts-store.js';
export * from './identity.js';
export { operatorReason } from './operator-routes.js';
export { AccountView } from './account-schemas.js';
export * from './session.js';
export * from './sessions.js';
export * from './sms.js';
export * from './twilio-sms-sender.js';
export const accounts = {
    name: 'accounts',
    dependsOn: [],
    routes: accountRoutes,
    migrations: accountsMigrations,
    sqlite: accountsSqlite,
    postgres: accountsPostgres,
    batchHandlers: () => accountCommands(),
};
//# sourceMappingURL=index.js.map