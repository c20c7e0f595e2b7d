import { sha256 } from '../kernel/ids.js';
import { ok, refuse } from '../kernel/outcomes.js';
import { findTrim, locksOnPlacement, } from '../launches/index.js';
import { depositReference } from '../payments/index.js';
import { statsFromCounters } from './launch-stats.js';
import { allowedActions, decideSalesOpen, estimateWeeks, isDueForAutoLock, isPastLock, queueKey, resolveConfiguration, switchTargets, trimKey, isWindowOpen, } from './order.js';
import { PreparedFigures } from './prepared-figures.js';
import { paidUnder } from './payment-reconciler.js';
/** A planned estimate as an order view's. */
const planView = (p, basis) => ({ weeksMin: p.weeksMin, weeksMax: p.weeksMax, basis,
    window: { from: p.windowFrom, to: p.windowTo } });
/**
 * Whether the charge made for a place command is held by an order after its batch: a new order
 * holds it; a replay holds it unless the order's deposit was refunded (then the provider took
 * the reference afresh, and nothing holds that charge).
 */
function chargeKept(r) {
    return r.ok && (!r.value.replay || r.value.order.depositState !== 'refunded');
}
/**
 * How long the cached locked counts behind the estimates may lag a lock made by another process
 * (PostgreSQL; docs/api.md). This process's own locks drop the cache as their batch commits, so
 * on SQLite, which only this process writes, the cache has no age limit.
 */
const COUNTERS_CACHE_MS = 250;
/** Orders' batch handlers whose commit may change a locked count (`place` only if it locks). */
const MOVES_LOCKS = new Set(['place', 'act', 'autoLock']);
export class OrdersService {
    deps;
    committer;
    submit;
    launches;
    payments;
    /** The public figures, prepared again only when a count moved (prepared-figures.ts). */
    preparedFigures = new PreparedFigures();
    /**
     * Locked counts per launch, for estimates. Valid while no batch that may have changed a locked
     * count has committed since it was read (its `gen` is the current one), and on PostgreSQL for
     * at most COUNTERS_CACHE_MS. A batch of new firm orders changes no locked count, so the order hot
     * path keeps the cache and never reads counters from the store.
     */
    #lockedCache = new Map();
    /** Reads under way, shared by the callers of one generation. */
    #lockedReads = new Map();
    /** Bumped, before any of its commands is answered, by each commit that may move a lock. */
    #lockedGen = 0;
    /** How old cached locked counts may be: other processes write only to PostgreSQL. */
    #lockedMaxAgeMs;
    /** Plan-based estimates, when the composition wires a production capability in. */
    estimates = null;
    /** Allocated cars, likewise. */
    vehicles = null;
    constructor(deps, committer, submit, launches, payments) {
        this.deps = deps;
        this.committer = committer;
        this.submit = submit;
        this.launches = launches;
        this.payments = payments;
        committer.onCommit((jobs, results) => this.#afterCommit(jobs, results));
        this.#lockedMaxAgeMs = deps.store.kind === 'postgres' ? COUNTERS_CACHE_MS : Infinity;
    }
    /**
     * A launch's counters as committed now, read from the store (never cached); with `fromKey`,
     * those from that key on (OrdersStore.counters).
     */
    counters(launchId, fromKey) {
        return this.deps.store.counters(launchId, fromKey);
    }
    /**
     * Drops the cached locked counts when a committed batch may have changed one: a lock, cancel,
     * change or sweep (`act`, `autoLock`), or orders that lock as placed. Runs before any command
     * of the batch is answered, so a reply and every read after it see the batch. `results`: each
     * command's (null when the batch failed, so anything may have changed).
     */
    #afterCommit(jobs, results) {
        for (const [i, j] of jobs.entries()) {
            // Only orders' own handlers move a lock: another capability's batch (accounts' sign-ups,
            // a drop's holds and its sweep every second) leaves the cache valid.
            if (!MOVES_LOCKS.has(j.handler))
                continue;
            if (j.handler === 'place' && !locksOnPlacement(j.payload.launch))
                continue;
            // The cooling-off sweep runs every second and mostly locks nothing: that leaves it valid.
            if (j.handler === 'autoLock' && results !== null && results[i] === 0)
                continue;
            this.#lockedGen++;
            this.#lockedCache.clear();
            return;
        }
    }
    /** The cached locked counts when still valid, without waiting; null otherwise. */
    #cachedLocked(launchId) {
        const hit = this.#lockedCache.get(launchId);
        return hit !== undefined && hit.gen === this.#lockedGen
            && performance.now() - hit.readAt < this.#lockedMaxAgeMs ? hit : null;
    }
    /** The locked counts of a launch: cached, or read once for every caller of this generation. */
    #lockedCounts(launchId) {
        const hit = this.#cachedLocked(launchId);
        if (hit !== null)
            return hit;
        const gen = this.#lockedGen;
        const key = `${gen}\u0000${launchId}`;
        const reading = this.#lockedReads.get(key);
        if (reading !== undefined)
            return reading;
        const read = (async () => {
            const readAt = performance.now();
            const asOfMs = this.deps.clock.nowMs();
            const counters = await this.deps.store.counters(launchId);
            const byTrim = new Map();
            for (const [k, v] of counters) {
                if (k.startsWith('trim.') && k.endsWith('.locked'))
                    byTrim.set(k.slice(5, -7), v);
            }
            const counts = { gen, asOfMs, readAt, byTrim };
            // A commit during the read may or may not be in it: then it serves only its own callers.
            if (gen === this.#lockedGen)
                this.#lockedCache.set(launchId, counts);
            return counts;
        })();
        this.#lockedReads.set(key, read);
        void read.then(() => this.#lockedReads.delete(key), () => this.#lockedReads.delete(key));
        return read;
    }
    async stats(launchId) {
        const launch = await this.launches.launch(launchId);
        if (!launch)
            return refuse('launch_not_found');
        return ok(statsFromCounters(launchId, await this.counters(launchId), this.deps.clock.nowMs(), launch));
    }
    // ---------- orders ----------
    async place(account, input, idempotencyKey) {
        const launch = this.launches.cachedLaunch(input.launchId)
            ?? await this.launches.launch(input.launchId);
        if (!launch)
            return refuse('launch_not_found');
        const resolved = resolveConfiguration(launch, input);
        if (!resolved.ok)
            return resolved;
        // The configuration as resolved, defaults included: a retry that spells out the options the
        // order took (read back from its reply) asks for the same order, not another.
        const { config } = resolved.value;
        const requestHash = sha256(JSON.stringify([input.launchId, config.trim, config.options,
            config.city]));
        const reference = depositReference(account.accountId, idempotencyKey, requestHash);
        const command = { accountId: account.accountId, launch, config: resolved.value.config,
            priceFen: resolved.value.priceFen, idempotencyKey, requestHash, paymentReference: reference };
        // Checked again in the batch; here so that nobody is charged before the opening. A retry
        // of an order taken before still gets its order back: the batch looks the key up first.
        const open = decideSalesOpen(launch, this.deps.clock.nowMs());
        if (!open.ok)
            return this.submit('place', { ...command, refusal: open });
        // A retry (the web page retries a pending key for minutes) is answered without charging:
        // the provider charges a refunded reference afresh, which nothing would hold.
        const prior = await this.deps.store.orderByIdempotency(account.accountId, idempotencyKey);
        if (prior) {
            return prior.requestHash === requestHash ? ok({ order: prior, replay: true })
                : refuse('idempotency_key_reused');
        }
        const paid = await this.deps.payments.charge({ reference, amountFen: launch.depositFen,
            payer: account.accountId });
        if (paid.status !== 'approved')
            return refuse('payment_declined');
        let r;
        try {
            r = await this.submit('place', command);
        }
        catch (err) {
            await this.#voidUnlessCommitted(account.accountId, idempotencyKey, reference);
            throw err;
        }
        if (!chargeKept(r))
            await this.#release(reference);
        return r;
    }
    /** Voids a charge no order holds; if the provider fails, the reconciler's sweep will. */
    async #release(reference) {
        try {
            await this.deps.payments.void({ reference });
        }
        catch {
            // Left to the sweep (payment-reconciler.ts): the buyer's reply does not wait for it.
        }
    }
    /**
     * After a failed commit: the transaction may still have committed (a lost reply to COMMIT),
     * so the charge is voided only when no order holds it. If even that cannot be read, the
     * reconciler's sweep voids it later (payment-reconciler.ts).
     */
    async #voidUnlessCommitted(accountId, key, reference) {
        try {
            const order = await this.deps.store.orderByIdempotency(accountId, key);
            const held = order !== null && paidUnder(order, reference)
                && order.depositState !== 'refunded';
            if (!held)
                await this.#release(reference);
        }
        catch {
            // The store cannot say: left to the sweep.
        }
    }
    async get(caller, orderId) {
        let order = await this.deps.store.order(orderId);
        if (!order || (caller.role === 'buyer' && order.accountId !== caller.account.accountId)) {
            return refuse('order_not_found');
        }
        // A reader must never see a firm order past its cooling-off: lock the due ones first.
        if (isDueForAutoLock(order, this.deps.clock.nowMs())) {
            await this.autoLockDue();
            order = (await this.deps.store.order(orderId));
        }
        return ok(order);
    }
    /**
     * The order as it stands now: when its cooling-off has ended and the sweep has not yet
     * written the lock (it fell due since the batch that wrote the order, even in the same
     * instant), the due orders are locked first and the order is read back. Every reply that
     * renders an order goes through here (route.ts orderReply, the lists).
     */
    async current(order) {
        if (!isDueForAutoLock(order, this.deps.clock.nowMs()))
            return order;
        await this.autoLockDue();
        return (await this.deps.store.order(order.orderId)) ?? order;
    }
    /** `current` for a list: one sweep for all, then each due order read back. */
    async currentAll(orders) {
        const nowMs = this.deps.clock.nowMs();
        if (!orders.some((o) => isDueForAutoLock(o, nowMs)))
            return [...orders];
        await this.autoLockDue();
        return Promise.all(orders.map(async (o) => (isDueForAutoLock(o, nowMs)
            ? (await this.deps.store.order(o.orderId)) ?? o : o)));
    }
    async ordersOf(account) {
        const orders = await this.deps.store.ordersOfAccount(account.accountId, this.deps.limits.ordersListMax);
        const nowMs = this.deps.clock.nowMs();
        if (orders.some((o) => isDueForAutoLock(o, nowMs))) {
            await this.autoLockDue();
            return this.deps.store.ordersOfAccount(account.accountId, this.deps.limits.ordersListMax);
        }
        return orders;
    }
    async act(caller, orderId, action) {
        const r = await this.submit('act', {
            orderId, action,
            accountId: caller.role === 'buyer' ? caller.account.accountId : null,
            actor: caller.role === 'buyer' ? `buyer:${caller.account.accountId}` : caller.actor,
        });
        // The refund is queued with the change; a failure to hand it over now is retried by the
        // timer, and must not become an unhandled rejection, which would end the process.
        if (r.ok && r.value.depositState === 'refunded') {
            void this.payments.sendPayments().catch(() => 0);
        }
        return r;
    }
    async change(caller, orderId, change) {
        const current = await this.deps.store.order(orderId);
        if (!current || (caller.role === 'buyer' && current.accountId !== caller.account.accountId)) {
            return refuse('order_not_found');
        }
        const own = await this.launches.launch(current.launchId);
        const target = change.launchId === undefined ? own
            : await this.launches.launch(change.launchId);
        if (!own || !target)
            return refuse('launch_not_found');
        return this.act(caller, orderId, { kind: 'change', change, own, target });
    }
    /** Locks every firm order whose cooling-off has ended; returns how many. */
    async autoLockDue() {
        let total = 0;
        for (;;) {
            const n = await this.committer.submit('autoLock', null, true);
            total += n;
            if (n < this.deps.limits.autoLockBatchMax)
                return total;
        }
    }
    // ---------- estimates ----------
    /**
     * The estimate for a configuration if its order locked now, and when the locked count behind
     * it was read (`asOfMs`): every lock this process has committed is in it; another process's
     * may be missing for at most COUNTERS_CACHE_MS. Null for a trim the launch does not have.
     */
    async estimateIfLockedNow(launch, trim, city = null) {
        const counts = await this.#lockedCounts(launch.launchId);
        const e = this.#estimateIfLockedNow(launch, trim, counts);
        if (!e)
            return null;
        const planned = await this.estimates?.ifLockedNow(launch.launchId, trim, city, e.lockedAhead);
        return planned ? { weeksMin: planned.weeksMin, weeksMax: planned.weeksMax,
            lockedAhead: e.lockedAhead, asOfMs: counts.asOfMs,
            window: { from: planned.windowFrom, to: planned.windowTo } }
            : { ...e, asOfMs: counts.asOfMs };
    }
    #estimateIfLockedNow(launch, trim, counts) {
        const t = findTrim(launch, trim);
        if (!t)
            return null;
        const lockedAhead = counts.byTrim.get(trim) ?? 0;
        return { ...estimateWeeks(t, lockedAhead), lockedAhead };
    }
    /** What an order's view adds to the order: estimate, queue, actions, and history. */
    async orderExtras(order, history, atLock = false) {
        const launch = this.launches.cachedLaunch(order.launchId)
            ?? await this.launches.launch(order.launchId);
        const t = launch ? findTrim(launch, order.trim) : undefined;
        let estimate = null;
        let queue = null;
        if (isPastLock(order.status) && order.trimSeq !== null && order.queuePlace !== null && t) {
            const released = await this.deps.store.releasedBefore(trimKey(order.launchId, order.trim), order.trimSeq);
            const ahead = order.trimSeq - 1 - released;
            queue = { queueKey: queueKey(order.launchId, order.trim, order.city),
                place: order.queuePlace, lockedAheadInTrim: ahead };
            const p = this.estimates?.forLocked(order, ahead, atLock) ?? null;
            const planned = p instanceof Promise ? await p : p;
            estimate = planned ? planView(planned, 'locked') : { ...estimateWeeks(t, ahead),
                basis: 'locked' };
        }
        else if (order.status === 'firm' && launch) {
            // Cached (no await) on the order hot path: new firm orders leave it valid.
            const known = this.#lockedCounts(launch.launchId);
            const counts = known instanceof Promise ? await known : known;
            const e = this.#estimateIfLockedNow(launch, order.trim, counts);
            const p = e && this.estimates
                ? this.estimates.ifLockedNow(launch.launchId, order.trim, order.city, e.lockedAhead)
                : null;
            const planned = p instanceof Promise ? await p : p;
            if (planned)
                estimate = planView(planned, 'if_locked_now');
            else if (e)
                estimate = { weeksMin: e.weeksMin, weeksMax: e.weeksMax, basis: 'if_locked_now' };
        }
        const vehicle = order.status === 'scheduled' && this.vehicles
            ? await this.vehicles.vehicleOf(order) : null;
        const windows = this.launches.fresh() ? this.launches.cachedWindows
            : await this.launches.windows();
        const nowMs = this.deps.clock.nowMs();
        const actions = allowedActions(order, windows, nowMs, this.launches.byId);
        const switchTo = switchTargets(order, windows, nowMs, this.launches.byId);
        // When the soonest open window that still lets this order change or switch closes: the
        // buyer's page says until when the window's actions are offered.
        let windowClosesAtMs = null;
        if (order.status !== 'cancelled') {
            for (const w of windows) {
                if (w.fromLaunchId !== order.launchId || !isWindowOpen(w, nowMs)
                    || order.changedInWindowId === w.windowId)
                    continue;
                windowClosesAtMs = Math.min(windowClosesAtMs ?? w.closesAtMs, w.closesAtMs);
            }
        }
        return { estimate, queue, actions, switchTo, windowClosesAtMs,
            history: history ?? await this.deps.store.orderEvents(order.orderId),
            ...(vehicle ? { vehicle } : {}) };
    }
}
//# sourceMappingURL=orders-service.js.map