// Notifications: messages to buyers (order locked, cancelled by an operator, an estimate moved,
// a car scheduled), queued in an outbox in the transaction of the change that causes them and
// delivered exactly once through a provider port (SMS or app push; a sandbox that behaves like
// a real provider). What the composition and other capabilities may use of it.
import { hook } from '../kernel/capability.js';
import { ORDER_EVENTS_WRITTEN } from '../orders/index.js';
import { notificationRoutes } from './notification-routes.js';
import { notificationsMigrations } from './notifications-migrations.js';
import { notificationsPostgres } from './notifications-postgres.js';
import { notificationsSqlite } from './notifications-sqlite.js';
import { queueOrderNotices } from './order-notices.js';
export * from './message-provider.js';
export * from './notification.js';
export * from './notifications-service.js';
export * from './notifications-store.js';
export * from './sandbox-message-provider.js';
export * from './sms-message-provider.js';
export const notifications = {
    name: 'notifications',
    dependsOn: ['accounts', 'orders'],
    routes: notificationRoutes,
    migrations: notificationsMigrations,
    sqlite: notificationsSqlite,
    postgres: notificationsPostgres,
    hooks: [hook(ORDER_EVENTS_WRITTEN, queueOrderNotices)],
    timers: [{ name: 'notifications.deliver', intervalMs: (l) => l.notificationRoundMs,
            run: (app) => app.notifications.deliverDue() }],
};
//# sourceMappingURL=index.js.map