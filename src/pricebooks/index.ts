// Price books: price versions and price protection, ready-stock sales, and the books (the
// money ledger every figure is folded from, with CSV exports). What the composition and other
// capabilities may use of it: a capability that moves money appends to the ledger with
// `tx.appendLedger(entries)` in its own transaction (pricebooks-store.ts says which kinds).
import { hook, type Capability } from '../kernel/capability.js';
import { ORDER_EVENTS_WRITTEN } from '../orders/index.js';
import { ledgerOrderChanges } from './order-ledger.js';
import { pricebooksMigrations } from './pricebooks-migrations.js';
import { pricebooksPostgres } from './pricebooks-postgres.js';
import { pricebooksRoutes } from './pricebooks-routes.js';
import { pricebooksSqlite } from './pricebooks-sqlite.js';

export * from './books.js';
export * from './csv.js';
export * from './ledger.js';
export * from './pricebooks-service.js';
export * from './pricebooks-store.js';
export * from './pricing.js';
export * from './ready-stock.js';

export const pricebooks = {
  name: 'pricebooks',
  dependsOn: ['accounts', 'launches', 'payments', 'orders', 'production'],
  routes: pricebooksRoutes,
  migrations: pricebooksMigrations,
  sqlite: pricebooksSqlite,
  postgres: pricebooksPostgres,
  hooks: [hook(ORDER_EVENTS_WRITTEN, ledgerOrderChanges)],
  timers: [{ name: 'pricebooks.round', intervalMs: (l) => l.pricebooksRoundMs,
    run: (app) => app.pricebooks.round() }],
} satisfies Capability;
