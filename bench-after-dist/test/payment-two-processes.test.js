// Fault: two API processes on one PostgreSQL each numbered their sandbox's events from 1, so
// both refunds' notifications carried the same event id and the second was dropped as a
// duplicate. Two launchday instances with their own sandboxes on one schema: each places and
// cancels an order, and both refunds settle.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { harness } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';
const ORDER = { launch_id: 'yu7-2025', trim: 'pro', options: [], city: 'beijing' };
async function settledOf(h, token, orderId) {
    const view = await h.call('GET', `/orders/${orderId}`, { token });
    return view.body.history.filter((e) => e.type === 'refund_settled');
}
describe('payment notifications from two processes', async () => {
    await withPostgres('settle both processes\' refunds on one PostgreSQL', () => {
        it('settle both processes\' refunds on one PostgreSQL', async () => {
            const schema = testSchema();
            const env = { LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z',
                LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema };
            const sandbox = () => new SandboxPaymentProvider({ notifyDelayMs: [1, 5], lateShare: 0,
                duplicateShare: 0 });
            const processes = [];
            try {
                // One after the other: the first migrates the schema and keeps the shared secret.
                for (let i = 0; i < 2; i++)
                    processes.push(await harness(env, sandbox()));
                const placed = [];
                for (const [i, h] of processes.entries()) {
                    const { token } = await h.buyer(i + 1);
                    const r = await h.order(token, 'k', ORDER);
                    assert.equal(r.status, 201);
                    const c = await h.call('POST', `/orders/${r.body.order_id}/cancel`, { token, body: {} });
                    assert.equal(c.body.deposit.state, 'refunded');
                    placed.push({ h, token, orderId: r.body.order_id });
                }
                for (const { h } of placed)
                    await h.ld.app.payments.sendPayments();
                for (let i = 0; i < 500; i++) {
                    if (processes.every((h) => h.payments.delivered >= 1))
                        break;
                    await new Promise((r) => setTimeout(r, 10));
                }
                for (const { h, token, orderId } of placed) {
                    const settled = await settledOf(h, token, orderId);
                    assert.equal(settled.length, 1, `${orderId} settled once`);
                    assert.equal(settled[0].detail.amount_fen, 500_000);
                }
                const unsettled = await processes[0].ld.app.deps.store.unsettledRefunds(Number.MAX_SAFE_INTEGER, 10);
                assert.equal(unsettled.count, 0);
            }
            finally {
                for (const h of processes)
                    await h.close();
                await dropSchema(schema);
            }
        });
    });
});
//# sourceMappingURL=payment-two-processes.test.js.map