// Two launchday processes (real child processes) on one PostgreSQL race for a drop at its
// opening: every unit is sold exactly once, every other buyer is told sold out, a retry with the
// same key sent to the other process gets the same hold, and both processes show the same
// figures at once.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { api, killHard, register, startChild } from './process.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';
const ADMIN = 'two-process-operator-token-0123';
const QUANTITY = { m: 20, l: 13 };
const BUYERS = 90;
describe('a drop raced by two processes on one PostgreSQL', async () => {
    await withPostgres('sells every unit exactly once', () => {
        it('sells every unit exactly once', async () => {
            const schema = testSchema();
            const env = { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema,
                LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_RATE_LIMITS: 'off', LAUNCHDAY_LOG_LEVEL: 'warn',
                LAUNCHDAY_QUEUE_DELAY_MAX_MS: '60000' };
            const children = [];
            try {
                // One after the other: the first migrates the schema.
                for (let i = 0; i < 2; i++)
                    children.push(await startChild(env));
                const [a, b] = children.map((c) => c.url);
                const tokens = [];
                for (let n = 1; n <= BUYERS; n++)
                    tokens.push(await register(n % 2 ? a : b, n));
                const opensAtMs = Date.now() + 1_500;
                const put = await api(a, 'PUT', '/admin/drops/race', { token: ADMIN, body: {
                        name: 'Race jacket', name_zh: '竞速夹克', kind: 'merch', price_fen: 129_900,
                        opens_at: new Date(opensAtMs).toISOString(), per_account_limit: 2,
                        per_identity_limit: 2, variants: Object.entries(QUANTITY).map(([v, q]) => ({
                            variant: v, name: v, name_zh: v, quantity: q
                        }))
                    } });
                assert.equal(put.status, 201, JSON.stringify(put.body));
                await sleep(opensAtMs - Date.now() + 20);
                const buy = (base, i) => api(base, 'POST', '/drops/race/purchases', {
                    token: tokens[i], headers: { 'idempotency-key': `race-${i}` },
                    body: { variant: i % 3 === 0 ? 'l' : 'm', quantity: 1 + (i % 2) }
                });
                // Every buyer asks once; every fifth sends the same request to the other process too.
                const asks = tokens.flatMap((_, i) => [buy(i % 2 ? a : b, i)
                        .then((r) => ({ i, r })), ...(i % 5 === 0 ? [buy(i % 2 ? b : a, i)
                            .then((r) => ({ i, r }))] : [])]);
                const replies = await Promise.all(asks);
                const holds = new Map();
                const refused = [];
                for (const { i, r } of replies) {
                    if (r.status === 201 || r.status === 200) {
                        assert.equal(r.body.hold.status, 'paid');
                        const seen = holds.get(r.body.hold.hold_id);
                        if (seen)
                            assert.equal(seen.i, i, 'a hold is one buyer\'s');
                        holds.set(r.body.hold.hold_id, { variant: r.body.hold.variant,
                            quantity: r.body.hold.quantity, i });
                    }
                    else {
                        assert.equal(r.status, 409, JSON.stringify(r.body));
                        assert.equal(r.body.error.code, 'drop_sold_out');
                        refused.push({ variant: i % 3 === 0 ? 'l' : 'm', quantity: 1 + (i % 2) });
                    }
                }
                // A retry sent to the other process never made a second hold for the same key.
                const buyersWithHolds = [...holds.values()].map((x) => x.i);
                assert.equal(new Set(buyersWithHolds).size, buyersWithHolds.length);
                for (const [v, q] of Object.entries(QUANTITY)) {
                    const sold = [...holds.values()].filter((x) => x.variant === v)
                        .reduce((n, x) => n + x.quantity, 0);
                    assert.ok(sold <= q, `${v}: sold ${sold} of ${q}`);
                    // Nothing comes back here (every payment is approved), so what is left at the end was
                    // on sale at every refusal: a refused buyer must have asked for more than that.
                    for (const x of refused.filter((y) => y.variant === v)) {
                        assert.ok(x.quantity > q - sold, `refused ${x.quantity} of ${v} with ${q - sold} left`);
                    }
                    for (const base of [a, b]) {
                        const f = (await api(base, 'GET', '/drops/race')).body.variants
                            .find((x) => x.variant === v);
                        assert.deepEqual([f.sold, f.held, f.remaining], [sold, 0, q - sold], `${v} at ${base}`);
                    }
                }
            }
            finally {
                for (const c of children)
                    await killHard(c);
                await dropSchema(schema);
            }
        });
    });
});
//# sourceMappingURL=drops-two-processes.test.js.map