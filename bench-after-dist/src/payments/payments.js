// The payment port. The real provider is out of reach from here, so launchday ships a sandbox
// that keeps the provider's contract: a charge is identified by the caller's reference, so a
// retried charge returns the first answer instead of taking the money twice.
import { hash } from 'node:crypto';
import { sign, SIGNATURE_HEADER } from './payment-signature.js';
import { newId } from '../kernel/ids.js';
import { RecentMap } from '../kernel/recent-map.js';
/** The deposit's reference: the same account, key and body always pay under the same one. */
export function depositReference(accountId, idempotencyKey, requestHash) {
    return `dep_${hash('sha256', `${accountId}\u0000${idempotencyKey}\u0000${requestHash}`, 'base64url').slice(0, 32)}`;
}
const DEFAULT_REFERENCES_KEPT = 100_000;
/**
 * In-memory sandbox that keeps the real provider's contract: a charge is approved inside the
 * call; a refund is accepted at once and settled later by a signed notification, sometimes
 * late, sometimes twice, sometimes never, retried until the receiver answers 2xx. Deliveries
 * are bounded: `deliveriesInFlightMax` at once, `deliveriesWaitingMax` waiting.
 */
export class SandboxPaymentProvider {
    options;
    /** Each sandbox is a ledger of its own: it forgets everything when its process ends. */
    ledgerId = newId('sandbox');
    /** Recent references only: a retry comes within minutes, and the sandbox must stay small. */
    charges;
    refunds;
    voided = 0;
    /** Notifications the receiver has acknowledged (duplicates included). */
    delivered = 0;
    /** Notifications dropped because too many were waiting, or given up after every attempt. */
    dropped = 0;
    /** The most deliveries that were awaiting an answer at once (for tests of the bound). */
    inFlightPeak = 0;
    #inFlight = 0;
    /** Scheduled for a later attempt (timers), counted against the waiting bound. */
    #scheduled = 0;
    #ready = [];
    #deliver = null;
    #secret = '';
    #timers = new Set();
    constructor(options = {}) {
        this.options = options;
        const kept = options.referencesKept ?? DEFAULT_REFERENCES_KEPT;
        this.charges = new RecentMap(kept);
        this.refunds = new RecentMap(kept);
    }
    /** Starts delivering notifications, signed with the secret both sides share. */
    connect(secret, deliver) {
        this.#secret = secret;
        this.#deliver = deliver;
        this.#pump();
    }
    /** Stops every delivery still scheduled or queued. */
    close() {
        for (const t of this.#timers)
            clearTimeout(t);
        this.#timers.clear();
        this.#scheduled = 0;
        this.#ready.length = 0;
        this.#deliver = null;
    }
    /** Notifications queued, scheduled for a retry, or awaiting an answer. */
    get outstanding() {
        return this.#ready.length + this.#scheduled + this.#inFlight;
    }
    #now() {
        return (this.options.nowMs ?? Date.now)();
    }
    #later(ms, fn) {
        const t = setTimeout(() => {
            this.#timers.delete(t);
            fn();
        }, ms);
        t.unref();
        this.#timers.add(t);
    }
    /** Queues a delivery if the bound allows; false when it was dropped. */
    #enqueue(body, attempt) {
        if (this.outstanding >= (this.options.deliveriesWaitingMax ?? 10_000)) {
            this.dropped++;
            return false;
        }
        this.#ready.push({ body, attempt });
        this.#pump();
        return true;
    }
    /** A delivery to be queued after `ms`, counted against the bound while it waits. */
    #schedule(ms, body, attempt) {
        if (this.outstanding >= (this.options.deliveriesWaitingMax ?? 10_000)) {
            this.dropped++;
            return;
        }
        this.#scheduled++;
        this.#later(ms, () => {
            this.#scheduled--;
            this.#ready.push({ body, attempt });
            this.#pump();
        });
    }
    #pump() {
        const max = this.options.deliveriesInFlightMax ?? 16;
        while (this.#deliver && this.#inFlight < max && this.#ready.length > 0) {
            const { body, attempt } = this.#ready.shift();
            this.#send(this.#deliver, body, attempt);
        }
    }
    #send(deliver, body, attempt) {
        this.#inFlight++;
        this.inFlightPeak = Math.max(this.inFlightPeak, this.#inFlight);
        const headers = { 'content-type': 'application/json',
            [SIGNATURE_HEADER]: sign(this.#secret, Date.now(), body) };
        const done = (delivered) => {
            // No longer in flight before a retry is counted, so a retry never crowds itself out.
            this.#inFlight--;
            if (delivered)
                this.delivered++;
            else if (!this.#deliver)
                return; // Closed meanwhile.
            else if (attempt < (this.options.deliveryAttempts ?? 8)) {
                this.#schedule(100 * 2 ** attempt, body, attempt + 1);
            }
            else
                this.dropped++;
            this.#pump();
        };
        deliver(body, headers).then((status) => done(status >= 200 && status < 300), () => done(false));
    }
    /** After a delay the refund succeeds; its notification is sent (once, twice, or never). */
    #settleLater(reference, record) {
        const random = this.options.random ?? Math.random;
        const [least, most] = this.options.notifyDelayMs ?? [50, 500];
        const delay = () => {
            const ms = least + random() * (most - least);
            return random() < (this.options.lateShare ?? 0.1) ? ms + most * 10 : ms;
        };
        const lost = random() < (this.options.lostNotificationShare ?? 0);
        const copies = random() < (this.options.duplicateShare ?? 0.1) ? 2 : 1;
        // Unique across processes and restarts, as a real provider's are: a counter starting at 1
        // in every process gave two processes' refunds the same event id.
        const body = JSON.stringify({ event_id: newId('evt'), type: 'refund.succeeded',
            reference, amount_fen: record.amountFen, occurred_at: new Date(this.#now()).toISOString() });
        this.#later(delay(), () => {
            record.succeeded = true;
            if (lost)
                return;
            this.#enqueue(body, 1);
            if (copies === 2)
                this.#schedule(delay(), body, 1);
        });
    }
    async charge(req) {
        const seen = this.charges.get(req.reference);
        // A refunded reference is charged afresh, as the real provider does: that charge is a new
        // hold, which launchday must keep with an order or void.
        if (seen && !seen.refunded)
            return seen.result;
        const result = this.options.declinePayers?.has(req.payer)
            ? { status: 'declined', reason: 'sandbox: payer on the decline list' }
            : { status: 'approved', paymentId: newId('pay') };
        this.charges.set(req.reference, { amountFen: req.amountFen, payer: req.payer, result,
            chargedAtMs: this.#now(), refunded: false });
        this.refunds.delete(req.reference);
        return result;
    }
    async void(req) {
        const c = this.charges.get(req.reference);
        if (c && !c.refunded && this.charges.delete(req.reference))
            this.voided++;
    }
    async refund(req) {
        if (this.refunds.has(req.reference))
            return;
        const random = this.options.random ?? Math.random;
        if (random() < (this.options.refundFailureShare ?? 0)) {
            throw new Error('sandbox: the provider is unavailable');
        }
        const charge = this.charges.get(req.reference);
        if (charge)
            charge.refunded = true;
        // Accepted, then forgotten: only a status query finds out, and sending it again fixes it.
        if (random() < (this.options.lostRefundShare ?? 0))
            return;
        const record = { amountFen: req.amountFen, succeeded: false };
        this.refunds.set(req.reference, record);
        this.#settleLater(req.reference, record);
    }
    async refundStatus(reference) {
        const r = this.refunds.get(reference);
        if (!r)
            return { status: 'unknown' };
        return r.succeeded ? { status: 'succeeded', amountFen: r.amountFen } : { status: 'pending' };
    }
    async heldCharges(olderThanMs, limit, afterMs) {
        const before = this.#now() - olderThanMs;
        const out = [];
        // Kept in the order taken; a linear walk is fine for a sandbox's 100,000 references.
        for (const reference of this.charges.keys()) {
            const c = this.charges.get(reference);
            if (c.chargedAtMs > before)
                break; // Oldest first: the rest are younger still.
            if (c.chargedAtMs <= afterMs || c.refunded || c.result.status !== 'approved')
                continue;
            out.push({ reference, amountFen: c.amountFen, payer: c.payer,
                chargedAtMs: c.chargedAtMs });
            if (out.length >= limit)
                break;
        }
        return out;
    }
    /** Every charge held now, whatever its age (for tests and the invariant checks). */
    heldReferences() {
        const out = new Map();
        for (const reference of this.charges.keys()) {
            const c = this.charges.get(reference);
            if (!c.refunded && c.result.status === 'approved')
                out.set(reference, c.amountFen);
        }
        return out;
    }
}
//# sourceMappingURL=payments.js.map