// Health for the public, for operators and for orchestrators (docs/api.md, "Health"), and the
// deposit released whenever an order fails after the charge, by a refusal or by a throw.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ADMIN, harness, YU7_MAX } from './harness.js';
describe('health', () => {
    it('shows the public only a status, and an operator the process figures', async () => {
        const h = await harness();
        try {
            const pub = await h.call('GET', '/health');
            assert.equal(pub.status, 200);
            assert.deepEqual(pub.body, { status: 'ok', store: 'reachable' });
            const op = await h.call('GET', '/health', { token: ADMIN });
            assert.equal(op.status, 200);
            assert.equal(op.body.status, 'ok');
            assert.equal(op.body.clock, 'simulated');
            assert.equal(typeof op.body.commits.transactions, 'number');
            assert.equal(typeof op.body.memory.rss_bytes, 'number');
            const buyer = await h.buyer(1);
            const asBuyer = await h.call('GET', '/health', { token: buyer.token });
            assert.deepEqual(asBuyer.body, { status: 'ok', store: 'reachable' });
        }
        finally {
            await h.close();
        }
    });
    it('is live and ready while it works; not ready once closing; broken when the writer died', async () => {
        const h = await harness();
        try {
            const live = await h.call('GET', '/health/live');
            assert.deepEqual([live.status, live.body], [200, { status: 'live' }]);
            const ready = await h.call('GET', '/health/ready');
            assert.deepEqual([ready.status, ready.body], [200, { status: 'ready', store: 'reachable' }]);
            h.ld.app.beginClosing();
            const closing = await h.call('GET', '/health/ready');
            assert.deepEqual([closing.status, closing.body, closing.headers['retry-after']], [503, { status: 'closing' }, '1']);
            assert.equal((await h.call('GET', '/health/live')).status, 200);
            h.ld.app.brokenBecause = new Error('the SQLite writer thread exited (1)');
            const dead = await h.call('GET', '/health/live');
            assert.deepEqual([dead.status, dead.body], [503, { status: 'broken' }]);
            const summary = await h.call('GET', '/health');
            assert.deepEqual([summary.status, summary.body.status], [503, 'broken']);
        }
        finally {
            h.ld.app.brokenBecause = null;
            await h.close();
        }
    });
});
describe('a deposit charged for an order that then fails', () => {
    it('is voided when the batch throws, not only when it refuses', async () => {
        const h = await harness();
        try {
            const b = await h.buyer(1);
            await h.tick(60);
            const committer = h.ld.app.committer;
            committer.submit = () => Promise.reject(new Error('a bug in a batch handler'));
            const r = await h.order(b.token, 'k', YU7_MAX);
            assert.equal(r.status, 500);
            assert.equal(r.body.error.code, 'internal_error');
            assert.equal(h.payments.voided, 1);
            assert.equal(h.payments.charges.size, 0, 'no money held for an order never written');
        }
        finally {
            await h.close();
        }
    });
});
//# sourceMappingURL=health.test.js.map