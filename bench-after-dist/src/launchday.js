import { Core } from './kernel/core.js';
import { AccountsService, } from './accounts/index.js';
import { DropsService } from './drops/index.js';
import { LaunchesService, LiveHub } from './launches/index.js';
import { NotificationsService } from './notifications/index.js';
import { LiveFrames, OrdersService, SettlementService } from './orders/index.js';
import { PaymentsService } from './payments/index.js';
import { ProductionService } from './production/index.js';
import { writeComposition } from './stores.js';
/** Midnight in Beijing of a `YYYY-MM-DD` date, in ms (production's windows are Beijing dates). */
const beijingDayMs = (date) => Date.parse(`${date}T00:00:00+08:00`);
export class Launchday {
    deps;
    /** The kernel's shared parts: group commit, the writer thread, store health, rate limits. */
    core;
    accounts;
    launches;
    payments;
    orders;
    settlement;
    production;
    notifications;
    drops;
    /** Live figures of each launch, for its viewers (launches/live-hub.ts). */
    live;
    constructor(deps) {
        this.deps = deps;
        this.core = new Core(deps, writeComposition);
        this.accounts = new AccountsService(deps, this.core.submit);
        this.launches = new LaunchesService(deps);
        this.payments = new PaymentsService(deps);
        this.orders = new OrdersService(deps, this.core.committer, this.core.submit, this.launches, this.payments);
        this.settlement = new SettlementService(deps);
        this.production = new ProductionService(deps, this.launches);
        // Orders' estimates come from the plan where one covers the trim (orders' EstimateSource).
        this.orders.estimates = this.production;
        this.orders.vehicles = this.production;
        this.notifications = new NotificationsService({ store: deps.store, clock: deps.clock,
            limits: deps.limits, provider: deps.messages });
        // Production's moves and allocations reach their buyers as messages queued in the same
        // transaction as the re-plan or the production run: one per moved estimate (keyed by the
        // re-plan), one per allocated car.
        this.production.onEstimatesMoved = (tx, changes) => tx.enqueueNotifications(changes.map((c) => ({ key: `estimate_moved:${c.replanId}:${c.orderId}`,
            accountId: c.accountId, orderId: c.orderId, kind: 'estimate_moved',
            params: { order_id: c.orderId, weeks_moved: c.weeksMoved,
                window_start_ms: beijingDayMs(c.newFrom), window_end_ms: beijingDayMs(c.newTo) } })), changes[0]?.atMs ?? deps.clock.nowMs()).then(() => undefined);
        this.production.onCarsAllocated = (tx, allocated, atMs) => tx.enqueueNotifications(allocated.map((a) => ({ key: `order_scheduled:${a.orderId}`, accountId: a.accountId,
            orderId: a.orderId, kind: 'order_scheduled',
            params: { order_id: a.orderId, vin: a.vin } })), atMs).then(() => undefined);
        this.drops = new DropsService(deps, this.core.submit);
        // A drop's charges are held by its holds, not by orders: the reconciler asks drops too.
        this.settlement.reconciler.otherHolders.push((reference) => this.drops.holdsCharge(reference));
        // Frames from stored data (orders/live-frames.ts): every process serves the same figures.
        const frames = new LiveFrames(this.launches, this.orders, deps.clock);
        this.live = new LiveHub((launchId) => frames.frame(launchId), deps.limits.liveViewersMax, deps.limits.liveStalledFramesMax);
    }
    // ---------- the kernel's parts, for the HTTP shell and the entry point ----------
    get clock() {
        return this.core.clock;
    }
    get committer() {
        return this.core.committer;
    }
    get storeHealth() {
        return this.core.storeHealth;
    }
    get rateLimits() {
        return this.core.rateLimits;
    }
    /** Settles if nothing can be written any more (Core.broken). */
    get broken() {
        return this.core.broken;
    }
    get brokenBecause() {
        return this.core.brokenBecause;
    }
    /** For tests that play a dead writer thread. */
    set brokenBecause(err) {
        this.core.brokenBecause = err;
    }
    /** True from the moment the process starts to close: readiness says 503 from then on. */
    get closing() {
        return this.core.closing;
    }
    beginClosing() {
        this.core.beginClosing();
    }
    refusalFor(err) {
        return this.core.refusalFor(err);
    }
    /** Who a bearer token stands for (accounts' sessions): the HTTP shell's one question. */
    authenticate(token) {
        return this.accounts.authenticate(token);
    }
    audit(actor, action, detail) {
        return this.core.audit(actor, action, detail);
    }
    /** Waits for the commits under way and stops the writer thread; the store stays open. */
    async close() {
        this.core.beginClosing();
        await this.accounts.sessions.codesIssued();
        await this.accounts.sessions.flushTouches();
        await this.production.flushShown().catch(() => undefined);
        await this.production.close().catch(() => undefined);
        await this.notifications.drain();
        await this.core.close();
    }
}
//# sourceMappingURL=launchday.js.map