import { Limiter, Timeline } from './timeline.js';
import { PER_ACCOUNT_LIMIT } from './workload.js';
export const LIMITS = Object.freeze({
    /**
     * Buyers registering at once: each registers itself (POST /accounts) and keeps the token of
     * its own session, as a buyer's phone does.
     */
    registerConcurrency: 64,
    /** Sandbox reads while looking for a sign-in code (each process keeps its own texts). */
    codeReadsMax: 20,
    requestTimeoutMs: 30_000,
    /** The impatient client gives up after this long (real ms) and retries with the same key. */
    impatientTimeoutMs: 3,
    impatientPauseMs: 250,
    /** Retries of one step; with Retry-After 1 s, a minute of sustained overload. */
    retriesMax: 60,
    retryAfterMaxMs: 5_000,
    /** Real ms between the opening being set and the opening itself. */
    openingLeadMs: 3_000,
    earlyClickMs: 1_500,
    /** The model switch window of the seeds: 22:00 on 26 June to 24:00 on 29 June. */
    changeWindowHours: 74,
    /** Reading every order back stops after this long (the verdict then says so). */
    readBackSecondsMax: 900,
});
export class LaunchNight {
    client;
    auditor;
    metrics;
    workload;
    catalogs;
    options;
    limiter;
    timeline = null;
    accounts = new Map();
    /** Accounts with an order attempt whose outcome stayed unknown after every retry. */
    unresolved = new Set();
    baseline = new Map();
    unfinishedBuyers = 0;
    stopped = false;
    clockSimulated = false;
    serverOffsetMs = 0;
    opensAtServerMs = Infinity;
    registerRetries = 0;
    signedInAfterLostReply = 0;
    get retriesMax() {
        return this.options.retriesMax ?? LIMITS.retriesMax;
    }
    constructor(client, auditor, metrics, workload, catalogs, options) {
        this.client = client;
        this.auditor = auditor;
        this.metrics = metrics;
        this.workload = workload;
        this.catalogs = catalogs;
        this.options = options;
        this.limiter = new Limiter(options.connections);
    }
    get target() {
        return this.catalogs.get(this.workload.targetLaunchId);
    }
    /**
     * A request whose refusal is the point (a lock without confirmation, say): sent again while
     * the server answers that it is busy, so that the refusal checked is the one the rules give.
     */
    async probe(method, path, opts) {
        for (let attempt = 0;; attempt++) {
            const o = await this.call(method, path, opts);
            if (o.kind !== 'reply' || !retryable(o))
                return o;
            if (attempt >= this.retriesMax || this.stopped) {
                return { kind: 'timeout', message: 'busy after every retry', sentAtMs: o.sentAtMs,
                    repliedAtMs: o.repliedAtMs };
            }
            await sleep(retryDelayMs(o));
        }
    }
    /** One request through the connection limit, measured and counted. */
    async call(method, path, opts = {}) {
        const outcome = await this.limiter.run(() => this.client.request(method, path, {
            token: opts.token, body: opts.body, headers: opts.headers,
            timeoutMs: opts.timeoutMs ?? LIMITS.requestTimeoutMs,
        }));
        if (outcome.kind === 'reply') {
            this.metrics.recordRequest(outcome.repliedAtMs - outcome.sentAtMs, opts.isOrder === true);
            if (outcome.status >= 400)
                this.metrics.recordError(outcome.code ?? `http_${outcome.status}`);
            if (outcome.status >= 500 && outcome.status !== 503) {
                this.auditor.violation('server_error', `${method} ${path}: ${outcome.status} ` +
                    `${JSON.stringify(outcome.body)?.slice(0, 200)}`);
            }
            const date = outcome.headers['x-server-time'];
            if (typeof date === 'string')
                this.serverOffsetMs = Date.parse(date) - Date.now();
        }
        else if (outcome.kind === 'network') {
            this.metrics.recordError(`network ${outcome.message}`);
        }
        else {
            const timeoutMs = opts.timeoutMs ?? LIMITS.requestTimeoutMs;
            // A server that holds a request past the client's patience has answered it no faster
            // than that: the latency figures must count it. The impatient client's own 3 ms
            // give-up says nothing about the server, and is counted only by code.
            if (timeoutMs >= LIMITS.requestTimeoutMs) {
                this.metrics.recordRequest(outcome.repliedAtMs - outcome.sentAtMs, opts.isOrder === true);
                this.metrics.recordError(`timeout ${method} ${routeOf(path)}`);
            }
            else {
                this.metrics.recordError('impatient_timeout');
            }
        }
        return outcome;
    }
    admin(method, path, body) {
        return this.call(method, path, { token: this.options.adminToken, body });
    }
    /** An admin call that must succeed for the run to make sense. */
    async adminOk(method, path, body) {
        for (let attempt = 0;; attempt++) {
            const o = await this.admin(method, path, body);
            if (o.kind === 'reply' && o.status < 300)
                return o;
            if (attempt >= this.retriesMax || (o.kind === 'reply' && !retryable(o))) {
                throw new Error(`${method} ${path}: ${o.kind === 'reply'
                    ? `${o.status} ${JSON.stringify(o.body)}` : o.message}`);
            }
            await sleep(retryDelayMs(o));
        }
    }
    /** Health, the launch catalogue baseline, and the target launch closed until we open it. */
    async prepare() {
        const health = await this.adminOk('GET', '/health');
        this.clockSimulated = health.body?.clock === 'simulated';
        for (const id of this.catalogs.keys()) {
            this.baseline.set(id, (await this.adminOk('GET', `/launches/${id}/stats`)).body);
        }
        const farFuture = new Date(Date.now() + this.serverOffsetMs + 86_400_000).toISOString();
        await this.adminOk('PATCH', `/admin/launches/${this.target.launchId}`, { opens_at: farFuture, per_account_limit: PER_ACCOUNT_LIMIT });
    }
    /** Every buyer registers itself, at most `registerConcurrency` at once. */
    async registerAccounts() {
        const buyers = this.workload.buyers;
        let next = 0;
        const worker = async () => {
            while (next < buyers.length)
                await this.registerBuyer(buyers[next++]);
        };
        await Promise.all(Array.from({ length: Math.min(LIMITS.registerConcurrency, buyers.length) }, worker));
        this.options.log(`registered ${this.accounts.size} of ${buyers.length} accounts` +
            (this.registerRetries > 0 ? `; ${this.registerRetries} registrations retried` : '') +
            (this.signedInAfterLostReply > 0
                ? `; ${this.signedInAfterLostReply} signed in by code after a lost reply` : ''));
    }
    /**
     * POST /accounts for one buyer, retried while the server is busy. When a reply was lost the
     * account may exist already (phone_taken on the retry): the buyer then signs in with a code,
     * which the simulator reads where the sandbox keeps it, as the buyer would read the text.
     */
    async registerBuyer(b) {
        const body = { phone: b.phone, name: b.name, id_number: b.idNumber };
        let uncertain = false;
        for (let attempt = 0;; attempt++) {
            const o = await this.call('POST', '/accounts', { body });
            if (o.kind === 'reply' && o.status === 201) {
                this.accounts.set(b.index, { accountId: o.body.account_id, token: o.body.token });
                return;
            }
            if (o.kind === 'reply' && o.body?.error?.code === 'phone_taken' && uncertain) {
                const signedIn = await this.signInByCode(b.phone);
                if (signedIn !== null) {
                    this.signedInAfterLostReply += 1;
                    this.accounts.set(b.index, signedIn);
                    return;
                }
            }
            if ((o.kind === 'reply' && !retryable(o)) || attempt >= this.retriesMax) {
                this.auditor.violation('identity_refused', `registration refused ${b.phone} ${b.idNumber}: ${o.kind === 'reply' ? `${o.status} ${JSON.stringify(o.body)}`
                    : o.message}`);
                return;
            }
            uncertain ||= o.kind !== 'reply';
            this.registerRetries += 1;
            await sleep(retryDelayMs(o));
        }
    }
    async signInByCode(phone) {
        const sent = await this.call('POST', '/sessions/code', { body: { phone } });
        if (sent.kind !== 'reply' || sent.status !== 202)
            return null;
        for (let i = 0; i < LIMITS.codeReadsMax; i++) {
            const inbox = await this.admin('GET', '/admin/sandbox/sms');
            const text = inbox.kind === 'reply' ? inbox.body?.messages
                ?.find((m) => m.phone === phone)?.text : undefined;
            const code = /code is (\d{6})/.exec(text ?? '')?.[1];
            if (code !== undefined) {
                const r = await this.call('POST', '/sessions', { body: { phone, code } });
                return r.kind === 'reply' && r.status === 201
                    ? { accountId: r.body.account_id, token: r.body.token } : null;
            }
            await sleep(50);
        }
        return null;
    }
    /** Switchers' earlier orders: placed and locked on the SU7 launches before the opening. */
    async prepareSwitchOrders() {
        const out = new Map();
        const switchers = this.workload.buyers.filter((b) => b.orders[0]?.switchFrom != null);
        await Promise.all(switchers.map(async (b) => {
            const account = this.accounts.get(b.index);
            const plan = b.orders[0];
            const from = plan.switchFrom;
            if (account === undefined)
                return;
            const order = await this.place(b, account, { ...plan, key: `${plan.key}p`, impatient: false }, from.launchId, from, false);
            if (order === null)
                return;
            if (order.status !== 'locked')
                await this.lock(account, order, false);
            if (order.status === 'locked')
                out.set(b.index, order);
        }));
        this.options.log(`prepared ${out.size} locked SU7 / SU7 Ultra orders for switching`);
        return out;
    }
    /** Sets the opening a few seconds ahead, opens the switch windows, sends the early clicks. */
    async open() {
        const openingPerfMs = performance.now() + LIMITS.openingLeadMs;
        const opensAtMs = Date.now() + this.serverOffsetMs + LIMITS.openingLeadMs;
        const opensAt = new Date(opensAtMs).toISOString();
        this.opensAtServerMs = opensAtMs;
        await this.adminOk('PATCH', `/admin/launches/${this.target.launchId}`, { opens_at: opensAt });
        const closesAt = new Date(opensAtMs + LIMITS.changeWindowHours * 3_600_000).toISOString();
        const sources = new Set(this.workload.buyers.flatMap((b) => b.orders.map((o) => o.switchFrom?.launchId).filter((x) => x !== undefined)));
        for (const from of sources) {
            await this.adminOk('POST', '/admin/change-windows', { from_launch_id: from,
                to_launch_id: this.target.launchId, opens_at: opensAt, closes_at: closesAt,
                allows: this.options.switchAllows });
        }
        const timeline = new Timeline(openingPerfMs, this.options.speed);
        this.timeline = timeline;
        if (this.clockSimulated) {
            // A simulated clock stands still: move it past the opening when the opening comes.
            void timeline.until(0).then(() => this.adminOk('POST', '/admin/clock', { advance_seconds: Math.ceil(LIMITS.openingLeadMs / 1000) + 1 }));
        }
        return timeline;
    }
    /**
     * Every buyer's night, all at once; returns when all are done or the deadline passed. The
     * nights are set up before the early clicks go out, so that setting up a few hundred thousand
     * buyers does not stall the opening itself.
     */
    async play(switchOrders) {
        const timeline = this.timeline;
        const deadline = setTimeout(() => {
            this.stopped = true;
        }, Math.max(0, timeline.openingMs + this.options.playBudgetMs - performance.now()));
        const clickAt = timeline.untilRealMs(timeline.openingMs - LIMITS.earlyClickMs);
        const none = Promise.resolve('none');
        const nights = this.workload.buyers.map((b) => {
            const account = this.accounts.get(b.index);
            const first = b.orders[0];
            const early = account !== undefined && first?.earlyClick === true && first.switchFrom === null
                ? clickAt.then(() => this.earlyClick(first, account)) : none;
            return this.buyerNight(b, switchOrders.get(b.index), early);
        });
        await Promise.all(nights);
        clearTimeout(deadline);
    }
    async buyerNight(buyer, switchOrder, early) {
        const account = this.accounts.get(buyer.index);
        if (account === undefined)
            return;
        const followUps = [];
        let first = true;
        for (const plan of buyer.orders) {
            await this.timeline.until(plan.arrivalSeconds);
            if (this.stopped) {
                this.unfinishedBuyers += 1;
                break;
            }
            if (plan.switchFrom !== null) {
                if (switchOrder !== undefined)
                    await this.switchModel(account, switchOrder, plan);
                continue;
            }
            if (plan.invalidTrimFirst)
                await this.invalidOrder(account, plan);
            // An early click that was taken, or never answered, makes a replay of its key legitimate.
            const unknownEarlier = first && (await early) === 'taken_or_unknown';
            first = false;
            const order = await this.place(buyer, account, plan, this.target.launchId, plan.config, unknownEarlier);
            if (order !== null)
                followUps.push(this.afterOrder(account, order, plan));
        }
        await Promise.all(followUps);
    }
    /** "Order" pressed 1.5 s before the opening, with the key the real attempt will use. */
    async earlyClick(plan, account) {
        const o = await this.call('POST', '/orders', { token: account.token, isOrder: true,
            headers: { 'idempotency-key': plan.key }, body: orderBody(this.target.launchId, plan.config) });
        if (o.kind !== 'reply')
            return 'taken_or_unknown';
        if (retryable(o))
            return 'none';
        const serverTime = Date.parse(String(o.headers['x-server-time'] ?? ''));
        if (o.status < 300) {
            // Taken: only right if the server's clock had passed the opening by then (the request
            // may have waited for a connection). The real attempt will see it replayed.
            if (!(serverTime >= this.opensAtServerMs)) {
                this.auditor.violation('early_order', `${plan.key}: order accepted at ${o.headers['x-server-time']}, before the opening`);
            }
            return 'taken_or_unknown';
        }
        this.auditor.refusal(`early click ${plan.key}`, o, ['sales_not_open']);
        return 'refused';
    }
    async invalidOrder(account, plan) {
        const body = orderBody(this.target.launchId, { ...plan.config, trim: 'founders-edition' });
        const o = await this.probe('POST', '/orders', { token: account.token, isOrder: true,
            headers: { 'idempotency-key': `${plan.key}i` }, body });
        if (o.kind === 'reply' && !retryable(o)) {
            this.auditor.refusal(`order with unknown trim ${plan.key}`, o, ['unknown_trim']);
        }
    }
    /** `POST /orders` until a definite answer; the same key on every retry. */
    async place(buyer, account, plan, launchId, config, unknownBefore) {
        const what = `order ${plan.key} of ${buyer.phone}`;
        let unknownEarlier = unknownBefore;
        for (let attempt = 0; attempt <= this.retriesMax && !this.stopped; attempt++) {
            const impatient = plan.impatient && attempt === 0;
            const o = await this.call('POST', '/orders', { token: account.token, isOrder: true,
                headers: { 'idempotency-key': plan.key }, body: orderBody(launchId, config),
                timeoutMs: impatient ? LIMITS.impatientTimeoutMs : LIMITS.requestTimeoutMs });
            if (o.kind !== 'reply') {
                unknownEarlier = true;
                this.metrics.retries += 1;
                await this.timeline?.sleepMs(LIMITS.impatientPauseMs) ?? sleep(LIMITS.impatientPauseMs);
                continue;
            }
            if (o.status === 200 || o.status === 201) {
                const order = this.auditor.placed(what, account.accountId, plan.key, launchId, config, o, unknownEarlier);
                if (order !== null && launchId === this.target.launchId) {
                    this.metrics.ordersPlaced += 1;
                    this.metrics.recordConfirmed(this.timeline?.simSeconds(o.repliedAtMs) ?? -1);
                }
                // Beyond the limit, unless an earlier order of this buyer was never answered (and so
                // perhaps never made).
                if (plan.beyondLimit && !this.unresolved.has(buyer.index)) {
                    this.auditor.violation('per_account_limit', `${what}: order beyond the limit of ` +
                        `${PER_ACCOUNT_LIMIT} accepted`);
                }
                return order;
            }
            if (retryable(o)) {
                // The database went away during or after the commit: the order may exist already.
                if (o.body?.error?.code === 'commit_unknown')
                    unknownEarlier = true;
                this.metrics.retries += 1;
                await sleep(retryDelayMs(o));
                continue;
            }
            const serverTime = Date.parse(String(o.headers['x-server-time'] ?? ''));
            if (o.code === 'sales_not_open' && serverTime < this.opensAtServerMs) {
                // Our clock ran a little ahead of the server's: the app counts down again.
                await sleep(Math.min(1000, this.opensAtServerMs - serverTime + 5));
                continue;
            }
            if (plan.beyondLimit) {
                this.auditor.refusal(what, o, ['per_account_limit_reached']);
            }
            else {
                this.auditor.refusal(what, o, []);
            }
            return null;
        }
        if (!this.stopped) {
            this.unresolved.add(buyer.index);
            this.auditor.violation('unresolved', `${what}: no definite answer after ` +
                `${this.retriesMax} retries`);
        }
        else if (unknownEarlier) {
            this.unresolved.add(buyer.index);
        }
        return null;
    }
    /** What a buyer does after ordering: maybe change, maybe lock early, maybe cancel. */
    async afterOrder(account, order, plan) {
        const t = this.timeline;
        if (plan.change !== null) {
            await t.until(plan.change.atSeconds);
            if (this.stopped)
                return;
            const config = plan.change.config;
            const o = await this.step(account, order, 'change', { trim: config.trim,
                options: config.options, city: config.city }, (b) => b.trim === config.trim && b.city === config.city &&
                sameOptions(b.options, config.options));
            if (o !== null) {
                this.auditor.changed(order, config, o);
                this.metrics.changes += 1;
            }
        }
        // After an action that never got a definite answer the buyer's app would have to reload
        // the order; the simulated buyer stops, and the read-back settles what the order became.
        if (this.auditor.isUncertain(order))
            return;
        if (plan.lock !== null && order.status === 'firm') {
            await t.until(plan.lock.atSeconds);
            if (this.stopped)
                return;
            await this.lock(account, order, plan.lock.withoutConfirmFirst);
            if (this.auditor.isUncertain(order))
                return;
        }
        if (plan.cancel !== null && order.status !== 'cancelled') {
            await t.until(plan.cancel.atSeconds);
            if (this.stopped)
                return;
            const locked = order.status === 'locked';
            if (locked && plan.cancel.withoutAcceptFirst) {
                const o = await this.probe('POST', `/orders/${order.orderId}/cancel`, { token: account.token, body: {} });
                if (o.kind === 'reply') {
                    this.auditor.refusal(`cancel ${order.orderId} without accept_forfeit`, o, ['forfeit_not_accepted']);
                }
            }
            const o = await this.step(account, order, 'cancel', locked ? { accept_forfeit: true } : {}, (b) => b.status === 'cancelled');
            if (o !== null) {
                this.auditor.cancelled(order, o);
                this.metrics.cancels += 1;
            }
        }
    }
    async lock(account, order, withoutConfirmFirst) {
        if (withoutConfirmFirst) {
            const o = await this.probe('POST', `/orders/${order.orderId}/lock`, { token: account.token, body: {} });
            if (o.kind === 'reply') {
                this.auditor.refusal(`lock ${order.orderId} without confirm`, o, ['lock_needs_confirmation']);
            }
        }
        const o = await this.step(account, order, 'lock', { confirm: true }, (b) => b.status === 'locked');
        if (o !== null) {
            this.auditor.locked(order, o);
            this.metrics.locks += 1;
        }
    }
    async switchModel(account, order, plan) {
        const target = this.target.launchId;
        const c = plan.config;
        const o = await this.step(account, order, 'change', { launch_id: target, trim: c.trim,
            options: c.options, city: c.city }, (b) => b.launch_id === target);
        if (o !== null) {
            this.auditor.switched(order, target, c, o);
            this.metrics.switches += 1;
            this.metrics.recordConfirmed(this.timeline.simSeconds(o.repliedAtMs));
        }
    }
    /**
     * One order action, retried while the server says a retry can help. When no reply comes, the
     * order is read back: `applied` tells whether the action took effect, and if so the read-back
     * stands in for the reply (its reply time bounds the action's from above).
     */
    async step(account, order, action, body, applied) {
        let firstSentMs = 0;
        let uncertain = false;
        for (let attempt = 0; attempt <= this.retriesMax && !this.stopped; attempt++) {
            const o = await this.call('POST', `/orders/${order.orderId}/${action}`, { token: account.token, body });
            // A 500, or `commit_unknown` (the database went away during the COMMIT), may come after
            // the commit: like no reply at all, it leaves the step uncertain until the order is read.
            const unknown = o.kind !== 'reply' || o.status === 500
                || (o.kind === 'reply' && o.body?.error?.code === 'commit_unknown');
            if (o.kind === 'reply' && !retryable(o)) {
                if (o.status === 200)
                    return o;
                if (uncertain) {
                    // The attempt that timed out was still in the server's hands when we read back, and
                    // has since taken effect: the retry meets "already locked", "nothing to change",
                    // "already changed in this window"... Whatever the refusal, the order tells.
                    const read = await this.readOrder(account, order);
                    if (read.kind === 'reply' && read.status === 200 && applied(read.body)) {
                        return { ...read, sentAtMs: firstSentMs };
                    }
                }
                this.auditor.refusal(`${action} ${order.orderId}`, o, []);
                return null;
            }
            if (unknown && !uncertain) {
                uncertain = true;
                firstSentMs = o.sentAtMs;
            }
            this.metrics.retries += 1;
            if (!unknown) {
                await sleep(retryDelayMs(o));
                continue;
            }
            const read = await this.readOrder(account, order);
            if (read.kind === 'reply' && read.status === 200 && applied(read.body)) {
                return { ...read, sentAtMs: firstSentMs };
            }
            // Not applied, or no server at all (it is restarting): a phone waits a moment rather
            // than spending every retry within the millisecond a refused connection takes.
            await sleep(o.kind === 'reply' ? retryDelayMs(o) : LIMITS.impatientPauseMs);
        }
        this.auditor.violation('unresolved', `${action} ${order.orderId}: no definite answer`);
        this.auditor.markUncertain(order);
        return null;
    }
    /**
     * `GET /orders/{id}` until a reply comes. Right after a restart the first attempts may meet a
     * connection the dead process left in the pool (reset) or no server yet; the answer to "did
     * my action happen?" must come from the server, not from a broken connection.
     */
    async readOrder(account, order) {
        for (let attempt = 0;; attempt++) {
            const read = await this.call('GET', `/orders/${order.orderId}`, { token: account.token });
            if ((read.kind === 'reply' && !retryable(read)) || attempt >= READ_BACK_ATTEMPTS_MAX ||
                this.stopped)
                return read;
            await sleep(read.kind === 'reply' ? retryDelayMs(read) : LIMITS.impatientPauseMs);
        }
    }
    /** Stops the night early (a server died): no new request starts, buyers finish as they are. */
    abort(reason) {
        if (this.stopped)
            return;
        this.stopped = true;
        this.auditor.violation('aborted', reason);
    }
    get wasStopped() {
        return this.stopped;
    }
    /** Reads back every account's orders and compares them with the model. */
    async readBack() {
        const modelByAccount = new Map();
        for (const o of this.auditor.orders.values()) {
            const list = modelByAccount.get(o.accountId) ?? [];
            list.push(o.orderId);
            modelByAccount.set(o.accountId, list);
        }
        let orders = 0;
        let adopted = 0;
        const deadline = performance.now() + LIMITS.readBackSecondsMax * 1000;
        let skipped = 0;
        await Promise.all([...this.accounts].map(async ([buyer, account]) => {
            for (let attempt = 0; attempt <= this.retriesMax; attempt++) {
                if (performance.now() > deadline) {
                    skipped += 1;
                    return;
                }
                const o = await this.call('GET', '/orders', { token: account.token });
                if (o.kind === 'reply' && o.status === 200) {
                    const list = o.body?.orders ?? [];
                    orders += list.length;
                    adopted += this.auditor.finalOrders(account.accountId, list, modelByAccount.get(account.accountId) ?? [], this.unresolved.has(buyer));
                    return;
                }
                await sleep(o.kind === 'reply' ? retryDelayMs(o) : 100);
            }
            this.auditor.violation('unresolved', `GET /orders for ${account.accountId} never answered`);
        }));
        if (skipped > 0) {
            this.auditor.violation('deadline', `read-back stopped after ${LIMITS.readBackSecondsMax} s ` +
                `with ${skipped} accounts unread`);
        }
        return { accounts: this.accounts.size, orders, adopted };
    }
    async stats(launchId) {
        return (await this.adminOk('GET', `/launches/${launchId}/stats`)).body;
    }
}
function sameOptions(server, model) {
    return Array.isArray(server) && [...server].sort().join() === [...model].sort().join();
}
/** Reads of an order after an unanswered action, before its fate is left to the read-back. */
const READ_BACK_ATTEMPTS_MAX = 40;
/** `/orders/ord_x/lock` -> `/orders/{id}/lock`, so errors group by endpoint. */
function routeOf(path) {
    return path.replace(/\/(ord|acc)_[^/?]+/g, '/{id}').replace(/\?.*$/, '');
}
export function orderBody(launchId, c) {
    return { launch_id: launchId, trim: c.trim, options: c.options, city: c.city };
}
/** 503 overloaded and 500 are worth retrying; so is any code the catalogue marks transient. */
function retryable(o) {
    return o.status === 503 || o.status === 500 || o.status === 429;
}
function retryDelayMs(o) {
    if (o.kind !== 'reply')
        return 100;
    const seconds = Number(o.headers['retry-after']);
    return Number.isFinite(seconds) ? Math.min(LIMITS.retryAfterMaxMs, seconds * 1000) : 200;
}
function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
//# sourceMappingURL=launch-night.js.map