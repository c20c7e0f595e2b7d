// The store as composed from the capabilities' parts: the kernel's adapters (connections,
// transactions, migrations runner) with each capability's SQL, in dependency order (a
// capability after those it depends on, so that its tables' references find theirs). This is
// the module the SQLite writer thread imports (StoreComposition.module).
import { accountCommands } from './accounts/account-commands.js';
import { accountsMigrations } from './accounts/accounts-migrations.js';
import { accountsPostgres } from './accounts/accounts-postgres.js';
import { accountsSqlite } from './accounts/accounts-sqlite.js';
import { baseMigrations } from './kernel/store/base-migrations.js';
import { composeMigrations } from './kernel/store/migrations.js';
import {
  PostgresStore as PostgresAdapter, type PostgresStoreOptions,
} from './kernel/store/postgres-store.js';
import { SqliteStore as SqliteAdapter } from './kernel/store/sqlite-store.js';
import type { StoreComposition } from './kernel/store/store.js';
import type { BatchHandlerLimits, WriteComposition } from './kernel/write/batch-handlers.js';
import { launchesMigrations } from './launches/launches-migrations.js';
import { launchesPostgres } from './launches/launches-postgres.js';
import { launchesSqlite } from './launches/launches-sqlite.js';
import { orderCommands, placeWire } from './orders/order-commands.js';
import { ordersMigrations } from './orders/orders-migrations.js';
import { ordersPostgres } from './orders/orders-postgres.js';
import { ordersSqlite } from './orders/orders-sqlite.js';
import { paymentsMigrations } from './payments/payments-migrations.js';
import { paymentsPostgres } from './payments/payments-postgres.js';
import { paymentsSqlite } from './payments/payments-sqlite.js';

export type { Store, StoreTx } from './kernel/store/store.js';

/**
 * The global migrations' names as recorded in schema_migrations (numbers 1-5 shipped before the
 * capabilities had folders; their SQL is unchanged, now split by the capability owning each table).
 */
const MIGRATION_NAMES = [
  { version: 1, name: 'orders, accounts, launches, counters' },
  { version: 2, name: 'payment notifications: settled refunds, each notification recorded once' },
  { version: 3, name: 'rate limits: sliding-window counters shared by the API processes' },
  { version: 4, name: 'payments: notifications keyed by event and reference, anomalies, refund checks' },
  { version: 5, name: 'sessions end and can be revoked; named operators' },
];

/** Every capability's store part and migrations, in dependency order. */
export const storeComposition: StoreComposition = {
  migrations: composeMigrations(MIGRATION_NAMES, [baseMigrations, accountsMigrations,
    launchesMigrations, paymentsMigrations, ordersMigrations]),
  sqlite: [accountsSqlite, launchesSqlite, paymentsSqlite, ordersSqlite],
  postgres: [accountsPostgres, launchesPostgres, paymentsPostgres, ordersPostgres],
  module: import.meta.url,
};

/** The embedded store with every capability (kernel/store/sqlite-store.ts). */
export class SqliteStore extends SqliteAdapter {
  /** `rateKeysMax`: rate counters kept in memory (Limits.rateKeysMax). */
  constructor(dataDir: string, rateKeysMax?: number) {
    super(dataDir, storeComposition, rateKeysMax);
  }
}

/** The shared store with every capability (kernel/store/postgres-store.ts). */
export type PostgresStore = PostgresAdapter;
export const PostgresStore = {
  open: (url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> =>
    PostgresAdapter.open(url, storeComposition, options),
};

/** Every group-commit handler by name, from the capabilities that write in batches. */
export function batchHandlers(limits: BatchHandlerLimits) {
  const { place, act, autoLock } = orderCommands(limits);
  const { register } = accountCommands();
  return { place, act, autoLock, register };
}

export type BatchHandlers = ReturnType<typeof batchHandlers>;

/** The write path as composed (the SQLite writer thread imports it from here). */
export const writeComposition: WriteComposition<BatchHandlers> = {
  handlers: batchHandlers,
  wires: { place: placeWire },
};
