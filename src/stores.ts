// The store and the write path as composed from the capabilities (src/capabilities.ts): the
// kernel's adapters (connections, transactions, migrations runner) with each capability's SQL,
// in dependency order (a capability after those it depends on, so that its tables' references
// find theirs), and every group-commit handler. This is the module the SQLite writer thread
// imports (StoreComposition.module).
import { accounts } from './accounts/index.js';
import { capabilities } from './capabilities.js';
import { collectHooks } from './kernel/capability.js';
import { baseMigrations } from './kernel/store/base-migrations.js';
import { composeMigrations } from './kernel/store/migrations.js';
import {
  PostgresStore as PostgresAdapter, type PostgresStoreOptions,
} from './kernel/store/postgres-store.js';
import { SqliteStore as SqliteAdapter } from './kernel/store/sqlite-store.js';
import type { StoreComposition } from './kernel/store/store.js';
import {
  kernelHandlers, mergeHandlers, type BatchHandlerLimits, type WriteComposition,
} from './kernel/write/batch-handlers.js';
import type { drops } from './drops/index.js';
import type { orders } from './orders/index.js';
import type { scalpers } from './scalpers/index.js';
import type { waitingRooms } from './waiting-rooms/index.js';

export type { Store, StoreTx } from './kernel/store/store.js';

/**
 * The global migrations' names as recorded in schema_migrations (numbers 1-5 shipped before the
 * capabilities had folders; their SQL is unchanged, now split by the capability owning each table).
 */
const MIGRATION_NAMES = [
  { version: 1, name: 'orders, accounts, launches, counters' },
  { version: 2, name: 'payment notifications: settled refunds, each notification recorded once' },
  { version: 3, name: 'rate limits: sliding-window counters shared by the API processes' },
  { version: 4,
    name: 'payments: notifications keyed by event and reference, anomalies, refund checks' },
  { version: 5, name: 'sessions end and can be revoked; named operators' },
  { version: 6, name: 'production: plans, delivery centres, stored estimates, re-plans, '
    + 'estimate changes, estimates shown' },
  { version: 7, name: 'orders: placements counters rebuilt from the orders (the live series)' },
  { version: 8, name: 'notifications: the outbox, delivery attempts, buyers\' languages' },
  { version: 9, name: 'drops: variants\' stock, holds, waitlist' },
  { version: 10, name: 'orders: a scheduled status; allocated orders become scheduled' },
  { version: 12, name: 'scalpers: client signals (device, network, payment source, address)' },
  { version: 13, name: 'deliveries: delivery records, balance parts, money events, slots' },
  { version: 14, name: 'price books: price versions, order prices, the ledger, price '
    + 'protection, refunds, book settings, ready-stock cars and sales' },
  { version: 15, name: 'deliveries: pending balance parts asked about at the provider' },
  { version: 11, name: 'waiting rooms: rooms, the line\'s tickets, passes' },
  { version: 16, name: 'waiting rooms: a pass claimed by a request under way (claimed_until_ms)' },
  { version: 17, name: 'scalpers: the account index of client signals holds registrations only' },
  { version: 18, name: 'accounts: the token hashes of each counted revocation (revoked_tokens)' },
  { version: 19, name: 'drops: a batch of holds decided in the database (drop_take_holds)' },
  { version: 20, name: 'drops: a closed waitlist status; variants sold for good close theirs' },
  { version: 21, name: 'drops: a batch of settles decided in the database (drop_settle_holds)' },
  { version: 22, name: 'waiting rooms: passes bound to the first account that uses them; '
    + 'tickets\' signed-in account and network' },
  { version: 23, name: 'scalpers: client signals of attempts (refused, waitlist and room joins)' },
  { version: 24, name: 'drops: a revoked hold status, counted against the limits' },
  { version: 25, name: 'waiting rooms: the draw\'s scheme (draw_scheme; shuffled rooms keep 1)' },
  { version: 26, name: 'payments: notices looked up by reference (payment_events_reference)' },
  { version: 27, name: 'production: each trim\'s estimates by build week (order_estimates_build)' },
];

/** Every capability's store part and migrations, in dependency order. */
export const storeComposition: StoreComposition = {
  migrations: composeMigrations(MIGRATION_NAMES,
    [baseMigrations, ...capabilities.map((c) => c.migrations)]),
  sqlite: capabilities.map((c) => c.sqlite),
  postgres: capabilities.map((c) => c.postgres),
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

/** Every group-commit handler by name, as the capabilities that write in batches name them. */
export type BatchHandlers = ReturnType<typeof accounts.batchHandlers>
  & ReturnType<(typeof orders)['batchHandlers']> & ReturnType<(typeof drops)['batchHandlers']>
  & ReturnType<(typeof scalpers)['batchHandlers']>
  & ReturnType<(typeof waitingRooms)['batchHandlers']> & typeof kernelHandlers;

/** Every hook implementation, for the capabilities that declare hooks (kernel/capability.ts). */
export const hooks = collectHooks(capabilities);

/** Every group-commit handler by name, from the capabilities that write in batches. */
export function batchHandlers(limits: BatchHandlerLimits): BatchHandlers {
  return mergeHandlers([kernelHandlers, ...capabilities.flatMap((c) => (c.batchHandlers
    ? [c.batchHandlers(limits, hooks)] : []))]) as BatchHandlers;
}

/** The write path as composed (the SQLite writer thread imports it from here). */
export const writeComposition: WriteComposition<BatchHandlers> = {
  handlers: batchHandlers,
  wires: Object.assign({}, ...capabilities.map((c) => c.wires ?? {})),
};
