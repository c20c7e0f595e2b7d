import { capabilities } from './capabilities.js';
import { collectHooks } from './kernel/capability.js';
import { baseMigrations } from './kernel/store/base-migrations.js';
import { composeMigrations } from './kernel/store/migrations.js';
import { PostgresStore as PostgresAdapter, } from './kernel/store/postgres-store.js';
import { SqliteStore as SqliteAdapter } from './kernel/store/sqlite-store.js';
import { mergeHandlers, } from './kernel/write/batch-handlers.js';
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
];
/** Every capability's store part and migrations, in dependency order. */
export const storeComposition = {
    migrations: composeMigrations(MIGRATION_NAMES, [baseMigrations, ...capabilities.map((c) => c.migrations)]),
    sqlite: capabilities.map((c) => c.sqlite),
    postgres: capabilities.map((c) => c.postgres),
    module: import.meta.url,
};
/** The embedded store with every capability (kernel/store/sqlite-store.ts). */
export class SqliteStore extends SqliteAdapter {
    /** `rateKeysMax`: rate counters kept in memory (Limits.rateKeysMax). */
    constructor(dataDir, rateKeysMax) {
        super(dataDir, storeComposition, rateKeysMax);
    }
}
export const PostgresStore = {
    open: (url, options = {}) => PostgresAdapter.open(url, storeComposition, options),
};
/** Every hook implementation, for the capabilities that declare hooks (kernel/capability.ts). */
export const hooks = collectHooks(capabilities);
/** Every group-commit handler by name, from the capabilities that write in batches. */
export function batchHandlers(limits) {
    return mergeHandlers(capabilities.flatMap((c) => (c.batchHandlers
        ? [c.batchHandlers(limits, hooks)] : [])));
}
/** The write path as composed (the SQLite writer thread imports it from here). */
export const writeComposition = {
    handlers: batchHandlers,
    wires: Object.assign({}, ...capabilities.map((c) => c.wires ?? {})),
};
//# sourceMappingURL=stores.js.map