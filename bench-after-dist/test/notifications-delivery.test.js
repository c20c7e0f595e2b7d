// Exactly once, whatever happens: a property test (fast-check) of the delivery worker against a
// sandbox provider that fails for now, loses replies to messages it sent, rate-limits, is slow,
// reports undelivered and reports twice, while workers crash between handing messages over and
// recording it, and restart. Each run then lets time pass until every message is settled and
// checks, message by message, that it reached the phone exactly once and says `delivered`.
// Time is simulated (one clock for the workers and the sandbox); the store is a real SQLite.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import { SimulatedClock } from '../src/kernel/clock.js';
import { defaultLimits } from '../src/kernel/config.js';
import { idempotencyKey, NotificationsService, SandboxMessageProvider, } from '../src/notifications/index.js';
import { SqliteStore } from '../src/stores.js';
const T0 = Date.UTC(2025, 5, 26, 14);
/** The sandbox's timers on the simulated clock, run in time order when the test says. */
export class FakeScheduler {
    clock;
    #tasks = [];
    #seq = 0;
    constructor(clock) {
        this.clock = clock;
    }
    nowMs() {
        return this.clock.nowMs();
    }
    after(ms, fn) {
        this.#tasks.push({ at: this.clock.nowMs() + ms, seq: this.#seq++, fn });
        this.#tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
    }
    get pending() {
        return this.#tasks.length;
    }
    /** Runs the earliest task, moving the clock to its time; false when there is none. */
    runNext() {
        const t = this.#tasks.shift();
        if (!t)
            return false;
        if (t.at > this.clock.nowMs())
            this.clock.tick(t.at - this.clock.nowMs());
        t.fn();
        return true;
    }
    /** Runs every task due by `ms` from now, then moves the clock there. */
    async advance(ms) {
        const until = this.clock.nowMs() + ms;
        while (this.#tasks.length > 0 && this.#tasks[0].at <= until) {
            this.runNext();
            await settle();
        }
        if (until > this.clock.nowMs())
            this.clock.tick(until - this.clock.nowMs());
    }
}
/** Lets the store's I/O and the promises waiting on it move. */
const settle = async () => {
    for (let i = 0; i < 3; i++)
        await new Promise((r) => setImmediate(r));
};
/** Awaits `p`, running the sandbox's timers (time passing) whenever it waits on them. */
async function drive(p, scheduler) {
    let done = false;
    let out = new Error('unsettled');
    p.then((v) => { done = true; out = v; }, (e) => { done = true; out = e; });
    for (let idle = 0; !done; idle++) {
        await settle();
        if (done)
            break;
        if (!scheduler.runNext())
            await new Promise((r) => setTimeout(r, 1));
    }
    return out;
}
/**
 * One worker process: its store and provider go dead together when it crashes, at the moment a
 * message it handed over has been accepted (so it cannot record that).
 */
class Worker {
    dead = false;
    crashAfterNextAcceptance = false;
    service;
    constructor(store, sandbox, clock, limits, random) {
        const alive = () => {
            if (this.dead)
                throw new Error('this process is dead');
        };
        const own = new Proxy(store, { get: (target, name) => {
                const v = Reflect.get(target, name);
                if (name !== 'transaction' || typeof v !== 'function') {
                    return typeof v === 'function' ? v.bind(target) : v;
                }
                return async (fn) => {
                    alive();
                    return v.call(target, fn);
                };
            } });
        const provider = {
            name: sandbox.name, reportsDelivery: sandbox.reportsDelivery,
            submit: async (m) => {
                alive();
                const r = await sandbox.submit(m);
                if (this.crashAfterNextAcceptance)
                    this.dead = true;
                alive();
                return r;
            },
            onReport: (listener) => sandbox.onReport(async (r) => {
                alive();
                await listener(r);
            }),
        };
        this.service = new NotificationsService({ store: own, clock, limits, provider, random });
    }
}
/** A seeded generator (mulberry32), so a failing run replays exactly. */
function seeded(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
}
const limits = { ...defaultLimits, notificationAttemptsMax: 200,
    notificationGenerationsMax: 50, notificationBackoffBaseMs: 500,
    notificationBackoffMaxMs: 20_000, notificationLeaseMs: 30_000, notificationClaimBatchMax: 8,
    notificationSendsInFlightMax: 3 };
const behaviour = fc.record({
    acceptMsMin: fc.constant(0), acceptMsMax: fc.integer({ min: 0, max: 400 }),
    slowRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
    // Slower than the lease: a second worker takes the message over meanwhile.
    slowMs: fc.constantFrom(2_000, 45_000),
    transientFailureRate: fc.double({ min: 0, max: 0.4, noNaN: true }), rejectRate: fc.constant(0),
    lostReplyRate: fc.double({ min: 0, max: 0.4, noNaN: true }),
    ratePerSecond: fc.integer({ min: 1, max: 20 }),
    reportMsMin: fc.constant(0), reportMsMax: fc.integer({ min: 0, max: 10_000 }),
    undeliveredRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    duplicateReportRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
    reportRetryMs: fc.integer({ min: 100, max: 5_000 }),
});
const step = fc.oneof({ weight: 4, arbitrary: fc.record({ kind: fc.constant('round'),
        worker: fc.constantFrom(0, 1) }) }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash'),
        worker: fc.constantFrom(0, 1) }) }, { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance'),
        ms: fc.integer({ min: 0, max: 40_000 }) }) });
const draft = (n, accountId) => ({
    key: `order_locked:ord_${n}`, accountId, orderId: `ord_${n}`, kind: 'order_locked',
    params: { order_id: `ord_${n}`, queue_place: n }
});
/**
 * Runs one world: `messages` queued, the steps, then time until every message is settled.
 * Returns each message's final state and how many times it reached the phone.
 */
async function run(messages, b, seed, steps, limits) {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-notify-'));
    const store = new SqliteStore(dir);
    const clock = new SimulatedClock(T0);
    const scheduler = new FakeScheduler(clock);
    const random = seeded(seed);
    const sandbox = new SandboxMessageProvider(b, scheduler, random);
    const workers = [0, 1].map(() => new Worker(store, sandbox, clock, limits, random));
    const abandoned = [];
    try {
        await store.transaction(async (tx) => {
            await tx.insertAccount({ accountId: 'acc_1', phone: '13800138000', name: 'Li Lei',
                idNumber: '11010519491231002X', createdAtMs: T0 }, null);
            const drafts = Array.from({ length: messages }, (_, i) => draft(i, 'acc_1'));
            // The cause handled twice (a retried batch) queues nothing more.
            await tx.enqueueNotifications([...drafts, ...drafts], T0);
        });
        await store.transaction((tx) => tx.enqueueNotifications([draft(0, 'acc_1')], T0));
        for (const s of steps) {
            if (s.kind === 'advance')
                await scheduler.advance(s.ms);
            else if (s.kind === 'round')
                await drive(workers[s.worker].service.deliverDue(), scheduler);
            else {
                // The worker dies once a message it handed over is accepted, mid-round; a new
                // process takes its place.
                const w = workers[s.worker];
                w.crashAfterNextAcceptance = true;
                abandoned.push(drive(w.service.deliverDue(), scheduler));
                await abandoned.at(-1);
                w.dead = true;
                workers[s.worker] = new Worker(store, sandbox, clock, limits, random);
            }
        }
        // Then time passes and the live workers go on until every message is settled.
        for (let i = 0; i < 400; i++) {
            const counts = await store.notificationCounts();
            if (counts.delivered + counts.failed === messages && scheduler.pending === 0)
                break;
            await scheduler.advance(limits.notificationLeaseMs);
            await drive(workers[i % 2].service.deliverDue(), scheduler);
        }
        await Promise.all(workers.map((w) => w.service.drain()));
        const all = await store.notifications(null, 100);
        assert.equal(all.length, messages, 'one message per key');
        for (const [key, n] of sandbox.deliveries())
            assert.equal(n, 1, key);
        return all.map((m) => {
            let reached = 0;
            for (let g = 1; g <= m.generation; g++) {
                reached += sandbox.deliveredCount(idempotencyKey({ ...m, generation: g }));
            }
            return { key: m.key, state: m.state, reached, lastError: m.lastError };
        });
    }
    finally {
        await Promise.allSettled(abandoned);
        await store.close();
        rmSync(dir, { recursive: true, force: true });
    }
}
it('every message reaches the phone exactly once, through failures, crashes and restarts', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 12 }), behaviour, fc.integer(), fc.array(step, { minLength: 1, maxLength: 25 }), async (messages, b, seed, steps) => {
        for (const m of await run(messages, b, seed, steps, limits)) {
            assert.equal(m.reached, 1, `${m.key} reached the phone ${m.reached} times (${m.state})`);
            assert.equal(m.state, 'delivered', `${m.key}: ${m.lastError}`);
        }
    }), { numRuns: 40 });
});
it('with refusals for good and few tries, a message is delivered once or failed and never sent', async () => {
    const few = { ...limits, notificationAttemptsMax: 3, notificationGenerationsMax: 2 };
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 10 }), behaviour, fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.integer(), fc.array(step, { minLength: 1, maxLength: 15 }), async (messages, b, rejectRate, seed, steps) => {
        for (const m of await run(messages, { ...b, rejectRate }, seed, steps, few)) {
            assert.ok(m.state === 'delivered' || m.state === 'failed', `${m.key}: ${m.state}`);
            assert.equal(m.reached, m.state === 'delivered' ? 1 : 0, `${m.key} reached the phone ${m.reached} times (${m.state})`);
        }
    }), { numRuns: 25 });
});
//# sourceMappingURL=notifications-delivery.test.js.map