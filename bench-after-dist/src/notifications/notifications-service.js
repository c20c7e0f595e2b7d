import { afterReport, afterSend, claimed, idempotencyKey, parseIdempotencyKey, } from './notification.js';
import { ProviderError, } from './message-provider.js';
/** The delivery policy from the Limits table. */
export const deliveryPolicy = (l) => ({
    attemptsMax: l.notificationAttemptsMax, generationsMax: l.notificationGenerationsMax,
    backoffBaseMs: l.notificationBackoffBaseMs, backoffMaxMs: l.notificationBackoffMaxMs,
    leaseMs: l.notificationLeaseMs,
});
export class NotificationsService {
    deps;
    #policy;
    #random;
    #round = null;
    #reports = [];
    #recording = null;
    constructor(deps) {
        this.deps = deps;
        this.#policy = deliveryPolicy(deps.limits);
        this.#random = deps.random ?? Math.random;
        deps.provider.onReport((r) => this.receiveReport(r));
    }
    /** The provider messages go through. */
    get provider() {
        return this.deps.provider;
    }
    /**
     * One delivery round: claims up to notificationClaimBatchMax messages due, sends them, records
     * the outcomes. Resolves with how many were claimed. A round still under way is joined, not
     * doubled (the timer may fire while a slow provider holds the last one).
     */
    deliverDue() {
        this.#round ??= this.#deliver().finally(() => { this.#round = null; });
        return this.#round;
    }
    /** Sends everything due until nothing is (for start-up and tests). */
    async deliverAll(roundsMax = 1_000) {
        for (let i = 0; i < roundsMax && await this.deliverDue() > 0; i++)
            ;
    }
    async #deliver() {
        const { store, clock, limits } = this.deps;
        const claimedAtMs = clock.nowMs();
        // On SQLite a write transaction here pauses the order writer's thread: none when idle.
        if (!await store.anyNotificationDue(claimedAtMs))
            return 0;
        const mine = await store.transaction(async (tx) => {
            const due = await tx.dueNotifications(claimedAtMs, limits.notificationClaimBatchMax);
            const next = due.map((m) => claimed(m, claimedAtMs, this.#policy));
            await tx.updateNotifications(next);
            // A message still `sending` was claimed before, and its worker never said how it went.
            await tx.recordDeliveryAttempts(due.filter((m) => m.state === 'sending').map((m) => ({
                notificationId: m.notificationId, atMs: claimedAtMs, outcome: 'lease_expired',
                detail: `attempt ${m.attempts} unrecorded; sent again under the same key`
            })));
            return next;
        });
        if (mine.length === 0)
            return 0;
        const outcomes = await this.#sendAll(mine);
        await this.#recordSends(mine, outcomes);
        return mine.length;
    }
    /** Sends the claimed messages, at most notificationSendsInFlightMax at once. */
    async #sendAll(messages) {
        const out = new Array(messages.length);
        let next = 0;
        const lane = async () => {
            while (next < messages.length) {
                const i = next++;
                out[i] = await this.#send(messages[i]);
            }
        };
        await Promise.all(Array.from({ length: Math.min(messages.length, this.deps.limits.notificationSendsInFlightMax) }, lane));
        return out;
    }
    async #send(m) {
        let to = m.accountId;
        if (m.channel === 'sms') {
            const account = await this.deps.store.accountById(m.accountId);
            if (account === null) {
                return { kind: 'failed', retryable: false, error: 'no such account', retryAfterMs: null };
            }
            to = account.phone;
        }
        try {
            const a = await this.deps.provider.submit({ idempotencyKey: idempotencyKey(m),
                channel: m.channel, to, text: m.text });
            return { kind: 'accepted', providerMessageId: a.providerMessageId,
                reportsDelivery: this.deps.provider.reportsDelivery };
        }
        catch (err) {
            // Anything but the provider's own refusal (a bug in an adapter, a network error it did
            // not classify) may be passing: tried again, under the same key.
            const p = err instanceof ProviderError ? err : null;
            return { kind: 'failed', retryable: p?.retryable ?? true, error: err.message,
                retryAfterMs: p?.retryAfterMs ?? null };
        }
    }
    async #recordSends(sent, outcomes) {
        const nowMs = this.deps.clock.nowMs();
        await this.deps.store.transaction(async (tx) => {
            const current = new Map((await tx.notificationsForUpdate(sent.map((m) => m.notificationId))).map((m) => [m.notificationId, m]));
            const updated = [];
            const attempts = [];
            sent.forEach((m, i) => {
                const o = outcomes[i];
                const now = current.get(m.notificationId);
                const after = now === undefined ? null
                    : afterSend(now, m.attempts, o, nowMs, this.#random(), this.#policy);
                if (after !== null) {
                    updated.push(after);
                    current.set(after.notificationId, after);
                }
                attempts.push({ notificationId: m.notificationId, atMs: nowMs,
                    outcome: o.kind === 'accepted' ? 'accepted' : o.retryable ? 'retry' : 'rejected',
                    detail: `attempt ${m.attempts}, key ${idempotencyKey(m)}: ${o.kind === 'accepted'
                        ? o.providerMessageId : o.error}${after === null ? ' (claim superseded)' : ''}` });
            });
            await tx.updateNotifications(updated);
            await tx.recordDeliveryAttempts(attempts);
        });
    }
    /**
     * Records a provider's delivery report (the provider's listener). Reports arriving together
     * share one transaction; the promise settles once it has committed, so a provider whose
     * report was not recorded sends it again.
     */
    receiveReport(report) {
        return new Promise((resolve, reject) => {
            this.#reports.push({ report, done: (err) => (err === undefined ? resolve() : reject(err)) });
            this.#recordPending();
        });
    }
    /** Starts recording the reports waiting, unless that is under way (it then starts again). */
    #recordPending() {
        if (this.#recording !== null || this.#reports.length === 0)
            return;
        this.#recording = this.#recordReports().finally(() => {
            this.#recording = null;
            this.#recordPending();
        });
    }
    async #recordReports() {
        // Reports that arrive while this one is being written wait for the next transaction.
        await Promise.resolve();
        while (this.#reports.length > 0) {
            const batch = this.#reports.splice(0, this.deps.limits.notificationReportsBatchMax);
            try {
                await this.#applyReports(batch.map((p) => p.report));
                for (const p of batch)
                    p.done();
            }
            catch (err) {
                for (const p of batch)
                    p.done(err);
            }
        }
    }
    async #applyReports(reports) {
        const nowMs = this.deps.clock.nowMs();
        const named = reports.map((r) => ({ r, k: parseIdempotencyKey(r.idempotencyKey) }));
        await this.deps.store.transaction(async (tx) => {
            const ids = [...new Set(named.flatMap(({ k }) => (k ? [k.notificationId] : [])))].sort();
            const current = new Map((await tx.notificationsForUpdate(ids)).map((m) => [m.notificationId, m]));
            const changed = new Map();
            const attempts = [];
            for (const { r, k } of named) {
                const m = k ? current.get(k.notificationId) : undefined;
                if (!k || !m)
                    continue;
                const after = afterReport(m, { generation: k.generation, status: r.status,
                    providerMessageId: r.providerMessageId, detail: r.detail }, nowMs, this.#random(), this.#policy);
                if (after !== null) {
                    current.set(m.notificationId, after);
                    changed.set(m.notificationId, after);
                }
                attempts.push({ notificationId: m.notificationId, atMs: nowMs,
                    outcome: after === null ? 'ignored_report' : r.status,
                    detail: `key ${r.idempotencyKey}: ${r.detail}` });
            }
            await tx.updateNotifications([...changed.values()]);
            await tx.recordDeliveryAttempts(attempts);
        });
    }
    /** Sets the language of the buyer's next messages. */
    async setLanguage(accountId, language) {
        const nowMs = this.deps.clock.nowMs();
        await this.deps.store.transaction((tx) => tx.setNotificationLanguage(accountId, language, nowMs));
    }
    /** Waits for the round and the report recording under way (before the store closes). */
    async drain() {
        await this.#round?.catch(() => undefined);
        await this.#recording?.catch(() => undefined);
    }
}
//# sourceMappingURL=notifications-service.js.map