// A place outcome crosses from the writer thread as little more than an id (placeWire): what the
// event loop rebuilds must be exactly what the handler returned, for every kind of outcome.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';
import { seedChangeWindows, seedLaunches } from '../src/launches/catalogue.js';
import { resolveConfiguration } from '../src/orders/order.js';
import { refuse } from '../src/kernel/outcomes.js';
import { PostgresStore } from '../src/stores.js';
import { SqliteStore } from '../src/stores.js';
import { account, order } from '../src/orders/orders-store.contract.js';
import { orderCommands, placeWire } from '../src/orders/order-commands.js';
const OPEN_MS = Date.parse('2025-06-26T14:00:00Z');
function command(launch, accountId, key, trim = 'standard', refusal) {
    const r = resolveConfiguration(launch, { trim, city: 'beijing', options: [] });
    if (!r.ok)
        throw new Error(r.code);
    return { accountId, launch, config: r.value.config, priceFen: r.value.priceFen,
        idempotencyKey: key, requestHash: `hash-${trim}`, paymentReference: `dep-${key}`,
        ...(refusal === undefined ? {} : { refusal }) };
}
it('rebuilds every place command and outcome from its wire form exactly as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-wire-'));
    const store = new SqliteStore(dir);
    try {
        const yu7 = seedLaunches(0).find((l) => l.launchId === 'yu7-2025');
        // A founder's edition: its orders lock on payment and take queue places at once.
        const founders = { ...yu7, launchId: 'yu7-founders', locksOnPayment: true };
        await store.transaction(async (tx) => {
            await tx.putLaunch(yu7);
            await tx.putLaunch(founders);
        });
        const { place } = orderCommands({ autoLockBatchMax: 100 });
        const first = [
            command(yu7, 'acc-1', 'k1'),
            command(yu7, 'acc-2', 'k2', 'max'),
            command(founders, 'acc-3', 'k3'),
            command(founders, 'acc-3', 'k4', 'max'),
            command(yu7, 'acc-4', 'k5', 'standard', refuse('sales_not_open')),
        ];
        const second = [
            command(yu7, 'acc-1', 'k1'), // a replay
            command(yu7, 'acc-2', 'k2', 'standard'), // the key reused for another order
            command(founders, 'acc-3', 'k3'), // a replay of an order locked on payment
            command(yu7, 'acc-1', 'k6'),
            command(yu7, 'acc-1', 'k7'), // over the launch's limit of 2
        ];
        const kinds = new Set();
        for (const [cmds, nowMs] of [[first, OPEN_MS + 1_000], [second, OPEN_MS + 2_000]]) {
            for (const c of cmds) {
                assert.deepStrictEqual(placeWire.decodeCommand(structuredClone(placeWire.encodeCommand(c))), c);
            }
            const results = await store.transaction((tx) => place(tx, cmds, nowMs));
            results.forEach((r, i) => {
                const wire = placeWire.encode(cmds[i], r);
                // Through the same structured clone that postMessage uses between the threads.
                const crossed = structuredClone(wire);
                assert.deepStrictEqual(placeWire.decode(cmds[i], crossed, nowMs), r);
                kinds.add(!r.ok ? r.code : r.value.replay ? 'replay'
                    : `${r.value.order.status}${Array.isArray(wire) ? ' (id only)' : ''}`);
            });
        }
        assert.deepEqual([...kinds].sort(), ['firm (id only)', 'idempotency_key_reused',
            'locked (id only)', 'per_account_limit_reached', 'replay', 'sales_not_open']);
    }
    finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
    }
});
await withPostgres('PostgreSQL: a model switch and a new order for one buyer', () => {
    it('PostgreSQL: a model switch waits for a new order of the same buyer on another process, '
        + 'so together they never pass the limit', async () => {
        const schema = testSchema();
        const store = await PostgresStore.open(postgresUrl, { schema });
        const peer = await PostgresStore.open(postgresUrl, { schema });
        try {
            const launches = seedLaunches(0);
            const su7 = launches.find((l) => l.launchId === 'su7-2024');
            const yu7 = { ...launches.find((l) => l.launchId === 'yu7-2025'), perAccountLimit: 1 };
            const buyer = account(1);
            const nowMs = OPEN_MS + 3_600_000; // YU7 on sale, the SU7 -> YU7 window open
            const su7Order = order(1, { accountId: buyer.accountId, launchId: 'su7-2024',
                modelId: 'su7', status: 'locked', priceFen: 21_590_000, lockedAtMs: OPEN_MS,
                queuedAtMs: OPEN_MS, queuePlace: 1, trimSeq: 1, version: 2 });
            await store.transaction(async (tx) => {
                await tx.insertAccount(buyer, 'token-hash-1');
                await tx.putLaunch(su7);
                await tx.putLaunch(yu7);
                await tx.putChangeWindow(seedChangeWindows()[0]);
                await tx.insertOrders([su7Order]);
            });
            const { place, act } = orderCommands({ autoLockBatchMax: 100 });
            // One process takes a YU7 order for the buyer and holds its transaction open...
            let reached;
            const inside = new Promise((resolve) => { reached = resolve; });
            let release;
            const gate = new Promise((resolve) => { release = resolve; });
            const placing = store.transaction(async (tx) => {
                const r = await place(tx, [command(yu7, buyer.accountId, 'yu7-new')], nowMs);
                reached();
                await gate;
                return r;
            });
            await inside;
            // ...while the other moves the buyer's SU7 order to YU7. Counting without the buyer's
            // lock, it would see no YU7 order yet and move it: two, over the limit of one.
            const switching = peer.transaction((tx) => act(tx, [{ orderId: su7Order.orderId,
                    accountId: buyer.accountId, actor: `buyer:${buyer.accountId}`,
                    action: { kind: 'change', change: { launchId: 'yu7-2025' }, own: su7, target: yu7 } }], nowMs));
            await Promise.race([switching, sleep(500)]);
            release();
            const [[placed], [switched]] = await Promise.all([placing, switching]);
            assert.equal(placed.ok, true);
            assert.deepEqual(switched, refuse('per_account_limit_reached'));
            const active = await store.transaction((tx) => tx.activeOrderCounts('yu7-2025', [buyer.accountId]));
            assert.equal(active.get(buyer.accountId), 1);
        }
        finally {
            await peer.close();
            await store.close();
            await dropSchema(schema);
        }
    });
});
//# sourceMappingURL=order-commands.test.js.map