/**
 * Sends nothing: keeps the newest `kept` messages in memory, per process, for the operator
 * (GET /api/v1/admin/sandbox/sms) and for tests.
 */
export class SandboxSmsSender {
    kept;
    nowMs;
    provider = 'sandbox';
    /** The last text per phone, the newest `kept` phones. */
    sent = new Map();
    #messages = [];
    constructor(kept = 200, nowMs = () => Date.now()) {
        this.kept = kept;
        this.nowMs = nowMs;
    }
    async send(phone, text) {
        this.sent.delete(phone);
        this.sent.set(phone, text);
        if (this.sent.size > this.kept)
            this.sent.delete(this.sent.keys().next().value);
        this.#messages.push({ phone, text, atMs: this.nowMs() });
        if (this.#messages.length > this.kept)
            this.#messages.shift();
    }
    /** The messages kept, newest first. */
    messages() {
        return [...this.#messages].reverse();
    }
}
//# sourceMappingURL=sms.js.map