// Payments: the payment provider port and its sandbox, signed notifications' signature, the
// outbox of refunds and the anomalies kept for operators. What other capabilities and the
// composition may use of it.
import type { Capability } from '../kernel/capability.js';
import { paymentsMigrations } from './payments-migrations.js';
import { paymentsPostgres } from './payments-postgres.js';
import { paymentsSqlite } from './payments-sqlite.js';

export * from './payment-signature.js';
export * from './payments.js';
export * from './payments-service.js';
export * from './payments-store.js';
export * from './provider-event.js';

export const payments = {
  name: 'payments',
  dependsOn: ['accounts'],
  // Its operators' pages (anomalies, unsettled refunds) are served with reconciliation, by
  // orders (orders/payment-routes.ts).
  routes: [],
  migrations: paymentsMigrations,
  sqlite: paymentsSqlite,
  postgres: paymentsPostgres,
} satisfies Capability;
