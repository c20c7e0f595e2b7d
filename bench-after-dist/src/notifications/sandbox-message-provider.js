// A provider that sends nothing and behaves like a real one: it accepts asynchronously, after a
// latency that is sometimes long; refuses some messages for now (a 5xx), some for good, and
// those over its rate (with a retry-after); sometimes accepts a message but loses the reply
// (the caller sees an error, yet the message goes out: the trap idempotency keys exist for);
// reports delivery later, sometimes "undelivered", sometimes twice, and sends a report again
// until its listener takes it. A key seen before is answered with the first acceptance and
// never sent twice. What "reached the phone" is counted per key, for tests and the operator.
// Randomness and time are injected, so a seeded test replays one run exactly.
import { ProviderError, } from './message-provider.js';
/** A provider that never misbehaves and answers at once: for route tests. */
export const PERFECT_SANDBOX = Object.freeze({
    acceptMsMin: 0, acceptMsMax: 0, slowRate: 0, slowMs: 0, transientFailureRate: 0, rejectRate: 0,
    lostReplyRate: 0, ratePerSecond: 1_000_000, reportMsMin: 0, reportMsMax: 0,
    undeliveredRate: 0, duplicateReportRate: 0, reportRetryMs: 1_000,
});
/** What a running server's sandbox does: a plausible gateway on a bad day. */
export const DEFAULT_SANDBOX = Object.freeze({
    acceptMsMin: 20, acceptMsMax: 200, slowRate: 0.02, slowMs: 3_000, transientFailureRate: 0.03,
    rejectRate: 0, lostReplyRate: 0.02, ratePerSecond: 100, reportMsMin: 500, reportMsMax: 5_000,
    undeliveredRate: 0.02, duplicateReportRate: 0.05, reportRetryMs: 2_000,
});
/** Real time; `close` cancels the timers. */
export class RealTimeScheduler {
    #timers = new Set();
    nowMs() {
        return Date.now();
    }
    after(ms, fn, background = false) {
        const t = setTimeout(() => {
            this.#timers.delete(t);
            fn();
        }, ms);
        if (background)
            t.unref();
        this.#timers.add(t);
    }
    close() {
        for (const t of this.#timers)
            clearTimeout(t);
        this.#timers.clear();
    }
}
export class SandboxMessageProvider {
    behaviour;
    scheduler;
    random;
    keysKept;
    recentKept;
    name = 'sandbox';
    reportsDelivery = true;
    /** Keys accepted, oldest first; the newest `keysKept` are remembered (a real one keeps a day). */
    #accepted = new Map();
    /** How many times each key reached the phone: never more than once. */
    #handset = new Map();
    #recent = [];
    #listener = null;
    #second = -1;
    #acceptedThisSecond = 0;
    #sequence = 0;
    /** Every hand-over tried, accepted or not (for tests: how often one message was sent). */
    submits = 0;
    constructor(behaviour = DEFAULT_SANDBOX, scheduler = new RealTimeScheduler(), random = Math.random, keysKept = 100_000, recentKept = 200) {
        this.behaviour = behaviour;
        this.scheduler = scheduler;
        this.random = random;
        this.keysKept = keysKept;
        this.recentKept = recentKept;
    }
    onReport(listener) {
        this.#listener = listener;
    }
    submit(m) {
        this.submits += 1;
        const b = this.behaviour;
        const latency = this.random() < b.slowRate ? b.slowMs
            : b.acceptMsMin + Math.round((b.acceptMsMax - b.acceptMsMin) * this.random());
        if (latency === 0)
            return Promise.resolve().then(() => this.#take(m));
        return new Promise((resolve, reject) => this.scheduler.after(latency, () => {
            try {
                resolve(this.#take(m));
            }
            catch (err) {
                reject(err);
            }
        }));
    }
    /** How many times the message with this key reached the phone (0 or 1). */
    deliveredCount(key) {
        return this.#handset.get(key) ?? 0;
    }
    /** Every key that reached a phone, with how many times. */
    deliveries() {
        return this.#handset;
    }
    /** The newest messages that reached a phone, newest first. */
    recent() {
        return [...this.#recent].reverse();
    }
    close() {
        if (this.scheduler instanceof RealTimeScheduler)
            this.scheduler.close();
    }
    #take(m) {
        const b = this.behaviour;
        const second = Math.floor(this.scheduler.nowMs() / 1000);
        if (second !== this.#second) {
            this.#second = second;
            this.#acceptedThisSecond = 0;
        }
        if (this.#acceptedThisSecond >= b.ratePerSecond) {
            throw new ProviderError('429 too many requests', true, (second + 1) * 1000 - this.scheduler.nowMs());
        }
        if (this.random() < b.transientFailureRate) {
            throw new ProviderError('503 service unavailable', true);
        }
        const known = this.#accepted.get(m.idempotencyKey);
        if (known)
            return { providerMessageId: known.providerMessageId };
        if (this.random() < b.rejectRate)
            throw new ProviderError('400 unreachable number', false);
        this.#acceptedThisSecond += 1;
        const accepted = { providerMessageId: `sbx_${++this.#sequence}`, message: m };
        this.#accepted.set(m.idempotencyKey, accepted);
        if (this.#accepted.size > this.keysKept) {
            this.#accepted.delete(this.#accepted.keys().next().value);
        }
        this.scheduler.after(b.reportMsMin + Math.round((b.reportMsMax - b.reportMsMin)
            * this.random()), () => this.#deliver(accepted), true);
        if (this.random() < b.lostReplyRate) {
            throw new ProviderError('connection reset before the reply', true);
        }
        return { providerMessageId: accepted.providerMessageId };
    }
    /** The moment the message reaches the phone, or does not; then its report. */
    #deliver(a) {
        const b = this.behaviour;
        const delivered = this.random() >= b.undeliveredRate;
        if (delivered) {
            const key = a.message.idempotencyKey;
            this.#handset.set(key, (this.#handset.get(key) ?? 0) + 1);
            this.#recent.push({ key, to: a.message.to, text: a.message.text,
                atMs: this.scheduler.nowMs() });
            if (this.#recent.length > this.recentKept)
                this.#recent.shift();
        }
        const report = { idempotencyKey: a.message.idempotencyKey,
            providerMessageId: a.providerMessageId, status: delivered ? 'delivered' : 'undelivered',
            detail: delivered ? 'DELIVRD' : 'UNDELIV: handset unreachable' };
        this.#report(report);
        if (this.random() < b.duplicateReportRate) {
            this.scheduler.after(b.reportRetryMs, () => this.#report(report), true);
        }
    }
    /** Sends a report until the listener takes it, as a provider retries its webhook. */
    #report(r) {
        const retry = () => this.scheduler.after(this.behaviour.reportRetryMs, () => this.#report(r), true);
        const listener = this.#listener;
        if (listener === null) {
            retry();
            return;
        }
        listener(r).catch(retry);
    }
}
//# sourceMappingURL=sandbox-message-provider.js.map