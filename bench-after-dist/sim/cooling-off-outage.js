// Cooling-off periods that end while launchday is down: the server is killed with orders whose
// cooling-off ends at seeded moments, and started again later (a simulated clock stands in for
// the hours of outage). Every order that fell due must be locked as of the moment its cooling-off
// ended (not the restart), with the reason `cooling_off_ended`, taking queue places in that
// order; every order not yet due must still be firm. A second outage then passes the rest.
import { syntheticIdentity } from '../src/accounts/identity.js';
import { FaultServers } from './fault-servers.js';
import { Random } from './random.js';
/** The YU7 opening, where the simulated clock starts. */
const OPENING = Date.parse('2025-06-26T14:00:00Z');
const LAUNCH_ID = 'yu7-2025';
const TRIMS = ['standard', 'pro', 'max'];
const CITIES = ['beijing', 'shanghai'];
const CLOCK_STEP_MINUTES_MAX = 240;
/**
 * Runs the scenario on one API process (a simulated clock is per process) with `env` naming
 * the store; `orders` buyers each place one order.
 */
export async function coolingOffAcrossOutage(env, seed, orders) {
    const random = Random.stream(seed, 'cooling-off');
    const clockEnv = { ...env, LAUNCHDAY_CLOCK: 'simulated',
        LAUNCHDAY_CLOCK_START: new Date(OPENING + 1000).toISOString() };
    const servers = await FaultServers.start(clockEnv, 1);
    const violations = [];
    const token = clockEnv.LAUNCHDAY_ADMIN_TOKEN;
    try {
        const call = (method, path, body, bearer = token, headers = {}) => json(servers.urls[0], method, path, body, bearer, headers);
        const people = Array.from({ length: orders }, (_, i) => syntheticIdentity(900_000 + i));
        // Each buyer registers itself and gets its own token (an import hands out none).
        const buyers = [];
        for (const [i, p] of people.entries()) {
            const r = await call('POST', '/accounts', { phone: p.phone, name: `Outage ${i}`,
                id_number: p.idNumber }, '');
            if (r.status !== 201)
                throw new Error(`register ${i}: ${r.status} ${JSON.stringify(r.body)}`);
            buyers.push({ token: r.body.token });
        }
        const placed = [];
        for (const [i, c] of buyers.entries()) {
            await call('POST', '/admin/clock', { advance_seconds: 60 *
                    (1 + random.int(CLOCK_STEP_MINUTES_MAX)) });
            const trim = random.pick(TRIMS);
            const city = random.pick(CITIES);
            const r = await call('POST', '/orders', { launch_id: LAUNCH_ID, trim, options: [], city }, c.token, { 'idempotency-key': `outage-${i}` });
            if (r.status !== 201)
                throw new Error(`order ${i}: ${r.status} ${JSON.stringify(r.body)}`);
            const p = { orderId: r.body.order_id, token: c.token, early: false,
                queueKey: `${LAUNCH_ID}/${trim}/${city}`,
                endsAtMs: Date.parse(r.body.cooling_off_ends_at) };
            // A few buyers lock early: their places come before any automatic lock.
            if (random.chance(0.2)) {
                const l = await call('POST', `/orders/${p.orderId}/lock`, { confirm: true }, c.token);
                p.early = l.status === 200;
            }
            placed.push(p);
        }
        const byEnd = placed.filter((p) => !p.early).sort((a, b) => a.endsAtMs - b.endsAtMs);
        // Down until a seeded moment among the cooling-off ends: some fell due, some did not.
        const cut = byEnd[Math.floor(byEnd.length / 2)]?.endsAtMs ?? OPENING;
        let crashes = 0;
        let autoLocked = 0;
        for (const restartAtMs of [cut + 1 + random.int(60_000), byEnd.at(-1).endsAtMs + 3_600_000]) {
            await servers.kill(0);
            crashes += 1;
            await servers.restart(0, { LAUNCHDAY_CLOCK_START: new Date(restartAtMs).toISOString() });
            autoLocked = await checkAfterOutage(placed, restartAtMs, call, violations);
        }
        return { orders: placed.length, autoLocked, crashes, violations };
    }
    finally {
        await servers.stop();
    }
}
/** Checks every order against the restart moment; returns how many locked by themselves. */
async function checkAfterOutage(placed, restartAtMs, call, violations) {
    let autoLocked = 0;
    const queues = new Map();
    for (const p of placed) {
        const r = await call('GET', `/orders/${p.orderId}`);
        const o = r.body;
        const due = p.endsAtMs <= restartAtMs;
        if (p.early || due) {
            if (o.status !== 'locked') {
                violations.push(`${p.orderId}: cooling-off ended ${new Date(p.endsAtMs).toISOString()}, ` +
                    `restart at ${new Date(restartAtMs).toISOString()}, yet ${o.status}`);
                continue;
            }
            if (!p.early) {
                autoLocked += 1;
                if (Date.parse(o.locked_at) !== p.endsAtMs) {
                    violations.push(`${p.orderId}: locked at ${o.locked_at}, cooling-off ended ` +
                        new Date(p.endsAtMs).toISOString());
                }
                const reason = o.history?.at(-1)?.detail?.reason;
                if (reason !== 'cooling_off_ended') {
                    violations.push(`${p.orderId}: last event's reason is ${reason}`);
                }
            }
            const list = queues.get(p.queueKey) ?? [];
            list.push({ place: o.queue?.place, lockedAtMs: Date.parse(o.locked_at), id: p.orderId });
            queues.set(p.queueKey, list);
        }
        else if (o.status !== 'firm') {
            violations.push(`${p.orderId}: cooling-off ends ${new Date(p.endsAtMs).toISOString()}, ` +
                `after the restart at ${new Date(restartAtMs).toISOString()}, yet ${o.status}`);
        }
    }
    for (const [key, list] of queues) {
        list.sort((a, b) => a.place - b.place);
        list.forEach((e, i) => {
            if (e.place !== i + 1)
                violations.push(`${key}: place ${e.place} where ${i + 1} was due`);
            const before = list[i - 1];
            if (before !== undefined && before.lockedAtMs > e.lockedAtMs) {
                violations.push(`${key}: ${e.id} locked at ${new Date(e.lockedAtMs).toISOString()} ` +
                    `behind ${before.id}, locked later`);
            }
        });
    }
    return autoLocked;
}
async function json(base, method, path, body, bearer, headers) {
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: {
            authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...headers
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: r.status, body: await r.json() };
}
//# sourceMappingURL=cooling-off-outage.js.map