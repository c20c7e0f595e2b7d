import { reply } from './route.js';
import { iso } from '../iso-time.js';
import * as Kernel from './health-schemas.js';
async function status(app) {
    if (app.brokenBecause !== null)
        return { status: 'broken', store: 'unwritable' };
    const store = await app.storeHealth.check();
    return { status: store === 'reachable' ? 'ok' : 'degraded', store };
}
const retryAfter = (app) => ({ 'retry-after': String(app.deps.limits.retryAfterSeconds) });
/** What only an operator sees: the commits, refusals for load, and the process's memory. */
function operatorView(app) {
    const m = process.memoryUsage();
    return {
        store_kind: app.deps.store.kind, closing: app.closing,
        clock: app.clock.simulated ? 'simulated' : 'real', server_time: iso(app.clock.nowMs()),
        commits: { pending_commands: app.committer.pendingCount,
            transactions: app.committer.batches, commands: app.committer.commands,
            refused_for_load: app.committer.refused },
        memory: { rss_bytes: m.rss, heap_used_bytes: m.heapUsed, external_bytes: m.external },
    };
}
export const healthRoutes = [
    { method: 'GET', path: '/health', access: 'public', schema: Kernel.health,
        handler: async ({ app, caller }) => {
            const s = await status(app);
            const body = caller?.role === 'admin' ? { ...s, ...operatorView(app) } : s;
            return s.status === 'ok' ? reply(200, body) : reply(503, body, retryAfter(app));
        } },
    { method: 'GET', path: '/health/live', access: 'public', schema: Kernel.live,
        handler: async ({ app }) => (app.brokenBecause === null ? reply(200, { status: 'live' })
            : reply(503, { status: 'broken' })) },
    { method: 'GET', path: '/health/ready', access: 'public', schema: Kernel.ready,
        handler: async ({ app }) => {
            if (app.closing)
                return reply(503, { status: 'closing' }, retryAfter(app));
            const s = await status(app);
            return s.status === 'ok' ? reply(200, { status: 'ready', store: s.store })
                : reply(503, { status: 'not_ready', store: s.store }, retryAfter(app));
        } },
];
//# sourceMappingURL=health-routes.js.map