// The storage contract: suites that every adapter must pass, on a real database, through the
// port only. Each capability has its part beside its store part (e.g. orders-store.contract.ts);
// the adapters' test files (test/sqlite-store.test.ts, test/postgres-store.test.ts) open a fresh,
// empty store for each test and run every part. This file holds what they share and the
// kernel's own part: the audit log, the meta table and the rate counters.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
export const T0 = 1_750_946_400_000; // 26 June 2025 14:00 UTC: YU7 sales open.
export const HOUR_MS = 3_600_000;
/** Resolves when `count` callers have arrived, or after `timeoutMs` (a serial store never will). */
export function barrier(count, timeoutMs) {
    let arrived = 0;
    let release;
    const all = new Promise((resolve) => { release = resolve; });
    return async () => {
        if (++arrived >= count)
            release();
        await Promise.race([all, sleep(timeoutMs)]);
    };
}
/** The suite's `test`: a test on a fresh, empty store, closed and removed after. */
export function storeTest(open) {
    return (title, body) => it(title, async () => {
        const opened = await open();
        try {
            await body(opened.store, opened);
        }
        finally {
            await opened.cleanup();
        }
    });
}
export function kernelStoreContract(name, open) {
    const test = storeTest(open);
    describe(`${name} store contract`, () => {
        describe('audit, meta and rate counters', () => {
            test('the audit log reads newest first, up to the limit', async (store) => {
                const entry = (n) => ({ atMs: T0 + n, actor: 'operator',
                    action: `action_${n}`, detail: { n, nested: { ok: true } } });
                await store.transaction(async (tx) => {
                    await tx.appendAudit(entry(1));
                    await tx.appendAudit(entry(2));
                });
                await store.transaction((tx) => tx.appendAudit(entry(3)));
                assert.deepEqual(await store.auditLog(10), [entry(3), entry(2), entry(1)]);
                assert.deepEqual(await store.auditLog(2), [entry(3), entry(2)]);
            });
            test('meta values are set, read and replaced', async (store) => {
                assert.equal(await store.meta('seeded_at'), null);
                await store.transaction((tx) => tx.setMeta('seeded_at', '2025-06-26'));
                await store.transaction((tx) => tx.setMeta('admin_token', 'x'));
                await store.transaction((tx) => tx.setMeta('seeded_at', '2025-06-27'));
                assert.equal(await store.meta('seeded_at'), '2025-06-27');
                assert.equal(await store.meta('admin_token'), 'x');
            });
            test('rate counters add hits, slide a window on, and forget after two', async (store) => {
                const w = 60_000;
                const at = (ms) => T0 - (T0 % w) + ms;
                const hit = (key, cost, ms) => store.hitRates([{ key, windowMs: w, cost }], at(ms));
                const first = (current) => [{ windowStartMs: at(0), previous: 0, current }];
                assert.deepEqual(await hit('a', 1, 10), first(1));
                assert.deepEqual(await hit('a', 2, 20), first(3));
                assert.deepEqual(await hit('a', 0, 30), first(3));
                assert.deepEqual(await hit('a', 1, w + 5), [{ windowStartMs: at(w), previous: 3, current: 1 }]);
                assert.deepEqual(await hit('a', 0, 3 * w + 5), [{ windowStartMs: at(3 * w), previous: 0, current: 0 }]);
                // Several keys in one call, answered in the order asked; keys never mix.
                assert.deepEqual(await store.hitRates([{ key: 'c', windowMs: w, cost: 2 },
                    { key: 'b', windowMs: 1000, cost: 1 }], at(3 * w + 10)), [
                    { windowStartMs: at(3 * w), previous: 0, current: 2 },
                    { windowStartMs: at(3 * w), previous: 0, current: 1 }
                ]);
            });
            test('rate counters are shared by every process on the database', async (store, opened) => {
                const peer = opened.openPeer ? await opened.openPeer() : null;
                try {
                    const stores = peer ? [store, peer] : [store];
                    const hits = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % stores.length].hitRates([{ key: 'k', windowMs: 60_000, cost: 1 }], T0)));
                    // Each hit is atomic: twenty hits, twenty distinct counts, whichever process.
                    assert.deepEqual(hits.map(([c]) => c.current).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
                }
                finally {
                    await peer?.close();
                }
            });
        });
    });
}
//# sourceMappingURL=store-contract.js.map