// Deliveries: from a car allocated to the keys handed over (DOMAIN.md steps 6 and 7): the
// balance paid in parts by several methods through the payment port, a fair deadline counted
// from the car being ready with a reminder, a notice and a grace, deferrals, appointment slots
// with per-centre capacity, no-shows and the handover that recognises the revenue. What the
// composition may use of it.
import type { Capability } from '../kernel/capability.js';
import { deliveriesMigrations } from './deliveries-migrations.js';
import { deliveriesPostgres } from './deliveries-postgres.js';
import { deliveriesSqlite } from './deliveries-sqlite.js';
import { deliveryRoutes } from './delivery-routes.js';

export * from './delivery.js';
export * from './deliveries-service.js';
export * from './deliveries-store.js';
export * from './collection-reconciler.js';
export { deliveryView } from './delivery-routes.js';

export const deliveries = {
  name: 'deliveries',
  dependsOn: ['accounts', 'payments', 'orders', 'production', 'notifications'],
  routes: deliveryRoutes,
  migrations: deliveriesMigrations,
  sqlite: deliveriesSqlite,
  postgres: deliveriesPostgres,
  timers: [{ name: 'deliveries.sweep', intervalMs: (l) => l.deliverySweepMs,
    run: (app) => app.deliveries.sweep() },
  { name: 'deliveries.collections', intervalMs: (l) => l.collectionReconcileMs,
    run: (app) => app.deliveries.reconcileCollections() }],
} satisfies Capability;
