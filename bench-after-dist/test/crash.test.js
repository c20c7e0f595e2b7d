// A 201 means the order is on disk: kill the process with SIGKILL while orders are in flight,
// restart it on the same folder, and every acknowledged order is there, counted once.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ADMIN } from './harness.js';
import { api, killHard, register, startChild } from './process.js';
const ORDER = { launch_id: 'yu7-2025', trim: 'max', options: [], city: 'beijing' };
describe('crash and restart', () => {
    it('loses no acknowledged order when killed mid-stampede', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'launchday-crash-'));
        const env = { LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_ADMIN_TOKEN: ADMIN,
            LAUNCHDAY_CLOCK: 'simulated', LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' };
        try {
            const first = await startChild(env);
            const tokens = [];
            for (let i = 0; i < 40; i++)
                tokens.push(await register(first.url, i));
            const acknowledged = new Set();
            const inFlight = tokens.flatMap((token, i) => [0, 1].map((k) => api(first.url, 'POST', '/orders', { token, body: ORDER,
                headers: { 'idempotency-key': `crash-${i}-${k}` } })
                .then((r) => { if (r.status === 201)
                acknowledged.add(r.body.order_id); })
                .catch(() => undefined)));
            // Kill as soon as the first acknowledgements arrive, with the rest still in flight.
            while (acknowledged.size < 5)
                await new Promise((r) => setTimeout(r, 1));
            await killHard(first);
            await Promise.all(inFlight);
            assert.ok(acknowledged.size >= 5);
            const second = await startChild(env);
            try {
                for (const id of acknowledged) {
                    const r = await api(second.url, 'GET', `/orders/${id}`, { token: ADMIN });
                    assert.equal(r.status, 200, `acknowledged order ${id} survived`);
                }
                const stats = (await api(second.url, 'GET', '/launches/yu7-2025/stats')).body;
                assert.ok(stats.orders.firm >= acknowledged.size);
                assert.equal(stats.deposits_fen.received, stats.orders.firm * 500_000);
                assert.equal(stats.deposits_fen.held, stats.deposits_fen.received);
            }
            finally {
                await killHard(second);
            }
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
    it('locks, after a restart, the orders whose cooling-off ended while it was down', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'launchday-restart-'));
        // The buyer comes back after eight days unused: sessions here outlast the default 7 idle.
        const env = { LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_ADMIN_TOKEN: ADMIN,
            LAUNCHDAY_CLOCK: 'simulated', LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z',
            LAUNCHDAY_SESSION_IDLE_SECONDS: String(30 * 86_400) };
        try {
            const first = await startChild(env);
            const token = await register(first.url, 1);
            const placed = await api(first.url, 'POST', '/orders', { token, body: ORDER,
                headers: { 'idempotency-key': 'once' } });
            assert.equal(placed.status, 201);
            await killHard(first);
            // Eight days later, as far as the restarted server's clock is concerned.
            const second = await startChild({ ...env, LAUNCHDAY_CLOCK_START: '2025-07-04T14:00:00Z' });
            try {
                const r = await api(second.url, 'GET', `/orders/${placed.body.order_id}`, { token });
                assert.equal(r.body.status, 'locked');
                assert.equal(r.body.locked_at, placed.body.cooling_off_ends_at);
                assert.equal(r.body.queue.place, 1);
                assert.equal(r.body.history.at(-1).detail.reason, 'cooling_off_ended');
            }
            finally {
                await killHard(second);
            }
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
//# sourceMappingURL=crash.test.js.map