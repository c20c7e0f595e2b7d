// The SQLite store's disk fills up: orders are refused with 503 store_unavailable and
// Retry-After (their deposits released), readiness says 503, the writer thread and the process
// stay up, nothing is corrupted, and orders are taken again as soon as there is space. The data
// folder is a small tmpfs of its own, which needs root (mount); elsewhere the test is skipped,
// saying why, except under CI.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { harness, YU7_MAX } from './harness.js';
const DISK_BYTES = 8 * 1024 * 1024;
/** Mounts a tmpfs of `bytes` on a new folder; null and why when this process may not. */
function smallDisk(bytes) {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-full-'));
    try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
        return { dir };
    }
    catch (err) {
        rmSync(dir, { recursive: true, force: true });
        return { reason: `cannot mount a small tmpfs here: ${String(err).split('\n')[0]}` };
    }
}
/** Writes a file until the disk is full; returns its path. */
function fill(dir) {
    const path = join(dir, 'filler');
    const fd = openSync(path, 'w');
    const chunk = Buffer.alloc(16 * 1024, 1);
    try {
        for (;;)
            writeSync(fd, chunk);
    }
    catch (err) {
        if (err.code !== 'ENOSPC')
            throw err;
    }
    finally {
        closeSync(fd);
    }
    return path;
}
const disk = smallDisk(DISK_BYTES);
const skip = 'reason' in disk && !process.env.CI ? disk.reason : false;
describe('SQLite on a full disk', () => {
    it('refuses with 503 store_unavailable, stays up, corrupts nothing and recovers', { skip }, async () => {
        if ('reason' in disk)
            assert.fail(`${disk.reason} (required under CI)`);
        const h = await harness({ LAUNCHDAY_DATA_DIR: disk.dir });
        let filler = null;
        try {
            const buyers = [];
            for (let i = 0; i < 80; i++)
                buyers.push(await h.buyer(i));
            await h.tick(60);
            const acked = new Map();
            for (let i = 0; i < 5; i++) {
                const r = await h.order(buyers[i].token, `k${i}`, YU7_MAX);
                assert.equal(r.status, 201);
                acked.set(i, r.body.order_id);
            }
            // The WAL emptied first, as a checkpoint does from time to time: the next commits must
            // grow a file. A WAL that had grown before would take them in place on a full disk, and
            // how large it is depends on how busy the machine was.
            const db = new Database(join(disk.dir, 'launchday.sqlite'));
            try {
                db.pragma('wal_checkpoint(TRUNCATE)');
            }
            finally {
                db.close();
            }
            filler = fill(disk.dir);
            const refused = [];
            for (let i = 5; i < buyers.length && refused.length < 3; i++) {
                const r = await h.order(buyers[i].token, `k${i}`, YU7_MAX);
                if (r.status === 201) {
                    acked.set(i, r.body.order_id);
                    continue;
                }
                assert.equal(r.status, 503, JSON.stringify(r.body));
                assert.equal(r.body.error.code, 'store_unavailable');
                assert.equal(r.headers['retry-after'], '1');
                refused.push(i);
            }
            assert.equal(refused.length, 3, 'the full disk refused orders');
            const ready = await h.call('GET', '/health/ready');
            assert.equal(ready.status, 503);
            assert.equal(ready.body.store, 'unreachable');
            assert.equal((await h.call('GET', '/health/live')).status, 200);
            assert.equal(h.ld.app.brokenBecause, null, 'the writer thread is alive');
            assert.equal(h.payments.voided, refused.length, 'each refused deposit was released');
            unlinkSync(filler);
            filler = null;
            for (const i of refused) {
                const r = await h.order(buyers[i].token, `k${i}`, YU7_MAX);
                assert.equal(r.status, 201, `order ${i} after space returned: ${JSON.stringify(r.body)}`);
                acked.set(i, r.body.order_id);
            }
            assert.equal((await h.call('GET', '/health/ready')).status, 200);
            for (const [i, id] of acked) {
                const mine = await h.call('GET', '/orders', { token: buyers[i].token });
                assert.deepEqual(mine.body.orders.map((o) => o.order_id), [id]);
            }
            const stats = await h.call('GET', '/launches/yu7-2025/stats');
            assert.equal(stats.body.orders.firm, acked.size);
            const file = join(disk.dir, 'launchday.sqlite');
            const check = new Database(file, { readonly: true });
            try {
                assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
            }
            finally {
                check.close();
            }
        }
        finally {
            if (filler !== null)
                unlinkSync(filler);
            await h.close(true);
            execFileSync('umount', [disk.dir]);
            rmSync(disk.dir, { recursive: true, force: true });
        }
    });
});
//# sourceMappingURL=sqlite-disk-full.test.js.map