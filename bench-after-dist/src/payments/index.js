import { paymentsMigrations } from './payments-migrations.js';
import { paymentsPostgres } from './payments-postgres.js';
import { paymentsSqlite } from './payments-sqlite.js';
export * from './payment-signature.js';
export * from './payments.js';
export * from './payments-service.js';
export * from './payments-store.js';
export const payments = {
    name: 'payments',
    dependsOn: ['accounts'],
    // Its operators' pages (anomalies, unsettled refunds) are served with reconciliation, by
    // orders (orders/payment-routes.ts).
    routes: [],
    migrations: paymentsMigrations,
    sqlite: paymentsSqlite,
    postgres: paymentsPostgres,
};
//# sourceMappingURL=index.js.map