import { orderCommands, placeWire } from './order-commands.js';
import { clockRoute, orderRoutes } from './order-routes.js';
import { paymentAdminRoutes } from './payment-routes.js';
import { ordersMigrations } from './orders-migrations.js';
import { ordersPostgres } from './orders-postgres.js';
import { ordersSqlite } from './orders-sqlite.js';
export * from './launch-stats.js';
export * from './live-frames.js';
export * from './order.js';
export * from './order-commands.js';
export * from './orders-service.js';
export * from './orders-store.js';
export * from './payment-notification.js';
export * from './payment-reconciler.js';
export * from './settlement-service.js';
export * from './views.js';
export const orders = {
    name: 'orders',
    dependsOn: ['accounts', 'launches', 'payments'],
    routes: [...orderRoutes, ...paymentAdminRoutes, clockRoute()],
    migrations: ordersMigrations,
    sqlite: ordersSqlite,
    postgres: ordersPostgres,
    batchHandlers: orderCommands,
    wires: { place: placeWire },
};
//# sourceMappingURL=index.js.map