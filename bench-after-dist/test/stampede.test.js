// Hundreds of simultaneous requests, then the invariants: nobody over the limit, no place given
// twice, no retry that made a second order, every deposit counted once.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { harness } from './harness.js';
import { checkInvariants } from './invariants.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';
const BUYERS = 150;
const LAUNCH = 'su7-2024';
const TRIMS = ['standard', 'pro', 'max'];
const CITIES = ['beijing', 'shanghai', 'wuhan'];
function stampede(name, open) {
    describe(`a stampede of simultaneous requests: ${name}`, () => {
        let cluster;
        let h;
        let tokens = [];
        const created = new Map();
        /** Spreads requests over the nodes, as a load balancer would. */
        const node = (i) => cluster.nodes[i % cluster.nodes.length];
        before(async () => {
            cluster = await open();
            h = cluster.nodes[0];
            tokens = (await Promise.all(Array.from({ length: BUYERS }, (_, i) => node(i).buyer(i))))
                .map((b) => b.token);
        });
        after(() => cluster.close());
        it('takes every buyer\'s orders up to the limit, and each retry returns the same order', async () => {
            const batchesBefore = h.ld.app.committer.batches;
            let sent = 0;
            // Each buyer sends four different orders at once, and each of them twice (an impatient
            // retry with the same key): 1,200 requests in flight together.
            const requests = [];
            tokens.forEach((token, b) => {
                for (let k = 0; k < 4; k++) {
                    const body = { launch_id: LAUNCH, trim: TRIMS[(b + k) % 3], options: [],
                        city: CITIES[k % 3] };
                    for (let copy = 0; copy < 2; copy++) {
                        requests.push(node(sent++).order(token, `key-${k}`, body)
                            .then((r) => [b, `key-${k}`, r]));
                    }
                }
            });
            const replies = await Promise.all(requests);
            const perBuyer = new Map();
            for (const [b, key, r] of replies) {
                if (r.status === 201 || r.status === 200) {
                    const seen = created.get(`${b}/${key}`);
                    if (seen)
                        assert.equal(r.body.order_id, seen, 'a retry returns the same order');
                    created.set(`${b}/${key}`, r.body.order_id);
                    const set = perBuyer.get(b) ?? new Set();
                    set.add(r.body.order_id);
                    perBuyer.set(b, set);
                }
                else {
                    assert.equal(r.status, 409, JSON.stringify(r.body));
                    assert.equal(r.body.error.code, 'per_account_limit_reached');
                }
            }
            for (let b = 0; b < BUYERS; b++)
                assert.equal(perBuyer.get(b)?.size, 2, `buyer ${b}`);
            const orders = await checkInvariants(h, LAUNCH, 2);
            assert.equal(orders.length, BUYERS * 2);
            const batches = h.ld.app.committer.batches - batchesBefore;
            const onFirst = replies.length / cluster.nodes.length;
            assert.ok(batches < onFirst / 4, `${onFirst} requests in ${batches} commits`);
        });
        it('gives unique, gap-free queue places to simultaneous locks', async () => {
            const byOrder = [...created.entries()];
            const replies = await Promise.all(byOrder.map(([who, orderId], i) => {
                const token = tokens[Number(who.split('/')[0])];
                return node(i).call('POST', `/orders/${orderId}/lock`, { token, body: { confirm: true } });
            }));
            for (const r of replies)
                assert.equal(r.status, 200, JSON.stringify(r.body));
            const orders = await checkInvariants(h, LAUNCH, 2);
            const queues = new Map();
            for (const o of orders) {
                const list = queues.get(`${o.trim}/${o.city}`) ?? [];
                list.push(o.queue_place);
                queues.set(`${o.trim}/${o.city}`, list);
            }
            for (const [key, list] of queues) {
                list.sort((a, b) => a - b);
                assert.deepEqual(list, list.map((_, i) => i + 1), `places in ${key} run 1..n`);
            }
        });
        it('cancels and changes at once without double counting', async () => {
            const entries = [...created.entries()];
            let i = 0;
            const replies = await Promise.all(entries.flatMap(([who, orderId], at) => {
                const token = tokens[Number(who.split('/')[0])];
                const cancel = () => node(i++).call('POST', `/orders/${orderId}/cancel`, { token, body: { accept_forfeit: true } });
                // Every third order is cancelled twice at once: exactly one cancel may win.
                return at % 3 === 0 ? [cancel(), cancel()] : at % 3 === 1 ? [cancel()] : [];
            }));
            const wins = replies.filter((r) => r.status === 200).length;
            const lost = replies.filter((r) => r.status === 409);
            assert.ok(lost.every((r) => r.body.error.code === 'order_cancelled'));
            const expectedCancels = entries.filter((_, i) => i % 3 !== 2).length;
            assert.equal(wins, expectedCancels);
            const orders = await checkInvariants(h, LAUNCH, 2);
            assert.equal(orders.filter((o) => o.status === 'cancelled').length, expectedCancels);
            const stats = (await h.call('GET', `/launches/${LAUNCH}/stats`)).body;
            assert.equal(stats.deposits_fen.forfeited, expectedCancels * 500_000);
        });
    });
}
// These suites check invariants, not load shedding (error-codes.test.ts does): no request here
// may be refused for waiting too long.
const PATIENT = { LAUNCHDAY_QUEUE_DELAY_MAX_MS: '60000' };
stampede('SQLite', async () => {
    const h = await harness(PATIENT);
    return { nodes: [h], close: () => h.close() };
});
await withPostgres('a stampede on PostgreSQL', () => stampede('two launchday processes sharing PostgreSQL', async () => {
    const env = { ...PATIENT, LAUNCHDAY_DATABASE_URL: postgresUrl,
        LAUNCHDAY_DATABASE_SCHEMA: testSchema() };
    const first = await harness(env);
    const second = await harness(env);
    return {
        nodes: [first, second],
        async close() {
            await first.close();
            await second.close();
            await dropSchema(env.LAUNCHDAY_DATABASE_SCHEMA);
        },
    };
}));
//# sourceMappingURL=stampede.test.js.map