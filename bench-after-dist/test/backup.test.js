// `launchday backup` while the server takes orders, `launchday restore` into a fresh folder, and
// the restored store compared with the original: orders, their deposits, the figures (counters)
// and the ledger. A restore into a folder a running server holds is refused.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ADMIN } from './harness.js';
import { api, killHard, register, startChild } from './process.js';
const ORDER = { launch_id: 'yu7-2025', trim: 'max', options: [], city: 'beijing' };
const CLOCK = { LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_CLOCK: 'simulated',
    LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' };
/** Runs the CLI (`dist/src/main.js <args>`) on `dataDir`; its exit code and output. */
function cli(dataDir, ...args) {
    const child = spawn(process.execPath, ['dist/src/main.js', ...args], {
        env: { ...process.env, LAUNCHDAY_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe']
    });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, out })));
}
/** Every order of the YU7 launch as the operator lists it, and the launch's figures. */
async function snapshot(c) {
    const orders = [];
    for (let after = '';;) {
        const r = await api(c.url, 'GET', `/admin/launches/yu7-2025/orders?after=${after}&limit=1000`, { token: ADMIN });
        assert.equal(r.status, 200);
        orders.push(...r.body.orders);
        if (!r.body.next_after)
            break;
        after = r.body.next_after;
    }
    const stats = (await api(c.url, 'GET', '/launches/yu7-2025/stats')).body;
    return { orders, stats };
}
/** The ledger balances and the figures equal a recount of the orders. */
function assertConsistent(s) {
    const d = s.stats.deposits_fen;
    const recount = { received: 0, held: 0, refunded: 0, forfeited: 0,
        applied: 0 };
    const counts = { firm: 0, locked: 0, cancelled: 0 };
    for (const o of s.orders) {
        recount.received += o.deposit.amount_fen;
        recount[o.deposit.state] += o.deposit.amount_fen;
        counts[o.status] += 1;
    }
    assert.equal(d.received, d.held + d.refunded + d.forfeited + d.applied, 'ledger balances');
    assert.deepEqual(d, recount, 'deposits equal a recount of the orders');
    assert.deepEqual(s.stats.orders, { ...counts, total: s.orders.length }, 'order counters');
}
describe('backup and restore (SQLite)', () => {
    it('backs up while serving; a restore in a fresh folder holds the same orders', async () => {
        const [live, fresh, quiet, files] = ['live', 'fresh', 'quiet', 'files']
            .map((n) => mkdtempSync(join(tmpdir(), `launchday-backup-${n}-`)));
        let server = null;
        let restored = null;
        try {
            server = await startChild({ ...CLOCK, LAUNCHDAY_DATA_DIR: live });
            const url = server.url;
            const tokens = [];
            for (let i = 0; i < 30; i++)
                tokens.push(await register(url, i));
            // Before the backup: orders, some locked, some cancelled (refunded).
            const before = new Map();
            for (const [i, token] of tokens.entries()) {
                const r = await api(url, 'POST', '/orders', { token, body: ORDER,
                    headers: { 'idempotency-key': `before-${i}` } });
                assert.equal(r.status, 201);
                if (i % 3 === 1)
                    await api(url, 'POST', `/orders/${r.body.order_id}/lock`, { token, body: { confirm: true } });
                if (i % 5 === 2)
                    await api(url, 'POST', `/orders/${r.body.order_id}/cancel`, { token, body: {} });
                before.set(r.body.order_id, token);
            }
            const atBackup = await snapshot(server);
            // The backup runs while a second wave of orders is being taken.
            const wave = Promise.all(tokens.map((token, i) => api(url, 'POST', '/orders', { token, body: ORDER, headers: { 'idempotency-key': `during-${i}` } })));
            const backup = await cli(live, 'backup', join(files, 'during.sqlite'));
            const during = await wave;
            assert.equal(backup.code, 0, backup.out);
            assert.match(backup.out, /rows: .*orders \d+/);
            assert.ok(during.every((r) => r.status === 201));
            // Restoring into the folder the running server holds is refused, and changes nothing.
            const busy = await cli(live, 'restore', join(files, 'during.sqlite'));
            assert.equal(busy.code, 1);
            assert.match(busy.out, /store_in_use/);
            assert.equal((await snapshot(server)).orders.length, 60);
            const restore = await cli(fresh, 'restore', join(files, 'during.sqlite'));
            assert.equal(restore.code, 0, restore.out);
            restored = await startChild({ ...CLOCK, LAUNCHDAY_DATA_DIR: fresh });
            const copy = await snapshot(restored);
            assertConsistent(copy);
            // Every order made before the backup is there as it was; any other is one of the wave's.
            const byId = new Map(copy.orders.map((o) => [o.order_id, o]));
            for (const o of atBackup.orders)
                assert.deepEqual(byId.get(o.order_id), o);
            const waveIds = new Set(during.map((r) => r.body.order_id));
            for (const o of copy.orders) {
                assert.ok(before.has(o.order_id) || waveIds.has(o.order_id), `${o.order_id} is known`);
            }
            // A buyer signs in to the restored store with the token they had.
            const mine = await api(restored.url, 'GET', '/orders', { token: tokens[0] });
            assert.equal(mine.status, 200);
            await killHard(restored);
            restored = null;
            // Once the wave is in, a second backup restores to exactly the live store.
            assert.equal((await cli(live, 'backup', join(files, 'after.sqlite'))).code, 0);
            assert.equal((await cli(live, 'backup', join(files, 'after.sqlite'))).code, 1, 'a backup never overwrites a file');
            assert.equal((await cli(quiet, 'restore', join(files, 'after.sqlite'))).code, 0);
            restored = await startChild({ ...CLOCK, LAUNCHDAY_DATA_DIR: quiet });
            const again = await snapshot(restored);
            assertConsistent(again);
            assert.deepEqual(again, await snapshot(server));
        }
        finally {
            if (server)
                await killHard(server);
            if (restored)
                await killHard(restored);
            for (const d of [live, fresh, quiet, files])
                rmSync(d, { recursive: true, force: true });
        }
    });
    it('refuses a file that is not a launchday store', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'launchday-backup-bad-'));
        try {
            const r = await cli(dir, 'restore', 'package.json');
            assert.equal(r.code, 1);
            assert.match(r.out, /not_a_backup/);
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
//# sourceMappingURL=backup.test.js.map