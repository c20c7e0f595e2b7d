// Two processes deliver from one PostgreSQL outbox at once: claims skip the rows the other
// holds (FOR UPDATE SKIP LOCKED) and lease them, so no message is handed to a provider twice,
// and every one is delivered. Each process has its own provider, which cannot deduplicate the
// other's sends: a message claimed by both would show here as a key submitted twice.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { dropSchema, postgresUrl as url, testSchema, withPostgres } from './postgres.js';
import { PostgresStore } from '../src/stores.js';
const MESSAGES = 800;
function runWorker(schema) {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['dist/test/notifications-worker-child.js', url, schema], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => { out += String(d); });
        child.stderr.on('data', (d) => { err += String(d); });
        child.on('exit', (code) => (code === 0
            ? resolve(JSON.parse(out).submitted)
            : reject(new Error(`worker exited ${code}: ${err}`))));
    });
}
await withPostgres('PostgreSQL: two delivery processes', () => {
    it('PostgreSQL: two processes delivering one outbox never send a message twice', async () => {
        const schema = testSchema();
        const store = await PostgresStore.open(url, { schema });
        try {
            const t0 = Date.now();
            await store.transaction(async (tx) => {
                await tx.insertAccount({ accountId: 'acc_1', phone: '13800138000', name: 'Li Lei',
                    idNumber: '11010519491231002X', createdAtMs: t0 }, null);
                const drafts = Array.from({ length: MESSAGES }, (_, n) => ({
                    key: `order_locked:ord_${n}`, accountId: 'acc_1', orderId: `ord_${n}`,
                    kind: 'order_locked', params: { order_id: `ord_${n}`, queue_place: n }
                }));
                await tx.enqueueNotifications(drafts, t0);
            });
            const [a, b] = await Promise.all([runWorker(schema), runWorker(schema)]);
            const all = [...a, ...b];
            assert.equal(new Set(all).size, all.length, 'a key was handed over twice');
            assert.equal(all.length, MESSAGES);
            // Both took part, or the test proved nothing about two processes.
            assert.ok(a.length > 0 && b.length > 0, `${a.length} / ${b.length}`);
            console.log(`# sent by each process: ${a.length} / ${b.length}`);
            assert.deepEqual(await store.notificationCounts(), { queued: 0, sending: 0, sent: 0, delivered: MESSAGES, failed: 0 });
        }
        finally {
            await store.close();
            await dropSchema(schema);
        }
    });
});
//# sourceMappingURL=notifications-two-processes.test.js.map