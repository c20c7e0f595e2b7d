// What notifications cost, measured in one run on this machine (ratios hold where absolute
// figures drift on a shared machine):
// (a) the order path: orders' `place` and the cooling-off sweep's locks in group-commit batches
//     on SQLite, with orders' hook unwired and wired to notifications, taken in turns;
// (b) the delivery worker: messages a second from a full outbox to a provider that answers at
//     once, on SQLite and (with --database-url) PostgreSQL.
// Usage: npm run build && node dist/bench/notifications-benchmark.js [--rounds 3]
//   [--database-url postgres://...]. It prints; it never fails a test run.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SimulatedClock } from '../src/kernel/clock.js';
import { collectHooks } from '../src/kernel/capability.js';
import { defaultLimits } from '../src/kernel/config.js';
import { seedLaunches } from '../src/launches/catalogue.js';
import { NotificationsService, PERFECT_SANDBOX, SandboxMessageProvider, } from '../src/notifications/index.js';
import { orderCommands } from '../src/orders/order-commands.js';
import { resolveConfiguration } from '../src/orders/order.js';
import { hooks, PostgresStore, SqliteStore } from '../src/stores.js';
const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Math.min(9, Number(arg('rounds') ?? 5));
const DATABASE_URL = arg('database-url');
const BATCHES = 20;
const BATCH = 2_000;
const OPEN_MS = Date.parse('2025-06-26T14:00:00Z');
const WEEK_MS = 7 * 86_400_000;
/** Places BATCHES x BATCH orders, then locks them all by sweeps; ms for each part. */
async function orderPath(wired) {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-bench-notify-'));
    const store = new SqliteStore(dir);
    try {
        const yu7 = seedLaunches(0).find((l) => l.launchId === 'yu7-2025');
        const launch = { ...yu7, perAccountLimit: 1_000_000 };
        await store.transaction((tx) => tx.putLaunch(launch));
        const { place, autoLock } = orderCommands({ autoLockBatchMax: BATCH }, wired ? hooks : collectHooks());
        const r = resolveConfiguration(launch, { trim: 'max', city: 'beijing', options: [] });
        if (!r.ok)
            throw new Error(r.code);
        let t = performance.now();
        for (let b = 0; b < BATCHES; b++) {
            const cmds = Array.from({ length: BATCH }, (_, i) => ({
                accountId: `acc_${(b * BATCH + i) % 50_000}`, launch, config: r.value.config,
                priceFen: r.value.priceFen, idempotencyKey: `k${b}_${i}`, requestHash: 'h',
                paymentReference: `dep_${b}_${i}`
            }));
            await store.transaction((tx) => place(tx, cmds, OPEN_MS + b));
        }
        const placeMs = performance.now() - t;
        t = performance.now();
        for (let b = 0; b < BATCHES; b++) {
            await store.transaction((tx) => autoLock(tx, [null], OPEN_MS + WEEK_MS + 1_000));
        }
        return { placeMs, sweepMs: performance.now() - t };
    }
    finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
    }
}
const tmpdir = () => os.tmpdir();
/** Messages a second from a full outbox of `n` through a provider that answers at once. */
async function delivery(store, n) {
    const t0 = Date.now();
    await store.transaction(async (tx) => {
        await tx.insertAccount({ accountId: 'acc_1', phone: '13800138000', name: 'Li Lei',
            idNumber: '11010519491231002X', createdAtMs: t0 }, null);
        const drafts = Array.from({ length: n }, (_, i) => ({
            key: `order_locked:ord_${i}`, accountId: 'acc_1', orderId: `ord_${i}`,
            kind: 'order_locked', params: { order_id: `ord_${i}`, queue_place: i }
        }));
        await tx.enqueueNotifications(drafts, t0);
    });
    const sandbox = new SandboxMessageProvider(PERFECT_SANDBOX);
    const service = new NotificationsService({ store, clock: new SimulatedClock(t0),
        limits: defaultLimits, provider: sandbox });
    const t = performance.now();
    await service.deliverAll(10_000);
    const seconds = (performance.now() - t) / 1000;
    await service.drain();
    sandbox.close();
    return n / seconds;
}
async function main() {
    const cpu = os.cpus()[0];
    console.log(`machine: ${os.cpus().length} x ${cpu?.model ?? '?'}, node ${process.version}`);
    console.log(`(a) ${BATCHES} batches of ${BATCH} orders placed, then locked by the sweep, `
        + `on SQLite; ${ROUNDS} rounds in turns`);
    // Medians of the rounds: one slow round (another engineer's build) moves a sum, not a median.
    const runs = { off: { placeMs: [], sweepMs: [] },
        on: { placeMs: [], sweepMs: [] } };
    for (let r = 0; r < ROUNDS; r++) {
        for (const wired of [false, true]) {
            const m = await orderPath(wired);
            const s = runs[wired ? 'on' : 'off'];
            s.placeMs.push(m.placeMs);
            s.sweepMs.push(m.sweepMs);
            console.log(`  round ${r + 1}, hook ${wired ? 'wired  ' : 'unwired'}: place `
                + `${m.placeMs.toFixed(0)} ms, sweep ${m.sweepMs.toFixed(0)} ms`);
        }
    }
    const orders = BATCHES * BATCH;
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const med = { off: { place: median(runs.off.placeMs), sweep: median(runs.off.sweepMs) },
        on: { place: median(runs.on.placeMs), sweep: median(runs.on.sweepMs) } };
    for (const k of ['off', 'on']) {
        console.log(`  median, hook ${k === 'on' ? 'wired' : 'unwired'}: place ${(med[k].place * 1000 / orders).toFixed(1)} us/order, lock ${(med[k].sweep * 1000 / orders).toFixed(1)} us/order`);
    }
    console.log(`  ratio wired/unwired: place ${(med.on.place / med.off.place).toFixed(2)}, `
        + `lock (with its message queued) ${(med.on.sweep / med.off.sweep).toFixed(2)}`);
    const dir = mkdtempSync(join(tmpdir(), 'launchday-bench-notify-'));
    const sqlite = new SqliteStore(dir);
    try {
        console.log(`(b) delivery worker, SQLite: ${(await delivery(sqlite, 5_000)).toFixed(0)} `
            + 'messages/s');
    }
    finally {
        await sqlite.close();
        rmSync(dir, { recursive: true, force: true });
    }
    if (DATABASE_URL) {
        const schema = `launchday_bench_${process.pid}`;
        const pgStore = await PostgresStore.open(DATABASE_URL, { schema });
        try {
            console.log(`(b) delivery worker, PostgreSQL: ${(await delivery(pgStore, 5_000))
                .toFixed(0)} messages/s`);
        }
        finally {
            await pgStore.close();
            const pg = (await import('pg')).default;
            const c = new pg.Client({ connectionString: DATABASE_URL });
            await c.connect();
            await c.query(`DROP SCHEMA ${schema} CASCADE`);
            await c.end();
        }
    }
}
await main();
//# sourceMappingURL=notifications-benchmark.js.map